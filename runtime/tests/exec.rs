//! The executor against a real HTTP server on 127.0.0.1: auth placement, retries, timeouts,
//! redirects, result shaping, hostile arguments, turns, access rules. See `support/server.rs`.

mod support;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use openapi_tools_runtime::calls::{ToolCall, ToolResult};
use openapi_tools_runtime::exec::{
    Credential, Credentials, ErrorKind, ExecResult, ExecutionLog, Executor, Policy, ResultBody,
    Rule,
};
use openapi_tools_runtime::manifest::{HttpMethod, Manifest};
use openapi_tools_runtime::registry::{InstallOptions, Registry};
use openapi_tools_runtime::toolset::DynamicToolSet;
use serde_json::{Value, json};
use support::server::{self, Server};

/// One tool: name, method, path, params (`[name, in, required]`), properties, extra fields.
fn tool(
    name: &str,
    method: &str,
    path: &str,
    params: &[(&str, &str, bool)],
    props: Value,
    extra: Value,
) -> Value {
    let required: Vec<&str> = params.iter().filter(|p| p.2).map(|p| p.0).collect();
    let mut t = json!({
        "name": name, "method": method, "path": path, "description": name,
        "params": params.iter().map(|(n, loc, req)| {
            let wire = if *n == "key" && path.contains("{key+}") { "key+" } else { n };
            json!({"name": n, "wire_name": wire, "in": loc, "required": req})
        }).collect::<Vec<_>>(),
        "input_schema": {"type": "object", "properties": props, "required": required,
                         "additionalProperties": false},
        "schema_hash": ""
    });
    if let (Some(t), Some(extra)) = (t.as_object_mut(), extra.as_object()) {
        t.extend(extra.clone());
    }
    t
}

fn manifest() -> Manifest {
    let s = json!({"type": "string"});
    let get = |name: &str, path: &str| tool(name, "GET", path, &[], json!({}), json!({}));
    let m = json!({
        "title": "Service", "version": "1", "source_hash": "",
        "servers": ["http://unused.invalid"],
        "security_schemes": {
            "header_key": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            "query_key": {"type": "apiKey", "in": "query", "name": "api_key"},
            "cookie_key": {"type": "apiKey", "in": "cookie", "name": "session"},
            "bearer": {"type": "http", "scheme": "bearer"},
            "basic": {"type": "http", "scheme": "basic"},
            "oauth": {"type": "oauth2", "token_url": "/token", "flows": ["clientCredentials"]}
        },
        "tools": [
            tool("echo_header", "GET", "/echo", &[], json!({}), json!({"security": [{"header_key": []}]})),
            tool("echo_query", "GET", "/echo", &[("q", "query", false)], json!({"q": s}),
                 json!({"security": [{"query_key": []}]})),
            tool("echo_cookie", "GET", "/echo", &[("theme", "cookie", false)], json!({"theme": s}),
                 json!({"security": [{"cookie_key": []}]})),
            tool("echo_either", "GET", "/echo", &[], json!({}),
                 json!({"security": [{"oauth": ["read"]}, {"bearer": [], "header_key": []}, {"basic": []}]})),
            tool("echo_public", "GET", "/echo", &[], json!({}), json!({"security": []})),
            tool("me", "GET", "/me", &[], json!({}), json!({"security": [{"oauth": ["read"]}]})),
            tool("get_item", "GET", "/items/{id}", &[("id", "path", true), ("q", "query", false),
                 ("X-Trace", "header", false)], json!({"id": s, "q": s, "X-Trace": s}), json!({})),
            tool("search", "GET", "/items", &[("filter", "query", false), ("limit", "query", false)],
                 json!({"filter": {"type": "object", "additionalProperties": {"type": "string"}},
                        "limit": {"type": "integer"}}), json!({})),
            tool("search_keyed", "GET", "/items", &[("filter", "query", false)],
                 json!({"filter": {"type": "object", "additionalProperties": {"type": "string"}}}),
                 json!({"security": [{"query_key": []}]})),
            tool("create_item", "POST", "/items", &[("name", "body_property", true),
                 ("key", "header", false)],
                 json!({"name": s, "key": s}),
                 json!({"body": {"media_type": "application/json", "required": true, "flattened": true}})),
            tool("create_item_idem", "POST", "/flaky", &[("name", "body_property", true),
                 ("Idempotency-Key", "header", false)],
                 json!({"name": s, "Idempotency-Key": s}),
                 json!({"body": {"media_type": "application/json", "required": true, "flattened": true}})),
            tool("post_down", "POST", "/down", &[], json!({}), json!({})),
            tool("get_work", "GET", "/work/{id}", &[("id", "path", true)], json!({"id": s}), json!({})),
            tool("delete_item", "DELETE", "/items/{id}", &[("id", "path", true)], json!({"id": s}), json!({})),
            tool("get_file", "GET", "/files/{key+}", &[("key", "path", true)], json!({"key": s}), json!({})),
            tool("upload", "POST", "/upload", &[("body", "body", true)],
                 json!({"body": {"type": "string", "contentEncoding": "base64"}}),
                 json!({"body": {"media_type": "application/octet-stream", "required": true, "flattened": false}})),
            tool("deep", "POST", "/items", &[("body", "body", true)], json!({"body": {}}),
                 json!({"body": {"media_type": "application/json", "required": true, "flattened": false}})),
            get("flaky", "/flaky"), get("down", "/down"), get("limited", "/limited"),
            get("limited_long", "/limited-long"), get("slow", "/slow"),
            get("redirect_out", "/redirect-out"), get("redirect_in", "/redirect-in"),
            get("big", "/big"), get("binary", "/binary"), get("missing", "/missing"),
            get("big_json", "/big-json"), get("gate", "/gate"), get("hang", "/hang"),
            tool("strict", "GET", "/strict", &[], json!({}), json!({"security": [{"oauth": ["read"]}]})),
            tool("strict_down", "GET", "/strict_down", &[], json!({}), json!({"security": [{"oauth": ["read"]}]})),
        ]
    });
    let mut m: Manifest = serde_json::from_value(m).unwrap();
    for t in &mut m.tools {
        t.rehash();
    }
    m
}

