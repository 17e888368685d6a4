//! Which of oasdiff's request-side rules each [`ChangeKind`] covers.
//!
//! oasdiff (<https://github.com/oasdiff/oasdiff>, `checker/rules.go`) is the most complete
//! catalogue of OpenAPI breaking-change rules: about 200 request-side and general rules at
//! ERR / WARN / INFO. It works per HTTP operation and separately for parameters, body and
//! properties (`request-parameter-max-decreased`, `request-body-max-decreased`,
//! `request-property-max-decreased` are one rule here, because all three are properties of the
//! tool's input). Rule ids are oasdiff's (kebab-case of the `...Id` constant; the `Become`
//! constants read `became`). Severities agree with oasdiff except where the caller's view
//! differs: `request-parameter-removed` / `request-property-removed` are WARN there and
//! `warning` here; default-value changes are INFO there and `warning` here (callers relying on
//! a default see different behaviour); security changes are ERR there and `info` here
//! (credentials are the application's, not the model's arguments); an operationId change is
//! INFO there and `removed_tool` (error) here, because it renames the tool.
//!
//! Rules with no counterpart are listed in [`NOT_APPLICABLE`] with the reason.

use super::ChangeKind;

/// oasdiff rule ids a kind covers.
pub fn oasdiff_rules(kind: ChangeKind) -> &'static [&'static str] {
    match kind {
        ChangeKind::RemovedTool => &[
            "api-removed-without-deprecation",
            "api-removed-with-deprecation",
            "api-removed-before-sunset",
            "api-path-removed-without-deprecation",
            "api-path-removed-with-deprecation",
            "api-path-removed-before-sunset",
            "api-operation-id-removed",
        ],
        ChangeKind::AddedTool => &["endpoint-added", "api-operation-id-added"],
        ChangeKind::AddedRequiredParam => &[
            "new-required-request-parameter",
            "new-request-path-parameter",
            "new-required-request-default-parameter-to-existing-path",
            "new-required-request-property",
            "new-required-request-property-with-default",
            "new-required-request-header-property",
        ],
        ChangeKind::AddedOptionalParam => &[
            "new-optional-request-parameter",
            "new-optional-request-default-parameter-to-existing-path",
            "new-optional-request-property",
            "added-optional-request-body",
        ],
        ChangeKind::ParamRemoved => &[
            "request-parameter-removed",
            "request-parameter-removed-with-deprecation",
            "parameter-removed-before-sunset",
            "request-property-removed",
            "request-body-removed",
        ],
        ChangeKind::ParamBecameRequired => &[
            "request-parameter-became-required",
            "request-property-became-required",
            "request-property-became-required-with-default",
            "request-header-property-became-required",
        ],
        ChangeKind::ParamBecameOptional => &[
            "request-parameter-became-optional",
            "request-property-became-optional",
            "request-body-became-optional",
        ],
        ChangeKind::ParamTypeChanged => &[
            "request-parameter-type-changed",
            "request-parameter-property-type-changed",
            "request-parameter-property-type-specialized",
            "request-body-type-changed",
            "request-property-type-changed",
            "request-parameter-list-of-types-narrowed",
            "request-parameter-property-list-of-types-narrowed",
            "request-body-list-of-types-narrowed",
            "request-property-list-of-types-narrowed",
            "request-body-any-of-removed",
            "request-property-any-of-removed",
            "request-body-one-of-removed",
            "request-property-one-of-removed",
            "request-body-wrapped-in-one-of",
            "request-body-content-encoding-changed",
            "request-property-content-encoding-changed",
            "request-body-content-media-type-changed",
            "request-property-content-media-type-changed",
        ],
        ChangeKind::ParamTypeWidened => &[
            "request-parameter-type-generalized",
            "request-parameter-property-type-generalized",
            "request-body-type-generalized",
            "request-property-type-generalized",
            "request-body-type-compatible",
            "request-property-type-compatible",
            "request-parameter-list-of-types-widened",
            "request-parameter-property-list-of-types-widened",
            "request-body-list-of-types-widened",
            "request-property-list-of-types-widened",
            "request-body-any-of-added",
            "request-property-any-of-added",
            "request-body-one-of-added",
            "request-property-one-of-added",
            "request-parameter-became-nullable",
            "request-parameter-property-became-nullable",
            "request-body-became-nullable",
            "request-property-became-nullable",
        ],
        ChangeKind::EnumValueRemoved => &[
            "request-parameter-enum-value-removed",
            "request-parameter-property-enum-value-removed",
            "request-property-enum-value-removed",
            "request-body-enum-value-removed",
            "request-body-const-changed",
            "request-property-const-changed",
        ],
        ChangeKind::EnumValueAdded => &[
            "request-parameter-enum-value-added",
            "request-parameter-property-enum-value-added",
            "request-property-enum-value-added",
        ],
        ChangeKind::ConstraintNarrowed => &[
            "request-parameter-max-set",
            "request-parameter-exclusive-max-set",
            "request-parameter-max-decreased",
            "request-parameter-exclusive-max-decreased",
            "request-parameter-min-set",
            "request-parameter-exclusive-min-set",
            "request-parameter-min-increased",
            "request-parameter-exclusive-min-increased",
            "request-parameter-max-length-set",
            "request-parameter-max-length-decreased",
            "request-parameter-min-length-increased",
            "request-parameter-max-items-decreased",
            "request-parameter-min-items-set",
            "request-parameter-min-items-increased",
            "request-parameter-pattern-added",
            "request-parameter-became-enum",
            "request-header-property-became-enum",
            "request-parameter-became-not-nullable",
            "request-parameter-property-became-not-nullable",
            "request-body-max-set / request-property-max-set",
            "request-body-exclusive-max-set / request-property-exclusive-max-set",
            "request-body-max-decreased / request-property-max-decreased",
            "request-body-exclusive-max-decreased / request-property-exclusive-max-decreased",
            "request-body-min-set / request-property-min-set",
            "request-body-exclusive-min-set / request-property-exclusive-min-set",
            "request-body-min-increased / request-property-min-increased",
            "request-body-exclusive-min-increased / request-property-exclusive-min-increased",
            "request-body-max-length-set / request-property-max-length-set",
            "request-body-max-length-decreased / request-property-max-length-decreased",
            "request-body-min-length-increased / request-property-min-length-increased",
            "request-body-max-items-set / request-property-max-items-set",
            "request-body-max-items-decreased / request-property-max-items-decreased",
            "request-body-min-items-set / request-property-min-items-set",
            "request-body-min-items-increased / request-property-min-items-increased",
            "request-body-max-properties-set / request-property-max-properties-set",
            "request-body-max-properties-decreased / request-property-max-properties-decreased",
            "request-body-min-properties-increased / request-property-min-properties-increased",
            "request-body-unique-items-set / request-property-unique-items-set",
            "request-body-multiple-of-set / request-property-multiple-of-set",
            "request-body-multiple-of-changed / request-property-multiple-of-changed",
            "request-property-pattern-added",
            "request-body-became-enum / request-property-became-enum",
            "request-body-const-added / request-property-const-added",
            "request-body-became-not-nullable / request-property-became-not-nullable",
            "request-body-all-of-added / request-property-all-of-added",
            "request-body-if-added / -then-added / -else-added (and request-property-*)",
            "request-body-contains-added / request-property-contains-added",
            "request-body-min-contains-increased / request-property-min-contains-increased",
            "request-body-max-contains-decreased / request-property-max-contains-decreased",
            "request-body-dependent-required-added / request-property-dependent-required-added",
            "request-body-dependent-schema-added / request-property-dependent-schema-added",
            "request-body-pattern-property-added / request-property-pattern-property-added",
            "request-body-property-names-added / request-property-property-names-added",
            "request-body-unevaluated-items-added / request-property-unevaluated-items-added",
            "request-body-unevaluated-properties-added / request-property-unevaluated-properties-added",
            "request-body-content-schema-added / request-property-content-schema-added",
            "request-body-prefix-items-removed / request-property-prefix-items-removed",
        ],
        ChangeKind::ConstraintWidened => &[
            "request-parameter-max-increased",
            "request-parameter-exclusive-max-increased",
            "request-parameter-min-decreased",
            "request-parameter-exclusive-min-decreased",
            "request-parameter-max-length-increased",
            "request-parameter-min-length-decreased",
            "request-parameter-max-items-increased",
            "request-parameter-min-items-decreased",
            "request-parameter-pattern-removed",
            "request-parameter-pattern-generalized",
            "request-parameter-became-not-enum",
            "request-body-max-increased / request-property-max-increased",
            "request-body-exclusive-max-increased / request-property-exclusive-max-increased",
            "request-body-min-decreased / request-property-min-decreased",
            "request-body-exclusive-min-decreased / request-property-exclusive-min-decreased",
            "request-body-max-length-increased / request-property-max-length-increased",
            "request-body-min-length-decreased / request-property-min-length-decreased",
            "request-body-max-items-increased / request-property-max-items-increased",
            "request-body-max-properties-increased / request-property-max-properties-increased",
            "request-body-unique-items-unset / request-property-unique-items-unset",
            "request-body-multiple-of-unset / request-property-multiple-of-unset",
            "request-body-multiple-of-generalized / request-property-multiple-of-generalized",
            "request-property-pattern-removed",
            "request-property-pattern-generalized",
            "request-body-became-not-enum",
            "request-body-const-removed / request-property-const-removed",
            "request-body-all-of-removed / request-property-all-of-removed",
            "request-body-if-removed / -then-removed / -else-removed (and request-property-*)",
            "request-body-contains-removed / request-property-contains-removed",
            "request-body-min-contains-decreased / request-property-min-contains-decreased",
            "request-body-max-contains-increased / request-property-max-contains-increased",
            "request-body-dependent-required-removed / request-property-dependent-required-removed",
            "request-body-dependent-schema-removed / request-property-dependent-schema-removed",
            "request-body-pattern-property-removed / request-property-pattern-property-removed",
            "request-body-property-names-removed / request-property-property-names-removed",
            "request-body-unevaluated-items-removed / request-property-unevaluated-items-removed",
            "request-body-unevaluated-properties-removed / request-property-unevaluated-properties-removed",
            "request-body-content-schema-removed / request-property-content-schema-removed",
            "request-body-prefix-items-added / request-property-prefix-items-added",
        ],
        ChangeKind::ConstraintChanged => &[
            "request-parameter-pattern-changed",
            "request-property-pattern-changed",
            "request-body-dependent-required-changed",
            "request-property-dependent-required-changed",
        ],
        ChangeKind::BodyBecameRequired => &[
            "request-body-became-required",
            "added-required-request-body",
        ],
        ChangeKind::DefaultChanged => &[
            "request-parameter-default-value-changed",
            "request-parameter-default-value-added",
            "request-parameter-default-value-removed",
            "request-body-default-value-changed / request-property-default-value-changed",
            "request-body-default-value-added / request-property-default-value-added",
            "request-body-default-value-removed / request-property-default-value-removed",
        ],
        ChangeKind::DescriptionChanged => &["api-tag-added", "api-tag-removed"],
        ChangeKind::EndpointChanged => &[
            "request-body-media-type-added",
            "request-body-media-type-removed",
            "request-parameter-serialization-updated",
            "api-security-removed",
            "api-security-added",
            "api-security-scope-added",
            "api-security-scope-removed",
            "api-global-security-removed",
            "api-global-security-added",
            "api-global-security-scope-added",
            "api-global-security-scope-removed",
        ],
        ChangeKind::ParamDeprecated => &[
            "request-parameter-deprecated",
            "request-parameter-reactivated",
            "request-property-deprecated",
            "request-property-deprecated-with-sunset",
            "request-property-reactivated",
        ],
        ChangeKind::ToolDeprecated => &[
            "endpoint-deprecated",
            "endpoint-deprecated-with-sunset",
            "endpoint-reactivated",
        ],
    }
}

