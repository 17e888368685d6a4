//! Value constraints of one schema node: enum/const, numeric bounds, lengths and counts,
//! `multipleOf`, `pattern`, `format`, `uniqueItems`, content encoding.
//!
//! The rule is always the same, seen from the caller: a change that rejects some value the old
//! schema accepted narrows (breaking, `error`); a change that only accepts more widens (`info`);
//! a change that does both, or that cannot be judged without understanding regexes, is
//! `constraint_changed` (`warning`).

use serde_json::Value;

use super::schema::{Cx, Node, Walker};
use super::{ChangeKind, ChangeSeverity};

/// Most enum values listed in one detail line.
const MAX_LISTED: usize = 8;

/// Formats that restrict nothing a JSON validator checks (`int64` on an integer, `double` on
/// a number, `password` on a string): adding or removing them is reported as a description
/// change, not a narrowing.
const ANNOTATION_FORMATS: &[&str] = &["int64", "double", "password"];

/// Format pairs `(narrower, wider)`: replacing the first by the second widens.
const FORMAT_WIDENINGS: &[(&str, &str)] = &[("int32", "int64"), ("float", "double")];

/// Compares every value constraint of `o` and `n`, emitting through `w` at `n`'s pointer.
pub fn compare<'a>(w: &mut Walker<'a>, o: &Node<'a>, n: &Node<'a>, cx: &Cx) {
    values(w, o, n, cx);
    lower_bound(w, o, n, cx);
    upper_bound(w, o, n, cx);
    for key in ["minLength", "minItems", "minProperties"] {
        min_count(w, o, n, cx, key);
    }
    for key in ["maxLength", "maxItems", "maxProperties"] {
        max_count(w, o, n, cx, key);
    }
    multiple_of(w, o, n, cx);
    pattern(w, o, n, cx);
    format(w, o, n, cx);
    unique_items(w, o, n, cx);
    for key in ["contentEncoding", "contentMediaType"] {
        content(w, o, n, cx, key);
    }
}

fn emit(w: &mut Walker<'_>, n: &Node<'_>, cx: &Cx, kind: ChangeKind, detail: String) {
    let severity = match kind {
        ChangeKind::ConstraintNarrowed
        | ChangeKind::EnumValueRemoved
        | ChangeKind::ParamTypeChanged => ChangeSeverity::Error,
        ChangeKind::ConstraintChanged => ChangeSeverity::Warning,
        _ => ChangeSeverity::Info,
    };
    w.emit(cx, &n.ptr, kind, severity, detail);
}

/// The set of accepted values: `const` (a one-value enum) or `enum`; `None` = unrestricted.
fn allowed<'a>(n: &Node<'a>) -> Option<(&'static str, Vec<&'a Value>)> {
    if let Some(c) = n.get("const") {
        return Some(("const", vec![c]));
    }
    n.get("enum")
        .and_then(Value::as_array)
        .map(|a| ("enum", a.iter().collect()))
}

fn list(values: &[&Value]) -> String {
    let mut parts: Vec<String> = values
        .iter()
        .take(MAX_LISTED)
        .map(|v| v.to_string())
        .collect();
    if values.len() > MAX_LISTED {
        parts.push(format!("and {} more", values.len() - MAX_LISTED));
    }
    parts.join(", ")
}

fn values<'a>(w: &mut Walker<'a>, o: &Node<'a>, n: &Node<'a>, cx: &Cx) {
    match (allowed(o), allowed(n)) {
        (None, Some((kw, vals))) => emit(
            w,
            n,
            cx,
            ChangeKind::ConstraintNarrowed,
            format!("now restricted by `{kw}` to {}", list(&vals)),
        ),
        (Some((kw, _)), None) => emit(
            w,
            n,
            cx,
            ChangeKind::ConstraintWidened,
            format!("`{kw}` restriction removed"),
        ),
        (Some((_, old)), Some((_, new))) => {
            let removed: Vec<&Value> = old.iter().copied().filter(|v| !new.contains(v)).collect();
            let added: Vec<&Value> = new.iter().copied().filter(|v| !old.contains(v)).collect();
            if !removed.is_empty() {
                emit(
                    w,
                    n,
                    cx,
                    ChangeKind::EnumValueRemoved,
                    format!("no longer accepts {}", list(&removed)),
                );
            }
            if !added.is_empty() {
                emit(
                    w,
                    n,
                    cx,
                    ChangeKind::EnumValueAdded,
                    format!("now also accepts {}", list(&added)),
                );
            }
        }
        (None, None) => {}
    }
}

