//! Compile tests of `openapi_tools!`: generated code that compiles and runs, and the compile
//! errors (pinned in `fail/*.stderr`) for broken specs and arguments.
//!
//! One test function, one trybuild run: each run builds a crate, so they are kept few.
//! Spec paths in the cases are relative to this crate (`macros/`): the macro resolves them
//! against `OPENAPI_TOOLS_MACRO_BASE_DIR`, set here, because trybuild builds its crates under
//! `target/`.

// `std::env::set_var` is `unsafe` (edition 2024); it runs before any other thread starts.
#![allow(unsafe_code)]

#[test]
fn macro_cases() {
    // SAFETY: set before any thread of this test process reads the environment.
    unsafe {
        std::env::set_var("OPENAPI_TOOLS_MACRO_BASE_DIR", env!("CARGO_MANIFEST_DIR"));
    }
    let cases = trybuild::TestCases::new();
    cases.pass("tests/pass/*.rs");
    cases.compile_fail("tests/fail/*.rs");
}
