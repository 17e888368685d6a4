//! Meta-tools: `search_tools` and `call_tool`, offered instead of a tool list too big to send.
//!
//! The model first searches ("list open pull requests") and gets names, one-line descriptions
//! and input schemas; then it calls one through `call_tool {name, arguments}`. Both are real
//! tools: their schemas go through the same provider renderers as any tool, their arguments
//! through the same validator, and `call_tool` prepares the inner call with the tool set's own
//! checker ([`ToolSet::prepare`]), so a meta-tool call is checked exactly like a direct one. A
//! wrong tool name is answered with the closest names ("did you mean").

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::ToolIndex;
use crate::render::{self, Provider, RenderOptions, ToolDef};
use crate::toolset::{CallError, PreparedCall, ToolSet};
use crate::validate::Validator;
use crate::validate::{ArgErrors, ArgProblem};

/// Name of the search meta-tool.
pub const SEARCH_TOOLS: &str = "search_tools";
/// Name of the call meta-tool.
pub const CALL_TOOL: &str = "call_tool";

/// Results returned when the model gives no `top_k`.
const DEFAULT_TOP_K: usize = 5;
/// Upper bound on `top_k` (the schema says so; the validator enforces it).
const MAX_TOP_K: u64 = 50;
/// How many results carry their input schema unless `include_schemas` asks for all.
const SCHEMAS_BY_DEFAULT: usize = 3;
/// One-line descriptions are cut here.
const LINE_CHARS: usize = 200;
/// Names offered after an unknown one.
const SUGGESTIONS: usize = 3;

/// What a meta-tool call produced.
#[derive(Debug)]
pub enum MetaCall {
    /// `search_tools`: the result to hand back to the model (JSON).
    Search(Value),
    /// `call_tool`: the inner call, checked and ready to execute like a direct call.
    Call(PreparedCall),
}

/// What the two meta-tools declare over a tool set of `count` tools.
struct Declared {
    search_schema: Value,
    call_schema: Value,
    search_description: String,
}

impl Declared {
    fn of(manifest: &crate::Manifest, count: usize) -> Self {
        let search_schema = json!({
            "type": "object",
            "properties": {
                "query": {"type": "string", "minLength": 1, "maxLength": 500,
                    "description": "What you want to do, in plain words (\"list open pull requests\")."},
                "top_k": {"type": "integer", "minimum": 1, "maximum": MAX_TOP_K,
                    "description": format!("How many tools to return (default {DEFAULT_TOP_K}).")},
                "include_schemas": {"type": "boolean",
                    "description": format!("Return every result's input schema (by default only the first {SCHEMAS_BY_DEFAULT} have one).")}
            },
            "required": ["query"],
            "additionalProperties": false
        });
        let call_schema = json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 1,
                    "description": "The tool's exact name, as search_tools returned it."},
                "arguments": {"type": "object",
                    "description": "The tool's arguments: one JSON object matching its input schema."}
            },
            "required": ["name", "arguments"],
            "additionalProperties": false
        });
        let title = if manifest.title.trim().is_empty() {
            "this API".to_owned()
        } else {
            manifest.title.trim().to_owned()
        };
        let search_description = format!(
            "Find the tools of {title} that can do a task. There are {count} tools, too many to \
             list: describe what you want to do in plain words and get the best matching tools \
             (name, what it does, method and path; the first ones with their input schema). \
             Then call one with {CALL_TOOL}."
        );
        Declared {
            search_schema,
            call_schema,
            search_description,
        }
    }

    fn defs(&self) -> [ToolDef<'_>; 2] {
        defs(
            &self.search_description,
            &self.search_schema,
            &self.call_schema,
        )
    }
}

/// The two tools as every renderer takes them.
fn defs<'a>(
    search_description: &'a str,
    search_schema: &'a Value,
    call_schema: &'a Value,
) -> [ToolDef<'a>; 2] {
    [
        ToolDef {
            name: SEARCH_TOOLS,
            title: Some("Search tools"),
            description: search_description,
            input_schema: search_schema,
            method: Some(crate::manifest::HttpMethod::Get),
            deprecated: false,
        },
        ToolDef {
            name: CALL_TOOL,
            title: Some("Call a tool"),
            description: "Call a tool found with search_tools: its exact name and its \
                    arguments as one JSON object matching its input schema. The arguments are \
                    checked like a direct call; a wrong name is answered with the closest names.",
            input_schema: call_schema,
            method: None,
            deprecated: false,
        },
    ]
}

