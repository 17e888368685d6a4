//! A request body whose `oneOf`/`anyOf` only lists required properties stays flattened (issue
//! 13): the tool keeps its top-level arguments when an API adds such alternatives, the
//! alternatives are enforced at call time with a message naming them, generated code defers to
//! that check, and the change report between the two API versions has no breaking finding.

use openapi_tools_build::codegen::ir::{Body, Check};
use openapi_tools_build::codegen::lower::Lowerer;
use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline::manifest_from_str;
use openapi_tools_runtime::diff::diff;
use openapi_tools_runtime::manifest::{Manifest, ParamLocation};
use openapi_tools_runtime::request::RequestBody;
use openapi_tools_runtime::toolset::{DynamicToolSet, ToolSet};
use serde_json::json;

/// GitHub's projects/add-item-for-org body, before (@octokit/openapi 22: `type` and `id`
/// required) and after (23: `oneOf` of `id` or `owner` + `repo` + `number`).
fn spec(body_required: bool, alternatives: &str) -> String {
    format!(
        r#"
openapi: 3.0.3
info: {{title: Projects, version: "1"}}
paths:
  /orgs/{{org}}/items:
    post:
      operationId: projects/add-item-for-org
      parameters:
        - {{name: org, in: path, required: true, schema: {{type: string}}}}
      requestBody:
        required: {body_required}
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              properties:
                type: {{type: string, enum: [Issue, PullRequest]}}
                id: {{type: integer}}
                owner: {{type: string}}
                repo: {{type: string}}
                number: {{type: integer}}
              {alternatives}
      responses: {{'201': {{description: created}}}}
"#
    )
}

const BEFORE: &str = "required: [type, id]";
const ONE_OF: &str =
    "required: [type]\n              oneOf: [{required: [id]}, {required: [owner, repo, number]}]";

fn manifest(text: &str) -> Manifest {
    let out = manifest_from_str(text, "projects.yaml", &ModelOptions::default());
    let problems: Vec<String> = out.diagnostics.iter().map(ToString::to_string).collect();
    out.manifest.unwrap_or_else(|| panic!("{problems:?}"))
}

#[test]
fn required_only_alternatives_keep_the_body_flat() {
    let m = manifest(&spec(true, ONE_OF));
    let tool = &m.tools[0];
    assert_eq!(tool.body.as_ref().map(|b| b.flattened), Some(true));
    let names: Vec<(&str, ParamLocation)> = tool
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.location))
        .collect();
    assert_eq!(
        names,
        [
            ("org", ParamLocation::Path),
            ("type", ParamLocation::BodyProperty),
            ("id", ParamLocation::BodyProperty),
            ("owner", ParamLocation::BodyProperty),
            ("repo", ParamLocation::BodyProperty),
            ("number", ParamLocation::BodyProperty),
        ]
    );
    assert_eq!(tool.input_schema["required"], json!(["org", "type"]));
    assert_eq!(
        tool.input_schema["oneOf"],
        json!([{"required": ["id"]}, {"required": ["owner", "repo", "number"]}])
    );

    // An optional body cannot carry the alternatives beside flat arguments: one `body` input.
    let m = manifest(&spec(false, ONE_OF));
    assert_eq!(m.tools[0].body.as_ref().map(|b| b.flattened), Some(false));
}

#[test]
fn calls_are_checked_against_the_alternatives() {
    let set = DynamicToolSet::new(manifest(&spec(true, ONE_OF)));
    let tool = set.manifest().tools[0].name.clone();
    // The arguments the 22.0.0 tool took are still accepted and sent as the same body.
    let call = set
        .prepare(&tool, &json!({"org": "o", "type": "Issue", "id": 5}))
        .unwrap();
    match call.request.body {
        Some(RequestBody::Json(body)) => assert_eq!(body, json!({"type": "Issue", "id": 5})),
        other => panic!("{other:?}"),
    }
    assert!(
        set.prepare(
            &tool,
            &json!({"org": "o", "type": "Issue", "owner": "a", "repo": "b", "number": 1})
        )
        .is_ok()
    );
    let err = set
        .prepare(&tool, &json!({"org": "o", "type": "Issue", "owner": "a"}))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(r#"missing required properties: send exactly one of: "id"; or "owner", "repo" and "number""#),
        "{err}"
    );
    let err = set
        .prepare(
            &tool,
            &json!({"org": "o", "type": "Issue", "id": 5, "owner": "a", "repo": "b", "number": 1}),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("send only one of"), "{err}");
}

#[test]
fn generated_checks_leave_the_alternatives_to_the_validator() {
    // The fast path (serde + generated checks) cannot see the root `oneOf`: the args struct
    // must answer "not certainly valid" so that every call goes through the validator above.
    let m = manifest(&spec(true, ONE_OF));
    let (lowered, _) = Lowerer::run(&m, &[]);
    let args = lowered.tools[0].args;
    match &lowered.types[args].body {
        Body::Struct(s) => assert!(s.checks.contains(&Check::Never), "{:?}", s.checks),
        other => panic!("{other:?}"),
    }
    // Without alternatives the fast path stays.
    let m = manifest(&spec(true, BEFORE));
    let (lowered, _) = Lowerer::run(&m, &[]);
    let args = lowered.tools[0].args;
    match &lowered.types[args].body {
        Body::Struct(s) => assert!(!s.checks.contains(&Check::Never), "{:?}", s.checks),
        other => panic!("{other:?}"),
    }
}

#[test]
fn adding_required_only_alternatives_is_not_an_api_break() {
    let before = manifest(&spec(true, BEFORE));
    let after = manifest(&spec(true, ONE_OF));
    let r = diff(&before, &after);
    assert!(!r.breaking, "{:#?}", r.changes);
    let kinds: Vec<String> = r
        .changes
        .iter()
        .map(|c| format!("{} {}", c.kind, c.pointer.as_deref().unwrap_or("")))
        .collect();
    assert_eq!(
        kinds,
        ["param_became_optional /properties/id"],
        "{:#?}",
        r.changes
    );
    // The reverse drops the `owner` + `repo` + `number` alternative by making `id` required:
    // one finding says so (the alternatives are not reported again).
    let r = diff(&after, &before);
    let breaking: Vec<String> = r
        .breaking_changes()
        .map(|c| format!("{} {}", c.kind, c.detail))
        .collect();
    assert_eq!(
        breaking,
        ["param_became_required property `id` became required"]
    );
}
