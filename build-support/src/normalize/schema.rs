//! Schema rules: JSON Schema 2020-12 (OpenAPI 3.1) and common 3.0 quirks -> the OpenAPI 3.0
//! schema shape `openapiv3` reads. Each rule is lossless where it can be, and otherwise leaves a
//! warning at the schema's pointer: nothing is dropped silently.

use serde_json::{Map, Value, json};

use super::Cx;

/// Keywords that only mean something for one instance type: a multi-type schema is split into
/// `anyOf` branches, each taking the keywords of its type.
const STRING_KEYS: &[&str] = &[
    "minLength",
    "maxLength",
    "pattern",
    "contentEncoding",
    "contentMediaType",
];
const NUMBER_KEYS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
const OBJECT_KEYS: &[&str] = &[
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "patternProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
];
const ARRAY_KEYS: &[&str] = &[
    "items",
    "prefixItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedItems",
];

/// Keywords 3.0 has no counterpart for; they are removed with a warning saying what is lost.
const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "if",
        "conditional subschemas (if/then/else) are not carried over; the schema accepts values they would reject",
    ),
    (
        "then",
        "conditional subschemas (if/then/else) are not carried over",
    ),
    (
        "else",
        "conditional subschemas (if/then/else) are not carried over",
    ),
    (
        "dependentRequired",
        "dependentRequired is not carried over; those properties stay optional",
    ),
    ("dependentSchemas", "dependentSchemas is not carried over"),
    (
        "unevaluatedProperties",
        "unevaluatedProperties is not carried over",
    ),
    ("unevaluatedItems", "unevaluatedItems is not carried over"),
    (
        "propertyNames",
        "propertyNames is not carried over; any property name is accepted",
    ),
    ("contains", "contains is not carried over"),
    ("minContains", "minContains is not carried over"),
    ("maxContains", "maxContains is not carried over"),
    ("additionalItems", "additionalItems is not carried over"),
    (
        "$id",
        "$id is not carried over (references are resolved by JSON pointer only)",
    ),
    (
        "$anchor",
        "$anchor is not carried over (references are resolved by JSON pointer only)",
    ),
    ("$dynamicRef", "$dynamicRef is not carried over"),
    ("$dynamicAnchor", "$dynamicAnchor is not carried over"),
    ("$vocabulary", "$vocabulary is not carried over"),
];

/// Keywords holding a count that `openapiv3` reads as `usize`.
const COUNTS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

/// Normalises one schema node in place (its subschemas are visited afterwards by the walk).
pub(crate) fn schema(node: &mut Value, ptr: &str, cx: &mut Cx<'_>) {
    // 3.1 boolean schemas.
    if let Value::Bool(b) = node {
        *node = if *b { json!({}) } else { json!({"not": {}}) };
        return;
    }
    let Some(obj) = node.as_object_mut() else {
        return;
    };
    let has = Present::of(obj);
    if has.annotations {
        // Annotations for schema authors, with no effect on validation here.
        obj.remove("$schema");
        obj.remove("$comment");
    }
    if has.reference && !wrap_ref_siblings(obj) {
        return;
    }
    if has.defs {
        for key in ["$defs", "definitions"] {
            if let Some(Value::Object(defs)) = obj.remove(key) {
                cx.hoist.push((format!("{ptr}/{key}"), defs));
            }
        }
    }
    if has.required {
        required_flags(obj, ptr, cx);
    }
    if has.typ {
        types(obj, ptr, cx);
    }
    if has.konst
        && let Some(c) = obj.remove("const")
    {
        obj.insert("enum".to_owned(), Value::Array(vec![c]));
    }
    if has.exclusive {
        exclusive_bounds(obj, ptr, cx);
    }
    if has.examples
        && let Some(examples) = obj.remove("examples")
    {
        match examples {
            Value::Array(items) => {
                if let Some(first) = items.first() {
                    obj.entry("example").or_insert_with(|| first.clone());
                }
                obj.insert("x-examples".to_owned(), Value::Array(items));
            }
            other => {
                obj.insert("x-examples".to_owned(), other);
            }
        }
    }
    if has.content {
        content_format(obj);
    }
    if has.tuple {
        tuples(obj, ptr, cx);
    }
    if has.pattern_properties {
        pattern_properties(obj, ptr, cx);
    }
    if has.unsupported {
        for (key, message) in UNSUPPORTED {
            if obj.remove(*key).is_some() {
                cx.warn(format!("{ptr}/{key}"), (*message).to_owned());
            }
        }
    }
    if has.composed {
        null_members(obj);
    }
    if has.bounds {
        enum_types(obj, ptr, cx);
    }
    if has.bounds && obj.get("type").and_then(Value::as_str) == Some("integer") {
        integer_bounds(obj, ptr, cx);
    }
    if has.counts {
        counts(obj, ptr, cx);
    }
    if has.bad_pattern
        && let Some(p) = obj.remove("pattern")
    {
        let shown = p.to_string();
        cx.warn(
            format!("{ptr}/pattern"),
            format!("pattern {shown} is not a string; ignored"),
        );
    }
}

