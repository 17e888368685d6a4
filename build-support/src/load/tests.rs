//! End-to-end rules of the loader, on the fixtures in `fixtures/load/`.

use std::path::PathBuf;

use openapiv3::{ReferenceOr, SchemaKind, Type};
use serde_json::{Value, json};

use super::*;
use crate::diagnostics::Severity;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/load")
        .join(name)
}

fn load(name: &str) -> (Option<LoadedSpec>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let spec = load_file(&fixture(name), &mut diags);
    (spec, diags)
}

/// The one diagnostic whose message contains `needle`.
fn find<'a>(diags: &'a Diagnostics, needle: &str) -> &'a Diagnostic {
    let hits: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.message.contains(needle))
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "expected one diagnostic containing {needle:?}, got {hits:#?}\nall: {diags:#?}"
    );
    hits[0]
}

fn all_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|v| all_refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| all_refs(v, out)),
        _ => {}
    }
}

#[test]
fn json_is_detected_by_content_not_by_file_name() {
    let (spec, diags) = load("json_content.yaml");
    assert!(diags.is_empty(), "{diags:#?}");
    let spec = spec.unwrap();
    assert_eq!(spec.sources.files[0].format, Format::Json);
    assert_eq!(spec.openapi.paths.paths.len(), 1);
    let bytes = std::fs::read(fixture("json_content.yaml")).unwrap();
    assert_eq!(
        spec.source_hash,
        openapi_tools_runtime::hash::bytes_hash(&bytes)
    );
    assert_eq!(spec.files, vec![fixture("json_content.yaml")]);
}

#[test]
fn parse_errors_name_file_line_and_column() {
    let (spec, diags) = load("broken.yaml");
    assert!(spec.is_none());
    let d = find(&diags, "cannot parse as YAML");
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.file.as_deref(), Some(fixture("broken.yaml").as_path()));
    assert_eq!((d.line, d.column), (Some(6), Some(18)));

    let mut diags = Diagnostics::new();
    assert!(
        load_str(
            "{\"openapi\": \"3.0.0\",\n \"info\": }",
            "inline.json",
            &mut diags
        )
        .is_none()
    );
    let d = find(&diags, "cannot parse as JSON");
    assert_eq!((d.line, d.column), (Some(2), Some(10)));
}

#[test]
fn swagger_2_is_refused_with_a_clear_error() {
    let (spec, diags) = load("swagger2.json");
    assert!(spec.is_none());
    let d = find(&diags, "Swagger 2.0 document");
    assert!(d.hint.as_deref().unwrap_or("").contains("convert"));
    assert_eq!(d.line, Some(1));
}

#[test]
fn documents_that_are_not_objects_or_lack_a_version_are_errors() {
    let mut diags = Diagnostics::new();
    assert!(load_str("- a\n- b\n", "list.yaml", &mut diags).is_none());
    find(&diags, "top level is a list");

    let mut diags = Diagnostics::new();
    let spec = load_str(
        "info: {title: t, version: '1'}\npaths: {}\n",
        "nover.yaml",
        &mut diags,
    );
    assert!(spec.is_some());
    let d = find(&diags, "no `openapi` version field");
    assert!(d.is_error());

    let mut diags = Diagnostics::new();
    load_str(
        "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        "v4.yaml",
        &mut diags,
    );
    let d = find(&diags, "unsupported OpenAPI version `4.0.0`");
    assert_eq!((d.line, d.column), (Some(1), Some(1)));
}

