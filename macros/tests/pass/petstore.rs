// The plain form on the shared petstore fixture, through the `openapi-tools` facade (the
// default runtime path): typed parsing, every problem of a bad call, the HTTP request.
mod petstore {
    openapi_tools::openapi_tools!("../fixtures/specs/petstore.yaml");
}

use petstore::ToolArgs;

fn main() {
    let args = petstore::ListPetsArgs::parse(r#"{"limit": 5, "status": ["available", "sold"]}"#)
        .unwrap();
    assert_eq!(args.limit, Some(5));
    let request = args.request().unwrap();
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.path_and_query(), "/pets?limit=5&status=available,sold");

    let errors = petstore::PlaceOrderArgs::parse(r#"{"petId": "x", "quantity": 11, "extra": 1}"#)
        .unwrap_err();
    let pointers: Vec<&str> = errors.problems.iter().map(|p| p.pointer.as_str()).collect();
    assert_eq!(pointers, ["/petId", "/quantity", "/"], "{errors}");

    let call = petstore::Call::parse("show_pet_by_id", r#"{"petId": 7}"#).unwrap();
    assert_eq!(call.tool(), "show_pet_by_id");
    assert_eq!(call.request().unwrap().path, "/pets/7");
    assert!(petstore::Call::parse("feed_pet", "{}").is_err());

    let tools: serde_json::Value =
        serde_json::from_str(petstore::Tools::schemas("anthropic").unwrap()).unwrap();
    assert_eq!(tools.as_array().unwrap().len(), 6);
}
