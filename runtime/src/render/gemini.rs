//! Gemini `FunctionDeclaration` with `parameters` in Gemini's OpenAPI-subset `Schema`.
//!
//! The Gemini API rejects unknown fields, so every node is rebuilt from an allow-list
//! (`type`, `format`, `title`, `description`, `nullable`, `enum`, `properties`, `required`,
//! `items`, `minItems`, `maxItems`, `minLength`, `maxLength`, `pattern`, `minimum`, `maximum`,
//! `minProperties`, `maxProperties`, `anyOf`, `default`). Lowering rules:
//!
//! - types are the upper-case enum names the REST reference documents (`STRING`, `OBJECT`, ...);
//!   a type array becomes one type plus `nullable: true`, or `anyOf` of one branch per type;
//!   `anyOf`/`oneOf` branches that are only `null` become `nullable: true` on the node;
//! - `$ref` is inlined. A definition may appear at most [`MAX_REF_REPEATS`] times on one path and
//!   a declaration at most [`node_budget`] nodes; past that the reference is cut to an `OBJECT`
//!   without properties (or "any value") with a description saying it was not expanded. The
//!   budget is tied to the model's per-tool schema budget (`RenderOptions::max_schema_nodes`,
//!   the model's `ModelOptions::max_schema_nodes`): [`INLINE_FACTOR`] times the canonical
//!   schema's nodes, within a quarter of that budget and the budget itself (never below the
//!   canonical schema's own size). So a Gemini declaration is no larger than the most the model
//!   lets a canonical schema carry: a floor of 2,000 nodes per tool made inlining Microsoft
//!   Graph's dense, cyclic entity graph half a gigabyte of declarations (a 110-node canonical
//!   schema grew to 1,800), while tools of ordinary APIs (GitHub, Stripe) inline in full;
//! - `enum` holds strings only, with `type: STRING` (Gemini allows enums on STRING only); enums of
//!   other values are dropped and listed in the description ("one of: 1, 2, 3"), as is `const`;
//! - no `additionalProperties`: an open map becomes an `OBJECT` without `properties` (a free-form
//!   object) and its value schema is described; an object with no properties has no
//!   `properties` key (Gemini rejects an empty one); `required` only names existing properties;
//! - formats Gemini knows (`date-time`; `int32`/`int64`; `float`/`double`) stay, others and the
//!   constraints Gemini lacks (`exclusiveMinimum`, `multipleOf`, `uniqueItems`, content
//!   encodings, non-primitive defaults, `deprecated`, examples) move into the description;
//! - an unconstrained value (`{}`) becomes `anyOf` of the JSON types (the API needs a type);
//! - `allOf` of objects is merged (properties and required); otherwise its first branch is used
//!   and the rest described;
//! - a tool without input properties has no `parameters` at all.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value, json};

use super::schema::{
    MAX_DEPTH, View, constraint_phrase, json_type_matches, ordered, push_ptr, resolve_ref,
    short_json, split_type_array, type_names, with_phrases,
};
use super::size::schema_nodes;
use super::wire::{Field, Wire};
use super::{Shaped, ToolDef};

/// Times one definition may be expanded along a single path (so a tree shows two levels).
pub(crate) const MAX_REF_REPEATS: usize = 2;
/// Schema nodes emitted per declaration before further references are cut, at most (also when
/// the schema budget is unlimited).
pub(crate) const MAX_NODES: usize = 20_000;
/// How many times its canonical schema's nodes a declaration may grow to by inlining.
pub(crate) const INLINE_FACTOR: usize = 4;

/// Nodes a declaration may emit before references are cut: [`INLINE_FACTOR`] times the schema
/// nodes of the canonical input schema (with its `$defs`, counted by [`schema_nodes`]), within a
/// quarter of `schema_budget` (the model's per-tool budget, at most [`MAX_NODES`]) and all of it,
/// and at least the canonical schema's own nodes.
pub(crate) fn node_budget(input_schema: &Value, schema_budget: usize) -> usize {
    let cap = schema_budget.clamp(1, MAX_NODES);
    let own = schema_nodes(input_schema, MAX_NODES);
    own.saturating_mul(INLINE_FACTOR)
        .clamp(cap / 4, cap)
        .max(own)
}

