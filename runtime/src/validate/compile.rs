//! Compiling a canonical schema into a flat node table, once.
//!
//! Every subschema becomes a [`Node`] in a `Vec`; `$ref`s become node ids, so recursive
//! schemas are cycles of ids rather than infinite trees, and a ref target is compiled once
//! however often it is used. Patterns are compiled here with size limits; a pattern the regex
//! crate cannot compile (ECMA look-around, back-references) is skipped and recorded in the
//! notes rather than failing the whole schema.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use regex::{Regex, RegexBuilder};
use serde_json::{Map, Value};

use super::messages::NumBounds;
use crate::pointer;

/// Index of a node in [`Compiled::nodes`].
pub(crate) type NodeId = usize;

/// Deepest schema nesting compiled; deeper subschemas accept anything (and are noted).
const MAX_SCHEMA_DEPTH: usize = 256;
/// Compiled-program size limit for one pattern.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// JSON types as bits, so a type array is one mask test.
pub(crate) mod ty {
    pub const NULL: u8 = 1;
    pub const BOOLEAN: u8 = 2;
    pub const INTEGER: u8 = 4;
    pub const NUMBER: u8 = 8;
    pub const STRING: u8 = 16;
    pub const ARRAY: u8 = 32;
    pub const OBJECT: u8 = 64;

    pub fn from_name(name: &str) -> Option<u8> {
        Some(match name {
            "null" => NULL,
            "boolean" => BOOLEAN,
            "integer" => INTEGER,
            "number" => NUMBER,
            "string" => STRING,
            "array" => ARRAY,
            "object" => OBJECT,
            _ => return None,
        })
    }

    /// Names in a fixed order, for messages.
    pub const NAMES: [(u8, &str); 7] = [
        (STRING, "string"),
        (INTEGER, "integer"),
        (NUMBER, "number"),
        (BOOLEAN, "boolean"),
        (ARRAY, "array"),
        (OBJECT, "object"),
        (NULL, "null"),
    ];
}

/// What `additionalProperties` allows.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum Additional {
    /// Absent or `true`.
    #[default]
    Any,
    /// `false`.
    Deny,
    /// A schema every extra property must match.
    Schema(NodeId),
}

/// One property of an object schema.
#[derive(Debug)]
pub(crate) struct Prop {
    pub name: String,
    pub node: NodeId,
    pub required: bool,
}

/// One compiled subschema.
#[derive(Debug, Default)]
pub(crate) struct Node {
    /// `false` schema.
    pub reject_all: bool,
    /// Allowed types as a bit mask; `None` = any.
    pub types: Option<u8>,
    pub enum_values: Option<Vec<Value>>,
    pub const_value: Option<Value>,
    pub reference: Option<NodeId>,
    pub all_of: Vec<NodeId>,
    pub any_of: Vec<NodeId>,
    pub one_of: Vec<NodeId>,
    pub not: Option<NodeId>,
    /// In declaration order (messages list them as the schema does).
    pub properties: Vec<Prop>,
    /// Name -> index into `properties`, built only for larger objects (a short list is
    /// faster to scan).
    pub by_name: Option<HashMap<Box<str>, usize, BuildHasherDefault<Fnv>>>,
    /// How many of `required` are declared in `properties` (the rest are checked by lookup).
    pub required_declared: usize,
    pub required: Vec<String>,
    pub additional: Additional,
    pub items: Option<NodeId>,
    pub prefix_items: Vec<NodeId>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<(String, Regex)>,
    pub format: Option<String>,
    /// `contentEncoding: base64`.
    pub base64: bool,
    pub bounds: NumBounds,
    pub multiple_of: Option<f64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
}

impl Node {
    pub fn property(&self, name: &str) -> Option<&Prop> {
        match &self.by_name {
            Some(map) => map.get(name).and_then(|i| self.properties.get(*i)),
            None => self
                .properties
                .iter()
                .find(|p| p.name.len() == name.len() && p.name == name),
        }
    }
}

/// Objects with more properties than this get a hash index.
const LINEAR_LOOKUP_MAX: usize = 8;

/// FNV-1a: property names are short, so a simple hash beats SipHash by a wide margin here,
/// and the keys come from the schema, not from the caller.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// The compiled node table.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub nodes: Vec<Node>,
    pub root: NodeId,
    /// Parts of the schema that could not be enforced (bad patterns, dangling refs, depth).
    pub notes: Vec<String>,
}

