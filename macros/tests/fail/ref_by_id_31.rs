openapi_tools::openapi_tools!("tests/specs/ref_by_id.3.1.yaml");

fn main() {}
