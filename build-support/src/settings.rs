//! One settings type and one generation function for the three front-ends.
//!
//! The `openapi_tools!` macro, [`crate::builder::Builder`] (build.rs) and `openapi-tools
//! generate` all fill a [`Settings`] and call [`generate_from_settings`]: load, model, lock-file
//! check and code generation happen in exactly one place, so the three cannot drift. They differ
//! only in what they do with the [`GenerateOutput`]: the macro returns the tokens (and turns
//! errors into `compile_error!`s), build.rs and the CLI format them with prettyplease.

use std::path::{Path, PathBuf};

use openapi_tools_runtime::Manifest;
use proc_macro2::TokenStream;

use crate::codegen::{self, CodegenSettings};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Severity};
use crate::lock::{self, LockReport};
use crate::model::ModelOptions;
use crate::pipeline;

/// How many diagnostics a front-end shows one by one before summarising the rest ("and N
/// more"): a broken spec can have thousands, and nobody reads past the first screen.
pub const MAX_REPORTED: usize = 50;

/// Everything that decides what code a spec turns into.
///
/// ```
/// use openapi_tools_build::Settings;
/// let mut settings = Settings::new("specs/petstore.yaml");
/// settings.model.include_tags = vec!["pets".into()];
/// settings.set_runtime_path("::openapi_tools_runtime").unwrap();
/// assert_eq!(settings.runtime_path_string(), "::openapi_tools_runtime");
/// ```
#[derive(Debug, Clone)]
pub struct Settings {
    /// The OpenAPI document (YAML or JSON); relative paths are resolved against the base
    /// directory given to [`generate_from_settings`] (the crate's `CARGO_MANIFEST_DIR` for the
    /// macro and build.rs, the working directory for the CLI).
    pub spec: PathBuf,
    /// Which operations become tools and what they are called.
    pub model: ModelOptions,
    /// Paths and names used by the generated code. [`Settings::new`] points `serde`,
    /// `serde_json` and `regex` at the runtime's re-exports (`<runtime>::__private::serde`), so
    /// a crate using the generated code needs only `openapi-tools` as a dependency.
    pub codegen: CodegenSettings,
    /// The lock file (relative to the base directory): the last manifest, compared with the new
    /// one on every generation (see [`crate::lock`]). `None`: no guard.
    pub lock_file: Option<PathBuf>,
    /// Fail generation when the lock file's manifest and the new one differ in a way that
    /// breaks callers (the lock file is then left as it was).
    pub deny_breaking: bool,
    /// Turn every warning about the spec (a part salvaged, a schema approximated, a tool
    /// skipped) into an error, so a spec that needed salvaging fails the build. Breaking
    /// changes against the lock file are governed by `deny_breaking` instead.
    pub strict: bool,
}

impl Settings {
    /// Settings for `spec` with the defaults: every operation, runtime at
    /// `::openapi_tools::runtime`, items not wrapped in a module, tool-set struct `Tools`, no
    /// lock file.
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        let runtime: syn::Path = syn::parse_quote!(::openapi_tools::runtime);
        Settings {
            spec: spec.into(),
            model: ModelOptions::default(),
            codegen: codegen_for_runtime(runtime),
            lock_file: None,
            deny_breaking: false,
            strict: false,
        }
    }

    /// Sets the runtime's path in generated code (`::openapi_tools::runtime`, or
    /// `::openapi_tools_runtime` for a crate depending on the runtime directly), and with it the
    /// paths of serde, serde_json and regex (the runtime re-exports them).
    pub fn set_runtime_path(&mut self, path: &str) -> Result<(), ConfigError> {
        let parsed = parse_path(path)?;
        let keep = std::mem::take(&mut self.codegen);
        self.codegen = CodegenSettings {
            module_name: keep.module_name,
            toolset_name: keep.toolset_name,
            renderer: keep.renderer,
            ..codegen_for_runtime(parsed)
        };
        Ok(())
    }

    /// The runtime path as written in generated code.
    pub fn runtime_path_string(&self) -> String {
        let p = &self.codegen.runtime_path;
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        let lead = if p.leading_colon.is_some() { "::" } else { "" };
        format!("{lead}{}", segs.join("::"))
    }
}

