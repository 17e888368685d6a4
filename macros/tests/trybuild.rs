//! Compile tests of `openapi_tools!`: generated code that compiles and runs, and the compile
//! errors (pinned in `fail/*.stderr`) for broken specs and arguments.
//!
//! One test function, one trybuild run: each run builds a crate, so they are kept few.
//! Spec paths in the cases are relative to this crate (`macros/`): the macro resolves them
//! against `OPENAPI_TOOLS_MACRO_BASE_DIR`, set here, because trybuild builds its crates under
//! `target/`.

use std::process::Command;

/// Where the cases' spec paths are relative to.
const BASE_DIR_VAR: &str = "OPENAPI_TOOLS_MACRO_BASE_DIR";

#[test]
fn macro_cases() {
    // trybuild's cargo inherits this process's environment. Setting a variable in a running
    // test process (`set_var`) is `unsafe`, which the workspace forbids, so the test runs
    // itself again as a child process with the variable set, and the child runs the cases.
    if std::env::var_os(BASE_DIR_VAR).as_deref() != Some(env!("CARGO_MANIFEST_DIR").as_ref()) {
        let exe = std::env::current_exe().expect("the test binary's path");
        let out = Command::new(exe)
            .args(["macro_cases", "--exact", "--nocapture", "--test-threads=1"])
            .env(BASE_DIR_VAR, env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("the test binary runs again");
        assert!(
            out.status.success(),
            "trybuild cases failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // The child ran exactly one test: a filter that matched nothing would also succeed.
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("1 passed"), "{stdout}");
        return;
    }
    let cases = trybuild::TestCases::new();
    cases.pass("tests/pass/*.rs");
    cases.compile_fail("tests/fail/*.rs");
}
