//! The registry: installs and atomically swaps tool sets, keeps history, reports changes.
//!
//! Readers ([`Registry::snapshot`], [`Registry::export`], [`Registry::prepare`]) load an
//! `Arc<Snapshot>` from an [`ArcSwap`] and never wait for a writer. Writers (install, replace,
//! remove, rollback, enable/disable) are serialised by one mutex, build a complete new snapshot
//! and publish it with a single atomic store, so a reader sees either the old versions or the
//! new ones, never a mix, and a call prepared on a snapshot keeps that snapshot's version of its
//! tool set alive until it is done.
//!
//! Every change produces an [`InstallReport`]: tool lists by schema hash plus the breaking-change
//! analysis of [`crate::diff::diff`]. An [`InstallPolicy`] decides whether a breaking install goes
//! through; a rejected install changes nothing (neither the live sets nor the history).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};
use std::time::SystemTime;

use arc_swap::ArcSwap;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::manifest::Manifest;
use crate::render::Provider;
use crate::think::ThinkAugment;
use crate::toolset::{CallError, DynamicToolSet, Providers, RenderedTool, ToolSet, prerender};

mod error;
mod history;
mod listeners;
mod names;
mod report;
mod snapshot;

pub use error::RegistryError;
pub use history::HistoryEntry;
pub use listeners::ListenerId;
pub use names::{MAX_NAMESPACE, MAX_TOOL_NAME, exported_name};
pub use report::{Action, ChangeEvent, InstallReport, RejectStage, SourceRejection, VersionRef};
pub use snapshot::{LiveSet, Routed, Snapshot, ToolEntry, ToolFilter};

/// A change about to be made visible, as the commit hook sees it (see
/// [`Registry::before_commit`]).
#[derive(Debug)]
pub struct Commit<'a> {
    /// What the listeners will receive once the change is visible: [`ChangeEvent::Applied`]
    /// (install, replace, rollback, removal), [`ChangeEvent::ToolDisabled`] or
    /// [`ChangeEvent::ToolEnabled`].
    pub event: &'a ChangeEvent,
    /// The manifest of the version being installed (`None` for removals and toggles).
    pub manifest: Option<&'a Manifest>,
}

/// The error a commit hook refuses a change with.
pub type CommitError = Box<dyn std::error::Error + Send + Sync>;

type CommitHook = Arc<dyn Fn(&Commit<'_>) -> std::result::Result<(), CommitError> + Send + Sync>;

use history::{History, Kept};
use listeners::Listeners;
use snapshot::LiveTool;

/// What happens to an install that breaks callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InstallPolicy {
    /// Install it; the report says what breaks.
    #[default]
    AllowBreaking,
    /// Refuse it; the live version and the history stay as they are.
    RejectBreaking,
}

/// Registry-wide settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistryConfig {
    /// Versions kept per tool set, the live one included (at least 1).
    pub history_len: usize,
    /// The policy for installs that do not choose one.
    pub default_policy: InstallPolicy,
    /// The providers whose declarations are rendered when a tool set is installed (default:
    /// all). Exporting for another provider renders each tool on first use and keeps the
    /// result, so that first export is slower; a server that exports for one provider only
    /// (an MCP server) names it here and installs several times faster.
    pub prerender: Providers,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        RegistryConfig {
            history_len: 10,
            default_policy: InstallPolicy::AllowBreaking,
            prerender: Providers::ALL,
        }
    }
}

/// Per-install choices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallOptions {
    /// Overrides [`RegistryConfig::default_policy`].
    pub policy: Option<InstallPolicy>,
    /// The namespace to export the tools under: `None` keeps the set's current namespace (none
    /// for a new set), `Some("")` removes it. Tools are exported as `{namespace}_{tool}`.
    pub namespace: Option<String>,
    /// Which tools gain the `toolcall_reason` property ([`crate::think`]); applies to
    /// [`Registry::install_manifest`] only (a tool set built elsewhere keeps its schemas).
    pub think_augment: ThinkAugment,
}

