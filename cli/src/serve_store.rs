//! `serve --store`: restore the store's live sets, publish the specs named on the command
//! line through it (watching them with `--watch`), and follow what other servers and operators
//! change. The server then serves that registry.

use std::path::PathBuf;
use std::time::Duration;

use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;
use openapi_tools_live::{LiveOptions, Outcome, WatchHandle};
use openapi_tools_runtime::Manifest;
use openapi_tools_runtime::registry::{InstallOptions, Registry};
use openapi_tools_runtime::think::ThinkAugment;
use openapi_tools_store::{Actor, Follow, Stored};

use crate::commands::checked;

/// How often a server looks at the store even without a notification (SQLite has none; for
/// PostgreSQL it bounds the delay after a lost notification).
const POLL: Duration = Duration::from_secs(2);

/// A registry bound to a store, followed, with its specs published; kept alive while serving.
pub(crate) struct Prepared {
    stored: Stored,
    _follow: Follow,
    _watches: Vec<WatchHandle>,
}

impl Prepared {
    pub(crate) fn registry(&self) -> Registry {
        self.stored.registry().clone()
    }
}

/// Opens the store at `url`, restores it, publishes `specs` (namespaced by their set names
/// when several, as `serve` does) and starts following the store.
pub(crate) fn prepare(
    url: &str,
    specs: &[PathBuf],
    model: &ModelOptions,
    watch: bool,
    think: &ThinkAugment,
) -> Result<Prepared, String> {
    let stored = crate::operate::open(url)?;
    stored.set_actor(Actor {
        source: "serve".into(),
        ..Actor::default()
    });
    let registry = stored.registry().clone();
    tracing::info!(
        "store: {} live tool sets restored",
        registry.snapshot().sets().count()
    );
    let several = specs.len() > 1;
    let mut watches = Vec::new();
    for spec in specs {
        let set = openapi_tools_mcp::set_name(spec);
        let namespace = if several { set.clone() } else { String::new() };
        if watch {
            let mut options = LiveOptions::default()
                .model(model.clone())
                .namespace(namespace);
            options.install = options.install.think_augment(think.clone());
            let (first, handle) = openapi_tools_live::watch_file(&registry, &set, spec, options)
                .map_err(|e| format!("{}: {e}", spec.display()))?;
            if matches!(first, Outcome::Rejected) && registry.snapshot().set(&set).is_none() {
                return Err(format!(
                    "{}: not served (see the problems above)",
                    spec.display()
                ));
            }
            watches.push(handle);
        } else {
            let out = pipeline::manifest_from_file(spec, model);
            let Some(manifest) = checked(spec, out)? else {
                return Err(format!(
                    "{}: not served (see the problems above)",
                    spec.display()
                ));
            };
            publish(
                &stored,
                &set,
                manifest,
                InstallOptions::default()
                    .namespace(namespace)
                    .think_augment(think.clone()),
            )
            .map_err(|e| format!("{}: {e}", spec.display()))?;
        }
    }
    let follow = stored
        .follow(POLL)
        .map_err(|e| format!("cannot start following the store: {e}"))?;
    Ok(Prepared {
        stored,
        _follow: follow,
        _watches: watches,
    })
}

/// Installs a spec named on the command line through the store. A version already live there
/// is not published again (a restart adds no version), and a replica that lost the race to
/// publish the same version takes the winner's.
fn publish(
    stored: &Stored,
    set: &str,
    manifest: Manifest,
    options: InstallOptions,
) -> Result<(), String> {
    let registry = stored.registry();
    let live_hash = || {
        registry
            .snapshot()
            .set(set)
            .map(|s| s.toolset().manifest().source_hash.clone())
    };
    if live_hash().as_deref() == Some(manifest.source_hash.as_str()) {
        return Ok(());
    }
    let hash = manifest.source_hash.clone();
    match registry.install_manifest(set, manifest, options) {
        Ok(_) => Ok(()),
        Err(e) => {
            // Another replica may have published this very version a moment ago.
            stored.catch_up().map_err(|e| e.to_string())?;
            if live_hash().as_deref() == Some(hash.as_str()) {
                Ok(())
            } else {
                Err(e.to_string())
            }
        }
    }
}
