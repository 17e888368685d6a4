//! Rule tests for [`super`] (schema.rs): pairs of small hand-written manifests.

use serde_json::{Value, json};

use super::super::testkit::{diff_props, diff_tools, locate, summary, with_schema};
use crate::diff::{ChangeKind as K, ChangeSeverity as S};
use crate::manifest::{HttpMethod, ParamLocation};

fn obj(props: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
}

fn tool(schema: Value) -> crate::manifest::ToolManifest {
    with_schema("t", HttpMethod::Post, "/t", schema)
}

#[test]
fn added_required_param_is_an_error_and_optional_is_info() {
    let r = diff_props(
        json!({"a": {"type": "string"}}),
        &[],
        json!({"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "integer"}}),
        &["b"],
    );
    assert_eq!(
        summary(&r),
        vec![
            (K::AddedRequiredParam, S::Error, "/properties/b".into()),
            (K::AddedOptionalParam, S::Info, "/properties/c".into()),
        ]
    );
    let b = &r.changes[0];
    assert_eq!(b.param.as_deref(), Some("b"));
    assert_eq!(b.wire_name.as_deref(), Some("b"));
    assert_eq!(b.location.as_deref(), Some("query"));
    assert!(r.breaking);
}

#[test]
fn removed_param_is_a_warning_with_old_pointer() {
    let r = diff_props(
        json!({"a": {"type": "string"}, "b/c": {"type": "string"}}),
        &[],
        json!({"a": {"type": "string"}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ParamRemoved, S::Warning, "/properties/b~1c".into())]
    );
    assert!(r.changes[0].breaking);
}

#[test]
fn required_flips() {
    let props = json!({"a": {"type": "string"}});
    let r = diff_props(props.clone(), &[], props.clone(), &["a"]);
    assert_eq!(
        summary(&r),
        vec![(K::ParamBecameRequired, S::Error, "/properties/a".into())]
    );
    let r = diff_props(props.clone(), &["a"], props, &[]);
    assert_eq!(
        summary(&r),
        vec![(K::ParamBecameOptional, S::Info, "/properties/a".into())]
    );
    assert!(!r.breaking);
}

#[test]
fn type_changed_and_widened() {
    let r = diff_props(
        json!({"a": {"type": "string"}}),
        &[],
        json!({"a": {"type": "integer"}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ParamTypeChanged, S::Error, "/properties/a".into())]
    );
    assert_eq!(r.changes[0].detail, "type changed from string to integer");

    let r = diff_props(
        json!({"a": {"type": "integer"}}),
        &[],
        json!({"a": {"type": "number"}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ParamTypeWidened, S::Info, "/properties/a".into())]
    );

    let r = diff_props(
        json!({"a": {"type": "number"}}),
        &[],
        json!({"a": {"type": "integer"}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ParamTypeChanged, S::Error, "/properties/a".into())]
    );

    let r = diff_props(
        json!({"a": {"type": "string"}}),
        &[],
        json!({"a": {"type": ["string", "integer"]}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ParamTypeWidened, S::Info, "/properties/a".into())]
    );

    let r = diff_props(json!({"a": {}}), &[], json!({"a": {"type": "string"}}), &[]);
    assert_eq!(
        summary(&r),
        vec![(K::ParamTypeChanged, S::Error, "/properties/a".into())]
    );
}

#[test]
fn nullable_added_widens_and_removed_narrows() {
    let r = diff_props(
        json!({"a": {"type": "string"}}),
        &[],
        json!({"a": {"type": ["string", "null"]}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ParamTypeWidened, S::Info, "/properties/a".into())]
    );
    let r = diff_props(
        json!({"a": {"type": ["string", "null"]}}),
        &[],
        json!({"a": {"type": "string"}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ConstraintNarrowed, S::Error, "/properties/a".into())]
    );
    assert_eq!(r.changes[0].detail, "no longer accepts null");
}

#[test]
fn nullable_ref_via_any_of_is_only_a_widening() {
    let defs = json!({"Pet": obj(json!({"name": {"type": "string"}}), &["name"])});
    let mut old = obj(json!({"pet": {"$ref": "#/$defs/Pet"}}), &[]);
    old["$defs"] = defs.clone();
    let mut new = obj(
        json!({"pet": {"anyOf": [{"$ref": "#/$defs/Pet"}, {"type": "null"}]}}),
        &[],
    );
    new["$defs"] = defs;
    let r = diff_tools(tool(old), tool(new));
    assert_eq!(
        summary(&r),
        vec![(K::ParamTypeWidened, S::Info, "/properties/pet".into())]
    );
    assert_eq!(r.changes[0].param.as_deref(), Some("pet"));
}

#[test]
fn union_gaining_an_alternative_widens_and_losing_one_breaks() {
    let r = diff_props(
        json!({"a": {"type": "string"}}),
        &[],
        json!({"a": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ParamTypeWidened, S::Info, "/properties/a".into())]
    );
    assert_eq!(r.changes[0].detail, "now also accepts array");

    let r = diff_props(
        json!({"a": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}),
        &[],
        json!({"a": {"oneOf": [{"type": "string"}]}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ParamTypeChanged, S::Error, "/properties/a".into())]
    );
    assert_eq!(r.changes[0].detail, "no longer accepts integer");
}

#[test]
fn union_alternatives_are_compared_pairwise() {
    let r = diff_props(
        json!({"a": {"anyOf": [{"type": "string", "maxLength": 10}, {"type": "integer"}]}}),
        &[],
        json!({"a": {"anyOf": [{"type": "integer"}, {"type": "string", "maxLength": 5}]}}),
        &[],
    );
    // Reported where the string alternative now lives.
    assert_eq!(
        summary(&r),
        vec![(
            K::ConstraintNarrowed,
            S::Error,
            "/properties/a/anyOf/1".into()
        )]
    );
}

#[test]
fn nested_body_properties_report_pointer_param_and_wire_name() {
    let old = obj(
        json!({"body": obj(json!({"owner": obj(json!({"x_id": {"type": "string"}}), &[])}), &[])}),
        &["body"],
    );
    let new = obj(
        json!({"body": obj(json!({"owner": obj(json!({"x_id": {"type": "integer"}, "tag": {"type": "string"}}), &["tag"])}), &[])}),
        &["body"],
    );
    let mut old = tool(old);
    let mut new = tool(new);
    for t in [&mut old, &mut new] {
        locate(t, "body", ParamLocation::Body);
        t.wire_names.insert(
            "/properties/body/properties/owner/properties/x_id".into(),
            "x-id".into(),
        );
    }
    let r = diff_tools(old, new);
    assert_eq!(
        summary(&r),
        vec![
            (
                K::AddedRequiredParam,
                S::Error,
                "/properties/body/properties/owner/properties/tag".into()
            ),
            (
                K::ParamTypeChanged,
                S::Error,
                "/properties/body/properties/owner/properties/x_id".into()
            ),
        ]
    );
    let c = &r.changes[1];
    assert_eq!(c.param.as_deref(), Some("body"));
    assert_eq!(c.wire_name.as_deref(), Some("x-id"));
    assert_eq!(c.location.as_deref(), Some("body"));
}

#[test]
fn pure_ref_refactor_reports_nothing() {
    let pet = obj(
        json!({"name": {"type": "string", "maxLength": 20, "description": "Pet name"}, "tags": {"type": "array", "items": {"type": "string"}}}),
        &["name"],
    );
    let inline = obj(
        json!({"pet": pet.clone(), "pets": {"type": "array", "items": pet.clone()}}),
        &["pet"],
    );
    let mut via_ref = obj(
        json!({"pet": {"$ref": "#/$defs/Pet"}, "pets": {"type": "array", "items": {"$ref": "#/$defs/Pet"}}}),
        &["pet"],
    );
    via_ref["$defs"] = json!({"Pet": pet.clone()});
    let mut renamed = obj(
        json!({"pet": {"$ref": "#/$defs/Animal"}, "pets": {"type": "array", "items": {"$ref": "#/$defs/AnimalList"}}}),
        &["pet"],
    );
    renamed["$defs"] = json!({"Animal": pet, "AnimalList": {"$ref": "#/$defs/Animal"}});

    for (a, b) in [
        (&inline, &via_ref),
        (&via_ref, &inline),
        (&via_ref, &renamed),
        (&inline, &renamed),
    ] {
        let r = diff_tools(tool(a.clone()), tool(b.clone()));
        assert!(r.changes.is_empty(), "{:#?}", r.changes);
        assert_eq!(
            r.updated,
            vec!["t".to_owned()],
            "hash differs, so the tool is updated"
        );
        assert!(!r.breaking);
    }
}

#[test]
fn keywords_next_to_a_shared_ref_are_compared_per_location() {
    let pet = obj(json!({"name": {"type": "string"}}), &[]);
    let schema = |desc: &str| {
        let mut s = obj(
            json!({
                "a": {"$ref": "#/$defs/Pet", "description": "first"},
                "b": {"$ref": "#/$defs/Pet", "description": desc},
            }),
            &[],
        );
        s["$defs"] = json!({"Pet": pet.clone()});
        s
    };
    let r = diff_tools(tool(schema("second")), tool(schema("changed")));
    assert_eq!(
        summary(&r),
        vec![(K::DescriptionChanged, S::Info, "/properties/b".into())]
    );
    assert_eq!(r.changes[0].param.as_deref(), Some("b"));
}

#[test]
fn change_behind_a_ref_reports_the_defs_pointer() {
    let pet = |max: u64| obj(json!({"name": {"type": "string", "maxLength": max}}), &[]);
    let mut old = obj(json!({"pet": {"$ref": "#/$defs/Pet"}}), &[]);
    old["$defs"] = json!({"Pet": pet(20)});
    let new = obj(json!({"pet": pet(10)}), &[]);
    let r = diff_tools(tool(old), tool(new));
    assert_eq!(
        summary(&r),
        vec![(
            K::ConstraintNarrowed,
            S::Error,
            "/properties/pet/properties/name".into()
        )]
    );
    assert_eq!(r.changes[0].param.as_deref(), Some("pet"));
    assert_eq!(r.changes[0].wire_name.as_deref(), Some("name"));
}

#[test]
fn recursive_schemas_terminate_and_still_see_changes() {
    let node = |extra: Value| {
        let mut props = json!({"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}, "next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]}});
        props
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        obj(props, &[])
    };
    let mut old = obj(json!({"root": {"$ref": "#/$defs/Node"}}), &[]);
    old["$defs"] = json!({"Node": node(json!({"v": {"type": "string"}}))});
    let mut new = obj(json!({"root": {"$ref": "#/$defs/Tree"}}), &[]);
    new["$defs"] =
        json!({"Tree": {"$ref": "#/$defs/Node"}, "Node": node(json!({"v": {"type": "integer"}}))});
    let r = diff_tools(tool(old.clone()), tool(new));
    assert_eq!(
        summary(&r),
        vec![(
            K::ParamTypeChanged,
            S::Error,
            "/$defs/Node/properties/v".into()
        )]
    );

    // Self-referencing ref cycles and unions of themselves are not schemas anyone means,
    // but must not hang.
    let mut weird = obj(json!({"a": {"$ref": "#/$defs/A"}}), &[]);
    weird["$defs"] = json!({"A": {"anyOf": [{"$ref": "#/$defs/A"}, {"$ref": "#/$defs/A"}, {"$ref": "#/$defs/B"}]}, "B": {"$ref": "#/$defs/B"}});
    let r = diff_tools(tool(weird.clone()), tool(old));
    assert!(!r.changes.is_empty());
    let r = diff_tools(tool(weird.clone()), tool(weird));
    assert!(r.changes.is_empty());
}

