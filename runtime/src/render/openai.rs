//! OpenAI function tools (Chat Completions and Responses).
//!
//! Both APIs take the same function definition; Chat nests it under `"function"`, Responses
//! flattens it. We emit `strict: true` whenever the schema lowers into the Structured Outputs
//! subset ([`super::strict`] with [`PROFILE`]) within the documented limits (object nesting depth
//! 10, 5,000 properties, 1,000 enum values, 120,000 characters of names and enum values, 15,000
//! characters for one enum of more than 250 strings). Otherwise the tool is `strict: false`, its
//! parameters are the canonical schema (optional properties stay optional) with only what the API
//! rejects even in non-strict mode repaired (arrays without `items`), and
//! [`super::Rendered::notes`] says why strict mode was not possible.
//!
//! `strict` is always written out: the Responses API otherwise *infers* strict mode.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::canonical::{Canonical, Schema};
use super::schema::{MAX_DEPTH, push_ptr, resolve_ref, truncate_chars, type_names};
use super::strict::{self, DefCache, Profile};
use super::wire::{Field, Wire};
use super::{Shaped, ToolDef};

/// OpenAI's documented maximum function description length.
pub(crate) const MAX_DESCRIPTION: usize = 1024;

/// Structured Outputs: supported keywords and string formats.
pub(crate) const PROFILE: Profile = Profile {
    all_required: true,
    kept: &[
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
    ],
    formats: &[
        "date-time",
        "time",
        "date",
        "duration",
        "email",
        "hostname",
        "ipv4",
        "ipv6",
        "uuid",
    ],
    max_min_items: None,
    allow_recursion: true,
    single_types: false,
    wrap_ref_description: true,
    check_patterns: true,
};

/// The `parameters`, strictness and notes shared by both OpenAI shapes (computed once when a
/// tool set is rendered for both).
pub(crate) struct Parameters<'a> {
    pub schema: Schema<'a>,
    pub strict: bool,
    pub notes: Vec<String>,
}

/// Lowers a canonical input schema for OpenAI: strict when possible, else the repaired canonical
/// schema (borrowed when it needs no repair). `defs` holds the definitions lowered for earlier
/// tools of the set (only ever under [`PROFILE`]).
pub(crate) fn parameters<'a>(input: &'a Value, defs: &mut DefCache) -> Parameters<'a> {
    let lowered = strict::lower_cached(input, &PROFILE, defs);
    let mut blockers = lowered.blockers;
    if blockers.is_empty() {
        blockers.extend(limit_problems(&lowered.schema));
    }
    if blockers.is_empty() {
        return Parameters {
            schema: Schema::Owned(lowered.schema),
            strict: true,
            notes: lowered.notes,
        };
    }
    let mut notes: Vec<String> = blockers
        .into_iter()
        .map(|b| format!("strict mode not possible: {b}"))
        .collect();
    let mut missing = Vec::new();
    missing_items(input, String::new(), 0, &mut missing);
    let schema = if missing.is_empty() {
        Schema::Canonical(input)
    } else {
        let mut schema = Canonical(input).to_value();
        for ptr in &missing {
            if let Some(Value::Object(m)) = schema.pointer_mut(ptr) {
                m.insert("items".into(), json!({}));
                notes.push("array without `items` given `items: {}`".into());
            }
        }
        Schema::Owned(schema)
    };
    Parameters {
        schema,
        strict: false,
        notes,
    }
}

/// `{"type":"function","function":{name, description, parameters, strict}}`.
pub(crate) fn chat<'a>(tool: &ToolDef<'a>, parameters: Field<'a>, strict: bool) -> Wire<'a> {
    let mut f = Wire::default();
    f.push("name", Field::Str(tool.name));
    f.push("description", Field::Text(description(tool)));
    f.push("parameters", parameters);
    f.push("strict", Field::Bool(strict));
    let mut w = Wire::default();
    w.push("type", Field::Str("function"));
    w.push("function", Field::Object(f));
    w
}