/// Which rules a schema object needs, found in one pass over its keys: most schemas need none,
/// and a hash lookup per keyword per schema would dominate normalising a large document.
#[derive(Default)]
struct Present {
    annotations: bool,
    reference: bool,
    defs: bool,
    required: bool,
    typ: bool,
    konst: bool,
    exclusive: bool,
    examples: bool,
    content: bool,
    tuple: bool,
    pattern_properties: bool,
    unsupported: bool,
    composed: bool,
    bounds: bool,
    counts: bool,
    /// A `pattern` that is not a string.
    bad_pattern: bool,
}

impl Present {
    fn of(obj: &Map<String, Value>) -> Self {
        let mut p = Present::default();
        for (key, value) in obj {
            match key.as_str() {
                "$schema" | "$comment" => p.annotations = true,
                "$ref" => p.reference = true,
                "$defs" | "definitions" => p.defs = true,
                // `properties` may hold Swagger-style `required: true` flags.
                "required" | "properties" => p.required = true,
                "type" => p.typ = true,
                "const" => {
                    p.konst = true;
                    p.bounds = true;
                }
                "exclusiveMinimum" | "exclusiveMaximum" => {
                    p.exclusive = true;
                    p.bounds = true;
                }
                "examples" => p.examples = true,
                "contentEncoding" | "contentMediaType" => p.content = true,
                "prefixItems" => p.tuple = true,
                "items" => p.tuple |= value.is_array(),
                "patternProperties" => p.pattern_properties = true,
                "pattern" => p.bad_pattern = !value.is_string(),
                "anyOf" | "oneOf" => p.composed = true,
                "minimum" | "maximum" | "multipleOf" | "enum" => p.bounds = true,
                k if COUNTS.contains(&k) => p.counts = true,
                k if UNSUPPORTED.iter().any(|(u, _)| *u == k) => p.unsupported = true,
                _ => {}
            }
        }
        p
    }
}

/// `{$ref, description, nullable, ...}`: 3.1 applies the siblings, 3.0 ignores them, and
/// `openapiv3` would drop them silently. Rewritten as `{allOf: [{$ref}], description, ...}` so
/// annotations (and 3.0's common `nullable` next to a `$ref`) survive. Extension-only siblings are
/// left as they are. Returns whether the node is still a schema to normalise (not a plain ref).
fn wrap_ref_siblings(obj: &mut Map<String, Value>) -> bool {
    let meaningful = obj.keys().any(|k| k != "$ref" && !k.starts_with("x-"));
    if !meaningful {
        return false;
    }
    let Some(reference) = obj.remove("$ref") else {
        return false;
    };
    let wrapped = json!({"$ref": reference});
    match obj.get_mut("allOf") {
        Some(Value::Array(all)) => all.insert(0, wrapped),
        _ => {
            obj.insert("allOf".to_owned(), Value::Array(vec![wrapped]));
        }
    }
    true
}

