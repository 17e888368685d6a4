//! Hashes that do not depend on JSON key order.
//!
//! Schema hashes decide whether a tool is "updated" between two versions of a tool set, so two
//! schemas that differ only in the order of object keys must hash the same.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// sha256 (lower-case hex) of `value` serialised canonically: object keys sorted, no whitespace.
///
/// ```
/// use openapi_tools_runtime::hash::schema_hash;
/// let a = serde_json::json!({"type": "object", "properties": {"a": {}, "b": {}}});
/// let b = serde_json::json!({"properties": {"b": {}, "a": {}}, "type": "object"});
/// assert_eq!(schema_hash(&a), schema_hash(&b));
/// ```
pub fn schema_hash(value: &Value) -> String {
    let mut hasher = Sha256::new();
    write_canonical(value, &mut hasher);
    hex(&hasher.finalize())
}

/// sha256 (lower-case hex) of raw bytes.
pub fn bytes_hash(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Where canonical text goes: a hasher, or a buffer kept to be hashed again later.
trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Sha256 {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

fn write_canonical<S: Sink>(value: &Value, out: &mut S) {
    match value {
        Value::Object(map) => {
            // Entries, not keys: looking each value up again by key would hash every key twice.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by_key(|(k, _)| *k);
            out.put(b"{");
            for (i, (key, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.put(b",");
                }
                write_string(key, out);
                out.put(b":");
                write_canonical(v, out);
            }
            out.put(b"}");
        }
        Value::Array(items) => {
            out.put(b"[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.put(b",");
                }
                write_canonical(item, out);
            }
            out.put(b"]");
        }
        Value::String(s) => write_string(s, out),
        Value::Number(n) => {
            let _ = serde_json::to_writer(SinkWriter(out), n);
        }
        Value::Bool(true) => out.put(b"true"),
        Value::Bool(false) => out.put(b"false"),
        Value::Null => out.put(b"null"),
    }
}

fn write_string<S: Sink>(s: &str, out: &mut S) {
    // serde_json's string escaping is canonical for a given string; writing it straight into the
    // hasher avoids an allocation per key and value (hashing is on the hot path of modelling).
    let _ = serde_json::to_writer(SinkWriter(out), s);
}

/// The canonical text of `value` that [`schema_hash`] hashes, for [`SchemaHasher::canonical`]:
/// a part shared by many schemas (a `$defs` entry) is then written once, not once per schema.
pub fn canonical_text(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_canonical(value, &mut out);
    out
}

/// [`schema_hash`] of an object assembled piece by piece: [`SchemaHasher::open`], then per
/// member in sorted key order [`SchemaHasher::key`] and its value, either as a value
/// ([`SchemaHasher::value`]) or as its [`canonical_text`] ([`SchemaHasher::canonical`]), then
/// [`SchemaHasher::close`]; a member that is itself an object may be assembled the same way.
/// Equal to `schema_hash` of the whole object.
///
/// ```
/// use openapi_tools_runtime::hash::{SchemaHasher, canonical_text, schema_hash};
/// let a = serde_json::json!({"type": "string"});
/// let whole = serde_json::json!({"$defs": {"A": a.clone()}, "type": "object"});
/// let mut h = SchemaHasher::new();
/// h.open();
/// h.key("$defs");
/// h.open();
/// h.key("A");
/// h.canonical(&canonical_text(&a));
/// h.close();
/// h.key("type");
/// h.value(&serde_json::json!("object"));
/// h.close();
/// assert_eq!(h.finish(), schema_hash(&whole));
/// ```
#[derive(Default)]
pub struct SchemaHasher {
    sha: Sha256,
    /// Per open object: whether a member was written (the next one needs a comma).
    open: Vec<bool>,
}

impl SchemaHasher {
    /// An empty hasher.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts an object.
    pub fn open(&mut self) {
        self.sha.put(b"{");
        self.open.push(false);
    }

    /// Ends the innermost object.
    pub fn close(&mut self) {
        self.open.pop();
        self.sha.put(b"}");
    }

    /// The key of the next member of the innermost object (keys must come sorted).
    pub fn key(&mut self, key: &str) {
        if let Some(written) = self.open.last_mut() {
            if *written {
                self.sha.put(b",");
            }
            *written = true;
        }
        write_string(key, &mut self.sha);
        self.sha.put(b":");
    }

    /// A member's value.
    pub fn value(&mut self, value: &Value) {
        write_canonical(value, &mut self.sha);
    }

    /// A member's value given as its [`canonical_text`].
    pub fn canonical(&mut self, text: &[u8]) {
        self.sha.put(text);
    }

    /// The hash, as [`schema_hash`] writes it.
    pub fn finish(self) -> String {
        hex(&self.sha.finalize())
    }
}

/// Lets serde_json write into a [`Sink`].
struct SinkWriter<'a, S>(&'a mut S);

impl<S: Sink> std::io::Write for SinkWriter<'_, S> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.put(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_does_not_change_the_hash() {
        let a = json!({"a": 1, "b": {"x": [1, 2], "y": "s"}});
        let b = json!({"b": {"y": "s", "x": [1, 2]}, "a": 1});
        assert_eq!(schema_hash(&a), schema_hash(&b));
    }

    #[test]
    fn array_order_and_values_do_change_the_hash() {
        assert_ne!(schema_hash(&json!([1, 2])), schema_hash(&json!([2, 1])));
        assert_ne!(
            schema_hash(&json!({"a": "1"})),
            schema_hash(&json!({"a": 1}))
        );
    }

    #[test]
    fn pieces_hash_like_the_whole() {
        let def = json!({"type": "object", "properties": {"a\"b": {"maximum": 1.5}, "é": [null]}});
        let stub = json!({"description": "line\nbreak", "type": "integer"});
        let whole = json!({
            "type": "object",
            "$defs": {"B": stub, "A": def},
            "properties": {"x": {"$ref": "#/$defs/A"}},
            "additionalProperties": false
        });
        let mut h = SchemaHasher::new();
        h.open();
        h.key("$defs");
        h.open();
        h.key("A");
        h.canonical(&canonical_text(&whole["$defs"]["A"]));
        h.key("B");
        h.value(&whole["$defs"]["B"]);
        h.close();
        for key in ["additionalProperties", "properties", "type"] {
            h.key(key);
            h.value(&whole[key]);
        }
        h.close();
        assert_eq!(h.finish(), schema_hash(&whole));
        // A different member changes it.
        let mut h = SchemaHasher::new();
        h.open();
        h.key("type");
        h.value(&json!("object"));
        h.close();
        assert_ne!(h.finish(), schema_hash(&whole));
    }

    #[test]
    fn bytes_hash_is_sha256_hex() {
        assert_eq!(
            bytes_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
