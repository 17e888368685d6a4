//! The facade's features pull only what they need: a run-time application
//! (`default-features = false`, features `live` and `http`) has no code generator in its tree.
//!
//! Runs `cargo tree` on this workspace (offline, from the lock file) and looks for the crates
//! that only code generation needs.

use std::process::Command;

/// Crates that only the code generator (macro, build.rs, CLI `generate`) needs.
const CODEGEN_ONLY: &[&str] = &["syn", "quote", "prettyplease", "proc-macro2"];

/// The normal-dependency tree of the facade with `features`, one crate name per line.
fn tree(features: &str, default_features: bool) -> Option<Vec<String>> {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "tree",
        "--offline",
        "-p",
        "openapi-tools",
        "-e",
        "normal",
        "--prefix",
        "none",
        "--format",
        "{lib}",
    ]);
    if !default_features {
        cmd.arg("--no-default-features");
    }
    if !features.is_empty() {
        cmd.args(["-F", features]);
    }
    let out = cmd.output().ok()?;
    if !out.status.success() {
        eprintln!(
            "skipped: `cargo tree` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| l.split_whitespace().next().unwrap_or("").to_owned())
            .collect(),
    )
}

#[test]
fn run_time_features_compile_no_code_generator() {
    let Some(run_time) = tree(RUN_TIME_FEATURES, false) else {
        return;
    };
    let found: Vec<&str> = CODEGEN_ONLY
        .iter()
        .copied()
        .filter(|c| run_time.iter().any(|l| l == &c.replace('-', "_")))
        .collect();
    assert!(
        found.is_empty(),
        "features `{RUN_TIME_FEATURES}` pull code-generator crates {found:?}"
    );
    assert!(
        run_time.iter().any(|l| l == "openapi_tools_runtime"),
        "the runtime is always in the tree"
    );

    // The check can fail: the default features (the macro) do pull them.
    let Some(default) = tree("", true) else {
        return;
    };
    for c in CODEGEN_ONLY {
        let lib = c.replace('-', "_");
        assert!(
            default.iter().any(|l| *l == lib),
            "the macro feature should pull {c}"
        );
    }
}

/// The features a run-time application picks.
const RUN_TIME_FEATURES: &str = "http";