impl InstallOptions {
    /// Sets which tools gain the `toolcall_reason` property (see [`crate::think`]).
    pub fn think_augment(mut self, think: ThinkAugment) -> Self {
        self.think_augment = think;
        self
    }
    /// Sets the policy.
    pub fn policy(mut self, policy: InstallPolicy) -> Self {
        self.policy = Some(policy);
        self
    }
    /// Sets the namespace (`""` for none).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }
}

/// A new version about to be installed, and how history will keep it.
struct Candidate {
    toolset: Arc<dyn ToolSet>,
    dynamic: Option<Arc<DynamicToolSet>>,
    kept: Option<Kept>,
    reuse: Vec<Arc<RenderedTool>>,
}

struct Writer {
    histories: BTreeMap<String, History>,
    generation: u64,
    /// The snapshot replaced by the last swap. Kept until the next swap so that dropping it
    /// (and the versions only it holds) usually falls to the writer, not to a reader that
    /// happened to hold the last reference.
    retired: Option<Arc<Snapshot>>,
    /// Where retired snapshots go to be dropped (started on first use).
    reclaimer: Option<mpsc::Sender<Arc<Snapshot>>>,
    /// Runs before every change is made visible; an error refuses the change.
    hook: Option<CommitHook>,
}

/// Installed tool sets, swapped atomically. See the module docs.
///
/// Cheap to clone: clones share the same tool sets, history and listeners (the state sits
/// behind one `Arc`), so hand a clone to each task, server or watcher instead of wrapping the
/// registry in an `Arc`.
///
/// ```
/// use openapi_tools_runtime::registry::Registry;
/// let registry = Registry::new();
/// let for_the_server = registry.clone();
/// assert!(for_the_server.snapshot().sets().next().is_none());
/// ```
#[derive(Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

struct Inner {
    live: ArcSwap<Snapshot>,
    writer: Mutex<Writer>,
    listeners: Listeners,
    config: RegistryConfig,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("snapshot", &self.inner.live.load())
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

type Result<T> = std::result::Result<T, RegistryError>;

impl Registry {
    /// A registry with default settings (10 versions kept, breaking installs allowed, every
    /// provider pre-rendered).
    pub fn new() -> Self {
        Self::with_config(RegistryConfig::default())
    }

    /// A registry with the given settings.
    pub fn with_config(config: RegistryConfig) -> Self {
        Registry {
            inner: Arc::new(Inner {
                live: ArcSwap::from_pointee(Snapshot::new(0, BTreeMap::new(), BTreeMap::new())),
                writer: Mutex::new(Writer {
                    histories: BTreeMap::new(),
                    generation: 0,
                    retired: None,
                    reclaimer: None,
                    hook: None,
                }),
                listeners: Listeners::new(),
                config,
            }),
        }
    }

    /// The settings.
    pub fn config(&self) -> &RegistryConfig {
        &self.inner.config
    }

    // ---- readers: never block -------------------------------------------------------------

    /// The current snapshot; hold it to work on one consistent set of versions.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.inner.live.load_full()
    }

    /// [`Snapshot::export`] on the current snapshot.
    pub fn export(&self, provider: Provider, filter: &ToolFilter) -> Arc<str> {
        self.inner.live.load().export(provider, filter)
    }

    /// [`Snapshot::export_raw`] on the current snapshot.
    pub fn export_raw(&self, provider: Provider, filter: &ToolFilter) -> Vec<Arc<RawValue>> {
        self.inner.live.load().export_raw(provider, filter)
    }

    /// [`Snapshot::prepare`] on the current snapshot.
    pub fn prepare(&self, tool: &str, args: &Value) -> std::result::Result<Routed, CallError> {
        self.inner.live.load().prepare(tool, args)
    }

    // ---- history and listeners -------------------------------------------------------------