fn fast_policy() -> Policy {
    Policy::default()
        .backoff(Duration::from_millis(10), Duration::from_millis(50))
        .timeout(Duration::from_secs(5))
}

fn creds(server: &Server) -> Credentials {
    Credentials::new()
        .with("header_key", Credential::ApiKey("hk-secret-1".into()))
        .with("query_key", Credential::ApiKey("qk secret&2".into()))
        .with("cookie_key", Credential::ApiKey("ck-secret-3".into()))
        .with("bearer", Credential::Bearer("bearer-secret-4".into()))
        .with(
            "oauth",
            Credential::ClientCredentials {
                client_id: "client".into(),
                client_secret: "s3cret-client".into(),
                scopes: vec![],
                token_url: Some(format!("{}/token", server.url)),
            },
        )
}

fn executor(server: &Server) -> Executor {
    Executor::builder()
        .base_url(&server.url)
        .credentials(creds(server))
        .policy(fast_policy())
        .build()
}

async fn run(exec: &Executor, tool: &str, args: Value) -> ExecResult {
    let set = DynamicToolSet::new(manifest());
    exec.call_tool(&set, tool, &args).await
}

fn body(r: &ExecResult) -> &Value {
    match &r.body {
        ResultBody::Json(v) => v,
        other => panic!("expected JSON, got {other:?} ({r:?})"),
    }
}

#[tokio::test]
async fn credentials_go_where_each_scheme_says() {
    let server = server::start().await;
    let exec = executor(&server);
    let r = run(&exec, "echo_header", json!({})).await;
    assert!(r.is_success(), "{r:?}");
    // The server saw the key; the result scrubs it back out.
    assert_eq!(body(&r)["x_api_key"], "***");
    let r = run(&exec, "echo_query", json!({"q": "cats"})).await;
    assert_eq!(body(&r)["query"], "q=cats&api_key=***");
    assert_eq!(
        server.seen.requests.lock().unwrap()[1],
        "GET /echo?q=cats&api_key=qk+secret%262"
    );
    let r = run(&exec, "echo_cookie", json!({"theme": "dark"})).await;
    assert_eq!(body(&r)["cookie"], "theme=dark; session=***");
    let r = run(&exec, "echo_public", json!({})).await;
    assert_eq!(body(&r)["authorization"], "");
    assert_eq!(body(&r)["x_api_key"], "");
}

#[tokio::test]
async fn alternatives_or_schemes_and() {
    let server = server::start().await;
    // No oauth credential: the second alternative (bearer AND header key) is used.
    let exec = Executor::builder()
        .base_url(&server.url)
        .credentials(
            Credentials::new()
                .with("header_key", Credential::ApiKey("hk-secret-1".into()))
                .with("bearer", Credential::Bearer("bearer-secret-4".into()))
                .with(
                    "basic",
                    Credential::Basic {
                        username: "u".into(),
                        password: "pw-secret".into(),
                    },
                ),
        )
        .build();
    let r = run(&exec, "echo_either", json!({})).await;
    assert_eq!(body(&r)["authorization"], "Bearer ***");
    assert_eq!(body(&r)["x_api_key"], "***");
    let seen = server.seen.count("GET /echo");
    // Only basic: the third.
    let exec = Executor::builder()
        .base_url(&server.url)
        .credentials(Credentials::new().with(
            "basic",
            Credential::Basic {
                username: "u".into(),
                password: "pw-secret".into(),
            },
        ))
        .build();
    let r = run(&exec, "echo_either", json!({})).await;
    // Basic credentials went (base64 of `u:pw-secret`); their echo is scrubbed too.
    assert_eq!(body(&r)["authorization"], "Basic ***");
    // None: refused before sending, naming the schemes, no secret anywhere.
    let exec = Executor::builder().base_url(&server.url).build();
    let r = run(&exec, "echo_either", json!({})).await;
    assert_eq!(r.error, Some(ErrorKind::Credentials));
    let msg = r.message.unwrap();
    assert!(msg.contains("`oauth` (OAuth 2.0), or `bearer` (HTTP bearer) and `header_key` (api key), or `basic` (HTTP basic)"), "{msg}");
    assert_eq!(server.seen.count("GET /echo"), seen + 1);
}