#[test]
fn openapi_31_is_normalised_to_the_30_shape() {
    let (spec, diags) = load("v31_features.yaml");
    let spec = spec.unwrap();
    assert!(!diags.has_errors(), "{diags:#?}");
    assert_eq!(spec.source_version, "3.1.0");
    let doc = &spec.document;
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(
        doc["info"]["description"],
        "Every 3.1 construct the loader normalises"
    );
    assert_eq!(doc["info"]["license"]["x-identifier"], "MIT");
    let item = &doc["components"]["schemas"]["Item"]["properties"];
    assert_eq!(
        item["name"],
        json!({"type": "string", "nullable": true, "example": "apple", "x-examples": ["apple", "pear"]})
    );
    assert_eq!(item["kind"], json!({"enum": ["fruit"]}));
    assert_eq!(
        item["size"],
        json!({"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer", "minimum": 0}]})
    );
    assert_eq!(
        item["owner"],
        json!({"description": "Who owns it", "allOf": [{"$ref": "#/components/schemas/Owner"}]})
    );
    assert_eq!(
        item["parent"],
        json!({"anyOf": [{"$ref": "#/components/schemas/Item"}], "nullable": true})
    );
    assert_eq!(
        item["pair"]["items"],
        json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
    );
    assert_eq!(
        item["labels"]["additionalProperties"],
        json!({"type": "string"})
    );
    assert_eq!(item["anything"], json!({}));
    assert_eq!(item["nothing"], json!({"not": {}}));
    // $defs hoisted into components, the reference rewritten.
    assert_eq!(item["tag"], json!({"$ref": "#/components/schemas/Tag"}));
    assert_eq!(
        doc["components"]["schemas"]["Tag"],
        json!({"type": "string", "maxLength": 10})
    );
    assert_eq!(
        doc["components"]["schemas"]["Upload"]["properties"]["data"]["format"],
        "byte"
    );
    let upload = &doc["paths"]["/uploads"]["post"]["requestBody"]["content"];
    assert_eq!(
        upload["application/octet-stream"]["schema"]["format"],
        "binary"
    );
    // Path item from components/pathItems, copied in place; numeric exclusiveMinimum.
    let id = &doc["paths"]["/items/{id}"]["get"]["parameters"][0]["schema"];
    assert_eq!(
        id,
        &json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
    );
    assert_eq!(spec.openapi.paths.paths.len(), 2);
    // Big integer bounds: i64 for openapiv3, with warnings.
    let Some(ReferenceOr::Item(schema)) = spec
        .openapi
        .components
        .as_ref()
        .unwrap()
        .schemas
        .get("Item")
    else {
        panic!("Item missing")
    };
    let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else {
        panic!("not an object")
    };
    let Some(ReferenceOr::Item(id)) = obj.properties.get("id") else {
        panic!()
    };
    let SchemaKind::Type(Type::Integer(int)) = &id.schema_kind else {
        panic!("{id:?}")
    };
    assert_eq!((int.minimum, int.maximum), (Some(i64::MIN), Some(i64::MAX)));
    let d = find(&diags, "beyond what a JSON number holds exactly");
    assert_eq!(d.pointer, "/components/schemas/Item/properties/id/minimum");
    assert_eq!((d.line, d.column), (Some(65), Some(11)));
    find(&diags, "exceeds the 64-bit range");
    // What cannot be carried over is a warning with its pointer, never a silent drop.
    let d = find(&diags, "tuple schemas");
    assert_eq!(
        d.pointer,
        "/components/schemas/Item/properties/pair/prefixItems"
    );
    assert_eq!(d.line, Some(85));
    find(&diags, "property-name patterns are not enforced");
    let d = find(
        &diags,
        "conditional subschemas (if/then/else) are not carried over; the schema",
    );
    assert_eq!(d.pointer, "/components/schemas/Owner/if");
    find(&diags, "dialect");
    let d = find(&diags, "webhooks describe requests");
    assert_eq!(d.line, Some(28));
    assert_eq!(diags.error_count(), 0);
}

