//! Discovery over MCP: `search_tools` and `call_tool` offered instead of a list too big to send.
//!
//! GitHub's 1,223 tools are ~2 MB of `tools/list` input schemas alone; few clients (or models) cope
//! with that.
//! With [`MetaMode::Always`], or [`MetaMode::Above`] a threshold the offered list exceeds,
//! `tools/list` answers the runtime's two meta-tools
//! ([`MetaTools`](openapi_tools_runtime::discovery::MetaTools)) over the *offered* tools (the
//! same filter, read-only rule and disabled tools as the full list):
//!
//! - `search_tools {query, top_k?, include_schemas?}` answers names, one-line descriptions,
//!   methods, paths and input schemas as JSON (text and `structuredContent`);
//! - `call_tool {name, arguments}` checks the inner call with the tool set's own checker (the
//!   registry's dispatch, exactly as a direct `tools/call`), answers a wrong name with "did you
//!   mean", and sends the call through the same [`CallRunner`](crate::CallRunner).
//!
//! Offered tools stay callable directly by name too (a model that learnt a name from
//! `search_tools` may call it). `notifications/tools/list_changed` still follows the offered
//! tools: a reload that changes them changes what `search_tools` finds.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use openapi_tools_runtime::Manifest;
use openapi_tools_runtime::discovery::{MetaCall, MetaTools};
use openapi_tools_runtime::registry::{LiveSet, Routed, Snapshot, ToolFilter};
use openapi_tools_runtime::render::{Provider, RenderOptions};
use openapi_tools_runtime::toolset::{CallError, PreparedCall, ToolSet};
use rmcp::model::Tool;

use crate::catalog::Catalog;

/// When `tools/list` offers the two meta-tools instead of every tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MetaMode {
    /// Always the full list (the library's default).
    #[default]
    Never,
    /// Always the meta-tools.
    Always,
    /// The meta-tools when more than this many tools are offered (the CLI's default is
    /// [`DEFAULT_META_THRESHOLD`]). Re-decided on every change of the offered tools.
    Above(usize),
}

/// Offered tools above which `openapi-tools serve` switches to the meta-tools by default: a
/// few hundred tool schemas already crowd a model's context (GitHub's first 200 tools are
/// ~290 KB of `tools/list` without output schemas), and OpenAI accepts at most 128 tools per
/// request.
pub const DEFAULT_META_THRESHOLD: usize = 200;

impl MetaMode {
    /// Whether `offered` tools are served through the meta-tools.
    pub fn applies(self, offered: usize) -> bool {
        match self {
            MetaMode::Never => false,
            MetaMode::Always => true,
            MetaMode::Above(n) => offered > n,
        }
    }
}

/// The meta-tools over one catalog's offered tools.
///
/// What `tools/list` answers (`listed`) is rendered without the search index; the index is
/// built on a thread of its own, so the first `tools/list` does not wait for it. The first
/// `search_tools` or `call_tool` waits for it if it is not done yet.
pub(crate) struct Meta {
    /// The offered tools as one tool set (what the index is built over).
    offered: Arc<Offered>,
    /// Search index and checkers, once built.
    tools: OnceLock<MetaTools>,
    /// `search_tools` and `call_tool` as MCP tools (what `tools/list` answers).
    pub listed: Vec<Tool>,
}

impl Meta {
    /// The search index and checkers (built now, or waited for, if they are not ready).
    pub fn tools(&self) -> &MetaTools {
        self.tools.get_or_init(|| {
            let offered: Arc<dyn ToolSet> = self.offered.clone();
            MetaTools::new(offered)
        })
    }
}

impl std::fmt::Debug for Meta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Meta")
            .field("tools", &self.tools.get())
            .finish_non_exhaustive()
    }
}

/// Where the offered tools' manifest comes from.
enum Source {
    /// The whole of one set without namespace: its own manifest, shared (no copy).
    Set(Arc<dyn ToolSet>),
    /// A subset or several sets: the offered tools under their exported names.
    Owned(Manifest),
}

/// The offered tools as one [`ToolSet`], for [`MetaTools`]: the manifest to index, and a
/// `prepare` that goes through the registry snapshot of the `tools/call` being handled.
struct Offered {
    source: Source,
}

impl ToolSet for Offered {
    fn manifest(&self) -> &Manifest {
        match &self.source {
            Source::Set(set) => set.manifest(),
            Source::Owned(m) => m,
        }
    }

    fn prepare(&self, tool: &str, args: &serde_json::Value) -> Result<PreparedCall, CallError> {
        let unknown = || CallError::UnknownTool {
            tool: tool.to_owned(),
        };
        SCOPE
            .try_with(|scope| {
                if !scope.contains(tool) {
                    return Err(unknown());
                }
                let routed = scope.snapshot.prepare(tool, args)?;
                *scope.set.borrow_mut() = Some(routed.set);
                Ok(routed.call)
            })
            .unwrap_or_else(|_| Err(unknown()))
    }
}