/// A bound: value, exclusive?, keyword that set it.
type Bound = (f64, bool, &'static str);

/// The tightest lower bound from `minimum` / `exclusiveMinimum` (numeric, 2020-12 form).
fn lower(n: &Node<'_>) -> Option<Bound> {
    let inc = n.num("minimum").map(|v| (v, false, "minimum"));
    let exc = n
        .num("exclusiveMinimum")
        .map(|v| (v, true, "exclusiveMinimum"));
    match (inc, exc) {
        (Some(a), Some(b)) => Some(if b.0 >= a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The tightest upper bound from `maximum` / `exclusiveMaximum`.
fn upper(n: &Node<'_>) -> Option<Bound> {
    let inc = n.num("maximum").map(|v| (v, false, "maximum"));
    let exc = n
        .num("exclusiveMaximum")
        .map(|v| (v, true, "exclusiveMaximum"));
    match (inc, exc) {
        (Some(a), Some(b)) => Some(if b.0 <= a.0 { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn show(v: f64) -> String {
    serde_json::Number::from_f64(v).map_or_else(
        || v.to_string(),
        |n| {
            if v.fract() == 0.0 && v.abs() < 1e15 {
                format!("{}", v as i64)
            } else {
                n.to_string()
            }
        },
    )
}

/// `maximum` lowered from 100 to 50, or, when the keyword changes, lower bound changed from
/// `minimum` 1 to `exclusiveMinimum` 1. `up` says whether the value went up.
fn bound_detail(which: &str, a: Bound, b: Bound, up: bool) -> String {
    if a.2 == b.2 {
        let verb = if up { "raised" } else { "lowered" };
        format!("`{}` {verb} from {} to {}", a.2, show(a.0), show(b.0))
    } else {
        format!(
            "{which} bound changed from `{}` {} to `{}` {}",
            a.2,
            show(a.0),
            b.2,
            show(b.0)
        )
    }
}

fn lower_bound(w: &mut Walker<'_>, o: &Node<'_>, n: &Node<'_>, cx: &Cx) {
    bound(w, o, n, cx, "lower", lower);
}

fn upper_bound(w: &mut Walker<'_>, o: &Node<'_>, n: &Node<'_>, cx: &Cx) {
    bound(w, o, n, cx, "upper", upper);
}

/// Compares the `which` ("lower" or "upper") bound that `get` reads: a bound moved towards
/// the middle (a higher lower bound, a lower upper bound), or equal but now exclusive, is
/// tighter.
fn bound(
    w: &mut Walker<'_>,
    o: &Node<'_>,
    n: &Node<'_>,
    cx: &Cx,
    which: &str,
    get: fn(&Node<'_>) -> Option<Bound>,
) {
    let (kind, detail) = match (get(o), get(n)) {
        (None, Some((v, _, kw))) => (
            ChangeKind::ConstraintNarrowed,
            format!("`{kw}` {} added", show(v)),
        ),
        (Some((v, _, kw)), None) => (
            ChangeKind::ConstraintWidened,
            format!("`{kw}` {} removed", show(v)),
        ),
        (Some(a), Some(b)) => {
            let inward = if which == "lower" {
                b.0 > a.0
            } else {
                b.0 < a.0
            };
            let outward = b.0 != a.0 && !inward;
            let tighter = inward || (b.0 == a.0 && b.1 && !a.1);
            let looser = outward || (b.0 == a.0 && a.1 && !b.1);
            let detail = bound_detail(which, a, b, b.0 > a.0);
            if tighter {
                (ChangeKind::ConstraintNarrowed, detail)
            } else if looser {
                (ChangeKind::ConstraintWidened, detail)
            } else {
                return;
            }
        }
        (None, None) => return,
    };
    emit(w, n, cx, kind, detail);
}

/// `minLength` / `minItems` / `minProperties`: absent means 0.
fn min_count(w: &mut Walker<'_>, o: &Node<'_>, n: &Node<'_>, cx: &Cx, key: &str) {
    let a = o.uint(key).unwrap_or(0);
    let b = n.uint(key).unwrap_or(0);
    if b > a {
        emit(
            w,
            n,
            cx,
            ChangeKind::ConstraintNarrowed,
            format!("`{key}` raised from {a} to {b}"),
        );
    } else if b < a {
        emit(
            w,
            n,
            cx,
            ChangeKind::ConstraintWidened,
            format!("`{key}` lowered from {a} to {b}"),
        );
    }
}

/// `maxLength` / `maxItems` / `maxProperties`: absent means unbounded.
fn max_count(w: &mut Walker<'_>, o: &Node<'_>, n: &Node<'_>, cx: &Cx, key: &str) {
    let (kind, detail) = match (o.uint(key), n.uint(key)) {
        (None, Some(b)) => (ChangeKind::ConstraintNarrowed, format!("`{key}` {b} added")),
        (Some(a), None) => (
            ChangeKind::ConstraintWidened,
            format!("`{key}` {a} removed"),
        ),
        (Some(a), Some(b)) if b < a => (
            ChangeKind::ConstraintNarrowed,
            format!("`{key}` lowered from {a} to {b}"),
        ),
        (Some(a), Some(b)) if b > a => (
            ChangeKind::ConstraintWidened,
            format!("`{key}` raised from {a} to {b}"),
        ),
        _ => return,
    };
    emit(w, n, cx, kind, detail);
}

fn multiple_of(w: &mut Walker<'_>, o: &Node<'_>, n: &Node<'_>, cx: &Cx) {
    let (kind, detail) = match (o.num("multipleOf"), n.num("multipleOf")) {
        (None, Some(b)) => (
            ChangeKind::ConstraintNarrowed,
            format!("`multipleOf` {} added", show(b)),
        ),
        (Some(a), None) => (
            ChangeKind::ConstraintWidened,
            format!("`multipleOf` {} removed", show(a)),
        ),
        (Some(a), Some(b)) if a != b => {
            // Every multiple of `a` is still a multiple of `b` when `b` divides `a`.
            let ratio = a / b;
            let divides = b != 0.0 && (ratio - ratio.round()).abs() < 1e-9;
            let detail = format!("`multipleOf` changed from {} to {}", show(a), show(b));
            if divides {
                (ChangeKind::ConstraintWidened, detail)
            } else {
                (ChangeKind::ConstraintNarrowed, detail)
            }
        }
        _ => return,
    };
    emit(w, n, cx, kind, detail);
}

/// Patterns that accept every string.
fn accepts_everything(pattern: &str) -> bool {
    matches!(
        pattern,
        "" | ".*" | "^.*$" | "^.*" | ".*$" | "(.*)" | "^(.*)$"
    )
}

fn pattern(w: &mut Walker<'_>, o: &Node<'_>, n: &Node<'_>, cx: &Cx) {
    let (kind, detail) = match (o.str("pattern"), n.str("pattern")) {
        (None, Some(b)) if !accepts_everything(b) => (
            ChangeKind::ConstraintNarrowed,
            format!("`pattern` {b:?} added"),
        ),
        (Some(a), None) if !accepts_everything(a) => (
            ChangeKind::ConstraintWidened,
            format!("`pattern` {a:?} removed"),
        ),
        (Some(a), Some(b)) if a != b => {
            if accepts_everything(b) {
                (
                    ChangeKind::ConstraintWidened,
                    format!("`pattern` {a:?} relaxed to {b:?}"),
                )
            } else if accepts_everything(a) {
                (
                    ChangeKind::ConstraintNarrowed,
                    format!("`pattern` {a:?} tightened to {b:?}"),
                )
            } else {
                (
                    ChangeKind::ConstraintChanged,
                    format!(
                        "`pattern` changed from {a:?} to {b:?}; some values may no longer match"
                    ),
                )
            }
        }
        _ => return,
    };
    emit(w, n, cx, kind, detail);
}

fn format(w: &mut Walker<'_>, o: &Node<'_>, n: &Node<'_>, cx: &Cx) {
    let (kind, detail) = match (o.str("format"), n.str("format")) {
        (None, Some(b)) if ANNOTATION_FORMATS.contains(&b) => (
            ChangeKind::DescriptionChanged,
            format!("`format` {b:?} added (restricts nothing validated)"),
        ),
        (Some(a), None) if ANNOTATION_FORMATS.contains(&a) => (
            ChangeKind::DescriptionChanged,
            format!("`format` {a:?} removed (restricted nothing validated)"),
        ),
        (None, Some(b)) => (
            ChangeKind::ConstraintNarrowed,
            format!("`format` {b:?} added"),
        ),
        (Some(a), None) => (
            ChangeKind::ConstraintWidened,
            format!("`format` {a:?} removed"),
        ),
        (Some(a), Some(b)) if a != b => {
            let detail = format!("`format` changed from {a:?} to {b:?}");
            if FORMAT_WIDENINGS.contains(&(a, b)) {
                (ChangeKind::ConstraintWidened, detail)
            } else {
                (ChangeKind::ConstraintNarrowed, detail)
            }
        }
        _ => return,
    };
    emit(w, n, cx, kind, detail);
}

fn unique_items(w: &mut Walker<'_>, o: &Node<'_>, n: &Node<'_>, cx: &Cx) {
    match (o.flag("uniqueItems"), n.flag("uniqueItems")) {
        (false, true) => emit(
            w,
            n,
            cx,
            ChangeKind::ConstraintNarrowed,
            "items must now be unique".to_owned(),
        ),
        (true, false) => emit(
            w,
            n,
            cx,
            ChangeKind::ConstraintWidened,
            "items no longer need to be unique".to_owned(),
        ),
        _ => {}
    }
}

/// `contentEncoding` / `contentMediaType` change what the caller must put in the string (e.g.
/// base64 or not): any change makes old arguments wrong.
fn content(w: &mut Walker<'_>, o: &Node<'_>, n: &Node<'_>, cx: &Cx, key: &str) {
    let (a, b) = (o.str(key), n.str(key));
    if a != b {
        let show = |v: Option<&str>| v.map_or_else(|| "none".to_owned(), |s| format!("{s:?}"));
        emit(
            w,
            n,
            cx,
            ChangeKind::ParamTypeChanged,
            format!("`{key}` changed from {} to {}", show(a), show(b)),
        );
    }
}

#[cfg(test)]
#[path = "constraints_tests.rs"]
mod tests;