#[test]
fn default_description_and_deprecation() {
    let r = diff_props(
        json!({"a": {"type": "integer", "default": 10}}),
        &[],
        json!({"a": {"type": "integer", "default": 20}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::DefaultChanged, S::Warning, "/properties/a".into())]
    );
    let r = diff_props(
        json!({"a": {"type": "integer"}}),
        &[],
        json!({"a": {"type": "integer", "default": 20}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::DefaultChanged, S::Info, "/properties/a".into())]
    );
    let r = diff_props(
        json!({"a": {"type": "integer", "description": "x"}}),
        &[],
        json!({"a": {"type": "integer", "description": "y"}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::DescriptionChanged, S::Info, "/properties/a".into())]
    );
    let r = diff_props(
        json!({"a": {"type": "integer"}}),
        &[],
        json!({"a": {"type": "integer", "deprecated": true}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ParamDeprecated, S::Info, "/properties/a".into())]
    );
    assert!(!r.breaking);
}

#[test]
fn param_deprecated_from_input_param_flag() {
    let schema = obj(json!({"a": {"type": "integer"}}), &[]);
    let old = tool(schema.clone());
    let mut new = tool(schema);
    new.params[0].deprecated = true;
    let r = diff_tools(old, new);
    assert_eq!(
        summary(&r),
        vec![(K::ParamDeprecated, S::Info, "/properties/a".into())]
    );
}

