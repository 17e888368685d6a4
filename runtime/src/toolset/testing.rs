//! Test doubles for the seams (tests only): a renderer that echoes what it was given, a
//! top-level-only argument checker and a path/query request builder. They let the registry
//! and round-trip tests run without the real render/validate/request modules, and make every
//! output traceable to its input.

use serde_json::{Map, Value, json};

use super::seams::{
    ArgProblem, ArgsChecker, HttpRequest, Provider, Renderer, RequestBody, ToolBackend,
};
use crate::manifest::{HttpMethod, InputParam, Manifest, ParamLocation, ToolManifest};

/// Renders `{"provider", "name", "description", "parameters"}`.
pub struct TestRenderer;

impl Renderer for TestRenderer {
    fn render(&self, provider: Provider, tool: &ToolManifest, name: &str) -> Value {
        json!({
            "provider": format!("{provider:?}"),
            "name": name,
            "description": tool.description,
            "parameters": tool.input_schema,
        })
    }
}

/// Checks the top level only: object, required properties, no unknown properties, and the
/// `type` of each property (`string`, `integer`, `boolean`).
pub struct TopLevelChecker {
    schema: Value,
}

impl ArgsChecker for TopLevelChecker {
    fn check(&self, args: &Value) -> Vec<ArgProblem> {
        let problem = |pointer: String, message: &str| ArgProblem {
            pointer,
            message: message.to_owned(),
        };
        let Some(obj) = args.as_object() else {
            return vec![problem(String::new(), "expected an object")];
        };
        let empty = Map::new();
        let props = self.schema["properties"].as_object().unwrap_or(&empty);
        let mut out = Vec::new();
        for req in self.schema["required"].as_array().into_iter().flatten() {
            if let Some(r) = req.as_str().filter(|r| !obj.contains_key(*r)) {
                out.push(problem(format!("/{r}"), "required property is missing"));
            }
        }
        for (k, v) in obj {
            let ok = match props.get(k).and_then(|p| p["type"].as_str()) {
                None => {
                    out.push(problem(format!("/{k}"), "unknown property"));
                    continue;
                }
                Some("string") => v.is_string(),
                Some("integer") => v.is_i64() || v.is_u64(),
                Some("boolean") => v.is_boolean(),
                Some(_) => true,
            };
            if !ok {
                out.push(problem(format!("/{k}"), "wrong type"));
            }
        }
        out
    }
}

/// Compiles [`TopLevelChecker`]s and builds requests by substituting path parameters, putting
/// body properties in a JSON object body and appending the rest as query pairs.
pub struct TestBackend;

impl ToolBackend for TestBackend {
    fn checker(&self, tool: &ToolManifest) -> Box<dyn ArgsChecker> {
        Box::new(TopLevelChecker {
            schema: tool.input_schema.clone(),
        })
    }

    fn build_request(
        &self,
        tool: &ToolManifest,
        args: &Map<String, Value>,
    ) -> Result<HttpRequest, Vec<ArgProblem>> {
        let mut path = tool.path.clone();
        let mut query = Vec::new();
        let mut body = Map::new();
        for p in &tool.params {
            let Some(v) = args.get(&p.name) else { continue };
            let text = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            match p.location {
                ParamLocation::Path => path = path.replace(&format!("{{{}}}", p.wire_name), &text),
                ParamLocation::BodyProperty | ParamLocation::Body => {
                    body.insert(p.wire_name.clone(), v.clone());
                }
                ParamLocation::Reason => {}
                _ => query.push((p.wire_name.clone(), text)),
            }
        }
        Ok(HttpRequest {
            method: tool.method,
            path,
            query,
            headers: Vec::new(),
            body: tool
                .body
                .as_ref()
                .map(|_| RequestBody::Json(Value::Object(body))),
        })
    }
}

/// A GET tool at `/{marker}/{name}/{id}` when `id` is a property, else `/{marker}/{name}`.
/// Properties are strings except `limit` (integer); the description carries the marker so
/// tests can tell versions apart.
pub fn tool(name: &str, marker: &str, props: &[&str], required: &[&str]) -> ToolManifest {
    let mut properties = Map::new();
    let mut params = Vec::new();
    for p in props {
        let ty = if *p == "limit" { "integer" } else { "string" };
        properties.insert((*p).to_owned(), json!({ "type": ty }));
        let location = if *p == "id" {
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
    let path = if props.contains(&"id") {
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
