//! The offered tools: what `tools/list` pages through and what `tools/call` may reach.
//!
//! A [`Catalog`] is built from one registry snapshot: the enabled tools the server's
//! [`Offer`] admits, as rmcp [`Tool`]s parsed from the registry's pre-rendered MCP declarations
//! when first needed. Catalogs are cached per snapshot generation, and a rebuild keeps what was
//! parsed of the declarations that did not change (an unchanged tool keeps the same
//! pre-rendered allocation across installs).
//!
//! The catalog's `epoch` counts changes of the *offered* list. It moves only when the list a
//! client would see differs (a tool added, removed, re-described, disabled or enabled), not on
//! every registry change: a rejected reload, a change to another set outside the filter, or a
//! re-install of identical content leave it alone. `notifications/tools/list_changed` and
//! cursor staleness both follow the epoch.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use openapi_tools_runtime::registry::{Snapshot, ToolFilter};
use openapi_tools_runtime::render::Provider;
use openapi_tools_runtime::validate::Validator;
use rmcp::model::Tool;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::discovery::{self, Meta, MetaMode};
use crate::own::OwnTools;

/// Which registry tools the server offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offer {
    /// Sets, tags and names to offer (empty lists do not restrict).
    pub filter: ToolFilter,
    /// Offer only tools whose HTTP method is safe (GET, HEAD, OPTIONS, TRACE).
    pub read_only: bool,
}

/// The offered tools of one snapshot.
///
/// Nothing is parsed up front: an offered tool is its name and its pre-rendered MCP
/// declaration (shared with the registry), and becomes an rmcp [`Tool`] the first time a
/// `tools/list` page or a lookup needs it. With the meta-tools offered, no declaration is ever
/// parsed, and the search index is built on a thread of its own (see [`Meta`]).
#[derive(Debug)]
pub(crate) struct Catalog {
    /// The snapshot generation this catalog was built from.
    pub generation: u64,
    /// Counts changes of the offered list (see the module docs).
    pub epoch: u64,
    /// Where the offered tools live (their manifests: output schemas).
    snapshot: Arc<Snapshot>,
    /// The offered tools, in registry order.
    tools: Vec<Offered>,
    /// Exported name -> position in `tools`.
    index: HashMap<String, usize>,
    /// The meta-tools, when `tools/list` offers them instead of `tools`.
    pub meta: Option<Arc<Meta>>,
}

/// One offered tool.
#[derive(Debug, Clone)]
struct Offered {
    name: String,
    /// Its pre-rendered MCP declaration (the registry's allocation).
    piece: Arc<RawValue>,
    /// The declaration parsed, with the `outputSchema` of the manifest, on first use (`None`
    /// when it does not parse: logged, not listed); shared with the next catalog while the tool
    /// is unchanged.
    parsed: Arc<OnceLock<Option<Tool>>>,
    /// Its `outputSchema` compiled for checking answers, on the first call that needs it;
    /// shared like `parsed`.
    output: OutputCheck,
}

impl Catalog {
    /// Whether the registry tool `name` is offered.
    pub fn offers(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// The offered tool named `name`.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        let &i = self.index.get(name)?;
        self.tool(i)
    }

    /// The offered tool at position `i`, parsed now if it was not yet.
    fn tool(&self, i: usize) -> Option<&Tool> {
        let offered = self.tools.get(i)?;
        offered
            .parsed
            .get_or_init(|| parse(&self.snapshot, offered))
            .as_ref()
    }

    /// What `tools/list` answers, in order: the meta-tools when they are offered, else every
    /// tool (parsed as they are reached).
    pub fn listed(&self) -> Box<dyn Iterator<Item = &Tool> + '_> {
        match &self.meta {
            Some(meta) => Box::new(meta.listed.iter()),
            None => Box::new((0..self.tools.len()).filter_map(|i| self.tool(i))),
        }
    }

    /// How many tools `tools/list` answers at most (see [`Catalog::listed`]).
    pub fn listed_len(&self) -> usize {
        self.meta
            .as_ref()
            .map_or(self.tools.len(), |m| m.listed.len())
    }

    /// The checker of the offered tool `name`'s declared `outputSchema` (compiled on first
    /// use), or `None` when it declares none: a structured answer must conform to it.
    pub fn output_check(&self, name: &str) -> Option<Arc<Validator>> {
        let &i = self.index.get(name)?;
        let slot = &self.tools.get(i)?.output;
        if let Some(check) = slot.get() {
            return Some(Arc::clone(check));
        }
        let entry = self.snapshot.entry(name)?;
        let schema = entry.tool.output_schema.as_ref()?;
        Some(Arc::clone(
            slot.get_or_init(|| Arc::new(Validator::for_answers(schema))),
        ))
    }
}