/// Compiles `schema` (the root document for `$ref`s too).
pub(crate) fn compile(schema: &Value) -> Compiled {
    let mut c = Compiler {
        root: schema,
        nodes: Vec::new(),
        refs: HashMap::new(),
        notes: Vec::new(),
    };
    let root = c.node(schema, "", 0);
    Compiled {
        nodes: c.nodes,
        root,
        notes: c.notes,
    }
}

struct Compiler<'a> {
    root: &'a Value,
    nodes: Vec<Node>,
    /// Ref target pointer -> node, so each target compiles once and cycles close.
    refs: HashMap<String, NodeId>,
    notes: Vec<String>,
}

impl<'a> Compiler<'a> {
    fn node(&mut self, schema: &'a Value, ptr: &str, depth: usize) -> NodeId {
        let id = self.nodes.len();
        self.nodes.push(Node::default());
        self.fill(id, schema, ptr, depth);
        id
    }

    fn set(&mut self, id: NodeId, node: Node) {
        if let Some(slot) = self.nodes.get_mut(id) {
            *slot = node;
        }
    }

    fn fill(&mut self, id: NodeId, schema: &'a Value, ptr: &str, depth: usize) {
        let obj = match schema {
            Value::Bool(false) => {
                self.set(
                    id,
                    Node {
                        reject_all: true,
                        ..Node::default()
                    },
                );
                return;
            }
            Value::Object(obj) => obj,
            _ => return,
        };
        if depth > MAX_SCHEMA_DEPTH {
            self.notes.push(format!(
                "{ptr}: schema nested deeper than {MAX_SCHEMA_DEPTH} levels; not checked"
            ));
            return;
        }
        let mut n = Node {
            types: types(obj.get("type")),
            enum_values: obj.get("enum").and_then(Value::as_array).cloned(),
            const_value: obj.get("const").cloned(),
            min_length: uint(obj, "minLength"),
            max_length: uint(obj, "maxLength"),
            format: obj.get("format").and_then(Value::as_str).map(str::to_owned),
            base64: obj.get("contentEncoding").and_then(Value::as_str) == Some("base64"),
            bounds: NumBounds {
                minimum: num(obj, "minimum"),
                maximum: num(obj, "maximum"),
                exclusive_minimum: num(obj, "exclusiveMinimum"),
                exclusive_maximum: num(obj, "exclusiveMaximum"),
            },
            multiple_of: num(obj, "multipleOf").filter(|m| *m > 0.0 && m.is_finite()),
            min_items: uint(obj, "minItems"),
            max_items: uint(obj, "maxItems"),
            unique_items: obj.get("uniqueItems") == Some(&Value::Bool(true)),
            min_properties: uint(obj, "minProperties"),
            max_properties: uint(obj, "maxProperties"),
            ..Node::default()
        };
        if let Some(p) = obj.get("pattern").and_then(Value::as_str) {
            match RegexBuilder::new(p)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_SIZE_LIMIT)
                .build()
            {
                Ok(re) => n.pattern = Some((p.to_owned(), re)),
                Err(_) => self.notes.push(format!(
                    "{ptr}/pattern: {p:?} is not supported by the regex engine; not checked"
                )),
            }
        }
        if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
            n.reference = self.reference(r, ptr, depth);
        }
        for (key, list) in [("allOf", 0), ("anyOf", 1), ("oneOf", 2)] {
            if let Some(Value::Array(branches)) = obj.get(key) {
                let ids = branches
                    .iter()
                    .enumerate()
                    .map(|(i, b)| self.node(b, &format!("{ptr}/{key}/{i}"), depth + 1))
                    .collect();
                match list {
                    0 => n.all_of = ids,
                    1 => n.any_of = ids,
                    _ => n.one_of = ids,
                }
            }
        }
        if let Some(s) = obj.get("not") {
            n.not = Some(self.node(s, &format!("{ptr}/not"), depth + 1));
        }
        let required: Vec<String> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(Value::Object(props)) = obj.get("properties") {
            let list: Vec<Prop> = props
                .iter()
                .map(|(name, s)| Prop {
                    name: name.clone(),
                    node: self.node(
                        s,
                        &format!("{ptr}/properties/{}", pointer::escape(name)),
                        depth + 1,
                    ),
                    required: required.iter().any(|r| r == name),
                })
                .collect();
            if list.len() > LINEAR_LOOKUP_MAX {
                n.by_name = Some(
                    list.iter()
                        .enumerate()
                        .map(|(i, p)| (p.name.as_str().into(), i))
                        .collect(),
                );
            }
            n.required_declared = list.iter().filter(|p| p.required).count();
            n.properties = list;
        }
        n.required = required;
        n.additional = match obj.get("additionalProperties") {
            Some(Value::Bool(false)) => Additional::Deny,
            Some(s @ Value::Object(_)) => {
                Additional::Schema(self.node(s, &format!("{ptr}/additionalProperties"), depth + 1))
            }
            _ => Additional::Any,
        };
        match obj.get("items") {
            Some(s @ (Value::Object(_) | Value::Bool(_))) => {
                n.items = Some(self.node(s, &format!("{ptr}/items"), depth + 1));
            }
            // Draft-4 style tuple `items: [...]`, in case one slips through.
            Some(Value::Array(tuple)) => {
                n.prefix_items = tuple
                    .iter()
                    .enumerate()
                    .map(|(i, s)| self.node(s, &format!("{ptr}/items/{i}"), depth + 1))
                    .collect();
            }
            _ => {}
        }
        if let Some(Value::Array(tuple)) = obj.get("prefixItems") {
            n.prefix_items = tuple
                .iter()
                .enumerate()
                .map(|(i, s)| self.node(s, &format!("{ptr}/prefixItems/{i}"), depth + 1))
                .collect();
        }
        self.set(id, n);
    }

    /// Resolves a local `$ref` (`#`, `#/$defs/X`, any JSON pointer into the root).
    fn reference(&mut self, r: &str, ptr: &str, depth: usize) -> Option<NodeId> {
        let Some(target_ptr) = pointer::ref_pointer(r).map(std::borrow::Cow::into_owned) else {
            self.notes.push(format!(
                "{ptr}/$ref: non-local reference {r:?}; not checked"
            ));
            return None;
        };
        if let Some(id) = self.refs.get(&target_ptr) {
            return Some(*id);
        }
        let Some(target) = self.root.pointer(&target_ptr) else {
            self.notes
                .push(format!("{ptr}/$ref: {r:?} does not resolve; not checked"));
            return None;
        };
        let id = self.nodes.len();
        self.nodes.push(Node::default());
        self.refs.insert(target_ptr.clone(), id);
        self.fill(id, target, &target_ptr, depth + 1);
        Some(id)
    }
}

