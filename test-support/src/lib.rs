//! Test-only helpers shared by every crate of the workspace (a dev-dependency, never published).
//!
//! The one rule for finding the shared directory (`shared/`, holding the real-world spec corpus
//! `specs/`, the large specs `specs-large/` and the provider checker `tools/`), used by every
//! corpus-reading test, bench and script (`scripts/shared-dir.sh` is the shell twin):
//!
//! 1. the environment variable `OPENAPI_TOOLS_SHARED`, when set (it must then be a directory);
//! 2. else the nearest ancestor `A` of the calling crate's directory with `A/shared/specs`
//!    present: `<clone>/../shared` in CI, and the same directory from worktrees nested deeper;
//! 3. else nothing: the caller prints one skip line ([`corpus_or_skip`]) and passes, so a fresh
//!    clone without the corpus passes its own test command.
//!
//! Skip lines go through [`skip`], which writes to the process's stderr directly: `cargo test`
//! captures `println!`/`eprintln!` of passing tests, so a skip printed with them would never be
//! seen, and a newcomer would take a skipped corpus test for a passed one.

pub mod bench;

use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable naming the `shared/` directory explicitly.
pub const SHARED_ENV: &str = "OPENAPI_TOOLS_SHARED";

/// The `shared/` directory for a crate at `crate_dir` (pass `env!("CARGO_MANIFEST_DIR")`), or
/// `None` when there is none.
///
/// # Panics
/// When `OPENAPI_TOOLS_SHARED` is set but is not a directory: an explicit setting that points
/// nowhere is a mistake to report, not a reason to skip silently.
pub fn shared_dir(crate_dir: impl AsRef<Path>) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(SHARED_ENV).filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "{SHARED_ENV}={} is not a directory",
            dir.display()
        );
        return Some(dir);
    }
    crate_dir
        .as_ref()
        .ancestors()
        .map(|a| a.join("shared"))
        .find(|s| s.join("specs").is_dir())
}

/// The corpus directory (`shared/specs`), or `None` after printing one line saying `what` is
/// skipped and how to provide the corpus.
pub fn corpus_or_skip(crate_dir: impl AsRef<Path>, what: &str) -> Option<PathBuf> {
    let specs = shared_dir(crate_dir)
        .map(|s| s.join("specs"))
        .filter(|d| d.is_dir());
    if specs.is_none() {
        skip(&skip_line(what));
    }
    specs
}

/// Prints `line` (why a test or part of one is skipped) so that it shows in `cargo test`'s
/// output even when the test passes: straight to stderr, past the test harness's capture of
/// `println!`/`eprintln!` (which shows captured output only for failing tests or with
/// `--nocapture`).
pub fn skip(line: &str) {
    // Best effort: a closed stderr must not fail the test that skips.
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The one skip line printed when the corpus is absent.
pub fn skip_line(what: &str) -> String {
    format!(
        "skipping {what}: shared spec corpus not found (set {SHARED_ENV} to the shared/ \
         directory, or put shared/ beside the clone)"
    )
}

/// The spec documents (`.json`, `.yaml`, `.yml`) directly in `dir`, sorted by path.
///
/// # Panics
/// When `dir` cannot be read (a test helper: the caller found the directory a moment ago).
pub fn spec_files(dir: impl AsRef<Path>) -> Vec<PathBuf> {
    let dir = dir.as_ref();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("json" | "yaml" | "yml")
                )
        })
        .collect();
    files.sort();
    files
}

/// The environment variable naming the embedding model directory (the `semantic` feature's
/// tests; `scripts/fetch-model.sh` fetches the tested model).
pub const MODEL_ENV: &str = "OPENAPI_TOOLS_MODEL_DIR";

/// The embedding model directory for a crate at `crate_dir`: `OPENAPI_TOOLS_MODEL_DIR`, else
/// the nearest ancestor's `models/all-MiniLM-L6-v2` with a `config.json` (where
/// `scripts/fetch-model.sh` puts it: `<clone>/../models/all-MiniLM-L6-v2`), else `None`.
///
/// # Panics
/// When `OPENAPI_TOOLS_MODEL_DIR` is set but is not a directory.
pub fn model_dir(crate_dir: impl AsRef<Path>) -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(MODEL_ENV).filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "{MODEL_ENV}={} is not a directory",
            dir.display()
        );
        return Some(dir);
    }
    crate_dir
        .as_ref()
        .ancestors()
        .map(|a| a.join("models").join("all-MiniLM-L6-v2"))
        .find(|m| m.join("config.json").is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_ancestor_with_shared_specs_wins() {
        let root = std::env::temp_dir().join(format!("ots-{}", std::process::id()));
        // What lies above the temporary directory on this machine (a `shared/` beside it is
        // found like any other): the search must end there once the test's own are gone.
        let outside = shared_dir(&root);
        let crate_dir = root.join("outer/clone/crate");
        std::fs::create_dir_all(&crate_dir).unwrap();
        std::fs::create_dir_all(root.join("shared/specs")).unwrap();
        std::fs::create_dir_all(root.join("outer/shared/specs")).unwrap();
        // Only checked when the variable is unset (tests must not mutate the environment).
        if std::env::var_os(SHARED_ENV).is_none() {
            assert_eq!(shared_dir(&crate_dir), Some(root.join("outer/shared")));
            std::fs::remove_dir_all(root.join("outer/shared")).unwrap();
            assert_eq!(shared_dir(&crate_dir), Some(root.join("shared")));
            std::fs::remove_dir_all(root.join("shared")).unwrap();
            assert_eq!(shared_dir(&crate_dir), outside);
            if outside.is_none() {
                assert_eq!(corpus_or_skip(&crate_dir, "x"), None);
            }
        }
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn spec_files_lists_documents_only() {
        let dir = std::env::temp_dir().join(format!("ots-files-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub.json")).unwrap();
        for f in ["b.yaml", "a.json", "c.yml", "INDEX.md"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let names: Vec<_> = spec_files(&dir)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.json", "b.yaml", "c.yml"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