#[tokio::test]
async fn oauth_tokens_are_fetched_once_under_concurrency_and_cached() {
    let server = server::start().await;
    let exec = executor(&server);
    let set = DynamicToolSet::new(manifest());
    let no_args = json!({});
    let calls = (0..10).map(|_| exec.call_tool(&set, "me", &no_args));
    let results = futures_util::future::join_all(calls).await;
    for r in &results {
        assert!(r.is_success(), "{r:?}");
        // The token is scrubbed from the echo too.
        assert_eq!(body(r)["authorization"], "Bearer ***");
    }
    assert_eq!(server.seen.tokens.load(Ordering::SeqCst), 1);
    assert_eq!(exec.token_fetches(), 1);
    let again = run(&exec, "me", json!({})).await;
    assert!(again.is_success());
    assert_eq!(server.seen.tokens.load(Ordering::SeqCst), 1);
    // A wrong client secret: a credentials error, the secret nowhere in it.
    let bad = Executor::builder()
        .base_url(&server.url)
        .credentials(Credentials::new().with(
            "oauth",
            Credential::ClientCredentials {
                client_id: "client".into(),
                client_secret: "wrong-secret".into(),
                scopes: vec!["read".into()],
                token_url: Some(format!("{}/token", server.url)),
            },
        ))
        .build();
    let r = run(&bad, "me", json!({})).await;
    assert_eq!(r.error, Some(ErrorKind::Credentials));
    assert!(r.message.as_deref().unwrap().contains("HTTP 401"), "{r:?}");
    assert!(!format!("{r:?}{bad:?}").contains("wrong-secret"));
}

#[tokio::test]
async fn retries_only_where_repeating_is_safe() {
    let server = server::start().await;
    let exec = executor(&server);
    // GET: 503 then 200.
    let r = run(&exec, "flaky", json!({})).await;
    assert!(r.is_success(), "{r:?}");
    assert_eq!(r.attempts, 2);
    // 429 with Retry-After: 1 is waited out.
    let r = run(&exec, "limited", json!({})).await;
    assert!(r.is_success(), "{r:?}");
    assert_eq!(r.attempts, 2);
    assert!(
        r.elapsed >= Duration::from_millis(900),
        "Retry-After honoured: {:?}",
        r.elapsed
    );
    // A Retry-After beyond the cap ends the retries: the 429 comes back with its headers.
    let r = run(&exec, "limited_long", json!({})).await;
    assert_eq!(
        (r.status, r.error, r.attempts),
        (Some(429), Some(ErrorKind::Status), 1)
    );
    assert_eq!(r.header("retry-after"), Some("86400"));
    // GET that stays down: 1 + max_retries attempts, then the error result.
    let r = run(&exec, "down", json!({})).await;
    assert_eq!((r.status, r.attempts), (Some(503), 3));
    assert_eq!(server.seen.count("GET /down"), 3);
    // POST without an idempotency key: never repeated.
    let r = run(&exec, "post_down", json!({})).await;
    assert_eq!((r.status, r.attempts), (Some(503), 1));
    assert_eq!(server.seen.count("POST /down"), 1);
    // POST with a declared and sent Idempotency-Key: repeated.
    let r = run(
        &exec,
        "create_item_idem",
        json!({"name": "a", "Idempotency-Key": "k-1"}),
    )
    .await;
    assert!(r.is_success(), "{r:?}");
    assert_eq!(r.attempts, 2);
}

#[tokio::test]
async fn timeouts_and_unreachable_hosts_are_clear_error_results() {
    let server = server::start().await;
    let exec = Executor::builder()
        .base_url(&server.url)
        .policy(fast_policy())
        .tool_policy("slow", fast_policy().timeout(Duration::from_millis(200)))
        .build();
    let r = run(&exec, "slow", json!({})).await;
    assert_eq!(r.error, Some(ErrorKind::Timeout));
    assert_eq!(r.attempts, 1, "timeouts are not retried");
    assert!(
        r.message
            .as_deref()
            .unwrap()
            .contains("no complete response within 200 ms"),
        "{r:?}"
    );
    // A closed port: connection errors are retried for GET, then reported.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let exec = Executor::builder()
        .base_url(format!("http://{addr}"))
        .policy(fast_policy().retries(1))
        .build();
    let r = run(&exec, "flaky", json!({})).await;
    assert_eq!((r.error, r.attempts), (Some(ErrorKind::Network), 2));
    assert!(
        r.message.as_deref().unwrap().contains("could not connect"),
        "{r:?}"
    );
}

