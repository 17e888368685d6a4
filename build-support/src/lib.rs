//! openapi-tools generator: OpenAPI 3.0 / 3.1 document -> model -> provider schemas and Rust code.
//!
//! The one path data takes:
//!
//! ```text
//! spec bytes --load--> JSON value (+ source map) --normalize 3.1->3.0--> openapiv3::OpenAPI
//!            --model--> Manifest --+--> provider JSON (openapi_tools_runtime::render)
//!                                  +--> Rust tokens (codegen: macro / build.rs / CLI)
//! ```

pub mod builder;
pub mod codegen;
pub mod diagnostics;
pub mod load;
pub mod lock;
pub mod model;
pub mod normalize;
pub mod pipeline;
pub mod render_notes;
pub mod settings;

pub use builder::{BuildError, Builder};
pub use diagnostics::{Code, Diagnostic, Diagnostics, Severity};
pub use settings::{ConfigError, GenerateOutput, Settings, generate_from_settings};
