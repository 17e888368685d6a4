//! Generates the clinic's tools into `$OUT_DIR/clinic.rs` (included by `src/main.rs`).
//!
//! The lock file `tools.lock.json` (committed) holds the last manifest: a breaking change in
//! `specs/petclinic.yaml` fails this build, naming each change. Set `CLINIC_ALLOW_BREAKING=1`
//! once to accept one (the lock is then rewritten), or delete the lock file.

fn main() {
    println!("cargo:rerun-if-env-changed=CLINIC_ALLOW_BREAKING");
    let allow = std::env::var_os("CLINIC_ALLOW_BREAKING").is_some_and(|v| v == "1");
    let result = openapi_tools_build::Builder::new("specs/petclinic.yaml")
        // The staff login is not something a model should call.
        .exclude_tags(["admin"])
        .module("clinic")
        .toolset_name("Clinic")
        .lock_file("tools.lock.json")
        .deny_breaking(!allow)
        .generate();
    if result.is_err() {
        // The errors were printed (with file, line:column and pointer) by `generate`.
        std::process::exit(1);
    }
}
