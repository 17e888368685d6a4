//! The whole front half in one call: spec file -> located diagnostics + manifest.
//!
//! Every front-end (macro, build.rs, CLI, runtime loading through the CLI) goes through these
//! functions, so load, normalise, model and location of problems happen the same way everywhere.

use std::path::{Path, PathBuf};

use openapi_tools_runtime::Manifest;

use crate::diagnostics::Diagnostics;
use crate::load::{self, LoadedSpec};
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
    let mut model_diags = Diagnostics::new();
    let manifest = model::build_manifest(
        &spec.openapi,
        &spec.source_hash,
        &spec.source_version,
        opts,
        &mut model_diags,
    );
    spec.locate_all(&mut model_diags);
    diagnostics.extend(model_diags);
    SpecOutput {
        manifest: Some(manifest),
        diagnostics,
        files: spec.files.clone(),
    }
}
