//! The naming pass: wire-space schema -> canonical schema with tool-facing property names.
//!
//! Conversion and `allOf` merging work with properties keyed by their wire names (so merged
//! members line up by what the API calls them). This pass runs once per finished schema: it
//! gives every object level safe, unique property names, rewrites `required` to match, records
//! the wire name of every renamed property by its JSON pointer, and collects the `$defs` the
//! schema refers to directly.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use crate::diagnostics::pointer_join;
use crate::model::names::{assign_property_names, safe_property_name};

/// Deeper than any real schema; conversion already stops at its own depth limit.
const MAX_DEPTH: usize = 256;

/// Prefix of every reference the model emits.
pub(crate) const DEFS_PREFIX: &str = "#/$defs/";

/// A canonical schema plus what the tool needs to know about it.
#[derive(Debug, Default, Clone)]
pub(crate) struct Finalized {
    /// The canonical schema.
    pub schema: Value,
    /// `(pointer, wire name)` of each renamed property, pointers relative to the schema root
    /// (prefixed with the `base` given to [`finalize`]).
    pub wire_names: Vec<(String, String)>,
    /// `$defs` names referenced directly (not transitively).
    pub refs: BTreeSet<String>,
}

/// Renames properties in `wire_form`; pointers in the result start with `base`.
pub(crate) fn finalize(wire_form: &Value, base: &str) -> Finalized {
    let mut out = Finalized::default();
    out.schema = walk(wire_form, base, 0, &mut out.wire_names, &mut out.refs);
    out
}

