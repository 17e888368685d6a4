//! An immutable view of every installed tool set: what readers export and dispatch through.
//!
//! Readers take a [`Snapshot`] (an `Arc`, without locking) and use it for as long as they
//! like: a call prepared on it finishes on the versions it holds even if a writer swaps in new
//! ones meanwhile, and everything it exports comes from one consistent set of versions.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::Value;
use serde_json::value::RawValue;

use crate::manifest::ToolManifest;
use crate::render::Provider;
use crate::toolset::{CallError, DynamicToolSet, PreparedCall, RenderedTool, ToolSet};

/// One installed version of a tool set, as readers see it.
pub struct LiveSet {
    pub(crate) name: String,
    pub(crate) namespace: Option<String>,
    pub(crate) seq: u64,
    pub(crate) toolset: Arc<dyn ToolSet>,
    pub(crate) dynamic: Option<Arc<DynamicToolSet>>,
    pub(crate) tools: Vec<LiveTool>,
}

/// One tool of a [`LiveSet`]: its exported name, where it sits in the manifest, its
/// rendered declarations.
#[derive(Debug, Clone)]
pub(crate) struct LiveTool {
    pub(crate) exported: String,
    pub(crate) index: usize,
    pub(crate) rendered: Arc<RenderedTool>,
}

impl fmt::Debug for LiveSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveSet")
            .field("name", &self.name)
            .field("namespace", &self.namespace)
            .field("seq", &self.seq)
            .field("version", &self.version())
            .field("tools", &self.tools.len())
            .finish_non_exhaustive()
    }
}

impl LiveSet {
    /// The tool set's name in the registry.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The namespace its tools are exported under.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }
    /// Registry sequence number of this version.
    pub fn seq(&self) -> u64 {
        self.seq
    }
    /// `info.version` of this version's manifest.
    pub fn version(&self) -> &str {
        &self.toolset.manifest().version
    }
    /// The tool set itself.
    pub fn toolset(&self) -> &Arc<dyn ToolSet> {
        &self.toolset
    }
    /// Exported tool names, in manifest order.
    pub fn tool_names(&self) -> impl Iterator<Item = &str> {
        self.tools.iter().map(|t| t.exported.as_str())
    }
    /// The rendered declarations of an exported tool (see [`RenderedTool::get_or_render`] for
    /// providers not rendered yet).
    pub fn rendered(&self, exported: &str) -> Option<&Arc<RenderedTool>> {
        self.tools
            .iter()
            .find(|t| t.exported == exported)
            .map(|t| &t.rendered)
    }
    /// About how many bytes this version holds in memory: its manifest and every declaration
    /// rendered so far (a manifest or rendering shared with another version counts in both).
    /// Logged by `openapi-tools serve` at install, to plan replicas.
    pub fn approximate_size(&self) -> usize {
        self.toolset.manifest().approximate_size()
            + self
                .tools
                .iter()
                .map(|t| {
                    std::mem::size_of::<LiveTool>()
                        + t.exported.capacity()
                        + t.rendered.approximate_size()
                })
                .sum::<usize>()
    }

    fn manifest_tool(&self, tool: &LiveTool) -> Option<&ToolManifest> {
        self.toolset.manifest().tools.get(tool.index)
    }
    /// `tool`'s declaration for `provider`, rendered now if it was not pre-rendered. `None`
    /// only if it cannot be serialised, which a JSON value always can.
    fn declaration<'a>(
        &'a self,
        tool: &'a LiveTool,
        manifest_tool: &ToolManifest,
        provider: Provider,
    ) -> Option<&'a Arc<RawValue>> {
        tool.rendered.get_or_render(provider, manifest_tool).ok()
    }
}

/// Which tools to list or export. Empty lists do not restrict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolFilter {
    /// Only tools of these tool sets.
    pub sets: Vec<String>,
    /// Only tools carrying at least one of these tags.
    pub tags: Vec<String>,
    /// Only tools with these exported names.
    pub names: Vec<String>,
}

impl ToolFilter {
    /// Matches every tool.
    pub fn all() -> Self {
        Self::default()
    }
    /// Only the tools of `set`.
    pub fn set(set: impl Into<String>) -> Self {
        ToolFilter {
            sets: vec![set.into()],
            ..Self::default()
        }
    }
    /// Only tools tagged `tag`.
    pub fn tag(tag: impl Into<String>) -> Self {
        ToolFilter {
            tags: vec![tag.into()],
            ..Self::default()
        }
    }
    fn is_all(&self) -> bool {
        self.sets.is_empty() && self.tags.is_empty() && self.names.is_empty()
    }
    fn admits_set(&self, set: &str) -> bool {
        self.sets.is_empty() || self.sets.iter().any(|s| s == set)
    }
    fn admits_tool(&self, exported: &str, tool: Option<&ToolManifest>) -> bool {
        (self.names.is_empty() || self.names.iter().any(|n| n == exported))
            && (self.tags.is_empty()
                || tool.is_some_and(|t| t.tags.iter().any(|tag| self.tags.contains(tag))))
    }
}

