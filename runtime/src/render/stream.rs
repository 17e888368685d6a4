//! Rendering straight into a writer, one tool at a time.
//!
//! A big document's rendered tool set is far larger than the document (every tool carries the
//! `$defs` it reaches: Microsoft Graph's is gigabytes), so building it as one [`Value`] and then
//! one string costs several times its size in memory. These functions write the same bytes as
//! `serde_json::to_string_pretty` of [`super::render_set`] / [`super::render_providers`] would,
//! while holding only one rendered tool at a time (and, for [`write_providers`], up to
//! `SPILL_LIMIT` bytes each of text written twice: the OpenAI Responses tools rendered beside
//! the Chat ones, and the Anthropic input schemas that the MCP array repeats; and as much of
//! the Gemini array, rendered ahead on a second core).

use std::io::{self, Write};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use super::anthropic::StrictBudget;
use super::canonical::{Canonical, Schema};
use super::pretty::{write_indent, write_nested};
use super::strict::DefCache;
use super::wire::{Field, Wire};
use super::{Provider, RenderOptions, SetCache, ToolDef, openai, render_lowered, with_lowered};

/// Writes `[tool, ...]` for one provider, pretty-printed (two-space indent, no trailing
/// newline): byte for byte `serde_json::to_string_pretty(&Value::Array(render_set(..)))`.
///
/// ```
/// use openapi_tools_runtime::render::{Provider, RenderOptions, ToolDef, render_set, write_set};
/// let schema = serde_json::json!({"type": "object", "properties": {}});
/// let tools = [ToolDef { name: "ping", title: None, description: "Ping.", input_schema: &schema,
///     method: None, deprecated: false }];
/// let mut out = Vec::new();
/// write_set(Provider::Mcp, &tools, &RenderOptions::default(), &mut out).unwrap();
/// let whole = serde_json::Value::Array(render_set(Provider::Mcp, &tools, &Default::default()));
/// assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string_pretty(&whole).unwrap());
/// ```
pub fn write_set<W: Write>(
    provider: Provider,
    tools: &[ToolDef],
    opts: &RenderOptions,
    out: &mut W,
) -> io::Result<()> {
    write_array(provider, tools, opts, 1, Reuse::None, Ahead::default(), out)
}

/// Writes `{"openai_chat": [...], ..., "mcp": [...]}` pretty-printed (no trailing newline): byte
/// for byte `serde_json::to_string_pretty(&Value::Object(render_providers(..)))`.
pub fn write_providers<W: Write>(
    tools: &[ToolDef],
    opts: &RenderOptions,
    out: &mut W,
) -> io::Result<()> {
    write_providers_spilling(tools, opts, SPILL_LIMIT, out)
}

fn write_providers_spilling<W: Write>(
    tools: &[ToolDef],
    opts: &RenderOptions,
    spill_limit: usize,
    out: &mut W,
) -> io::Result<()> {
    out.write_all(b"{\n")?;
    // The two OpenAI shapes share one lowering: the Responses tools are written aside while the
    // Chat ones are rendered (up to SPILL_LIMIT bytes; past it the rest is lowered again).
    let mut spill = Spill {
        limit: spill_limit,
        ..Spill::default()
    };
    // One cache of lowered definitions for both OpenAI shapes.
    let mut defs = DefCache::default();
    // Anthropic's non-strict input schemas, written again as MCP's (up to SPILL_LIMIT bytes).
    let mut canonicals = Canonicals {
        limit: spill_limit,
        ..Canonicals::default()
    };
    // Gemini's declarations (a fifth of the work, sharing nothing with the other providers) are
    // rendered on a second core while this thread writes the others, up to SPILL_LIMIT bytes;
    // whatever does not fit is rendered here in its turn.
    let second_core = std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    // Set when writing fails, so the second thread stops instead of rendering on for nothing.
    let failed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let mut gemini = second_core.then(|| {
            scope.spawn(|| render_ahead(Provider::Gemini, tools, opts, spill_limit, &failed))
        });
        let mut write_each = || -> io::Result<()> {
            for (i, p) in Provider::ALL.into_iter().enumerate() {
                if i > 0 {
                    out.write_all(b",\n")?;
                }
                out.write_all(b"  ")?;
                serde_json::to_writer(&mut *out, p.key())?;
                out.write_all(b": ")?;
                match p {
                    Provider::OpenAiChat => write_openai(tools, &mut spill, &mut defs, out)?,
                    Provider::OpenAiResponses => write_responses(tools, &spill, &mut defs, out)?,
                    Provider::Anthropic => {
                        let reuse = Reuse::Record(&mut canonicals);
                        write_array(p, tools, opts, 2, reuse, Ahead::default(), out)?;
                    }
                    Provider::Mcp => {
                        let reuse = Reuse::Replay(&canonicals);
                        write_array(p, tools, opts, 2, reuse, Ahead::default(), out)?;
                    }
                    Provider::Gemini => {
                        let ahead = match gemini.take().map(|h| h.join()) {
                            Some(Ok(ahead)) => ahead?,
                            Some(Err(panic)) => std::panic::resume_unwind(panic),
                            None => Ahead::default(),
                        };
                        write_array(p, tools, opts, 2, Reuse::None, ahead, out)?;
                    }
                }
            }
            out.write_all(b"\n}")
        };
        let written = write_each();
        if written.is_err() {
            failed.store(true, Ordering::Relaxed);
        }
        written
    })
}