#[test]
fn lenient_with_30_documents_in_the_wild() {
    let (spec, diags) = load("v30_quirks.json");
    let spec = spec.unwrap();
    assert!(!diags.has_errors(), "{diags:#?}");
    let doc = &spec.document;
    assert_eq!(doc["info"]["version"], "2");
    let path = &doc["paths"]["/things/{thingId}"];
    assert_eq!(path["parameters"][0]["required"], true);
    let d = find(&diags, "path parameters are always required");
    assert_eq!(d.operation, None);
    assert_eq!(d.line, Some(7));
    let params = &path["get"]["parameters"];
    assert_eq!(
        params[0]["schema"],
        json!({"type": "integer", "minimum": 1})
    );
    assert!(
        params[1].get("schema").is_none(),
        "content parameters stay as they are"
    );
    assert_eq!(params[2]["schema"], json!({"type": "string"}));
    let d = find(&diags, "has no `schema`; assumed a string");
    assert_eq!(d.operation.as_deref(), Some("getThing"));
    assert_eq!(path["get"]["responses"], json!({}));
    find(&diags, "no `responses` object");
    assert_eq!(path["put"]["responses"]["204"]["description"], "");
    let thing = &doc["components"]["schemas"]["Thing"];
    assert_eq!(thing["required"], json!(["name"]));
    assert_eq!(thing["properties"]["name"]["minLength"], 1);
    assert_eq!(
        thing["properties"]["count"],
        json!({"type": "integer", "minimum": 2, "exclusiveMaximum": true, "maximum": 100})
    );
    assert_eq!(
        thing["properties"]["ratio"],
        json!({"type": "number", "nullable": true})
    );
    assert_eq!(
        thing["properties"]["owner"],
        json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/Owner"}]})
    );
    assert_eq!(
        thing["properties"]["mode"],
        json!({"type": "string", "format": "binary"})
    );
    assert_eq!(
        doc["components"]["schemas"]["Owner"]["properties"]["id"]["enum"],
        json!([1, 2])
    );
    assert_eq!(spec.openapi.paths.paths.len(), 1);
}

#[test]
fn references_are_checked_chains_followed_cycles_and_missing_targets_reported() {
    let (spec, diags) = load("refs.yaml");
    let spec = spec.unwrap();
    let cycle = find(&diags, "reference cycle");
    assert!(
        cycle
            .message
            .contains("#/components/parameters/LoopB -> #/components/parameters/LoopA"),
        "{}",
        cycle.message
    );
    assert_eq!(cycle.operation.as_deref(), Some("listNodes"));
    assert_eq!(cycle.line, Some(9));
    let missing = find(&diags, "`#/components/parameters/Missing` does not exist");
    assert_eq!(missing.pointer, "/paths/~1nodes/get/parameters/2");
    assert_eq!((missing.line, missing.column), (Some(10), Some(11)));
    // Responses do not shape tools: a wrong-kind reference there is salvaged with a warning.
    let kind = find(&diags, "names a schema where a response is expected");
    assert_eq!(kind.pointer, "/paths/~1nodes/get/responses/default");
    assert_eq!(kind.severity, Severity::Warning);
    let remote = find(&diags, "remote reference");
    assert_eq!(remote.operation.as_deref(), Some("remote"));
    // Only those three: the Limit chain, the recursive Node schema and the alias are fine.
    assert_eq!(diags.error_count(), 3, "{diags:#?}");
    assert!(
        spec.openapi
            .components
            .as_ref()
            .unwrap()
            .schemas
            .contains_key("Node")
    );
}

#[test]
fn external_files_are_bundled_into_components_with_only_local_refs_left() {
    let (spec, diags) = load("split/main.yaml");
    let spec = spec.unwrap();
    let doc = &spec.document;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["Owner"]["type"], "string",
        "the main document's own Owner is kept"
    );
    assert_eq!(
        schemas["common_Owner"]["properties"]["best"]["$ref"],
        "#/components/schemas/common_Owner"
    );
    assert_eq!(
        schemas["common_Owner"]["properties"]["pets"]["items"]["$ref"],
        "#/components/schemas/pet"
    );
    assert_eq!(
        schemas["pet"]["properties"]["owner"]["$ref"],
        "#/components/schemas/common_Owner"
    );
    assert_eq!(
        schemas["pet"]["properties"]["name"],
        json!({"type": "string", "nullable": true})
    );
    assert_eq!(
        doc["components"]["parameters"]["OwnerId"]["name"],
        "ownerId"
    );
    let pets = &doc["paths"]["/pets"];
    assert_eq!(pets["get"]["operationId"], "listPets");
    assert_eq!(
        pets["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"],
        "#/components/schemas/pet"
    );
    let mut refs = Vec::new();
    all_refs(doc, &mut refs);
    let external: Vec<&String> = refs.iter().filter(|r| !r.starts_with('#')).collect();
    assert_eq!(
        external,
        [
            "../missing.yaml#/Pet",
            "../common.yaml#/components/responses/Nope"
        ]
    );
    // Problems in other files are located in those files.
    let d = find(&diags, "path parameters are always required");
    assert!(
        d.file.as_ref().unwrap().ends_with("split/common.yaml"),
        "{d}"
    );
    assert_eq!(d.pointer, "/components/parameters/OwnerId/required");
    assert_eq!(d.line, Some(3));
    let d = find(&diags, "cannot read");
    assert!(
        d.file.as_ref().unwrap().ends_with("split/paths/pets.yaml"),
        "{d}"
    );
    assert_eq!(
        d.pointer,
        "/post/requestBody/content/application~1json/schema"
    );
    assert_eq!(d.line, Some(17));
    assert_eq!(d.operation.as_deref(), Some("addPet"));
    let d = find(&diags, "has nothing at `#/components/responses/Nope`");
    assert_eq!(d.line, Some(20));
    assert_eq!(diags.error_count(), 2, "{diags:#?}");
    assert_eq!(spec.files.len(), 4);
    assert!(spec.files[0].ends_with("split/main.yaml"));
}

