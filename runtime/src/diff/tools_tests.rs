//! Rule tests for [`super`] (tools.rs): pairs of small hand-written manifests.

use serde_json::json;

use super::super::testkit::{body, diff_tools, locate, manifest, rehashed, summary, tool};
use crate::diff::{ChangeKind as K, ChangeSeverity as S, diff};
use crate::manifest::{HttpMethod, ParamLocation, ToolManifest};

fn pets_get(name: &str, path: &str, id: &str) -> ToolManifest {
    let mut t = tool(
        name,
        HttpMethod::Get,
        path,
        json!({id: {"type": "string"}}),
        &[id],
    );
    locate(&mut t, id, ParamLocation::Path);
    t
}

fn list(name: &str) -> ToolManifest {
    tool(
        name,
        HttpMethod::Get,
        "/list",
        json!({"limit": {"type": "integer"}}),
        &[],
    )
}

#[test]
fn removed_tool_is_an_error_added_is_info() {
    let old = manifest("1", vec![list("a"), list("b")]);
    let new = manifest("2", vec![list("a"), list("c")]);
    let r = diff(&old, &new);
    assert_eq!(r.added, vec!["c"]);
    assert_eq!(r.removed, vec!["b"]);
    assert!(r.updated.is_empty());
    assert_eq!(r.unchanged, 1);
    assert_eq!(
        summary(&r),
        vec![
            (K::RemovedTool, S::Error, String::new()),
            (K::AddedTool, S::Info, String::new())
        ]
    );
    assert_eq!(r.changes[0].tool, "b");
    assert!(r.breaking);
    assert_eq!((r.from_version.as_str(), r.to_version.as_str()), ("1", "2"));
}

#[test]
fn operation_id_rename_is_removal_plus_addition_naming_the_rename() {
    let old = manifest("1", vec![pets_get("getPet", "/pets/{id}", "id")]);
    let new = manifest("2", vec![pets_get("showPetById", "/pets/{id}", "id")]);
    let r = diff(&old, &new);
    assert_eq!(r.removed, vec!["getPet"]);
    assert_eq!(r.added, vec!["showPetById"]);
    let removed = r.changes.iter().find(|c| c.kind == K::RemovedTool).unwrap();
    assert!(removed.breaking);
    assert!(
        removed.detail.contains("is now the tool `showPetById`"),
        "{}",
        removed.detail
    );
    assert!(
        removed.detail.contains("GET /pets/{id}"),
        "{}",
        removed.detail
    );
    let added = r.changes.iter().find(|c| c.kind == K::AddedTool).unwrap();
    assert!(
        added.detail.contains("replaces `getPet`"),
        "{}",
        added.detail
    );
}

#[test]
fn path_moved_with_same_tool_and_input_is_only_endpoint_changed() {
    let r = diff_tools(
        pets_get("getPet", "/pets/{id}", "id"),
        pets_get("getPet", "/v2/animals/{id}", "id"),
    );
    assert_eq!(
        summary(&r),
        vec![(K::EndpointChanged, S::Info, String::new())]
    );
    assert!(!r.breaking);
    assert_eq!(r.updated, vec!["getPet"]);
    assert_eq!(
        r.changes[0].detail,
        "endpoint moved from GET /pets/{id} to GET /v2/animals/{id}"
    );
}

#[test]
fn path_parameter_rename_breaks_the_tool_input() {
    let r = diff_tools(
        pets_get("getPet", "/pets/{id}", "id"),
        pets_get("getPet", "/pets/{petId}", "petId"),
    );
    assert_eq!(
        summary(&r),
        vec![
            (K::EndpointChanged, S::Info, String::new()),
            // `id` was required: every call sent it, and the closed input now rejects it.
            (K::ParamRemoved, S::Error, "/properties/id".into()),
            (K::AddedRequiredParam, S::Error, "/properties/petId".into()),
        ]
    );
    assert!(r.breaking);
    assert_eq!(r.changes[2].location.as_deref(), Some("path"));
}

#[test]
fn wire_name_and_location_changes_are_info() {
    let mut old = tool(
        "t",
        HttpMethod::Get,
        "/t",
        json!({"api_version": {"type": "string"}}),
        &[],
    );
    locate(&mut old, "api_version", ParamLocation::Query);
    let mut new = old.clone();
    new.params[0].wire_name = "X-Api-Version".into();
    new.params[0].location = ParamLocation::Header;
    let r = diff_tools(old, new);
    assert_eq!(r.updated, vec!["t"]);
    assert!(!r.breaking);
    let details: Vec<&str> = r.changes.iter().map(|c| c.detail.as_str()).collect();
    assert!(
        r.changes
            .iter()
            .all(|c| c.kind == K::EndpointChanged && c.severity == S::Info)
    );
    assert!(details.contains(
        &"wire name changed from `api_version` to `X-Api-Version` (tool input unchanged)"
    ));
    assert!(details.contains(&"moved from query to header (tool input unchanged)"));
    assert_eq!(r.changes[0].wire_name.as_deref(), Some("X-Api-Version"));
}

