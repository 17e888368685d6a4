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

fn write_canonical(value: &Value, out: &mut Sha256) {
    match value {
        Value::Object(map) => {
            // Entries, not keys: looking each value up again by key would hash every key twice.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by_key(|(k, _)| *k);
            out.update(b"{");
            for (i, (key, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.update(b",");
                }
                write_string(key, out);
                out.update(b":");
                write_canonical(v, out);
            }
            out.update(b"}");
        }
        Value::Array(items) => {
            out.update(b"[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.update(b",");
                }
                write_canonical(item, out);
            }
            out.update(b"]");
        }
        Value::String(s) => write_string(s, out),
        Value::Number(n) => {
            let _ = serde_json::to_writer(HashWriter(out), n);
        }
        Value::Bool(true) => out.update(b"true"),
        Value::Bool(false) => out.update(b"false"),
        Value::Null => out.update(b"null"),
    }
}

fn write_string(s: &str, out: &mut Sha256) {
    // serde_json's string escaping is canonical for a given string; writing it straight into the
    // hasher avoids an allocation per key and value (hashing is on the hot path of modelling).
    let _ = serde_json::to_writer(HashWriter(out), s);
}

/// Lets serde_json write into a hasher.
struct HashWriter<'a>(&'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
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
    fn bytes_hash_is_sha256_hex() {
        assert_eq!(
            bytes_hash(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
