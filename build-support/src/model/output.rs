//! The output schema of an operation: what its success response body looks like, for MCP
//! `outputSchema` (clients validate `structuredContent` against it).
//!
//! The schema is that of the first 2xx response (lowest code, then `2XX`) with a JSON media
//! type, converted like input schemas (OpenAPI keywords lowered to JSON Schema 2020-12, shared
//! component schemas under `$defs`) but with the **wire property names** kept, since it
//! describes what the API sends rather than what the model writes. It is given only when it is
//! an object (MCP requires `type: object`) and the conversion was lossless: a schema the
//! converter had to approximate could make clients reject answers the API legitimately sends,
//! so such operations simply declare no output schema.
//!
//! Output schemas are built after every input schema, so the diagnostics of component schemas
//! shared with inputs are reported once, by the input conversion; the conversions done here
//! write into a scratch bag that only decides whether the schema is kept.

use indexmap::IndexMap;
use openapi_tools_runtime::render::schema_nodes;
use openapi_tools_runtime::request::is_json_media as is_json;
use openapiv3::{ReferenceOr, Response, StatusCode};
use serde_json::{Map, Value};

use super::operations::{OpIn, Shared};
use super::schema::{Cx, Node, finalize};
use crate::diagnostics::{Diagnostics, pointer_join};

/// `$ref` hops followed between responses before giving up.
const MAX_HOPS: usize = 16;

const COMPONENT_RESPONSES: &str = "#/components/responses/";

/// The output schema of `o`, or `None` (no JSON 2xx response, not an object, or lossy).
pub(crate) fn output_schema<'a>(o: &OpIn<'a>, shared: &mut Shared<'a>) -> Option<Value> {
    let (code, response) = success_response(o, shared.responses)?;
    let (media_type, media) = response
        .content
        .iter()
        .find(|(m, _)| is_json(m) && m.starts_with("application/json"))
        .or_else(|| response.content.iter().find(|(m, _)| is_json(m)))?;
    let schema = media.schema.as_ref()?;
    let pointer = [
        "/paths",
        o.path_key,
        o.method.key(),
        "responses",
        &code,
        "content",
        media_type,
        "schema",
    ]
    .iter()
    .fold(String::new(), |p, t| {
        if p.is_empty() {
            (*t).to_owned()
        } else {
            pointer_join(&p, t)
        }
    });
    let mut scratch = Diagnostics::new();
    let mut cx = Cx {
        diags: &mut scratch,
        operation: None,
    };
    let node: Node<'a> = schema.into();
    let wire = shared.schemas.wire_form(node, &pointer, &mut cx);
    let top = shared.schemas.inline_top_ref(wire, &mut scratch);
    let is_object = top.get("type").and_then(Value::as_str) == Some("object")
        || (top.get("type").is_none() && top.get("properties").is_some());
    if !is_object {
        return None;
    }
    let refs = finalize::refs(&top);
    let budget = shared.schema_budget;
    let used = schema_nodes(&top, budget);
    let closure = shared.schemas.closure(&refs, used, budget, &mut scratch);
    if scratch.iter().next().is_some() {
        return None;
    }
    let mut out = match top {
        Value::Object(m) => m,
        _ => return None,
    };
    out.insert("type".into(), Value::String("object".into()));
    if !closure.expanded.is_empty() || !closure.cut.is_empty() {
        let mut d = Map::new();
        for (name, def) in &closure.expanded {
            d.insert(name.clone(), def.wire_form.clone());
        }
        for (name, def) in &closure.cut {
            d.insert(name.clone(), shared.schemas.stub(name, def, budget));
        }
        d.sort_keys();
        out.insert("$defs".into(), Value::Object(d));
    }
    Some(Value::Object(out))
}