/// Codegen settings for a runtime at `runtime`: serde, serde_json and regex through its
/// `__private` re-exports.
pub fn codegen_for_runtime(runtime: syn::Path) -> CodegenSettings {
    let private = |name: &str| -> syn::Path {
        let mut p = runtime.clone();
        p.segments.push(syn::PathSegment::from(syn::Ident::new(
            "__private",
            proc_macro2::Span::call_site(),
        )));
        p.segments.push(syn::PathSegment::from(syn::Ident::new(
            name,
            proc_macro2::Span::call_site(),
        )));
        p
    };
    CodegenSettings {
        serde_path: private("serde"),
        serde_json_path: private("serde_json"),
        regex_path: private("regex"),
        runtime_path: runtime,
        ..CodegenSettings::default()
    }
}

/// An invalid setting (of the macro, build.rs or the CLI), found before any spec is read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A runtime path that is not a plain crate path.
    #[error("`{0}` is not a crate path (expected something like `::openapi_tools::runtime`)")]
    NotACratePath(String),
    /// `OUT_DIR` is unset and no output directory was given.
    #[error("OUT_DIR is not set: call generate() from a build script, or set out_dir()")]
    OutDirUnset,
}

impl From<ConfigError> for Diagnostic {
    /// An error with [`Code::Config`]: settings problems travel in the same bag as the spec's.
    fn from(e: ConfigError) -> Self {
        Diagnostic::error("", e.to_string()).with_code(Code::Config)
    }
}

/// Parses a crate path such as `::openapi_tools::runtime` (a plain path: no generics).
pub fn parse_path(path: &str) -> Result<syn::Path, ConfigError> {
    match syn::parse_str::<syn::Path>(path) {
        Ok(p) if p.segments.iter().all(|s| s.arguments.is_none()) => Ok(p),
        _ => Err(ConfigError::NotACratePath(path.to_owned())),
    }
}

/// What one generation produced.
#[derive(Debug)]
pub struct GenerateOutput {
    /// The generated items; `None` when there are errors.
    pub tokens: Option<TokenStream>,
    /// The manifest the code was generated from (also when the lock guard refused it).
    pub manifest: Option<Manifest>,
    /// Every file read (absolute when the base directory is): the spec, then the files it
    /// references. What a build must watch.
    pub files: Vec<PathBuf>,
    /// Every error and warning, located (file relative to the base directory when inside it,
    /// line:column, JSON pointer, operation).
    pub diagnostics: Diagnostics,
    /// What the lock-file guard did, when a lock file is configured and the spec could be
    /// modelled.
    pub lock: Option<LockReport>,
}

impl GenerateOutput {
    /// Whether generation failed.
    pub fn has_errors(&self) -> bool {
        self.tokens.is_none() || self.diagnostics.has_errors()
    }
}

/// Loads, models, checks against the lock file and generates code, in that order; stops after
/// the first stage with errors. The lock file is written (atomically, only when its content
/// changes) only when code was generated and the guard allows it.
///
/// `base_dir` resolves relative `spec` and `lock_file` paths.
///
/// ```no_run
/// use openapi_tools_build::{Settings, generate_from_settings};
/// let out = generate_from_settings(&Settings::new("specs/petstore.yaml"), ".".as_ref());
/// for d in &out.diagnostics {
///     eprintln!("{d}");
/// }
/// let tokens = out.tokens.expect("the spec has no errors");
/// ```
pub fn generate_from_settings(settings: &Settings, base_dir: &Path) -> GenerateOutput {
    let spec_path = base_dir.join(&settings.spec);
    let spec = pipeline::manifest_from_file(&spec_path, &settings.model);
    let mut out = GenerateOutput {
        tokens: None,
        manifest: None,
        files: spec.files,
        diagnostics: spec.diagnostics,
        lock: None,
    };
    if settings.strict {
        make_strict(&mut out.diagnostics);
    }
    let Some(manifest) = spec.manifest else {
        ensure_error(&mut out.diagnostics, "the document could not be read");
        relativize(&mut out.diagnostics, base_dir);
        return out;
    };
    if out.diagnostics.has_errors() {
        out.manifest = Some(manifest);
        relativize(&mut out.diagnostics, base_dir);
        return out;
    }

    let plan = settings.lock_file.as_ref().map(|file| {
        let path = base_dir.join(file);
        lock::check(&path, file, &manifest, settings.deny_breaking)
    });
    if let Some(plan) = &plan {
        out.diagnostics.extend(plan.diagnostics.clone());
    }
    if !out.diagnostics.has_errors() {
        match codegen::generate(&manifest, &settings.codegen) {
            Ok(mut generated) => {
                if settings.strict {
                    make_strict(&mut generated.warnings);
                }
                if !generated.warnings.has_errors() {
                    out.tokens = Some(generated.tokens);
                }
                out.diagnostics.extend(generated.warnings);
            }
            Err(diags) => out.diagnostics.extend(diags),
        }
    }
    if let Some(plan) = plan {
        let generated = out.tokens.is_some();
        out.lock = Some(plan.finish(generated, &mut out.diagnostics));
    }
    out.manifest = Some(manifest);
    relativize(&mut out.diagnostics, base_dir);
    out
}