#[test]
fn unreadable_operations_and_components_are_skipped_not_the_document() {
    let (spec, diags) = load("bad_parts.yaml");
    let spec = spec.unwrap();
    let d = find(&diags, "operation skipped");
    assert_eq!(d.operation.as_deref(), Some("bad"));
    assert_eq!(d.pointer, "/paths/~1bad/get/parameters/0");
    assert_eq!(d.line, Some(13));
    // A component schema that cannot be read accepts anything: salvaged, so a warning.
    let d = find(&diags, "schema `Broken` cannot be read");
    assert_eq!(d.line, Some(25));
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(diags.error_count(), 1, "{diags:#?}");
    let ops: Vec<(String, &str)> = spec
        .openapi
        .paths
        .iter()
        .filter_map(|(p, i)| i.as_item().map(|i| (p, i)))
        .flat_map(|(p, i)| i.iter().map(move |(m, _)| (p.clone(), m)))
        .collect();
    assert_eq!(
        ops,
        [("/good".to_owned(), "get"), ("/bad".to_owned(), "post")]
    );
    let schemas = &spec.openapi.components.as_ref().unwrap().schemas;
    assert!(schemas.contains_key("Broken") && schemas.contains_key("Fine"));
}

#[test]
fn locate_maps_a_pointer_to_its_line() {
    let yaml = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n";
    let mut diags = Diagnostics::new();
    let spec = load_str(yaml, "inline.yaml", &mut diags).unwrap();
    let mut d = Diagnostic::warning("/paths/~1a/get/responses/200/description", "model says hi");
    spec.locate(&mut d);
    assert_eq!(d.file.as_deref(), Some(std::path::Path::new("inline.yaml")));
    assert_eq!((d.line, d.column), (Some(7), Some(17)));
    assert_eq!(d.operation.as_deref(), Some("GET /a"));
}

/// The pipeline locates the model's diagnostics after dropping the JSON document: operation
/// labels read from the typed document must be the ones the JSON document gives.
#[test]
fn typed_operation_labels_equal_json_ones() {
    let text = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
        "/a/{id}": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok"}}},
                    "post": {"responses": {"200": {"description": "ok"}}}},
        "/b~c": {"delete": {"operationId": "delB", "responses": {"200": {"description": "ok"}}}}}}"#;
    let mut diags = Diagnostics::new();
    let spec = load_str(text, "labels.json", &mut diags).unwrap();
    for ptr in [
        "/paths/~1a~1{id}/get/parameters/0",
        "/paths/~1a~1{id}/post",
        "/paths/~1a~1{id}/put",
        "/paths/~1b~0c/delete/responses",
        "/paths/~1missing/get",
        "/paths/~1a~1{id}/parameters",
        "/components/schemas/X",
    ] {
        let json = operation_of(Labels::Json(&spec.document), ptr);
        assert_eq!(
            operation_of(Labels::Typed(&spec.openapi), ptr),
            json,
            "{ptr}"
        );
    }
    assert_eq!(
        operation_of(Labels::Typed(&spec.openapi), "/paths/~1a~1{id}/post").as_deref(),
        Some("POST /a/{id}")
    );
    assert_eq!(
        operation_of(Labels::Typed(&spec.openapi), "/paths/~1b~0c/delete").as_deref(),
        Some("delB")
    );
}