#[test]
fn additional_properties_and_items_and_unknown_keywords() {
    let o = |ap: Value| json!({"type": "object", "properties": {"k": {"type": "string"}}, "additionalProperties": ap});
    let r = diff_props(
        json!({"m": o(json!(true))}),
        &[],
        json!({"m": o(json!(false))}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ConstraintNarrowed, S::Error, "/properties/m".into())]
    );
    let r = diff_props(
        json!({"m": o(json!(false))}),
        &[],
        json!({"m": o(json!(true))}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ConstraintWidened, S::Info, "/properties/m".into())]
    );
    let r = diff_props(
        json!({"m": o(json!({"type": "string"}))}),
        &[],
        json!({"m": o(json!({"type": "integer"}))}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(
            K::ParamTypeChanged,
            S::Error,
            "/properties/m/additionalProperties".into()
        )]
    );

    let arr = |item: Value| json!({"type": "array", "items": item});
    let r = diff_props(
        json!({"l": arr(json!({"type": "string", "enum": ["a", "b"]}))}),
        &[],
        json!({"l": arr(json!({"type": "string", "enum": ["a"]}))}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::EnumValueRemoved, S::Error, "/properties/l/items".into())]
    );

    let r = diff_props(
        json!({"s": {"type": "string"}}),
        &[],
        json!({"s": {"type": "string", "not": {"const": ""}}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ConstraintNarrowed, S::Error, "/properties/s".into())]
    );
    let r = diff_props(
        json!({"s": {"type": "string", "not": {"const": "a"}}}),
        &[],
        json!({"s": {"type": "string", "not": {"const": ""}}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ConstraintChanged, S::Warning, "/properties/s".into())]
    );
}