/// A tool's compiled output schema, once needed.
type OutputCheck = Arc<OnceLock<Arc<Validator>>>;

/// Problems building a catalog: a pre-rendered declaration that is not a valid MCP tool.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("tool `{tool}`: its MCP declaration is not a valid MCP tool: {message}")]
pub struct CatalogError {
    /// The exported tool name.
    pub tool: String,
    /// The parser's message.
    pub message: String,
}

/// `offered`'s declaration as an rmcp tool, with the manifest's `outputSchema`; `None`
/// (logged) when it does not parse.
fn parse(snapshot: &Snapshot, offered: &Offered) -> Option<Tool> {
    match serde_json::from_str::<Tool>(offered.piece.get()) {
        Ok(mut tool) => {
            tool.output_schema = snapshot
                .entry(&offered.name)
                .and_then(|e| e.tool.output_schema.as_ref())
                .and_then(Value::as_object)
                .map(|o| Arc::new(o.clone()));
            Some(tool)
        }
        Err(err) => {
            let err = CatalogError {
                tool: offered.name.clone(),
                message: err.to_string(),
            };
            tracing::error!("{err}; not offered");
            None
        }
    }
}

/// Catalogs cached by snapshot generation.
#[derive(Debug, Default)]
pub(crate) struct CatalogCache {
    current: Mutex<Option<Arc<Catalog>>>,
}

impl CatalogCache {
    /// The catalog of `snapshot`, built (reusing unchanged tools) when the cached one is for
    /// another generation.
    pub fn get(&self, snapshot: &Arc<Snapshot>, offer: &Offer, mode: MetaMode) -> Arc<Catalog> {
        let mut slot = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(c) = slot.as_ref()
            && c.generation == snapshot.generation()
        {
            return Arc::clone(c);
        }
        let next = Arc::new(build(snapshot, offer, mode, slot.as_deref()));
        *slot = Some(Arc::clone(&next));
        next
    }
}

/// Whether the tool `name`, offered now as `piece`, is what `previous` offered under that name
/// at position `i`: the same declaration (by pointer, else by text) and the same output schema.
fn unchanged(
    snapshot: &Snapshot,
    name: &str,
    piece: &Arc<RawValue>,
    previous: &Catalog,
    i: usize,
) -> bool {
    let Some(old) = previous.tools.get(i) else {
        return false;
    };
    old.name == name
        && (Arc::ptr_eq(&old.piece, piece) || old.piece.get() == piece.get())
        && match (
            output_schema(&previous.snapshot, name),
            output_schema(snapshot, name),
        ) {
            (Some(a), Some(b)) => std::ptr::eq(a, b) || a == b,
            (a, b) => a.is_none() && b.is_none(),
        }
}

fn output_schema<'a>(snapshot: &'a Snapshot, name: &str) -> Option<&'a Value> {
    snapshot.entry(name)?.tool.output_schema.as_ref()
}