/// `{"type":"function", name, description, parameters, strict}`.
pub(crate) fn responses<'a>(tool: &ToolDef<'a>, parameters: Field<'a>, strict: bool) -> Wire<'a> {
    let mut w = Wire::default();
    w.push("type", Field::Str("function"));
    w.push("name", Field::Str(tool.name));
    w.push("description", Field::Text(description(tool)));
    w.push("parameters", parameters);
    w.push("strict", Field::Bool(strict));
    w
}

/// One tool in either shape, owning its parameters.
pub(crate) fn render<'a>(tool: &ToolDef<'a>, nested: bool, defs: &mut DefCache) -> Shaped<'a> {
    let p = parameters(tool.input_schema, defs);
    let shape = if nested { chat } else { responses };
    Shaped {
        tool: shape(tool, Field::Schema(p.schema), p.strict),
        strict: p.strict,
        notes: p.notes,
    }
}

fn description(tool: &ToolDef) -> String {
    truncate_chars(&super::full_description(tool), MAX_DESCRIPTION)
}

/// Non-strict OpenAI still rejects `{"type": "array"}` without `items`: collects the pointers of
/// such arrays, which get `items: {}` (any value), what the missing keyword means.
fn missing_items(v: &Value, ptr: String, depth: usize, out: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    let Value::Object(m) = v else { return };
    if type_names(m).contains(&"array") && !m.contains_key("items") {
        out.push(ptr.clone());
    }
    for (k, sub) in m {
        match (k.as_str(), sub) {
            ("properties" | "$defs", Value::Object(ps)) => {
                let base = push_ptr(&ptr, k);
                for (name, s) in ps {
                    missing_items(s, push_ptr(&base, name), depth + 1, out);
                }
            }
            ("items" | "additionalProperties" | "not", s) => {
                missing_items(s, push_ptr(&ptr, k), depth + 1, out);
            }
            ("anyOf" | "oneOf" | "allOf", Value::Array(a)) => {
                let base = push_ptr(&ptr, k);
                for (i, s) in a.iter().enumerate() {
                    missing_items(s, push_ptr(&base, &i.to_string()), depth + 1, out);
                }
            }
            _ => {}
        }
    }
}

/// Structured Outputs size limits, measured on the lowered schema the way OpenAI documents them.
fn limit_problems(schema: &Value) -> Vec<String> {
    let mut c = Counts::default();
    count(schema, &mut c, 0);
    if let Some(Value::Object(defs)) = schema.get("$defs") {
        c.strlen += defs.keys().map(String::len).sum::<usize>();
    }
    let mut out = Vec::new();
    if c.props > 5000 {
        out.push(format!("{} object properties (limit 5000)", c.props));
    }
    if c.enum_values > 1000 {
        out.push(format!("{} enum values (limit 1000)", c.enum_values));
    }
    if c.strlen > 120_000 {
        out.push(format!(
            "{} characters of property names and enum values (limit 120000)",
            c.strlen
        ));
    }
    if c.big_enum {
        out.push("an enum of more than 250 strings totals more than 15000 characters".into());
    }
    let mut budget = DEPTH_BUDGET;
    let depth = if strict::ref_cycle(schema).is_none() {
        // Without cycles "each ref once per path" is plain depth, so one memo per ref is exact
        // and keeps this linear on heavily shared definitions.
        object_depth_memo(schema, schema, &mut HashMap::new(), &mut budget, 0)
    } else {
        object_depth(schema, schema, &mut Vec::new(), &mut budget, 0)
    };
    match depth {
        Some(d) if d > 10 => out.push(format!("object nesting depth {d} (limit 10)")),
        Some(_) => {}
        None => out.push("object nesting depth could not be bounded".into()),
    }
    out
}

#[derive(Default)]
struct Counts {
    props: usize,
    strlen: usize,
    enum_values: usize,
    big_enum: bool,
}

