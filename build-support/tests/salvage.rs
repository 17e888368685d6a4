//! Defects in parts of a document that do not shape tools degrade only that part: the document
//! still yields one tool per operation, and each defect is a warning naming its pointer
//! (fixtures in `fixtures/load/salvage_*.yaml`, each reduced from a real directory document).

use std::path::PathBuf;

use openapi_tools_build::Diagnostics;
use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline::{self, SpecOutput};
use serde_json::{Value, json};

fn run(name: &str) -> SpecOutput {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/load")
        .join(name);
    pipeline::manifest_from_file(&path, &ModelOptions::default())
}

/// Tool names, and the (pointer, message) of every warning; asserts there is no error.
fn tools_and_warnings(out: &SpecOutput) -> (Vec<String>, Vec<(String, String)>) {
    assert_eq!(out.diagnostics.error_count(), 0, "{:#?}", out.diagnostics);
    let tools = out
        .manifest
        .as_ref()
        .expect("a manifest")
        .tools
        .iter()
        .map(|t| t.name.clone())
        .collect();
    (tools, warnings(&out.diagnostics))
}

fn warnings(d: &Diagnostics) -> Vec<(String, String)> {
    d.iter()
        .filter(|d| !d.is_error())
        .map(|d| (d.pointer.clone(), d.message.clone()))
        .collect()
}

fn schema_of<'a>(out: &'a SpecOutput, tool: &str) -> &'a Value {
    let m = out.manifest.as_ref().expect("a manifest");
    &m.tools
        .iter()
        .find(|t| t.name == tool)
        .expect("the tool")
        .input_schema
}

#[test]
fn response_refs_to_the_wrong_component_kind() {
    let out = run("salvage_response_kind.yaml");
    let (tools, warns) = tools_and_warnings(&out);
    assert_eq!(tools, ["list_pets", "add_pet"]);
    assert_eq!(warns.len(), 2, "{warns:#?}");
    assert_eq!(
        warns[0].0,
        "/paths/~1pets/get/responses/200/content/application~1json/schema"
    );
    assert!(
        warns[0]
            .1
            .contains("names a response where a schema is expected; accepting any value")
    );
    assert_eq!(warns[1].0, "/paths/~1pets/get/responses/404");
    assert!(
        warns[1]
            .1
            .contains("names a schema where a response is expected")
    );
}

#[test]
fn callbacks_that_are_refs_or_point_nowhere_are_ignored() {
    let out = run("salvage_callback_ref.yaml");
    let (tools, warns) = tools_and_warnings(&out);
    assert_eq!(tools, ["subscribe", "ping"]);
    assert_eq!(warns.len(), 2, "{warns:#?}");
    assert!(
        warns[0]
            .0
            .starts_with("/paths/~1subscribe/post/callbacks/onEvent/")
    );
    assert!(
        warns[0]
            .1
            .contains("does not exist; callbacks are not used by tools")
    );
    assert!(
        warns[1]
            .0
            .starts_with("/paths/~1subscribe/post/callbacks/other")
    );
    assert!(warns[1].1.contains("callback `other` cannot be read"));
    assert_eq!(
        schema_of(&out, "subscribe")["required"],
        json!(["topic"]),
        "the operation keeps its parameters"
    );
}

#[test]
fn enum_values_of_another_type_are_converted_or_the_type_widened() {
    let out = run("salvage_enum_type.yaml");
    let (tools, warns) = tools_and_warnings(&out);
    assert_eq!(tools, ["list_items"]);
    let props = &schema_of(&out, "list_items")["properties"];
    assert_eq!(
        props["code"],
        json!({"type": "string", "enum": ["43", "169", "nonstandard"]})
    );
    assert_eq!(props["size"], json!({"type": "integer", "enum": [1, 2, 3]}));
    assert_eq!(
        props["flag"],
        json!({"type": "boolean", "enum": [true, false]})
    );
    assert_eq!(props["mixed"], json!({"enum": [1, "big"]}));
    let pointers: Vec<&str> = warns.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        pointers,
        (0..4)
            .map(|i| format!("/paths/~1items/get/parameters/{i}/schema/enum"))
            .collect::<Vec<_>>()
    );
    assert!(
        warns[0]
            .1
            .contains("enum values 43, 169 are not of the declared type `string`; converted")
    );
    assert!(warns[3].1.contains("the type is widened"));
}

#[test]
fn definitions_inside_a_schema_and_a_numeric_pattern() {
    let out = run("salvage_definitions.yaml");
    let (tools, warns) = tools_and_warnings(&out);
    assert_eq!(tools, ["create_item"]);
    let s = schema_of(&out, "create_item");
    assert_eq!(
        s["$defs"]["billItem"]["properties"]["code"],
        json!({"type": "string"})
    );
    assert_eq!(
        s["$defs"]["itemType"],
        json!({}),
        "not a schema: accepts anything"
    );
    assert_eq!(warns.len(), 2, "{warns:#?}");
    assert!(warns[0].1.contains("pattern 0 is not a string; ignored"));
    assert_eq!(warns[1].0, "/components/schemas/Item/definitions/itemType");
    assert!(
        warns[1]
            .1
            .contains("cannot be read and accepts anything instead")
    );
}

#[test]
fn refs_into_paths_that_do_not_exist_accept_anything() {
    let out = run("salvage_paths_ref.yaml");
    let (tools, warns) = tools_and_warnings(&out);
    assert_eq!(tools, ["post_a", "get_b"]);
    assert_eq!(schema_of(&out, "post_a")["properties"]["y"], json!({}));
    assert_eq!(
        warns[0].0,
        "/paths/~1a/post/requestBody/content/application~1json/schema/properties/y"
    );
    assert!(
        warns[0]
            .1
            .contains("does not exist; accepting any value here")
    );
}
