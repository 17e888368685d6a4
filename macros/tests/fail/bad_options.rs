// Every mistake in the arguments is reported at once, each at its own span.
openapi_tools::openapi_tools!(
    spec = "../fixtures/specs/petstore.yaml",
    tags = "pets",
    colour = "red",
    deny_breaking = "yes",
    runtime = "not a path",
);

fn main() {}
