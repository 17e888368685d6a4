//! The offered tools: what `tools/list` pages through and what `tools/call` may reach.
//!
//! A [`Catalog`] is built from one registry snapshot: the enabled tools the server's
//! [`Offer`] admits, as rmcp [`Tool`]s parsed from the registry's pre-rendered MCP declarations.
//! Catalogs are cached per snapshot generation, and a rebuild re-parses only the declarations
//! that changed (an unchanged tool keeps the same pre-rendered allocation across installs).
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
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::discovery::{self, Meta, MetaMode};

/// Which registry tools the server offers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offer {
    /// Sets, tags and names to offer (empty lists do not restrict).
    pub filter: ToolFilter,
    /// Offer only tools whose HTTP method is safe (GET, HEAD, OPTIONS, TRACE).
    pub read_only: bool,
}

/// The offered tools of one snapshot.
#[derive(Debug)]
pub(crate) struct Catalog {
    /// The snapshot generation this catalog was built from.
    pub generation: u64,
    /// Counts changes of the offered list (see the module docs).
    pub epoch: u64,
    /// The declarations, in registry order.
    pub tools: Vec<Tool>,
    /// The pre-rendered piece each tool was parsed from (same order): compared by pointer, then
    /// by text (and the output schemas by value), to tell whether the next snapshot offers the
    /// same list.
    pieces: Vec<Arc<RawValue>>,
    /// Exported name -> position in `tools`.
    index: HashMap<String, usize>,
    /// Per tool (same order), its `outputSchema` compiled for checking answers, on the first
    /// call that needs it; carried over to the next catalog while the tool is unchanged.
    outputs: Vec<OutputCheck>,
    /// The meta-tools, when `tools/list` offers them instead of `tools`.
    pub meta: Option<Arc<Meta>>,
}

