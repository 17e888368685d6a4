//! Change and breaking-change reports between two manifests.
//!
//! The question this module answers is the one a tool *caller* asks: "will the arguments a model
//! wrote for the old version of this tool still be accepted, and mean the same, by the new one?"
//! HTTP diff tools answer a different question (is `GET /pets/{id}` still there?), so they miss
//! an `operationId` rename (the tool name a model calls disappears) and cry wolf when a path
//! moves but the tool's input is unchanged. Here tools are keyed by tool name and compared by
//! their canonical input schema, semantically: `$ref`s are followed inside each manifest's own
//! `$defs`, so moving a schema behind a `$ref` reports nothing.
//!
//! - [`tools`]: which tools were added, removed or updated; tool-level changes (endpoint,
//!   deprecation, description); operationId renames.
//! - [`params`]: how top-level inputs map onto the wire (wire name, location, style).
//! - [`schema`]: the semantic schema walk (properties, required, types, unions, nesting).
//! - [`constraints`]: bounds, lengths, enums, patterns and formats of one schema node.
//! - [`text`]: the report for people.
//! - [`rules`]: which of oasdiff's request-side rules each [`ChangeKind`] covers.
//!
//! A change's `breaking` is `true` exactly when its severity is `error` (definitely breaks
//! callers) or `warning` (breaks some callers). A version bump in `info.version` never
//! suppresses anything: the report judges the schemas, not the version string.

use serde::{Deserialize, Serialize};

use crate::manifest::Manifest;

pub mod constraints;
pub mod params;
pub mod rules;
pub mod schema;
pub mod text;
pub mod tools;

#[cfg(test)]
mod property_tests;
#[cfg(test)]
mod testkit;

/// Compares two versions of a tool set from a tool caller's point of view.
///
/// ```
/// use openapi_tools_runtime::diff::{diff, ChangeKind};
/// use openapi_tools_runtime::Manifest;
///
/// let tool = |required: serde_json::Value| serde_json::json!({
///     "name": "list_pets", "method": "GET", "path": "/pets", "description": "List pets.",
///     "params": [{"name": "limit", "wire_name": "limit", "in": "query"}],
///     "input_schema": {"type": "object", "additionalProperties": false,
///         "properties": {"limit": {"type": "integer"}}, "required": required},
///     "schema_hash": ""
/// });
/// let manifest = |version: &str, required| -> Manifest {
///     serde_json::from_value(serde_json::json!({
///         "title": "Petstore", "version": version, "source_hash": "", "tools": [tool(required)]
///     })).unwrap()
/// };
/// let report = diff(&manifest("1.0", serde_json::json!([])), &manifest("2.0", serde_json::json!(["limit"])));
/// assert!(report.breaking);
/// assert_eq!(report.changes[0].kind, ChangeKind::ParamBecameRequired);
/// assert_eq!(report.changes[0].pointer.as_deref(), Some("/properties/limit"));
/// ```
pub fn diff(old: &Manifest, new: &Manifest) -> ChangeReport {
    tools::diff_manifests(old, new)
}

/// The result of comparing two manifests (the CLI's `--format json` output, field for field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeReport {
    /// `version` of the old manifest.
    pub from_version: String,
    /// `version` of the new manifest.
    pub to_version: String,
    /// Tools only in the new manifest, sorted by name.
    pub added: Vec<String>,
    /// Tools only in the old manifest, sorted by name.
    pub removed: Vec<String>,
    /// Tools in both whose schema hash or any caller-visible field differs, sorted by name.
    /// A tool can be updated without any entry in [`ChangeReport::changes`] (a pure `$ref`
    /// refactor changes the hash but nothing a caller sees).
    pub updated: Vec<String>,
    /// Number of tools present in both and identical.
    pub unchanged: usize,
    /// `true` when any change is breaking.
    pub breaking: bool,
    /// Every change, sorted by tool name, then pointer, then kind.
    pub changes: Vec<Change>,
}

impl ChangeReport {
    /// Changes that break at least some callers.
    pub fn breaking_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.breaking)
    }

    /// `true` when nothing at all differs (no tool added, removed or updated).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.updated.is_empty()
    }
}

