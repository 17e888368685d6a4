//! build.rs front-end: one call writes the formatted tool-set code to `OUT_DIR`.
//!
//! ```no_run
//! // build.rs, in `fn main()`:
//! openapi_tools_build::Builder::new("specs/petstore.yaml")
//!     .tags(["pets"])
//!     .lock_file("tools.lock.json")
//!     .generate()
//!     .unwrap();
//! ```
//!
//! ```ignore
//! // src/main.rs
//! mod petstore {
//!     include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
//! }
//! ```
//!
//! The file is named after the module name when one is set, else after the spec's file stem
//! (`specs/petstore.yaml` -> `petstore.rs`); [`Builder::file_name`] overrides it.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::lock::LockReport;
use crate::settings::{self, ConfigError, MAX_REPORTED, Settings, one_line};

/// Configures and runs code generation from a build script.
#[derive(Debug, Clone)]
pub struct Builder {
    settings: Settings,
    out_dir: Option<PathBuf>,
    base_dir: Option<PathBuf>,
    file_name: Option<String>,
    config_errors: Vec<ConfigError>,
}

/// Why [`Builder::generate`] failed. Its `Debug` is its `Display` (every error, one per line),
/// so `.unwrap()` and `fn main() -> Result<(), BuildError>` print something readable.
pub enum BuildError {
    /// The settings, the spec or the lock-file guard produced errors, all in the one
    /// diagnostics type; an invalid setting (runtime path, `OUT_DIR` unset, ...) carries
    /// [`Code::Config`](crate::Code::Config).
    Diagnostics(Diagnostics),
    /// Writing the output failed.
    Io {
        /// The file that could not be written.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Diagnostics(diags) => {
                let n = diags.error_count();
                let s = if n == 1 { "" } else { "s" };
                write!(f, "openapi-tools: {n} error{s} while generating tools")?;
                let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
                for d in errors.iter().take(MAX_REPORTED) {
                    write!(f, "\n{d}")?;
                }
                if errors.len() > MAX_REPORTED {
                    write!(f, "\n... and {} more", errors.len() - MAX_REPORTED)?;
                }
                Ok(())
            }
            BuildError::Io { path, error } => {
                write!(f, "openapi-tools: cannot write {}: {error}", path.display())
            }
        }
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BuildError {}

/// What [`Builder::generate_to`] produced.
#[derive(Debug)]
pub struct BuildOutput {
    /// The file written.
    pub path: PathBuf,
    /// Every warning (also printed as `cargo:warning=` lines, at most
    /// [`MAX_REPORTED`] of them).
    pub warnings: Diagnostics,
    /// What the lock-file guard did.
    pub lock: Option<LockReport>,
}

