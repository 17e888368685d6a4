//! `serve --store`: restore the store's live sets, publish the specs named on the command
//! line through it, and follow what other servers and operators change.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use openapi_tools_runtime::Manifest;
use openapi_tools_runtime::registry::{DefaultRegistry, InstallOptions};
use openapi_tools_store::{Actor, Follow, StoreUrl, Stored};

/// How often a server looks at the store even without a notification (SQLite has none; for
/// PostgreSQL it bounds the delay after a lost notification).
const POLL: Duration = Duration::from_secs(2);

/// Binds `registry` to the store at `url` (none: in memory only).
pub(crate) fn attach(
    registry: &Arc<DefaultRegistry>,
    url: Option<&str>,
) -> Result<Option<Stored>, String> {
    let Some(url) = url else {
        return Ok(None);
    };
    let parsed = StoreUrl::parse(url).map_err(|e| e.to_string())?;
    let store = parsed.open().map_err(|e| format!("{parsed}: {e}"))?;
    let stored =
        Stored::attach(Arc::clone(registry), store).map_err(|e| format!("{parsed}: {e}"))?;
    stored.set_actor(Actor {
        source: "serve".into(),
        ..Actor::default()
    });
    let sets = registry.snapshot().sets().count();
    tracing::info!("store {parsed}: {sets} live tool sets restored");
    Ok(Some(stored))
}

/// Installs a spec named on the command line. With a store, a version already live there is
/// not published again (a restart adds no version), and a replica that lost the race to
/// publish the same version takes the winner's.
pub(crate) fn publish(
    registry: &DefaultRegistry,
    stored: Option<&Stored>,
    set: &str,
    manifest: Manifest,
    options: InstallOptions,
) -> Result<(), String> {
    let live_hash = |registry: &DefaultRegistry| {
        registry
            .snapshot()
            .set(set)
            .map(|s| s.toolset().manifest().source_hash.clone())
    };
    let Some(stored) = stored else {
        return registry
            .install_manifest(set, manifest, options)
            .map(drop)
            .map_err(|e| e.to_string());
    };
    if live_hash(registry).as_deref() == Some(manifest.source_hash.as_str()) {
        return Ok(());
    }
    let hash = manifest.source_hash.clone();
    match registry.install_manifest(set, manifest, options) {
        Ok(_) => Ok(()),
        Err(e) => {
            // Another replica may have published this very version a moment ago.
            stored.catch_up().map_err(|e| e.to_string())?;
            if live_hash(registry).as_deref() == Some(hash.as_str()) {
                Ok(())
            } else {
                Err(e.to_string())
            }
        }
    }
}

/// The live sets that no spec on the command line names.
pub(crate) fn unlisted_sets(
    registry: &DefaultRegistry,
    specs: &[PathBuf],
    set_name: fn(&Path) -> String,
) -> Vec<String> {
    let named: Vec<String> = specs.iter().map(|p| set_name(p)).collect();
    registry
        .snapshot()
        .sets()
        .map(|s| s.name().to_owned())
        .filter(|n| !named.contains(n))
        .collect()
}

/// Starts following the store.
pub(crate) fn follow(stored: Option<&Stored>) -> Result<Option<Follow>, String> {
    stored
        .map(|s| s.follow(POLL))
        .transpose()
        .map_err(|e| format!("cannot start following the store: {e}"))
}
