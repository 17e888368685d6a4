//! Valid example arguments generated from a canonical input schema.
//!
//! [`sample_args`] builds the smallest instance it can that the schema accepts: required
//! properties only, the first `enum`/`const`/`examples`/`default` value where there is one,
//! the first branch of `oneOf`/`anyOf`, `allOf` branches merged, `$ref`s into `$defs`
//! followed, lengths and bounds honoured, common formats (date, date-time, uuid, email, uri,
//! ipv4, base64) filled with well-formed values, and strings with a `pattern` built from the
//! pattern itself (the shortest string its syntax tree spells: first alternative, fewest
//! repetitions, a readable member of each class). Used to call every operation of a document
//! (the executor's Prism test), by discovery to show example calls, and by anyone who needs a
//! call that passes validation.
//!
//! ```
//! use openapi_tools_runtime::sample::sample_args;
//! let schema = serde_json::json!({
//!     "type": "object",
//!     "properties": {"id": {"type": "integer", "minimum": 3}, "kind": {"enum": ["cat", "dog"]},
//!                    "note": {"type": "string"}},
//!     "required": ["id", "kind"]
//! });
//! assert_eq!(sample_args(&schema), serde_json::json!({"id": 3, "kind": "cat"}));
//! ```

use serde_json::{Map, Value, json};

/// Deepest nesting generated; deeper positions get `null`-free minimal values.
const MAX_DEPTH: usize = 24;

/// A value `schema` (a canonical input schema, `$defs` at its root) accepts, as small as
/// possible.
pub fn sample_args(schema: &Value) -> Value {
    Gen { root: schema }.value(schema, 0)
}

struct Gen<'a> {
    root: &'a Value,
}

impl<'a> Gen<'a> {
    fn resolve(&self, mut s: &'a Value) -> &'a Value {
        for _ in 0..16 {
            match s
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| crate::pointer::resolve(self.root, r))
            {
                Some(target) => s = target,
                None => break,
            }
        }
        s
    }

    fn value(&self, schema: &'a Value, depth: usize) -> Value {
        let s = self.resolve(schema);
        if let Some(v) = s.get("const") {
            return v.clone();
        }
        if let Some(first) = s
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find(|v| !v.is_null()).or_else(|| e.first()))
        {
            return first.clone();
        }
        if let Some(first) = s
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return first.clone();
        }
        if let Some(d) = s.get("default").filter(|d| !d.is_null()) {
            return d.clone();
        }
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            let mut other = None;
            for b in all {
                match self.value(b, depth + 1) {
                    Value::Object(o) => merged.extend(o),
                    v => other = Some(v),
                }
            }
            if let Some(Value::Object(own)) = self.object(s, depth) {
                merged.extend(own);
            }
            return match other {
                Some(v) if merged.is_empty() => v,
                _ => Value::Object(merged),
            };
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = s.get(key).and_then(Value::as_array) {
                let pick = branches
                    .iter()
                    .find(|b| !is_null_type(self.resolve(b)))
                    .or_else(|| branches.first());
                if let Some(b) = pick {
                    let v = self.value(b, depth + 1);
                    if let (Value::Object(mut o), Some(Value::Object(own))) =
                        (v.clone(), self.object(s, depth))
                    {
                        o.extend(own);
                        return Value::Object(o);
                    }
                    return v;
                }
            }
        }
        match primary_type(s).as_deref() {
            Some("object") => self.object(s, depth).unwrap_or_else(|| json!({})),
            Some("array") => self.array(s, depth),
            Some("string") => string(s),
            Some("integer") => number(s, true),
            Some("number") => number(s, false),
            Some("boolean") => Value::Bool(true),
            Some("null") => Value::Null,
            _ if s.get("properties").is_some() => {
                self.object(s, depth).unwrap_or_else(|| json!({}))
            }
            _ if s.get("items").is_some() => self.array(s, depth),
            _ => Value::String("example".into()),
        }
    }

    fn object(&self, s: &'a Value, depth: usize) -> Option<Value> {
        let props = s.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if props.is_none() && required.is_empty() && primary_type(s).as_deref() != Some("object") {
            return None;
        }
        let mut out = Map::new();
        for name in required {
            let v = match props.and_then(|p| p.get(name)) {
                Some(p) => self.value(p, depth + 1),
                None => Value::String("example".into()),
            };
            out.insert(name.to_owned(), v);
        }
        let min = s.get("minProperties").and_then(Value::as_u64).unwrap_or(0) as usize;
        if out.len() < min
            && let Some(p) = props
        {
            for (k, v) in p {
                if out.len() >= min {
                    break;
                }
                if !out.contains_key(k) {
                    out.insert(k.clone(), self.value(v, depth + 1));
                }
            }
        }
        Some(Value::Object(out))
    }

    fn array(&self, s: &'a Value, depth: usize) -> Value {
        let min = s.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let n = min.max(1).min(
            s.get("maxItems")
                .and_then(Value::as_u64)
                .map_or(1, |m| m as usize)
                .max(min),
        );
        let Some(items) = s.get("items").filter(|i| i.is_object()) else {
            return Value::Array(vec![Value::String("example".into()); n]);
        };
        let unique = s.get("uniqueItems") == Some(&Value::Bool(true));
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let mut v = self.value(items, depth + 1);
            if unique && i > 0 {
                v = distinct(v, i);
            }
            out.push(v);
        }
        Value::Array(out)
    }
}

