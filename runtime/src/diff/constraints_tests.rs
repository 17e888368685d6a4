//! Rule tests for [`super`] (constraints.rs): pairs of small hand-written manifests.

use serde_json::{Value, json};

use super::super::testkit::{diff_props, summary};
use crate::diff::{ChangeKind as K, ChangeReport, ChangeSeverity as S};

/// Diffs a single optional property `p` from `old` to `new`.
fn p(old: Value, new: Value) -> ChangeReport {
    diff_props(json!({"p": old}), &[], json!({"p": new}), &[])
}

fn one(r: &ChangeReport) -> (K, S, String) {
    let s = summary(r);
    assert_eq!(s.len(), 1, "expected exactly one change: {:#?}", r.changes);
    s.into_iter().next().unwrap()
}

fn kind_sev(old: Value, new: Value) -> (K, S) {
    let (k, s, ptr) = one(&p(old, new));
    assert_eq!(ptr, "/properties/p");
    (k, s)
}

#[test]
fn enum_value_removed_is_an_error_and_added_is_info() {
    let r = p(
        json!({"type": "string", "enum": ["a", "b", "c"]}),
        json!({"type": "string", "enum": ["a", "d"]}),
    );
    let s = summary(&r);
    assert_eq!(s.len(), 2);
    assert!(s.contains(&(K::EnumValueRemoved, S::Error, "/properties/p".into())));
    assert!(s.contains(&(K::EnumValueAdded, S::Info, "/properties/p".into())));
    let removed = r
        .changes
        .iter()
        .find(|c| c.kind == K::EnumValueRemoved)
        .unwrap();
    assert_eq!(removed.detail, r#"no longer accepts "b", "c""#);
    assert!(r.breaking);
}

#[test]
fn enum_appearing_narrows_and_disappearing_widens() {
    assert_eq!(
        kind_sev(
            json!({"type": "string"}),
            json!({"type": "string", "enum": ["a"]})
        ),
        (K::ConstraintNarrowed, S::Error)
    );
    assert_eq!(
        kind_sev(
            json!({"type": "string", "enum": ["a"]}),
            json!({"type": "string"})
        ),
        (K::ConstraintWidened, S::Info)
    );
}

#[test]
fn const_behaves_as_a_one_value_enum() {
    assert_eq!(
        kind_sev(
            json!({"type": "string"}),
            json!({"type": "string", "const": "x"})
        ),
        (K::ConstraintNarrowed, S::Error)
    );
    let r = p(json!({"const": "x"}), json!({"const": "y"}));
    let s = summary(&r);
    assert!(
        s.iter()
            .any(|c| c.0 == K::EnumValueRemoved && c.1 == S::Error)
    );
    assert_eq!(
        kind_sev(
            json!({"type": "string", "const": "x"}),
            json!({"type": "string"})
        ),
        (K::ConstraintWidened, S::Info)
    );
}

#[test]
fn numeric_bounds_follow_direction() {
    let int = |extra: Value| {
        let mut v = json!({"type": "integer"});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let cases = [
        (
            json!({"maximum": 100}),
            json!({"maximum": 50}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({"maximum": 50}),
            json!({"maximum": 100}),
            K::ConstraintWidened,
            S::Info,
        ),
        (
            json!({}),
            json!({"maximum": 100}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({"maximum": 100}),
            json!({}),
            K::ConstraintWidened,
            S::Info,
        ),
        (
            json!({"minimum": 1}),
            json!({"minimum": 5}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({"minimum": 5}),
            json!({"minimum": 1}),
            K::ConstraintWidened,
            S::Info,
        ),
        (
            json!({}),
            json!({"minimum": 0}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({"minimum": 1}),
            json!({"exclusiveMinimum": 1}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({"exclusiveMaximum": 10}),
            json!({"maximum": 10}),
            K::ConstraintWidened,
            S::Info,
        ),
        (
            json!({"minLength": 1}),
            json!({"minLength": 3}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({"minLength": 3}),
            json!({}),
            K::ConstraintWidened,
            S::Info,
        ),
        (
            json!({"maxLength": 10}),
            json!({"maxLength": 5}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({}),
            json!({"maxLength": 5}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({"maxLength": 5}),
            json!({"maxLength": 9}),
            K::ConstraintWidened,
            S::Info,
        ),
        (
            json!({"minItems": 0}),
            json!({"minItems": 1}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({"maxItems": 3}),
            json!({"maxItems": 2}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({"maxItems": 3}),
            json!({}),
            K::ConstraintWidened,
            S::Info,
        ),
        (
            json!({"minProperties": 1}),
            json!({"minProperties": 2}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({"maxProperties": 4}),
            json!({"maxProperties": 8}),
            K::ConstraintWidened,
            S::Info,
        ),
        (
            json!({}),
            json!({"multipleOf": 5}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({"multipleOf": 10}),
            json!({"multipleOf": 5}),
            K::ConstraintWidened,
            S::Info,
        ),
        (
            json!({"multipleOf": 5}),
            json!({"multipleOf": 10}),
            K::ConstraintNarrowed,
            S::Error,
        ),
        (
            json!({"multipleOf": 5}),
            json!({}),
            K::ConstraintWidened,
            S::Info,
        ),
    ];
    for (old, new, kind, sev) in cases {
        let got = kind_sev(int(old.clone()), int(new.clone()));
        assert_eq!(got, (kind, sev), "{old} -> {new}");
    }
}

#[test]
fn equal_bounds_written_differently_report_nothing() {
    let r = p(
        json!({"type": "integer", "minimum": 0, "maximum": 5}),
        json!({"maximum": 5, "minimum": 0, "type": "integer"}),
    );
    assert!(r.changes.is_empty(), "{:#?}", r.changes);
    let r = p(
        json!({"type": "string", "minLength": 0}),
        json!({"type": "string"}),
    );
    assert!(
        r.changes.is_empty(),
        "minLength 0 is no bound: {:#?}",
        r.changes
    );
}

#[test]
fn pattern_added_narrows_changed_warns_removed_widens() {
    let s = |v: Value| {
        let mut base = json!({"type": "string"});
        base.as_object_mut()
            .unwrap()
            .extend(v.as_object().unwrap().clone());
        base
    };
    assert_eq!(
        kind_sev(s(json!({})), s(json!({"pattern": "^[a-z]+$"}))),
        (K::ConstraintNarrowed, S::Error)
    );
    assert_eq!(
        kind_sev(
            s(json!({"pattern": "^[a-z]+$"})),
            s(json!({"pattern": "^[a-z0-9]+$"}))
        ),
        (K::ConstraintChanged, S::Warning)
    );
    assert_eq!(
        kind_sev(s(json!({"pattern": "^[a-z]+$"})), s(json!({}))),
        (K::ConstraintWidened, S::Info)
    );
    assert_eq!(
        kind_sev(
            s(json!({"pattern": "^[a-z]+$"})),
            s(json!({"pattern": ".*"}))
        ),
        (K::ConstraintWidened, S::Info)
    );
    assert!(
        p(s(json!({})), s(json!({"pattern": ".*"})))
            .changes
            .is_empty()
    );
}

#[test]
fn format_rules() {
    let s = |f: Option<&str>| match f {
        Some(f) => json!({"type": "string", "format": f}),
        None => json!({"type": "string"}),
    };
    assert_eq!(
        kind_sev(s(None), s(Some("date-time"))),
        (K::ConstraintNarrowed, S::Error)
    );
    assert_eq!(
        kind_sev(s(Some("date")), s(Some("date-time"))),
        (K::ConstraintNarrowed, S::Error)
    );
    assert_eq!(
        kind_sev(s(Some("uuid")), s(None)),
        (K::ConstraintWidened, S::Info)
    );
    assert_eq!(
        kind_sev(s(None), s(Some("password"))),
        (K::DescriptionChanged, S::Info)
    );
    assert_eq!(
        kind_sev(
            json!({"type": "integer", "format": "int32"}),
            json!({"type": "integer", "format": "int64"})
        ),
        (K::ConstraintWidened, S::Info)
    );
    assert_eq!(
        kind_sev(
            json!({"type": "integer", "format": "int64"}),
            json!({"type": "integer", "format": "int32"})
        ),
        (K::ConstraintNarrowed, S::Error)
    );
}

#[test]
fn unique_items_and_content_encoding() {
    let arr = |u: bool| json!({"type": "array", "items": {"type": "string"}, "uniqueItems": u});
    assert_eq!(
        kind_sev(arr(false), arr(true)),
        (K::ConstraintNarrowed, S::Error)
    );
    assert_eq!(
        kind_sev(arr(true), arr(false)),
        (K::ConstraintWidened, S::Info)
    );
    assert_eq!(
        kind_sev(
            json!({"type": "string"}),
            json!({"type": "string", "contentEncoding": "base64"})
        ),
        (K::ParamTypeChanged, S::Error)
    );
}
