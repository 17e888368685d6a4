//! The sentences argument problems are written in.
//!
//! Both validation paths use these functions: the dynamic [`Validator`](super::Validator) and
//! the validators that generated code carries for typed arguments. Keeping the wording in one
//! place means a model gets the same sentence for the same mistake whichever path checked it,
//! and each sentence says what was expected and what arrived, so the model can fix the call.
//!
//! ```
//! use openapi_tools_runtime::validate::messages::{self, NumBounds};
//! use serde_json::json;
//!
//! let bounds = NumBounds { minimum: Some(1.0), maximum: Some(100.0), ..NumBounds::default() };
//! assert_eq!(
//!     messages::type_mismatch(&messages::expected_number("integer", &bounds), &json!("ten")),
//!     r#"expected an integer between 1 and 100, got "ten""#
//! );
//! assert_eq!(messages::missing_required("owner"), r#"missing required property "owner""#);
//! ```

use serde_json::Value;

/// Longest quoted string shown back to the model before it is cut with `…`.
const MAX_SHOWN_CHARS: usize = 60;
/// Most enum values or property names listed in one sentence.
const MAX_LISTED: usize = 20;

/// Describes a received value the way messages quote it: strings quoted (cut after 60
/// characters), numbers, booleans and null as JSON, arrays and objects by size.
///
/// ```
/// use openapi_tools_runtime::validate::messages::describe_value;
/// use serde_json::json;
/// assert_eq!(describe_value(&json!("ten")), r#""ten""#);
/// assert_eq!(describe_value(&json!(5)), "5");
/// assert_eq!(describe_value(&json!([1, 2])), "an array of 2 items");
/// assert_eq!(describe_value(&json!({"a": 1})), "an object with 1 property");
/// ```
pub fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote(s),
        Value::Array(items) => format!("an array of {}", count(items.len(), "item", "items")),
        Value::Object(map) => format!(
            "an object with {}",
            count(map.len(), "property", "properties")
        ),
    }
}

/// A string as JSON text, cut after 60 characters with `…` so a huge value does not flood the
/// message.
pub fn quote(s: &str) -> String {
    let mut shown: String = s.chars().take(MAX_SHOWN_CHARS).collect();
    if shown.len() < s.len() {
        shown.push('…');
    }
    Value::String(shown).to_string()
}

/// The name of a JSON Schema type with its article: `"integer"` -> `"an integer"`, `"null"` ->
/// `"null"`. Unknown names get `a`/`an` by their first letter.
pub fn type_phrase(type_name: &str) -> String {
    match type_name {
        "null" => "null".to_owned(),
        "integer" | "object" | "array" => format!("an {type_name}"),
        other => {
            let vowel = other
                .chars()
                .next()
                .is_some_and(|c| "aeiouAEIOU".contains(c));
            format!("{} {other}", if vowel { "an" } else { "a" })
        }
    }
}