#[test]
fn all_of_entries_are_compared_in_place() {
    let r = diff_props(
        json!({"a": {"allOf": [{"type": "string"}, {"minLength": 1}]}}),
        &[],
        json!({"a": {"allOf": [{"type": "string"}, {"minLength": 2}, {"maxLength": 9}]}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![
            (K::ConstraintNarrowed, S::Error, "/properties/a".into()),
            (
                K::ConstraintNarrowed,
                S::Error,
                "/properties/a/allOf/1".into()
            ),
        ]
    );
}

#[test]
fn unresolvable_refs_are_compared_as_text() {
    let r = diff_props(
        json!({"a": {"$ref": "other.json#/A"}}),
        &[],
        json!({"a": {"$ref": "other.json#/B"}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ConstraintChanged, S::Warning, "/properties/a".into())]
    );
}

#[test]
fn removing_a_required_property_of_a_closed_object_is_an_error() {
    // Every call that worked before sent `a`; with additionalProperties false it is rejected.
    let r = diff_props(
        json!({"a": {"type": "string"}, "b": {"type": "string"}}),
        &["a"],
        json!({"b": {"type": "string"}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ParamRemoved, S::Error, "/properties/a".into())]
    );
    // An open object ignores it: still only a warning.
    let open = |props: Value, req: &[&str]| json!({"body": {"type": "object", "properties": props, "required": req}});
    let r = diff_props(
        open(
            json!({"x": {"type": "string"}, "y": {"type": "string"}}),
            &["x"],
        ),
        &["body"],
        open(json!({"y": {"type": "string"}}), &[]),
        &["body"],
    );
    let removed: Vec<_> = summary(&r)
        .into_iter()
        .filter(|c| c.0 == K::ParamRemoved)
        .collect();
    assert_eq!(
        removed,
        vec![(
            K::ParamRemoved,
            S::Warning,
            "/properties/body/properties/x".into()
        )]
    );
    // GitHub's `team_discussions` permission: the tool still accepts it, and says so.
    let detail = &r
        .changes
        .iter()
        .find(|c| c.kind == K::ParamRemoved)
        .unwrap()
        .detail;
    assert!(detail.contains("the tool still accepts it"), "{detail}");
    assert!(
        !detail.contains("rejected by strict validation"),
        "{detail}"
    );
}

#[test]
fn merged_union_alternatives_still_accept_what_they_did() {
    // GitHub's issues/add-labels between @octokit/openapi 22 and 23: two object alternatives
    // merged into one whose items accept both old item shapes.
    let labels = |items: Value| json!({"type": "object", "properties": {"labels": {"type": "array", "items": items}}});
    let named =
        json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]});
    let mut richer = named.clone();
    richer["properties"]["rationale"] = json!({"type": "string"});
    let r = diff_props(
        json!({"body": {"oneOf": [labels(json!({"type": "string"})), labels(named.clone())]}}),
        &["body"],
        json!({"body": {"oneOf": [labels(json!({"oneOf": [{"type": "string"}, richer]}))]}}),
        &["body"],
    );
    assert!(!r.breaking, "{:#?}", r.changes);
    assert!(r.changes.iter().any(|c| c.kind == K::ParamTypeWidened));

    // A dropped alternative that the remaining one does not accept is still an error.
    let r = diff_props(
        json!({"body": {"oneOf": [labels(json!({"type": "string"})), labels(named)]}}),
        &["body"],
        json!({"body": {"oneOf": [labels(json!({"type": "string"}))]}}),
        &["body"],
    );
    assert!(
        r.changes
            .iter()
            .any(|c| c.kind == K::ParamTypeChanged && c.severity == S::Error),
        "{:#?}",
        r.changes
    );
}

