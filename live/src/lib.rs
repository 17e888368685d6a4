//! Live tool sets: specs loaded at run time from a file (watched), a URL (polled) or text,
//! checked by gates, and swapped into a [`Registry`](openapi_tools_runtime::registry::Registry)
//! without stopping the version that serves.
//!
//! One path for every source:
//!
//! ```text
//! source (file / URL / text) --bytes--> load -> normalise -> model (openapi-tools-build,
//!     no code generator) --> gates --> registry install (breaking-change policy) --> listeners
//! ```
//!
//! - **Nothing half-applied.** A version that does not load without errors, that a gate refuses,
//!   or that the registry refuses, changes nothing: the previous version keeps serving and the
//!   registry's listeners receive a `ChangeEvent::SourceRejected` (or `ChangeEvent::Rejected`
//!   for the breaking-change policy) with the diagnostics.
//! - **Content-derived version id.** A version is identified by the hash of the spec's bytes and
//!   of every file it references ([`version_id`]); `info.version` stays the human label. An
//!   offer with the id already live is ignored, so every replica of a fleet that reads the same
//!   bytes ends on the same id without talking to the others.
//! - **Safe loading.** File `$ref`s stay inside the spec's directory tree, only regular files,
//!   size caps per file and in total ([`LoadLimits`]); a URL's spec may reference no files.
//! - **Handles.** [`watch_file`] and [`watch_url`] return a [`WatchHandle`]; dropping it stops
//!   the watch.
//!
//! ```
//! use openapi_tools_live::{LiveOptions, Outcome, load_text, version_id};
//! use openapi_tools_runtime::registry::Registry;
//!
//! let registry = Registry::new();
//! let spec = r#"{"openapi": "3.1.0", "info": {"title": "Pets", "version": "1.0"},
//!   "paths": {"/pets": {"get": {"operationId": "listPets",
//!     "responses": {"200": {"description": "ok"}}}}}}"#;
//! let outcome = load_text(&registry, "pets", spec, &LiveOptions::default());
//! assert!(matches!(outcome, Outcome::Installed(_)));
//! // The same bytes again: the same version id, nothing to do.
//! assert!(matches!(load_text(&registry, "pets", spec, &LiveOptions::default()), Outcome::Unchanged));
//! assert!(matches!(load_text(&registry, "pets", "{not json", &LiveOptions::default()), Outcome::Rejected));
//! let live = registry.snapshot();
//! let set = live.set("pets").unwrap();
//! assert_eq!(set.version(), "1.0"); // the label
//! assert_eq!(set.toolset().manifest().source_hash, version_id(spec)); // the id
//! ```

mod apply;
mod file;
pub mod gates;
mod handle;
mod options;
mod url;

pub use apply::{Outcome, load_text, publish_file, version_id};
pub use file::watch_file;
pub use gates::{Gate, GateInput};
pub use handle::WatchHandle;
pub use openapi_tools_build::load::{LoadLimits, RefRoot};
pub use options::LiveOptions;
pub use url::{UrlOptions, watch_url};

/// Why a watch could not be started.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// The file watcher could not be set up.
    #[error("cannot watch `{path}`: {message}")]
    Watch {
        /// What was to be watched.
        path: std::path::PathBuf,
        /// The watcher's error.
        message: String,
    },
    /// The HTTP client could not be built, or the URL is not http(s).
    #[error("cannot poll `{url}`: {message}")]
    Url {
        /// The URL.
        url: String,
        /// Why.
        message: String,
    },
    /// The background thread could not be started.
    #[error("cannot start the watch thread: {0}")]
    Thread(#[from] std::io::Error),
}