#[test]
fn body_became_required_relabels_the_body_input() {
    let props = json!({"body": {"type": "object"}});
    let mut old = tool("t", HttpMethod::Post, "/t", props.clone(), &[]);
    locate(&mut old, "body", ParamLocation::Body);
    old.body = body(false, false);
    let mut new = tool("t", HttpMethod::Post, "/t", props, &["body"]);
    locate(&mut new, "body", ParamLocation::Body);
    new.body = body(true, false);
    let r = diff_tools(old, new);
    assert_eq!(
        summary(&r),
        vec![(K::BodyBecameRequired, S::Error, "/properties/body".into())]
    );
}

#[test]
fn body_became_required_on_a_flattened_body_is_a_tool_level_error() {
    let props = json!({"name": {"type": "string"}});
    let mut old = tool("t", HttpMethod::Post, "/t", props.clone(), &[]);
    locate(&mut old, "name", ParamLocation::BodyProperty);
    old.body = body(false, true);
    let mut new = old.clone();
    new.body = body(true, true);
    let r = diff_tools(old.clone(), new);
    assert_eq!(
        summary(&r),
        vec![(K::BodyBecameRequired, S::Error, String::new())]
    );

    // When a body property became required too, that change already tells the caller.
    let mut new = rehashed(tool("t", HttpMethod::Post, "/t", props, &["name"]));
    locate(&mut new, "name", ParamLocation::BodyProperty);
    new.body = body(true, true);
    let r = diff_tools(old, new);
    assert_eq!(
        summary(&r),
        vec![(K::BodyBecameRequired, S::Error, "/properties/name".into())]
    );
}

#[test]
fn tool_deprecation_description_tags_servers_security() {
    let old = list("t");
    let mut new = old.clone();
    new.deprecated = true;
    new.description = "Deprecated. List things.".into();
    new.tags = vec!["things".into()];
    new.servers = vec!["https://api.example.com/v2".into()];
    new.security = vec![
        [("oauth".to_owned(), vec!["read".to_owned()])]
            .into_iter()
            .collect(),
    ];
    let r = diff_tools(old, new);
    let kinds: Vec<K> = r.changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        vec![
            K::DescriptionChanged,
            K::DescriptionChanged,
            K::EndpointChanged,
            K::EndpointChanged,
            K::ToolDeprecated
        ]
    );
    assert!(r.changes.iter().all(|c| c.severity == S::Info));
    assert!(!r.breaking);
}

#[test]
fn unchanged_tools_are_counted_not_walked_and_duplicates_ignored() {
    let old = manifest("1", vec![list("a"), list("b"), list("b")]);
    let r = diff(&old, &old.clone());
    assert_eq!(r.unchanged, 2);
    assert!(r.is_empty() && r.changes.is_empty() && !r.breaking);
}

#[test]
fn a_major_version_bump_suppresses_nothing() {
    let old = manifest("1.9.0", vec![list("a")]);
    let new = manifest("2.0.0", vec![]);
    assert!(diff(&old, &new).breaking);
}

#[test]
fn order_is_deterministic_tool_then_pointer_then_kind() {
    let schema = |t: &str| json!({"z": {"type": t}, "a": {"type": t}});
    let old = manifest(
        "1",
        vec![
            tool("b", HttpMethod::Get, "/b", schema("string"), &[]),
            tool("a", HttpMethod::Get, "/a", schema("string"), &[]),
        ],
    );
    let new = manifest(
        "2",
        vec![
            tool("a", HttpMethod::Get, "/a", schema("integer"), &[]),
            tool("b", HttpMethod::Get, "/b", schema("integer"), &["a"]),
        ],
    );
    let r = diff(&old, &new);
    let got: Vec<(String, String, K)> = r
        .changes
        .iter()
        .map(|c| {
            (
                c.tool.clone(),
                c.pointer.clone().unwrap_or_default(),
                c.kind,
            )
        })
        .collect();
    let want = vec![
        ("a".into(), "/properties/a".into(), K::ParamTypeChanged),
        ("a".into(), "/properties/z".into(), K::ParamTypeChanged),
        ("b".into(), "/properties/a".into(), K::ParamBecameRequired),
        ("b".into(), "/properties/a".into(), K::ParamTypeChanged),
        ("b".into(), "/properties/z".into(), K::ParamTypeChanged),
    ];
    assert_eq!(got, want);
    assert_eq!(r.updated, vec!["a", "b"]);
}

