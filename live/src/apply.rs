//! The one path from a loaded spec to an install: load errors, version id, gates, registry.
//! Every source (file, URL, text) ends here, so they refuse and install the same way.

use std::path::Path;
use std::sync::Arc;

use openapi_tools_build::pipeline::{self, SpecOutput};
use openapi_tools_runtime::registry::{
    InstallReport, Registry, RegistryError, RejectStage, SourceRejection,
};

use crate::gates::GateInput;
use crate::options::LiveOptions;

/// What became of one offered version.
#[derive(Debug)]
pub enum Outcome {
    /// Installed; the registry's report (listeners got `ChangeEvent::Applied`).
    Installed(Arc<InstallReport>),
    /// The version id is the one already serving: nothing to do, no event.
    Unchanged,
    /// Refused; the previous version keeps serving (listeners got `ChangeEvent::SourceRejected`
    /// or, for the breaking-change policy, `ChangeEvent::Rejected`).
    Rejected,
}

/// The content-derived version id of a spec that references no other file: the hash of its
/// bytes. It equals the installed manifest's `source_hash`, which for a multi-file spec hashes
/// the bytes of every file read, in order. Replicas reading the same bytes compute the same id.
pub fn version_id(text: &str) -> String {
    openapi_tools_runtime::hash::bytes_hash(text.as_bytes())
}

/// Loads `text` (a whole spec) as the new version of `set`. Relative `$ref`s resolve against the
/// current directory within `options.limits`.
pub fn load_text(registry: &Registry, set: &str, text: &str, options: &LiveOptions) -> Outcome {
    let dir = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let out = pipeline::manifest_from_text(text, "text", &dir, &options.model, &options.limits);
    offer(registry, set, "text", out, options)
}

/// Loads the spec file `path` (and the files it references) as the new version of `set`.
pub(crate) fn load_file(
    registry: &Registry,
    set: &str,
    path: &Path,
    options: &LiveOptions,
) -> (Outcome, SpecFiles) {
    let out = pipeline::manifest_from_file_with(path, &options.model, &options.limits);
    let files = out.files.clone();
    let label = format!("file {}", path.display());
    (offer(registry, set, &label, out, options), files)
}

/// Loads the spec file `path` once as the new version of `set`, through the same load, gates
/// and breaking-change policy as a watched file's reload (`openapi-tools publish` uses it).
pub fn publish_file(registry: &Registry, set: &str, path: &Path, options: &LiveOptions) -> Outcome {
    load_file(registry, set, path, options).0
}

/// Files a load read (the spec first).
pub(crate) type SpecFiles = Vec<std::path::PathBuf>;

/// Tells the listeners that `source` offered something unusable for `set`.
pub(crate) fn refuse(
    registry: &Registry,
    set: &str,
    source: &str,
    version_id: Option<String>,
    stage: RejectStage,
    diagnostics: Vec<String>,
) {
    let _ = registry.notify_source_rejected(SourceRejection {
        set: set.to_owned(),
        source: source.to_owned(),
        version_id,
        stage,
        diagnostics,
    });
}

/// Gates and installs a loaded spec.
pub(crate) fn offer(
    registry: &Registry,
    set: &str,
    source: &str,
    out: SpecOutput,
    options: &LiveOptions,
) -> Outcome {
    let errors: Vec<String> = out
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    let id = out.manifest.as_ref().map(|m| m.source_hash.clone());
    let manifest = match out.manifest {
        Some(m) if errors.is_empty() => m,
        _ => {
            refuse(registry, set, source, id, RejectStage::Load, errors);
            return Outcome::Rejected;
        }
    };
    let snapshot = registry.snapshot();
    let current = snapshot.set(set).map(|s| s.toolset().manifest());
    if current.is_some_and(|c| c.source_hash == manifest.source_hash) {
        return Outcome::Unchanged;
    }
    let input = GateInput {
        set,
        current,
        candidate: &manifest,
    };
    let refusals: Vec<String> = std::iter::once(options.origin_gate.check(&input))
        .chain(options.gates.iter().map(|gate| gate(&input)))
        .filter_map(Result::err)
        .collect();
    drop(snapshot);
    if !refusals.is_empty() {
        refuse(registry, set, source, id, RejectStage::Gate, refusals);
        return Outcome::Rejected;
    }
    match registry.install_manifest(set, manifest, options.install.clone()) {
        Ok(report) => Outcome::Installed(report),
        // The registry told its listeners itself.
        Err(RegistryError::Rejected(_)) => Outcome::Rejected,
        Err(e) => {
            refuse(
                registry,
                set,
                source,
                id,
                RejectStage::Install,
                vec![e.to_string()],
            );
            Outcome::Rejected
        }
    }
}
