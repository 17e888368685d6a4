//! Shared helpers for the schema lowerings: key order, type arrays, JSON pointers, and the text
//! that carries a dropped constraint into a description.
//!
//! Every lowering builds fresh output maps from a borrowed canonical schema in one pass, so these
//! helpers take `&Map`/`&Value` and return owned output.

use serde_json::{Map, Value};

use crate::keywords::{self, KEYWORDS, rank};
pub(crate) use crate::pointer::{join as push_ptr, resolve as resolve_ref};

/// Deepest schema nesting any walk follows. Canonical schemas from real specs stay far below it
/// (GitHub's deepest input is ~12); anything deeper is cut with a note, never a stack overflow.
pub(crate) const MAX_DEPTH: usize = 64;

/// Number of known keywords.
const KNOWN: usize = KEYWORDS.len();

/// A schema object with its known keywords pre-sorted into slots: the walks ask a node for ~30
/// keywords, and one pass over its few keys is far cheaper than ~30 hashed lookups.
pub(crate) struct View<'a> {
    map: &'a Map<String, Value>,
    slots: [Option<&'a Value>; KNOWN],
}

impl<'a> View<'a> {
    pub(crate) fn new(map: &'a Map<String, Value>) -> Self {
        let mut slots = [None; KNOWN];
        for (k, v) in map {
            if let Some(slot) = slots.get_mut(rank(k)) {
                *slot = Some(v);
            }
        }
        View { map, slots }
    }

    /// The underlying map.
    pub(crate) fn map(&self) -> &'a Map<String, Value> {
        self.map
    }

    /// Like [`Map::get`].
    pub(crate) fn get(&self, k: &str) -> Option<&'a Value> {
        match self.slots.get(rank(k)) {
            Some(slot) => *slot,
            None => self.map.get(k),
        }
    }

    /// Like [`Map::contains_key`].
    pub(crate) fn contains_key(&self, k: &str) -> bool {
        self.get(k).is_some()
    }

    /// Like [`Map::keys`].
    pub(crate) fn keys(&self) -> serde_json::map::Keys<'a> {
        self.map.keys()
    }

    /// Like [`Map::iter`].
    pub(crate) fn iter(&self) -> serde_json::map::Iter<'a> {
        self.map.iter()
    }
}

/// Re-emits `map` with its keys in [`KEYWORDS`] order (unknown keys sorted, after the known ones).
pub(crate) fn ordered(map: Map<String, Value>) -> Map<String, Value> {
    from_entries(map.into_iter().collect())
}

/// Builds a map from entries in the fixed keyword order: one sort and one insert per key, so
/// rendering hashes each output key once.
pub(crate) fn from_entries(mut entries: Vec<(String, Value)>) -> Map<String, Value> {
    entries.sort_by(|a, b| rank(&a.0).cmp(&rank(&b.0)).then_with(|| a.0.cmp(&b.0)));
    entries.into_iter().collect()
}