#[test]
fn a_default_that_only_changes_json_type_is_info() {
    let r = diff_props(
        json!({"make_latest": {"type": "string", "enum": ["true", "false", "legacy"], "default": true}}),
        &[],
        json!({"make_latest": {"type": "string", "enum": ["true", "false", "legacy"], "default": "true"}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::DefaultChanged, S::Info, "/properties/make_latest".into())]
    );
    let r = diff_props(
        json!({"n": {"type": "integer", "default": 1}}),
        &[],
        json!({"n": {"type": "integer", "default": 2}}),
        &[],
    );
    assert_eq!(
        summary(&r),
        vec![(K::DefaultChanged, S::Warning, "/properties/n".into())]
    );
}

#[test]
fn an_enum_split_into_alternatives_keeps_its_values() {
    // GitHub's billing/update-budget-org `budget_type` between @octokit/openapi 22 and 23.
    let r = diff_props(
        json!({"budget_type": {"type": "string", "enum": ["ProductPricing", "SkuPricing"]}}),
        &[],
        json!({"budget_type": {"oneOf": [
            {"type": "string", "enum": ["BundlePricing"]},
            {"type": "string", "enum": ["ProductPricing"]},
            {"type": "string", "enum": ["SkuPricing"]}
        ]}}),
        &[],
    );
    assert!(!r.breaking, "{:#?}", r.changes);
    let widened: Vec<&str> = r
        .changes
        .iter()
        .filter(|c| c.kind == K::ParamTypeWidened)
        .map(|c| c.detail.as_str())
        .collect();
    assert_eq!(widened, ["now also accepts string \"BundlePricing\""]);

    // A value with no alternative left is still reported.
    let r = diff_props(
        json!({"budget_type": {"type": "string", "enum": ["ProductPricing", "SkuPricing"]}}),
        &[],
        json!({"budget_type": {"oneOf": [
            {"type": "string", "enum": ["BundlePricing"]},
            {"type": "string", "enum": ["ProductPricing"]}
        ]}}),
        &[],
    );
    assert!(r.breaking, "{:#?}", r.changes);
}