fn count(v: &Value, c: &mut Counts, depth: usize) {
    let Value::Object(m) = v else { return };
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(Value::Object(ps)) = m.get("properties") {
        c.props += ps.len();
        c.strlen += ps.keys().map(String::len).sum::<usize>();
        ps.values().for_each(|s| count(s, c, depth + 1));
    }
    if let Some(Value::Array(e)) = m.get("enum") {
        c.enum_values += e.len();
        let len: usize = e.iter().map(value_len).sum();
        c.strlen += len;
        if e.len() > 250 && e.iter().all(Value::is_string) && len > 15_000 {
            c.big_enum = true;
        }
    }
    if let Some(k) = m.get("const") {
        c.strlen += value_len(k);
    }
    for k in ["items", "additionalProperties"] {
        if let Some(s) = m.get(k) {
            count(s, c, depth + 1);
        }
    }
    if let Some(Value::Array(a)) = m.get("anyOf") {
        a.iter().for_each(|s| count(s, c, depth + 1));
    }
    if let Some(Value::Object(defs)) = m.get("$defs") {
        defs.values().for_each(|s| count(s, c, depth + 1));
    }
}

/// Length of a value as Python's `str()` would print it, close enough for the limit.
fn value_len(v: &Value) -> usize {
    match v {
        Value::String(s) => s.chars().count(),
        Value::Null => 4,
        other => other.to_string().len(),
    }
}

/// Node visits allowed for the depth measure: following each `$ref` once per path can be
/// exponential on heavily shared definitions, so the walk gives up (non-strict) past this.
const DEPTH_BUDGET: usize = 200_000;

/// Largest number of nested object schemas on any path, following each `$ref` at most once per
/// path (a recursive definition counts once). `None` when the budget runs out.
fn object_depth<'a>(
    v: &'a Value,
    root: &'a Value,
    path_refs: &mut Vec<&'a str>,
    budget: &mut usize,
    depth: usize,
) -> Option<usize> {
    *budget = budget.checked_sub(1)?;
    let Value::Object(m) = v else { return Some(0) };
    if depth > MAX_DEPTH {
        return Some(0);
    }
    if let Some(r) = m.get("$ref").and_then(Value::as_str) {
        if path_refs.contains(&r) {
            return Some(0);
        }
        let Some(target) = resolve_ref(root, r) else {
            return Some(0);
        };
        path_refs.push(r);
        let d = object_depth(target, root, path_refs, budget, depth + 1);
        path_refs.pop();
        return d;
    }
    let here = usize::from(
        type_names(m).contains(&"object") || matches!(m.get("properties"), Some(Value::Object(_))),
    );
    let mut best = 0;
    for sub in subschemas(m) {
        best = best.max(object_depth(sub, root, path_refs, budget, depth + 1)?);
    }
    Some(here + best)
}

/// [`object_depth`] for schemas without `$ref` cycles, memoised per reference.
fn object_depth_memo<'a>(
    v: &'a Value,
    root: &'a Value,
    memo: &mut HashMap<&'a str, usize>,
    budget: &mut usize,
    depth: usize,
) -> Option<usize> {
    *budget = budget.checked_sub(1)?;
    let Value::Object(m) = v else { return Some(0) };
    if depth > MAX_DEPTH {
        return Some(0);
    }
    if let Some(r) = m.get("$ref").and_then(Value::as_str) {
        if let Some(d) = memo.get(r) {
            return Some(*d);
        }
        let Some(target) = resolve_ref(root, r) else {
            return Some(0);
        };
        let d = object_depth_memo(target, root, memo, budget, depth + 1)?;
        memo.insert(r, d);
        return Some(d);
    }
    let here = usize::from(
        type_names(m).contains(&"object") || matches!(m.get("properties"), Some(Value::Object(_))),
    );
    let mut best = 0;
    for sub in subschemas(m) {
        best = best.max(object_depth_memo(sub, root, memo, budget, depth + 1)?);
    }
    Some(here + best)
}