/// [`generate_from_settings`], formatted with prettyplease: exactly what build.rs writes and
/// `openapi-tools generate` prints. `Err` holds the output when there are errors (or the
/// generated code does not parse, which would be a bug).
pub fn generate_pretty_from_settings(
    settings: &Settings,
    base_dir: &Path,
) -> (GenerateOutput, Option<String>) {
    let mut out = generate_from_settings(settings, base_dir);
    let Some(tokens) = out.tokens.clone() else {
        return (out, None);
    };
    match syn::parse2::<syn::File>(tokens) {
        Ok(file) => {
            let text = format!(
                "// @generated by openapi-tools from `{}`; do not edit.\n\n{}",
                settings.spec.display(),
                prettyplease::unparse(&file)
            );
            (out, Some(text))
        }
        Err(e) => {
            out.tokens = None;
            out.diagnostics.error(
                "",
                format!("internal error: generated code does not parse: {e}"),
            );
            (out, None)
        }
    }
}

/// Guarantees a failed load carries at least one error (the loader always adds one; this keeps
/// front-ends from printing nothing should it ever not).
/// [`Settings::strict`]: warnings become errors (lock-file changes excepted), with a hint saying
/// why a warning stops the build.
fn make_strict(diags: &mut Diagnostics) {
    for d in diags.iter_mut() {
        if d.severity == Severity::Warning && d.code != Some(Code::LockBreakingChange) {
            d.severity = Severity::Error;
            if d.hint.is_none() {
                d.hint = Some(STRICT_HINT.to_owned());
            }
        }
    }
}

/// The hint on a warning that strict mode made an error.
pub const STRICT_HINT: &str =
    "strict mode turns warnings into errors; without `strict` this part is salvaged";

fn ensure_error(diags: &mut Diagnostics, message: &str) {
    if !diags.has_errors() {
        diags.push(Diagnostic::error("", message));
    }
}

/// Shows files relative to the base directory (`specs/petstore.yaml:12:5`, as the user wrote
/// the path), which also keeps messages identical across machines.
fn relativize(diags: &mut Diagnostics, base_dir: &Path) {
    if base_dir.as_os_str().is_empty() {
        return;
    }
    for d in diags.iter_mut() {
        if let Some(file) = &d.file
            && let Ok(rel) = file.strip_prefix(base_dir)
        {
            d.file = Some(rel.to_path_buf());
        }
    }
}

/// One line per diagnostic (a hint joins its line after `; `): the shape of `cargo:warning=`
/// lines and of compile errors in tools that show only a message's first line.
pub fn one_line(d: &Diagnostic) -> String {
    d.to_string()
        .replace("\n  hint: ", "; hint: ")
        .replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_path_moves_serde_with_it() {
        let mut s = Settings::new("x.yaml");
        s.codegen.module_name = Some("m".into());
        s.set_runtime_path("::openapi_tools_runtime").unwrap();
        assert_eq!(s.runtime_path_string(), "::openapi_tools_runtime");
        let serde = &s.codegen.serde_path;
        let text: Vec<String> = serde.segments.iter().map(|x| x.ident.to_string()).collect();
        assert_eq!(text, ["openapi_tools_runtime", "__private", "serde"]);
        assert_eq!(s.codegen.module_name.as_deref(), Some("m"));
    }

    #[test]
    fn bad_runtime_paths_are_refused() {
        let mut s = Settings::new("x.yaml");
        assert!(s.set_runtime_path("not a path").is_err());
        assert!(s.set_runtime_path("a::<b>").is_err());
        assert_eq!(s.runtime_path_string(), "::openapi_tools::runtime");
    }

    #[test]
    fn one_line_folds_hints() {
        let d = Diagnostic::error("/a", "bad").with_hint("fix it");
        assert_eq!(one_line(&d), "error: /a: bad; hint: fix it");
    }
}