fn build(
    snapshot: &Arc<Snapshot>,
    offer: &Offer,
    mode: MetaMode,
    previous: Option<&Catalog>,
) -> Catalog {
    let offered: Vec<(&str, &Arc<RawValue>)> = snapshot
        .tools(&offer.filter)
        .filter(|e| e.disabled.is_none())
        .filter(|e| !offer.read_only || e.tool.method.is_read_only())
        .filter_map(|e| Some((e.name, e.declaration(Provider::Mcp)?)))
        .collect();
    let generation = snapshot.generation();
    if let Some(prev) = previous
        && prev.tools.len() == offered.len()
        && offered
            .iter()
            .enumerate()
            .all(|(i, (name, piece))| unchanged(snapshot, name, piece, prev, i))
    {
        return Catalog {
            generation,
            epoch: prev.epoch,
            snapshot: Arc::clone(snapshot),
            tools: prev.tools.clone(),
            index: prev.index.clone(),
            meta: prev.meta.clone(),
        };
    }
    let epoch = previous.map_or(0, |p| p.epoch + 1);
    // Unchanged tools keep their parsed declaration and compiled output check.
    let kept: HashMap<&str, usize> = previous
        .map(|p| {
            p.tools
                .iter()
                .enumerate()
                .map(|(i, t)| (t.name.as_str(), i))
                .collect()
        })
        .unwrap_or_default();
    let mut tools = Vec::with_capacity(offered.len());
    let mut index = HashMap::with_capacity(offered.len());
    for (name, piece) in &offered {
        let reused = previous.zip(kept.get(name)).and_then(|(prev, &i)| {
            unchanged(snapshot, name, piece, prev, i).then(|| prev.tools.get(i).cloned())?
        });
        index.insert((*name).to_owned(), tools.len());
        tools.push(reused.unwrap_or_else(|| Offered {
            name: (*name).to_owned(),
            piece: Arc::clone(piece),
            parsed: Arc::default(),
            output: OutputCheck::default(),
        }));
    }
    let names: Vec<&str> = offered.iter().map(|(name, _)| *name).collect();
    let meta = mode
        .applies(names.len())
        .then(|| discovery::build(snapshot, &names))
        .flatten()
        .map(Arc::new);
    if let Some(meta) = &meta {
        discovery::index_in_background(meta);
    }
    Catalog {
        generation,
        epoch,
        snapshot: Arc::clone(snapshot),
        tools,
        index,
        meta,
    }
}

/// A page of what `tools/list` answers: the application's `own` tools, then the catalog's
/// listed tools that no own tool hides; from `offset`, at most `size`, and the cursor of the
/// next page when there is one.
pub(crate) fn page(
    catalog: &Catalog,
    own: &OwnTools,
    offset: usize,
    size: usize,
) -> (Vec<Tool>, Option<String>) {
    let size = size.max(1);
    let mut all = own.listed().iter().chain(
        catalog
            .listed()
            .filter(|t| own.len() == 0 || !own.contains(&t.name)),
    );
    let tools: Vec<Tool> = all.by_ref().skip(offset).take(size).cloned().collect();
    let next = all.next().is_some().then_some(Cursor {
        epoch: catalog.epoch,
        offset: offset.saturating_add(tools.len()),
    });
    (tools, next.map(|c| c.encode()))
}

/// A `tools/list` cursor: which offered list it pages through, and where the next page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cursor {
    pub epoch: u64,
    pub offset: usize,
}

/// Why a cursor was refused (a JSON-RPC invalid-params error for the client).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum CursorError {
    #[error("invalid cursor `{0}`: pass back the nextCursor of a tools/list answer unchanged")]
    Malformed(String),
    #[error(
        "stale cursor: the tool list changed since the first page (notifications/tools/list_changed); list again without a cursor"
    )]
    Stale,
}

impl Cursor {
    /// `e{epoch}.{offset}`: opaque to clients, short, and checkable.
    fn encode(self) -> String {
        format!("e{}.{}", self.epoch, self.offset)
    }

    /// Reads a cursor and checks it belongs to the list of `catalog` (after the `own` tools).
    pub fn decode(text: &str, catalog: &Catalog, own: &OwnTools) -> Result<Cursor, CursorError> {
        let malformed = || CursorError::Malformed(text.chars().take(64).collect());
        let (epoch, offset) = text
            .strip_prefix('e')
            .and_then(|rest| rest.split_once('.'))
            .ok_or_else(malformed)?;
        let cursor = Cursor {
            epoch: epoch.parse().map_err(|_| malformed())?,
            offset: offset.parse().map_err(|_| malformed())?,
        };
        if cursor.epoch != catalog.epoch {
            return Err(CursorError::Stale);
        }
        if cursor.offset > own.len().saturating_add(catalog.listed_len()) {
            return Err(malformed());
        }
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests;