/// What a `call_tool` is handled against: the request's snapshot and catalog (the tools it may
/// reach), and, filled by [`Offered::prepare`], the set version the call was prepared on.
struct CallScope {
    snapshot: Arc<Snapshot>,
    catalog: Arc<Catalog>,
    set: RefCell<Option<Arc<LiveSet>>>,
}

impl CallScope {
    fn contains(&self, tool: &str) -> bool {
        self.catalog.offers(tool)
    }
}

tokio::task_local! {
    /// Set for the duration of one synchronous meta-tool call (see [`handle`]).
    static SCOPE: CallScope;
}

/// What a meta-tool call produced, for [`crate::calls`].
pub(crate) enum Handled {
    /// `search_tools`' answer.
    Search(serde_json::Value),
    /// `call_tool`'s inner call, prepared on `set` (of the request's snapshot) and ready to
    /// send like a direct call.
    Call(Routed),
    /// Bad arguments, an unknown inner tool (with "did you mean"), a disabled one.
    Refused(CallError),
}

/// Runs meta-tool `tool` of `catalog` (taken from `snapshot`) with `args`.
pub(crate) fn handle(
    meta: &Meta,
    snapshot: Arc<Snapshot>,
    catalog: Arc<Catalog>,
    tool: &str,
    args: &serde_json::Value,
) -> Handled {
    let scope = CallScope {
        snapshot,
        catalog,
        set: RefCell::new(None),
    };
    let (result, set) = SCOPE.sync_scope(scope, || {
        let result = meta.tools().handle(tool, args);
        (result, SCOPE.with(|s| s.set.take()))
    });
    match result {
        Ok(MetaCall::Search(found)) => Handled::Search(found),
        Ok(MetaCall::Call(call)) => {
            let name = args
                .get("name")
                .and_then(serde_json::Value::as_str)
                .unwrap_or_default()
                .to_owned();
            match set {
                Some(set) => Handled::Call(Routed { set, name, call }),
                // Unreachable in practice: `Offered::prepare` records the set on success.
                None => Handled::Refused(CallError::UnknownTool { tool: name }),
            }
        }
        Err(e) => Handled::Refused(e),
    }
}

/// The meta-tools over `offered` (the catalog's tool names, from `snapshot`), or `None`
/// when they cannot be rendered as MCP tools (logged; the full list is served then). Their
/// search index is started on a thread of its own.
pub(crate) fn build(snapshot: &Snapshot, offered: &[&str]) -> Option<Meta> {
    let source = whole_set(snapshot, offered).map_or_else(
        || Source::Owned(offered_manifest(snapshot, offered)),
        Source::Set,
    );
    let offered = Arc::new(Offered { source });
    let mut listed = Vec::with_capacity(2);
    let declared = MetaTools::render_declarations(
        offered.manifest(),
        Provider::Mcp,
        &RenderOptions::default(),
    );
    for value in declared {
        match serde_json::from_value::<Tool>(value) {
            Ok(t) => listed.push(t),
            Err(e) => {
                tracing::error!(
                    "the meta-tools do not render as MCP tools ({e}); listing every tool"
                );
                return None;
            }
        }
    }
    Some(Meta {
        offered,
        tools: OnceLock::new(),
        listed,
    })
}

/// Builds `meta`'s search index on a thread of its own (inline when no thread can start).
pub(crate) fn index_in_background(meta: &Arc<Meta>) {
    let meta = Arc::clone(meta);
    let spawned = std::thread::Builder::new()
        .name("openapi-tools-mcp-index".into())
        .spawn({
            let meta = Arc::clone(&meta);
            move || {
                meta.tools();
            }
        });
    if spawned.is_err() {
        meta.tools();
    }
}

/// The one set whose every tool is offered, under its own name, if that is the case.
fn whole_set(snapshot: &Snapshot, offered: &[&str]) -> Option<Arc<dyn ToolSet>> {
    snapshot
        .sets()
        .find(|s| s.namespace().is_none() && s.tool_names().eq(offered.iter().copied()))
        .map(|s| Arc::clone(s.toolset()))
}

/// A manifest of the offered tools under their exported names (titles and servers from the
/// first set; servers and credentials do not matter here, calls go through the registry).
fn offered_manifest(snapshot: &Snapshot, offered: &[&str]) -> Manifest {
    let filter = ToolFilter::default();
    let wanted: HashSet<&str> = offered.iter().copied().collect();
    let mut titles = Vec::new();
    for set in snapshot.sets() {
        let title = set.toolset().manifest().title.trim();
        if !title.is_empty() && set.tool_names().any(|n| wanted.contains(n)) {
            titles.push(title.to_owned());
        }
    }
    let tools = snapshot
        .tools(&filter)
        .filter(|e| wanted.contains(e.name))
        .map(|e| {
            let mut tool = e.tool.clone();
            tool.name = e.name.to_owned();
            tool
        })
        .collect();
    Manifest {
        title: titles.join(", "),
        version: String::new(),
        openapi: String::new(),
        source_hash: String::new(),
        namespace: None,
        servers: Vec::new(),
        server_variables: Default::default(),
        security_schemes: Default::default(),
        tools,
    }
}
