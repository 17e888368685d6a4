//! Query-string styles (`form`, `spaceDelimited`, `pipeDelimited`, `deepObject`) into encoded
//! name/value pairs. Form-urlencoded bodies use the same serialiser.
//!
//! Follows the OpenAPI 3.0.3 style-examples table byte for byte (`color=blue,black,brown`,
//! `R=100&G=200&B=150`, `color[R]=100`, `blue%20black%20brown`, `blue|black|brown`). Where the
//! table is silent:
//! - `deepObject` nests (`a[b][c]=1`) and indexes arrays (`a[tags][0]=x`), the form Rails,
//!   PHP and Stripe read;
//! - arrays or objects nested inside `form`/`spaceDelimited`/`pipeDelimited` values are sent as
//!   compact JSON text;
//! - an empty array with `explode: true` sends nothing; with `explode: false` it sends `name=`.

use percent_encoding::AsciiSet;
use serde_json::Value;

use crate::manifest::ParamStyle;

use super::encode::{self, COMPONENT, Shape, enc, scalar_text};

/// Appends the pairs for one value. `set` encodes values (strict, or `allowReserved`).
pub(crate) fn pairs(
    style: ParamStyle,
    explode: bool,
    name: &str,
    value: &Value,
    set: &'static AsciiSet,
    out: &mut Vec<(String, String)>,
) {
    if style == ParamStyle::DeepObject {
        deep(enc(name, COMPONENT), value, set, 0, out);
        return;
    }
    let Some(shape) = Shape::of(value) else {
        return;
    };
    let n = enc(name, COMPONENT);
    let e = |s: &str| enc(s, set);
    let sep = match style {
        ParamStyle::SpaceDelimited => "%20",
        ParamStyle::PipeDelimited => "|",
        _ => ",",
    };
    match shape {
        Shape::Scalar(s) => out.push((n, e(&s))),
        Shape::List(items) if explode => out.extend(items.iter().map(|i| (n.clone(), e(i)))),
        Shape::List(items) => out.push((n, encode::join(items.iter().map(|i| e(i)), sep))),
        Shape::Pairs(ps) if explode => {
            out.extend(ps.iter().map(|(k, v)| (enc(k, COMPONENT), e(v))));
        }
        Shape::Pairs(ps) => out.push((n, encode::pairs_text(&ps, false, sep, &e))),
    }
}

const MAX_DEEP: usize = 32;

/// `prefix[key][0]=value` pairs; `prefix` is already encoded.
fn deep(
    prefix: String,
    value: &Value,
    set: &'static AsciiSet,
    depth: usize,
    out: &mut Vec<(String, String)>,
) {
    match value {
        Value::Null => {}
        Value::Object(map) if depth < MAX_DEEP => {
            for (k, v) in map {
                deep(
                    format!("{prefix}[{}]", enc(k, COMPONENT)),
                    v,
                    set,
                    depth + 1,
                    out,
                );
            }
        }
        Value::Array(items) if depth < MAX_DEEP => {
            for (i, v) in items.iter().enumerate() {
                deep(format!("{prefix}[{i}]"), v, set, depth + 1, out);
            }
        }
        other => out.push((prefix, enc(&scalar_text(other), set))),
    }
}

/// Joins encoded pairs as `a=1&b=2`.
pub(crate) fn to_string(pairs: &[(String, String)]) -> String {
    encode::join(pairs.iter().map(|(k, v)| format!("{k}={v}")), "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(style: ParamStyle, explode: bool, v: Value) -> String {
        let mut out = Vec::new();
        pairs(style, explode, "color", &v, COMPONENT, &mut out);
        to_string(&out)
    }

    #[test]
    fn deep_objects_nest_and_index() {
        assert_eq!(
            q(
                ParamStyle::DeepObject,
                true,
                json!({"a": {"b": 1}, "t": ["x", "y"], "n": null})
            ),
            "color[a][b]=1&color[t][0]=x&color[t][1]=y"
        );
        assert_eq!(q(ParamStyle::DeepObject, true, json!("x")), "color=x");
    }

    #[test]
    fn nested_values_in_form_are_json() {
        assert_eq!(
            q(ParamStyle::Form, true, json!([{"a": 1}])),
            "color=%7B%22a%22%3A1%7D"
        );
    }

    #[test]
    fn empty_arrays() {
        assert_eq!(q(ParamStyle::Form, true, json!([])), "");
        assert_eq!(q(ParamStyle::Form, false, json!([])), "color=");
    }
}
