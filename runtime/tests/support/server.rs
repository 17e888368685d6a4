//! A real HTTP server on 127.0.0.1 (ephemeral port) for the executor's tests: fault injection
//! (429 + Retry-After, 503 then success, slow answers, redirects to another origin, huge and
//! binary bodies), an echo of what arrived (auth placement), an OAuth token endpoint.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// What the server saw and counts per path.
#[derive(Default)]
pub struct Seen {
    /// `METHOD path?query` of every request, in arrival order.
    pub requests: Mutex<Vec<String>>,
    counters: Mutex<HashMap<String, usize>>,
    /// Tokens issued by `/token`.
    pub tokens: AtomicUsize,
    /// Requests in flight now and the most at once.
    in_flight: AtomicUsize,
    /// Most requests in flight at once.
    pub max_in_flight: AtomicUsize,
    /// Where `/redirect-out` points.
    pub elsewhere: Mutex<String>,
    /// `/strict` refuses (401) tokens `tok-N` with N at or below this: revoked tokens.
    pub revoked_up_to: AtomicUsize,
    /// Requests waiting at `/gate`.
    gate: AtomicUsize,
    /// `/token` issues tokens valid for 10 s instead of an hour.
    pub short_tokens: std::sync::atomic::AtomicBool,
    /// `/hang` handlers dropped before answering (the client went away).
    pub cancelled: Arc<AtomicUsize>,
}

impl Seen {
    /// Requests whose line starts with `prefix`.
    pub fn count(&self, prefix: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.starts_with(prefix))
            .count()
    }
    fn bump(&self, key: &str) -> usize {
        let mut c = self.counters.lock().unwrap();
        let n = c.entry(key.to_owned()).or_default();
        *n += 1;
        *n
    }
}

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    /// What it saw.
    pub seen: Arc<Seen>,
}

/// Starts a server on an ephemeral port; it runs until the test's runtime ends.
pub async fn start() -> Server {
    start_with(Arc::new(Seen::default())).await
}

/// Starts a server that records into `seen` (shared by several servers: one count of
/// requests in flight across hosts).
pub async fn start_with(seen: Arc<Seen>) -> Server {
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(Arc::clone(&seen));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Server {
        url: format!("http://{addr}"),
        seen,
    }
}

async fn handle(State(seen): State<Arc<Seen>>, req: Request) -> Response {
    let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    seen.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let response = respond(&seen, req).await;
    seen.in_flight.fetch_sub(1, Ordering::SeqCst);
    response
}