impl Catalog {
    /// The offered tool named `name`.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        self.index.get(name).and_then(|&i| self.tools.get(i))
    }

    /// What `tools/list` answers: the meta-tools when they are offered, else every tool.
    pub fn listed(&self) -> &[Tool] {
        self.meta.as_ref().map_or(&self.tools, |m| &m.listed)
    }

    /// The checker of the offered tool `name`'s declared `outputSchema` (compiled on first
    /// use), or `None` when it declares none: a structured answer must conform to it.
    pub fn output_check(&self, name: &str) -> Option<Arc<Validator>> {
        let &i = self.index.get(name)?;
        let schema = self.tools.get(i)?.output_schema.as_ref()?;
        let slot = self.outputs.get(i)?;
        Some(Arc::clone(slot.get_or_init(|| {
            Arc::new(Validator::for_answers(&Value::Object((**schema).clone())))
        })))
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

/// Catalogs cached by snapshot generation.
#[derive(Debug, Default)]
pub(crate) struct CatalogCache {
    current: Mutex<Option<Arc<Catalog>>>,
}

impl CatalogCache {
    /// The catalog of `snapshot`, built (reusing unchanged tools) when the cached one is for
    /// another generation. A tool whose declaration cannot be parsed is left out and logged,
    /// the rest are offered.
    pub fn get(&self, snapshot: &Snapshot, offer: &Offer, mode: MetaMode) -> Arc<Catalog> {
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

/// One offered tool as the snapshot has it.
struct Entry<'a> {
    name: &'a str,
    piece: &'a Arc<RawValue>,
    output: Option<&'a Map<String, Value>>,
}

impl Entry<'_> {
    /// Whether `tool` (parsed from `piece`) is what this entry offers.
    fn same(&self, piece: &Arc<RawValue>, tool: &Tool) -> bool {
        (Arc::ptr_eq(piece, self.piece) || piece.get() == self.piece.get())
            && tool.output_schema.as_deref() == self.output
    }
}

fn build(
    snapshot: &Snapshot,
    offer: &Offer,
    mode: MetaMode,
    previous: Option<&Catalog>,
) -> Catalog {
    let offered: Vec<Entry<'_>> = snapshot
        .tools(&offer.filter)
        .filter(|e| e.disabled.is_none())
        .filter(|e| !offer.read_only || e.tool.method.is_read_only())
        .filter_map(|e| {
            Some(Entry {
                name: e.name,
                piece: e.declaration(Provider::Mcp)?,
                output: e.tool.output_schema.as_ref().and_then(Value::as_object),
            })
        })
        .collect();
    if let Some(prev) = previous
        && prev.pieces.len() == offered.len()
        && prev
            .pieces
            .iter()
            .zip(&prev.tools)
            .zip(&offered)
            .all(|((piece, tool), e)| e.same(piece, tool))
    {
        return Catalog {
            generation: snapshot.generation(),
            epoch: prev.epoch,
            tools: prev.tools.clone(),
            pieces: prev.pieces.clone(),
            index: prev.index.clone(),
            outputs: prev.outputs.clone(),
            meta: prev.meta.clone(),
        };
    }
    let epoch = previous.map_or(0, |p| p.epoch + 1);
    let generation = snapshot.generation();
    if !mode.applies(offered.len()) {
        return parse(offered, previous).into_catalog(generation, epoch, None);
    }
    // The search index and the parsing of the declarations are independent: on two cores the
    // meta-tools add no start time.
    let names: Vec<&str> = offered.iter().map(|e| e.name).collect();
    let (parsed, meta) = std::thread::scope(|scope| {
        let index = std::thread::Builder::new()
            .name("openapi-tools-mcp-index".into())
            .spawn_scoped(scope, || discovery::build(snapshot, &names));
        let parsed = parse(offered, previous);
        let meta = match index {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => discovery::build(snapshot, &names),
        };
        (parsed, meta)
    });
    // A declaration that did not parse is not offered, so the index must not know it either.
    let meta = if parsed.tools.len() == names.len() {
        meta
    } else {
        let names: Vec<&str> = parsed.tools.iter().map(|t| t.name.as_ref()).collect();
        mode.applies(names.len())
            .then(|| discovery::build(snapshot, &names))
            .flatten()
    };
    parsed.into_catalog(generation, epoch, meta.map(Arc::new))
}

/// The offered tools parsed into MCP tools: what a [`Catalog`] lists, minus the meta-tools.
struct Parsed {
    tools: Vec<Tool>,
    pieces: Vec<Arc<RawValue>>,
    index: HashMap<String, usize>,
    outputs: Vec<OutputCheck>,
}

impl Parsed {
    fn into_catalog(self, generation: u64, epoch: u64, meta: Option<Arc<Meta>>) -> Catalog {
        Catalog {
            generation,
            epoch,
            tools: self.tools,
            pieces: self.pieces,
            index: self.index,
            outputs: self.outputs,
            meta,
        }
    }
}

/// Parses the `offered` declarations; those whose piece and output schema did not change since
/// `previous` are cloned, not re-parsed. A declaration that does not parse is left out and
/// logged.
fn parse(offered: Vec<Entry<'_>>, previous: Option<&Catalog>) -> Parsed {
    type Kept<'p> = (&'p Arc<RawValue>, &'p Tool, &'p OutputCheck);
    let reuse: HashMap<*const RawValue, Kept<'_>> = previous
        .map(|p| {
            p.pieces
                .iter()
                .zip(&p.tools)
                .zip(&p.outputs)
                .map(|((raw, tool), check)| (Arc::as_ptr(raw), (raw, tool, check)))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Parsed {
        tools: Vec::with_capacity(offered.len()),
        pieces: Vec::with_capacity(offered.len()),
        index: HashMap::with_capacity(offered.len()),
        outputs: Vec::with_capacity(offered.len()),
    };
    for e in offered {
        let kept = reuse
            .get(&Arc::as_ptr(e.piece))
            .filter(|(raw, tool, _)| e.same(raw, tool));
        let (tool, check) = match kept {
            Some((_, t, check)) => ((*t).clone(), Arc::clone(check)),
            None => match serde_json::from_str::<Tool>(e.piece.get()) {
                Ok(mut t) => {
                    t.output_schema = e.output.map(|o| Arc::new(o.clone()));
                    (t, OutputCheck::default())
                }
                Err(err) => {
                    let err = CatalogError {
                        tool: e.name.to_owned(),
                        message: err.to_string(),
                    };
                    tracing::error!("{err}; not offered");
                    continue;
                }
            },
        };
        out.index.insert(e.name.to_owned(), out.tools.len());
        out.tools.push(tool);
        out.pieces.push(Arc::clone(e.piece));
        out.outputs.push(check);
    }
    out
}

/// A page of the catalog: the tools from `offset`, at most `size`, and the cursor of the next
/// page when there is one.
pub(crate) fn page(catalog: &Catalog, offset: usize, size: usize) -> (Vec<Tool>, Option<String>) {
    let size = size.max(1);
    let listed = catalog.listed();
    let end = offset.saturating_add(size).min(listed.len());
    let tools = listed
        .get(offset..end)
        .map(<[Tool]>::to_vec)
        .unwrap_or_default();
    let next = (end < listed.len()).then_some(Cursor {
        epoch: catalog.epoch,
        offset: end,
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

    /// Reads a cursor and checks it belongs to `catalog`'s list.
    pub fn decode(text: &str, catalog: &Catalog) -> Result<Cursor, CursorError> {
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
        if cursor.offset > catalog.listed().len() {
            return Err(malformed());
        }
        Ok(cursor)
    }
}

#[cfg(test)]
mod tests;