/// The `$defs` names `wire_form` refers to directly: [`Finalized::refs`] of [`finalize`], without
/// building the renamed schema (for callers that keep wire names).
pub(crate) fn refs(wire_form: &Value) -> BTreeSet<String> {
    fn visit(value: &Value, depth: usize, refs: &mut BTreeSet<String>) {
        let Some(map) = value.as_object() else {
            return;
        };
        if depth > MAX_DEPTH {
            return;
        }
        for (key, v) in map {
            match key.as_str() {
                "properties" => {
                    for schema in v.as_object().into_iter().flat_map(Map::values) {
                        visit(schema, depth + 1, refs);
                    }
                }
                "items" | "additionalProperties" | "not" => visit(v, depth + 1, refs),
                "anyOf" | "oneOf" | "allOf" => {
                    for item in v.as_array().into_iter().flatten() {
                        visit(item, depth + 1, refs);
                    }
                }
                "$ref" => {
                    if let Some(name) = v.as_str().and_then(|r| r.strip_prefix(DEFS_PREFIX)) {
                        refs.insert(name.to_owned());
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeSet::new();
    visit(wire_form, 0, &mut out);
    out
}

fn walk(
    value: &Value,
    ptr: &str,
    depth: usize,
    wire_names: &mut Vec<(String, String)>,
    refs: &mut BTreeSet<String>,
) -> Value {
    let Some(map) = value.as_object() else {
        return value.clone();
    };
    if depth > MAX_DEPTH {
        return Value::Object(Map::new());
    }
    let renames: HashMap<&str, String> = match map.get("properties").and_then(Value::as_object) {
        Some(props) => {
            let wires: Vec<&str> = props.keys().map(String::as_str).collect();
            wires
                .iter()
                .copied()
                .zip(assign_property_names(&wires))
                .collect()
        }
        None => HashMap::new(),
    };
    let mut out = Map::with_capacity(map.len());
    for (key, v) in map {
        let new = match key.as_str() {
            "properties" => match v.as_object() {
                Some(props) => {
                    let base = pointer_join(ptr, "properties");
                    let mut renamed = Map::with_capacity(props.len());
                    for (wire, schema) in props {
                        let name = renames
                            .get(wire.as_str())
                            .cloned()
                            .unwrap_or_else(|| safe_property_name(wire));
                        let child = pointer_join(&base, &name);
                        if &name != wire {
                            wire_names.push((child.clone(), wire.clone()));
                        }
                        let converted = walk(schema, &child, depth + 1, wire_names, refs);
                        renamed.insert(name, converted);
                    }
                    Value::Object(renamed)
                }
                None => v.clone(),
            },
            "required" => match v.as_array() {
                Some(items) => Value::Array(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .map(|wire| {
                            Value::String(
                                renames
                                    .get(wire)
                                    .cloned()
                                    .unwrap_or_else(|| safe_property_name(wire)),
                            )
                        })
                        .collect(),
                ),
                None => v.clone(),
            },
            "items" | "additionalProperties" | "not" => {
                walk(v, &pointer_join(ptr, key), depth + 1, wire_names, refs)
            }
            "anyOf" | "oneOf" | "allOf" => match v.as_array() {
                Some(items) => {
                    let base = pointer_join(ptr, key);
                    Value::Array(
                        items
                            .iter()
                            .enumerate()
                            .map(|(i, item)| {
                                walk(
                                    item,
                                    &pointer_join(&base, &i.to_string()),
                                    depth + 1,
                                    wire_names,
                                    refs,
                                )
                            })
                            .collect(),
                    )
                }
                None => v.clone(),
            },
            "$ref" => {
                if let Some(name) = v.as_str().and_then(|r| r.strip_prefix(DEFS_PREFIX)) {
                    refs.insert(name.to_owned());
                }
                v.clone()
            }
            _ => v.clone(),
        };
        out.insert(key.clone(), new);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renames_properties_at_every_level_and_records_wire_names() {
        let w = json!({
            "type": "object",
            "properties": {
                "hydra:member": {"type": "array", "items": {
                    "type": "object",
                    "properties": {"@id": {"type": "string"}, "ok": {}},
                    "required": ["@id"]
                }},
                "petId": {"type": "integer"}
            },
            "required": ["hydra:member", "petId"]
        });
        let f = finalize(&w, "/properties/body");
        assert_eq!(
            f.schema,
            json!({
                "type": "object",
                "properties": {
                    "hydra_member": {"type": "array", "items": {
                        "type": "object",
                        "properties": {"at_id": {"type": "string"}, "ok": {}},
                        "required": ["at_id"]
                    }},
                    "petId": {"type": "integer"}
                },
                "required": ["hydra_member", "petId"]
            })
        );
        assert_eq!(
            f.wire_names,
            vec![
                (
                    "/properties/body/properties/hydra_member".to_owned(),
                    "hydra:member".to_owned()
                ),
                (
                    "/properties/body/properties/hydra_member/items/properties/at_id".to_owned(),
                    "@id".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn collects_direct_refs_but_not_data() {
        let w = json!({
            "anyOf": [{"$ref": "#/$defs/A"}, {"type": "null"}],
            "default": {"$ref": "#/$defs/NotASchema"},
            "properties": {"b": {"$ref": "#/$defs/B"}}
        });
        let f = finalize(&w, "");
        assert_eq!(f.refs.into_iter().collect::<Vec<_>>(), ["A", "B"]);
    }

    #[test]
    fn refs_alone_equal_the_refs_of_finalize() {
        let w = json!({
            "anyOf": [{"$ref": "#/$defs/A"}, {"type": "null"}],
            "default": {"$ref": "#/$defs/NotASchema"},
            "properties": {"b:c": {"type": "array", "items": {"$ref": "#/$defs/B"}}},
            "additionalProperties": {"not": {"$ref": "#/$defs/C"}}
        });
        let alone = refs(&w);
        assert_eq!(alone, finalize(&w, "").refs);
        assert_eq!(alone.into_iter().collect::<Vec<_>>(), ["A", "B", "C"]);
    }

    #[test]
    fn enum_and_default_values_are_left_alone() {
        let w = json!({"enum": [{"a-b": 1}], "default": {"x-y": 2}});
        assert_eq!(finalize(&w, "").schema, w);
    }
}
