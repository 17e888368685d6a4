//! openapi-tools: turn any OpenAPI 3.0 / 3.1 document into tools an LLM can call.
//!
//! This facade re-exports the runtime ([`runtime`]) and the `openapi_tools!` macro.

pub use openapi_tools_macros::openapi_tools;
pub use openapi_tools_runtime as runtime;
pub use openapi_tools_runtime::*;