/// Swagger-2.0-style `required: true` on a property becomes an entry in the parent's `required`.
fn required_flags(obj: &mut Map<String, Value>, ptr: &str, cx: &mut Cx<'_>) {
    let mut names = Vec::new();
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for (name, prop) in props.iter_mut() {
            if let Value::Object(p) = prop
                && let Some(Value::Bool(flag)) = p.get("required")
            {
                let flag = *flag;
                p.remove("required");
                if flag {
                    names.push(name.clone());
                }
                cx.warn(
                        format!("{ptr}/properties/{}/required", crate::diagnostics::escape_pointer_token(name)),
                        "`required: true|false` on a property is not OpenAPI 3; moved to the object's `required` list",
                    );
            }
        }
    }
    match obj.get_mut("required") {
        None => {}
        Some(Value::Array(list)) => {
            let before = list.len();
            list.retain(Value::is_string);
            if list.len() != before {
                cx.warn(
                    format!("{ptr}/required"),
                    "non-string entries of `required` ignored",
                );
            }
        }
        Some(_) => {
            obj.remove("required");
            cx.warn(
                format!("{ptr}/required"),
                "`required` must be a list of property names; ignored",
            );
        }
    }
    if !names.is_empty() {
        let list = obj
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = list {
            for n in names {
                if !list.iter().any(|v| v.as_str() == Some(&n)) {
                    list.push(Value::String(n));
                }
            }
        }
    }
}

/// `type` arrays, `type: "null"`, and Swagger's `type: file`.
fn types(obj: &mut Map<String, Value>, ptr: &str, cx: &mut Cx<'_>) {
    match obj.get("type") {
        Some(Value::Array(list)) => {
            let mut null = false;
            let mut kinds: Vec<String> = Vec::new();
            for t in list {
                match t.as_str() {
                    Some("null") => null = true,
                    Some(t) if !kinds.iter().any(|k| k == t) => kinds.push(t.to_owned()),
                    Some(_) => {}
                    None => cx.warn(format!("{ptr}/type"), "non-string entry in `type` ignored"),
                }
            }
            // integer is a subset of number: ["integer", "number"] is just number.
            if kinds.iter().any(|k| k == "number") {
                kinds.retain(|k| k != "integer");
            }
            obj.remove("type");
            if null {
                obj.insert("nullable".to_owned(), Value::Bool(true));
            }
            match kinds.as_slice() {
                [] if null => null_only(obj),
                [] => {}
                [one] => {
                    obj.insert("type".to_owned(), Value::String(one.clone()));
                }
                _ => split_types(obj, &kinds),
            }
        }
        Some(Value::String(t)) if t == "null" => {
            obj.remove("type");
            obj.insert("nullable".to_owned(), Value::Bool(true));
            null_only(obj);
        }
        Some(Value::String(t)) if t == "file" => {
            obj.insert("type".to_owned(), json!("string"));
            obj.insert("format".to_owned(), json!("binary"));
            cx.warn(
                format!("{ptr}/type"),
                "`type: file` is Swagger 2.0; read as a binary string",
            );
        }
        _ => {}
    }
}

/// A schema that only allows null: 3.0 spells it as a nullable enum of null.
fn null_only(obj: &mut Map<String, Value>) {
    obj.entry("enum").or_insert_with(|| json!([null]));
}