/// Renders one tool as a FunctionDeclaration, inlining within [`node_budget`] of
/// `schema_budget`.
pub(crate) fn render<'a>(tool: &ToolDef<'a>, schema_budget: usize) -> Shaped<'a> {
    let mut w = Walker {
        root: tool.input_schema,
        notes: Vec::new(),
        cuts: BTreeMap::new(),
        nodes: 0,
        budget: node_budget(tool.input_schema, schema_budget),
        stack: Vec::new(),
    };
    let mut decl = Wire::default();
    decl.push("name", Field::Str(tool.name));
    decl.push("description", Field::Text(super::full_description(tool)));
    let has_props = tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty());
    if has_props {
        let mut params = w.node(tool.input_schema, "", 0);
        // The tool description already describes the input; a root title is noise.
        params.remove("description");
        params.remove("title");
        if let Some(Value::Object(ps)) = params.get("properties") {
            for k in ps.keys() {
                if !param_name_ok(k) {
                    w.notes.push(format!(
                        "/properties/{k}: name Gemini may reject (needs ^[a-zA-Z_][a-zA-Z0-9_]{{0,63}}$)"
                    ));
                }
            }
        }
        if params.get("type").and_then(Value::as_str) == Some("OBJECT")
            && params.contains_key("properties")
        {
            decl.push("parameters", Field::Value(Value::Object(params)));
        } else {
            w.notes
                .push("input schema is not an object with properties; parameters omitted".into());
        }
    }
    let mut notes = w.notes;
    for (msg, (first, n)) in w.cuts {
        notes.push(if n == 1 {
            format!("{first}: {msg}")
        } else {
            format!("{first} (and {} more places): {msg}", n - 1)
        });
    }
    Shaped {
        tool: decl,
        strict: false,
        notes,
    }
}

fn param_name_ok(k: &str) -> bool {
    let mut b = k.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && k.len() <= 64
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

struct Walker<'a> {
    root: &'a Value,
    notes: Vec<String>,
    /// Cut references: message -> (first pointer, count), reported once each.
    cuts: BTreeMap<String, (String, usize)>,
    nodes: usize,
    /// Nodes this declaration may emit before references are cut ([`node_budget`]).
    budget: usize,
    stack: Vec<&'a str>,
}

fn gemini_type(t: &str) -> Option<&'static str> {
    Some(match t {
        "string" => "STRING",
        "integer" => "INTEGER",
        "number" => "NUMBER",
        "boolean" => "BOOLEAN",
        "array" => "ARRAY",
        "object" => "OBJECT",
        _ => return None,
    })
}

/// A value of any JSON type, for `{}` schemas.
fn any_value(desc: Option<String>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "description".into(),
        Value::String(desc.unwrap_or_else(|| "Any JSON value.".into())),
    );
    m.insert(
        "anyOf".into(),
        json!([{"type": "STRING"}, {"type": "NUMBER"}, {"type": "BOOLEAN"}, {"type": "OBJECT"},
               {"type": "ARRAY", "items": {"type": "STRING"}}]),
    );
    m
}

fn is_null_only(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.get("type").and_then(Value::as_str) == Some("null")
                || m.get("const").is_some_and(Value::is_null)
                || matches!(m.get("enum"), Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_null))
        }
        _ => false,
    }
}

