//! Small manifests for the tool-set and registry tests (tests only).

use serde_json::{Map, json};

use crate::manifest::{HttpMethod, InputParam, Manifest, ParamLocation, ToolManifest};

/// A GET tool at `/{marker}/{name}/{id}` when `id` is a required property (a path parameter),
/// else `/{marker}/{name}` (an optional `id` goes in the query).
/// Properties are strings except `limit` (integer); the description carries the marker so
/// tests can tell versions apart.
pub fn tool(name: &str, marker: &str, props: &[&str], required: &[&str]) -> ToolManifest {
    let mut properties = Map::new();
    let mut params = Vec::new();
    for p in props {
        let ty = if *p == "limit" { "integer" } else { "string" };
        properties.insert((*p).to_owned(), json!({ "type": ty }));
        // A path parameter is always required; an optional `id` is a query parameter.
        let location = if *p == "id" && required.contains(p) {
            ParamLocation::Path
        } else {
            ParamLocation::Query
        };
        params.push(InputParam {
            required: required.contains(p),
            ..InputParam::new(*p, location)
        });
    }
    let input_schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    let path = if required.contains(&"id") {
        format!("/{marker}/{name}/{{id}}")
    } else {
        format!("/{marker}/{name}")
    };
    let mut t = ToolManifest {
        name: name.to_owned(),
        operation_id: Some(name.to_owned()),
        method: HttpMethod::Get,
        path,
        tags: Vec::new(),
        summary: None,
        description: format!("{name} ({marker})"),
        deprecated: false,
        servers: Vec::new(),
        security: Vec::new(),
        params,
        body: None,
        input_schema,
        schema_hash: String::new(),
        wire_names: Default::default(),
        output_schema: None,
    };
    t.rehash();
    t
}

/// A manifest with the given version string and tools.
pub fn manifest(version: &str, tools: Vec<ToolManifest>) -> Manifest {
    Manifest {
        title: "Test API".into(),
        version: version.into(),
        openapi: "3.1.0".into(),
        source_hash: crate::hash::bytes_hash(version.as_bytes()),
        namespace: None,
        servers: Vec::new(),
        tools,
        ..Default::default()
    }
}
