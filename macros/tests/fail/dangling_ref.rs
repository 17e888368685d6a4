// Both dangling references are reported in one compilation, each with its line and operation.
openapi_tools::openapi_tools!(spec = "tests/specs/dangling_ref.yaml");

fn main() {}
