//! Think-augment, the execution log and the trace spans, end to end against a real HTTP
//! server on 127.0.0.1 (`support/server.rs` echoes what arrived): the reason the model gives
//! reaches the log and the span, never the API.

#[allow(dead_code)] // the shared server module has helpers this test does not use
mod support;

use std::sync::Arc;

use openapi_tools_runtime::calls::ToolCall;
use openapi_tools_runtime::exec::{ExecutionLog, Executor};
use openapi_tools_runtime::manifest::Manifest;
use openapi_tools_runtime::registry::{InstallOptions, Registry};
use openapi_tools_runtime::think::ThinkAugment;
use serde_json::{Value, json};

fn manifest() -> Manifest {
    let s = json!({"type": "string"});
    serde_json::from_value(json!({
        "title": "Items", "version": "1", "source_hash": "abc123",
        "servers": ["http://unused.invalid"],
        "tools": [
            {"name": "get_item", "method": "GET", "path": "/items/{id}", "description": "Get",
             "params": [{"name": "id", "wire_name": "id", "in": "path", "required": true},
                        {"name": "q", "wire_name": "q", "in": "query"}],
             "input_schema": {"type": "object", "properties": {"id": s, "q": s},
                              "required": ["id"], "additionalProperties": false},
             "schema_hash": ""},
            {"name": "create_item", "method": "POST", "path": "/items", "description": "Create",
             "params": [{"name": "name", "wire_name": "name", "in": "body_property", "required": true},
                        {"name": "toolcall_reason", "wire_name": "toolcall_reason", "in": "body_property"}],
             "body": {"media_type": "application/json", "required": true, "flattened": true},
             "input_schema": {"type": "object", "properties": {"name": s, "toolcall_reason": s},
                              "required": ["name"], "additionalProperties": false},
             "schema_hash": ""}
        ]
    }))
    .unwrap()
}

fn call(id: &str, name: &str, args: Value) -> ToolCall {
    ToolCall {
        id: id.into(),
        id_synthetic: false,
        name: name.into(),
        arguments: Ok(args),
        rpc_id: None,
    }
}

/// Everything written to the captured log.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_reason_reaches_the_log_and_the_span_but_never_the_api() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = support::server::start().await;
    let registry = Registry::new();
    registry
        .install_manifest(
            "items",
            manifest(),
            InstallOptions::default().think_augment(ThinkAugment::all()),
        )
        .unwrap();
    let log = Arc::new(ExecutionLog::new(16));
    let exec = Executor::builder()
        .base_url(&server.url)
        .execution_log(Arc::clone(&log))
        .build();

    let snapshot = registry.snapshot();
    let results = exec
        .run_turn(
            &snapshot,
            vec![
                call(
                    "call_1",
                    "get_item",
                    json!({"id": "7", "q": "blue", "toolcall_reason": "the user wants item 7"}),
                ),
                // The API's own `toolcall_reason` body property is sent; the reason moved to
                // `_toolcall_reason` and is not.
                call(
                    "call_2",
                    "create_item",
                    json!({"name": "lamp", "toolcall_reason": "api value",
                           "_toolcall_reason": "restocking the lamp"}),
                ),
                // Strict OpenAI sends null for a reason left out.
                call(
                    "call_3",
                    "get_item",
                    json!({"id": "8", "toolcall_reason": null}),
                ),
            ],
        )
        .await;
    for r in &results {
        assert!(!r.is_error, "{r:?}");
    }

    // What the API saw: no reason anywhere.
    let seen = server.seen.requests.lock().unwrap().clone();
    assert_eq!(seen, ["GET /items/7?q=blue", "POST /items", "GET /items/8"]);
    let echoed: Vec<String> = results.iter().map(|r| r.content.to_string()).collect();
    assert!(
        echoed
            .iter()
            .all(|t| !t.contains("user wants") && !t.contains("restocking")),
        "{echoed:?}"
    );
    // The body carried the API's own property, and only it.
    assert!(
        echoed[1].contains(r#""bytes":45"#) || echoed[1].contains(r#"\"bytes\":45"#),
        "the body was {{\"name\":\"lamp\",\"toolcall_reason\":\"api value\"}}: {}",
        echoed[1]
    );

    // The log: newest first, reason and call id kept, sizes only.
    let records = log.recent(10);
    assert_eq!(records.len(), 3);
    let by_id = |id: &str| {
        records
            .iter()
            .find(|r| r.call_id.as_deref() == Some(id))
            .unwrap()
            .clone()
    };
    let first = by_id("call_1");
    assert_eq!(first.reason.as_deref(), Some("the user wants item 7"));
    assert_eq!(
        (first.tool.as_str(), first.set.as_deref()),
        ("get_item", Some("items"))
    );
    assert_eq!(
        (first.status, first.error, first.attempts),
        (Some(200), None, 1)
    );
    assert_eq!(first.version, "abc123");
    assert!(first.arguments.bytes > 0 && first.arguments.text.is_none());
    assert!(first.answer.bytes > 0 && first.answer.text.is_none());
    assert_eq!(
        by_id("call_2").reason.as_deref(),
        Some("restocking the lamp")
    );
    assert!(by_id("call_2").request_bytes > 0);
    assert_eq!(by_id("call_3").reason, None);

    // The spans: conventional names and attributes, the reason as our own attribute.
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "otel.name=\"execute_tool get_item\"",
        "gen_ai.operation.name=\"execute_tool\"",
        "gen_ai.tool.name=\"get_item\"",
        "gen_ai.tool.call.id=\"call_1\"",
        "gen_ai.tool.type=\"extension\"",
        "openapi_tools.toolcall_reason=\"the user wants item 7\"",
        "http.request.method=\"GET\"",
        "server.address=\"127.0.0.1\"",
        "http.response.status_code=200",
        "histogram.gen_ai.execute_tool.duration=",
    ] {
        assert!(logs.contains(expected), "`{expected}` missing: {logs}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn failures_carry_error_type_on_the_span_and_in_the_log() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = support::server::start().await;
    let mut m = manifest();
    m.tools[0].path = "/missing".into();
    m.tools[0].params.retain(|p| p.name != "id");
    m.tools[0].input_schema = json!({"type": "object", "properties": {"q": {"type": "string"}},
                                     "additionalProperties": false});
    let registry = Registry::new();
    registry
        .install_manifest("items", m, InstallOptions::default())
        .unwrap();
    let log = Arc::new(ExecutionLog::new(4).with_contents(true));
    let exec = Executor::builder()
        .base_url(&server.url)
        .execution_log(Arc::clone(&log))
        .build();
    let r = exec
        .call(
            &registry.snapshot(),
            call("c9", "get_item", json!({"q": "x"})),
        )
        .await;
    assert!(r.is_error);
    let rec = &log.recent(1)[0];
    assert_eq!((rec.status, rec.error), (Some(404), Some("status")));
    assert_eq!(rec.reason, None, "not think-augmented");
    assert_eq!(rec.arguments.text.as_deref(), Some(r#"{"q":"x"}"#));
    assert!(rec.answer.text.is_some());
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("error.type=\"status\""), "{logs}");
    assert!(logs.contains("error.type=\"404\""), "{logs}");
    assert!(logs.contains("otel.status_code=\"error\""), "{logs}");
}
