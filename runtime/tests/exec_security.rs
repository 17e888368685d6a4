//! Attacks on the executor reproduced against a hostile server on 127.0.0.1 (issue #21): a
//! secret echoed across the size cap, an argument cookie shadowing the credential cookie,
//! user-info in a base URL, a same-origin redirect out of the base path, a hung token
//! endpoint, JSON answers built to make shaping expensive, secrets in inline binary bodies.
//! Each test states the attack and what must hold.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use openapi_tools_runtime::exec::{
    Credential, Credentials, ErrorKind, ExecResult, Executor, Policy, ResultBody, Target,
};
use openapi_tools_runtime::manifest::Manifest;
use openapi_tools_runtime::toolset::DynamicToolSet;
use openapi_tools_runtime::toolset::ToolSet as _;
use serde_json::{Value, json};

const KEY: &str = "hk-SECRET-def4567";
const COOKIE_KEY: &str = "ck-SECRET-9876543";

/// Requests the hostile server saw: `METHOD path?query` and the headers that carry credentials.
#[derive(Default)]
struct Seen {
    requests: Mutex<Vec<(String, String, String)>>,
}

impl Seen {
    fn lines(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .map(|(l, _, _)| l.clone())
            .collect()
    }
    /// The `X-Api-Key` and `Cookie` header values seen for requests whose line starts with
    /// `prefix`.
    fn credentials_at(&self, prefix: &str) -> Vec<String> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(l, _, _)| l.starts_with(prefix))
            .flat_map(|(_, k, c)| [k.clone(), c.clone()])
            .filter(|v| !v.is_empty())
            .collect()
    }
}

struct Hostile {
    url: String,
    seen: Arc<Seen>,
}

async fn hostile() -> Hostile {
    let seen = Arc::new(Seen::default());
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Hostile {
        url: format!("http://{addr}"),
        seen,
    }
}

fn pad_of(query: &str) -> usize {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("n="))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