/// The first elements of a provider's array, rendered ahead of their turn (on another
/// thread): their text, as [`write_array`] writes it at nesting level 2 (one piece per tool, so
/// the text is never copied into a bigger buffer as it grows), and how many tools it holds.
#[derive(Default)]
struct Ahead {
    pieces: Vec<Vec<u8>>,
    cache: SetCache,
}

/// Renders `provider`'s elements for `tools` in order until their text reaches `limit` bytes
/// (or `failed` is set).
fn render_ahead(
    provider: Provider,
    tools: &[ToolDef],
    opts: &RenderOptions,
    limit: usize,
    failed: &AtomicBool,
) -> io::Result<Ahead> {
    let mut a = Ahead::default();
    let (mut len, mut piece) = (0, Vec::new());
    for (i, tool) in tools.iter().enumerate() {
        if len >= limit || failed.load(Ordering::Relaxed) {
            break;
        }
        if i > 0 {
            piece.extend_from_slice(b",\n");
        }
        with_lowered(tool, |tool, _| {
            let r = render_lowered(provider, tool, opts, &mut a.cache);
            write_element(&r.tool, 2, &mut piece)
        })?;
        len += piece.len();
        // A copy of exactly its length; `piece` keeps its capacity for the next tool.
        a.pieces.push(piece.clone());
        piece.clear();
    }
    Ok(a)
}

/// Most bytes of OpenAI Responses tools kept aside while the Chat tools are written.
const SPILL_LIMIT: usize = 256 << 20;

/// OpenAI Responses tools already rendered (as the text of their array elements).
#[derive(Default)]
struct Spill {
    text: Vec<u8>,
    /// How many tools `text` holds (a prefix of the set).
    tools: usize,
    /// No more tools are kept once `text` is this long.
    limit: usize,
}