/// A listed tool.
#[derive(Debug, Clone, Copy)]
pub struct ToolEntry<'a> {
    /// The owning set.
    pub set: &'a LiveSet,
    /// The exported name.
    pub name: &'a str,
    /// The tool's manifest entry.
    pub tool: &'a ToolManifest,
    /// Why it is disabled, if it is.
    pub disabled: Option<&'a str>,
    /// Its declarations rendered so far (what [`Snapshot::export`] serves for it); use
    /// [`ToolEntry::declaration`] to get one whether or not it was pre-rendered.
    pub rendered: &'a Arc<RenderedTool>,
    live: &'a LiveTool,
}

impl<'a> ToolEntry<'a> {
    /// The tool's declaration for `provider` (what [`Snapshot::export`] serves for it),
    /// rendered now and kept if the registry did not pre-render that provider. `None` only if
    /// it cannot be serialised, which a JSON value always can.
    pub fn declaration(&self, provider: Provider) -> Option<&'a Arc<RawValue>> {
        self.set.declaration(self.live, self.tool, provider)
    }
}

/// A call prepared on a specific version of its tool set.
#[derive(Debug)]
pub struct Routed {
    /// The version the call was prepared on (keep it to execute on the same version).
    pub set: Arc<LiveSet>,
    /// The exported name the model used.
    pub name: String,
    /// The checked call.
    pub call: PreparedCall,
}

/// Every installed tool set at one moment.
pub struct Snapshot {
    pub(crate) generation: u64,
    pub(crate) sets: BTreeMap<String, Arc<LiveSet>>,
    pub(crate) routes: HashMap<String, (Arc<LiveSet>, usize)>,
    pub(crate) disabled: BTreeMap<String, BTreeMap<String, String>>,
    all_cache: Vec<OnceLock<Arc<str>>>,
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("generation", &self.generation)
            .field("sets", &self.sets.values().collect::<Vec<_>>())
            .field("disabled", &self.disabled)
            .finish()
    }
}

impl Snapshot {
    /// Builds a snapshot and its routing table. `disabled` entries for tools that no longer
    /// exist are dropped.
    pub(crate) fn new(
        generation: u64,
        sets: BTreeMap<String, Arc<LiveSet>>,
        mut disabled: BTreeMap<String, BTreeMap<String, String>>,
    ) -> Self {
        let mut routes = HashMap::with_capacity(sets.values().map(|s| s.tools.len()).sum());
        for set in sets.values() {
            for (i, t) in set.tools.iter().enumerate() {
                routes.insert(t.exported.clone(), (Arc::clone(set), i));
            }
        }
        disabled.retain(|set, tools| {
            tools.retain(|tool, _| {
                routes
                    .get(tool)
                    .is_some_and(|(owner, _)| owner.name == *set)
            });
            !tools.is_empty()
        });
        Snapshot {
            generation,
            sets,
            routes,
            disabled,
            all_cache: Provider::ALL.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// Counts every change the registry made; equal generations mean equal snapshots.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Installed tool sets, by name.
    pub fn sets(&self) -> impl Iterator<Item = &Arc<LiveSet>> {
        self.sets.values()
    }

    /// The live version of `set`.
    pub fn set(&self, set: &str) -> Option<&Arc<LiveSet>> {
        self.sets.get(set)
    }

    /// Why `tool` (exported name) is disabled, if it is.
    pub fn disabled_reason(&self, tool: &str) -> Option<&str> {
        let (set, _) = self.routes.get(tool)?;
        self.disabled
            .get(&set.name)
            .and_then(|m| m.get(tool))
            .map(String::as_str)
    }

    /// The tool exported as `tool` (disabled or not), found in constant time.
    pub fn entry(&self, tool: &str) -> Option<ToolEntry<'_>> {
        let (set, i) = self.routes.get(tool)?;
        let live = set.tools.get(*i)?;
        Some(ToolEntry {
            set,
            name: &live.exported,
            tool: set.manifest_tool(live)?,
            disabled: self.disabled_reason(tool),
            rendered: &live.rendered,
            live,
        })
    }

    /// The tools `filter` admits, disabled ones included, in deterministic order: sets by
    /// name, tools in manifest order.
    pub fn tools<'a>(&'a self, filter: &'a ToolFilter) -> impl Iterator<Item = ToolEntry<'a>> {
        self.sets
            .values()
            .filter(|s| filter.admits_set(&s.name))
            .flat_map(move |set| {
                let disabled = self.disabled.get(&set.name);
                set.tools.iter().filter_map(move |t| {
                    let tool = set.manifest_tool(t)?;
                    filter
                        .admits_tool(&t.exported, Some(tool))
                        .then(|| ToolEntry {
                            set,
                            name: &t.exported,
                            tool,
                            disabled: disabled
                                .and_then(|d| d.get(&t.exported))
                                .map(String::as_str),
                            rendered: &t.rendered,
                            live: t,
                        })
                })
            })
    }

    /// Declarations for `provider` of the enabled tools `filter` admits, in deterministic order
    /// (shared, nothing re-serialised; a provider the registry did not pre-render is rendered
    /// on this first use and kept).
    pub fn export_raw(&self, provider: Provider, filter: &ToolFilter) -> Vec<Arc<RawValue>> {
        self.enabled_pieces(provider, filter).cloned().collect()
    }

    /// A JSON array of the declarations for `provider` of the enabled tools `filter` admits,
    /// built by concatenating serialised pieces (rendered on first use for a provider the
    /// registry did not pre-render). For Gemini the array is the
    /// `functionDeclarations` list.
    pub fn export(&self, provider: Provider, filter: &ToolFilter) -> Arc<str> {
        if filter.is_all() {
            let slot = Provider::ALL
                .iter()
                .position(|p| *p == provider)
                .and_then(|i| self.all_cache.get(i));
            if let Some(slot) = slot {
                return Arc::clone(slot.get_or_init(|| self.join(provider, filter).into()));
            }
        }
        self.join(provider, filter).into()
    }

    fn join(&self, provider: Provider, filter: &ToolFilter) -> String {
        let pieces: Vec<&Arc<RawValue>> = self.enabled_pieces(provider, filter).collect();
        let len: usize = pieces.iter().map(|p| p.get().len() + 1).sum();
        let mut out = String::with_capacity(len + 2);
        out.push('[');
        for (i, p) in pieces.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(p.get());
        }
        out.push(']');
        out
    }