async fn answer(State(seen): State<Arc<Seen>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let headers = req.headers().clone();
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let (key, cookie, auth) = (text("x-api-key"), text("cookie"), text("authorization"));
    let line = if query.is_empty() {
        format!("{} {path}", req.method())
    } else {
        format!("{} {path}?{query}", req.method())
    };
    drop(req);
    seen.requests
        .lock()
        .unwrap()
        .push((line, key.clone(), cookie.clone()));
    let pad = "x".repeat(pad_of(&query));
    match path.as_str() {
        // The key echoed after `n` bytes of padding: the cut can land inside it.
        "/v1/pad-text" => (
            [(header::CONTENT_TYPE, "text/plain")],
            format!("{pad}{key}|{auth}|tail"),
        )
            .into_response(),
        "/v1/pad-json" => {
            axum::Json(json!({"data": format!("{pad}{key}|tail"), "more": [1, 2]})).into_response()
        }
        "/v1/pad-error" => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain")],
            format!("{pad}{key}|tail"),
        )
            .into_response(),
        "/v1/binary" => {
            let mut bytes = vec![0u8, 1, 2, 0xff];
            bytes.extend_from_slice(key.as_bytes());
            bytes.extend_from_slice(&[0xfe, 0]);
            ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
        }
        "/v1/echo" => {
            axum::Json(json!({"cookie": cookie, "key": key, "auth": auth})).into_response()
        }
        // A same-origin redirect that leaves the base path `/v1`.
        "/v1/redirect-out" => redirect("/admin/secret"),
        "/v1/redirect-in" => redirect("/v1/echo"),
        "/admin/secret" => axum::Json(json!({"stolen": key})).into_response(),
        // A token endpoint that never answers.
        "/hang-token" => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            StatusCode::NO_CONTENT.into_response()
        }
        // 8 MiB of `[[],[],...]` and a 126-deep document: cheap to send, costly to shape.
        "/v1/wide-json" => {
            let mut body = String::with_capacity(8 << 20);
            body.push('[');
            while body.len() < (8 << 20) - 4 {
                body.push_str("[],");
            }
            body.push_str("[]]");
            ([(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        _ => (StatusCode::NOT_FOUND, "no such route").into_response(),
    }
}

fn redirect(to: &'static str) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    r.headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static(to));
    r
}

fn tool(name: &str, path: &str, params: Value, props: Value, security: Value) -> Value {
    json!({
        "name": name, "method": "GET", "path": path, "description": name,
        "params": params,
        "input_schema": {"type": "object", "properties": props, "additionalProperties": false},
        "security": security, "schema_hash": ""
    })
}

fn manifest() -> Manifest {
    let key = json!([{"header_key": []}]);
    let n = json!([{"name": "n", "wire_name": "n", "in": "query", "required": false}]);
    let n_prop = json!({"n": {"type": "integer"}});
    let m = json!({
        "title": "Hostile", "version": "1", "source_hash": "",
        "servers": ["http://unused.invalid"],
        "security_schemes": {
            "header_key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            "cookie_key": {"type": "apiKey", "in": "cookie", "name": "session"},
            "oauth": {"type": "oauth2", "token_url": "/hang-token", "flows": ["clientCredentials"]}
        },
        "tools": [
            tool("pad_text", "/pad-text", n.clone(), n_prop.clone(), key.clone()),
            tool("pad_json", "/pad-json", n.clone(), n_prop.clone(), key.clone()),
            tool("pad_error", "/pad-error", n, n_prop, key.clone()),
            tool("binary", "/binary", json!([]), json!({}), key.clone()),
            tool("redirect_out", "/redirect-out", json!([]), json!({}), key.clone()),
            tool("redirect_in", "/redirect-in", json!([]), json!({}), key.clone()),
            tool("keyed", "/echo", json!([]), json!({}), key.clone()),
            tool("wide_json", "/wide-json", json!([]), json!({}), key),
            tool("oauth_me", "/echo", json!([]), json!({}), json!([{"oauth": []}])),
            tool("cookie_echo", "/echo",
                 json!([{"name": "session", "wire_name": "session", "in": "cookie", "required": false},
                        {"name": "Session", "wire_name": "Session", "in": "cookie", "required": false},
                        {"name": "prefs", "wire_name": "prefs", "in": "cookie", "required": false},
                        {"name": "theme", "wire_name": "theme", "in": "cookie", "required": false}]),
                 json!({"session": {"type": "string"}, "Session": {"type": "string"},
                        "theme": {"type": "string"},
                        "prefs": {"type": "object", "additionalProperties": {"type": "string"}}}),
                 json!([{"cookie_key": []}])),
        ]
    });
    let mut m: Manifest = serde_json::from_value(m).unwrap();
    for t in &mut m.tools {
        t.rehash();
    }
    m
}

fn credentials(server: &Hostile) -> Credentials {
    Credentials::new()
        .with("header_key", Credential::ApiKey(KEY.into()))
        .with("cookie_key", Credential::ApiKey(COOKIE_KEY.into()))
        .with(
            "oauth",
            Credential::ClientCredentials {
                client_id: "client".into(),
                client_secret: "s3cret-client-xyz".into(),
                scopes: vec![],
                token_url: Some(format!("{}/hang-token", server.url)),
            },
        )
}

fn executor(server: &Hostile, policy: Policy) -> Executor {
    Executor::builder()
        .base_url(format!("{}/v1", server.url))
        .credentials(credentials(server))
        .policy(policy)
        .build()
}

async fn run(exec: &Executor, tool: &str, args: Value) -> ExecResult {
    let set = DynamicToolSet::new(manifest());
    exec.call_tool(&set, tool, &args).await
}

/// Every piece of `secret` of at least `min` bytes found in `text`.
fn pieces_of(secret: &str, text: &str, min: usize) -> Vec<String> {
    let mut found = Vec::new();
    for start in 0..secret.len() {
        for end in start + min..=secret.len() {
            let piece = &secret[start..end];
            if text.contains(piece) && !found.iter().any(|f: &String| f.contains(piece)) {
                found.push(piece.to_owned());
            }
        }
    }
    found
}

/// Everything the model or a log could see of a result.
fn everything(r: &ExecResult) -> String {
    format!(
        "{} {} {:?} {}",
        r.to_json(),
        r.body_text(),
        r.message,
        r.clone()
            .into_tool_result(&openapi_tools_runtime::calls::ToolCall {
                id: "c".into(),
                id_synthetic: false,
                name: "t".into(),
                arguments: Ok(json!({})),
                rpc_id: None,
            })
            .text()
    )
}

/// Attack 1: the server echoes the key so that the size cap cuts through it. Before the fix
/// the result kept the key's first characters (`...xxxhk-SECRET-d`); now no piece of it of
/// 4 bytes or more survives, wherever the cut lands, for text, JSON and error bodies.
#[tokio::test]
async fn a_secret_straddling_the_cut_never_leaks_a_prefix() {
    let server = hostile().await;
    let cap = 1000;
    let exec = executor(&server, Policy::default().max_result_text(cap));
    for tool in ["pad_text", "pad_json", "pad_error"] {
        // JSON adds `{"data":"` (9 bytes) before the padding.
        let first = if tool == "pad_json" {
            cap - 9 - KEY.len()
        } else {
            cap - KEY.len()
        };
        for n in first - 2..cap + 2 {
            let r = run(&exec, tool, json!({"n": n})).await;
            assert!(
                r.truncated.is_some() || n + KEY.len() < cap,
                "{tool} n={n}: {r:?}"
            );
            let all = everything(&r);
            let leaked = pieces_of(KEY, &all, 4);
            assert!(
                leaked.is_empty(),
                "{tool} n={n}: leaked {leaked:?} in {all}"
            );
        }
    }
}

/// Attack 10 (info): a binary body inlined as base64 carried the echoed key, unscrubbed.
#[tokio::test]
async fn inline_binary_bodies_are_scrubbed() {
    let server = hostile().await;
    let exec = executor(&server, Policy::default().max_inline_binary(4096));
    let r = run(&exec, "binary", json!({})).await;
    let ResultBody::Binary {
        base64: Some(b64), ..
    } = &r.body
    else {
        panic!("expected an inlined binary body: {r:?}");
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    let shown = String::from_utf8_lossy(&bytes);
    assert!(pieces_of(KEY, &shown, 4).is_empty(), "{shown:?}");
    assert!(shown.contains("***"), "{shown:?}");
}

/// Attack 2: an argument cookie of the credential cookie's name (directly, in another case,
/// or as a member of an exploded object) came first in `Cookie:`, so servers reading the
/// first one acted as the attacker's account. Now refused before anything is sent.
#[tokio::test]
async fn argument_cookies_cannot_shadow_the_credential_cookie() {
    let server = hostile().await;
    let exec = executor(&server, Policy::default());
    for args in [
        json!({"session": "ATTACKER"}),
        json!({"Session": "ATTACKER"}),
        json!({"prefs": {"session": "ATTACKER"}}),
        json!({"prefs": {"a": "1", " session": "ATTACKER"}}),
    ] {
        let r = run(&exec, "cookie_echo", args.clone()).await;
        assert_eq!(r.error, Some(ErrorKind::Arguments), "{args}: {r:?}");
        let msg = r.message.unwrap();
        assert!(msg.contains("cookie `session`"), "{msg}");
        assert!(!msg.contains(COOKIE_KEY));
    }
    assert!(server.seen.lines().is_empty(), "{:?}", server.seen.lines());
    // Other cookies still go, before the credential.
    let r = run(&exec, "cookie_echo", json!({"theme": "dark"})).await;
    assert!(r.is_success(), "{r:?}");
    assert_eq!(
        server.seen.credentials_at("GET /v1/echo"),
        [format!("theme=dark; session={COOKIE_KEY}")]
    );
}

/// Attack 3: user-info in the base URL was printed by previews, `Debug` and errors, and
/// reqwest turned it into `Authorization: Basic`. Now the URL is refused with a clear error
/// that does not repeat the password, and nothing is sent.
#[tokio::test]
async fn user_info_in_a_base_url_is_refused_and_never_printed() {
    let server = hostile().await;
    let addr = server.url.trim_start_matches("http://");
    let exec = Executor::builder()
        .base_url(format!("http://admin:pw-SECRET-111@{addr}/v1"))
        .credentials(credentials(&server))
        .build();
    let shown = format!("{exec:?}");
    assert!(!shown.contains("pw-SECRET-111"), "{shown}");
    let r = run(&exec, "keyed", json!({})).await;
    assert_eq!(r.error, Some(ErrorKind::Server), "{r:?}");
    let msg = r.message.clone().unwrap();
    assert!(msg.contains("user-info"), "{msg}");
    assert!(!everything(&r).contains("pw-SECRET-111"), "{r:?}");
    let m = manifest();
    let set = DynamicToolSet::new(m.clone());
    let prepared = set.prepare("keyed", &json!({})).unwrap();
    let target = Target::new(&m, m.tool("keyed").unwrap());
    let preview = exec.preview(target, &prepared.request).await;
    assert!(!format!("{preview:?}").contains("pw-SECRET-111"));
    assert!(server.seen.lines().is_empty());
    // The same from the document's servers.
    let mut m = manifest();
    m.servers = vec![format!("http://admin:pw-SECRET-111@{addr}/v1")];
    let exec = Executor::builder()
        .credentials(credentials(&server))
        .build();
    let r = exec
        .call_tool(&DynamicToolSet::new(m), "keyed", &json!({}))
        .await;
    assert_eq!(r.error, Some(ErrorKind::Server), "{r:?}");
    assert!(!everything(&r).contains("pw-SECRET-111"), "{r:?}");
    assert!(server.seen.lines().is_empty());
}

/// Attack 4: a same-origin redirect from `/v1/redirect-out` to `/admin/secret` was followed
/// with `X-Api-Key` attached. Now it comes back as a refused redirect; one that stays under
/// `/v1` is still followed.
#[tokio::test]
async fn redirects_out_of_the_base_path_are_not_followed() {
    let server = hostile().await;
    let exec = executor(&server, Policy::default());
    let r = run(&exec, "redirect_out", json!({})).await;
    assert_eq!(r.error, Some(ErrorKind::Redirect), "{r:?}");
    assert_eq!(r.status, Some(302));
    assert!(r.message.as_deref().unwrap().contains("base path"), "{r:?}");
    assert!(server.seen.credentials_at("GET /admin").is_empty());
    assert_eq!(server.seen.lines(), ["GET /v1/redirect-out"]);
    let r = run(&exec, "redirect_in", json!({})).await;
    assert!(r.is_success(), "{r:?}");
    assert_eq!(server.seen.credentials_at("GET /v1/echo"), [KEY]);
}

/// Attack 8: the token endpoint never answers. The call gives up within its own time budget
/// (it used to wait forever, holding the scheme's lock), and calls under other schemes are
/// not held up meanwhile.
#[tokio::test]
async fn a_hung_token_endpoint_costs_one_call_budget_and_blocks_no_other_scheme() {
    let server = hostile().await;
    let exec = executor(
        &server,
        Policy::default().timeout(Duration::from_millis(400)),
    );
    let hung = {
        let exec = exec.clone();
        tokio::spawn(async move { run(&exec, "oauth_me", json!({})).await })
    };
    let second = {
        let exec = exec.clone();
        tokio::spawn(async move { run(&exec, "oauth_me", json!({})).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    let other = tokio::time::timeout(Duration::from_secs(5), run(&exec, "keyed", json!({})))
        .await
        .expect("a call under another scheme was held up");
    assert!(other.is_success(), "{other:?}");
    for call in [hung, second] {
        let r = tokio::time::timeout(Duration::from_secs(5), call)
            .await
            .expect("the token fetch was not bounded by the call's timeout")
            .unwrap();
        assert_eq!(r.error, Some(ErrorKind::Timeout), "{r:?}");
        assert!(r.message.as_deref().unwrap().contains("token"), "{r:?}");
        assert!(!format!("{r:?}").contains("s3cret-client-xyz"));
    }
}

/// Attack 5: 8 MiB of `[[],[],...]` was parsed into a tree (over 500 MB) and shaped on an
/// async worker after the timeout. Above a bound tied to the size cap the body is now cut as
/// text, never parsed.
#[tokio::test]
async fn json_far_above_the_cap_is_cut_as_text_not_parsed() {
    let server = hostile().await;
    let exec = executor(&server, Policy::default());
    let r = run(&exec, "wide_json", json!({})).await;
    assert!(r.is_success(), "{r:?}");
    let ResultBody::Text(t) = &r.body else {
        panic!("expected a text cut, got a parsed body: {:?}", r.truncated);
    };
    assert!(t.len() <= Policy::default().max_result_text);
    let note = r.truncated.as_deref().unwrap();
    assert!(note.contains("too large to cut by element"), "{note}");
}
