//! openapi-tools generator: OpenAPI 3.0 / 3.1 document -> model -> provider schemas and Rust code.
//!
//! The one path data takes:
//!
//! ```text
//! spec bytes --load--> JSON value (+ source map) --normalize 3.1->3.0--> openapiv3::OpenAPI
//!            --model--> Manifest --+--> provider JSON (openapi_tools_runtime::render)
//!                                  +--> Rust tokens (codegen: macro / build.rs / CLI)
//! ```

//!
//! The default feature `codegen` adds the code generator (`codegen`, `builder`, `lock`,
//! `settings`) and with it syn, quote, proc-macro2 and prettyplease. Run-time loading depends on
//! this crate with `default-features = false` and gets the front half only: [`load`],
//! `normalize`, [`model`] and [`pipeline`].

#[cfg(feature = "codegen")]
pub mod builder;
#[cfg(feature = "codegen")]
pub mod codegen;
pub mod diagnostics;
pub mod load;
#[cfg(feature = "codegen")]
pub mod lock;
pub mod model;
/// The 3.1 -> 3.0 normalisation the loader runs; not an API of its own (use [`load`]).
pub(crate) mod normalize;
pub mod pipeline;
pub mod render_notes;
#[cfg(feature = "codegen")]
pub mod settings;

#[cfg(feature = "codegen")]
pub use builder::{BuildError, Builder};
pub use diagnostics::{Code, Diagnostic, Diagnostics, Severity};
#[cfg(feature = "codegen")]
pub use settings::{ConfigError, GenerateOutput, Settings, generate_from_settings};