impl<'a> Walker<'a> {
    fn node(&mut self, v: &'a Value, ptr: &str, depth: usize) -> Map<String, Value> {
        self.nodes += 1;
        let Value::Object(m) = v else {
            return any_value(None);
        };
        if depth > MAX_DEPTH {
            self.notes
                .push(format!("{ptr}: nested too deeply; cut to any value"));
            return any_value(None);
        }
        let map = m;
        let m = &View::new(map);
        let desc = m.get("description").and_then(Value::as_str);
        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
            return self.reference(m, r, ptr, depth);
        }
        if let Some(Value::Array(ts)) = m.get("type") {
            let non_null = ts.iter().filter(|t| t.as_str() != Some("null")).count();
            if non_null > 1
                && let Some(w) = split_type_array(map)
            {
                return self.node_owned(Value::Object(w), ptr, depth);
            }
        }
        let has_type = m.contains_key("type") || m.contains_key("properties");
        if !has_type {
            for kw in ["anyOf", "oneOf", "allOf"] {
                if let Some(Value::Array(bs)) = m.get(kw)
                    && !bs.is_empty()
                {
                    return self.composition(m, kw, bs, ptr, depth);
                }
            }
        } else {
            for kw in ["anyOf", "oneOf", "allOf"] {
                if m.contains_key(kw) {
                    self.notes.push(format!(
                        "{}: `{kw}` beside `type` not expressible; only the typed part is shown",
                        if ptr.is_empty() { "/" } else { ptr }
                    ));
                }
            }
        }
        self.typed(m, desc, ptr, depth)
    }

    /// Lowers a schema built during lowering (split type arrays). It lives only for this call,
    /// so it is walked by a short-lived walker that shares the root, the node count and a copy of
    /// the `$ref` path.
    fn node_owned(&mut self, v: Value, ptr: &str, depth: usize) -> Map<String, Value> {
        // Borrowed sub-walk with a fresh stack view: refs inside still resolve against the root.
        let mut sub = Walker {
            root: self.root,
            notes: Vec::new(),
            cuts: std::mem::take(&mut self.cuts),
            nodes: self.nodes,
            budget: self.budget,
            stack: self.stack.clone(),
        };
        let out = sub.node(&v, ptr, depth + 1);
        self.nodes = sub.nodes;
        self.notes.append(&mut sub.notes);
        self.cuts = sub.cuts;
        out
    }

    fn reference(
        &mut self,
        m: &View<'a>,
        r: &'a str,
        ptr: &str,
        depth: usize,
    ) -> Map<String, Value> {
        let sibling_desc = m.get("description").and_then(Value::as_str);
        let Some(target) = resolve_ref(self.root, r) else {
            self.notes
                .push(format!("{ptr}: unresolvable $ref {r}; cut to any value"));
            return any_value(sibling_desc.map(str::to_string));
        };
        let repeats = self.stack.iter().filter(|s| **s == r).count();
        if repeats >= MAX_REF_REPEATS || self.nodes >= self.budget {
            let name = crate::pointer::ref_label(r);
            let why = if repeats >= MAX_REF_REPEATS {
                "recursive"
            } else {
                "size limit"
            };
            let entry = self.cuts.entry(format!("$ref {r} not expanded ({why})"));
            entry.or_insert_with(|| (ptr.to_string(), 0)).1 += 1;
            let base = sibling_desc.or_else(|| target.get("description").and_then(Value::as_str));
            let note = if repeats >= MAX_REF_REPEATS {
                format!("recursive {name}; deeper levels not shown")
            } else {
                format!("{name}; not shown, tool too large")
            };
            let d = with_phrases(base, &[note]);
            let is_obj = target
                .as_object()
                .is_some_and(|t| type_names(t).contains(&"object") || t.contains_key("properties"));
            return if is_obj {
                let mut o = Map::new();
                o.insert("type".into(), Value::String("OBJECT".into()));
                if let Some(d) = d {
                    o.insert("description".into(), Value::String(d));
                }
                o
            } else {
                any_value(d)
            };
        }
        self.stack.push(r);
        let mut out = self.node(target, ptr, depth + 1);
        self.stack.pop();
        let mut phrases = Vec::new();
        for k in ["default", "deprecated", "examples"] {
            if let Some(v) = m.get(k) {
                phrases.extend(constraint_phrase(k, v));
            }
        }
        if sibling_desc.is_some() || !phrases.is_empty() {
            let base = sibling_desc.or_else(|| out.get("description").and_then(Value::as_str));
            if let Some(d) = with_phrases(base, &phrases) {
                out.insert("description".into(), Value::String(d));
            }
        }
        if let Some(Value::String(t)) = m.get("title") {
            out.insert("title".into(), Value::String(t.clone()));
        }
        ordered(out)
    }

    fn composition(
        &mut self,
        m: &View<'a>,
        kw: &str,
        branches: &'a [Value],
        ptr: &str,
        depth: usize,
    ) -> Map<String, Value> {
        let base = push_ptr(ptr, kw);
        let nullable = kw != "allOf" && branches.iter().any(is_null_only);
        let lowered: Vec<Map<String, Value>> = branches
            .iter()
            .enumerate()
            .filter(|(_, b)| kw == "allOf" || !is_null_only(b))
            .map(|(i, b)| self.node(b, &push_ptr(&base, &i.to_string()), depth + 1))
            .collect();
        let mut phrases = Vec::new();
        let mut out = if kw == "allOf" {
            self.merge_all_of(lowered, ptr, &mut phrases)
        } else if lowered.len() == 1 {
            lowered.into_iter().next().unwrap_or_default()
        } else if lowered.is_empty() {
            // Only null allowed: Gemini has no null-only type.
            let mut o = Map::new();
            o.insert("type".into(), Value::String("STRING".into()));
            phrases.push("always null".into());
            o
        } else {
            let mut o = Map::new();
            o.insert(
                "anyOf".into(),
                Value::Array(lowered.into_iter().map(Value::Object).collect()),
            );
            o
        };
        if nullable {
            out.insert("nullable".into(), Value::Bool(true));
        }
        self.annotations(m, &mut out, &mut phrases);
        let own = m.get("description").and_then(Value::as_str);
        let base_desc = own.or_else(|| out.get("description").and_then(Value::as_str));
        if let Some(d) = with_phrases(base_desc, &phrases) {
            out.insert("description".into(), Value::String(d));
        }
        ordered(out)
    }

    fn merge_all_of(
        &mut self,
        parts: Vec<Map<String, Value>>,
        ptr: &str,
        phrases: &mut Vec<String>,
    ) -> Map<String, Value> {
        let all_objects = parts
            .iter()
            .all(|p| p.get("type").and_then(Value::as_str) == Some("OBJECT"));
        let mut it = parts.into_iter();
        let Some(mut first) = it.next() else {
            return any_value(None);
        };
        if !all_objects {
            let rest = it.count();
            if rest > 0 {
                self.notes.push(format!(
                    "{}: allOf of non-objects; only the first branch is shown",
                    if ptr.is_empty() { "/" } else { ptr }
                ));
                phrases.push(format!("must also satisfy {rest} further constraint(s)"));
            }
            return first;
        }
        for p in it {
            if let Some(Value::Object(ps)) = p.get("properties") {
                let target = first
                    .entry("properties")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(t) = target {
                    for (k, v) in ps {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
            if let Some(Value::Array(req)) = p.get("required") {
                let target = first
                    .entry("required")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(t) = target {
                    for r in req {
                        if !t.contains(r) {
                            t.push(r.clone());
                        }
                    }
                }
            }
        }
        first
    }

    fn typed(
        &mut self,
        m: &View<'a>,
        desc: Option<&str>,
        ptr: &str,
        depth: usize,
    ) -> Map<String, Value> {
        let names = type_names(m.map());
        let mut nullable = names.contains(&"null");
        let mut t = names.iter().find(|t| **t != "null").copied();
        if t.is_none() && m.contains_key("properties") {
            t = Some("object");
        }
        let mut out = Map::new();
        let mut phrases = Vec::new();
        // enum / const
        let mut enum_vals: Option<Vec<Value>> = None;
        if let Some(Value::Array(e)) = m.get("enum") {
            enum_vals = Some(e.clone());
        } else if let Some(c) = m.get("const") {
            enum_vals = Some(vec![c.clone()]);
        }
        if let Some(vals) = enum_vals {
            if vals.iter().any(Value::is_null) {
                nullable = true;
            }
            let non_null: Vec<Value> = vals.into_iter().filter(|v| !v.is_null()).collect();
            let all_strings = !non_null.is_empty() && non_null.iter().all(Value::is_string);
            if all_strings && matches!(t, None | Some("string")) {
                t = Some("string");
                out.insert("enum".into(), Value::Array(non_null));
            } else if !non_null.is_empty() {
                if t.is_none() {
                    t = infer_type(&non_null);
                }
                let shown: Vec<String> = non_null.iter().map(short_json).collect();
                phrases.push(if shown.len() == 1 {
                    format!("must be {}", shown.join(""))
                } else {
                    format!("one of: {}", shown.join(", "))
                });
            }
        }
        let Some(t) = t else {
            let mut o = any_value(with_phrases(desc, &phrases));
            if nullable {
                o.insert("nullable".into(), Value::Bool(true));
            }
            return ordered(o);
        };
        let Some(gt) = gemini_type(t) else {
            return any_value(desc.map(str::to_string));
        };
        out.insert("type".into(), Value::String(gt.into()));
        if nullable {
            out.insert("nullable".into(), Value::Bool(true));
        }
        match t {
            "object" => self.object(m, &mut out, &mut phrases, ptr, depth),
            "array" => {
                let items = match m.get("items") {
                    Some(items) => self.node(items, &push_ptr(ptr, "items"), depth + 1),
                    None => any_value(None),
                };
                out.insert("items".into(), Value::Object(items));
            }
            _ => {}
        }
        self.constraints(m, t, &mut out, &mut phrases);
        self.annotations(m, &mut out, &mut phrases);
        if let Some(d) = with_phrases(desc, &phrases) {
            out.insert("description".into(), Value::String(d));
        }
        ordered(out)
    }

    fn object(
        &mut self,
        m: &View<'a>,
        out: &mut Map<String, Value>,
        phrases: &mut Vec<String>,
        ptr: &str,
        depth: usize,
    ) {
        let base = push_ptr(ptr, "properties");
        let mut props = Map::new();
        if let Some(Value::Object(ps)) = m.get("properties") {
            for (k, s) in ps {
                let l = self.node(s, &push_ptr(&base, k), depth + 1);
                props.insert(k.clone(), Value::Object(l));
            }
        }
        if let Some(Value::Array(req)) = m.get("required") {
            let mut seen = HashSet::new();
            let req: Vec<Value> = req
                .iter()
                .filter(|r| {
                    r.as_str()
                        .is_some_and(|r| props.contains_key(r) && seen.insert(r))
                })
                .cloned()
                .collect();
            if !req.is_empty() {
                out.insert("required".into(), Value::Array(req));
            }
        }
        match m.get("additionalProperties") {
            Some(Value::Object(ap)) if !ap.is_empty() => {
                let what = ap
                    .get("type")
                    .and_then(Value::as_str)
                    .map(|t| format!("{t} values"))
                    .or_else(|| {
                        ap.get("$ref")
                            .and_then(Value::as_str)
                            .map(|r| format!("{} values", crate::pointer::ref_label(r)))
                    })
                    .unwrap_or_else(|| "values".into());
                phrases.push(format!("map of string keys to {what}"));
            }
            Some(Value::Bool(true)) if !props.is_empty() => {
                phrases.push("additional keys allowed".into());
            }
            _ => {}
        }
        if !props.is_empty() {
            out.insert("properties".into(), Value::Object(props));
        }
    }

    fn constraints(
        &mut self,
        m: &View<'_>,
        t: &str,
        out: &mut Map<String, Value>,
        phrases: &mut Vec<String>,
    ) {
        if let Some(Value::String(f)) = m.get("format") {
            let known = match t {
                "string" => f == "date-time",
                "integer" => f == "int32" || f == "int64",
                "number" => f == "float" || f == "double",
                _ => false,
            };
            if known {
                out.insert("format".into(), Value::String(f.clone()));
            } else {
                phrases.extend(constraint_phrase("format", &Value::String(f.clone())));
            }
        }
        let int_kw: &[&str] = match t {
            "string" => &["minLength", "maxLength"],
            "array" => &["minItems", "maxItems"],
            "object" => &["minProperties", "maxProperties"],
            _ => &[],
        };
        for k in int_kw {
            if let Some(v) = m.get(k) {
                if v.is_u64() {
                    out.insert((*k).to_string(), v.clone());
                } else {
                    phrases.extend(constraint_phrase(k, v));
                }
            }
        }
        if t == "string"
            && let Some(p @ Value::String(_)) = m.get("pattern")
        {
            out.insert("pattern".into(), p.clone());
        }
        if t == "integer" || t == "number" {
            for k in ["minimum", "maximum"] {
                if let Some(v) = m.get(k).filter(|v| v.is_number()) {
                    out.insert(k.into(), v.clone());
                }
            }
            for k in ["exclusiveMinimum", "exclusiveMaximum", "multipleOf"] {
                if let Some(v) = m.get(k) {
                    phrases.extend(constraint_phrase(k, v));
                }
            }
        }
        if t == "array"
            && let Some(v) = m.get("uniqueItems")
        {
            phrases.extend(constraint_phrase("uniqueItems", v));
        }
        if let Some(d) = m.get("default") {
            let primitive = !(d.is_object() || d.is_array());
            if primitive && json_type_matches(d, t) {
                out.insert("default".into(), d.clone());
            } else if !d.is_null() {
                phrases.extend(constraint_phrase("default", d));
            }
        }
    }

    /// Keywords that are prose on every node type.
    fn annotations(
        &mut self,
        m: &View<'_>,
        out: &mut Map<String, Value>,
        phrases: &mut Vec<String>,
    ) {
        if let Some(Value::String(t)) = m.get("title") {
            out.insert("title".into(), Value::String(t.clone()));
        }
        for k in [
            "contentEncoding",
            "contentMediaType",
            "deprecated",
            "examples",
        ] {
            if let Some(v) = m.get(k) {
                phrases.extend(constraint_phrase(k, v));
            }
        }
    }
}

fn infer_type(vals: &[Value]) -> Option<&'static str> {
    let first = vals.first()?;
    let t = if first.is_boolean() {
        "boolean"
    } else if vals.iter().all(|v| json_type_matches(v, "integer")) {
        "integer"
    } else if first.is_number() {
        "number"
    } else if first.is_string() {
        "string"
    } else if first.is_array() {
        "array"
    } else {
        "object"
    };
    vals.iter().all(|v| json_type_matches(v, t)).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{DEFAULT_MAX_SCHEMA_NODES, Rendered};

    fn params(schema: Value) -> Rendered {
        let t = ToolDef {
            name: "t",
            title: None,
            description: "d",
            input_schema: &schema,
            method: None,
            deprecated: false,
        };
        render(&t, DEFAULT_MAX_SCHEMA_NODES).into_rendered()
    }

    fn prop(schema: Value) -> Value {
        let r = params(json!({"type": "object", "properties": {"p": schema}, "required": ["p"]}));
        r.tool["parameters"]["properties"]["p"].clone()
    }

    #[test]
    fn zero_argument_tools_have_no_parameters() {
        let r = params(json!({"type": "object", "properties": {}, "additionalProperties": false}));
        assert_eq!(r.tool, json!({"name": "t", "description": "d"}));
    }

    #[test]
    fn type_arrays_become_nullable_or_any_of() {
        assert_eq!(
            prop(json!({"type": ["string", "null"]})),
            json!({"type": "STRING", "nullable": true})
        );
        assert_eq!(
            prop(json!({"type": ["string", "integer", "null"], "minimum": 1})),
            json!({"nullable": true, "anyOf": [{"type": "STRING"}, {"type": "INTEGER", "minimum": 1}]})
        );
        assert_eq!(
            prop(json!({"anyOf": [{"type": "integer"}, {"type": "null"}], "description": "n"})),
            json!({"type": "INTEGER", "description": "n", "nullable": true})
        );
    }

    #[test]
    fn enums_are_strings_only() {
        assert_eq!(
            prop(json!({"enum": ["a", "b", null]})),
            json!({"type": "STRING", "nullable": true, "enum": ["a", "b"]})
        );
        assert_eq!(
            prop(json!({"type": "integer", "enum": [1, 2]})),
            json!({"type": "INTEGER", "description": "(one of: 1, 2)"})
        );
        assert_eq!(
            prop(json!({"const": "x"})),
            json!({"type": "STRING", "enum": ["x"]})
        );
        assert_eq!(
            prop(json!({"const": true})),
            json!({"type": "BOOLEAN", "description": "(must be true)"})
        );
    }

    #[test]
    fn maps_and_empty_objects_have_no_properties_key() {
        assert_eq!(
            prop(json!({"type": "object", "additionalProperties": {"type": "integer"}})),
            json!({"type": "OBJECT", "description": "(map of string keys to integer values)"})
        );
        assert_eq!(
            prop(json!({"type": "object", "properties": {}})),
            json!({"type": "OBJECT"})
        );
        assert_eq!(
            prop(
                json!({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a", "zz"]})
            ),
            json!({"type": "OBJECT", "properties": {"a": {"type": "STRING"}}, "required": ["a"]})
        );
    }

    #[test]
    fn refs_are_inlined_and_recursion_is_cut() {
        let s = json!({"type": "object", "properties": {"n": {"$ref": "#/$defs/N", "description": "root"}},
            "$defs": {"N": {"type": "object", "description": "A node.",
                "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/N"}}}}}});
        let r = params(s);
        let n = &r.tool["parameters"]["properties"]["n"];
        assert_eq!(n["description"], "root");
        let lvl2 = &n["properties"]["kids"]["items"];
        assert_eq!(lvl2["description"], "A node.");
        let cut = &lvl2["properties"]["kids"]["items"];
        assert_eq!(
            cut,
            &json!({"type": "OBJECT", "description": "A node. (recursive N; deeper levels not shown)"})
        );
        assert!(r.notes.iter().any(|n| n.contains("recursive")));
    }

    #[test]
    fn unsupported_constraints_and_formats_are_described() {
        assert_eq!(
            prop(
                json!({"type": "string", "format": "email", "maxLength": 5, "contentEncoding": "base64"})
            ),
            json!({"type": "STRING", "description": "(format: email, base64-encoded)", "maxLength": 5})
        );
        assert_eq!(
            prop(
                json!({"type": "integer", "format": "int64", "exclusiveMinimum": 0, "default": 3})
            ),
            json!({"type": "INTEGER", "description": "(greater than 0)", "format": "int64", "default": 3})
        );
        assert_eq!(prop(json!({})), Value::Object(any_value(None)));
        assert_eq!(
            prop(json!({"type": "array"}))["items"],
            Value::Object(any_value(None))
        );
    }

    #[test]
    fn all_of_objects_merge() {
        let s = json!({"allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"type": "object", "properties": {"b": {"type": "string"}}, "required": ["b"]}]});
        assert_eq!(
            prop(s),
            json!({"type": "OBJECT", "properties": {"a": {"type": "STRING"}, "b": {"type": "STRING"}},
                   "required": ["a", "b"]})
        );
    }

    /// Counts the nodes of a declaration's `parameters`.
    fn emitted(v: &Value) -> usize {
        schema_nodes(v, usize::MAX)
    }

    #[test]
    fn inlining_a_shared_cyclic_graph_stays_within_the_schema_budget() {
        // Sixty definitions, each referring to the next two (cyclic): expanding every reference
        // twice per path would be exponential; the declaration is cut at the budget.
        let defs: Map<String, Value> = (0..60)
            .map(|i| {
                let prop = |j: usize| json!({"$ref": format!("#/$defs/D{}", (i + j) % 60)});
                let d = json!({"type": "object", "properties": {"a": prop(1), "b": prop(2),
                    "s": {"type": "string"}}});
                (format!("D{i}"), d)
            })
            .collect();
        let s = json!({"type": "object", "properties": {"root": {"$ref": "#/$defs/D0"}},
            "$defs": defs});
        let budget = node_budget(&s, DEFAULT_MAX_SCHEMA_NODES);
        assert_eq!(
            budget,
            4 * schema_nodes(&s, usize::MAX),
            "four times the canonical schema"
        );
        let r = params(s.clone());
        let n = emitted(&r.tool["parameters"]);
        // References are cut once the budget is spent; the members of definitions already
        // entered still show, so the total stays within a small multiple of the budget.
        assert!(n <= 3 * budget, "{n} nodes emitted, budget {budget}");
        assert!(n >= budget / 2, "{n} nodes emitted, budget {budget}");
        assert!(
            r.notes.iter().any(|n| n.contains("size limit")),
            "{:?}",
            r.notes
        );
        // A smaller schema budget (the model's `max_schema_nodes`) cuts sooner, but never
        // below the canonical schema's own size.
        let t = ToolDef {
            name: "t",
            title: None,
            description: "d",
            input_schema: &s,
            method: None,
            deprecated: false,
        };
        let own = schema_nodes(&s, usize::MAX);
        assert_eq!(node_budget(&s, 100), own);
        let small = render(&t, 100).into_rendered();
        let n_small = emitted(&small.tool["parameters"]);
        assert!(n_small < n && n_small <= 3 * own, "{n_small} of {n}");
        // Small schemas get a quarter of the budget; large ones their own size, capped.
        assert_eq!(node_budget(&json!({"type": "object"}), 2000), 500);
        let big: Map<String, Value> = (0..4000)
            .map(|i| (format!("p{i}"), json!({"type": "string"})))
            .collect();
        let big = json!({"type": "object", "properties": big});
        assert_eq!(node_budget(&big, 2000), 4001);
        assert_eq!(node_budget(&big, usize::MAX), 4 * 4001);
        let huge: Map<String, Value> = (0..30_000)
            .map(|i| (format!("p{i}"), json!({"type": "string"})))
            .collect();
        assert!(node_budget(&json!({"properties": huge}), usize::MAX) > MAX_NODES);
    }
}