/// One change to one tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Tool name (the new name, or the old one for a removed tool).
    pub tool: String,
    /// The tool's `operationId`, when it has one.
    pub operation_id: Option<String>,
    /// What changed.
    pub kind: ChangeKind,
    /// The top-level (tool-facing) input property the change belongs to, if any.
    pub param: Option<String>,
    /// The name on the wire of the property the change is about (header, query or body
    /// property name), when it belongs to one.
    pub wire_name: Option<String>,
    /// Where the property goes: `path | query | header | cookie | body`.
    #[serde(rename = "in")]
    pub location: Option<String>,
    /// JSON pointer of the changed node inside the tool's input schema (the new schema; the old
    /// one for removals). After a `$ref` this is the `$defs` location.
    pub pointer: Option<String>,
    /// `true` when severity is `error` or `warning`.
    pub breaking: bool,
    /// How sure the breakage is.
    pub severity: ChangeSeverity,
    /// One sentence for people.
    pub detail: String,
    /// Why the tool changed when it is not the API: [`ChangeCause::Modelling`] marks a change
    /// of the tool's shape made by this toolkit (a body switched between flattened arguments
    /// and one `body` input) while the HTTP payloads the API accepts may be the same. Absent
    /// (and omitted from JSON) for changes that follow the API description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<ChangeCause>,
}

/// What a change comes from, when it is not the API description itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeCause {
    /// The toolkit models the same API differently (tool arguments changed shape); callers of
    /// the tool are affected, callers of the HTTP API may not be.
    Modelling,
}

impl Change {
    /// A change with no parameter attached; `breaking` follows from `severity`.
    pub fn new(
        tool: &str,
        operation_id: Option<&str>,
        kind: ChangeKind,
        severity: ChangeSeverity,
        detail: impl Into<String>,
    ) -> Self {
        Change {
            tool: tool.to_owned(),
            operation_id: operation_id.map(str::to_owned),
            kind,
            param: None,
            wire_name: None,
            location: None,
            pointer: None,
            breaking: severity.is_breaking(),
            severity,
            detail: detail.into(),
            cause: None,
        }
    }
}

/// How sure it is that a change breaks callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeSeverity {
    /// Definitely breaking: arguments that used to be accepted are now rejected (or a tool is
    /// gone).
    Error,
    /// Breaking for some callers (a removed property a strict validator now rejects, a changed
    /// default, a pattern replaced by another).
    Warning,
    /// Not breaking.
    Info,
}

impl ChangeSeverity {
    /// `error` and `warning` are breaking; `info` is not.
    pub fn is_breaking(self) -> bool {
        !matches!(self, ChangeSeverity::Info)
    }

    /// `error | warning | info`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeSeverity::Error => "error",
            ChangeSeverity::Warning => "warning",
            ChangeSeverity::Info => "info",
        }
    }
}

/// The vocabulary of changes (serialised in snake_case, e.g. `removed_tool`). Declaration order
/// is the tie-break order within one pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A tool name disappeared (also when its operationId was renamed).
    RemovedTool,
    /// A new tool name.
    AddedTool,
    /// A new required input property (top level or nested).
    AddedRequiredParam,
    /// A new optional input property.
    AddedOptionalParam,
    /// An input property disappeared; strict validators reject callers still sending it.
    ParamRemoved,
    /// An optional property became required.
    ParamBecameRequired,
    /// A required property became optional.
    ParamBecameOptional,
    /// The accepted type changed incompatibly (or a union lost an alternative, or the content
    /// encoding changed).
    ParamTypeChanged,
    /// The accepted type grew (integer -> number, T -> T | null, X -> anyOf [X, ...]).
    ParamTypeWidened,
    /// An enum (or const) value is no longer accepted.
    EnumValueRemoved,
    /// A new enum value is accepted.
    EnumValueAdded,
    /// A bound was tightened or added (min/max, length, items, pattern added, enum appeared,
    /// null no longer accepted, const, format, multipleOf, uniqueItems, additionalProperties).
    ConstraintNarrowed,
    /// A bound was loosened or removed.
    ConstraintWidened,
    /// A constraint changed in a way that is neither clearly narrower nor wider (a pattern
    /// replaced by another, an unanalysed keyword changed).
    ConstraintChanged,
    /// The request body became required.
    BodyBecameRequired,
    /// A default value changed (callers relying on it see different behaviour).
    DefaultChanged,
    /// A description, title, summary or tag list changed.
    DescriptionChanged,
    /// The HTTP request the tool maps to changed (method, path, servers, security, media type,
    /// a parameter's wire name, location or style) while the tool's input did not.
    EndpointChanged,
    /// An input property became deprecated (or stopped being deprecated).
    ParamDeprecated,
    /// The tool became deprecated (or stopped being deprecated).
    ToolDeprecated,
}