async fn respond(seen: &Seen, req: Request) -> Response {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let line = if query.is_empty() {
        format!("{method} {path}")
    } else {
        format!("{method} {path}?{query}")
    };
    seen.requests.lock().unwrap().push(line);
    let headers = req.headers().clone();
    let header_text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let body = to_bytes(req.into_body(), 64 << 20)
        .await
        .unwrap_or_default();
    match path.as_str() {
        "/echo" | "/me" => axum::Json(json!({
            "method": method,
            "query": query,
            "authorization": header_text("authorization"),
            "x_api_key": header_text("x-api-key"),
            "cookie": header_text("cookie"),
            "content_type": header_text("content-type"),
            "body": String::from_utf8_lossy(&body),
        }))
        .into_response(),
        "/token" => {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let n = seen.tokens.fetch_add(1, Ordering::SeqCst) + 1;
            let ok = header_text("authorization") == "Basic Y2xpZW50OnMzY3JldC1jbGllbnQ="
                && String::from_utf8_lossy(&body).contains("grant_type=client_credentials");
            if !ok {
                return (StatusCode::UNAUTHORIZED, "bad client").into_response();
            }
            let lifetime = if seen.short_tokens.load(Ordering::SeqCst) {
                10
            } else {
                3600
            };
            axum::Json(json!({"access_token": format!("tok-{n}"), "token_type": "Bearer", "expires_in": lifetime}))
                .into_response()
        }
        "/strict" | "/strict_down" => {
            let n = header_text("authorization")
                .strip_prefix("Bearer tok-")
                .and_then(|n| n.parse::<usize>().ok());
            match n.filter(|&n| n > seen.revoked_up_to.load(Ordering::SeqCst)) {
                // `/strict_down` accepts a valid token and is then down for good.
                Some(_) if path == "/strict_down" => {
                    (StatusCode::SERVICE_UNAVAILABLE, "still down").into_response()
                }
                Some(n) => axum::Json(json!({"token": n})).into_response(),
                _ => (StatusCode::UNAUTHORIZED, "token revoked").into_response(),
            }
        }
        "/hang" => {
            /// Counts the handler as cancelled when it is dropped before it answers.
            struct Guard(Arc<AtomicUsize>, bool);
            impl Drop for Guard {
                fn drop(&mut self) {
                    if !self.1 {
                        self.0.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
            let mut guard = Guard(Arc::clone(&seen.cancelled), false);
            tokio::time::sleep(Duration::from_secs(10)).await;
            guard.1 = true;
            axum::Json(json!({"late": true})).into_response()
        }
        "/gate" => {
            // Answers once two requests wait here at once (across every server sharing this
            // `Seen`), or after 2 s with `met: false`.
            seen.gate.fetch_add(1, Ordering::SeqCst);
            let mut met = false;
            for _ in 0..400 {
                if seen.gate.load(Ordering::SeqCst) >= 2 {
                    met = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            axum::Json(json!({"met": met})).into_response()
        }
        "/flaky" => {
            if seen.bump(&format!("{method} flaky")) == 1 {
                (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response()
            } else {
                axum::Json(json!({"ok": true})).into_response()
            }
        }
        "/down" => (StatusCode::SERVICE_UNAVAILABLE, "still down").into_response(),
        "/limited" => {
            if seen.bump("limited") == 1 {
                let mut r = (StatusCode::TOO_MANY_REQUESTS, "slow down").into_response();
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                r.headers_mut()
                    .insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
                r
            } else {
                axum::Json(json!({"ok": true})).into_response()
            }
        }
        "/limited-long" => {
            let mut r = (StatusCode::TOO_MANY_REQUESTS, "come back tomorrow").into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("86400"));
            r
        }
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(3)).await;
            axum::Json(json!({"late": true})).into_response()
        }
        "/redirect-out" => {
            let to = seen.elsewhere.lock().unwrap().clone();
            let mut r = StatusCode::FOUND.into_response();
            r.headers_mut()
                .insert(header::LOCATION, HeaderValue::from_str(&to).unwrap());
            r
        }
        "/redirect-in" => {
            let mut r = StatusCode::FOUND.into_response();
            r.headers_mut()
                .insert(header::LOCATION, HeaderValue::from_static("/echo"));
            r
        }
        "/big" => {
            let text = "0123456789".repeat(100_000);
            ([(header::CONTENT_TYPE, "text/plain")], text).into_response()
        }
        "/big-json" => axum::Json(
            (0..5000)
                .map(|i| json!({"id": i, "name": format!("pet {i}")}))
                .collect::<Vec<_>>(),
        )
        .into_response(),
        "/binary" => {
            let bytes: Vec<u8> = (0..=255u8).cycle().take(300).collect();
            ([(header::CONTENT_TYPE, "image/png")], bytes).into_response()
        }
        "/missing" => (
            StatusCode::NOT_FOUND,
            axum::Json(json!({"message": "no item 9", "echo": header_text("authorization")})),
        )
            .into_response(),
        p if p.starts_with("/items")
            || p.starts_with("/work")
            || p.starts_with("/files")
            || p.starts_with("/upload") =>
        {
            // `/work/...` takes a while, so concurrent calls overlap.
            if p.starts_with("/work") {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json")],
                Body::from(
                    json!({"method": method, "path": path, "query": query,
                           "bytes": body.len(), "trace": header_text("x-trace")})
                    .to_string(),
                ),
            )
                .into_response()
        }
        _ => (StatusCode::NOT_FOUND, "no such route").into_response(),
    }
}
