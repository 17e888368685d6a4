//! Turning a tool-facing value into its wire form: nested renames and optional nulls.
//!
//! Tool-facing property names are provider-safe; the wire may need `hydra:member` or `x-id`.
//! [`ToolManifest::wire_names`](crate::ToolManifest::wire_names) keys each rename by the JSON
//! pointer of the property inside the input schema, so the value is walked alongside the
//! schema (following `$ref` into `$defs` and the branches of `allOf`/`anyOf`/`oneOf`). The same
//! walk drops `null` for optional properties whose schema does not allow null: the validator
//! treats those as absent (OpenAI strict mode sends them), so they must not reach the server.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::pointer;

/// Deepest value nesting walked; deeper values are copied unchanged.
const MAX_DEPTH: usize = 64;
/// Most `$ref`/combinator hops followed when resolving one schema position.
const MAX_HOPS: usize = 16;
/// Most concrete schemas one position expands to.
const MAX_CANDIDATES: usize = 64;

pub(crate) struct Wire<'a> {
    pub root: &'a Value,
    pub names: &'a BTreeMap<String, String>,
}

impl Wire<'_> {
    /// The wire form of `value`, whose schema sits at `ptr` in the input schema.
    pub fn value(&self, value: &Value, ptr: &str) -> Value {
        self.walk(value, ptr, 0)
    }

    /// Whether the schema at `ptr` accepts null (type includes null, a null branch, a null
    /// const or enum value).
    pub fn allows_null(&self, ptr: &str) -> bool {
        self.candidates(ptr).iter().any(|c| {
            let Some(s) = self.root.pointer(c) else {
                return false;
            };
            match s.get("type") {
                Some(Value::String(t)) if t == "null" => return true,
                Some(Value::Array(ts)) if ts.iter().any(|t| t == "null") => return true,
                _ => {}
            }
            s.get("const") == Some(&Value::Null)
                || s.get("enum")
                    .and_then(Value::as_array)
                    .is_some_and(|e| e.contains(&Value::Null))
        })
    }

    fn walk(&self, value: &Value, ptr: &str, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return value.clone();
        }
        match value {
            Value::Object(map) => {
                let cands = self.candidates(ptr);
                let mut out = Map::with_capacity(map.len());
                for (key, v) in map {
                    let child = self.property(&cands, key);
                    if v.is_null() {
                        // Optional and not nullable: the caller meant "absent".
                        let drop = match &child {
                            Some((p, required)) => !required && !self.allows_null(p),
                            None => false,
                        };
                        if drop {
                            continue;
                        }
                    }
                    let (name, wire_v) = match &child {
                        Some((p, _)) => (
                            self.names.get(p).cloned().unwrap_or_else(|| key.clone()),
                            self.walk(v, p, depth + 1),
                        ),
                        None => match self.additional(&cands) {
                            Some(p) => (key.clone(), self.walk(v, &p, depth + 1)),
                            None => (key.clone(), v.clone()),
                        },
                    };
                    out.insert(name, wire_v);
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                let cands = self.candidates(ptr);
                match cands.iter().find(|c| {
                    self.root
                        .pointer(&format!("{c}/items"))
                        .is_some_and(Value::is_object)
                }) {
                    Some(c) => {
                        let p = format!("{c}/items");
                        Value::Array(items.iter().map(|i| self.walk(i, &p, depth + 1)).collect())
                    }
                    None => value.clone(),
                }
            }
            other => other.clone(),
        }
    }

    /// Pointer of property `key` in the first candidate that declares it, and whether that
    /// candidate requires it.
    pub fn property(&self, cands: &[String], key: &str) -> Option<(String, bool)> {
        let token = pointer::escape(key);
        cands.iter().find_map(|c| {
            let s = self.root.pointer(c)?;
            s.get("properties")?.get(key)?;
            let required = s
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n == key));
            Some((format!("{c}/properties/{token}"), required))
        })
    }

    fn additional(&self, cands: &[String]) -> Option<String> {
        cands.iter().find_map(|c| {
            let p = format!("{c}/additionalProperties");
            self.root.pointer(&p)?.is_object().then_some(p)
        })
    }

    /// The concrete schemas at `ptr`: itself, its `$ref` targets and combinator branches,
    /// breadth first, bounded.
    pub fn candidates(&self, ptr: &str) -> Vec<String> {
        let mut out: Vec<String> = vec![ptr.to_owned()];
        let mut i = 0;
        while let Some(cur) = out.get(i).cloned() {
            i += 1;
            if i > MAX_HOPS * 4 || out.len() >= MAX_CANDIDATES {
                break;
            }
            let Some(s) = self.root.pointer(&cur) else {
                continue;
            };
            let mut next = Vec::new();
            if let Some(r) = s.get("$ref").and_then(Value::as_str)
                && let Some(target) = pointer::ref_pointer(r)
            {
                next.push(target.into_owned());
            }
            for key in ["allOf", "anyOf", "oneOf"] {
                if let Some(Value::Array(bs)) = s.get(key) {
                    next.extend((0..bs.len()).map(|j| format!("{cur}/{key}/{j}")));
                }
            }
            for n in next {
                if !out.contains(&n) && out.len() < MAX_CANDIDATES {
                    out.push(n);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "body": {"type": "object", "properties": {
                    "x_id": {"type": "string"},
                    "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
                    "note": {"type": ["string", "null"]},
                    "opt": {"type": "string"},
                    "req": {"type": "string"},
                    "map": {"type": "object", "additionalProperties": {"$ref": "#/$defs/Item"}}
                }, "required": ["req"]}
            },
            "$defs": {
                "Item": {"anyOf": [
                    {"type": "object", "properties": {"hydra_member": {"type": "string"}}},
                    {"type": "null"}
                ]}
            }
        })
    }

    #[test]
    fn nested_renames_through_refs_and_unions() {
        let s = schema();
        let names = BTreeMap::from([
            (
                "/properties/body/properties/x_id".to_owned(),
                "x-id".to_owned(),
            ),
            (
                "/$defs/Item/anyOf/0/properties/hydra_member".to_owned(),
                "hydra:member".to_owned(),
            ),
        ]);
        let w = Wire {
            root: &s,
            names: &names,
        };
        let v = json!({"x_id": "1", "items": [{"hydra_member": "a"}, null],
                       "map": {"k": {"hydra_member": "b"}}, "other": {"hydra_member": 1}});
        assert_eq!(
            w.value(&v, "/properties/body"),
            json!({"x-id": "1", "items": [{"hydra:member": "a"}, null],
                   "map": {"k": {"hydra:member": "b"}}, "other": {"hydra_member": 1}})
        );
    }

    #[test]
    fn optional_nulls_dropped_unless_nullable_or_required() {
        let s = schema();
        let names = BTreeMap::new();
        let w = Wire {
            root: &s,
            names: &names,
        };
        let v = json!({"note": null, "opt": null, "req": null});
        assert_eq!(
            w.value(&v, "/properties/body"),
            json!({"note": null, "req": null})
        );
    }

    #[test]
    fn ref_cycles_terminate() {
        let s = json!({"$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"$ref": "#/$defs/A"}}});
        let names = BTreeMap::new();
        let w = Wire {
            root: &s,
            names: &names,
        };
        assert_eq!(w.candidates("/$defs/A").len(), 2);
        assert_eq!(w.value(&json!({"a": [1]}), "/$defs/A"), json!({"a": [1]}));
    }
}
