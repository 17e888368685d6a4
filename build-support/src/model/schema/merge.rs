//! `allOf` merging on converted (wire-space) schemas.
//!
//! Keywords in one JSON Schema object are conjunctive, so merging `allOf` members into one
//! object is exact for every keyword but a few, which get explicit rules: `properties` (union,
//! same-named ones merged in turn), `required` (union), `type` and `enum` (intersection),
//! lower bounds (the larger wins), upper bounds (the smaller wins), `additionalProperties`
//! (the union of properties is what `allOf` composition means in OpenAPI, so `false` on any
//! member closes the merged object). Annotations keep the first value. Anything else that two
//! members both set differently makes the merge fail and the caller keeps `allOf`.

use serde_json::{Map, Value};

/// Members deeper than this are not merged (kept as `allOf`).
const MAX_DEPTH: usize = 32;

/// Keywords that describe rather than constrain; the first member's value wins.
pub(crate) const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "default",
    "deprecated",
    "examples",
];

/// Whether `schema` only carries annotations besides the keywords in `besides`.
pub(crate) fn only_annotations_besides(schema: &Map<String, Value>, besides: &[&str]) -> bool {
    schema
        .keys()
        .all(|k| ANNOTATIONS.contains(&k.as_str()) || besides.contains(&k.as_str()))
}

/// Merges two schemas into one equivalent to `allOf: [a, b]`, or `None` when that is not
/// possible without changing meaning.
pub(crate) fn merge_two(a: &Value, b: &Value, depth: usize) -> Option<Value> {
    if depth > MAX_DEPTH {
        return None;
    }
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return None;
    };
    // A reference cannot be merged with constraints here (its target is not inlined at this
    // level); a reference plus annotations is fine.
    let has_ref = |m: &Map<String, Value>| m.contains_key("$ref");
    if (has_ref(a) && !only_annotations_besides(b, &[]))
        || (has_ref(b) && !only_annotations_besides(a, &[]))
    {
        return None;
    }
    let mut out = a.clone();
    for (key, vb) in b {
        let Some(va) = out.get(key) else {
            out.insert(key.clone(), vb.clone());
            continue;
        };
        if va == vb {
            continue;
        }
        let merged = match key.as_str() {
            k if ANNOTATIONS.contains(&k) => continue,
            "properties" => merge_properties(va, vb, depth)?,
            "required" => union_strings(va, vb),
            "type" => intersect_types(va, vb)?,
            "enum" => intersect_enums(va, vb)?,
            "minimum" | "exclusiveMinimum" | "minLength" | "minItems" | "minProperties" => {
                pick_number(va, vb, true)?
            }
            "maximum" | "exclusiveMaximum" | "maxLength" | "maxItems" | "maxProperties" => {
                pick_number(va, vb, false)?
            }
            "uniqueItems" => {
                Value::Bool(va.as_bool().unwrap_or(false) || vb.as_bool().unwrap_or(false))
            }
            "additionalProperties" => match (va, vb) {
                (Value::Bool(false), _) | (_, Value::Bool(false)) => Value::Bool(false),
                (Value::Bool(true), other) | (other, Value::Bool(true)) => other.clone(),
                _ => merge_two(va, vb, depth + 1)?,
            },
            "items" => merge_two(va, vb, depth + 1)?,
            _ => return None,
        };
        out.insert(key.clone(), merged);
    }
    Some(Value::Object(out))
}

/// Property maps unioned; a property both sides define is merged, or kept as an `allOf` of the
/// two when that fails (never silently one of them).
fn merge_properties(a: &Value, b: &Value, depth: usize) -> Option<Value> {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return None;
    };
    let mut out = a.clone();
    for (name, pb) in b {
        match out.get(name) {
            None => {
                out.insert(name.clone(), pb.clone());
            }
            Some(pa) if pa == pb => {}
            Some(pa) => {
                let merged = merge_two(pa, pb, depth + 1)
                    .unwrap_or_else(|| serde_json::json!({"allOf": [pa, pb]}));
                out.insert(name.clone(), merged);
            }
        }
    }
    Some(Value::Object(out))
}