#[tokio::test]
async fn redirects_stay_on_the_origin() {
    let server = server::start().await;
    let other = server::start().await;
    *server.seen.elsewhere.lock().unwrap() = format!("{}/echo", other.url);
    let exec = executor(&server);
    let r = run(&exec, "redirect_out", json!({})).await;
    assert_eq!((r.status, r.error), (Some(302), Some(ErrorKind::Redirect)));
    assert!(r.message.as_deref().unwrap().contains(&other.url), "{r:?}");
    assert_eq!(
        other.seen.requests.lock().unwrap().len(),
        0,
        "nothing reached the other origin"
    );
    let r = run(&exec, "redirect_in", json!({})).await;
    assert!(r.is_success(), "{r:?}");
    assert_eq!(body(&r)["method"], "GET");
}

#[tokio::test]
async fn bodies_are_shaped_and_capped_for_the_model() {
    let server = server::start().await;
    let exec = Executor::builder()
        .base_url(&server.url)
        .policy(fast_policy().max_result_text(1000))
        .tool_policy("binary", fast_policy().max_inline_binary(512))
        .build();
    let r = run(&exec, "big", json!({})).await;
    let ResultBody::Text(t) = &r.body else {
        panic!("{r:?}")
    };
    assert_eq!(t.len(), 1000);
    assert_eq!(
        r.truncated.as_deref(),
        Some("response cut: 1000 of 1000000 bytes shown")
    );
    assert_eq!(
        r.to_json()["note"],
        "response cut: 1000 of 1000000 bytes shown"
    );
    // A JSON body over the cap is cut by element: still JSON, the first items whole.
    let r = run(&exec, "big_json", json!({})).await;
    let ResultBody::Json(Value::Array(items)) = &r.body else {
        panic!("{r:?}")
    };
    assert!(!items.is_empty() && items.len() < 5000, "{}", items.len());
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item, &json!({"id": i, "name": format!("pet {i}")}));
    }
    assert!(r.body.to_json().to_string().len() <= 1000);
    let note = r.truncated.clone().unwrap();
    assert!(
        note.starts_with("response cut: ")
            && note.contains(&format!(
                "{} of 5000 items kept at the top level",
                items.len()
            )),
        "{note}"
    );
    assert_eq!(r.to_json()["note"], note.as_str());
    let r = run(&exec, "binary", json!({})).await;
    assert_eq!(r.body.to_json()["size"], 300);
    assert_eq!(r.body.to_json()["media_type"], "image/png");
    assert!(
        r.body.to_json()["base64"]
            .as_str()
            .unwrap()
            .starts_with("AAECAwQF")
    );
    let summarised = executor(&server);
    let r = run(&summarised, "binary", json!({})).await;
    assert_eq!(
        r.body,
        ResultBody::Binary {
            media_type: "image/png".into(),
            size: 300,
            base64: None
        }
    );
    // 4xx: an error result with status and body excerpt.
    let r = run(&summarised, "missing", json!({})).await;
    assert_eq!((r.status, r.error), (Some(404), Some(ErrorKind::Status)));
    let call = ToolCall {
        id: "c1".into(),
        id_synthetic: false,
        name: "missing".into(),
        arguments: Ok(json!({})),
        rpc_id: None,
    };
    let tr = r.into_tool_result(&call);
    assert!(tr.is_error);
    assert!(tr.text().starts_with("tool `missing`: GET /missing answered HTTP 404 Not Found\nresponse body:\n{\"echo\":\"\",\"message\":\"no item 9\"}")
        || tr.text().contains("\"message\":\"no item 9\""), "{}", tr.text());
}