/// Joins alternatives the way people write them: `a`, `a or b`, `a, b or c`.
pub fn alternatives(items: &[String]) -> String {
    match items {
        [] => "a value".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// `expected {expected}, got {value}`: the general form every mismatch uses.
pub fn type_mismatch(expected: &str, got: &Value) -> String {
    format!("expected {expected}, got {}", describe_value(got))
}

/// Numeric bounds of a schema (2020-12 form: exclusive bounds are numbers).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct NumBounds {
    /// `minimum`
    pub minimum: Option<f64>,
    /// `maximum`
    pub maximum: Option<f64>,
    /// `exclusiveMinimum`
    pub exclusive_minimum: Option<f64>,
    /// `exclusiveMaximum`
    pub exclusive_maximum: Option<f64>,
}

impl NumBounds {
    /// Whether `x` lies within every bound.
    pub fn contains(&self, x: f64) -> bool {
        self.minimum.is_none_or(|m| x >= m)
            && self.maximum.is_none_or(|m| x <= m)
            && self.exclusive_minimum.is_none_or(|m| x > m)
            && self.exclusive_maximum.is_none_or(|m| x < m)
    }

    /// Whether any bound is set.
    pub fn is_empty(&self) -> bool {
        self.minimum.is_none()
            && self.maximum.is_none()
            && self.exclusive_minimum.is_none()
            && self.exclusive_maximum.is_none()
    }
}

/// What a numeric schema expects: `an integer between 1 and 100`, `a number greater than 0`,
/// `an integer of at least 1 and less than 10`. `kind` is `"integer"` or `"number"`.
pub fn expected_number(kind: &str, bounds: &NumBounds) -> String {
    let mut out = type_phrase(kind);
    let lower = match (bounds.minimum, bounds.exclusive_minimum) {
        // The tighter of the two wins when both are set.
        (Some(m), Some(x)) if x >= m => Some((x, true)),
        (Some(m), _) => Some((m, false)),
        (None, Some(x)) => Some((x, true)),
        (None, None) => None,
    };
    let upper = match (bounds.maximum, bounds.exclusive_maximum) {
        (Some(m), Some(x)) if x <= m => Some((x, true)),
        (Some(m), _) => Some((m, false)),
        (None, Some(x)) => Some((x, true)),
        (None, None) => None,
    };
    match (lower, upper) {
        (Some((lo, false)), Some((hi, false))) => {
            out.push_str(&format!(" between {} and {}", num(lo), num(hi)));
        }
        (lo, hi) => {
            let mut parts = Vec::new();
            if let Some((lo, exclusive)) = lo {
                parts.push(if exclusive {
                    format!("greater than {}", num(lo))
                } else {
                    format!("of at least {}", num(lo))
                });
            }
            if let Some((hi, exclusive)) = hi {
                parts.push(if exclusive {
                    format!("less than {}", num(hi))
                } else {
                    format!("of at most {}", num(hi))
                });
            }
            if !parts.is_empty() {
                out.push(' ');
                out.push_str(&parts.join(" and "));
            }
        }
    }
    out
}

/// `expected a multiple of 5, got 7`.
pub fn not_multiple_of(multiple_of: f64, got: &Value) -> String {
    type_mismatch(&format!("a multiple of {}", num(multiple_of)), got)
}

/// `expected a string of at most 10 characters, got 12 characters`.
pub fn length_out_of_range(min: Option<u64>, max: Option<u64>, got_chars: usize) -> String {
    format!(
        "expected a string of {}, got {}",
        range_phrase(min, max, "character", "characters"),
        count(got_chars, "character", "characters")
    )
}

/// `expected at most 10 items, got 12`.
pub fn items_out_of_range(min: Option<u64>, max: Option<u64>, got: usize) -> String {
    format!(
        "expected an array of {}, got {}",
        range_phrase(min, max, "item", "items"),
        count(got, "item", "items")
    )
}

/// `expected an object of at least 1 property, got 0 properties`.
pub fn properties_out_of_range(min: Option<u64>, max: Option<u64>, got: usize) -> String {
    format!(
        "expected an object with {}, got {}",
        range_phrase(min, max, "property", "properties"),
        count(got, "property", "properties")
    )
}

/// `expected unique items, but items 0 and 3 are equal`.
pub fn duplicate_items(first: usize, second: usize) -> String {
    format!("expected unique items, but items {first} and {second} are equal")
}

/// `expected one of "open", "closed", "all", got "opened"`; adds `(did you mean "open"?)`
/// when the value differs from an allowed one only by case or separators.
pub fn not_one_of(allowed: &[Value], got: &Value) -> String {
    let mut out = type_mismatch(&one_of_phrase(allowed), got);
    if let Value::String(s) = got {
        let candidates = allowed.iter().filter_map(Value::as_str);
        if let Some(hint) = closest(s, candidates) {
            out.push_str(&format!(" (did you mean {}?)", quote(hint)));
        }
    }
    out
}

/// `one of "open", "closed", "all"` (at most 20 listed, then `… (N more)`).
pub fn one_of_phrase(allowed: &[Value]) -> String {
    let mut listed: Vec<String> = allowed.iter().take(MAX_LISTED).map(json_text).collect();
    if allowed.len() > MAX_LISTED {
        listed.push(format!("… ({} more)", allowed.len() - MAX_LISTED));
    }
    format!("one of {}", listed.join(", "))
}

/// `expected "v1", got "v2"` for `const`.
pub fn const_mismatch(expected: &Value, got: &Value) -> String {
    type_mismatch(&json_text(expected), got)
}

/// `expected a string matching the pattern ^[a-z]+$, got "ABC"`.
pub fn pattern_mismatch(pattern: &str, got: &str) -> String {
    format!(
        "expected a string matching the pattern {pattern}, got {}",
        quote(got)
    )
}

/// `expected a date-time (RFC 3339, e.g. 2024-01-31T09:30:00Z), got "yesterday"`.
pub fn format_mismatch(format: &str, got: &Value) -> String {
    type_mismatch(&format_phrase(format), got)
}

/// How a `format` is named in a sentence, with an example where one helps a model.
pub fn format_phrase(format: &str) -> String {
    match format {
        "date-time" => "a date-time (RFC 3339, e.g. 2024-01-31T09:30:00Z)".to_owned(),
        "date" => "a date (YYYY-MM-DD, e.g. 2024-01-31)".to_owned(),
        "time" => "a time (HH:MM:SS with optional fraction and offset, e.g. 09:30:00Z)".to_owned(),
        "uuid" => "a UUID (e.g. 123e4567-e89b-12d3-a456-426614174000)".to_owned(),
        "email" | "idn-email" => "an email address".to_owned(),
        "uri" | "iri" => "an absolute URI (e.g. https://example.com/x)".to_owned(),
        "uri-reference" | "iri-reference" => "a URI reference".to_owned(),
        "hostname" | "idn-hostname" => "a hostname".to_owned(),
        "ipv4" => "an IPv4 address".to_owned(),
        "ipv6" => "an IPv6 address".to_owned(),
        "byte" | "base64" => "a base64-encoded string".to_owned(),
        "int32" => "a 32-bit integer".to_owned(),
        "int64" => "a 64-bit integer".to_owned(),
        "json-pointer" => "a JSON pointer (e.g. /a/b)".to_owned(),
        other => format!("a string in {other} format"),
    }
}

/// `missing required property "owner"`.
pub fn missing_required(name: &str) -> String {
    format!("missing required property {}", quote(name))
}

/// `unknown property "foo" (allowed: a, b, c)`, with a `did you mean` hint for a near miss.
pub fn unknown_property(name: &str, allowed: &[&str]) -> String {
    let mut out = format!("unknown property {}", quote(name));
    if allowed.is_empty() {
        out.push_str(" (no properties are allowed here)");
        return out;
    }
    let hint = closest(name, allowed.iter().copied());
    let mut listed: Vec<&str> = allowed.iter().take(MAX_LISTED).copied().collect();
    let more = allowed.len().saturating_sub(MAX_LISTED);
    let tail = if more > 0 {
        format!(", … ({more} more)")
    } else {
        String::new()
    };
    listed.truncate(MAX_LISTED);
    match hint {
        Some(h) => out.push_str(&format!(
            " (did you mean {}? allowed: {}{tail})",
            quote(h),
            listed.join(", ")
        )),
        None => out.push_str(&format!(" (allowed: {}{tail})", listed.join(", "))),
    }
    out
}

/// `expected a value not matching {what}, got ...` for `not`.
pub fn matches_excluded(what: &str, got: &Value) -> String {
    type_mismatch(&format!("a value that is not {what}"), got)
}

/// `"id"` or `"owner", "repo" and "number"`, alternatives joined by `; or `.
fn property_sets(sets: &[&[String]]) -> String {
    let parts: Vec<String> = sets
        .iter()
        .map(|set| {
            let names: Vec<String> = set.iter().map(|n| quote(n)).collect();
            match names.as_slice() {
                [init @ .., last] if !init.is_empty() => format!("{} and {last}", init.join(", ")),
                _ => names.concat(),
            }
        })
        .collect();
    parts.join("; or ")
}

/// `missing required properties: send "id"; or "owner", "repo" and "number"` for
/// alternatives that only list required properties (`one of these` when exactly one may
/// match).
pub fn missing_alternatives(sets: &[&[String]], exactly_one: bool) -> String {
    let which = if exactly_one && sets.len() > 1 {
        "exactly one of: "
    } else {
        ""
    };
    format!(
        "missing required properties: send {which}{}",
        property_sets(sets)
    )
}

/// `send only one of: "id"; or "owner", "repo" and "number"` when a `oneOf` of required-only
/// alternatives matched several.
pub fn too_many_alternatives(sets: &[&[String]]) -> String {
    format!(
        "too many of the alternative properties: send only one of: {}",
        property_sets(sets)
    )
}

/// `matches 2 of the alternatives (0 and 2), expected exactly one` for `oneOf`.
pub fn ambiguous_one_of(matching: &[usize]) -> String {
    let listed: Vec<String> = matching.iter().map(usize::to_string).collect();
    format!(
        "matches {} of the alternatives ({}), expected exactly one",
        matching.len(),
        alternatives(&listed).replace(" or ", " and ")
    )
}

/// `no value is allowed here` for a `false` schema.
pub fn nothing_allowed() -> String {
    "no value is allowed here".to_owned()
}

/// `too many anyOf/oneOf alternatives to check ...`: the union work budget ran out.
pub fn union_budget_exceeded() -> String {
    "too many anyOf/oneOf alternatives to check (nested unions exceed the work budget); \
     send simpler arguments"
        .to_owned()
}

/// `nesting deeper than 64 levels is not accepted`.
pub fn too_deep(limit: usize) -> String {
    format!("nesting deeper than {limit} levels is not accepted")
}

/// `string of 2000000 bytes exceeds the limit of 1048576 bytes`.
pub fn string_too_large(bytes: usize, limit: usize) -> String {
    format!("string of {bytes} bytes exceeds the limit of {limit} bytes")
}

/// `and 12 more problems` closing a cut list.
pub fn more_problems(n: usize) -> String {
    format!(
        "and {n} more {}",
        if n == 1 { "problem" } else { "problems" }
    )
}

/// A number as people write it: `1` rather than `1.0`.
pub fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn json_text(v: &Value) -> String {
    match v {
        Value::String(s) => quote(s),
        other => other.to_string(),
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn range_phrase(min: Option<u64>, max: Option<u64>, one: &str, many: &str) -> String {
    let unit = |n: u64| if n == 1 { one } else { many };
    match (min, max) {
        (Some(lo), Some(hi)) if lo == hi => format!("exactly {lo} {}", unit(lo)),
        (Some(lo), Some(hi)) => format!("between {lo} and {hi} {many}"),
        (Some(lo), None) => format!("at least {lo} {}", unit(lo)),
        (None, Some(hi)) => format!("at most {hi} {}", unit(hi)),
        (None, None) => format!("any number of {many}"),
    }
}

/// The allowed name closest to `got`: equal ignoring case and `-`/`_`, or within edit distance
/// 2 (for names of 4+ characters). Ties go to the first listed.
fn closest<'a>(got: &str, allowed: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let got_norm = norm(got);
    if got_norm.chars().count() > 64 {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    for cand in allowed {
        if cand == got {
            continue;
        }
        let cand_norm = norm(cand);
        let d = if cand_norm == got_norm {
            0
        } else if got_norm.chars().count() >= 4 && cand_norm.chars().count() <= 64 {
            edit_distance(&got_norm, &cand_norm)
        } else {
            usize::MAX
        };
        if d <= 2 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_read_naturally() {
        let b = NumBounds {
            minimum: Some(1.0),
            ..NumBounds::default()
        };
        assert_eq!(expected_number("integer", &b), "an integer of at least 1");
        let b = NumBounds {
            exclusive_minimum: Some(0.0),
            maximum: Some(1.5),
            ..NumBounds::default()
        };
        assert_eq!(
            expected_number("number", &b),
            "a number greater than 0 and of at most 1.5"
        );
        assert_eq!(expected_number("number", &NumBounds::default()), "a number");
    }

    #[test]
    fn lengths_and_counts() {
        assert_eq!(
            length_out_of_range(None, Some(10), 12),
            "expected a string of at most 10 characters, got 12 characters"
        );
        assert_eq!(
            length_out_of_range(Some(1), None, 0),
            "expected a string of at least 1 character, got 0 characters"
        );
        assert_eq!(
            items_out_of_range(Some(2), Some(2), 1),
            "expected an array of exactly 2 items, got 1 item"
        );
    }

    #[test]
    fn enum_hint_for_case_and_typos() {
        let allowed = [json!("open"), json!("closed"), json!("all")];
        assert_eq!(
            not_one_of(&allowed, &json!("opened")),
            r#"expected one of "open", "closed", "all", got "opened" (did you mean "open"?)"#
        );
        assert_eq!(
            not_one_of(&allowed, &json!("xyz")),
            r#"expected one of "open", "closed", "all", got "xyz""#
        );
        assert_eq!(
            not_one_of(&[json!(1), json!(2)], &json!(3)),
            "expected one of 1, 2, got 3"
        );
    }

    #[test]
    fn unknown_property_lists_and_hints() {
        assert_eq!(
            unknown_property("foo", &["a", "b", "c"]),
            r#"unknown property "foo" (allowed: a, b, c)"#
        );
        assert_eq!(
            unknown_property("per-page", &["page", "per_page"]),
            r#"unknown property "per-page" (did you mean "per_page"? allowed: page, per_page)"#
        );
        assert_eq!(
            unknown_property("x", &[]),
            r#"unknown property "x" (no properties are allowed here)"#
        );
    }

    #[test]
    fn long_strings_are_cut() {
        let long = "é".repeat(100);
        let shown = describe_value(&json!(long));
        assert_eq!(shown.chars().count(), 60 + 3);
        assert!(shown.ends_with("…\""));
    }

    #[test]
    fn one_of_ambiguity() {
        assert_eq!(
            ambiguous_one_of(&[0, 2]),
            "matches 2 of the alternatives (0 and 2), expected exactly one"
        );
    }
}
