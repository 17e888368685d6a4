// `strict = true`: the warnings of a spec that loads only by salvaging (enum values whose JSON
// type differs from the declared `type`) become compile errors, each with its line and pointer.
// `pass/salvage.rs` compiles the same spec without `strict`.
openapi_tools::openapi_tools!(spec = "../fixtures/load/salvage_enum_type.yaml", strict = true);

fn main() {}
