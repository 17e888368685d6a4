//! A store bound to a registry: restore on attach, record every change before it is served,
//! follow the changes other processes record.

use std::cell::Cell;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use openapi_tools_runtime::registry::{
    Action, ChangeEvent, InstallOptions, InstallPolicy, InstallReport, Registry, RegistryError,
};
use serde_json::{Value, json};

use crate::model::{ChangeKind, ChangeRecord, NewChange, NewVersion, VersionRecord};
use crate::{Store, StoreError};

thread_local! {
    /// Set while this thread applies what the store already holds (restore, follow): the
    /// commit hook then records nothing.
    static REPLAYING: Cell<bool> = const { Cell::new(false) };
}

/// Marks the current thread as replaying until dropped.
struct Replaying;

impl Replaying {
    fn start() -> Replaying {
        REPLAYING.with(|r| r.set(true));
        Replaying
    }
}

impl Drop for Replaying {
    fn drop(&mut self) {
        REPLAYING.with(|r| r.set(false));
    }
}

/// Who makes the changes of this process, and why: recorded with each change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Who (default: `$USER`, or `unknown`).
    pub who: String,
    /// Why (free text; default empty).
    pub why: String,
    /// Where versions come from (`publish FILE`, `serve FILE`, `rollback`...).
    pub source: String,
}

impl Default for Actor {
    fn default() -> Self {
        Actor {
            who: std::env::var("USER").unwrap_or_else(|_| "unknown".into()),
            why: String::new(),
            source: String::new(),
        }
    }
}

/// The registry's reports, as stored.
type Report = InstallReport;

struct Inner {
    registry: Registry,
    store: Arc<dyn Store>,
    origin: String,
    actor: Arc<Mutex<Actor>>,
    /// The last change id applied here (restored, followed, or made here).
    applied: Mutex<u64>,
    /// Whether the last catch-up failed (to log a lost store once, and its return).
    down: Mutex<bool>,
}

