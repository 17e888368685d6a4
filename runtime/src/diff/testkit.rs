//! Builders for hand-written manifests in tests.

use serde_json::{Value, json};

use crate::manifest::{BodySpec, HttpMethod, InputParam, Manifest, ParamLocation, ToolManifest};

/// A tool with a canonical object schema over `properties` / `required`.
pub fn tool(
    name: &str,
    method: HttpMethod,
    path: &str,
    properties: Value,
    required: &[&str],
) -> ToolManifest {
    let schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    with_schema(name, method, path, schema)
}

/// A tool over a full input schema; params are derived from its top-level properties (all in
/// the query unless changed afterwards).
pub fn with_schema(name: &str, method: HttpMethod, path: &str, schema: Value) -> ToolManifest {
    let params = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .keys()
                .map(|k| InputParam::new(k, ParamLocation::Query))
                .collect()
        })
        .unwrap_or_default();
    let mut t = ToolManifest {
        name: name.to_owned(),
        operation_id: Some(name.to_owned()),
        method,
        path: path.to_owned(),
        tags: Vec::new(),
        summary: None,
        description: format!("{name} tool"),
        deprecated: false,
        servers: Vec::new(),
        security: Vec::new(),
        params,
        body: None,
        input_schema: schema,
        schema_hash: String::new(),
        wire_names: Default::default(),
        output_schema: None,
    };
    t.rehash();
    t
}

/// Puts `param` of `tool` at `location`.
pub fn locate(tool: &mut ToolManifest, param: &str, location: ParamLocation) {
    for p in tool.params.iter_mut().filter(|p| p.name == param) {
        p.location = location;
    }
}

/// A JSON request body (`required` as given), flattened or not.
pub fn body(required: bool, flattened: bool) -> Option<BodySpec> {
    Some(BodySpec {
        media_type: "application/json".to_owned(),
        required,
        flattened,
        encoding: Default::default(),
    })
}

/// A manifest holding `tools`.
pub fn manifest(version: &str, tools: Vec<ToolManifest>) -> Manifest {
    Manifest {
        title: "Test".to_owned(),
        version: version.to_owned(),
        openapi: "3.1.0".to_owned(),
        source_hash: String::new(),
        namespace: None,
        servers: Vec::new(),
        tools,
        ..Default::default()
    }
}

/// Re-hashes after a test edited the schema in place.
pub fn rehashed(mut t: ToolManifest) -> ToolManifest {
    t.rehash();
    t
}

/// Diffs two single-tool manifests.
pub fn diff_tools(old: ToolManifest, new: ToolManifest) -> super::ChangeReport {
    super::diff(&manifest("1", vec![old]), &manifest("2", vec![new]))
}

/// Diffs one tool's schema change (`properties` / `required` before and after).
pub fn diff_props(
    old: Value,
    old_req: &[&str],
    new: Value,
    new_req: &[&str],
) -> super::ChangeReport {
    diff_tools(
        tool("t", HttpMethod::Post, "/t", old, old_req),
        tool("t", HttpMethod::Post, "/t", new, new_req),
    )
}

/// `(kind, severity, pointer)` of every change, for compact assertions.
pub fn summary(
    report: &super::ChangeReport,
) -> Vec<(super::ChangeKind, super::ChangeSeverity, String)> {
    report
        .changes
        .iter()
        .map(|c| (c.kind, c.severity, c.pointer.clone().unwrap_or_default()))
        .collect()
}