fn union_strings(a: &Value, b: &Value) -> Value {
    let mut out: Vec<Value> = a.as_array().cloned().unwrap_or_default();
    for v in b.as_array().into_iter().flatten() {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    Value::Array(out)
}

fn type_list(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// `integer` is a subset of `number`, so their intersection is `integer`.
fn intersect_types(a: &Value, b: &Value) -> Option<Value> {
    let tb = type_list(b);
    let mut out: Vec<&str> = Vec::new();
    for t in type_list(a) {
        let keep = if tb.contains(&t) {
            Some(t)
        } else if t == "number" && tb.contains(&"integer") {
            Some("integer")
        } else if t == "integer" && tb.contains(&"number") {
            Some("integer")
        } else {
            None
        };
        if let Some(k) = keep
            && !out.contains(&k)
        {
            out.push(k);
        }
    }
    match out.as_slice() {
        [] => None,
        [one] => Some(Value::String((*one).to_owned())),
        many => Some(Value::Array(
            many.iter().map(|t| Value::String((*t).to_owned())).collect(),
        )),
    }
}

fn intersect_enums(a: &Value, b: &Value) -> Option<Value> {
    let (Some(a), Some(b)) = (a.as_array(), b.as_array()) else {
        return None;
    };
    let out: Vec<Value> = a.iter().filter(|v| b.contains(v)).cloned().collect();
    (!out.is_empty()).then_some(Value::Array(out))
}

fn pick_number(a: &Value, b: &Value, larger: bool) -> Option<Value> {
    let (x, y) = (a.as_f64()?, b.as_f64()?);
    let a_wins = if larger { x >= y } else { x <= y };
    Some(if a_wins { a.clone() } else { b.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_merge_properties_and_required() {
        let a = json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]});
        let b = json!({"properties": {"id": {"type": "integer"}}, "required": ["id"], "description": "x"});
        assert_eq!(
            merge_two(&a, &b, 0).unwrap(),
            json!({
                "type": "object",
                "properties": {"name": {"type": "string"}, "id": {"type": "integer"}},
                "required": ["name", "id"],
                "description": "x"
            })
        );
    }

    #[test]
    fn bounds_take_the_stricter_value() {
        let a = json!({"type": "integer", "minimum": 1, "maximum": 100});
        let b = json!({"minimum": 5, "maximum": 200});
        assert_eq!(
            merge_two(&a, &b, 0).unwrap(),
            json!({"type": "integer", "minimum": 5, "maximum": 100})
        );
    }

    #[test]
    fn types_and_enums_intersect() {
        let a = json!({"type": ["string", "null"], "enum": ["a", "b", null]});
        let b = json!({"type": "string", "enum": ["b", "c"]});
        assert_eq!(
            merge_two(&a, &b, 0).unwrap(),
            json!({"type": "string", "enum": ["b"]})
        );
        assert!(merge_two(&json!({"type": "string"}), &json!({"type": "object"}), 0).is_none());
        assert_eq!(
            merge_two(&json!({"type": "number"}), &json!({"type": "integer"}), 0).unwrap(),
            json!({"type": "integer"})
        );
    }

    #[test]
    fn conflicting_keywords_refuse_to_merge() {
        assert!(merge_two(&json!({"pattern": "a"}), &json!({"pattern": "b"}), 0).is_none());
        assert!(merge_two(&json!({"$ref": "#/$defs/A"}), &json!({"type": "object"}), 0).is_none());
    }

    #[test]
    fn refs_with_annotations_merge() {
        assert_eq!(
            merge_two(&json!({"$ref": "#/$defs/A"}), &json!({"description": "d"}), 0).unwrap(),
            json!({"$ref": "#/$defs/A", "description": "d"})
        );
    }

    #[test]
    fn same_named_properties_merge_or_become_all_of() {
        let a = json!({"properties": {"p": {"type": "string"}, "q": {"pattern": "a"}}});
        let b = json!({"properties": {"p": {"maxLength": 3}, "q": {"pattern": "b"}}});
        assert_eq!(
            merge_two(&a, &b, 0).unwrap(),
            json!({"properties": {
                "p": {"type": "string", "maxLength": 3},
                "q": {"allOf": [{"pattern": "a"}, {"pattern": "b"}]}
            }})
        );
    }

    #[test]
    fn additional_properties_false_closes_the_union() {
        let a = json!({"properties": {"a": {}}, "additionalProperties": false});
        let b = json!({"properties": {"b": {}}, "additionalProperties": true});
        assert_eq!(
            merge_two(&a, &b, 0).unwrap(),
            json!({"properties": {"a": {}, "b": {}}, "additionalProperties": false})
        );
    }
}