/// The first success response (lowest 2xx code, else `2XX`) with its status key, references
/// to `components/responses` followed.
fn success_response<'a>(
    o: &OpIn<'a>,
    components: Option<&'a IndexMap<String, ReferenceOr<Response>>>,
) -> Option<(String, &'a Response)> {
    let responses = &o.op.responses.responses;
    let mut codes: Vec<(&StatusCode, &ReferenceOr<Response>)> = responses
        .iter()
        .filter(|(c, _)| matches!(c, StatusCode::Code(200..=299)))
        .collect();
    codes.sort_by_key(|(c, _)| match c {
        StatusCode::Code(n) => *n,
        StatusCode::Range(_) => u16::MAX,
    });
    let (code, first) = codes.into_iter().next().or_else(|| {
        responses
            .iter()
            .find(|(c, _)| matches!(c, StatusCode::Range(2)))
    })?;
    let mut current = first;
    for _ in 0..MAX_HOPS {
        match current {
            ReferenceOr::Item(r) => return Some((code.to_string(), r)),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix(COMPONENT_RESPONSES)?;
                current = components?.get(name)?;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::model::{ModelOptions, build_manifest_for_test};

    fn spec(responses: serde_json::Value) -> serde_json::Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {"/pets/{id}": {"get": {
                "operationId": "getPet",
                "parameters": [{"name": "id", "in": "path", "required": true,
                                "schema": {"type": "integer"}}],
                "responses": responses
            }}},
            "components": {
                "schemas": {
                    "Pet": {"type": "object", "required": ["id"], "properties": {
                        "id": {"type": "integer"},
                        "hydra:member": {"type": "string", "nullable": true},
                        "owner": {"$ref": "#/components/schemas/Owner"}}},
                    "Owner": {"type": "object", "properties": {"name": {"type": "string"}}},
                    "Pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
                },
                "responses": {"PetOk": {"description": "ok", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}
            }
        })
    }

    fn output(responses: serde_json::Value) -> Option<serde_json::Value> {
        let opts = ModelOptions {
            output_schemas: true,
            ..ModelOptions::default()
        };
        build_manifest_for_test(&spec(responses), &opts)
            .tools
            .into_iter()
            .next()
            .unwrap()
            .output_schema
    }

    #[test]
    fn object_response_keeps_wire_names_and_defs() {
        let out = output(json!({"200": {"$ref": "#/components/responses/PetOk"}})).unwrap();
        assert_eq!(out["type"], "object");
        assert_eq!(out["required"], json!(["id"]));
        // The name the API sends, not a tool-facing rename.
        assert_eq!(
            out["properties"]["hydra:member"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(out["properties"]["owner"]["$ref"], "#/$defs/Owner");
        assert_eq!(
            out["$defs"]["Owner"]["properties"]["name"]["type"],
            "string"
        );
    }

    #[test]
    fn lowest_success_code_with_json_wins() {
        let out = output(json!({
            "default": {"description": "err", "content": {"application/json": {"schema":
                {"type": "object", "properties": {"error": {"type": "string"}}}}}},
            "201": {"description": "made", "content": {"application/problem+json": {"schema":
                {"type": "object", "properties": {"made": {"type": "boolean"}}}}}},
            "200": {"description": "ok", "content": {"text/plain": {"schema": {"type": "string"}}}}
        }));
        // 200 has no JSON body: no output schema rather than the 201 one.
        assert_eq!(out, None);
        let out = output(json!({
            "201": {"description": "made", "content": {"application/problem+json": {"schema":
                {"type": "object", "properties": {"made": {"type": "boolean"}}}}}}
        }))
        .unwrap();
        assert_eq!(out["properties"]["made"]["type"], "boolean");
    }

    #[test]
    fn arrays_and_bodiless_responses_declare_none() {
        let arr = json!({"200": {"description": "ok", "content": {"application/json":
            {"schema": {"$ref": "#/components/schemas/Pets"}}}}});
        assert_eq!(output(arr), None);
        assert_eq!(output(json!({"204": {"description": "gone"}})), None);
        assert_eq!(
            output(json!({"200": {"$ref": "#/components/responses/Missing"}})),
            None
        );
    }

    #[test]
    fn off_by_default() {
        let m = build_manifest_for_test(
            &spec(json!({"200": {"$ref": "#/components/responses/PetOk"}})),
            &ModelOptions::default(),
        );
        assert_eq!(m.tools[0].output_schema, None);
    }
}
