//! Think-augmented tools: every input schema gains an optional `toolcall_reason` string in
//! which the model says why it calls the tool (Think-Augmented Function Calling, arXiv
//! 2601.18282).
//!
//! The reason is a tool-facing property like any other, so it reaches every provider through
//! the one canonical input schema: [`ThinkAugment::apply`] is the only place that adds it, and
//! each renderer lowers it with the rest (strict OpenAI lists it in `required` as
//! `["string", "null"]`, since strict mode needs every property required; `null` then means
//! "no reason", as for any optional property). It is recorded as an [`InputParam`] with
//! [`ParamLocation::Reason`], which tells the other stages what it is:
//!
//! - the validator checks it as a string (null or absent is fine);
//! - the request builder never sends it (no wire location);
//! - the executor reads it with [`reason_of`] and records it in its trace span and execution
//!   log, never in the request.
//!
//! An operation that already has a property named `toolcall_reason` keeps it; the reason then
//! takes the first free name of `_toolcall_reason`, `__toolcall_reason`, ... so the API's own
//! property is never shadowed.
//!
//! Think-augment applies to manifests checked at run time (a registry's
//! [`install_manifest`](crate::registry::Registry::install_manifest), the CLI); generated
//! tool sets type their arguments at compile time and keep their schemas as generated.
//!
//! ```
//! use openapi_tools_runtime::think::{ThinkAugment, reason_of, REASON};
//! use openapi_tools_runtime::{HttpMethod, InputParam, Manifest, ParamLocation, ToolManifest};
//! use serde_json::json;
//!
//! let tool = |name: &str| ToolManifest {
//!     name: name.into(), operation_id: None, method: HttpMethod::Get, path: "/pets".into(),
//!     tags: vec![], summary: None, description: String::new(), deprecated: false,
//!     servers: vec![], security: vec![],
//!     params: vec![InputParam::new("limit", ParamLocation::Query)], body: None,
//!     input_schema: json!({"type": "object", "properties": {"limit": {"type": "integer"}}}),
//!     schema_hash: String::new(), wire_names: Default::default(), output_schema: None,
//! };
//! let mut manifest = Manifest { tools: vec![tool("list_pets"), tool("list_owners")], ..Manifest::default() };
//! // Every tool but `list_owners`.
//! let augmented = ThinkAugment::all().tool("list_owners", false).apply(&mut manifest);
//! assert_eq!(augmented, 1);
//! let pets = &manifest.tools[0];
//! assert_eq!(pets.input_schema["properties"][REASON]["type"], "string");
//! let args = json!({"limit": 3, "toolcall_reason": "the user asked for three pets"});
//! assert_eq!(reason_of(pets, &args), Some("the user asked for three pets"));
//! assert!(manifest.tools[1].param(REASON).is_none());
//! ```

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::manifest::{InputParam, Manifest, ParamLocation, ToolManifest};

/// The reason property's name, unless the operation already uses it.
pub const REASON: &str = "toolcall_reason";

/// What the model reads about the reason property.
pub const REASON_DESCRIPTION: &str = "Why you are calling this tool, in one short sentence. \
     Recorded for the operator; never sent to the API.";

/// Most bytes of a reason kept in traces and the execution log (longer ones are cut at a
/// character boundary): the model writes it, so its size is not ours to trust.
pub const MAX_REASON_BYTES: usize = 1024;

/// Which tools of a tool set get the reason property: all or none by default, then per-tool
/// overrides by tool name (the tool set's own name, before any registry namespace).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThinkAugment {
    all: bool,
    tools: BTreeMap<String, bool>,
}

impl ThinkAugment {
    /// Every tool gets the reason property (unless switched off by [`ThinkAugment::tool`]).
    pub fn all() -> Self {
        ThinkAugment {
            all: true,
            tools: BTreeMap::new(),
        }
    }

    /// No tool gets it (unless switched on by [`ThinkAugment::tool`]).
    pub fn none() -> Self {
        ThinkAugment::default()
    }

    /// Switches the reason property on or off for one tool, whatever the default.
    pub fn tool(mut self, name: impl Into<String>, on: bool) -> Self {
        self.tools.insert(name.into(), on);
        self
    }

    /// Whether `tool` gets the reason property.
    pub fn applies_to(&self, tool: &str) -> bool {
        self.tools.get(tool).copied().unwrap_or(self.all)
    }

    /// Whether no tool gets it.
    pub fn is_off(&self) -> bool {
        !self.all && !self.tools.values().any(|on| *on)
    }

    /// Adds the reason property to every tool it applies to, rehashing each changed schema;
    /// returns how many tools gained it. Idempotent: a tool that already has a reason property
    /// is left alone.
    pub fn apply(&self, manifest: &mut Manifest) -> usize {
        if self.is_off() {
            return 0;
        }
        let mut changed = 0;
        for tool in &mut manifest.tools {
            if self.applies_to(&tool.name) && augment(tool) {
                changed += 1;
            }
        }
        changed
    }
}

/// Adds the reason property to one tool; `false` when it already had one or its input schema
/// is not an object schema.
fn augment(tool: &mut ToolManifest) -> bool {
    if reason_param(tool).is_some() {
        return false;
    }
    let Some(schema) = tool.input_schema.as_object_mut() else {
        return false;
    };
    let props = schema
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(props) = props.as_object_mut() else {
        return false;
    };
    let name = free_name(|n| props.contains_key(n) || tool.params.iter().any(|p| p.name == n));
    props.insert(
        name.clone(),
        json!({"type": "string", "description": REASON_DESCRIPTION}),
    );
    tool.params
        .push(InputParam::new(name, ParamLocation::Reason));
    tool.rehash();
    true
}

