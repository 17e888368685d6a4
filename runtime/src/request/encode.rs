//! Percent-encoding sets and the value shapes every style serialises from.
//!
//! Each location encodes with one set, chosen strictly: a value can never produce a character
//! that changes the structure around it (a `/` in a path segment, `&` or `#` in a query value,
//! `;` in a cookie).

use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`): path segments and
/// query components.
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `allowReserved`: RFC 3986 reserved characters pass, except the three that would end or split
/// a query value (`#`, `&`) or start an escape (`%`) — those are still encoded.
pub(crate) const QUERY_RESERVED: &AsciiSet = &COMPONENT
    .remove(b':')
    .remove(b'/')
    .remove(b'?')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b'[')
    .remove(b']');

/// Cookie values (RFC 6265 cookie-octet): controls, space, `"`, `,`, `;`, `\` and `%` encoded.
pub(crate) const COOKIE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// Literal text of a path template (written by the spec author): keep structure and existing
/// escapes, encode what may not appear in a path at all (space, controls, quotes, non-ASCII).
pub(crate) const PATH_LITERAL: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Percent-encodes `s` with `set`.
pub(crate) fn enc(s: &str, set: &'static AsciiSet) -> String {
    utf8_percent_encode(s, set).to_string()
}

/// A value as the text styles put on the wire: strings verbatim, numbers and booleans as JSON,
/// null as empty, arrays and objects (nested inside a style that cannot express them) as
/// compact JSON.
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The three shapes the OpenAPI style table distinguishes, with raw (unencoded) texts.
pub(crate) enum Shape {
    /// A primitive.
    Scalar(String),
    /// An array's items.
    List(Vec<String>),
    /// An object's properties in order (null properties left out: null means absent).
    Pairs(Vec<(String, String)>),
}

impl Shape {
    /// The shape of `v`; `None` for null (absent).
    pub fn of(v: &Value) -> Option<Shape> {
        Some(match v {
            Value::Null => return None,
            Value::Array(items) => Shape::List(items.iter().map(scalar_text).collect()),
            Value::Object(map) => Shape::Pairs(
                map.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), scalar_text(v)))
                    .collect(),
            ),
            other => Shape::Scalar(scalar_text(other)),
        })
    }

    /// Simple-style text (`blue`, `blue,black`, `R,100,G,200` or `R=100,G=200` exploded),
    /// each piece passed through `e`.
    pub fn simple(&self, explode: bool, e: &dyn Fn(&str) -> String) -> String {
        match self {
            Shape::Scalar(s) => e(s),
            Shape::List(items) => join(items.iter().map(|i| e(i)), ","),
            Shape::Pairs(pairs) => pairs_text(pairs, explode, ",", e),
        }
    }
}

/// `R,100,G,200` (not exploded) or `R=100{sep}G=200` (exploded).
pub(crate) fn pairs_text(
    pairs: &[(String, String)],
    explode: bool,
    sep: &str,
    e: &dyn Fn(&str) -> String,
) -> String {
    if explode {
        join(pairs.iter().map(|(k, v)| format!("{}={}", e(k), e(v))), sep)
    } else {
        join(pairs.iter().flat_map(|(k, v)| [e(k), e(v)]), sep)
    }
}

pub(crate) fn join(parts: impl Iterator<Item = String>, sep: &str) -> String {
    let mut out = String::new();
    for (i, p) in parts.enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&p);
    }
    out
}

/// Whether a media type is JSON (`application/json`, `application/vnd.api+json`,
/// `application/json; charset=utf-8`).
pub fn is_json_media(media: &str) -> bool {
    let essence = essence(media);
    essence == "application/json" || essence.ends_with("+json") || essence == "text/json"
}

/// The media type without parameters, lower-cased.
pub(crate) fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_encodes_structure_and_unicode() {
        assert_eq!(enc("a/b?c#d&e=f g", COMPONENT), "a%2Fb%3Fc%23d%26e%3Df%20g");
        assert_eq!(enc("é✓", COMPONENT), "%C3%A9%E2%9C%93");
        assert_eq!(enc("a-b.c_d~e", COMPONENT), "a-b.c_d~e");
    }

    #[test]
    fn reserved_keeps_delimiters_but_not_query_breakers() {
        assert_eq!(
            enc("a/b:c,d&e#f%g h", QUERY_RESERVED),
            "a/b:c,d%26e%23f%25g%20h"
        );
    }

    #[test]
    fn cookie_set() {
        assert_eq!(enc("a b;c,d=e%", COOKIE), "a%20b%3Bc%2Cd=e%25");
    }

    #[test]
    fn media_types() {
        assert!(is_json_media("application/vnd.api+json; charset=utf-8"));
        assert!(is_json_media("Application/JSON"));
        assert!(!is_json_media("application/x-www-form-urlencoded"));
    }
}
