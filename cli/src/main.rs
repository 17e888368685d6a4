//! The `openapi-tools` command.
fn main() {}