/// `toolcall_reason`, else the first of `_toolcall_reason`, `__toolcall_reason`, ... not taken.
fn free_name(taken: impl Fn(&str) -> bool) -> String {
    let mut name = REASON.to_owned();
    while taken(&name) {
        name.insert(0, '_');
    }
    name
}

/// The tool's reason property, if it is think-augmented.
pub fn reason_param(tool: &ToolManifest) -> Option<&InputParam> {
    tool.params
        .iter()
        .find(|p| p.location == ParamLocation::Reason)
}

/// The reason the model gave in `args` for calling `tool`: `None` when the tool is not
/// think-augmented, or the reason is absent, null, empty or not a string.
pub fn reason_of<'a>(tool: &ToolManifest, args: &'a Value) -> Option<&'a str> {
    let param = reason_param(tool)?;
    args.get(&param.name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|r| !r.is_empty())
}

/// `text` cut to at most `max` bytes at a character boundary (the executor bounds what it
/// records with it).
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) fn clip(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::build_request;
    use crate::toolset::testing::{manifest, tool};
    use crate::validate::Validator;

    #[test]
    fn adds_one_optional_string_property_and_a_reason_param() {
        let mut m = manifest("1", vec![tool("get_pet", "v1", &["id"], &["id"])]);
        let before = m.tools[0].schema_hash.clone();
        assert_eq!(ThinkAugment::all().apply(&mut m), 1);
        let t = &m.tools[0];
        assert_eq!(t.input_schema["properties"][REASON]["type"], "string");
        assert_eq!(t.input_schema["required"], json!(["id"]));
        assert_eq!(reason_param(t).map(|p| p.name.as_str()), Some(REASON));
        assert_ne!(t.schema_hash, before, "the schema hash follows the schema");
        // Idempotent.
        assert_eq!(ThinkAugment::all().apply(&mut m), 0);
        assert_eq!(m.tools[0].params.len(), 2);
    }

    #[test]
    fn an_operation_property_of_the_same_name_is_kept_and_the_reason_moves_aside() {
        let mut m = manifest(
            "1",
            vec![tool(
                "t",
                "v1",
                &["id", "toolcall_reason", "_toolcall_reason"],
                &[],
            )],
        );
        ThinkAugment::all().apply(&mut m);
        let t = &m.tools[0];
        assert_eq!(
            reason_param(t).map(|p| p.name.as_str()),
            Some("__toolcall_reason")
        );
        assert_eq!(
            t.param("toolcall_reason").map(|p| p.location),
            Some(ParamLocation::Query)
        );
        let args = json!({"toolcall_reason": "api value", "__toolcall_reason": "mine"});
        assert_eq!(reason_of(t, &args), Some("mine"));
    }

    #[test]
    fn per_tool_overrides_win_over_the_default() {
        let tools = || vec![tool("a", "v1", &["id"], &[]), tool("b", "v1", &["id"], &[])];
        let mut m = manifest("1", tools());
        assert_eq!(ThinkAugment::all().tool("b", false).apply(&mut m), 1);
        assert!(reason_param(&m.tools[0]).is_some() && reason_param(&m.tools[1]).is_none());
        let mut m = manifest("1", tools());
        assert_eq!(ThinkAugment::none().tool("b", true).apply(&mut m), 1);
        assert!(reason_param(&m.tools[0]).is_none() && reason_param(&m.tools[1]).is_some());
        assert!(ThinkAugment::none().is_off());
        assert_eq!(ThinkAugment::none().apply(&mut m), 0);
    }

    #[test]
    fn validator_accepts_the_reason_and_the_request_never_carries_it() {
        let mut m = manifest("1", vec![tool("get_pet", "v1", &["id", "limit"], &["id"])]);
        ThinkAugment::all().apply(&mut m);
        let t = &m.tools[0];
        let v = Validator::new(&t.input_schema);
        let args = json!({"id": "7", "limit": 3, "toolcall_reason": "user asked for pet 7"});
        assert!(v.validate(&args).is_empty());
        // Strict OpenAI sends null for a reason the model leaves out.
        assert!(
            v.validate(&json!({"id": "7", "toolcall_reason": null}))
                .is_empty()
        );
        // Not a string: a problem at its pointer.
        let problems = v.validate(&json!({"id": "7", "toolcall_reason": 5}));
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].pointer, "/toolcall_reason");

        let req = build_request(t, args.as_object().unwrap()).unwrap();
        let text = format!("{req:?}");
        assert!(!text.contains("toolcall_reason") && !text.contains("user asked"));
        assert_eq!(req.query, vec![("limit".to_owned(), "3".to_owned())]);
    }

    #[test]
    fn absent_blank_or_non_string_reasons_read_as_none() {
        let mut m = manifest("1", vec![tool("t", "v1", &["id"], &[])]);
        assert_eq!(
            reason_of(&m.tools[0], &json!({"toolcall_reason": "x"})),
            None
        );
        ThinkAugment::all().apply(&mut m);
        let t = &m.tools[0];
        for args in [
            json!({}),
            json!({"toolcall_reason": null}),
            json!({"toolcall_reason": "  "}),
            json!({"toolcall_reason": 3}),
        ] {
            assert_eq!(reason_of(t, &args), None, "{args}");
        }
    }

    #[test]
    fn clip_cuts_at_a_character_boundary() {
        assert_eq!(clip("héllo", 2), "h");
        assert_eq!(clip("héllo", 3), "hé");
        assert_eq!(clip("abc", 10), "abc");
    }
}
