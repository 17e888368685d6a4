//! Serve the tools of an openapi-tools [`Registry`] over MCP, on rmcp (the official Rust SDK).
//!
//! - `tools/list`: every enabled tool of every installed set the [`Offer`] admits (names are
//!   the registry's exported ones, namespaced when sets have namespaces), paginated with an
//!   opaque cursor; each tool is the registry's pre-rendered MCP declaration: `inputSchema`
//!   (the canonical schema), `title`, behaviour `annotations` from the HTTP method, and
//!   `outputSchema` when the manifest carries one.
//! - `tools/call`: checked by the registry's dispatch (the same validation and request mapping
//!   as every other front-end), sent by a [`CallRunner`] (the executor), answered as described
//!   in [`calls`](crate::calls).
//! - `notifications/tools/list_changed`: the server declares `tools.listChanged` and notifies
//!   every connected client whenever the *offered* list changes: an install, a live reload, a
//!   rollback, a removal, a tool disabled or enabled. A rejected install changes nothing and
//!   sends nothing.
//! - Discovery: above a threshold (or always), `tools/list` offers `search_tools` and
//!   `call_tool` instead of thousands of tools ([`MetaMode`], [`discovery`]).
//! - Transports: stdio ([`serve_stdio`]) and Streamable HTTP ([`http`]), stateful or stateless.
//!
//! Serving spec files, as `openapi-tools serve` does (same defaults), is one call:
//!
//! ```no_run
//! # async fn run() -> Result<(), openapi_tools_mcp::ServeError> {
//! openapi_tools_mcp::Serve::spec("petstore.yaml").watch(true).stdio().await
//! # }
//! ```
//!
//! Serving a registry the application fills itself, with its own rmcp tools beside the
//! registry's ([`McpServerBuilder::tools`]):
//!
//! ```no_run
//! use std::sync::Arc;
//! use openapi_tools_runtime::exec::Executor;
//! use openapi_tools_runtime::registry::{Registry, InstallOptions};
//! use openapi_tools_mcp::McpServer;
//!
//! # async fn run(manifest: openapi_tools_runtime::Manifest) -> Result<(), Box<dyn std::error::Error>> {
//! let registry = Registry::new();
//! registry.install_manifest("petstore", manifest, InstallOptions::default())?;
//! // The executor sends the calls (auth, servers, retries, caps).
//! let server = McpServer::builder(registry.clone(), Executor::builder().build()).build();
//! // Installs and reloads from now on reach the client as notifications/tools/list_changed.
//! openapi_tools_mcp::serve_stdio(server).await?;
//! # Ok(()) }
//! ```
//!
//! The runnable version is `examples/mcp-server` (`cargo run -p example-mcp-server`).
//!
//! A registry that only feeds MCP clients installs several times faster when it pre-renders
//! MCP declarations only (the other providers then render on first use):
//! `Registry::with_config(RegistryConfig { prerender: Providers::only(Provider::Mcp),
//! ..RegistryConfig::default() })`, as `openapi-tools serve` does.
//!
//! Logging goes through `tracing`; on stdio, stdout carries only MCP messages.

#![deny(missing_docs)]

pub mod calls;
mod catalog;
pub mod discovery;
pub mod http;
pub mod log_resource;
mod own;
mod serve;
mod server;

pub use calls::{CallRunner, RunFuture};
pub use catalog::{CatalogError, Offer};
pub use discovery::{DEFAULT_META_THRESHOLD, MetaMode};
pub use http::HttpOptions;
/// The rmcp version this crate serves with: its `#[tool_router]` / `#[tool]` macros and
/// [`ToolRouter`](rmcp::handler::server::router::tool::ToolRouter) for
/// [`McpServerBuilder::tools`].
pub use rmcp;
pub use serve::{Serve, set_name};
pub use server::{DEFAULT_PAGE_SIZE, McpServer, McpServerBuilder};

use rmcp::ServiceExt;

/// Why serving stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// A spec could not be served; every error found in it, one per entry.
    #[error("{}: not served:\n  {}", path.display(), problems.join("\n  "))]
    Spec {
        /// The spec file.
        path: std::path::PathBuf,
        /// Every error, as `file:line:column: message` where known.
        problems: Vec<String>,
    },
    /// The options do not fit the specs (e.g. a credential for a scheme no spec has).
    #[error("{0}")]
    Config(String),
    /// The MCP handshake failed (the client sent something else than `initialize`, or left).
    #[error("MCP handshake failed: {0}")]
    Handshake(String),
    /// The connection's task failed.
    #[error("MCP connection failed: {0}")]
    Connection(String),
    /// Binding or serving HTTP failed.
    #[error("HTTP: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves one client over stdin/stdout until it closes stdin (or the connection fails). A
/// client that closes stdin, even before `initialize`, ends it with `Ok`.
pub async fn serve_stdio(server: McpServer) -> Result<(), ServeError> {
    serve_on(server, rmcp::transport::stdio()).await
}

/// Serves one client over any rmcp transport (a duplex stream, a child process's pipes, ...)
/// until it closes.
pub async fn serve_on<T, E, A>(server: McpServer, transport: T) -> Result<(), ServeError>
where
    T: rmcp::transport::IntoTransport<rmcp::RoleServer, E, A>,
    E: std::error::Error + Send + Sync + 'static,
{
    let running = match server.serve(transport).await {
        Ok(running) => running,
        // The client left before initializing (a desktop client probing the command, a
        // script closing stdin): nothing was served, nothing failed.
        Err(rmcp::service::ServerInitializeError::ConnectionClosed(why)) => {
            tracing::info!("the client closed the connection before initializing ({why})");
            return Ok(());
        }
        Err(e) => return Err(ServeError::Handshake(e.to_string())),
    };
    running
        .waiting()
        .await
        .map_err(|e| ServeError::Connection(e.to_string()))?;
    Ok(())
}