/// `type: [string, integer]` -> `anyOf: [{type: string, minLength..}, {type: integer, minimum..}]`.
fn split_types(obj: &mut Map<String, Value>, kinds: &[String]) {
    let mut branches = Vec::new();
    for kind in kinds {
        let mut branch = Map::new();
        branch.insert("type".to_owned(), Value::String(kind.clone()));
        let keys: &[&str] = match kind.as_str() {
            "string" => STRING_KEYS,
            "number" | "integer" => NUMBER_KEYS,
            "object" => OBJECT_KEYS,
            "array" => ARRAY_KEYS,
            _ => &[],
        };
        for key in keys {
            if let Some(v) = obj.get(*key) {
                branch.insert((*key).to_owned(), v.clone());
            }
        }
        if let Some(format) = obj.get("format").and_then(Value::as_str) {
            let fits = match format {
                "int32" | "int64" => kind == "integer" || kind == "number",
                "float" | "double" => kind == "number",
                _ => kind == "string",
            };
            if fits {
                branch.insert("format".to_owned(), json!(format));
            }
        }
        branches.push(Value::Object(branch));
    }
    for key in STRING_KEYS
        .iter()
        .chain(NUMBER_KEYS)
        .chain(OBJECT_KEYS)
        .chain(ARRAY_KEYS)
        .chain(&["format"])
    {
        obj.remove(*key);
    }
    if obj.contains_key("anyOf") {
        let all = obj
            .entry("allOf")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(all) = all {
            all.push(json!({"anyOf": branches}));
        }
    } else {
        obj.insert("anyOf".to_owned(), Value::Array(branches));
    }
}

/// 3.1 numeric `exclusiveMinimum: n` -> `minimum: n, exclusiveMinimum: true` (3.0's boolean
/// form), keeping whichever bound is stricter when both are given.
fn exclusive_bounds(obj: &mut Map<String, Value>, ptr: &str, cx: &mut Cx<'_>) {
    for (excl, bound, lower) in [
        ("exclusiveMinimum", "minimum", true),
        ("exclusiveMaximum", "maximum", false),
    ] {
        match obj.get(excl) {
            None | Some(Value::Bool(_)) => {}
            Some(Value::Number(n)) => {
                let n = n.clone();
                let x = n.as_f64().unwrap_or(0.0);
                let stricter = match obj.get(bound).and_then(Value::as_f64) {
                    None => true,
                    Some(b) => {
                        if lower {
                            x >= b
                        } else {
                            x <= b
                        }
                    }
                };
                if stricter {
                    obj.insert(bound.to_owned(), Value::Number(n));
                    obj.insert(excl.to_owned(), Value::Bool(true));
                } else {
                    obj.remove(excl);
                }
            }
            Some(_) => {
                obj.remove(excl);
                cx.warn(
                    format!("{ptr}/{excl}"),
                    format!("`{excl}` must be a number or boolean; ignored"),
                );
            }
        }
    }
}

/// `contentEncoding: base64` -> `format: byte`; a non-text `contentMediaType` -> `format: binary`.
fn content_format(obj: &mut Map<String, Value>) {
    if obj.contains_key("format") {
        return;
    }
    let encoding = obj.get("contentEncoding").and_then(Value::as_str);
    let media = obj.get("contentMediaType").and_then(Value::as_str);
    let format = match (encoding, media) {
        (Some(e), _) if e.eq_ignore_ascii_case("base64") || e.eq_ignore_ascii_case("base64url") => {
            "byte"
        }
        (None, Some(m)) if !(m.starts_with("text/") || m.contains("json") || m.contains("xml")) => {
            "binary"
        }
        _ => return,
    };
    obj.insert("format".to_owned(), json!(format));
    obj.entry("type").or_insert_with(|| json!("string"));
}

/// Tuples (`prefixItems`, or draft-4 `items: [..]`) have no 3.0 form: items become "any of the
/// member schemas", with a warning that positions are not enforced.
fn tuples(obj: &mut Map<String, Value>, ptr: &str, cx: &mut Cx<'_>) {
    let (key, members) = if let Some(Value::Array(_)) = obj.get("prefixItems") {
        ("prefixItems", obj.remove("prefixItems"))
    } else if let Some(Value::Array(_)) = obj.get("items") {
        ("items", obj.remove("items"))
    } else {
        if obj.contains_key("prefixItems") {
            obj.remove("prefixItems");
            cx.warn(
                format!("{ptr}/prefixItems"),
                "`prefixItems` must be a list; ignored",
            );
        }
        return;
    };
    let Some(Value::Array(members)) = members else {
        return;
    };
    if !obj.contains_key("items") && !members.is_empty() {
        let items = if members.len() == 1 {
            members.into_iter().next().unwrap_or_else(|| json!({}))
        } else {
            json!({"anyOf": members})
        };
        obj.insert("items".to_owned(), items);
    }
    cx.warn(
        format!("{ptr}/{key}"),
        "tuple schemas (per-position items) are not carried over; every item may match any member schema",
    );
}