/// The Chat array; the Responses form of each tool goes to `spill` while it has room. Both
/// forms borrow one lowering of the tool's parameters.
fn write_openai<W: Write>(
    tools: &[ToolDef],
    spill: &mut Spill,
    defs: &mut DefCache,
    out: &mut W,
) -> io::Result<()> {
    if tools.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[\n")?;
    for (i, tool) in tools.iter().enumerate() {
        // Root alternatives are lowered first, as `render_providers` does.
        with_lowered(tool, |tool, _| -> io::Result<()> {
            let p = openai::parameters(tool.input_schema, defs);
            if spill.tools == i && spill.text.len() < spill.limit {
                if i > 0 {
                    spill.text.extend_from_slice(b",\n");
                }
                let r = openai::responses(tool, Field::SchemaRef(&p.schema), p.strict);
                write_element(&r, 2, &mut spill.text)?;
                spill.tools += 1;
            }
            if i > 0 {
                out.write_all(b",\n")?;
            }
            let c = openai::chat(tool, Field::SchemaRef(&p.schema), p.strict);
            write_element(&c, 2, out)
        })?;
    }
    out.write_all(b"\n  ]")
}

/// The Responses array: the spilled tools, then the rest rendered again.
fn write_responses<W: Write>(
    tools: &[ToolDef],
    spill: &Spill,
    defs: &mut DefCache,
    out: &mut W,
) -> io::Result<()> {
    if tools.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[\n")?;
    out.write_all(&spill.text)?;
    for (i, tool) in tools.iter().enumerate().skip(spill.tools) {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        with_lowered(tool, |tool, _| {
            let p = openai::parameters(tool.input_schema, defs);
            let r = openai::responses(tool, Field::SchemaRef(&p.schema), p.strict);
            write_element(&r, 2, out)
        })?;
    }
    out.write_all(b"\n  ]")
}

/// Canonical input schemas as written into the Anthropic array, kept for the MCP array: both
/// send the (root-lowered) canonical schema at the same nesting level, so its text is the same,
/// and serialising it (keys reordered node by node) was a tenth of writing a big document.
#[derive(Default)]
struct Canonicals {
    text: Vec<u8>,
    /// Per tool, for a prefix of the set: where its schema's text is in `text` (`None` when
    /// its Anthropic schema was not the canonical one).
    spans: Vec<Option<Range<usize>>>,
    /// No more schemas are kept once `text` is this long.
    limit: usize,
}

/// What [`write_array`] does with the canonical schemas of the tools it writes.
enum Reuse<'c> {
    /// Nothing.
    None,
    /// Keeps them (the Anthropic array of a multi-provider document).
    Record(&'c mut Canonicals),
    /// Writes the kept text instead of serialising them again (the MCP array).
    Replay(&'c Canonicals),
}

/// One pretty-printed array of rendered tools whose `[` sits at nesting `level`.
fn write_array<W: Write>(
    provider: Provider,
    tools: &[ToolDef],
    opts: &RenderOptions,
    level: usize,
    mut reuse: Reuse<'_>,
    ahead: Ahead,
    out: &mut W,
) -> io::Result<()> {
    if tools.is_empty() {
        return out.write_all(b"[]");
    }
    let strict_budget = provider == Provider::Anthropic && opts.anthropic_strict;
    let mut budget = StrictBudget::default();
    let mut cache = ahead.cache;
    out.write_all(b"[\n")?;
    for piece in &ahead.pieces {
        out.write_all(piece)?;
    }
    for (i, tool) in tools.iter().enumerate().skip(ahead.pieces.len()) {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        with_lowered(tool, |tool, _| {
            let mut r = render_lowered(provider, tool, opts, &mut cache);
            if strict_budget {
                budget.apply(tool, &mut r);
            }
            match &mut reuse {
                Reuse::None => write_element(&r.tool, level, out),
                Reuse::Record(c) => record_canonical(&r.tool, i, level, c, out),
                Reuse::Replay(c) => replay_canonical(&r.tool, i, level, c, out),
            }
        })?;
    }
    out.write_all(b"\n")?;
    write_indent(level - 1, out)?;
    out.write_all(b"]")
}

/// An Anthropic tool (array element `i` at nesting `level`), keeping the text of its
/// `input_schema` in `c` when it is the canonical schema and `c` has room.
fn record_canonical<W: Write>(
    tool: &Wire,
    i: usize,
    level: usize,
    c: &mut Canonicals,
    out: &mut W,
) -> io::Result<()> {
    let keep = c.spans.len() == i && c.text.len() < c.limit;
    if keep {
        c.spans.push(None);
    }
    write_indent(level, out)?;
    write_wire(tool, level, out, |key, field, out| match field {
        Field::Schema(Schema::Canonical(v)) if keep && key == "input_schema" => {
            let start = c.text.len();
            write_nested(&Canonical(v), level + 1, &mut c.text)?;
            out.write_all(&c.text[start..])?;
            c.spans[i] = Some(start..c.text.len());
            Ok(true)
        }
        _ => Ok(false),
    })
}

/// An MCP tool (array element `i` at nesting `level`), its `inputSchema` copied from `c` when
/// the Anthropic array kept it.
fn replay_canonical<W: Write>(
    tool: &Wire,
    i: usize,
    level: usize,
    c: &Canonicals,
    out: &mut W,
) -> io::Result<()> {
    let Some(Some(span)) = c.spans.get(i) else {
        return write_element(tool, level, out);
    };
    write_indent(level, out)?;
    write_wire(tool, level, out, |key, field, out| match field {
        Field::Schema(Schema::Canonical(_)) if key == "inputSchema" => {
            out.write_all(&c.text[span.clone()])?;
            Ok(true)
        }
        _ => Ok(false),
    })
}

/// `tool` pretty-printed as if it sat `level` levels deep (as [`write_nested`] does), except
/// for the fields `raw` writes itself (it returns whether it did).
fn write_wire<W: Write>(
    tool: &Wire,
    level: usize,
    out: &mut W,
    mut raw: impl FnMut(&str, &Field, &mut W) -> io::Result<bool>,
) -> io::Result<()> {
    if tool.0.is_empty() {
        return out.write_all(b"{}");
    }
    for (i, (key, field)) in tool.0.iter().enumerate() {
        out.write_all(if i == 0 { b"{\n" } else { b",\n" })?;
        write_indent(level + 1, out)?;
        serde_json::to_writer(&mut *out, key)?;
        out.write_all(b": ")?;
        if !raw(key, field, out)? {
            write_nested(field, level + 1, out)?;
        }
    }
    out.write_all(b"\n")?;
    write_indent(level, out)?;
    out.write_all(b"}")
}

/// One array element at nesting `level`: indentation, then the value.
fn write_element<W: Write>(
    value: &impl serde::Serialize,
    level: usize,
    out: &mut W,
) -> io::Result<()> {
    write_indent(level, out)?;
    write_nested(value, level, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::HttpMethod;
    use crate::render::{render_providers, render_set};
    use serde_json::{Value, json};

    fn schemas() -> Vec<Value> {
        vec![
            json!({"type": "object", "properties": {}, "additionalProperties": false}),
            json!({"type": "object", "properties": {"q": {"type": "string",
                "description": "line one\nline two"}, "n": {"type": "integer", "minimum": 1}},
                "required": ["q"], "additionalProperties": false}),
            json!({"type": "object", "properties": {"p": {"$ref": "#/$defs/P"},
                "o": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                "$defs": {"P": {"type": "object", "properties": {"kids": {"type": "array",
                "items": {"$ref": "#/$defs/P"}}}}}}),
            json!({"anyOf": [{"type": "object", "properties": {"a": {"type": "string"}}},
                {"type": "object", "properties": {"b": {"type": "integer"}}}]}),
            // Root alternatives move into the description, also for a tool the Anthropic strict
            // budget sends non-strict (it was once re-rendered with the `oneOf` still at the root).
            json!({"type": "object", "properties": {"id": {"type": "integer"},
                "slug": {"type": "string"}}, "additionalProperties": false,
                "oneOf": [{"required": ["id"]}, {"required": ["slug"]}]}),
        ]
    }

    fn defs(schemas: &[Value]) -> Vec<ToolDef<'_>> {
        schemas
            .iter()
            .enumerate()
            .map(|(i, s)| ToolDef {
                name: ["a", "b", "c", "d", "e"][i % 5],
                title: Some("T"),
                description: "D",
                input_schema: s,
                method: Some(HttpMethod::Post),
                deprecated: i == 1,
            })
            .collect()
    }

    #[test]
    fn providers_match_the_whole_value_form() {
        let s = schemas();
        // Enough tools that the Anthropic strict budget runs out part way.
        let many: Vec<Value> = (0..30).flat_map(|_| s.clone()).collect();
        for set in [Vec::new(), s.clone(), many] {
            let tools = defs(&set);
            for strict in [false, true] {
                let opts = RenderOptions {
                    anthropic_strict: strict,
                    ..RenderOptions::default()
                };
                let whole = Value::Object(render_providers(&tools, &opts));
                let whole = serde_json::to_string_pretty(&whole).unwrap();
                // Responses tools kept aside (and Gemini declarations rendered ahead on the
                // second thread): all of them, one, none.
                for limit in [SPILL_LIMIT, 1, 0] {
                    let mut out = Vec::new();
                    write_providers_spilling(&tools, &opts, limit, &mut out).unwrap();
                    assert_eq!(
                        String::from_utf8(out).unwrap(),
                        whole,
                        "spill limit {limit}"
                    );
                }
                for p in Provider::ALL {
                    let mut out = Vec::new();
                    write_set(p, &tools, &opts, &mut out).unwrap();
                    let whole = Value::Array(render_set(p, &tools, &opts));
                    assert_eq!(
                        String::from_utf8(out).unwrap(),
                        serde_json::to_string_pretty(&whole).unwrap(),
                        "{p}"
                    );
                }
            }
        }
    }
}
