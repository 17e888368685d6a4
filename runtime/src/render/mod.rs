//! Provider renderers: canonical JSON Schema -> each provider's tool shape.
//!
//! A tool's canonical input schema (JSON Schema 2020-12, see [`crate::manifest::ToolManifest`])
//! is lowered once per provider:
//!
//! | provider | shape | lowering |
//! |---|---|---|
//! | [`Provider::OpenAiChat`] | `{"type":"function","function":{name,description,parameters,strict}}` | [`openai`](self#openai) |
//! | [`Provider::OpenAiResponses`] | `{"type":"function",name,description,parameters,strict}` | same |
//! | [`Provider::Anthropic`] | `{name,description,input_schema[,strict]}` | canonical; strict subset on request |
//! | [`Provider::Gemini`] | `FunctionDeclaration {name,description[,parameters]}` | OpenAPI-subset `Schema` |
//! | [`Provider::Mcp`] | `{name,title,description,inputSchema,annotations}` | canonical + method hints |
//!
//! # OpenAI
//! `strict: true` whenever the schema fits Structured Outputs: every object closed with
//! `additionalProperties: false`, every property required, **optional properties made nullable**
//! (`["T","null"]`, `null` in the enum, or `anyOf [X, {"type":"null"}]`), `oneOf` as `anyOf`,
//! unsupported keywords and formats moved into the description, within the documented limits.
//! Because of that, **a `null` argument for an optional property that is not nullable in the
//! canonical schema means "omitted"**: dispatchers drop such nulls before validating. Schemas that
//! cannot be strict (open maps, free-form objects, untyped values, `allOf`, `not`, limits) are sent
//! with `strict: false`, keep their optional properties optional, and say why in
//! [`Rendered::notes`].
//!
//! # Anthropic
//! The canonical schema as is; with [`RenderOptions::anthropic_strict`], tools that fit the strict
//! subset get `strict: true` (unsupported numeric/length constraints move into the description;
//! recursive schemas stay non-strict), and [`render_all`] keeps a tool set within the per-request
//! strict caps (20 tools, 24 optional and 16 union parameters).
//!
//! # Gemini
//! Gemini's `Schema` is an OpenAPI 3.0 subset: upper-case types, `nullable`, string-only enums,
//! no `additionalProperties`, no `$ref` (inlined, recursion cut after two levels), no empty
//! `properties`, no `parameters` for tools without inputs. See the `gemini` module source docs.
//!
//! # MCP
//! The canonical schema as is, with `annotations` derived from the HTTP method.
//!
//! Output is deterministic: schema keywords in one fixed order, `$defs` sorted by name,
//! properties in their canonical (parameter) order, tools in input order.
//!
//! ```
//! use openapi_tools_runtime::render::{render, Provider, RenderOptions, ToolDef};
//! use serde_json::json;
//!
//! let schema = json!({"type": "object", "additionalProperties": false, "required": ["id"],
//!     "properties": {"id": {"type": "integer"}, "q": {"type": "string", "maxLength": 50}}});
//! let tool = ToolDef { name: "get_pet", title: None, description: "Get a pet.",
//!     input_schema: &schema, method: None, deprecated: false };
//!
//! let r = render(Provider::OpenAiChat, &tool, &RenderOptions::default());
//! assert!(r.strict);
//! assert_eq!(r.tool["function"]["parameters"]["required"], json!(["id", "q"]));
//! assert_eq!(r.tool["function"]["parameters"]["properties"]["q"]["type"], json!(["string", "null"]));
//!
//! let g = render(Provider::Gemini, &tool, &RenderOptions::default());
//! assert_eq!(g.tool["parameters"]["properties"]["id"], json!({"type": "INTEGER"}));
//! ```

mod anthropic;
mod canonical;
mod gemini;
mod mcp;
mod openai;
mod pretty;
mod root;
mod schema;
mod size;
mod stream;
mod strict;
mod wire;

pub use size::{DEFAULT_MAX_SCHEMA_NODES, schema_nodes};
pub use stream::{write_providers, write_set};

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::manifest::{HttpMethod, ToolManifest};