impl ChangeKind {
    /// Every kind, in declaration order.
    pub const ALL: [ChangeKind; 20] = [
        ChangeKind::RemovedTool,
        ChangeKind::AddedTool,
        ChangeKind::AddedRequiredParam,
        ChangeKind::AddedOptionalParam,
        ChangeKind::ParamRemoved,
        ChangeKind::ParamBecameRequired,
        ChangeKind::ParamBecameOptional,
        ChangeKind::ParamTypeChanged,
        ChangeKind::ParamTypeWidened,
        ChangeKind::EnumValueRemoved,
        ChangeKind::EnumValueAdded,
        ChangeKind::ConstraintNarrowed,
        ChangeKind::ConstraintWidened,
        ChangeKind::ConstraintChanged,
        ChangeKind::BodyBecameRequired,
        ChangeKind::DefaultChanged,
        ChangeKind::DescriptionChanged,
        ChangeKind::EndpointChanged,
        ChangeKind::ParamDeprecated,
        ChangeKind::ToolDeprecated,
    ];

    /// The snake_case name used in JSON and text output.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::RemovedTool => "removed_tool",
            ChangeKind::AddedTool => "added_tool",
            ChangeKind::AddedRequiredParam => "added_required_param",
            ChangeKind::AddedOptionalParam => "added_optional_param",
            ChangeKind::ParamRemoved => "param_removed",
            ChangeKind::ParamBecameRequired => "param_became_required",
            ChangeKind::ParamBecameOptional => "param_became_optional",
            ChangeKind::ParamTypeChanged => "param_type_changed",
            ChangeKind::ParamTypeWidened => "param_type_widened",
            ChangeKind::EnumValueRemoved => "enum_value_removed",
            ChangeKind::EnumValueAdded => "enum_value_added",
            ChangeKind::ConstraintNarrowed => "constraint_narrowed",
            ChangeKind::ConstraintWidened => "constraint_widened",
            ChangeKind::ConstraintChanged => "constraint_changed",
            ChangeKind::BodyBecameRequired => "body_became_required",
            ChangeKind::DefaultChanged => "default_changed",
            ChangeKind::DescriptionChanged => "description_changed",
            ChangeKind::EndpointChanged => "endpoint_changed",
            ChangeKind::ParamDeprecated => "param_deprecated",
            ChangeKind::ToolDeprecated => "tool_deprecated",
        }
    }
}

impl std::fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_match_serde() {
        for kind in ChangeKind::ALL {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, serde_json::Value::String(kind.as_str().to_owned()));
        }
    }

    #[test]
    fn breaking_follows_severity() {
        let c = Change::new(
            "t",
            None,
            ChangeKind::ParamRemoved,
            ChangeSeverity::Warning,
            "x",
        );
        assert!(c.breaking);
        let c = Change::new(
            "t",
            None,
            ChangeKind::EnumValueAdded,
            ChangeSeverity::Info,
            "x",
        );
        assert!(!c.breaking);
    }

    #[test]
    fn change_json_has_every_field_in_order() {
        let c = Change::new(
            "t",
            Some("op"),
            ChangeKind::RemovedTool,
            ChangeSeverity::Error,
            "d",
        );
        let text = serde_json::to_string(&c).unwrap();
        assert_eq!(
            text,
            r#"{"tool":"t","operation_id":"op","kind":"removed_tool","param":null,"wire_name":null,"in":null,"pointer":null,"breaking":true,"severity":"error","detail":"d"}"#
        );
    }
}
