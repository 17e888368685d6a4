//! A URL source against a real HTTP server on 127.0.0.1: conditional requests answered 304,
//! an ETag change, failures then recovery, the size cap, and no local files for URL specs.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use openapi_tools_live::{LiveOptions, LoadLimits, UrlOptions, watch_url};
use openapi_tools_runtime::registry::{Registry, RejectStage};
use support::{applied, rejected, spec};

/// What the server serves and what it saw.
#[derive(Default)]
struct Served {
    /// (etag, body); `None`: answer 503.
    current: Mutex<Option<(String, String)>>,
    requests: AtomicUsize,
    /// Requests that carried the current ETag in If-None-Match (answered 304).
    not_modified: AtomicUsize,
}

async fn spec_handler(State(s): State<Arc<Served>>, headers: HeaderMap) -> Response {
    s.requests.fetch_add(1, Ordering::SeqCst);
    let current = s.current.lock().unwrap().clone();
    let Some((etag, body)) = current else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let sent = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    if sent == Some(etag.as_str()) {
        s.not_modified.fetch_add(1, Ordering::SeqCst);
        return StatusCode::NOT_MODIFIED.into_response();
    }
    ([(header::ETAG, etag)], body).into_response()
}

/// Starts the server on an ephemeral loopback port; returns its base URL.
fn serve(served: Arc<Served>) -> (String, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/spec.json", get(spec_handler))
        .with_state(served);
    rt.spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), rt)
}

fn set(served: &Served, etag: &str, body: Option<String>) {
    *served.current.lock().unwrap() = body.map(|b| (format!("\"{etag}\""), b));
}

#[test]
fn polls_with_etags_swaps_on_change_and_recovers_after_failures() {
    let served = Arc::new(Served::default());
    set(&served, "v1", Some(spec("1", &["get_item"])));
    let (base, _rt) = serve(Arc::clone(&served));
    let registry = Registry::new();
    let events = registry.subscribe();
    // Polls only when asked (check_now) or after a long interval, so the test drives it.
    let poll = UrlOptions::default()
        .interval(Duration::from_secs(3600))
        .timeout(Duration::from_secs(10));
    let watch = watch_url(
        &registry,
        "remote",
        &format!("{base}/spec.json"),
        poll,
        LiveOptions::default(),
    )
    .unwrap();
    applied(&events, "1");

    // Unchanged: the server answers 304, nothing is reloaded.
    watch.check_now();
    let deadline = std::time::Instant::now() + support::WAIT;
    while served.not_modified.load(Ordering::SeqCst) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no conditional request seen"
        );
        std::thread::yield_now();
    }

    // A new ETag and body: swapped.
    set(&served, "v2", Some(spec("2", &["get_item", "list_items"])));
    watch.check_now();
    applied(&events, "2");

    // The server fails: each failure is reported, version 2 keeps serving.
    set(&served, "", None);
    watch.check_now();
    let why = rejected(&events, "fetch failure", |_| true);
    assert_eq!(why.stage, RejectStage::Fetch);
    assert_eq!(why.diagnostics, ["HTTP 503 Service Unavailable"]);
    assert!(
        registry
            .prepare("list_items", &serde_json::json!({"id": "1"}))
            .is_ok()
    );

    // Recovery.
    set(&served, "v3", Some(spec("3", &["get_item"])));
    watch.check_now();
    applied(&events, "3");
    assert!(served.requests.load(Ordering::SeqCst) >= 5);
}

#[test]
fn url_specs_obey_the_size_cap_and_reference_no_local_files() {
    let served = Arc::new(Served::default());
    let big = spec("1", &["get_item", "list_items", "delete_item"]);
    set(&served, "big", Some(big.clone()));
    let (base, _rt) = serve(Arc::clone(&served));
    let registry = Registry::new();
    let events = registry.subscribe();
    let url = format!("{base}/spec.json");
    let small = LiveOptions::default().limits(LoadLimits::default().max_file_bytes(100));
    let watch = watch_url(&registry, "capped", &url, UrlOptions::default(), small).unwrap();
    let why = rejected(&events, "size refusal", |_| true);
    assert!(
        why.diagnostics[0].contains("over the size limit of 100 bytes"),
        "{why:#?}"
    );
    drop(watch);

    // A spec from a URL that points at a local file is refused at load.
    let local = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(local.path(), "type: object\n").unwrap();
    let mut hostile: serde_json::Value = serde_json::from_str(&spec("1", &["get_item"])).unwrap();
    hostile["paths"]["/1/get_item/{id}"]["get"]["parameters"][0]["schema"] =
        serde_json::json!({"$ref": local.path().display().to_string()});
    set(&served, "hostile", Some(hostile.to_string()));
    let _watch = watch_url(
        &registry,
        "hostile",
        &url,
        UrlOptions::default(),
        LiveOptions::default(),
    )
    .unwrap();
    let why = rejected(&events, "refusal of the file reference", |r| {
        r.set == "hostile"
    });
    assert_eq!(why.stage, RejectStage::Load);
    assert!(
        why.diagnostics
            .iter()
            .any(|d| d.contains("file references are not allowed")),
        "{why:#?}"
    );
    assert!(registry.snapshot().set("hostile").is_none());
}

/// What the second host saw: the value of `X-Spec-Token` on each request (empty if absent).
#[derive(Default)]
struct Seen(Mutex<Vec<String>>);

async fn other_host(State(seen): State<Arc<Seen>>, headers: HeaderMap) -> Response {
    let token = headers
        .get("x-spec-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    seen.0.lock().unwrap().push(token);
    spec("9", &["get_item"]).into_response()
}

/// Item 9 of #21, against two real servers: the spec's host redirects to another host
/// (`localhost` instead of `127.0.0.1`, so a different origin on the same machine). The
/// redirect is not followed, the custom spec header never reaches the other host, and no
/// event or error shows the URL's user-info or query.
#[test]
fn redirects_to_another_host_are_refused_and_spec_headers_stay_home() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let seen = Arc::new(Seen::default());
    let other = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let other_port = other.local_addr().unwrap().port();
    let app = Router::new()
        .route("/spec.json", get(other_host))
        .with_state(Arc::clone(&seen));
    rt.spawn(async move { axum::serve(other, app).await });
    let home = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let home_addr = home.local_addr().unwrap();
    let target = format!("http://localhost:{other_port}/spec.json");
    let app = Router::new().route(
        "/spec.json",
        get(move || async move { (StatusCode::FOUND, [(header::LOCATION, target)]) }),
    );
    rt.spawn(async move { axum::serve(home, app).await });

    let registry = Registry::new();
    let events = registry.subscribe();
    let mut poll = UrlOptions::default().timeout(Duration::from_secs(10));
    poll.headers
        .insert("x-spec-token", "spec-SECRET-7777".parse().unwrap());
    let url = format!("http://spec-user:pw-SECRET-1@{home_addr}/spec.json?key=q-SECRET-2");
    let _watch = watch_url(&registry, "moved", &url, poll, LiveOptions::default()).unwrap();
    let why = rejected(&events, "refusal of the cross-host redirect", |r| {
        r.set == "moved"
    });
    assert_eq!(why.stage, RejectStage::Fetch, "{why:#?}");
    let shown = format!("{why:?}");
    assert!(shown.contains("another host (localhost)"), "{shown}");
    for secret in ["pw-SECRET-1", "q-SECRET-2", "spec-SECRET-7777"] {
        assert!(!shown.contains(secret), "{secret} shown in {shown}");
    }
    assert!(
        seen.0.lock().unwrap().is_empty(),
        "the other host was asked"
    );
    assert!(registry.snapshot().set("moved").is_none());
}
