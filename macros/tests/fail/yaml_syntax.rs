openapi_tools::openapi_tools!("tests/specs/broken.yaml");

fn main() {}
