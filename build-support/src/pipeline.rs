//! The whole front half in one call: spec file -> located diagnostics + manifest.
//!
//! Every front-end (macro, build.rs, CLI, runtime loading through the CLI) goes through these
//! functions, so load, normalise, model and location of problems happen the same way everywhere.

use std::path::{Path, PathBuf};

use openapi_tools_runtime::Manifest;

use crate::diagnostics::Diagnostics;
use crate::load::{self, LoadLimits, LoadedSpec};
use crate::model::{self, ModelOptions};

/// What a spec turned into: the manifest (absent when the document could not be used at all),
/// every problem found (located: file, pointer, line:column), and every file read.
#[derive(Debug)]
pub struct SpecOutput {
    /// The tool set, when the document could be used.
    pub manifest: Option<Manifest>,
    /// Every error and warning, in the order found.
    pub diagnostics: Diagnostics,
    /// Every file read (the spec first, then files it references): what a build must watch.
    pub files: Vec<PathBuf>,
}

/// Loads the spec at `path` and models it.
///
/// ```no_run
/// use openapi_tools_build::{pipeline, model::ModelOptions};
/// let out = pipeline::manifest_from_file("specs/petstore.yaml".as_ref(), &ModelOptions::default());
/// for d in &out.diagnostics {
///     eprintln!("{d}");
/// }
/// if let Some(manifest) = out.manifest {
///     println!("{} tools", manifest.tools.len());
/// }
/// ```
pub fn manifest_from_file(path: &Path, opts: &ModelOptions) -> SpecOutput {
    let mut diagnostics = Diagnostics::new();
    let loaded = load::load_file(path, &mut diagnostics);
    finish(loaded, diagnostics, opts, vec![path.to_path_buf()])
}

/// Loads a spec from text (`name` is used in messages and as the base for relative `$ref`s).
pub fn manifest_from_str(text: &str, name: &str, opts: &ModelOptions) -> SpecOutput {
    let mut diagnostics = Diagnostics::new();
    let loaded = load::load_str(text, name, &mut diagnostics);
    finish(loaded, diagnostics, opts, Vec::new())
}

/// [`manifest_from_file`] within `limits` (where `$ref`s may point, size caps): run-time loading
/// of specs someone else edits.
pub fn manifest_from_file_with(
    path: &Path,
    opts: &ModelOptions,
    limits: &LoadLimits,
) -> SpecOutput {
    let mut diagnostics = Diagnostics::new();
    let loaded = load::load_file_with(path, limits, &mut diagnostics);
    finish(loaded, diagnostics, opts, vec![path.to_path_buf()])
}

/// Loads a spec from text whose relative `$ref`s resolve against `base_dir`, within `limits`
/// (a spec fetched from a URL uses [`load::RefRoot::NoFiles`]).
pub fn manifest_from_text(
    text: &str,
    name: &str,
    base_dir: &Path,
    opts: &ModelOptions,
    limits: &LoadLimits,
) -> SpecOutput {
    let mut diagnostics = Diagnostics::new();
    let loaded = load::load_str_with(text, name, base_dir, limits, &mut diagnostics);
    finish(loaded, diagnostics, opts, Vec::new())
}

fn finish(
    loaded: Option<LoadedSpec>,
    mut diagnostics: Diagnostics,
    opts: &ModelOptions,
    fallback_files: Vec<PathBuf>,
) -> SpecOutput {
    let Some(spec) = loaded else {
        return SpecOutput {
            manifest: None,
            diagnostics,
            files: fallback_files,
        };
    };
    // The JSON document is as large as the typed one and the model reads only the typed one:
    // freeing it is work the caller need not wait for (GitHub's 13 MB spec: ~40 ms).
    let (mut spec, document) = spec.into_typed();
    drop_in_background(document);
    let mut model_diags = Diagnostics::new();
    // The tool set's version is the document's `info.version` (what change reports and the
    // registry history show); `source_version` is the `openapi` field as written, which the
    // normalised document no longer carries (it is read in 3.0 shape).
    let mut manifest =
        model::build_manifest(&spec.openapi, &spec.source_hash, "", opts, &mut model_diags);
    if !spec.source_version.is_empty() {
        manifest.openapi = spec.source_version.clone();
    }
    spec.locate_all(&mut model_diags);
    diagnostics.extend(model_diags);
    let files = std::mem::take(&mut spec.files);
    drop_in_background(spec);
    SpecOutput {
        manifest: Some(manifest),
        diagnostics,
        files,
    }
}

/// Frees `value` on a short-lived thread of its own, so the caller goes on (to render, to
/// answer `tools/list`) while a large tree is taken apart; inline when no thread can start.
fn drop_in_background<T: Send + 'static>(value: T) {
    // When the thread cannot start, `spawn` drops the closure, and the value in it, right here.
    let _ = std::thread::Builder::new()
        .name("openapi-tools-free".into())
        .spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_info_version_and_openapi_is_as_written() {
        let text = r#"{"openapi": "3.1.0", "info": {"title": "T", "version": "2.4.1"},
            "paths": {"/a": {"get": {"operationId": "getA",
                "responses": {"200": {"description": "ok"}}}}}}"#;
        let out = manifest_from_str(text, "t.json", &ModelOptions::default());
        let m = out.manifest.unwrap();
        assert_eq!(m.version, "2.4.1");
        assert_eq!(m.openapi, "3.1.0");
    }
}
