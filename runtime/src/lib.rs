//! Runtime for openapi-tools: what generated code and applications link.
//!
//! - [`manifest`]: the serialisable description of a tool set (what the registry installs).
//! - [`render`]: provider renderers (OpenAI Chat / Responses, Anthropic, Gemini, MCP) from a
//!   tool's canonical JSON Schema.
//! - [`validate`]: argument validation against a canonical schema, every problem with its path.
//! - [`request`]: the HTTP request a tool call maps to, with OpenAPI parameter serialisation.
//! - [`toolset`], [`registry`]: tool sets and the registry that swaps them atomically.
//! - [`diff`]: change and breaking-change reports between two manifests.
//! - [`calls`]: tool calls in and result messages out, in each provider's format.
//! - [`discovery`]: search over big tool sets, the `search_tools` / `call_tool` meta-tools and
//!   per-request selection.
//! - [`sample`]: valid example arguments from a tool's input schema.
//! - `exec` (feature `http`): the executor that sends tool calls to the real API.
//! - [`keywords`], [`pointer`]: the JSON Schema keyword vocabulary (and the canonical-schema
//!   contract) and JSON Pointer / local `$ref` handling every module above shares.
//!
//! This crate never depends on syn/quote: generated code links it.

pub mod calls;
pub mod diff;
pub mod discovery;
#[cfg(feature = "http")]
pub mod exec;
pub mod hash;
pub mod keywords;
pub mod manifest;
pub mod pointer;
pub mod registry;
pub mod render;
pub mod request;
pub mod sample;
pub mod think;
pub mod toolset;
pub mod validate;

pub use manifest::{
    ApiKeyLocation, BodySpec, HttpMethod, InputParam, Manifest, ParamLocation, ParamStyle,
    PartEncoding, SecurityScheme, ServerVariable, ToolManifest,
};

/// Crates generated code uses, re-exported so a crate using the `openapi_tools!` macro or
/// build.rs output needs no direct dependency on them (and cannot get a mismatched version).
/// Not a public API: only generated code names these paths.
#[doc(hidden)]
pub mod __private {
    pub use regex;
    pub use serde;
    pub use serde_json;
}