/// The two meta-tools over one tool set.
///
/// ```
/// use std::sync::Arc;
/// use openapi_tools_runtime::discovery::{MetaCall, MetaTools};
/// use openapi_tools_runtime::render::{Provider, RenderOptions};
/// use openapi_tools_runtime::toolset::DynamicToolSet;
/// use serde_json::json;
/// # let manifest: openapi_tools_runtime::Manifest = serde_json::from_value(json!({
/// #   "title": "Pets", "version": "1", "source_hash": "", "servers": ["https://pets.example"],
/// #   "tools": [{"name": "deletePet", "operation_id": "deletePet", "method": "DELETE",
/// #     "path": "/pets/{petId}", "summary": "Delete a pet", "description": "Delete a pet",
/// #     "params": [{"name": "petId", "wire_name": "petId", "in": "path", "required": true}],
/// #     "input_schema": {"type": "object", "properties": {"petId": {"type": "integer"}},
/// #       "required": ["petId"], "additionalProperties": false}, "schema_hash": ""}]})).unwrap();
///
/// let meta = MetaTools::new(Arc::new(DynamicToolSet::new(manifest)));
/// let tools = meta.render(Provider::OpenAiChat, &RenderOptions::default());
/// assert_eq!(tools[0]["function"]["name"], "search_tools");
///
/// let MetaCall::Search(found) = meta.handle("search_tools", &json!({"query": "remove a pet"}))?
/// else { unreachable!() };
/// assert_eq!(found["tools"][0]["name"], "deletePet");
///
/// let MetaCall::Call(call) =
///     meta.handle("call_tool", &json!({"name": "deletePet", "arguments": {"petId": 7}}))?
/// else { unreachable!() };
/// assert_eq!(call.request.path, "/pets/7");
///
/// let wrong = meta.handle("call_tool", &json!({"name": "delete_pet", "arguments": {}}));
/// assert!(wrong.unwrap_err().to_string().contains("did you mean \"deletePet\""));
/// # Ok::<(), openapi_tools_runtime::toolset::CallError>(())
/// ```
pub struct MetaTools {
    tools: Arc<dyn ToolSet>,
    index: ToolIndex,
    search_schema: Value,
    call_schema: Value,
    search_check: Validator,
    call_check: Validator,
    search_description: String,
}

impl std::fmt::Debug for MetaTools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetaTools")
            .field("tools", &self.index.len())
            .finish_non_exhaustive()
    }
}

impl MetaTools {
    /// Indexes `tools` and prepares the two meta-tools (compile their checkers once).
    pub fn new(tools: Arc<dyn ToolSet>) -> Self {
        let index = ToolIndex::from_manifest(tools.manifest());
        let Declared {
            search_schema,
            call_schema,
            search_description,
        } = Declared::of(tools.manifest(), index.len());
        MetaTools {
            search_check: Validator::new(&search_schema),
            call_check: Validator::new(&call_schema),
            tools,
            index,
            search_schema,
            call_schema,
            search_description,
        }
    }

    /// The two tools over `manifest` in `provider`'s shape, exactly as
    /// [`MetaTools::render`] of `MetaTools::new` over it answers, without building the search
    /// index: what a server lists while the index is built elsewhere.
    pub fn render_declarations(
        manifest: &crate::Manifest,
        provider: Provider,
        opts: &RenderOptions,
    ) -> Vec<Value> {
        let declared = Declared::of(manifest, manifest.tools.len());
        render::render_set(provider, &declared.defs(), opts)
    }

    /// The index behind `search_tools` (for per-request selection or a CLI).
    pub fn index(&self) -> &ToolIndex {
        &self.index
    }

    /// The tool set `call_tool` prepares calls on.
    pub fn toolset(&self) -> &Arc<dyn ToolSet> {
        &self.tools
    }

    /// Whether `name` is one of the meta-tools.
    pub fn is_meta(name: &str) -> bool {
        name == SEARCH_TOOLS || name == CALL_TOOL
    }

    /// The two tools, as every renderer takes them. `search_tools` is declared as a safe
    /// (read-only, idempotent) operation so MCP clients need not confirm it.
    pub fn defs(&self) -> [ToolDef<'_>; 2] {
        defs(
            &self.search_description,
            &self.search_schema,
            &self.call_schema,
        )
    }

    /// The two tools in `provider`'s shape (what goes into a request's `tools`).
    pub fn render(&self, provider: Provider, opts: &RenderOptions) -> Vec<Value> {
        render::render_set(provider, &self.defs(), opts)
    }

    /// The two tools for every provider at once, keyed by [`Provider::key`].
    pub fn render_providers(&self, opts: &RenderOptions) -> Map<String, Value> {
        render::render_providers(&self.defs(), opts)
    }

    /// Runs a meta-tool call. `Err(CallError::UnknownTool)` when `tool` is not a meta-tool
    /// (the caller may then route it as a direct call).
    pub fn handle(&self, tool: &str, args: &Value) -> Result<MetaCall, CallError> {
        match tool {
            SEARCH_TOOLS => self.search(args).map(MetaCall::Search),
            CALL_TOOL => self.call(args).map(MetaCall::Call),
            _ => Err(CallError::UnknownTool {
                tool: tool.to_owned(),
            }),
        }
    }