#[test]
fn a_required_only_alternative_is_described_by_its_properties() {
    // GitHub's code-scanning/update-alert between @octokit/openapi 22 and 23.
    let body = |alternatives: Value| {
        json!({"body": {"type": "object",
            "properties": {"state": {"type": "string"}, "assignees": {"type": "array", "items": {"type": "string"}}},
            "anyOf": alternatives}})
    };
    let r = diff_props(
        body(json!([{"required": ["state"]}])),
        &["body"],
        body(json!([{"required": ["state"]}, {"required": ["assignees"]}])),
        &["body"],
    );
    assert!(!r.breaking, "{:#?}", r.changes);
    assert!(
        r.changes
            .iter()
            .any(|c| c.detail == "now also accepts objects with `assignees`"),
        "{:#?}",
        r.changes
    );
}

/// The body shape of issue 13: own keywords next to a union of alternatives.
fn alert_body(reasons: Value, extra: bool, alternatives: Value, key: &str) -> Value {
    let mut props = json!({
        "state": {"type": "string"},
        "reason": {"type": "string", "enum": reasons},
    });
    if extra {
        props["extra"] = json!({"type": "string"});
    }
    let mut body = json!({"type": "object", "properties": props, "additionalProperties": false});
    body[key] = alternatives;
    json!({"body": body})
}

#[test]
fn keywords_beside_a_union_are_compared() {
    for key in ["anyOf", "oneOf"] {
        let alts = json!([{"required": ["state"]}]);
        let r = diff_props(
            alert_body(json!(["a", "b", "c"]), true, alts.clone(), key),
            &["body"],
            alert_body(json!(["a", "b"]), false, alts, key),
            &["body"],
        );
        assert_eq!(
            summary(&r),
            vec![
                (
                    K::ParamRemoved,
                    S::Warning,
                    "/properties/body/properties/extra".into()
                ),
                (
                    K::EnumValueRemoved,
                    S::Error,
                    "/properties/body/properties/reason".into()
                ),
            ],
            "{key}"
        );
        assert_eq!(r.changes[1].detail, "no longer accepts \"c\"");
    }
}

#[test]
fn additions_beside_a_union_are_listed_as_info() {
    let alts = json!([{"required": ["state"]}, {"required": ["reason"]}]);
    let r = diff_props(
        alert_body(json!(["a", "b"]), false, alts.clone(), "anyOf"),
        &["body"],
        alert_body(json!(["a", "b", "c"]), true, alts, "anyOf"),
        &["body"],
    );
    assert_eq!(
        summary(&r),
        vec![
            (
                K::AddedOptionalParam,
                S::Info,
                "/properties/body/properties/extra".into()
            ),
            (
                K::EnumValueAdded,
                S::Info,
                "/properties/body/properties/reason".into()
            ),
        ]
    );
    assert!(!r.breaking);
}

#[test]
fn keywords_beside_a_nested_union_are_compared() {
    // The body is nullable: `anyOf: [{type: object, properties, anyOf: [...]}, {type: null}]`.
    let nested = |reasons: Value| {
        let inner = alert_body(reasons, false, json!([{"required": ["state"]}]), "anyOf");
        json!({"body": {"anyOf": [inner["body"].clone(), {"type": "null"}]}})
    };
    let r = diff_props(
        nested(json!(["a", "b", "c"])),
        &["body"],
        nested(json!(["a", "b"])),
        &["body"],
    );
    assert_eq!(
        summary(&r),
        vec![(
            K::EnumValueRemoved,
            S::Error,
            "/properties/body/anyOf/0/properties/reason".into()
        )]
    );
}

#[test]
fn required_and_type_beside_a_union_are_compared() {
    let body = |req: &[&str], state_type: &str| {
        json!({"body": {"type": "object",
            "properties": {"state": {"type": state_type}, "note": {"type": "string"}},
            "required": req,
            "anyOf": [{"required": ["state"]}, {"required": ["note"]}]}})
    };
    let r = diff_props(
        body(&[], "string"),
        &["body"],
        body(&["note"], "integer"),
        &["body"],
    );
    assert_eq!(
        summary(&r),
        vec![
            (
                K::ParamBecameRequired,
                S::Error,
                "/properties/body/properties/note".into()
            ),
            (
                K::ParamTypeChanged,
                S::Error,
                "/properties/body/properties/state".into()
            ),
        ]
    );
}