#[tokio::test]
async fn hostile_arguments_get_clear_errors_and_send_nothing() {
    let server = server::start().await;
    let exec = executor(&server);
    let deep = (0..200).fold(json!(1), |v, _| json!([v]));
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "get_item",
            json!({"id": ".."}),
            "/id: expected a value that is not `.` or `..`",
        ),
        (
            "get_file",
            json!({"key": "a/../../admin"}),
            "/key: expected a value that is not",
        ),
        (
            "get_file",
            json!({"key": "/evil.example/x"}),
            "/key: expected a path without empty segments",
        ),
        (
            "get_file",
            json!({"key": "http://evil.example/x"}),
            "/key: expected a path without empty segments",
        ),
        (
            "get_item",
            json!({"id": "1", "X-Trace": "a\r\nHost: evil"}),
            "/X-Trace: expected a header value without line breaks",
        ),
        (
            "get_item",
            json!({"id": "1", "host": "evil.example"}),
            "unknown property",
        ),
        (
            "search",
            json!({"filter": {"limit": "1000"}, "limit": 5}),
            "/filter: key \"limit\"",
        ),
        (
            "search_keyed",
            json!({"filter": {"api_key": "mine"}}),
            "carries the credential",
        ),
        ("upload", json!({"body": "A".repeat(23 << 20)}), "bytes"),
        (
            "deep",
            json!({"body": deep}),
            "nesting deeper than 64 levels",
        ),
    ];
    let before = server.seen.requests.lock().unwrap().len();
    for (tool, args, expected) in &cases {
        let r = run(&exec, tool, args.clone()).await;
        assert_eq!(
            r.error,
            Some(ErrorKind::Arguments),
            "{tool} {expected}: {r:?}"
        );
        assert_eq!(r.attempts, 0);
        let msg = r.message.clone().unwrap_or_default();
        assert!(
            msg.contains(expected),
            "{tool}: expected `{expected}` in:\n{msg}"
        );
    }
    assert_eq!(
        server.seen.requests.lock().unwrap().len(),
        before,
        "nothing was sent"
    );
    // "%2e%2e" is a plain value: its `%` is encoded, so it names a literal file.
    let r = run(&exec, "get_item", json!({"id": "%2e%2e"})).await;
    assert_eq!(body(&r)["path"], "/items/%252e%252e");
    let r = run(&exec, "get_item", json!({"id": "a/b?c#d", "q": "x&y=z"})).await;
    assert_eq!(body(&r)["path"], "/items/a%2Fb%3Fc%23d");
    assert_eq!(body(&r)["query"], "q=x%26y%3Dz");
}

#[tokio::test]
async fn access_rules_and_confirmation_refuse_before_sending() {
    let server = server::start().await;
    let ro = Executor::builder()
        .base_url(&server.url)
        .read_only(true)
        .build();
    let r = run(&ro, "create_item", json!({"name": "a"})).await;
    assert_eq!(r.error, Some(ErrorKind::Denied));
    assert!(run(&ro, "get_item", json!({"id": "1"})).await.is_success());
    let deny = Executor::builder()
        .base_url(&server.url)
        .deny(Rule::Method(HttpMethod::Delete))
        .build();
    assert_eq!(
        run(&deny, "delete_item", json!({"id": "1"})).await.error,
        Some(ErrorKind::Denied)
    );
    let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&asked);
    let confirm = Executor::builder()
        .base_url(&server.url)
        .confirm_with(move |c: &openapi_tools_runtime::exec::Confirmation| {
            log.lock().unwrap().push(format!(
                "{} {} {}",
                c.method,
                c.url,
                c.body.clone().unwrap_or_default()
            ));
            c.method != HttpMethod::Delete
        })
        .build();
    let r = run(&confirm, "delete_item", json!({"id": "7"})).await;
    assert_eq!(r.error, Some(ErrorKind::Denied));
    assert!(r.message.unwrap().contains("not confirmed"));
    assert!(
        run(&confirm, "create_item", json!({"name": "a"}))
            .await
            .is_success()
    );
    assert!(
        run(&confirm, "get_item", json!({"id": "1"}))
            .await
            .is_success()
    );
    assert_eq!(
        *asked.lock().unwrap(),
        [
            format!("DELETE {}/items/7 ", server.url),
            format!("POST {}/items {{\"name\":\"a\"}}", server.url),
        ]
    );
    assert_eq!(server.seen.count("DELETE"), 0);
}