    fn enabled_pieces<'a>(
        &'a self,
        provider: Provider,
        filter: &'a ToolFilter,
    ) -> impl Iterator<Item = &'a Arc<RawValue>> {
        self.sets
            .values()
            .filter(|s| filter.admits_set(&s.name))
            .flat_map(move |set| {
                let disabled = self.disabled.get(&set.name);
                set.tools.iter().filter_map(move |t| {
                    if disabled.is_some_and(|d| d.contains_key(&t.exported)) {
                        return None;
                    }
                    let tool = set.manifest_tool(t)?;
                    if !filter.admits_tool(&t.exported, Some(tool)) {
                        return None;
                    }
                    set.declaration(t, tool, provider)
                })
            })
    }

    /// Finds the set exporting `tool` and prepares the call on that set's version in this
    /// snapshot. Errors name the tool as the model called it.
    pub fn prepare(&self, tool: &str, args: &Value) -> Result<Routed, CallError> {
        let (set, original) = self.route(tool)?;
        match set.toolset.prepare(original, args) {
            Ok(call) => Ok(Routed {
                set: Arc::clone(set),
                name: tool.to_owned(),
                call,
            }),
            Err(e) => Err(rename(e, tool)),
        }
    }

    /// The set exporting `tool` and the tool's own name there, unless the tool is unknown or
    /// disabled.
    pub fn route(&self, tool: &str) -> Result<(&Arc<LiveSet>, &str), CallError> {
        let unknown = || CallError::UnknownTool {
            tool: tool.to_owned(),
        };
        let (set, i) = self.routes.get(tool).ok_or_else(unknown)?;
        if let Some(reason) = self.disabled.get(&set.name).and_then(|d| d.get(tool)) {
            return Err(CallError::Disabled {
                tool: tool.to_owned(),
                reason: reason.clone(),
            });
        }
        let original = set
            .tools
            .get(*i)
            .and_then(|t| set.manifest_tool(t))
            .ok_or_else(unknown)?;
        Ok((set, original.name.as_str()))
    }
}

/// Puts the exported name in an error the tool set reported under its own name.
fn rename(err: CallError, exported: &str) -> CallError {
    let name = exported.to_owned();
    match err {
        CallError::UnknownTool { .. } => CallError::UnknownTool { tool: name },
        CallError::Disabled { reason, .. } => CallError::Disabled { tool: name, reason },
        CallError::UnparsableArguments { message, .. } => CallError::UnparsableArguments {
            tool: name,
            message,
        },
        CallError::InvalidArguments(mut e) => {
            e.tool = name;
            CallError::InvalidArguments(e)
        }
    }
}