/// `patternProperties` -> `additionalProperties` (when not set), losing the name patterns.
fn pattern_properties(obj: &mut Map<String, Value>, ptr: &str, cx: &mut Cx<'_>) {
    let Some(patterns) = obj.remove("patternProperties") else {
        return;
    };
    let schemas: Vec<Value> = match patterns {
        Value::Object(map) => map.into_iter().map(|(_, v)| v).collect(),
        _ => Vec::new(),
    };
    let mut message = "patternProperties is not carried over".to_owned();
    if !obj.contains_key("additionalProperties") && !schemas.is_empty() {
        let schema = if schemas.len() == 1 {
            schemas.into_iter().next().unwrap_or_else(|| json!({}))
        } else {
            json!({"anyOf": schemas})
        };
        obj.insert("additionalProperties".to_owned(), schema);
        message = "patternProperties became additionalProperties: the property-name patterns are not enforced".to_owned();
    }
    cx.warn(format!("{ptr}/patternProperties"), message);
}

/// `anyOf`/`oneOf` with a `{type: "null"}` member (3.1's way to make a reference nullable) ->
/// the other members plus `nullable: true`.
fn null_members(obj: &mut Map<String, Value>) {
    let is_null = |v: &Value| {
        let Some(m) = v.as_object() else {
            return false;
        };
        let t = m.get("type");
        let null_type = t.and_then(Value::as_str) == Some("null")
            || t.and_then(Value::as_array)
                .is_some_and(|a| a.len() == 1 && a.first().and_then(Value::as_str) == Some("null"));
        null_type
            && m.keys()
                .all(|k| matches!(k.as_str(), "type" | "description" | "title"))
    };
    let mut nullable = false;
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = obj.get_mut(key) {
            let before = members.len();
            members.retain(|m| !is_null(m));
            if members.len() != before {
                nullable = true;
                if members.is_empty() {
                    obj.remove(key);
                    null_only(obj);
                }
            }
        }
    }
    if nullable {
        obj.insert("nullable".to_owned(), Value::Bool(true));
    }
}

/// 2^53: beyond it an f64 no longer holds every integer, so the written value may be rounded.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// Integer schemas: `openapiv3` wants i64 bounds. Floats that are whole numbers become integers;
/// fractional bounds round inward (same set of integers); values beyond i64 clamp with a warning.
fn integer_bounds(obj: &mut Map<String, Value>, ptr: &str, cx: &mut Cx<'_>) {
    for key in ["minimum", "maximum", "multipleOf"] {
        let Some(Value::Number(n)) = obj.get(key) else {
            continue;
        };
        if n.is_i64() {
            continue;
        }
        let at = format!("{ptr}/{key}");
        if let Some(u) = n.as_u64() {
            obj.insert(key.to_owned(), json!(i64::MAX));
            cx.warn(
                at,
                format!(
                    "integer bound {u} exceeds the 64-bit range; clamped to {}",
                    i64::MAX
                ),
            );
            continue;
        }
        let f = n.as_f64().unwrap_or(0.0);
        if key == "multipleOf" {
            if f.fract() == 0.0 && f.abs() < EXACT && f > 0.0 {
                obj.insert(key.to_owned(), json!(f as i64));
            } else {
                obj.remove(key);
                cx.warn(
                    at,
                    format!("multipleOf {f} on an integer schema cannot be kept; ignored"),
                );
            }
            continue;
        }
        let exclusive = if key == "minimum" {
            "exclusiveMinimum"
        } else {
            "exclusiveMaximum"
        };
        let rounded = if key == "minimum" {
            f.ceil()
        } else {
            f.floor()
        };
        if rounded != f && obj.get(exclusive) == Some(&Value::Bool(true)) {
            // x > 1.5 over integers is x >= 2: the rounded bound is inclusive.
            obj.insert(exclusive.to_owned(), Value::Bool(false));
        }
        // `as` saturates at the i64 range, which is the clamp wanted here.
        let int = rounded as i64;
        if f.abs() >= EXACT {
            cx.warn(
                at,
                format!(
                    "integer bound {f} is beyond what a JSON number holds exactly; read as {int}"
                ),
            );
        }
        obj.insert(key.to_owned(), json!(int));
    }
    if let Some(Value::Array(values)) = obj.get_mut("enum") {
        for v in values.iter_mut() {
            if let Some(f) = v
                .as_f64()
                .filter(|f| !v.is_i64() && f.fract() == 0.0 && f.abs() < EXACT)
            {
                *v = json!(f as i64);
            }
        }
    }
}