/// oasdiff request-side (and general) rules with no counterpart, and why.
pub const NOT_APPLICABLE: &[(&str, &str)] = &[
    (
        "*-sunset-* , *-stability-* , api-deprecated-sunset-*, api-invalid-stability-level",
        "x-sunset / x-stability-level are spec-governance extensions; x-* is dropped from the canonical schema",
    ),
    (
        "request-*-discriminator-* (12 rules)",
        "discriminator is not a canonical keyword; its effect shows in the oneOf alternatives",
    ),
    (
        "request-*-read-only-* / request-*-write-only-* / request-read-only-property-*",
        "readOnly properties are dropped from tool inputs; writeOnly never appears",
    ),
    (
        "request-*-x-extensible-enum-value-removed",
        "x-extensible-enum is an x-* extension, dropped from the canonical schema",
    ),
    (
        "request-body-media-type-schema-added/removed, request-body-media-type-item-schema-*",
        "a body without a schema has no tool input; the change shows as inputs added or removed",
    ),
    (
        "api-version-not-bumped, api-version-decreased, api-major-version-not-bumped",
        "versions never change a finding: the report judges schemas, not version strings",
    ),
    (
        "api-components-security-*, api-schemas-removed, webhook-*",
        "not part of any tool's input",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_maps_to_at_least_one_oasdiff_rule() {
        for kind in ChangeKind::ALL {
            assert!(
                !oasdiff_rules(kind).is_empty(),
                "{kind} has no oasdiff rule"
            );
        }
    }

    #[test]
    fn no_rule_is_claimed_by_two_kinds() {
        let mut seen = std::collections::HashMap::new();
        for kind in ChangeKind::ALL {
            for rule in oasdiff_rules(kind) {
                if let Some(prev) = seen.insert(*rule, kind) {
                    panic!("{rule} claimed by {prev} and {kind}");
                }
            }
        }
    }
}