fn is_null_type(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("null")
}

/// The first non-null type of `type` (a string or an array).
fn primary_type(s: &Value) -> Option<String> {
    match s.get("type")? {
        Value::String(t) => Some(t.clone()),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .or_else(|| ts.first().and_then(Value::as_str))
            .map(str::to_owned),
        _ => None,
    }
}

/// A variant of `v` for the `i`-th item of a unique array.
fn distinct(v: Value, i: usize) -> Value {
    match v {
        Value::String(s) => Value::String(format!("{s}{i}")),
        Value::Number(n) => n
            .as_i64()
            .map_or(Value::Number(n.clone()), |x| Value::from(x + i as i64)),
        other => other,
    }
}

fn string(s: &Value) -> Value {
    let format = s.get("format").and_then(Value::as_str).unwrap_or("");
    let encoding = s
        .get("contentEncoding")
        .and_then(Value::as_str)
        .unwrap_or("");
    let base = match format {
        "date" => "2024-01-15",
        "date-time" => "2024-01-15T10:00:00Z",
        "time" => "10:00:00Z",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" => "user@example.com",
        "uri" | "url" => "https://example.com/item",
        "uri-reference" => "/item",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "ZXhhbXBsZQ==",
        "duration" => "P1D",
        _ if encoding == "base64" => "ZXhhbXBsZQ==",
        _ => "example",
    };
    let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = s
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    if let Some(text) = s
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(from_pattern)
    {
        let n = text.chars().count();
        if n >= min && max.is_none_or(|m| n <= m) {
            return Value::String(text);
        }
    }
    let mut text = base.to_owned();
    if text.chars().count() < min {
        text.push_str(&"x".repeat(min - text.chars().count()));
    }
    if let Some(max) = max
        && text.chars().count() > max
    {
        text = text.chars().take(max.max(min)).collect();
    }
    Value::String(text)
}

/// The shortest string `pattern` spells (searched anywhere, so anchors add nothing), or `None`
/// when the pattern does not parse.
fn from_pattern(pattern: &str) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .nest_limit(64)
        .build()
        .parse(pattern)
        .ok()?;
    let mut out = String::new();
    spell(&hir, &mut out, 0).then_some(out)
}