impl Builder {
    /// Generation for the spec at `spec` (relative to `CARGO_MANIFEST_DIR`), with the defaults
    /// of [`Settings::new`].
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Self::from_settings(Settings::new(spec))
    }

    /// Generation with settings built elsewhere (shared with a macro call or the CLI).
    pub fn from_settings(settings: Settings) -> Self {
        Builder {
            settings,
            out_dir: None,
            base_dir: None,
            file_name: None,
            config_errors: Vec::new(),
        }
    }

    /// The settings as configured so far.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Keeps only operations with any of these tags.
    pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tags: I) -> Self {
        self.settings
            .model
            .include_tags
            .extend(tags.into_iter().map(Into::into));
        self
    }

    /// Drops operations with any of these tags.
    pub fn exclude_tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tags: I) -> Self {
        self.settings
            .model
            .exclude_tags
            .extend(tags.into_iter().map(Into::into));
        self
    }

    /// Keeps only these operations (operationId or tool name).
    pub fn operations<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ops: I) -> Self {
        self.settings
            .model
            .include_operations
            .extend(ops.into_iter().map(Into::into));
        self
    }

    /// Drops these operations (operationId or tool name).
    pub fn exclude_operations<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        ops: I,
    ) -> Self {
        self.settings
            .model
            .exclude_operations
            .extend(ops.into_iter().map(Into::into));
        self
    }

    /// Keeps only operations on these path templates (a trailing `*` matches a prefix).
    pub fn paths<I: IntoIterator<Item = S>, S: Into<String>>(mut self, paths: I) -> Self {
        self.settings
            .model
            .include_paths
            .extend(paths.into_iter().map(Into::into));
        self
    }

    /// Drops operations on these path templates (a trailing `*` matches a prefix).
    pub fn exclude_paths<I: IntoIterator<Item = S>, S: Into<String>>(mut self, paths: I) -> Self {
        self.settings
            .model
            .exclude_paths
            .extend(paths.into_iter().map(Into::into));
        self
    }

    /// Prefixes every tool name with `namespace` (`gh__list_repos`).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.settings.model.namespace = Some(namespace.into());
        self
    }

    /// Names the tool of `operation` (an operationId, or `"GET /pets/{id}"`) `name`.
    pub fn rename(mut self, operation: impl Into<String>, name: impl Into<String>) -> Self {
        self.settings
            .model
            .name_overrides
            .insert(operation.into(), name.into());
        self
    }

    /// The runtime's path in generated code (default `::openapi_tools::runtime`; use
    /// `::openapi_tools_runtime` when depending on the runtime crate directly).
    pub fn runtime(mut self, path: &str) -> Self {
        if let Err(e) = self.settings.set_runtime_path(path) {
            self.config_errors.push(e);
        }
        self
    }

    /// Wraps the generated items in `pub mod <name>` (and names the file `<name>.rs`).
    pub fn module(mut self, name: impl Into<String>) -> Self {
        self.settings.codegen.module_name = Some(name.into());
        self
    }

    /// Names the tool-set struct (default `Tools`).
    pub fn toolset_name(mut self, name: impl Into<String>) -> Self {
        self.settings.codegen.toolset_name = name.into();
        self
    }

    /// Keeps the manifest in this lock file (relative to `CARGO_MANIFEST_DIR`) and reports
    /// breaking changes against it; see [`crate::lock`].
    pub fn lock_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.settings.lock_file = Some(path.into());
        self
    }

    /// Fails the build on breaking changes against the lock file.
    pub fn deny_breaking(mut self, deny: bool) -> Self {
        self.settings.deny_breaking = deny;
        self
    }

    /// Fails the build on any warning about the spec (salvaged parts, approximated schemas,
    /// skipped tools) instead of printing it: see [`Settings::strict`].
    pub fn strict(mut self, strict: bool) -> Self {
        self.settings.strict = strict;
        self
    }

    /// Writes into `dir` instead of `$OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Resolves relative paths against `dir` instead of `$CARGO_MANIFEST_DIR`.
    pub fn base_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.base_dir = Some(dir.into());
        self
    }

    /// The output file's name (default: `<module>.rs`, else `<spec file stem>.rs`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Generates, writes `$OUT_DIR/<name>.rs`, and prints the `cargo:` lines (rerun-if-changed
    /// for the spec and every file it references; one `cargo:warning=` per warning, at most
    /// [`MAX_REPORTED`]). On errors, prints them to stderr and returns them.
    pub fn generate(self) -> Result<PathBuf, BuildError> {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        let result = self.generate_to(&mut lock).map(|o| o.path);
        if let Err(e) = &result {
            eprintln!("{e}");
        }
        result
    }

    /// [`Builder::generate`], writing the `cargo:` lines to `cargo` (tests capture them).
    pub fn generate_to(self, cargo: &mut dyn Write) -> Result<BuildOutput, BuildError> {
        let mut config_errors = self.config_errors;
        let out_dir = self
            .out_dir
            .or_else(|| std::env::var_os("OUT_DIR").map(PathBuf::from));
        if out_dir.is_none() {
            config_errors.push(ConfigError::OutDirUnset);
        }
        let Some(out_dir) = out_dir.filter(|_| config_errors.is_empty()) else {
            let mut diags = Diagnostics::new();
            for e in config_errors {
                diags.push(e.into());
            }
            return Err(BuildError::Diagnostics(diags));
        };
        let base_dir = self
            .base_dir
            .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from))
            .unwrap_or_default();
        let file_name = self
            .file_name
            .unwrap_or_else(|| default_file_name(&self.settings));

        let (out, text) = settings::generate_pretty_from_settings(&self.settings, &base_dir);
        let mut watched = out.files.clone();
        if watched.is_empty() {
            watched.push(base_dir.join(&self.settings.spec));
        }
        // The lock file is deliberately not watched: it is written during this run, so watching
        // it would rerun the script and recompile the crate once more after every update. A
        // refused (failed) build reruns anyway, so deleting the lock to accept a change works.
        // cargo output is best effort: a closed stdout must not turn into a failed build.
        for f in &watched {
            let _ = writeln!(cargo, "cargo:rerun-if-changed={}", f.display());
        }
        let warnings: Vec<&Diagnostic> = out
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .collect();
        for d in warnings.iter().take(MAX_REPORTED) {
            let _ = writeln!(cargo, "cargo:warning={}", one_line(d));
        }
        if warnings.len() > MAX_REPORTED {
            let _ = writeln!(
                cargo,
                "cargo:warning=... and {} more warnings; run `openapi-tools check {}` to list them",
                warnings.len() - MAX_REPORTED,
                self.settings.spec.display()
            );
        }
        let Some(text) = text.filter(|_| !out.diagnostics.has_errors()) else {
            return Err(BuildError::Diagnostics(out.diagnostics));
        };
        let path = out_dir.join(file_name);
        write_if_changed(&path, &text).map_err(|error| BuildError::Io {
            path: path.clone(),
            error,
        })?;
        Ok(BuildOutput {
            path,
            warnings: out.diagnostics,
            lock: out.lock,
        })
    }
}

/// `<module>.rs`, else `<spec stem>.rs` made a plain file name.
fn default_file_name(settings: &Settings) -> String {
    if let Some(m) = &settings.codegen.module_name {
        return format!("{m}.rs");
    }
    let stem = settings
        .spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean.is_empty() {
        "tools.rs".to_owned()
    } else {
        format!("{clean}.rs")
    }
}

/// Leaves an identical file untouched (its mtime too, so nothing downstream rebuilds).
fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    crate::lock::write_atomic(path, text)
}
