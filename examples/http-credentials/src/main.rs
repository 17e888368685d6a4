//! Credentials from the environment. The spec (`specs/notes.yaml`) needs an API key or a bearer
//! token; the application never hard-codes either: `Credentials::from_env` reads
//! `OPENAPI_TOOLS_AUTH_<SCHEME>` for each scheme the document declares (here
//! `OPENAPI_TOOLS_AUTH_API_KEY` and `OPENAPI_TOOLS_AUTH_BEARER`). Secrets never reach the
//! model: not in schemas, not in results (a server echoing the key gets `***`), not in `Debug`.
//!
//! ```sh
//! cargo run -p example-http-credentials                                   # refused: no key
//! OPENAPI_TOOLS_AUTH_API_KEY=demo-key cargo run -p example-http-credentials
//! ```
//!
//! The API is a local server this example starts; it accepts the key `demo-key`.

use openapi_tools::runtime::exec::{Credentials, Executor};
use openapi_tools::runtime::toolset::ToolSet;

mod notes {
    openapi_tools::openapi_tools!(spec = "specs/notes.yaml");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let addr = match server::start().await {
        Ok(addr) => addr,
        Err(e) => {
            eprintln!("cannot start the local notes server: {e}");
            std::process::exit(1);
        }
    };
    let manifest = notes::Tools.manifest();
    let credentials = Credentials::from_env(manifest);
    // Debug output names schemes and kinds, never values.
    println!("credentials from the environment: {credentials:?}");
    let executor = Executor::builder()
        .base_url(format!("http://{addr}/api"))
        .credentials(credentials)
        .build();

    for (tool, args) in [
        ("health", serde_json::json!({})),
        ("list_notes", serde_json::json!({"q": "groceries"})),
    ] {
        let result = executor.call_tool(&notes::Tools, tool, &args).await;
        println!(
            "{tool}: {}",
            serde_json::to_string_pretty(&result.to_json()).unwrap_or_default()
        );
    }
}

mod server {
    use std::net::SocketAddr;

    use axum::Json;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::get;
    use serde_json::{Value, json};

    pub async fn start() -> std::io::Result<SocketAddr> {
        let app = axum::Router::new()
            .route("/api/health", get(|| async { Json(json!({"ok": true})) }))
            .route("/api/notes", get(notes));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(addr)
    }

    /// Accepts `X-API-Key: demo-key` or `Authorization: Bearer demo-key`, and (carelessly)
    /// echoes the key it got: the executor scrubs it from the result.
    async fn notes(headers: HeaderMap) -> (StatusCode, Json<Value>) {
        let key = headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .or_else(|| {
                headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("Bearer "))
            })
            .unwrap_or("");
        if key != "demo-key" {
            return (
                StatusCode::UNAUTHORIZED,
                Json(json!({"error": "invalid key", "got": key})),
            );
        }
        (
            StatusCode::OK,
            Json(json!({"notes": [{"id": 1, "text": "buy milk"}], "authenticated_with": key})),
        )
    }
}