/// Enum values of another JSON type than the declared `type` can never validate (`type: string,
/// enum: [43, 169, "nonstandard"]`). Each is converted to the declared type when that loses
/// nothing (43 -> "43", "2" -> 2, "true" -> true); when one cannot be, `type` is dropped so the
/// listed values themselves decide. Either way a warning names the schema.
fn enum_types(obj: &mut Map<String, Value>, ptr: &str, cx: &mut Cx<'_>) {
    let Some(t) = obj.get("type").and_then(Value::as_str).map(str::to_owned) else {
        return;
    };
    let Some(Value::Array(values)) = obj.get("enum") else {
        return;
    };
    let fits = |v: &Value| v.is_null() || has_type(v, &t);
    if values.iter().all(fits) {
        return;
    }
    let shown: Vec<String> = values
        .iter()
        .filter(|v| !fits(v))
        .take(5)
        .map(Value::to_string)
        .collect();
    let converted: Option<Vec<Value>> = values
        .iter()
        .map(|v| {
            if fits(v) {
                Some(v.clone())
            } else {
                coerce(v, &t)
            }
        })
        .collect();
    let at = format!("{ptr}/enum");
    match converted {
        Some(values) => {
            obj.insert("enum".to_owned(), Value::Array(values));
            cx.warn(
                at,
                format!(
                    "enum values {} are not of the declared type `{t}`; converted to `{t}`",
                    shown.join(", ")
                ),
            );
        }
        None => {
            obj.remove("type");
            cx.warn(
                at,
                format!(
                    "enum values {} are not of the declared type `{t}` and cannot be converted; \
                     the type is widened to the listed values",
                    shown.join(", ")
                ),
            );
        }
    }
}

/// Whether `v` is an instance of the JSON Schema type `t` (a whole float counts as integer).
fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        _ => true,
    }
}

/// `v` as type `t` when nothing is lost: numbers and booleans as their text, text that is a
/// number or a boolean as that value.
fn coerce(v: &Value, t: &str) -> Option<Value> {
    match (t, v) {
        ("string", Value::Number(_) | Value::Bool(_)) => Some(Value::String(v.to_string())),
        ("integer", Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
        ("number", Value::String(s)) => match s.trim().parse::<i64>() {
            Ok(i) => Some(Value::from(i)),
            Err(_) => s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number),
        },
        ("boolean", Value::String(s)) => match s.trim() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    }
}

/// Count keywords must be non-negative integers.
fn counts(obj: &mut Map<String, Value>, ptr: &str, cx: &mut Cx<'_>) {
    for key in COUNTS {
        let Some(v) = obj.get(*key) else {
            continue;
        };
        if v.is_u64() {
            continue;
        }
        match v.as_f64() {
            Some(f) if f >= 0.0 && f.fract() == 0.0 && f < EXACT => {
                obj.insert((*key).to_owned(), json!(f as u64));
            }
            _ => {
                let shown = v.to_string();
                obj.remove(*key);
                cx.warn(
                    format!("{ptr}/{key}"),
                    format!("{key} {shown} is not a non-negative integer; ignored"),
                );
            }
        }
    }
}
