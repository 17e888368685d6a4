//! Spans and the duration metric reach an OTLP/HTTP receiver on 127.0.0.1.
//!
//! No collector binary (OpenTelemetry Collector, Jaeger) can be installed from the registries
//! CI reaches, so the receiver is in-process: an axum endpoint taking `/v1/traces` and
//! `/v1/metrics` as a collector's OTLP/HTTP receiver does, decoding the protobuf bodies with the
//! official types (`opentelemetry-proto`). The calls go through the real executor to a real
//! API server (axum) on 127.0.0.1.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use openapi_tools_runtime::calls::ToolCall;
use openapi_tools_runtime::exec::Executor;
use openapi_tools_runtime::registry::{InstallOptions, Registry};
use openapi_tools_runtime::think::ThinkAugment;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::metric;
use opentelemetry_proto::tonic::trace::v1::{Span, span, status};
use prost::Message as _;
use serde_json::json;
use tracing_subscriber::layer::SubscriberExt as _;

use super::{DURATION_METRIC, Otel};

#[derive(Default)]
struct Received {
    traces: Vec<ExportTraceServiceRequest>,
    metrics: Vec<ExportMetricsServiceRequest>,
}

type Shared = Arc<Mutex<Received>>;

async fn traces(State(seen): State<Shared>, body: Bytes) -> &'static str {
    let request = ExportTraceServiceRequest::decode(body).expect("OTLP trace protobuf");
    seen.lock().unwrap().traces.push(request);
    ""
}

async fn metrics(State(seen): State<Shared>, body: Bytes) -> &'static str {
    let request = ExportMetricsServiceRequest::decode(body).expect("OTLP metrics protobuf");
    seen.lock().unwrap().metrics.push(request);
    ""
}

async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

fn manifest() -> openapi_tools_runtime::Manifest {
    let s = json!({"type": "string"});
    serde_json::from_value(json!({
        "title": "Items", "version": "1", "source_hash": "v1hash",
        "tools": [
            {"name": "get_item", "method": "GET", "path": "/items/{id}", "description": "Get",
             "params": [{"name": "id", "wire_name": "id", "in": "path", "required": true}],
             "input_schema": {"type": "object", "properties": {"id": s}, "required": ["id"]},
             "schema_hash": ""},
            {"name": "missing", "method": "GET", "path": "/missing", "description": "404",
             "params": [], "input_schema": {"type": "object", "properties": {}},
             "schema_hash": ""}
        ]
    }))
    .unwrap()
}

fn call(id: &str, name: &str, args: serde_json::Value) -> ToolCall {
    ToolCall {
        id: id.into(),
        id_synthetic: false,
        name: name.into(),
        arguments: Ok(args),
        rpc_id: None,
    }
}

fn attr<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a any_value::Value> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v: &AnyValue| v.value.as_ref())
}

fn text<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a str> {
    match attr(attributes, key) {
        Some(any_value::Value::StringValue(s)) => Some(s),
        _ => None,
    }
}

fn int(attributes: &[KeyValue], key: &str) -> Option<i64> {
    match attr(attributes, key) {
        Some(any_value::Value::IntValue(i)) => Some(*i),
        _ => None,
    }
}