/// A registry bound to a store. Cheap to clone. See the crate docs.
#[derive(Clone)]
pub struct Stored {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stored")
            .field("store", &self.inner.store)
            .field("origin", &self.inner.origin)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Stored {
    /// Restores the store's live versions, disabled tools and numbering into `registry` (attach
    /// before installing anything), then records every later change of the registry in the
    /// store before it becomes visible.
    pub fn attach(registry: Registry, store: Arc<dyn Store>) -> Result<Stored, StoreError> {
        let origin = format!("{}-{:016x}", std::process::id(), fastrand::u64(..));
        let inner = Arc::new(Inner {
            registry,
            store,
            origin,
            actor: Arc::new(Mutex::new(Actor::default())),
            applied: Mutex::new(0),
            down: Mutex::new(false),
        });
        let stored = Stored { inner };
        stored.restore()?;
        stored.install_hook();
        Ok(stored)
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// Sets who makes this process's next changes, and why.
    pub fn set_actor(&self, actor: Actor) {
        *lock(&self.inner.actor) = actor;
    }

    /// The versions of `set` (every set for `None`), oldest first.
    pub fn history(&self, set: Option<&str>) -> Result<Vec<VersionRecord>, StoreError> {
        self.inner.store.versions(set)
    }

    /// The audit log: every change after `after`, in order.
    pub fn changes(&self, after: u64) -> Result<Vec<ChangeRecord>, StoreError> {
        self.inner.store.changes_since(after)
    }

    /// The version of `set` a rollback with no version restores: the one that was live before
    /// the live one.
    pub fn previous(&self, set: &str) -> Result<Option<u64>, StoreError> {
        let versions = self.inner.store.versions(Some(set))?;
        Ok(versions
            .iter()
            .find(|v| v.live)
            .and_then(|v| v.report.pointer("/from/seq").and_then(Value::as_u64)))
    }

    /// Finds a version of `set` by number (`7` or `#7`) or, newest first, by label
    /// (`info.version`).
    pub fn resolve(&self, set: &str, version: &str) -> Result<Option<u64>, StoreError> {
        let versions = self.inner.store.versions(Some(set))?;
        if let Ok(seq) = version.trim_start_matches('#').parse::<u64>()
            && versions.iter().any(|v| v.seq == seq)
        {
            return Ok(Some(seq));
        }
        Ok(versions
            .iter()
            .rev()
            .find(|v| v.label == version)
            .map(|v| v.seq))
    }

    /// Installs version `seq` of `set` again, from the registry's own history when it still
    /// keeps it and from the store otherwise. Recorded (and replicated) as a rollback; refused
    /// with a conflict when another process changed the set since this one last saw it.
    pub fn rollback(
        &self,
        set: &str,
        seq: u64,
        policy: Option<InstallPolicy>,
    ) -> Result<Arc<Report>, RegistryError> {
        let registry = &self.inner.registry;
        if registry.history(set).iter().any(|e| e.seq == seq) {
            return registry.rollback(set, seq, policy);
        }
        let (record, manifest) = self
            .inner
            .store
            .version(set, seq)
            .map_err(|e| RegistryError::Refused(Box::new(e)))?
            .ok_or_else(|| RegistryError::UnknownVersion {
                set: set.to_owned(),
                seq,
                kept: Vec::new(),
            })?;
        registry.rollback_to_manifest(set, seq, manifest, record.namespace, policy)
    }

    /// Pins `set` at its live version: sources can no longer replace or remove it (a rollback
    /// still can). Recorded and replicated like any change.
    pub fn pin(&self, set: &str, reason: &str) -> Result<u64, StoreError> {
        self.operator_change(set, ChangeKind::Pin, Some(reason))
    }

    /// Removes the pin of `set`.
    pub fn unpin(&self, set: &str) -> Result<u64, StoreError> {
        self.operator_change(set, ChangeKind::Unpin, None)
    }

    fn operator_change(
        &self,
        set: &str,
        kind: ChangeKind,
        reason: Option<&str>,
    ) -> Result<u64, StoreError> {
        let live = self.inner.registry.snapshot().set(set).map(|s| s.seq());
        if live.is_none() {
            return Err(StoreError::Database(format!(
                "no live tool set named `{set}`"
            )));
        }
        let actor = lock(&self.inner.actor).clone();
        self.inner.store.append(&NewChange {
            origin: &self.inner.origin,
            set,
            kind,
            seq: None,
            from_seq: live,
            version: None,
            tool: None,
            reason,
            actor: &actor.who,
            why: &actor.why,
            source: &actor.source,
        })
    }

    /// Applies the changes other processes recorded since this one last looked, in order, and
    /// returns how many it applied. Changes fire the registry's listeners as local ones do.
    pub fn catch_up(&self) -> Result<usize, StoreError> {
        let inner = &self.inner;
        // One catch-up at a time: changes are applied in id order.
        let mut applied = lock(&inner.applied);
        let changes = inner.store.changes_since(*applied)?;
        let mut n = 0;
        for change in changes {
            if change.origin != inner.origin {
                self.apply_remote(&change);
                n += 1;
            }
            *applied = change.id;
        }
        Ok(n)
    }

    /// Starts following the store on a thread: on every notification of the store and at
    /// least every `poll`, [`Stored::catch_up`]. While the store is unreachable the registry
    /// keeps serving the versions it has; when the store is back, the follower catches up.
    /// Dropping the handle stops it.
    pub fn follow(&self, poll: Duration) -> std::io::Result<Follow> {
        let (tx, rx) = mpsc::channel::<bool>();
        let wake = Mutex::new(tx.clone());
        self.inner.store.on_remote_change(Box::new(move || {
            let _ = lock(&wake).send(true);
        }));
        let stored = self.clone();
        let thread = std::thread::Builder::new()
            .name("openapi-tools-store-follow".into())
            .spawn(move || {
                loop {
                    match rx.recv_timeout(poll) {
                        Ok(false) | Err(RecvTimeoutError::Disconnected) => break,
                        Ok(true) | Err(RecvTimeoutError::Timeout) => {}
                    }
                    // Several notifications at once need one catch-up.
                    while let Ok(more) = rx.try_recv() {
                        if !more {
                            return;
                        }
                    }
                    stored.catch_up_logged();
                }
            })?;
        Ok(Follow {
            stop: tx,
            thread: Some(thread),
        })
    }

    fn catch_up_logged(&self) {
        let result = self.catch_up();
        let mut down = lock(&self.inner.down);
        match result {
            Ok(_) if *down => {
                *down = false;
                tracing::info!("store reachable again; caught up");
            }
            Ok(_) => {}
            Err(e) if !*down => {
                *down = true;
                tracing::warn!("store unreachable, serving the last known versions: {e}");
            }
            Err(_) => {}
        }
    }

    fn restore(&self) -> Result<(), StoreError> {
        let inner = &self.inner;
        let registry = &inner.registry;
        let mut applied = lock(&inner.applied);
        let state = inner.store.state()?;
        let _replaying = Replaying::start();
        for row in &state.sets {
            match row.seq {
                Some(seq) => {
                    let (record, manifest) =
                        inner.store.version(&row.set, seq)?.ok_or_else(|| {
                            StoreError::Corrupt(format!(
                                "live version #{seq} of `{}` is missing",
                                row.set
                            ))
                        })?;
                    registry.continue_numbering(&row.set, seq);
                    let options = InstallOptions::default()
                        .policy(InstallPolicy::AllowBreaking)
                        .namespace(record.namespace.unwrap_or_default());
                    registry
                        .install_manifest(&row.set, manifest, options)
                        .map_err(|e| {
                            StoreError::Corrupt(format!("restoring `{}` #{seq}: {e}", row.set))
                        })?;
                }
                None => registry.continue_numbering(&row.set, row.max_seq + 1),
            }
        }
        for (tool, _, reason) in &state.disabled {
            if let Err(e) = registry.disable(tool, reason) {
                tracing::warn!("restoring disabled tool `{tool}`: {e}");
            }
        }
        *applied = state.last_change;
        Ok(())
    }

    fn install_hook(&self) {
        let store = Arc::clone(&self.inner.store);
        let actor = Arc::clone(&self.inner.actor);
        let origin = self.inner.origin.clone();
        self.inner.registry.before_commit(move |commit| {
            if REPLAYING.with(Cell::get) {
                return Ok(());
            }
            let actor = lock(&actor).clone();
            let base = NewChange {
                origin: &origin,
                set: "",
                kind: ChangeKind::Install,
                seq: None,
                from_seq: None,
                version: None,
                tool: None,
                reason: None,
                actor: &actor.who,
                why: &actor.why,
                source: &actor.source,
            };
            match commit.event {
                ChangeEvent::Applied(report) => {
                    let (kind, rollback_to) = match report.action {
                        Action::Install => (ChangeKind::Install, None),
                        Action::Replace => (ChangeKind::Replace, None),
                        Action::Rollback { to } => (ChangeKind::Rollback, Some(to)),
                        Action::Remove => (ChangeKind::Remove, None),
                    };
                    let json = report_json(report);
                    let version = commit.manifest.map(|manifest| NewVersion {
                        manifest,
                        namespace: report.namespace.as_deref(),
                        rollback_to,
                        report: &json,
                    });
                    store.append(&NewChange {
                        set: &report.set,
                        kind,
                        seq: report
                            .to
                            .as_ref()
                            .map(|v| v.seq)
                            .filter(|_| kind.installs()),
                        from_seq: report.from.as_ref().map(|v| v.seq),
                        version,
                        ..base
                    })?;
                }
                ChangeEvent::ToolDisabled { set, tool, reason } => {
                    store.append(&NewChange {
                        set,
                        kind: ChangeKind::Disable,
                        tool: Some(tool),
                        reason: Some(reason),
                        ..base
                    })?;
                }
                ChangeEvent::ToolEnabled { set, tool } => {
                    store.append(&NewChange {
                        set,
                        kind: ChangeKind::Enable,
                        tool: Some(tool),
                        ..base
                    })?;
                }
                // Refusals (`Rejected`, `SourceRejected`) change nothing. `ChangeEvent` may
                // grow: a new kind of change must be added above to be stored.
                _ => {}
            }
            Ok(())
        });
    }

    /// Applies one change another process recorded. A change that cannot be applied here (it
    /// should not happen: the other process checked it) is logged and skipped.
    fn apply_remote(&self, change: &ChangeRecord) {
        let registry = &self.inner.registry;
        let _replaying = Replaying::start();
        let result: Result<(), String> = match change.kind {
            ChangeKind::Install | ChangeKind::Replace | ChangeKind::Rollback => {
                let seq = change.seq.unwrap_or(0);
                match self.inner.store.version(&change.set, seq) {
                    Ok(Some((record, manifest))) => {
                        registry.continue_numbering(&change.set, seq);
                        let done = match (change.kind, record.rollback_to) {
                            (ChangeKind::Rollback, Some(to)) => registry.rollback_to_manifest(
                                &change.set,
                                to,
                                manifest,
                                record.namespace,
                                Some(InstallPolicy::AllowBreaking),
                            ),
                            _ => registry.install_manifest(
                                &change.set,
                                manifest,
                                InstallOptions::default()
                                    .policy(InstallPolicy::AllowBreaking)
                                    .namespace(record.namespace.unwrap_or_default()),
                            ),
                        };
                        done.map(drop).map_err(|e| e.to_string())
                    }
                    Ok(None) => Err(format!("version #{seq} is not in the store")),
                    Err(e) => Err(e.to_string()),
                }
            }
            ChangeKind::Remove => match registry.remove(&change.set) {
                Ok(_) | Err(RegistryError::UnknownSet { .. }) => Ok(()),
                Err(e) => Err(e.to_string()),
            },
            ChangeKind::Disable => registry
                .disable(
                    change.tool.as_deref().unwrap_or(""),
                    change.reason.as_deref().unwrap_or(""),
                )
                .map(drop)
                .map_err(|e| e.to_string()),
            ChangeKind::Enable => registry
                .enable(change.tool.as_deref().unwrap_or(""))
                .map(drop)
                .map_err(|e| e.to_string()),
            ChangeKind::Pin | ChangeKind::Unpin => Ok(()),
        };
        if let Err(e) = result {
            tracing::warn!(
                "change #{} ({} of `{}`) from another process not applied: {e}",
                change.id,
                change.kind.as_str(),
                change.set
            );
        }
    }
}

/// The follower thread of [`Stored::follow`]: dropping it stops the thread.
#[derive(Debug)]
pub struct Follow {
    stop: mpsc::Sender<bool>,
    thread: Option<JoinHandle<()>>,
}

impl Follow {
    /// Asks for a catch-up now.
    pub fn wake(&self) {
        let _ = self.stop.send(true);
    }
}

impl Drop for Follow {
    fn drop(&mut self) {
        let _ = self.stop.send(false);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A change report as stored: the registry's report with its breaking-change analysis.
fn report_json(r: &Report) -> Value {
    let version = |v: &Option<openapi_tools_runtime::registry::VersionRef>| {
        v.as_ref()
            .map(|v| json!({"seq": v.seq, "version": v.version}))
    };
    json!({
        "set": r.set,
        "action": r.action.to_string(),
        "from": version(&r.from),
        "to": version(&r.to),
        "namespace": r.namespace,
        "added": r.added,
        "removed": r.removed,
        "updated": r.updated,
        "unchanged": r.unchanged.len(),
        "breaking": r.breaking,
        "analysis": serde_json::to_value(&r.analysis).unwrap_or(Value::Null),
    })
}
