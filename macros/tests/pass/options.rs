// Selection, renaming, namespace, module, tool-set name and a direct runtime dependency.
openapi_tools::openapi_tools!(
    spec = "../fixtures/specs/petstore.yaml",
    tags = ["pets"],
    exclude_operations = ["deletePet"],
    namespace = "shop",
    rename = { "showPetById" = "get_pet", "POST /pets" = "add_pet" },
    runtime = "::openapi_tools_runtime",
    module = "pets",
    toolset = "PetTools",
);

use openapi_tools_runtime::toolset::ToolSet;

fn main() {
    let names: Vec<String> = pets::PetTools
        .manifest()
        .tools
        .iter()
        .map(|t| t.name.clone())
        .collect();
    assert_eq!(
        names,
        ["shop__list_pets", "shop__add_pet", "shop__get_pet", "shop__update_pet"]
    );
    let prepared = pets::PetTools
        .prepare("shop__add_pet", &serde_json::json!({"name": "Rex", "tag": null}))
        .unwrap();
    assert_eq!(prepared.request.path, "/pets");
    assert!(matches!(
        prepared.request.body,
        Some(openapi_tools_runtime::request::RequestBody::Json(ref body))
            if body == &serde_json::json!({"name": "Rex", "tag": null})
    ));
    // The store tag was not selected.
    assert!(pets::Call::parse("shop__place_order", "{}").is_err());
}