/// The tool formats we render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// OpenAI Chat Completions `tools` entries.
    OpenAiChat,
    /// OpenAI Responses API `tools` entries.
    OpenAiResponses,
    /// Anthropic Messages API `tools` entries.
    Anthropic,
    /// Gemini `FunctionDeclaration`s.
    Gemini,
    /// MCP `Tool` objects (`tools/list`).
    Mcp,
}

impl Provider {
    /// Every provider, in the order the CLI prints them.
    pub const ALL: [Provider; 5] = [
        Provider::OpenAiChat,
        Provider::OpenAiResponses,
        Provider::Anthropic,
        Provider::Gemini,
        Provider::Mcp,
    ];

    /// The CLI name: `openai-chat`, `openai-responses`, `anthropic`, `gemini`, `mcp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::OpenAiChat => "openai-chat",
            Provider::OpenAiResponses => "openai-responses",
            Provider::Anthropic => "anthropic",
            Provider::Gemini => "gemini",
            Provider::Mcp => "mcp",
        }
    }

    /// The key in a multi-provider JSON object (and in the provider checker's input):
    /// `openai_chat`, `openai_responses`, `anthropic`, `gemini`, `mcp`.
    pub fn key(self) -> &'static str {
        match self {
            Provider::OpenAiChat => "openai_chat",
            Provider::OpenAiResponses => "openai_responses",
            Provider::Anthropic => "anthropic",
            Provider::Gemini => "gemini",
            Provider::Mcp => "mcp",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown provider name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown provider `{0}` (expected openai-chat, openai-responses, anthropic, gemini or mcp)"
)]
pub struct UnknownProvider(pub String);

impl FromStr for Provider {
    type Err = UnknownProvider;

    /// Accepts [`Provider::as_str`] and [`Provider::key`] spellings.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str() == s || p.key() == s)
            .ok_or_else(|| UnknownProvider(s.to_string()))
    }
}

/// What a renderer needs to know about one tool (borrowed, so rendering a manifest copies no
/// schemas up front).
#[derive(Debug, Clone, Copy)]
pub struct ToolDef<'a> {
    /// Tool name (already valid for every provider).
    pub name: &'a str,
    /// Short human title (MCP `title`); the operation summary for spec tools.
    pub title: Option<&'a str>,
    /// The description the model reads.
    pub description: &'a str,
    /// Canonical input schema.
    pub input_schema: &'a Value,
    /// HTTP method, for MCP behaviour hints.
    pub method: Option<HttpMethod>,
    /// Deprecated tools say so in their description.
    pub deprecated: bool,
}

impl<'a> From<&'a ToolManifest> for ToolDef<'a> {
    fn from(t: &'a ToolManifest) -> Self {
        ToolDef {
            name: &t.name,
            title: t.summary.as_deref().filter(|s| !s.trim().is_empty()),
            description: &t.description,
            input_schema: &t.input_schema,
            method: Some(t.method),
            deprecated: t.deprecated,
        }
    }
}

/// Rendering switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOptions {
    /// Emit Anthropic strict tools (`strict: true` + the strict subset) where possible.
    pub anthropic_strict: bool,
    /// The per-tool schema budget in nodes the manifest was modelled with (the model's
    /// `ModelOptions::max_schema_nodes`; [`DEFAULT_MAX_SCHEMA_NODES`] by default,
    /// `usize::MAX` for no limit). Gemini's inlining of `$ref`s stays within it, so a
    /// declaration is never larger than the model lets a canonical schema be.
    pub max_schema_nodes: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            anthropic_strict: false,
            max_schema_nodes: DEFAULT_MAX_SCHEMA_NODES,
        }
    }
}

/// One rendered tool.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The tool in the provider's wire shape.
    pub tool: Value,
    /// Whether the tool is sent in strict (constrained decoding) mode.
    pub strict: bool,
    /// Why strict mode was not possible, and lossy-but-harmless changes (constraints moved into
    /// descriptions, recursion cut, ...), each naming the JSON pointer it concerns.
    pub notes: Vec<String>,
}

/// A rendered tool in wire form, borrowing its schema where the provider sends it unchanged
/// (serialised directly by [`stream`], turned into a [`Rendered`] by [`render`]).
pub(crate) struct Shaped<'a> {
    tool: wire::Wire<'a>,
    strict: bool,
    notes: Vec<String>,
}

impl Shaped<'_> {
    fn into_rendered(self) -> Rendered {
        Rendered {
            tool: self.tool.to_value(),
            strict: self.strict,
            notes: self.notes,
        }
    }
}

