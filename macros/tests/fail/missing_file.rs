openapi_tools::openapi_tools!("tests/specs/no_such_spec.yaml");

fn main() {}