#[test]
fn required_only_alternatives_are_compared_as_sets() {
    let body = |alts: Value| {
        json!({"body": {"type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "anyOf": alts}})
    };
    let both = json!([{"required": ["a"]}, {"required": ["b"]}]);
    // An alternative dropped.
    let r = diff_props(
        body(both.clone()),
        &["body"],
        body(json!([{"required": ["a"]}])),
        &["body"],
    );
    assert_eq!(
        summary(&r),
        vec![(K::ParamTypeChanged, S::Error, "/properties/body".into())]
    );
    assert_eq!(r.changes[0].detail, "no longer accepts objects with `b`");
    // Alternatives merged into one that asks for both.
    let r = diff_props(
        body(both.clone()),
        &["body"],
        body(json!([{"required": ["a", "b"]}])),
        &["body"],
    );
    let details: Vec<&str> = r.changes.iter().map(|c| c.detail.as_str()).collect();
    assert_eq!(
        details,
        [
            "no longer accepts objects with `a`",
            "no longer accepts objects with `b`"
        ]
    );
    assert!(r.breaking);
    // The reverse: one alternative asking for both split into two is only wider.
    let r = diff_props(
        body(json!([{"required": ["a", "b"]}])),
        &["body"],
        body(both.clone()),
        &["body"],
    );
    assert!(!r.breaking, "{:#?}", r.changes);
    assert_eq!(r.changes.len(), 2, "{:#?}", r.changes);
    // Reordered alternatives are the same.
    let r = diff_props(
        body(both),
        &["body"],
        body(json!([{"required": ["b"]}, {"required": ["a"]}])),
        &["body"],
    );
    assert!(r.changes.is_empty(), "{:#?}", r.changes);
}

#[test]
fn required_only_alternatives_appearing_and_disappearing() {
    let props = json!({"a": {"type": "string"}, "b": {"type": "string"}});
    let plain = json!({"body": {"type": "object", "properties": props}});
    let mut with_alts = plain.clone();
    with_alts["body"]["anyOf"] = json!([{"required": ["a"]}, {"required": ["b"]}]);
    let r = diff_props(plain.clone(), &["body"], with_alts.clone(), &["body"]);
    assert_eq!(
        summary(&r),
        vec![(K::ConstraintNarrowed, S::Error, "/properties/body".into())]
    );
    assert_eq!(r.changes[0].detail, "now requires one of: `a`; `b`");
    let r = diff_props(with_alts, &["body"], plain, &["body"]);
    assert_eq!(
        summary(&r),
        vec![(K::ConstraintWidened, S::Info, "/properties/body".into())]
    );
    // Alternatives beside an object that already requires one of their properties restrict
    // nothing more.
    let req_a = json!({"body": {"type": "object", "properties": props, "required": ["a"]}});
    let mut req_a_alts = req_a.clone();
    req_a_alts["body"]["anyOf"] = json!([{"required": ["a"]}, {"required": ["b"]}]);
    let r = diff_props(req_a, &["body"], req_a_alts, &["body"]);
    assert!(r.changes.is_empty(), "{:#?}", r.changes);
}

#[test]
fn shaped_alternatives_beside_own_keywords() {
    // GitHub's checks/update: `status` constrained per alternative, `name` beside them.
    let body = |name_max: u64, alts: Value| {
        json!({"body": {"type": "object",
            "properties": {"name": {"type": "string", "maxLength": name_max}, "status": {"type": "string"}},
            "anyOf": alts}})
    };
    let alts = |done: Value| {
        json!([
            {"properties": {"status": {"enum": done}}, "required": ["conclusion"]},
            {"properties": {"status": {"enum": ["queued", "in_progress"]}}}
        ])
    };
    let r = diff_props(
        body(100, alts(json!(["completed"]))),
        &["body"],
        body(50, alts(json!(["completed", "skipped"]))),
        &["body"],
    );
    assert_eq!(
        summary(&r),
        vec![
            (
                K::EnumValueAdded,
                S::Info,
                "/properties/body/anyOf/0/properties/status".into()
            ),
            (
                K::ConstraintNarrowed,
                S::Error,
                "/properties/body/properties/name".into()
            ),
        ]
    );
}
