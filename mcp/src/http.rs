//! Streamable HTTP: the MCP endpoint at `/mcp`, on 127.0.0.1 unless told otherwise.
//!
//! Two modes:
//!
//! | | stateful (default) | stateless |
//! |---|---|---|
//! | sessions | `Mcp-Session-Id` per client, kept in memory | none: any replica answers any request |
//! | `notifications/tools/list_changed` | yes, on the session's SSE stream (GET) | no (clients list again; nothing to push to) |
//! | cancelling a call | `notifications/cancelled`, or the client leaving (its response stream closes) | the client leaving (the request closes) |
//! | scaling | one process (sessions live in it) | behind any load balancer; replicas that load the same spec bytes offer the same tools (content-derived version ids) |
//!
//! Protection, applied before the request reaches MCP:
//! - `Host` must be a loopback name or the address listened on (rmcp's check against DNS
//!   rebinding), plus any [`HttpOptions::allowed_hosts`];
//! - `Origin`, when a browser sends one, must be a loopback origin or one of
//!   [`HttpOptions::allowed_origins`] (the MCP transport spec's DNS-rebinding rule);
//! - with [`HttpOptions::bearer_token`], `Authorization: Bearer <token>` is required
//!   (the scheme name in any case, the token compared in constant time; a missing or wrong
//!   token gets 401 and is never logged; an empty token is refused at start);
//! - [`Limits`] (with [`serve`]): a header-read timeout, an idle timeout and a connection cap,
//!   so clients trickling headers or holding idle connections cannot exhaust the server.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio_util::sync::CancellationToken;

use crate::McpServer;

mod limits;
mod sessions;
pub use limits::Limits;
use sessions::CancellingSessions;

/// Where the MCP endpoint is mounted.
pub const ENDPOINT: &str = "/mcp";

/// How the HTTP transport runs.
#[derive(Clone)]
pub struct HttpOptions {
    /// Address to listen on (default `127.0.0.1:8000`).
    pub listen: SocketAddr,
    /// Sessions and server-sent notifications (default), or stateless (see the module docs).
    pub stateful: bool,
    /// A token clients must send as `Authorization: Bearer <token>`.
    pub bearer_token: Option<String>,
    /// Browser origins allowed besides loopback ones (`https://app.example.com:443`, `:*` for
    /// any port).
    pub allowed_origins: Vec<String>,
    /// `Host` values allowed besides loopback names and the listen address.
    pub allowed_hosts: Vec<String>,
    /// Stops the server (open sessions are ended) when cancelled.
    pub shutdown: CancellationToken,
    /// Header-read timeout, idle timeout and connection cap of [`serve`] (an application
    /// serving [`router`] itself sets its own).
    pub limits: Limits,
}

impl std::fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpOptions")
            .field("listen", &self.listen)
            .field("stateful", &self.stateful)
            .field(
                "bearer_token",
                &self.bearer_token.as_ref().map(|_| "<redacted>"),
            )
            .field("allowed_origins", &self.allowed_origins)
            .field("allowed_hosts", &self.allowed_hosts)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 8000)),
            stateful: true,
            bearer_token: None,
            allowed_origins: Vec::new(),
            allowed_hosts: Vec::new(),
            shutdown: CancellationToken::new(),
            limits: Limits::default(),
        }
    }
}

/// Origins a local browser page may have: loopback hosts on any port.
const LOOPBACK_ORIGINS: [&str; 6] = [
    "http://localhost:*",
    "https://localhost:*",
    "http://127.0.0.1:*",
    "https://127.0.0.1:*",
    "http://[::1]:*",
    "https://[::1]:*",
];