/// The JSON types a schema node names (`type` as a string or an array), in order.
pub(crate) fn type_names(m: &Map<String, Value>) -> Vec<&str> {
    match m.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Keywords that describe the whole node whatever its type (kept on the wrapper when a node is
/// split); every other keyword goes to the branches of the types it applies to.
fn is_annotation(k: &str) -> bool {
    keywords::is_annotation(k) && keywords::applies_to(k).is_none()
}

/// Splits a node whose `type` is an array into `anyOf` branches, one per type, each carrying the
/// keywords that apply to its type; annotations stay on the returned wrapper. `enum`/`const`
/// values are spread over the branches by their JSON type. Returns `None` when `type` is not an
/// array.
pub(crate) fn split_type_array(m: &Map<String, Value>) -> Option<Map<String, Value>> {
    let Some(Value::Array(types)) = m.get("type") else {
        return None;
    };
    let mut branches = Vec::with_capacity(types.len());
    for t in types.iter().filter_map(Value::as_str) {
        let mut b = Map::new();
        b.insert("type".into(), Value::String(t.to_string()));
        for (k, v) in m {
            if k == "type" || is_annotation(k) {
                continue;
            }
            if k == "enum" {
                let vals: Vec<Value> = match v {
                    Value::Array(a) => a
                        .iter()
                        .filter(|x| json_type_matches(x, t))
                        .cloned()
                        .collect(),
                    _ => Vec::new(),
                };
                if !vals.is_empty() {
                    b.insert("enum".into(), Value::Array(vals));
                }
                continue;
            }
            if k == "const" {
                if json_type_matches(v, t) {
                    b.insert("const".into(), v.clone());
                }
                continue;
            }
            let applies = match keywords::applies_to(k) {
                Some("number") => t == "number" || t == "integer",
                Some(kt) => kt == t,
                None => true,
            };
            if applies {
                b.insert(k.clone(), v.clone());
            }
        }
        branches.push(Value::Object(b));
    }
    let mut wrapper = Map::new();
    for (k, v) in m {
        if is_annotation(k) {
            wrapper.insert(k.clone(), v.clone());
        }
    }
    wrapper.insert("anyOf".into(), Value::Array(branches));
    Some(wrapper)
}

/// Whether a JSON value belongs to the JSON Schema type `t`.
pub(crate) fn json_type_matches(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

/// Short JSON text of a value for prose (`"open"`, `10`, `["a","b"]`), capped so one huge default
/// cannot flood a description.
pub(crate) fn short_json(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    };
    if s.chars().count() > 80 {
        let cut: String = s.chars().take(77).collect();
        format!("{cut}...")
    } else {
        s
    }
}

/// The phrase that tells a model about a constraint the provider cannot enforce, or `None` when
/// the keyword carries nothing a model needs (`examples` that are not short, `$comment`).
pub(crate) fn constraint_phrase(k: &str, v: &Value) -> Option<String> {
    let n = || short_json(v);
    Some(match k {
        "minimum" => format!("minimum {}", n()),
        "maximum" => format!("maximum {}", n()),
        "exclusiveMinimum" => format!("greater than {}", n()),
        "exclusiveMaximum" => format!("less than {}", n()),
        "multipleOf" => format!("multiple of {}", n()),
        "minLength" => format!("at least {} characters", n()),
        "maxLength" => format!("at most {} characters", n()),
        "pattern" => format!("pattern {}", n()),
        "minItems" => format!("at least {} items", n()),
        "maxItems" => format!("at most {} items", n()),
        "uniqueItems" if v.as_bool() == Some(true) => "items unique".to_string(),
        "minProperties" => format!("at least {} properties", n()),
        "maxProperties" => format!("at most {} properties", n()),
        // Storage widths say nothing a model can act on.
        "format" => match v.as_str() {
            Some("int32" | "int64" | "float" | "double") | None => return None,
            Some(f) => format!("format: {f}"),
        },
        "contentEncoding" => match v.as_str() {
            Some("base64") => "base64-encoded".to_string(),
            Some(e) => format!("{e}-encoded"),
            None => return None,
        },
        "contentMediaType" => format!("media type {}", v.as_str().unwrap_or_default()),
        "default" => format!("default: {}", n()),
        "deprecated" if v.as_bool() == Some(true) => "deprecated".to_string(),
        "examples" => {
            let first = v.as_array().and_then(|a| a.first())?;
            if first.is_object() || first.is_array() {
                return None;
            }
            format!("example: {}", short_json(first))
        }
        "const" => format!("must be {}", n()),
        "enum" => {
            let a = v.as_array()?;
            let vals: Vec<String> = a.iter().map(short_json).collect();
            format!("one of: {}", vals.join(", "))
        }
        _ => return None,
    })
}

/// `desc` with the phrases appended in parentheses: `"Page size (minimum 1, maximum 100)"`.
pub(crate) fn with_phrases(desc: Option<&str>, phrases: &[String]) -> Option<String> {
    let base = desc.map(str::trim).unwrap_or_default();
    if phrases.is_empty() {
        return (!base.is_empty()).then(|| base.to_string());
    }
    let joined = phrases.join(", ");
    Some(if base.is_empty() {
        format!("({joined})")
    } else {
        format!("{base} ({joined})")
    })
}

/// `s` cut to at most `max` characters at a word boundary, with an ellipsis when cut.
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let keep: String = s.chars().take(max.saturating_sub(3)).collect();
    let cut = match keep.rfind(char::is_whitespace) {
        Some(i) if i > keep.len() / 2 => &keep[..i],
        _ => keep.as_str(),
    };
    format!("{}...", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ordered_puts_known_keys_first_and_sorts_the_rest() {
        let m = json!({"z-x": 1, "properties": {}, "a-y": 2, "type": "object", "description": "d"});
        let Value::Object(m) = m else { panic!() };
        let keys: Vec<String> = ordered(m).keys().cloned().collect();
        assert_eq!(keys, ["type", "description", "properties", "a-y", "z-x"]);
    }

    #[test]
    fn split_type_array_spreads_keywords_and_enum_values_by_type() {
        let Value::Object(m) = json!({"type": ["string", "integer", "null"], "description": "d",
            "minLength": 2, "minimum": 1, "enum": ["a", 3, null]})
        else {
            panic!()
        };
        let w = split_type_array(&m).unwrap();
        assert_eq!(
            Value::Object(w),
            json!({"description": "d", "anyOf": [
                {"type": "string", "minLength": 2, "enum": ["a"]},
                {"type": "integer", "minimum": 1, "enum": [3]},
                {"type": "null", "enum": [null]}]})
        );
    }

    #[test]
    fn phrases_append_in_parentheses() {
        let p = vec![
            constraint_phrase("minimum", &json!(1)).unwrap(),
            constraint_phrase("maximum", &json!(100)).unwrap(),
        ];
        assert_eq!(
            with_phrases(Some("Page size."), &p).unwrap(),
            "Page size. (minimum 1, maximum 100)"
        );
        assert_eq!(with_phrases(None, &p).unwrap(), "(minimum 1, maximum 100)");
        assert_eq!(with_phrases(Some("  "), &[]), None);
    }

    #[test]
    fn truncate_cuts_at_a_word() {
        let s = "alpha beta gamma delta";
        assert_eq!(truncate_chars(s, 14), "alpha beta...");
        assert_eq!(truncate_chars(s, 100), s);
        assert!(truncate_chars(&"é".repeat(2000), 1024).chars().count() <= 1024);
    }

    #[test]
    fn resolve_ref_handles_defs_and_escapes() {
        let root = json!({"$defs": {"a/b": {"type": "string"}, "X": {"type": "integer"}}});
        assert_eq!(
            resolve_ref(&root, "#/$defs/X"),
            Some(&json!({"type": "integer"}))
        );
        assert_eq!(
            resolve_ref(&root, "#/$defs/a~1b"),
            Some(&json!({"type": "string"}))
        );
        assert_eq!(
            resolve_ref(&root, "#/%24defs/X"),
            Some(&json!({"type": "integer"}))
        );
        assert_eq!(resolve_ref(&root, "#/$defs/missing"), None);
        assert_eq!(resolve_ref(&root, "other.json#/X"), None);
    }
}
