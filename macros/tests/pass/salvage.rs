// A spec that loads only by salvaging (enum values whose JSON type differs from the declared
// `type`) still yields its tool without `strict`; `fail/strict_salvage.rs` makes the warnings
// errors.
openapi_tools::openapi_tools!(spec = "../fixtures/load/salvage_enum_type.yaml", strict = false);

fn main() {
    let names: Vec<&str> = Tools::SCHEMAS.iter().map(|(p, _)| *p).collect();
    assert!(names.contains(&"openai-chat"));
    let call = Call::parse("list_items", r#"{"code": "43", "size": 2}"#).unwrap();
    assert_eq!(call.tool(), "list_items");
    let request = call.request().unwrap();
    assert_eq!(request.path, "/items");
    // A coerced enum value is checked: 44 is not one of the declared codes.
    assert!(Call::parse("list_items", r#"{"code": "44"}"#).is_err());
}