/// Renders one tool for one provider. Never panics; problems become [`Rendered::notes`].
///
/// Per-request limits that span tools (Anthropic's strict budget) need the whole set: use
/// [`render_all`] / [`render_set`] for a tool list.
pub fn render(provider: Provider, tool: &ToolDef, opts: &RenderOptions) -> Rendered {
    with_lowered(tool, |t, note| {
        let mut r = render_lowered(provider, t, opts, &mut SetCache::default()).into_rendered();
        r.notes.extend(note.map(str::to_string));
        r
    })
}

/// Calls `f` with the tool as renderers see it (root alternatives moved into the description,
/// see [`root`]) and the note saying so.
fn with_lowered<R>(tool: &ToolDef, f: impl FnOnce(&ToolDef, Option<&str>) -> R) -> R {
    match root::lower(tool) {
        Some(l) => f(&l.as_def(tool), Some(&l.note)),
        None => f(tool, None),
    }
}

/// What the tools of one set share while they are rendered: the strict lowerings of their
/// `$defs`, one cache per strict profile (see [`strict::DefCache`]).
#[derive(Default)]
pub(crate) struct SetCache {
    openai: strict::DefCache,
    anthropic: strict::DefCache,
}

/// [`render`] on a schema without root alternatives, in wire form, as one tool of the set
/// `cache` belongs to.
fn render_lowered<'a>(
    provider: Provider,
    tool: &ToolDef<'a>,
    opts: &RenderOptions,
    cache: &mut SetCache,
) -> Shaped<'a> {
    match provider {
        Provider::OpenAiChat => openai::render(tool, true, &mut cache.openai),
        Provider::OpenAiResponses => openai::render(tool, false, &mut cache.openai),
        Provider::Anthropic => anthropic::render(tool, opts.anthropic_strict, &mut cache.anthropic),
        Provider::Gemini => gemini::render(tool, opts.max_schema_nodes),
        Provider::Mcp => mcp::render(tool),
    }
}

/// Renders a tool set for one provider, in order, applying limits that span the set.
pub fn render_all(provider: Provider, tools: &[ToolDef], opts: &RenderOptions) -> Vec<Rendered> {
    let mut budget = anthropic::StrictBudget::default();
    let strict_budget = provider == Provider::Anthropic && opts.anthropic_strict;
    let mut cache = SetCache::default();
    tools
        .iter()
        .map(|t| {
            with_lowered(t, |t, note| {
                let mut r = render_lowered(provider, t, opts, &mut cache);
                if strict_budget {
                    budget.apply(t, &mut r);
                }
                let mut r = r.into_rendered();
                r.notes.extend(note.map(str::to_string));
                r
            })
        })
        .collect()
}

/// [`render_all`], keeping only the tool values (what goes into a request's `tools`).
pub fn render_set(provider: Provider, tools: &[ToolDef], opts: &RenderOptions) -> Vec<Value> {
    render_all(provider, tools, opts)
        .into_iter()
        .map(|r| r.tool)
        .collect()
}

/// Every provider's tool list at once, keyed by [`Provider::key`]
/// (`{"openai_chat": [...], ..., "mcp": [...]}`), sharing the OpenAI lowering between its two
/// shapes. This is the CLI's `--provider all` output and the provider checker's input.
pub fn render_providers(tools: &[ToolDef], opts: &RenderOptions) -> Map<String, Value> {
    let mut chat = Vec::with_capacity(tools.len());
    let mut responses = Vec::with_capacity(tools.len());
    let mut defs = strict::DefCache::default();
    for t in tools {
        with_lowered(t, |t, _| {
            let p = openai::parameters(t.input_schema, &mut defs);
            let params = || wire::Field::SchemaRef(&p.schema);
            chat.push(openai::chat(t, params(), p.strict).to_value());
            responses.push(openai::responses(t, params(), p.strict).to_value());
        });
    }
    let mut out = Map::new();
    out.insert(Provider::OpenAiChat.key().into(), Value::Array(chat));
    out.insert(
        Provider::OpenAiResponses.key().into(),
        Value::Array(responses),
    );
    for p in [Provider::Anthropic, Provider::Gemini, Provider::Mcp] {
        out.insert(p.key().into(), Value::Array(render_set(p, tools, opts)));
    }
    out
}