/// The MCP endpoint as an axum [`Router`] (mounted at [`ENDPOINT`]), with the Host, Origin and
/// bearer-token checks, for applications that serve other routes too. `listen` is the address
/// the application binds (allowed as `Host`).
pub fn router(server: McpServer, options: &HttpOptions) -> Router {
    let mut hosts: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()];
    hosts.push(options.listen.ip().to_string());
    hosts.push(options.listen.to_string());
    hosts.extend(options.allowed_hosts.iter().cloned());
    let origins = LOOPBACK_ORIGINS
        .iter()
        .map(|s| (*s).to_owned())
        .chain(options.allowed_origins.iter().cloned());
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins)
        .enforce_origin_validation()
        .with_legacy_session_mode(options.stateful)
        .with_json_response(!options.stateful)
        .with_cancellation_token(options.shutdown.child_token());
    let factory = move || Ok(server.connection());
    let mcp = if options.stateful {
        Router::new().route_service(
            ENDPOINT,
            StreamableHttpService::new(factory, Arc::new(CancellingSessions::default()), config),
        )
    } else {
        Router::new().route_service(
            ENDPOINT,
            StreamableHttpService::new(factory, Arc::new(NeverSessionManager::default()), config),
        )
    };
    match &options.bearer_token {
        Some(token) => {
            // An empty token would let `Authorization: Bearer ` in: nothing matches it instead
            // ([`serve`] refuses it at start).
            let expected: Arc<[u8]> = if token.trim().is_empty() {
                Arc::from(&[][..])
            } else {
                token.as_bytes().into()
            };
            mcp.layer(middleware::from_fn(move |req: Request, next: Next| {
                let expected = Arc::clone(&expected);
                async move { require_token(&expected, req, next).await }
            }))
        }
        None => mcp,
    }
}

async fn require_token(expected: &[u8], req: Request, next: Next) -> Response {
    // RFC 9110: the scheme name is case-insensitive (`bearer x` is as good as `Bearer x`).
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(HeaderValue::as_bytes)
        .and_then(|v| {
            let (scheme, token) = v.split_at_checked(7)?;
            scheme.eq_ignore_ascii_case(b"bearer ").then_some(token)
        });
    if !expected.is_empty() && given.is_some_and(|g| constant_time_eq(g, expected)) {
        next.run(req).await
    } else {
        let mut response = (
            StatusCode::UNAUTHORIZED,
            "Unauthorized: bearer token required\n",
        )
            .into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"mcp\""),
        );
        response
    }
}

/// Equality whose time does not depend on where the inputs first differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for (i, y) in b.iter().enumerate() {
        let x = a.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

/// Binds `options.listen` and serves until `options.shutdown` is cancelled or `stop`
/// completes, under `options.limits`. `ready` is called with the bound address (useful with
/// port 0). An empty bearer token is refused (`InvalidInput`) before anything is bound.
pub async fn serve(
    server: McpServer,
    options: HttpOptions,
    stop: impl Future<Output = ()> + Send + 'static,
    ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    if options
        .bearer_token
        .as_deref()
        .is_some_and(|t| t.trim().is_empty())
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the bearer token is empty: any client could send it; set a non-empty token (or none on loopback)",
        ));
    }
    let listener = tokio::net::TcpListener::bind(options.listen).await?;
    let bound = listener.local_addr()?;
    let mut options = options;
    options.listen = bound;
    let app = router(server, &options);
    ready(bound);
    let shutdown = options.shutdown.clone();
    let on_stop = shutdown.clone();
    tokio::spawn(async move {
        tokio::select! {
            () = stop => on_stop.cancel(),
            () = on_stop.cancelled() => {}
        }
    });
    limits::serve(listener, app, options.limits, shutdown).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"Bearer abc", b"Bearer abc"));
        assert!(!constant_time_eq(b"Bearer abd", b"Bearer abc"));
        assert!(!constant_time_eq(b"Bearer ab", b"Bearer abc"));
        assert!(!constant_time_eq(b"Bearer abcd", b"Bearer abc"));
        assert!(!constant_time_eq(b"", b"Bearer abc"));
    }
}