/// The subschemas the depth measure descends into: property values, `anyOf` branches, `items`
/// and `additionalProperties`.
fn subschemas(m: &Map<String, Value>) -> impl Iterator<Item = &Value> {
    let props = m
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values());
    let any = m
        .get("anyOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let one = ["items", "additionalProperties"]
        .into_iter()
        .filter_map(|k| m.get(k));
    props.chain(any).chain(one)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nest(levels: usize) -> Value {
        let mut v = json!({"type": "string"});
        for _ in 0..levels {
            v = json!({"type": "object", "properties": {"x": v}, "required": ["x"],
                       "additionalProperties": false});
        }
        v
    }

    #[test]
    fn depth_limit_is_ten_objects() {
        assert!(parameters(&nest(10), &mut DefCache::default()).strict);
        let deep = nest(11);
        let p = parameters(&deep, &mut DefCache::default());
        assert!(!p.strict);
        assert!(
            p.notes.iter().any(|n| n.contains("nesting depth 11")),
            "{:?}",
            p.notes
        );
    }

    #[test]
    fn enum_limits_block_strict() {
        let many: Vec<String> = (0..1001).map(|i| format!("v{i}")).collect();
        let s = json!({"type": "object", "properties": {"e": {"type": "string", "enum": many}},
                       "required": ["e"], "additionalProperties": false});
        let p = parameters(&s, &mut DefCache::default());
        assert!(!p.strict);
        assert!(p.notes.iter().any(|n| n.contains("1001 enum values")));
        let long: Vec<String> = (0..300).map(|i| format!("{i:0>60}")).collect();
        let s = json!({"type": "object", "properties": {"e": {"type": "string", "enum": long}},
                       "required": ["e"], "additionalProperties": false});
        assert!(
            parameters(&s, &mut DefCache::default())
                .notes
                .iter()
                .any(|n| n.contains("more than 250 strings"))
        );
    }

    #[test]
    fn non_strict_keeps_optional_properties_and_repairs_arrays() {
        let s = json!({"type": "object", "properties": {
            "m": {"type": "object", "additionalProperties": {"type": "string"}},
            "a": {"type": "array"}}, "additionalProperties": false});
        let p = parameters(&s, &mut DefCache::default());
        assert!(!p.strict);
        let schema = p.schema.to_value();
        assert_eq!(schema.get("required"), None);
        assert_eq!(schema["properties"]["a"]["items"], json!({}));
        assert!(
            p.notes
                .iter()
                .any(|n| n.contains("/properties/m: open map")),
            "{:?}",
            p.notes
        );
    }

    #[test]
    fn recursive_depth_follows_each_ref_once_per_path() {
        let s = json!({"type": "object", "properties": {"n": {"$ref": "#/$defs/N"}},
            "required": ["n"], "additionalProperties": false,
            "$defs": {"N": {"type": "object", "properties": {"c": {"type": "array",
                "items": {"$ref": "#/$defs/N"}}}, "required": ["c"], "additionalProperties": false}}});
        let mut b = DEPTH_BUDGET;
        assert_eq!(object_depth(&s, &s, &mut Vec::new(), &mut b, 0), Some(2));
        let acyclic = json!({"type": "object", "properties": {"a": {"$ref": "#/$defs/A"},
            "b": {"$ref": "#/$defs/A"}}, "$defs": {"A": {"type": "object",
            "properties": {"c": {"type": "array", "items": {"$ref": "#/$defs/C"}}}},
            "C": {"type": "object", "properties": {"d": {"type": "string"}}}}});
        let mut b = DEPTH_BUDGET;
        let path = object_depth(&acyclic, &acyclic, &mut Vec::new(), &mut b, 0);
        let mut b = DEPTH_BUDGET;
        let memo = object_depth_memo(&acyclic, &acyclic, &mut HashMap::new(), &mut b, 0);
        assert_eq!((path, memo), (Some(3), Some(3)));
        assert!(parameters(&s, &mut DefCache::default()).strict);
    }
}
