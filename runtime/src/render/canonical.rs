//! The canonical schema in the fixed keyword order, serialised straight from the manifest.
//!
//! MCP, non-strict Anthropic and non-strict OpenAI send the canonical schema unchanged except for
//! key order (schema keywords in [`KEYWORDS`](crate::keywords::KEYWORDS) order, `$defs` sorted by
//! name, properties in their parameter order). Copying the schema into a reordered [`Value`] per
//! tool and provider was most of the allocation in rendering a big document (every tool carries
//! the `$defs` it reaches), so [`Canonical`] borrows the schema and orders the keys while it is
//! serialised; [`Canonical::to_value`] is the owned form for callers that want a [`Value`].

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use super::schema::MAX_DEPTH;
use crate::keywords::rank;

/// A borrowed canonical schema that serialises in the fixed key order. Nodes nested deeper than
/// [`MAX_DEPTH`] are written as they are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Canonical<'a>(pub &'a Value);

impl Canonical<'_> {
    /// The reordered copy as a [`Value`].
    pub(crate) fn to_value(self) -> Value {
        // Serialising a `Value` (string keys only) into a `Value` cannot fail.
        serde_json::to_value(self).unwrap_or_else(|_| self.0.clone())
    }
}

impl Serialize for Canonical<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Node(self.0, 0).serialize(s)
    }
}

/// A schema that is either the borrowed canonical one ([`Canonical`]) or a lowered copy.
#[derive(Debug, Clone)]
pub(crate) enum Schema<'a> {
    /// The canonical schema, serialised in the fixed key order.
    Canonical(&'a Value),
    /// A schema built by a lowering (already in its final order).
    Owned(Value),
}

impl Schema<'_> {
    /// The schema as a [`Value`] (a reordered copy for [`Schema::Canonical`]).
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Schema::Canonical(v) => Canonical(v).to_value(),
            Schema::Owned(v) => v.clone(),
        }
    }
}

impl Serialize for Schema<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Schema::Canonical(v) => Canonical(v).serialize(s),
            Schema::Owned(v) => v.serialize(s),
        }
    }
}

/// A schema node at a nesting depth.
struct Node<'a>(&'a Value, usize);

/// How the members of a keyword are written.
enum Members<'a> {
    /// A map of schemas; `sorted` by name (`$defs`) or in their own order (`properties`).
    Map(&'a Map<String, Value>, bool, usize),
    /// An array of schemas (`anyOf`, ...).
    Seq(&'a [Value], usize),
}

impl Serialize for Node<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (v, depth) = (self.0, self.1);
        let Value::Object(m) = v else {
            return v.serialize(s);
        };
        if depth > MAX_DEPTH {
            return v.serialize(s);
        }
        // Ranked once per key: `rank` compares against the whole vocabulary.
        let mut entries: Vec<(usize, &String, &Value)> =
            m.iter().map(|(k, v)| (rank(k), k, v)).collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        let mut map = s.serialize_map(Some(entries.len()))?;
        for (_, k, sub) in entries {
            let next = depth + 1;
            match (k.as_str(), sub) {
                ("properties", Value::Object(ps)) => {
                    map.serialize_entry(k, &Members::Map(ps, false, next))?;
                }
                ("$defs" | "definitions", Value::Object(ds)) => {
                    map.serialize_entry(k, &Members::Map(ds, true, next))?;
                }
                ("items" | "additionalProperties" | "not" | "contains" | "propertyNames", _) => {
                    map.serialize_entry(k, &Node(sub, next))?;
                }
                ("anyOf" | "oneOf" | "allOf" | "prefixItems", Value::Array(a)) => {
                    map.serialize_entry(k, &Members::Seq(a, next))?;
                }
                _ => map.serialize_entry(k, sub)?,
            }
        }
        map.end()
    }
}

impl Serialize for Members<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Members::Map(m, sorted, depth) => {
                let mut entries: Vec<(&String, &Value)> = m.iter().collect();
                if sorted {
                    entries.sort_by(|a, b| a.0.cmp(b.0));
                }
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, sub) in entries {
                    map.serialize_entry(k, &Node(sub, depth))?;
                }
                map.end()
            }
            Members::Seq(a, depth) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for sub in a {
                    seq.serialize_element(&Node(sub, depth))?;
                }
                seq.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_ordered_without_copying_and_property_order_is_kept() {
        let s = json!({"properties": {"z": {"description": "d", "type": "string"},
                "a": {"items": {"type": "integer", "$comment": "c"}, "type": "array"}},
            "type": "object", "x-extra": 1, "$defs": {"B": {"type": "null"}, "A": {"anyOf": [
                {"maxLength": 3, "type": "string"}]}}});
        let text = serde_json::to_string(&Canonical(&s)).unwrap();
        assert_eq!(
            text,
            r#"{"type":"object","properties":{"z":{"type":"string","description":"d"},"a":{"type":"array","items":{"type":"integer","$comment":"c"}}},"$defs":{"A":{"anyOf":[{"type":"string","maxLength":3}]},"B":{"type":"null"}},"x-extra":1}"#
        );
        assert_eq!(Canonical(&s).to_value().to_string(), text);
        // Malformed keyword values are written as they are.
        let odd = json!({"properties": [1], "anyOf": {"a": 1}, "items": 3});
        assert_eq!(Canonical(&odd).to_value(), odd);
    }
}
