//! openapi-tools: turn any OpenAPI 3.0 / 3.1 document into tools an LLM can call.
//!
//! Load a spec, hand its tools to a model, run the calls the model makes:
//!
//! ```
//! use openapi_tools::Provider;
//!
//! let tools = openapi_tools::load("examples/macro-petstore/specs/petstore.yaml")?;
//! let anthropic = tools.schemas(Provider::Anthropic); // the request's `tools` field
//! assert_eq!(anthropic[0]["name"], "list_pets");
//! # Ok::<(), openapi_tools::LoadError>(())
//! ```
//!
//! The one crate to depend on; capabilities are features:
//!
//! | feature  | adds |
//! |----------|------|
//! | `macros` (default) | [`openapi_tools!`]: typed tools generated at compile time |
//! | `load` (default) | [`load`], [`Loader`], [`Tools`]: specs loaded at run time (no code generator in the tree) |
//! | `http`   | [`exec`]: the executor; [`Tools::run_turn`] |
//! | `live`   | [`Loader::watch`] and [`live`]: files (watched), URLs (polled), gates, hot reload |
//! | `mcp`    | [`Tools::serve_stdio`], [`Tools::serve_http`] and [`mcp`]: MCP servers with list_changed |
//! | `testing` | [`testing`]: snapshot tests of a tool set's provider schemas |
//! | `sqlite`, `postgres` | [`store`]: durable history in one file; fleets of replicas (docs/store.md) |
//! | `semantic` | discovery by meaning with a local sentence-embedding model (docs/discovery.md) |
//! | `otel`   | `otel`: export spans and the tool duration metric over OTLP (OpenTelemetry) |
//!
//! Everything else (manifests, renderers, validation, requests, the registry, change
//! reports, discovery) is always there, one module each. [`prelude`] imports the names the
//! quick start uses.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "load")]
mod tools;
#[cfg(feature = "load")]
#[cfg_attr(docsrs, doc(cfg(feature = "load")))]
pub use tools::{DEFAULT_SET, LoadError, Loader, Tools, load};

#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

/// The `openapi_tools!` macro: typed argument structs, a `Call` enum and provider schemas
/// generated from a spec at compile time.
#[cfg(feature = "macros")]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
pub use openapi_tools_macros::openapi_tools;

/// The runtime crate, as generated code names it (`::openapi_tools::runtime`). Applications use
/// the modules re-exported below instead.
#[doc(hidden)]
pub use openapi_tools_runtime as runtime;

pub use openapi_tools_runtime::render::Provider;
pub use openapi_tools_runtime::{
    calls, diff, discovery, manifest, registry, render, request, sample, toolset, validate,
};

/// The executor: sends tool calls to the real API (auth, retries, caps, policies).
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub use openapi_tools_runtime::exec;

/// Spec diagnostics and the model options that choose which operations become tools.
#[cfg(feature = "load")]
#[cfg_attr(docsrs, doc(cfg(feature = "load")))]
pub mod model {
    pub use openapi_tools_build::model::{DEFAULT_MAX_SCHEMA_NODES, ModelOptions};
    pub use openapi_tools_build::{Code, Diagnostic, Severity};
}

/// Live tool sets: specs from files (watched), URLs (polled) and text, gated and hot-swapped
/// into a registry.
#[cfg(feature = "live")]
#[cfg_attr(docsrs, doc(cfg(feature = "live")))]
pub use openapi_tools_live as live;

/// MCP servers over a registry (stdio, Streamable HTTP), with `tools/list_changed`.
#[cfg(feature = "mcp")]
#[cfg_attr(docsrs, doc(cfg(feature = "mcp")))]
pub use openapi_tools_mcp as mcp;

/// Durable history and fleets (features `sqlite`, `postgres`; docs/store.md).
#[cfg(any(feature = "sqlite", feature = "postgres"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "sqlite", feature = "postgres"))))]
pub use openapi_tools_store as store;
#[cfg(feature = "otel")]
pub mod otel;

/// The names the quick start uses: `use openapi_tools::prelude::*;`.
pub mod prelude {
    pub use crate::Provider;
    #[cfg(feature = "http")]
    pub use crate::exec::{Credential, Credentials, Executor};
    pub use crate::registry::{InstallPolicy, Registry};
    #[cfg(feature = "load")]
    pub use crate::{LoadError, Loader, Tools, load};
}