#[tokio::test]
async fn a_turn_runs_concurrently_and_answers_every_call_in_order() {
    let server = server::start().await;
    let registry = Registry::default();
    registry
        .install_manifest("svc", manifest(), InstallOptions::default())
        .unwrap();
    let exec = Executor::builder()
        .base_url(&server.url)
        .concurrency(4)
        .credentials(creds(&server))
        .build();
    let mut calls: Vec<ToolCall> = (0..12)
        .map(|i| ToolCall {
            id: format!("c{i}"),
            id_synthetic: false,
            name: "get_work".into(),
            arguments: Ok(json!({"id": i.to_string()})),
            rpc_id: None,
        })
        .collect();
    calls.insert(
        3,
        ToolCall {
            id: "bad".into(),
            id_synthetic: false,
            name: "nope".into(),
            arguments: Ok(json!({})),
            rpc_id: None,
        },
    );
    calls.insert(
        5,
        ToolCall {
            id: "inv".into(),
            id_synthetic: false,
            name: "get_work".into(),
            arguments: Ok(json!({"id": 5, "x": 1})),
            rpc_id: None,
        },
    );
    let snapshot = registry.snapshot();
    let results: Vec<ToolResult> = exec.run_turn(&snapshot, calls.clone()).await;
    assert_eq!(results.len(), calls.len());
    for (c, r) in calls.iter().zip(&results) {
        assert_eq!(c.id, r.call_id);
    }
    // Argument problems come back exactly as dispatch + complete word them.
    let expected = openapi_tools_runtime::calls::complete(
        &openapi_tools_runtime::calls::dispatch(
            &snapshot,
            vec![calls[3].clone(), calls[5].clone()],
        ),
        |_, _| Ok(Value::Null),
    );
    assert_eq!(results[3], expected[0]);
    assert_eq!(results[5], expected[1]);
    assert!(
        results[5].text().contains("unknown property \"x\""),
        "{}",
        results[5].text()
    );
    for (i, r) in results
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 5)
    {
        assert!(!r.is_error, "{i}: {r:?}");
        assert_eq!(r.content["status"], 200);
    }
    let most = server.seen.max_in_flight.load(Ordering::SeqCst);
    assert!(
        (2..=4).contains(&most),
        "at most 4 in flight, and some overlap: {most}"
    );
    let one = exec.call(&snapshot, calls[0].clone()).await;
    assert_eq!(one.content["body"]["path"], "/work/0");
}

#[tokio::test]
async fn previews_hide_every_credential() {
    let server = server::start().await;
    let exec = executor(&server);
    let m = manifest();
    for (tool, args) in [
        ("echo_query", json!({"q": "x"})),
        ("echo_cookie", json!({"theme": "d"})),
        ("me", json!({})),
    ] {
        let t = m.tool(tool).unwrap();
        let req =
            openapi_tools_runtime::request::build_request(t, args.as_object().unwrap()).unwrap();
        let p = exec
            .preview(openapi_tools_runtime::exec::Target::new(&m, t), &req)
            .await
            .unwrap();
        let shown = p.to_string();
        for secret in ["qk", "ck-secret", "s3cret", "tok-"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("***"), "{shown}");
    }
    assert_eq!(
        server.seen.tokens.load(Ordering::SeqCst),
        0,
        "a preview fetches no token"
    );
    assert!(!format!("{exec:?}").contains("secret"));
}

#[tokio::test]
async fn a_refused_client_credentials_token_is_dropped_and_fetched_again_once() {
    let server = server::start().await;
    let exec = executor(&server);
    let r = run(&exec, "strict", json!({})).await;
    assert_eq!((r.status, r.attempts), (Some(200), 1), "{r:?}");
    assert_eq!(exec.token_fetches(), 1);
    // The API revokes tok-1 while it is cached: one 401, a fresh token, the call succeeds.
    server.seen.revoked_up_to.store(1, Ordering::SeqCst);
    let r = run(&exec, "strict", json!({})).await;
    assert_eq!((r.status, r.attempts), (Some(200), 2), "{r:?}");
    assert_eq!(body(&r)["token"], 2);
    assert_eq!(exec.token_fetches(), 2);
    // The fresh token is cached again.
    let r = run(&exec, "strict", json!({})).await;
    assert_eq!((r.status, r.attempts), (Some(200), 1), "{r:?}");
    assert_eq!(exec.token_fetches(), 2);
    // Every token refused: exactly one new fetch, then the 401 is the result (no loop).
    server
        .seen
        .revoked_up_to
        .store(usize::MAX, Ordering::SeqCst);
    let r = run(&exec, "strict", json!({})).await;
    assert_eq!((r.status, r.error), (Some(401), Some(ErrorKind::Status)));
    assert_eq!(r.attempts, 2);
    assert_eq!(exec.token_fetches(), 3);
    assert!(!format!("{r:?}").contains("tok-"), "{r:?}");
    // A fresh token after a 401 is not a retry: the API that then answers 503 still gets its
    // 1 + max_retries attempts (the 401 and three 503s: four sends, one more token fetch).
    server.seen.revoked_up_to.store(3, Ordering::SeqCst);
    let r = run(&exec, "strict_down", json!({})).await;
    assert_eq!((r.status, r.attempts), (Some(503), 4), "{r:?}");
    assert_eq!(server.seen.count("GET /strict_down"), 4);
    assert_eq!(exec.token_fetches(), 4);
    // A token that expires within the refresh margin (30 s) is replaced before it is used.
    server.seen.revoked_up_to.store(0, Ordering::SeqCst);
    server.seen.short_tokens.store(true, Ordering::SeqCst);
    let short = executor(&server);
    for expected in [1, 2] {
        let r = run(&short, "strict", json!({})).await;
        assert_eq!((r.status, r.attempts), (Some(200), 1), "{r:?}");
        assert_eq!(short.token_fetches(), expected);
    }
    // A static access token cannot be refreshed: one attempt, the 401 as it is.
    server
        .seen
        .revoked_up_to
        .store(usize::MAX, Ordering::SeqCst);
    let fixed = Executor::builder()
        .base_url(&server.url)
        .credentials(Credentials::new().with("oauth", Credential::AccessToken("tok-1".into())))
        .build();
    let r = run(&fixed, "strict", json!({})).await;
    assert_eq!((r.status, r.attempts), (Some(401), 1));
    assert_eq!(fixed.token_fetches(), 0);
}

