//! openapi-tools: turn any OpenAPI 3.0 / 3.1 document into tools an LLM can call.
//!
//! The one crate to depend on; capabilities are features:
//!
//! | feature  | adds |
//! |----------|------|
//! | `macros` (default) | the `openapi_tools!` macro (compile-time generation) |
//! | `http`   | the runtime's HTTP executor |
//! | `live`   | run-time loading: files (watched), URLs (polled), text; gates; hot reload ([`live`]) |
//! | `mcp`    | [`mcp`]: serve a registry over MCP (stdio, Streamable HTTP) with list_changed |
//! | `otel`   | `otel`: export spans and the tool duration metric over OTLP (OpenTelemetry) |
//!
//! The runtime (manifests, renderers, validation, requests, registry) is always there, as
//! [`runtime`]; generated code refers to it by that path (`::openapi_tools::runtime`).

#[cfg(feature = "macros")]
pub use openapi_tools_macros::openapi_tools;
pub use openapi_tools_runtime as runtime;

#[cfg(feature = "live")]
pub use openapi_tools_live as live;
/// The MCP server (`openapi-tools-mcp`).
#[cfg(feature = "mcp")]
pub use openapi_tools_mcp as mcp;
/// Durable history and fleets (features `sqlite`, `postgres`; docs/store.md).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use openapi_tools_store as store;
#[cfg(feature = "otel")]
pub mod otel;
