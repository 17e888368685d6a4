//! Text -> JSON value. The format is detected from the content, not the file name.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The syntax a source file is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// JSON.
    Json,
    /// YAML (JSON is valid YAML too, but JSON is parsed by the faster JSON parser).
    Yaml,
}

/// Why a file could not be parsed, with the 1-based position the parser stopped at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// JSON when the first non-blank character opens an object or array, else YAML. A file named
/// `.yaml` that holds JSON, or a `.json` that holds YAML, is read for what it is.
pub(crate) fn detect(text: &str) -> Format {
    match text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .as_bytes()
        .first()
    {
        Some(b'{') | Some(b'[') => Format::Json,
        _ => Format::Yaml,
    }
}

/// Parses `text` in `format`.
pub(crate) fn parse(text: &str, format: Format) -> Result<Value, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Json => serde_json::from_str(text).map_err(|e| ParseError {
            message: strip_position(&e.to_string()),
            line: Some(e.line()).filter(|l| *l > 0),
            column: Some(e.column()).filter(|c| *c > 0),
        }),
        Format::Yaml => parse_yaml(text),
    }
}

/// The one place YAML is parsed (through `yaml_serde`), straight into a JSON value.
///
/// A custom visitor instead of `serde_json::Value`'s own, for three reasons: integers beyond
/// 64 bits (OpenAI's `-9223372036854776000`) become the nearest `f64` as a JSON parser would
/// read them instead of failing the whole document; scalar keys of any type (`200:`, `true:`)
/// become their string form; and YAML merge keys (`<<: *base`) are applied (explicit keys win),
/// since they are a YAML feature, not data.
fn parse_yaml(text: &str) -> Result<Value, ParseError> {
    let de = yaml_serde::Deserializer::from_str(text);
    match JsonSeed.deserialize(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let loc = e.location();
            Err(ParseError {
                message: strip_position(&e.to_string()),
                line: loc.as_ref().map(|l| l.line()),
                column: loc.as_ref().map(|l| l.column()),
            })
        }
    }
}

/// Parser messages end with " at line L column C"; the diagnostic carries those separately.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) if message[i..].contains(" column ") => {
            let rest = &message[i + " at line ".len()..];
            // Keep any context after the position (", while parsing a flow sequence ...").
            match rest.find(", ") {
                Some(j) => format!("{}{}", &message[..i], &rest[j..]),
                None => message[..i].to_owned(),
            }
        }
        _ => message.to_owned(),
    }
}

struct JsonSeed;

impl<'de> DeserializeSeed<'de> for JsonSeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(i) => Value::Number(i.into()),
            Err(_) => float(v as f64),
        })
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(u) => Value::Number(u.into()),
            Err(_) => float(v as f64),
        })
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(JsonSeed)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let mut merges = Vec::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            let value = map.next_value_seed(JsonSeed)?;
            if key == "<<" {
                merges.push(value);
            } else {
                out.insert(key, value);
            }
        }
        for merge in merges {
            let sources = match merge {
                Value::Array(items) => items,
                other => vec![other],
            };
            for source in sources {
                match source {
                    Value::Object(fields) => {
                        for (k, v) in fields {
                            out.entry(k).or_insert(v);
                        }
                    }
                    // Not a mapping: keep it as data rather than drop it.
                    other => {
                        out.entry("<<").or_insert(other);
                    }
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// Map keys: any scalar becomes its string form (YAML `200:` is the string "200" in OpenAPI).
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl Visitor<'_> for KeyVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a scalar mapping key")
    }
    fn visit_str<E>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_bool<E>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok("null".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detects_by_content_not_name() {
        assert_eq!(detect("  \n{\"openapi\": 1}"), Format::Json);
        assert_eq!(detect("\u{feff}[1]"), Format::Json);
        assert_eq!(detect("openapi: 3.0.0"), Format::Yaml);
        assert_eq!(detect("# comment\n{a: 1}"), Format::Yaml);
    }

    #[test]
    fn yaml_big_integers_become_floats_instead_of_failing() {
        let v = parse(
            "a: -9223372036854776000\nb: 18446744073709551616\nc: 7",
            Format::Yaml,
        )
        .unwrap();
        assert_eq!(v["a"].as_f64(), Some(-9223372036854775808.0));
        assert_eq!(v["b"].as_f64(), Some(18446744073709551616.0));
        assert_eq!(v["c"], json!(7));
    }

    #[test]
    fn yaml_scalar_keys_are_strings_and_merge_keys_apply() {
        let v = parse(
            "200: ok\ntrue: y\nbase: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
            Format::Yaml,
        )
        .unwrap();
        assert_eq!(v["200"], json!("ok"));
        assert_eq!(v["true"], json!("y"));
        assert_eq!(v["d"], json!({"y": 3, "x": 1}));
    }

    #[test]
    fn yaml_parse_error_has_line_and_column() {
        let e = parse("a: 1\nb: [1,\n  c: 2\n", Format::Yaml).unwrap_err();
        assert_eq!((e.line, e.column), (Some(4), Some(1)));
        assert!(
            e.message.starts_with("did not find expected ','"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("line 4"), "{}", e.message);
    }

    #[test]
    fn json_parse_error_has_line_and_column() {
        let e = parse("{\n  \"a\": 1,\n  \"b\": ]\n}", Format::Json).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(8)));
    }
}