fn types(v: Option<&Value>) -> Option<u8> {
    match v? {
        Value::String(s) => ty::from_name(s),
        Value::Array(list) => {
            let mask = list
                .iter()
                .filter_map(Value::as_str)
                .filter_map(ty::from_name)
                .fold(0, |a, b| a | b);
            (mask != 0).then_some(mask)
        }
        _ => None,
    }
}

fn uint(obj: &Map<String, Value>, key: &str) -> Option<u64> {
    let v = obj.get(key)?;
    v.as_u64()
        .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
}

fn num(obj: &Map<String, Value>, key: &str) -> Option<f64> {
    obj.get(key)?.as_f64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recursive_refs_compile_once() {
        let schema = json!({
            "type": "object",
            "properties": {"a": {"$ref": "#/$defs/Node"}, "b": {"$ref": "#/$defs/Node"}},
            "$defs": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/Node"}}}}
        });
        let c = compile(&schema);
        let a = c.nodes[c.root].property("a").unwrap().node;
        let b = c.nodes[c.root].property("b").unwrap().node;
        assert_eq!(c.nodes[a].reference, c.nodes[b].reference);
        let target = c.nodes[a].reference.unwrap();
        let next = c.nodes[target].property("next").unwrap().node;
        assert_eq!(c.nodes[next].reference, Some(target));
        assert!(c.notes.is_empty());
    }

    #[test]
    fn unsupported_pattern_and_dangling_ref_are_noted() {
        let schema = json!({"properties": {
            "a": {"type": "string", "pattern": "^(?!foo)"},
            "b": {"$ref": "#/$defs/Missing"},
            "c": {"$ref": "other.json#/X"}
        }});
        let c = compile(&schema);
        assert_eq!(c.notes.len(), 3, "{:?}", c.notes);
        assert!(c.notes[0].contains("/properties/a/pattern"));
    }

    #[test]
    fn type_arrays_are_masks() {
        assert_eq!(
            types(Some(&json!(["string", "null"]))),
            Some(ty::STRING | ty::NULL)
        );
        assert_eq!(types(Some(&json!("bogus"))), None);
    }
}