/// The description every provider shows: the tool's description (or its title when empty), with
/// deprecation stated when the text does not already say so.
fn full_description(tool: &ToolDef) -> String {
    let base = tool.description.trim();
    let base = if base.is_empty() {
        tool.title.map(str::trim).unwrap_or_default()
    } else {
        base
    };
    if tool.deprecated && !base.to_ascii_lowercase().contains("deprecated") {
        if base.is_empty() {
            "Deprecated.".to_string()
        } else {
            format!("Deprecated. {base}")
        }
    } else {
        base.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn provider_names_round_trip() {
        for p in Provider::ALL {
            assert_eq!(p.as_str().parse::<Provider>(), Ok(p));
            assert_eq!(p.key().parse::<Provider>(), Ok(p));
        }
        assert!("openai".parse::<Provider>().is_err());
    }

    #[test]
    fn deprecation_is_stated_once() {
        let s = json!({"type": "object"});
        let mut t = ToolDef {
            name: "t",
            title: Some("Title"),
            description: " ",
            input_schema: &s,
            method: None,
            deprecated: true,
        };
        assert_eq!(full_description(&t), "Deprecated. Title");
        t.description = "Old. Deprecated: use v2.";
        assert_eq!(full_description(&t), "Old. Deprecated: use v2.");
    }

    #[test]
    fn openai_descriptions_are_capped() {
        let s = json!({"type": "object", "properties": {}, "additionalProperties": false});
        let long = "word ".repeat(400);
        let t = ToolDef {
            name: "t",
            title: None,
            description: &long,
            input_schema: &s,
            method: None,
            deprecated: false,
        };
        let r = render(Provider::OpenAiResponses, &t, &RenderOptions::default());
        assert!(r.tool["description"].as_str().unwrap().chars().count() <= 1024);
        assert!(r.strict);
    }

    #[test]
    fn render_providers_has_every_key() {
        let s = json!({"type": "object", "properties": {"a": {"type": "string"}},
                       "additionalProperties": false});
        let t = ToolDef {
            name: "t",
            title: None,
            description: "d",
            input_schema: &s,
            method: Some(HttpMethod::Get),
            deprecated: false,
        };
        let all = render_providers(&[t], &RenderOptions::default());
        let keys: Vec<&str> = all.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "openai_chat",
                "openai_responses",
                "anthropic",
                "gemini",
                "mcp"
            ]
        );
        assert_eq!(
            all["openai_chat"][0],
            render(Provider::OpenAiChat, &t, &RenderOptions::default()).tool
        );
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let mut deep = json!({"type": "string"});
        for _ in 0..300 {
            deep = json!({"type": "object", "properties": {"x": deep}});
        }
        let mut wide = json!({"$ref": "#/$defs/D0"});
        let mut defs = Map::new();
        for i in 0..24 {
            let next = json!({"$ref": format!("#/$defs/D{}", i + 1)});
            defs.insert(
                format!("D{i}"),
                json!({"type": "object", "properties": {"a": next, "b": next}}),
            );
        }
        defs.insert("D24".into(), json!({"type": "string"}));
        wide = json!({"type": "object", "properties": {"w": wide}, "$defs": defs});
        let inputs = [
            json!(null),
            json!([]),
            json!("x"),
            json!({"type": 7, "properties": [], "required": "a", "enum": {}, "items": 3}),
            json!({"properties": {"a": {"$ref": "#/$defs/A"}}, "$defs": {"A": {"$ref": "#/$defs/A"}}}),
            json!({"properties": {"a": {"$ref": 5}, "b": {"anyOf": []}, "c": {"allOf": "x"}}}),
            json!({"properties": {"a": {"type": ["null"]}, "b": {"enum": []}, "c": true, "d": false}}),
            deep,
            wide,
        ];
        for s in &inputs {
            let t = ToolDef {
                name: "t",
                title: None,
                description: "",
                input_schema: s,
                method: None,
                deprecated: false,
            };
            for p in Provider::ALL {
                for strict in [false, true] {
                    let _ = render(
                        p,
                        &t,
                        &RenderOptions {
                            anthropic_strict: strict,
                            ..RenderOptions::default()
                        },
                    );
                }
            }
        }
    }
}
