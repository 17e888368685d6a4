// `tests/specs/petstore.lock.json` holds the manifest of an older petstore (`limit` up to 200,
// `quantity` optional): with deny_breaking the build fails naming each change
// and the lock file is left as it was.
openapi_tools::openapi_tools!(
    spec = "../fixtures/specs/petstore.yaml",
    lock_file = "tests/specs/petstore.lock.json",
    deny_breaking = true,
);

fn main() {}