    /// The kept versions of `set`, oldest first (empty if it was never installed).
    pub fn history(&self, set: &str) -> Vec<HistoryEntry> {
        self.lock()
            .histories
            .get(set)
            .map(|h| h.entries.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Calls `f` with every change event, in the order changes happen. `f` runs while the
    /// change is being committed: it may read the registry, but changing it returns
    /// [`RegistryError::Reentrant`].
    pub fn on_change<F>(&self, f: F) -> ListenerId
    where
        F: Fn(&ChangeEvent) + Send + Sync + 'static,
    {
        self.inner.listeners.add_callback(Arc::new(f))
    }

    /// A channel receiving every change event from now on. Dropping the receiver unsubscribes.
    pub fn subscribe(&self) -> mpsc::Receiver<ChangeEvent> {
        self.inner.listeners.add_channel()
    }

    /// Tells every listener that a live source offered a version and it was refused before the
    /// install (see [`ChangeEvent::SourceRejected`]). Delivered in order with the other events;
    /// changes nothing.
    pub fn notify_source_rejected(&self, rejection: SourceRejection) -> Result<()> {
        listeners::check_not_in_listener()?;
        let _w = self.lock();
        self.inner
            .listeners
            .notify(&ChangeEvent::SourceRejected(Arc::new(rejection)));
        Ok(())
    }

    /// Removes a callback; `false` if it was not registered.
    pub fn remove_listener(&self, id: ListenerId) -> bool {
        self.inner.listeners.remove(id)
    }

    /// Sets the commit hook: `f` sees every install, replace, rollback, removal and toggle
    /// after every check passed and before the change becomes visible, under the writer lock.
    /// An `Err` refuses the change ([`RegistryError::Refused`]); nothing changes and no
    /// listener is told. This is how a durable store records a change before it is served
    /// (one hook: a second call replaces the first).
    pub fn before_commit<F>(&self, f: F)
    where
        F: Fn(&Commit<'_>) -> std::result::Result<(), CommitError> + Send + Sync + 'static,
    {
        self.lock().hook = Some(Arc::new(f));
    }

    /// Numbers the next version of `set` `next_seq` or later: a registry restored from a
    /// store, or following changes other processes made, continues their numbering. Never
    /// lowers a number already used.
    pub fn continue_numbering(&self, set: &str, next_seq: u64) {
        let mut w = self.lock();
        let history = w
            .histories
            .entry(set.to_owned())
            .or_insert_with(History::new);
        history.next_seq = history.next_seq.max(next_seq);
    }

    // ---- writers ---------------------------------------------------------------------------

    /// Installs (or replaces) the tool set `set` with a tool set built elsewhere, e.g. by
    /// generated code. History keeps the `Arc` for rollbacks.
    pub fn install(
        &self,
        set: &str,
        toolset: Arc<dyn ToolSet>,
        options: InstallOptions,
    ) -> Result<Arc<InstallReport>> {
        listeners::check_not_in_listener()?;
        let mut w = self.lock();
        let candidate = Candidate {
            toolset,
            dynamic: None,
            kept: None,
            reuse: Vec::new(),
        };
        self.apply(&mut w, set, candidate, &options, None)
    }

    /// Installs (or replaces) the tool set `set` from a manifest loaded at run time, checking
    /// arguments and building requests with [`crate::validate`] and [`crate::request`]. Argument checkers of tools
    /// whose schema did not change are shared with the live version.
    pub fn install_manifest(
        &self,
        set: &str,
        manifest: Manifest,
        options: InstallOptions,
    ) -> Result<Arc<InstallReport>> {
        self.install_dynamic(set, manifest, &options, None)
    }

    /// Installs a run-time manifest as `set`, numbered `seq` when it re-installs a known
    /// version (a rollback) or the next number otherwise.
    fn install_dynamic(
        &self,
        set: &str,
        mut manifest: Manifest,
        options: &InstallOptions,
        seq: Option<u64>,
    ) -> Result<Arc<InstallReport>> {
        listeners::check_not_in_listener()?;
        options.think_augment.apply(&mut manifest);
        // Compile outside the writer lock; the live version is only a source of reusable
        // checkers, so a concurrent swap costs at most some recompilation.
        let live = self.inner.live.load_full();
        let previous = live.set(set).and_then(|s| s.dynamic.as_deref());
        let dynamic = Arc::new(DynamicToolSet::reusing(manifest, previous));
        drop(live);
        let mut w = self.lock();
        let candidate = Candidate {
            toolset: Arc::clone(&dynamic) as Arc<dyn ToolSet>,
            dynamic: Some(dynamic),
            kept: None,
            reuse: Vec::new(),
        };
        self.apply(&mut w, set, candidate, options, seq)
    }

    /// Re-installs a kept version of `set` (a swap with its own report, recorded in history as
    /// a new version). `policy` overrides the registry default.
    pub fn rollback(
        &self,
        set: &str,
        seq: u64,
        policy: Option<InstallPolicy>,
    ) -> Result<Arc<InstallReport>> {
        listeners::check_not_in_listener()?;
        let mut w = self.lock();
        let history = w
            .histories
            .get(set)
            .ok_or_else(|| RegistryError::UnknownSet {
                set: set.to_owned(),
            })?;
        let entry = history
            .get(seq)
            .ok_or_else(|| RegistryError::UnknownVersion {
                set: set.to_owned(),
                seq,
                kept: history.seqs(),
            })?
            .clone();
        let live = self.inner.live.load_full();
        let candidate = match &entry.kept {
            Kept::ToolSet(ts) => Candidate {
                toolset: Arc::clone(ts),
                dynamic: None,
                kept: Some(entry.kept.clone()),
                reuse: entry.rendered.clone(),
            },
            Kept::Newest(set) => Candidate {
                toolset: Arc::clone(set) as Arc<dyn ToolSet>,
                dynamic: Some(Arc::clone(set)),
                kept: Some(entry.kept.clone()),
                reuse: entry.rendered.clone(),
            },
            kept @ Kept::Manifest { .. } => {
                let manifest = kept.to_manifest().unwrap_or_else(empty_manifest);
                let previous = live.set(set).and_then(|s| s.dynamic.as_deref());
                let dynamic = Arc::new(DynamicToolSet::reusing(manifest, previous));
                Candidate {
                    toolset: Arc::clone(&dynamic) as Arc<dyn ToolSet>,
                    dynamic: Some(dynamic),
                    kept: Some(entry.kept.clone()),
                    reuse: entry.rendered.clone(),
                }
            }
        };
        let options = InstallOptions {
            policy,
            namespace: Some(entry.namespace.clone().unwrap_or_default()),
            // A kept manifest is installed as it was kept, reason property included.
            think_augment: ThinkAugment::none(),
        };
        self.apply(&mut w, set, candidate, &options, Some(seq))
    }

    /// Re-installs `manifest`, a version of `set` numbered `seq` that the registry's own
    /// history no longer keeps (a store kept it): reported and recorded as a rollback to `seq`.
    pub fn rollback_to_manifest(
        &self,
        set: &str,
        seq: u64,
        manifest: Manifest,
        namespace: Option<String>,
        policy: Option<InstallPolicy>,
    ) -> Result<Arc<InstallReport>> {
        let options = InstallOptions {
            policy,
            namespace: Some(namespace.unwrap_or_default()),
            // A kept manifest is installed as it was kept, reason property included.
            think_augment: ThinkAugment::none(),
        };
        self.install_dynamic(set, manifest, &options, Some(seq))
    }

    /// Removes `set`. Its history is kept, so a later rollback can restore it.
    pub fn remove(&self, set: &str) -> Result<Arc<InstallReport>> {
        listeners::check_not_in_listener()?;
        let mut w = self.lock();
        let snap = self.inner.live.load_full();
        let current = snap.set(set).ok_or_else(|| RegistryError::UnknownSet {
            set: set.to_owned(),
        })?;
        let empty = empty_manifest();
        let analysis = crate::diff::diff(current.toolset.manifest(), &empty);
        let removed: Vec<String> = current.tool_names().map(str::to_owned).collect();
        let report = Arc::new(InstallReport {
            set: set.to_owned(),
            action: Action::Remove,
            from: Some(version_ref(current)),
            to: None,
            namespace: current.namespace.clone(),
            added: Vec::new(),
            breaking: analysis.breaking || !removed.is_empty(),
            removed,
            updated: Vec::new(),
            unchanged: Vec::new(),
            analysis,
            at: SystemTime::now(),
        });
        let event = ChangeEvent::Applied(Arc::clone(&report));
        commit(&w, &event, None)?;
        let mut sets = snap.sets.clone();
        sets.remove(set);
        self.publish(&mut w, sets, snap.disabled.clone());
        if let Some(h) = w.histories.get_mut(set) {
            h.live = None;
        }
        self.inner.listeners.notify(&event);
        Ok(report)
    }

    /// Switches a tool off: it leaves every export and calls to it return
    /// [`CallError::Disabled`] with `reason`. Stays off across replacements of its set while
    /// the tool exists. Returns `false` when it was already disabled with that reason.
    pub fn disable(&self, tool: &str, reason: &str) -> Result<bool> {
        self.toggle(tool, Some(reason))
    }

    /// Switches a tool back on. Returns `false` when it was not disabled.
    pub fn enable(&self, tool: &str) -> Result<bool> {
        self.toggle(tool, None)
    }

    fn toggle(&self, tool: &str, reason: Option<&str>) -> Result<bool> {
        listeners::check_not_in_listener()?;
        let mut w = self.lock();
        let snap = self.inner.live.load_full();
        let (owner, _) = snap
            .routes
            .get(tool)
            .ok_or_else(|| RegistryError::UnknownTool {
                tool: tool.to_owned(),
            })?;
        let set = owner.name.clone();
        let mut disabled = snap.disabled.clone();
        let changed = match reason {
            Some(reason) => {
                let entry = disabled.entry(set.clone()).or_default();
                entry.insert(tool.to_owned(), reason.to_owned()).as_deref() != Some(reason)
            }
            None => disabled
                .get_mut(&set)
                .is_some_and(|m| m.remove(tool).is_some()),
        };
        if !changed {
            return Ok(false);
        }
        let event = match reason {
            Some(reason) => ChangeEvent::ToolDisabled {
                set,
                tool: tool.to_owned(),
                reason: reason.to_owned(),
            },
            None => ChangeEvent::ToolEnabled {
                set,
                tool: tool.to_owned(),
            },
        };
        commit(&w, &event, None)?;
        self.publish(&mut w, snap.sets.clone(), disabled);
        self.inner.listeners.notify(&event);
        Ok(true)
    }

    /// Publishes the next snapshot with one atomic store.
    fn publish(
        &self,
        w: &mut Writer,
        sets: BTreeMap<String, Arc<LiveSet>>,
        disabled: BTreeMap<String, BTreeMap<String, String>>,
    ) {
        w.generation += 1;
        let next = Arc::new(Snapshot::new(w.generation, sets, disabled));
        let previous = self.inner.live.swap(next);
        if let Some(old) = w.retired.replace(previous) {
            reclaim(w, old);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Writer> {
        // A listener that panicked leaves the state consistent: the swap and history push
        // happen before notification.
        self.inner
            .writer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The install pipeline shared by install, install_manifest and rollback. Everything that
    /// can fail happens before the swap.
    fn apply(
        &self,
        w: &mut Writer,
        set: &str,
        candidate: Candidate,
        options: &InstallOptions,
        rollback_to: Option<u64>,
    ) -> Result<Arc<InstallReport>> {
        if set.is_empty() {
            return Err(RegistryError::EmptySetName);
        }
        let snap = self.inner.live.load_full();
        let current = snap.set(set);
        let namespace = match &options.namespace {
            Some(ns) if ns.is_empty() => None,
            Some(ns) => Some(ns.clone()),
            None => current.and_then(|c| c.namespace.clone()),
        };
        if let Some(ns) = &namespace
            && let Some(reason) = names::invalid_reason(ns, MAX_NAMESPACE)
        {
            return Err(RegistryError::InvalidNamespace {
                set: set.to_owned(),
                namespace: ns.clone(),
                reason,
            });
        }

        // Names: valid, unique within the set, not exported by another set.
        let manifest = candidate.toolset.manifest();
        let mut exported: Vec<String> = Vec::with_capacity(manifest.tools.len());
        for tool in &manifest.tools {
            if let Some(reason) = names::invalid_reason(&tool.name, MAX_TOOL_NAME) {
                return Err(RegistryError::InvalidToolName {
                    set: set.to_owned(),
                    tool: tool.name.clone(),
                    reason,
                });
            }
            let name = exported_name(namespace.as_deref(), &tool.name);
            if let Some((owner, _)) = snap.routes.get(&name)
                && owner.name != set
            {
                return Err(RegistryError::NameClash {
                    tool: name,
                    set: set.to_owned(),
                    other_set: owner.name.clone(),
                });
            }
            exported.push(name);
        }
        let mut seen = HashSet::with_capacity(exported.len());
        if let Some(dup) = exported.iter().find(|n| !seen.insert(n.as_str())) {
            return Err(RegistryError::DuplicateTool {
                set: set.to_owned(),
                tool: dup.clone(),
            });
        }
        drop(seen);

        // Report.
        let history = w.histories.get(set);
        let seq = history.map_or(1, |h| h.next_seq);
        let report = self.report(
            set,
            current,
            manifest,
            &exported,
            &namespace,
            seq,
            rollback_to,
        );
        let policy = options.policy.unwrap_or(self.inner.config.default_policy);
        if report.breaking && policy == InstallPolicy::RejectBreaking {
            let report = Arc::new(report);
            self.inner
                .listeners
                .notify(&ChangeEvent::Rejected(Arc::clone(&report)));
            return Err(RegistryError::Rejected(Box::new((*report).clone())));
        }

        // Pre-render, sharing what did not change (with the live version, or with the kept
        // version being restored).
        // Versions mostly keep their tool order: the same position is looked at first, the
        // name index is built only when a tool moved.
        let live_rendered: &[LiveTool] = current.map_or(&[], |c| c.tools.as_slice());
        let mut pool: Option<HashMap<&str, Vec<&Arc<RenderedTool>>>> = None;
        let mut tools = Vec::with_capacity(exported.len());
        for (index, (tool, name)) in manifest.tools.iter().zip(exported).enumerate() {
            let fits = |r: &&Arc<RenderedTool>| r.is_for(tool, &name);
            let at_index = candidate
                .reuse
                .get(index)
                .filter(fits)
                .or_else(|| live_rendered.get(index).map(|t| &t.rendered).filter(fits));
            let previous = at_index.or_else(|| {
                let pool = pool.get_or_insert_with(|| {
                    let mut map: HashMap<&str, Vec<&Arc<RenderedTool>>> = HashMap::new();
                    for r in &candidate.reuse {
                        map.entry(r.name()).or_default().push(r);
                    }
                    for t in live_rendered {
                        map.entry(t.exported.as_str())
                            .or_default()
                            .push(&t.rendered);
                    }
                    map
                });
                pool.get(name.as_str())
                    .and_then(|rs| rs.iter().copied().find(|r| r.is_for(tool, &name)))
            });
            let rendered =
                prerender(tool, &name, previous, self.inner.config.prerender).map_err(|e| {
                    RegistryError::Render {
                        set: set.to_owned(),
                        tool: name.clone(),
                        message: e.to_string(),
                    }
                })?;
            tools.push(LiveTool {
                exported: name,
                index,
                rendered,
            });
        }
        let kept = match candidate.kept {
            Some(k) => k,
            None => match &candidate.dynamic {
                // Copied into the shared form only once a newer version arrives.
                Some(set) => Kept::Newest(Arc::clone(set)),
                None => Kept::ToolSet(Arc::clone(&candidate.toolset)),
            },
        };
        let rendered = tools.iter().map(|t| Arc::clone(&t.rendered)).collect();
        let live_set = Arc::new(LiveSet {
            name: set.to_owned(),
            namespace: namespace.clone(),
            seq,
            toolset: Arc::clone(&candidate.toolset),
            dynamic: candidate.dynamic,
            tools,
        });

        let report = Arc::new(report);
        let event = ChangeEvent::Applied(Arc::clone(&report));
        commit(w, &event, Some(manifest))?;

        // Swap.
        let mut sets = snap.sets.clone();
        sets.insert(set.to_owned(), live_set);
        self.publish(w, sets, snap.disabled.clone());

        let entry = HistoryEntry {
            seq,
            version: manifest.version.clone(),
            installed_at: report.at,
            source_hash: manifest.source_hash.clone(),
            namespace,
            report: Arc::clone(&report),
            kept,
            rendered,
        };
        w.histories
            .entry(set.to_owned())
            .or_insert_with(History::new)
            .push(entry, self.inner.config.history_len);
        self.inner.listeners.notify(&event);
        Ok(report)
    }

    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        set: &str,
        current: Option<&Arc<LiveSet>>,
        new: &Manifest,
        exported: &[String],
        namespace: &Option<String>,
        seq: u64,
        rollback_to: Option<u64>,
    ) -> InstallReport {
        let empty = empty_manifest();
        let old = current.map_or(&empty, |c| c.toolset.manifest());
        let analysis = crate::diff::diff(old, new);

        let mut old_hashes: HashMap<&str, &str> = HashMap::new();
        if let Some(cur) = current {
            for t in &cur.tools {
                if let Some(m) = old.tools.get(t.index) {
                    old_hashes.insert(t.exported.as_str(), m.schema_hash.as_str());
                }
            }
        }
        let (mut added, mut updated, mut unchanged) = (Vec::new(), Vec::new(), Vec::new());
        for (tool, name) in new.tools.iter().zip(exported) {
            match old_hashes.get(name.as_str()) {
                None => added.push(name.clone()),
                Some(h) if *h == tool.schema_hash => unchanged.push(name.clone()),
                Some(_) => updated.push(name.clone()),
            }
        }
        let new_names: HashSet<&str> = exported.iter().map(String::as_str).collect();
        let removed: Vec<String> = current
            .map(|c| {
                c.tool_names()
                    .filter(|n| !new_names.contains(n))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let renamed_all = current.is_some_and(|c| c.namespace != *namespace && !c.tools.is_empty());
        InstallReport {
            set: set.to_owned(),
            action: match (rollback_to, current) {
                (Some(to), _) => Action::Rollback { to },
                (None, Some(_)) => Action::Replace,
                (None, None) => Action::Install,
            },
            from: current.map(|c| version_ref(c)),
            to: Some(VersionRef {
                seq,
                version: new.version.clone(),
            }),
            namespace: namespace.clone(),
            added,
            removed,
            updated,
            unchanged,
            breaking: analysis.breaking || renamed_all,
            analysis,
            at: SystemTime::now(),
        }
    }
}

/// Asks the commit hook (if any) whether `event` may become visible.
fn commit(
    w: &Writer,
    event: &ChangeEvent,
    manifest: Option<&Manifest>,
) -> std::result::Result<(), RegistryError> {
    match &w.hook {
        Some(hook) => hook(&Commit { event, manifest }).map_err(RegistryError::Refused),
        None => Ok(()),
    }
}

/// Drops a retired snapshot off the writer's path.
///
/// Dropping the last reference to a large version frees every value of its manifest: for
/// GitHub's 1,223 tools that is hundreds of thousands of allocations, several milliseconds,
/// more than the rest of a replace. A helper thread (started on first use, ending with the
/// registry) does it instead, so an install costs what the install itself does. A snapshot a
/// reader still holds is only released (the reader frees it later); if the thread cannot be
/// started the snapshot is dropped here.
fn reclaim(w: &mut Writer, old: Arc<Snapshot>) {
    if Arc::strong_count(&old) > 1 {
        return;
    }
    if w.reclaimer.is_none() {
        let (tx, rx) = mpsc::channel::<Arc<Snapshot>>();
        let started = std::thread::Builder::new()
            .name("openapi-tools-reclaim".into())
            .spawn(move || rx.into_iter().for_each(drop));
        if started.is_ok() {
            w.reclaimer = Some(tx);
        }
    }
    if let Some(tx) = &w.reclaimer
        && let Err(mpsc::SendError(old)) = tx.send(old)
    {
        w.reclaimer = None;
        drop(old);
    }
}

fn version_ref(set: &LiveSet) -> VersionRef {
    VersionRef {
        seq: set.seq,
        version: set.version().to_owned(),
    }
}

/// The "before" of a first install and the "after" of a removal.
fn empty_manifest() -> Manifest {
    Manifest {
        title: String::new(),
        version: String::new(),
        openapi: String::new(),
        source_hash: String::new(),
        namespace: None,
        servers: Vec::new(),
        tools: Vec::new(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests;