/// A registry with the service installed twice, as `a_*` on server `a` and `b_*` on `b`.
fn two_hosts(a: &Server, b: &Server, per_host: usize) -> (Registry, Executor) {
    let registry = Registry::default();
    for ns in ["a", "b"] {
        registry
            .install_manifest(ns, manifest(), InstallOptions::default().namespace(ns))
            .unwrap();
    }
    let base = |s: &Server| openapi_tools_runtime::exec::ServerConfig {
        base_url: Some(s.url.clone()),
        ..Default::default()
    };
    let exec = Executor::builder()
        .set_servers("a", base(a))
        .set_servers("b", base(b))
        .concurrency(8)
        .per_host_concurrency(per_host)
        .policy(fast_policy())
        .build();
    (registry, exec)
}

fn calls(names: &[&str]) -> Vec<ToolCall> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| ToolCall {
            id: format!("c{i}"),
            id_synthetic: false,
            name: (*n).to_owned(),
            arguments: Ok(if n.ends_with("work") {
                json!({"id": i.to_string()})
            } else {
                json!({})
            }),
            rpc_id: None,
        })
        .collect()
}

#[tokio::test]
async fn the_concurrency_limit_is_per_host_and_spans_turns() {
    // Two hosts, one request at a time each: calls to different hosts still meet at the gate
    // (both in flight at once), so the limit is not global.
    let seen = Arc::new(server::Seen::default());
    let a = server::start_with(Arc::clone(&seen)).await;
    let b = server::start_with(Arc::clone(&seen)).await;
    let (registry, exec) = two_hosts(&a, &b, 1);
    let snapshot = registry.snapshot();
    let results = exec.run_turn(&snapshot, calls(&["a_gate", "b_gate"])).await;
    for r in &results {
        assert_eq!(r.content["body"]["met"], true, "{r:?}");
    }
    // Many calls of one turn across both hosts: never more than one per host in flight,
    // every result in call order.
    let names: Vec<&str> = (0..12)
        .map(|i| {
            if i % 2 == 0 {
                "a_get_work"
            } else {
                "b_get_work"
            }
        })
        .collect();
    let turn = calls(&names);
    let results = exec.run_turn(&snapshot, turn.clone()).await;
    for (c, r) in turn.iter().zip(&results) {
        assert_eq!(c.id, r.call_id);
        let id = c.arguments.as_ref().unwrap()["id"].as_str().unwrap();
        assert_eq!(r.content["body"]["path"], format!("/work/{id}"), "{r:?}");
    }
    assert!(seen.max_in_flight.load(Ordering::SeqCst) <= 2);

    // One host, one at a time, two separate turns at once: the second call is held back
    // until the first is answered, so the first waits at the gate alone (`met: false`).
    let seen = Arc::new(server::Seen::default());
    let a = server::start_with(Arc::clone(&seen)).await;
    let (registry, exec) = two_hosts(&a, &a, 1);
    let snapshot = registry.snapshot();
    let (first, second) = tokio::join!(
        exec.call(&snapshot, calls(&["a_gate"]).remove(0)),
        exec.call(&snapshot, calls(&["a_gate"]).remove(0)),
    );
    let mut met = [&first, &second].map(|r| r.content["body"]["met"].as_bool().unwrap());
    met.sort();
    assert_eq!(met, [false, true], "{first:?} {second:?}");
    assert_eq!(seen.max_in_flight.load(Ordering::SeqCst), 1);
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
async fn no_secret_reaches_debug_output_errors_results_previews_or_logs() {
    // Every log line of every crate (the executor, reqwest, hyper, the test server), at TRACE,
    // with span fields on close.
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = server::start().await;
    let basic = Credential::Basic {
        username: "u".into(),
        password: "pw-secret-5".into(),
    };
    // The execution log with contents: arguments and answers as text, secrets redacted.
    let log = Arc::new(ExecutionLog::new(256).with_contents(true));
    let exec = Executor::builder()
        .base_url(&server.url)
        .credentials(creds(&server).with("basic", basic.clone()))
        .policy(fast_policy())
        .tool_policy("slow", fast_policy().timeout(Duration::from_millis(100)))
        .execution_log(Arc::clone(&log))
        .build();
    let mut shown = String::new();
    let record = |r: ExecResult, shown: &mut String| {
        let call = ToolCall {
            id: "c".into(),
            id_synthetic: false,
            name: "t".into(),
            arguments: Ok(json!({})),
            rpc_id: None,
        };
        shown.push_str(&format!("{r:?}\n{}\n{}\n", r.to_json(), r.body_text()));
        shown.push_str(&r.into_tool_result(&call).text());
    };
    for (tool, args) in [
        ("echo_header", json!({})),
        ("echo_query", json!({"q": "x"})),
        ("echo_cookie", json!({"theme": "dark"})),
        ("echo_either", json!({})),
        ("me", json!({})),
        ("missing", json!({})),
        ("slow", json!({})),
        ("redirect_out", json!({})),
        ("get_item", json!({"id": "1", "X-Trace": "t"})),
    ] {
        record(run(&exec, tool, args).await, &mut shown);
    }
    // A revoked token (401, refetch), a basic-only call, a refused client secret.
    server.seen.revoked_up_to.store(1, Ordering::SeqCst);
    record(run(&exec, "strict", json!({})).await, &mut shown);
    let basic_only = Executor::builder()
        .base_url(&server.url)
        .credentials(Credentials::new().with("basic", basic))
        .build();
    record(run(&basic_only, "echo_either", json!({})).await, &mut shown);
    let bad = Executor::builder()
        .base_url(&server.url)
        .credentials(Credentials::new().with(
            "oauth",
            Credential::ClientCredentials {
                client_id: "client".into(),
                client_secret: "wrong-secret-6".into(),
                scopes: vec![],
                token_url: Some(format!("{}/token", server.url)),
            },
        ))
        .build();
    record(run(&bad, "me", json!({})).await, &mut shown);
    // Previews (`--dry-run`) and Debug of everything holding a secret.
    let m = manifest();
    for (tool, args) in [
        ("echo_query", json!({"q": "x"})),
        ("echo_either", json!({})),
    ] {
        let t = m.tool(tool).unwrap();
        let req =
            openapi_tools_runtime::request::build_request(t, args.as_object().unwrap()).unwrap();
        let p = exec
            .preview(openapi_tools_runtime::exec::Target::new(&m, t), &req)
            .await
            .unwrap();
        shown.push_str(&format!("{p}\n{p:?}\n"));
    }
    shown.push_str(&format!("{exec:?}{bad:?}{:?}", creds(&server)));

    let records: Vec<_> = log.recent(256).iter().map(|r| (**r).clone()).collect();
    assert!(records.len() >= 9, "{records:?}");
    let records = serde_json::to_string(&records).unwrap();
    assert!(records.contains("\"answer\":{\"bytes\""), "{records}");
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap() + &records;
    assert!(
        logs.contains("execute_tool") && logs.contains("gen_ai.tool.name=\"echo_header\""),
        "the log was captured: {logs}"
    );
    // The echoes prove the secrets went on the wire.
    assert!(
        shown.contains("Bearer ***") && shown.contains("api_key=***"),
        "{shown}"
    );
    let basic_b64 = "dTpwdy1zZWNyZXQtNQ=="; // base64("u:pw-secret-5")
    for secret in [
        "hk-secret-1",
        "qk secret&2",
        "qk+secret%262",
        "qk%20secret%262",
        "ck-secret-3",
        "bearer-secret-4",
        "s3cret-client",
        "pw-secret-5",
        basic_b64,
        "Y2xpZW50OnMzY3JldC1jbGllbnQ=", // base64("client:s3cret-client")
        "wrong-secret-6",
        "tok-1",
        "tok-2",
    ] {
        assert!(!shown.contains(secret), "`{secret}` shown: {shown}");
        assert!(!logs.contains(secret), "`{secret}` logged: {logs}");
    }
}

#[tokio::test]
async fn dropping_a_call_stops_its_request_and_frees_the_host() {
    let server = server::start().await;
    let exec = Executor::builder()
        .base_url(&server.url)
        .per_host_concurrency(1)
        .policy(fast_policy().timeout(Duration::from_secs(30)))
        .build();
    let set = DynamicToolSet::new(manifest());
    let no_args = json!({});
    let call = exec.call_tool(&set, "hang", &no_args);
    assert!(
        tokio::time::timeout(Duration::from_millis(300), call)
            .await
            .is_err(),
        "/hang answers only after 10 s"
    );
    // The connection closed with the dropped future: the server's handler was dropped too.
    let mut waited = Duration::ZERO;
    while server.seen.cancelled.load(Ordering::SeqCst) == 0 && waited < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += Duration::from_millis(10);
    }
    assert_eq!(server.seen.cancelled.load(Ordering::SeqCst), 1);
    // Its per-host permit was released: the next call to the host goes straight through.
    let r = tokio::time::timeout(Duration::from_secs(5), run(&exec, "echo_public", json!({})))
        .await
        .expect("the host's only permit was freed");
    assert!(r.is_success(), "{r:?}");
}