    /// `search_tools`: checks the arguments, then returns
    /// `{"tools": [{"name", "description", "method", "path", "input_schema"?, "variants"?}]}`.
    pub fn search(&self, args: &Value) -> Result<Value, CallError> {
        check(&self.search_check, SEARCH_TOOLS, args)?;
        let query = args
            .get("query")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let top_k = args
            .get("top_k")
            .and_then(Value::as_u64)
            .map_or(DEFAULT_TOP_K, |k| k.min(MAX_TOP_K) as usize);
        let all_schemas = args
            .get("include_schemas")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let manifest = self.tools.manifest();
        let tools: Vec<Value> = self
            .index
            .search(query, top_k)
            .into_iter()
            .enumerate()
            .filter_map(|(rank, hit)| {
                let tool = manifest.tools.get(hit.position)?;
                let mut item = Map::new();
                item.insert("name".into(), json!(hit.name));
                item.insert("description".into(), json!(one_line(&tool.description)));
                item.insert("method".into(), json!(hit.method));
                item.insert("path".into(), json!(hit.path));
                if all_schemas || rank < SCHEMAS_BY_DEFAULT {
                    item.insert("input_schema".into(), tool.input_schema.clone());
                }
                if !hit.variants.is_empty() {
                    let names: Vec<&str> = hit.variants.iter().map(|v| v.name.as_str()).collect();
                    item.insert("variants".into(), json!(names));
                }
                Some(Value::Object(item))
            })
            .collect();
        let mut out = Map::new();
        if tools.is_empty() {
            out.insert(
                "note".into(),
                json!("no tool matches these words; describe the task differently"),
            );
        }
        out.insert("tools".into(), Value::Array(tools));
        Ok(Value::Object(out))
    }

    /// `call_tool`: checks `{name, arguments}`, then prepares the inner call with the tool
    /// set's own checker. An unknown name is an argument problem at `/name` that lists the
    /// closest names. `arguments` sent as a JSON string holding an object is accepted (some
    /// models stringify nested objects).
    pub fn call(&self, args: &Value) -> Result<PreparedCall, CallError> {
        let args = unstringify_arguments(args)?;
        check(&self.call_check, CALL_TOOL, &args)?;
        let name = args.get("name").and_then(Value::as_str).unwrap_or_default();
        let arguments = args.get("arguments").cloned().unwrap_or(Value::Null);
        // An operation of the API may itself be named like a meta-tool: calling that name
        // directly reaches the meta-tool, so through call_tool it reaches the operation.
        if Self::is_meta(name) && !self.tools.manifest().tools.iter().any(|t| t.name == name) {
            return Err(name_problem(format!(
                "\"{name}\" is a meta-tool; call it directly, not through {CALL_TOOL}"
            )));
        }
        match self.tools.prepare(name, &arguments) {
            Err(CallError::UnknownTool { .. }) => {
                let close = self.index.suggest(name, SUGGESTIONS);
                let hint = if close.is_empty() {
                    String::new()
                } else {
                    let quoted: Vec<String> = close.iter().map(|n| format!("\"{n}\"")).collect();
                    format!("; did you mean {}?", quoted.join(", "))
                };
                Err(name_problem(format!(
                    "unknown tool \"{name}\"{hint} ({SEARCH_TOOLS} finds tools by what they do)"
                )))
            }
            other => other,
        }
    }
}

fn check(validator: &Validator, tool: &str, args: &Value) -> Result<(), CallError> {
    let problems = validator.validate(args);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CallError::InvalidArguments(ArgErrors::new(tool, problems)))
    }
}

fn name_problem(message: String) -> CallError {
    CallError::InvalidArguments(ArgErrors::new(
        CALL_TOOL,
        vec![ArgProblem::new("/name", message)],
    ))
}

fn unstringify_arguments(args: &Value) -> Result<Value, CallError> {
    let mut args = args.clone();
    if let Some(slot) = args.get_mut("arguments")
        && let Some(text) = slot.as_str()
    {
        match serde_json::from_str::<Value>(text) {
            Ok(v @ Value::Object(_)) => *slot = v,
            Ok(_) => {}
            Err(e) => {
                return Err(CallError::UnparsableArguments {
                    tool: CALL_TOOL.to_owned(),
                    message: format!("/arguments: {e}"),
                });
            }
        }
    }
    Ok(args)
}

/// The first line of a description, cut at a word boundary.
fn one_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() <= LINE_CHARS {
        return line.to_owned();
    }
    let cut: String = line.chars().take(LINE_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests;