#[test]
fn route_erases_parameter_names() {
    assert_eq!(super::route("/pets/{petId}/toys/{toy}"), "/pets/{}/toys/{}");
}

/// A GitHub-sized tool set (1,223 tools with nested `$ref` schemas) against itself with one
/// changed tool: unchanged tools are skipped by hash, so this is fast. Prints the time;
/// the budget (10 ms for install + report, release build) is checked in the registry
/// benchmarks, not asserted here.
#[test]
fn large_tool_set_with_one_change() {
    let make = |i: usize, max: u64| {
        let mut schema = json!({
            "type": "object", "additionalProperties": false,
            "properties": {
                "owner": {"type": "string"}, "repo": {"type": "string"},
                "per_page": {"type": "integer", "maximum": max, "default": 30},
                "body": {"$ref": "#/$defs/Issue"}
            },
            "required": ["owner", "repo"],
            "$defs": {
                "Issue": {"type": "object", "properties": {
                    "title": {"type": "string"}, "labels": {"type": "array", "items": {"$ref": "#/$defs/Label"}},
                    "assignees": {"type": "array", "items": {"type": "string"}}}},
                "Label": {"anyOf": [{"type": "string"}, {"type": "object", "properties": {"name": {"type": "string"}, "color": {"type": "string", "pattern": "^[0-9a-f]{6}$"}}}]}
            }
        });
        schema["properties"]["owner"]["description"] = json!(format!("owner of repo {i}"));
        rehashed(super::super::testkit::with_schema(
            &format!("tool_{i}"),
            HttpMethod::Post,
            &format!("/repos/{{owner}}/{{repo}}/thing{i}"),
            schema,
        ))
    };
    let old = manifest("1", (0..1223).map(|i| make(i, 100)).collect());
    let mut new = old.clone();
    new.tools[611] = make(611, 50);
    let start = std::time::Instant::now();
    let r = diff(&old, &new);
    let took = start.elapsed();
    println!("diff of 1,223 tools with one change: {took:?}");
    assert_eq!(r.unchanged, 1222);
    assert_eq!(r.updated, vec!["tool_611"]);
    assert_eq!(
        summary(&r),
        vec![(
            K::ConstraintNarrowed,
            S::Error,
            "/properties/per_page".into()
        )]
    );
}

#[test]
fn a_flattened_body_passed_whole_says_why_its_inputs_moved() {
    // GitHub's projects/add-item-for-org between @octokit/openapi 22 and 23: the body became a
    // `oneOf`, so it is one `body` input instead of flattened `type` and `id`.
    let mut old = tool(
        "t",
        HttpMethod::Post,
        "/t",
        json!({"type": {"type": "string"}, "id": {"type": "integer"}}),
        &["type", "id"],
    );
    locate(&mut old, "type", ParamLocation::BodyProperty);
    locate(&mut old, "id", ParamLocation::BodyProperty);
    old.body = body(true, true);
    let mut new = tool(
        "t",
        HttpMethod::Post,
        "/t",
        json!({"body": {"oneOf": [
            {"type": "object", "properties": {"type": {"type": "string"}, "id": {"type": "integer"}}},
            {"type": "object", "properties": {"type": {"type": "string"}, "number": {"type": "integer"}}}
        ]}}),
        &["body"],
    );
    locate(&mut new, "body", ParamLocation::Body);
    new.body = body(true, false);
    let r = diff_tools(old, new);
    assert!(r.breaking);
    let moved: Vec<(K, &str)> = r
        .changes
        .iter()
        .filter(|c| c.detail.contains("now passed whole as one input"))
        .map(|c| (c.kind, c.param.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        moved,
        [
            (K::AddedRequiredParam, "body"),
            (K::ParamRemoved, "id"),
            (K::ParamRemoved, "type"),
        ]
    );
    // Marked as the toolkit's modelling, in JSON and in the text report.
    let marked: Vec<&str> = r
        .changes
        .iter()
        .filter(|c| c.cause == Some(crate::diff::ChangeCause::Modelling))
        .filter_map(|c| c.param.as_deref())
        .collect();
    assert_eq!(marked, ["body", "id", "type"]);
    let json = serde_json::to_value(&r.changes).unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|c| c["cause"] == "modelling")
    );
    assert!(
        r.to_text().contains("[tool modelling, not an API change]"),
        "{}",
        r.to_text()
    );
}
