//! Whole manifests of the model fixtures (`fixtures/model/*.yaml`), snapshotted and reviewed,
//! plus the invariants every manifest must satisfy and a few targeted checks.

mod model_support;

use std::path::Path;

use openapi_tools_build::Diagnostics;
use openapi_tools_build::model::{ModelOptions, build_manifest};
use openapi_tools_runtime::manifest::{Manifest, ParamLocation};

fn fixture(name: &str) -> openapiv3::OpenAPI {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/model")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    yaml_serde::from_str(&text).unwrap()
}

fn build(name: &str, opts: &ModelOptions) -> (Manifest, Vec<String>) {
    let spec = fixture(name);
    let mut diags = Diagnostics::new();
    let m = build_manifest(&spec, "test-hash", "", opts, &mut diags);
    let problems = model_support::check_manifest(&m);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    (m, diags.iter().map(ToString::to_string).collect())
}

#[test]
fn petstore_manifest() {
    let (m, diags) = build("petstore.yaml", &ModelOptions::default());
    insta::assert_json_snapshot!("petstore_manifest", m);
    insta::assert_json_snapshot!("petstore_diagnostics", diags);
}

#[test]
fn names_manifest() {
    let (m, diags) = build("names.yaml", &ModelOptions::default());
    insta::assert_json_snapshot!("names_manifest", m);
    insta::assert_json_snapshot!("names_diagnostics", diags);
}

#[test]
fn bodies_manifest() {
    let (m, diags) = build("bodies.yaml", &ModelOptions::default());
    insta::assert_json_snapshot!("bodies_manifest", m);
    insta::assert_json_snapshot!("bodies_diagnostics", diags);
}

#[test]
fn building_twice_gives_the_same_manifest() {
    let (a, _) = build("names.yaml", &ModelOptions::default());
    let (b, _) = build("names.yaml", &ModelOptions::default());
    assert_eq!(a, b);
}

#[test]
fn selection_never_renames_the_remaining_tools() {
    let (all, _) = build("names.yaml", &ModelOptions::default());
    let opts = ModelOptions {
        exclude_paths: vec!["/automations/*".into()],
        ..Default::default()
    };
    let (some, _) = build("names.yaml", &opts);
    assert_eq!(some.tools.len(), all.tools.len() - 1);
    for t in &some.tools {
        assert!(all.tool(&t.name).is_some(), "{} was renamed", t.name);
    }
}

#[test]
fn tags_and_operations_select_tools() {
    let opts = ModelOptions {
        include_tags: vec!["pets".into()],
        exclude_operations: vec!["deletePet".into()],
        ..Default::default()
    };
    let (m, _) = build("petstore.yaml", &opts);
    let names: Vec<&str> = m.tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["list_pets", "create_pet", "get_pet_by_id"]);
}

#[test]
fn namespace_and_overrides_apply() {
    let mut opts = ModelOptions {
        namespace: Some("Pet Store".into()),
        ..Default::default()
    };
    opts.name_overrides
        .insert("listPets".into(), "pets_list".into());
    opts.name_overrides
        .insert("DELETE /pets/{petId}".into(), "pets_remove".into());
    let (m, _) = build("petstore.yaml", &opts);
    assert_eq!(m.namespace.as_deref(), Some("pet_store"));
    assert_eq!(m.tools[0].name, "pet_store__pets_list");
    assert_eq!(m.tools[0].operation_id.as_deref(), Some("listPets"));
    assert!(m.tool("pet_store__pets_remove").is_some());
    assert!(m.tool("pet_store__create_pet").is_some());
}

#[test]
fn path_level_parameters_merge_with_the_operation_winning() {
    let (m, _) = build("petstore.yaml", &ModelOptions::default());
    let get = m.tool("get_pet_by_id").unwrap();
    let names: Vec<&str> = get.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["petId", "verbose"]);
    assert_eq!(get.input_schema["properties"]["petId"]["type"], "integer");
    let delete = m.tool("delete_pet").unwrap();
    assert_eq!(delete.input_schema["properties"]["petId"]["type"], "string");
}

#[test]
fn body_clashing_with_a_parameter_is_not_flattened() {
    let (m, _) = build("bodies.yaml", &ModelOptions::default());
    let t = m.tool("patch_shape").unwrap();
    assert!(!t.body.as_ref().unwrap().flattened);
    let body = t.param("body").unwrap();
    assert_eq!(body.location, ParamLocation::Body);
    assert_eq!(t.param("name").unwrap().location, ParamLocation::Path);
}
