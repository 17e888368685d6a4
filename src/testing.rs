//! Snapshot tests of a tool set's provider schemas, for the application's own test suite.
//!
//! [`assert_schemas`] pins what every provider is sent (one pretty-printed JSON file per
//! provider in a directory you commit) and fails with a readable line diff when a spec change
//! alters any of it. It sits beside the lock file's breaking-change guard
//! (`lock_file = "tools.lock.json"` in `openapi_tools!` / the build.rs `Builder`): the lock file
//! says whether callers break, the snapshots show exactly what each model will see.
//!
//! - A missing file is written and the test passes, except under CI (`CI` set), where a
//!   missing snapshot fails: commit the files.
//! - `OPENAPI_TOOLS_UPDATE_SNAPSHOTS=1` rewrites every file instead of comparing (review the
//!   change with `git diff`).
//!
//! ```
//! # let dir = std::env::temp_dir().join(format!("openapi-tools-doc-{}", std::process::id()));
//! let tools = openapi_tools::load("examples/macro-petstore/specs/petstore.yaml")?;
//! openapi_tools::testing::assert_schemas(&dir, &tools);
//! openapi_tools::testing::assert_schemas(&dir, &tools); // unchanged: passes
//! # std::fs::remove_dir_all(&dir).ok();
//! # Ok::<(), openapi_tools::LoadError>(())
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::Provider;

/// Something whose provider schemas can be pinned.
pub trait Schemas {
    /// The JSON of a request's `tools` field for `provider`.
    fn schemas_json(&self, provider: Provider) -> serde_json::Value;
}

#[cfg(feature = "load")]
impl Schemas for crate::Tools {
    fn schemas_json(&self, provider: Provider) -> serde_json::Value {
        self.schemas(provider)
    }
}

/// A generated or hand-made tool set's manifest, rendered as the registry exports it.
impl Schemas for crate::manifest::Manifest {
    fn schemas_json(&self, provider: Provider) -> serde_json::Value {
        let registry = crate::registry::Registry::new();
        if let Err(e) = registry.install_manifest("pinned", self.clone(), Default::default()) {
            panic!("the tool set cannot be installed: {e}");
        }
        let text = registry.export(provider, &crate::registry::ToolFilter::all());
        serde_json::from_str(&text).unwrap_or_default()
    }
}

/// The file [`assert_schemas`] keeps `provider`'s schemas in.
pub fn snapshot_path(dir: &Path, provider: Provider) -> PathBuf {
    dir.join(format!("{}.json", provider.as_str()))
}

/// Compares every provider's schemas of `tools` with the files in `dir` (see the module docs)
/// and panics with a diff per provider that changed.
pub fn assert_schemas(dir: impl AsRef<Path>, tools: &impl Schemas) {
    let dir = dir.as_ref();
    let update = std::env::var_os("OPENAPI_TOOLS_UPDATE_SNAPSHOTS").is_some_and(|v| v != "0");
    let ci = std::env::var_os("CI").is_some();
    let mut failures = String::new();
    for provider in Provider::ALL {
        let value = tools.schemas_json(provider);
        let mut now = serde_json::to_string_pretty(&value).unwrap_or_default();
        now.push('\n');
        let path = snapshot_path(dir, provider);
        let pinned = std::fs::read_to_string(&path).ok();
        match pinned {
            Some(pinned) if !update => {
                if pinned != now {
                    let _ = writeln!(
                        failures,
                        "{} changed:\n{}",
                        path.display(),
                        similar::TextDiff::from_lines(&pinned, &now)
                            .unified_diff()
                            .context_radius(3)
                            .header("pinned", "now")
                    );
                }
            }
            None if ci && !update => {
                let _ = writeln!(
                    failures,
                    "{} is missing (CI is set, so it is not written; run the test locally \
                     and commit the file)",
                    path.display()
                );
            }
            _ => {
                if let Err(e) =
                    std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, &now))
                {
                    let _ = writeln!(failures, "{} could not be written: {e}", path.display());
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "provider schemas differ from the pinned snapshots (rerun with \
         OPENAPI_TOOLS_UPDATE_SNAPSHOTS=1 to accept the change, then review it with git diff):\n\
         {failures}"
    );
}