fn spell(hir: &regex_syntax::hir::Hir, out: &mut String, depth: usize) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    if depth > 64 || out.len() > 4096 {
        return false;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(t) => {
                out.push_str(t);
                true
            }
            Err(_) => false,
        },
        HirKind::Class(Class::Unicode(c)) => {
            let ranges = c.ranges();
            let inside = |ch: char| ranges.iter().any(|r| r.start() <= ch && ch <= r.end());
            let pick = ['a', 'x', 'A', 'X', '0', '1', '-', '_', '.']
                .into_iter()
                .find(|ch| inside(*ch))
                .or_else(|| ranges.iter().map(|r| r.start()).find(|ch| *ch >= ' '))
                .or_else(|| ranges.first().map(|r| r.start()));
            match pick {
                Some(ch) => {
                    out.push(ch);
                    true
                }
                None => false,
            }
        }
        HirKind::Class(Class::Bytes(c)) => match c.ranges().first() {
            Some(r) if r.start().is_ascii() => {
                out.push(char::from(r.start()));
                true
            }
            _ => false,
        },
        HirKind::Repetition(rep) => (0..rep.min).all(|_| spell(&rep.sub, out, depth + 1)),
        HirKind::Capture(cap) => spell(&cap.sub, out, depth + 1),
        HirKind::Concat(parts) => parts.iter().all(|p| spell(p, out, depth + 1)),
        HirKind::Alternation(alts) => alts.first().is_some_and(|a| spell(a, out, depth + 1)),
    }
}

fn number(s: &Value, integer: bool) -> Value {
    let get = |k: &str| s.get(k).and_then(Value::as_f64);
    let mut x: f64 = 1.0;
    if let Some(m) = get("minimum") {
        x = x.max(m);
    }
    if let Some(m) = get("exclusiveMinimum") {
        x = x.max(if integer { m.floor() + 1.0 } else { m + 1.0 });
    }
    if let Some(m) = get("maximum") {
        x = x.min(m);
    }
    if let Some(m) = get("exclusiveMaximum")
        && x >= m
    {
        x = if integer { m.ceil() - 1.0 } else { m - 0.5 };
    }
    if let Some(step) = get("multipleOf").filter(|s| *s > 0.0) {
        x = (x / step).ceil() * step;
    }
    if integer || x.fract() == 0.0 {
        Value::from(x as i64)
    } else {
        json!(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Validator;

    #[test]
    fn samples_validate_against_their_schema() {
        let schemas = [
            json!({"type": "object", "properties": {
                "id": {"type": "string", "format": "uuid"},
                "when": {"type": "string", "format": "date-time"},
                "n": {"type": "integer", "minimum": 10, "maximum": 20, "multipleOf": 5},
                "x": {"type": "number", "exclusiveMinimum": 0.5},
                "tags": {"type": "array", "items": {"type": "string", "minLength": 3}, "minItems": 2, "uniqueItems": true},
                "pet": {"$ref": "#/$defs/Pet"},
                "any": {"anyOf": [{"type": "null"}, {"type": "integer"}]},
                "file": {"type": "string", "contentEncoding": "base64"},
                "code": {"type": "string", "minLength": 12, "maxLength": 12},
                "sid": {"type": "string", "pattern": "^AC[0-9a-fA-F]{32}$"},
                "slug": {"type": "string", "pattern": "^[a-z]+(-[a-z0-9]+)*$", "minLength": 1},
                "phone": {"type": "string", "pattern": "^\\+?[1-9]\\d{1,14}$"}
            }, "required": ["id", "when", "n", "x", "tags", "pet", "any", "file", "code", "sid", "slug", "phone"],
            "$defs": {"Pet": {"allOf": [
                {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
                {"type": "object", "properties": {"kind": {"const": "cat"}}, "required": ["kind"]}
            ]}}}),
            json!({"type": "object", "properties": {"q": {"type": ["string", "null"], "enum": [null, "a"]}}, "required": ["q"]}),
        ];
        for schema in schemas {
            let v = sample_args(&schema);
            let problems = Validator::new(&schema).validate(&v);
            assert!(problems.is_empty(), "{v}: {problems:?}");
        }
    }

    #[test]
    fn recursive_schemas_terminate() {
        let schema = json!({"type": "object", "properties": {"node": {"$ref": "#/$defs/N"}},
            "required": ["node"],
            "$defs": {"N": {"type": "object", "properties": {"next": {"$ref": "#/$defs/N"}}, "required": ["next"]}}});
        let v = sample_args(&schema);
        assert!(v.pointer("/node/next/next").is_some());
    }
}