#[test]
fn spans_and_the_duration_metric_reach_an_otlp_receiver() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let seen: Shared = Arc::default();
    let (otlp, api) = rt.block_on(async {
        let otlp = serve(
            axum::Router::new()
                .route("/v1/traces", post(traces))
                .route("/v1/metrics", post(metrics))
                .with_state(Arc::clone(&seen)),
        )
        .await;
        let api = serve(axum::Router::new().route(
            "/items/{id}",
            axum::routing::get(|| async { axum::Json(json!({"id": "7", "name": "lamp"})) }),
        ))
        .await;
        (otlp, api)
    });

    let otel = Otel::builder()
        .endpoint(&otlp)
        .service_name("otel-test")
        .build()
        .unwrap();
    let subscriber = tracing_subscriber::registry().with(otel.layer());
    let guard = tracing::subscriber::set_default(subscriber);

    let registry = Registry::new();
    registry
        .install_manifest(
            "items",
            manifest(),
            InstallOptions::default().think_augment(ThinkAugment::all()),
        )
        .unwrap();
    let exec = Executor::builder().base_url(&api).build();
    let results = rt.block_on(exec.run_turn(
        &registry.snapshot(),
        vec![
            call(
                "call_1",
                "get_item",
                json!({"id": "7", "toolcall_reason": "the user asked for item 7"}),
            ),
            call("call_2", "missing", json!({})),
        ],
    ));
    assert!(!results[0].is_error && results[1].is_error, "{results:?}");
    drop(guard);
    // Exports what the batch processor and the metric reader still hold (blocking: outside
    // the runtime, whose threads keep serving the receiver).
    otel.shutdown().unwrap();

    let seen = seen.lock().unwrap();
    let resource_spans: Vec<_> = seen.traces.iter().flat_map(|r| &r.resource_spans).collect();
    let service = resource_spans
        .iter()
        .filter_map(|rs| rs.resource.as_ref())
        .find_map(|r| text(&r.attributes, "service.name"));
    assert_eq!(service, Some("otel-test"));
    let spans: Vec<&Span> = resource_spans
        .iter()
        .flat_map(|rs| &rs.scope_spans)
        .flat_map(|ss| &ss.spans)
        .collect();
    let named =
        |name: &str| -> Vec<&Span> { spans.iter().copied().filter(|s| s.name == name).collect() };

    let tool = named("execute_tool get_item");
    assert_eq!(
        tool.len(),
        1,
        "spans: {:?}",
        spans.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    let tool = tool[0];
    assert_eq!(tool.kind, span::SpanKind::Internal as i32);
    let a = &tool.attributes;
    assert_eq!(text(a, "gen_ai.operation.name"), Some("execute_tool"));
    assert_eq!(text(a, "gen_ai.tool.name"), Some("get_item"));
    assert_eq!(text(a, "gen_ai.tool.call.id"), Some("call_1"));
    assert_eq!(text(a, "gen_ai.tool.type"), Some("extension"));
    assert_eq!(
        text(a, "openapi_tools.toolcall_reason"),
        Some("the user asked for item 7")
    );
    assert_eq!(text(a, "error.type"), None);

    // The HTTP client span is the tool span's child.
    let http: Vec<&Span> = named("GET")
        .into_iter()
        .filter(|s| s.parent_span_id == tool.span_id)
        .collect();
    assert_eq!(http.len(), 1);
    let h = &http[0].attributes;
    assert_eq!(http[0].kind, span::SpanKind::Client as i32);
    assert_eq!(http[0].trace_id, tool.trace_id);
    assert_eq!(text(h, "http.request.method"), Some("GET"));
    assert_eq!(text(h, "server.address"), Some("127.0.0.1"));
    assert_eq!(int(h, "http.response.status_code"), Some(200), "{h:?}");
    assert!(int(h, "server.port").is_some_and(|p| p > 0), "{h:?}");
    assert_eq!(int(&tool.attributes, "openapi_tools.attempts"), Some(1));
    assert!(text(h, "url.full").is_some_and(|u| u.ends_with("/items/7")));

    // A failed call: error.type and an error status on both spans.
    let failed = named("execute_tool missing");
    assert_eq!(failed.len(), 1);
    assert_eq!(text(&failed[0].attributes, "error.type"), Some("status"));
    assert_eq!(
        failed[0].status.as_ref().map(|s| s.code),
        Some(status::StatusCode::Error as i32)
    );
    let failed_http = named("GET")
        .into_iter()
        .find(|s| s.parent_span_id == failed[0].span_id)
        .unwrap();
    assert_eq!(
        int(&failed_http.attributes, "http.response.status_code"),
        Some(404)
    );
    assert_eq!(text(&failed_http.attributes, "error.type"), Some("404"));

    // The duration histogram: seconds, one data point per tool, one call each.
    let metrics: Vec<_> = seen
        .metrics
        .iter()
        .flat_map(|r| &r.resource_metrics)
        .flat_map(|rm| &rm.scope_metrics)
        .flat_map(|sm| &sm.metrics)
        .filter(|m| m.name == DURATION_METRIC)
        .collect();
    assert!(!metrics.is_empty(), "no {DURATION_METRIC} received");
    assert!(metrics.iter().all(|m| m.unit == "s"));
    let points: Vec<_> = metrics
        .iter()
        .filter_map(|m| match &m.data {
            Some(metric::Data::Histogram(h)) => Some(&h.data_points),
            _ => None,
        })
        .flatten()
        .collect();
    let point = |tool: &str| {
        points
            .iter()
            .find(|p| text(&p.attributes, "gen_ai.tool.name") == Some(tool))
            .unwrap_or_else(|| panic!("no data point for {tool}: {points:?}"))
    };
    let ok = point("get_item");
    assert_eq!(ok.count, 1);
    assert_eq!(
        text(&ok.attributes, "gen_ai.operation.name"),
        Some("execute_tool")
    );
    assert_eq!(text(&ok.attributes, "error.type"), None);
    assert!(ok.sum.is_some_and(|s| s > 0.0 && s < 10.0));
    assert_eq!(
        text(&point("missing").attributes, "error.type"),
        Some("status")
    );
}
