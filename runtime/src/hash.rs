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
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.update(b"{");
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.update(b",");
                }
                write_string(key, out);
                out.update(b":");
                if let Some(v) = map.get(key) {
                    write_canonical(v, out);
                }
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
        other => out.update(other.to_string().as_bytes()),
    }
}

fn write_string(s: &str, out: &mut Sha256) {
    // serde_json's string escaping is canonical for a given string.
    out.update(Value::String(s.to_owned()).to_string().as_bytes());
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
