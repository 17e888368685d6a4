//! The facade's features pull only what they need: a run-time application
//! (`default-features = false`, features `live` and `http`) compiles no code generator.
//!
//! Runs `cargo tree` on this workspace (offline, from the lock file). serde and thiserror derive
//! through their own proc-macros, which use syn like every derive; what must be absent is the
//! code generator: prettyplease and the `openapi_tools!` macro anywhere, and syn, quote and
//! proc-macro2 outside proc-macros (`-e no-proc-macro`), i.e. in code the application links.

use std::process::Command;

/// The features a run-time application picks.
const RUN_TIME_FEATURES: &str = "live,http";

/// Absent from the whole normal tree.
const NEVER: &[&str] = &["prettyplease", "openapi_tools_macros"];
/// Absent once proc-macros' own dependencies are left out.
const NOT_LINKED: &[&str] = &["syn", "quote", "proc_macro2"];

/// The facade's dependency tree with `features` over `edges`, one library name per line.
fn tree(features: &str, default_features: bool, edges: &str) -> Option<Vec<String>> {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "tree",
        "--offline",
        "-p",
        "openapi-tools",
        "-e",
        edges,
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

fn present<'a>(tree: &[String], names: &[&'a str]) -> Vec<&'a str> {
    names
        .iter()
        .copied()
        .filter(|n| tree.iter().any(|l| l == n))
        .collect()
}

#[test]
fn run_time_features_compile_no_code_generator() {
    let (Some(all), Some(linked)) = (
        tree(RUN_TIME_FEATURES, false, "normal"),
        tree(RUN_TIME_FEATURES, false, "normal,no-proc-macro"),
    ) else {
        return;
    };
    assert_eq!(
        present(&all, NEVER),
        Vec::<&str>::new(),
        "{RUN_TIME_FEATURES}"
    );
    assert_eq!(
        present(&linked, NOT_LINKED),
        Vec::<&str>::new(),
        "{RUN_TIME_FEATURES}"
    );
    for needed in ["openapi_tools_runtime", "openapi_tools_live"] {
        assert!(all.iter().any(|l| l == needed), "{needed} missing");
    }

    // The check can fail: the default feature (the macro) pulls every one of them.
    let Some(default) = tree("", true, "normal") else {
        return;
    };
    assert_eq!(present(&default, NEVER), NEVER.to_vec());
    assert_eq!(present(&default, NOT_LINKED), NOT_LINKED.to_vec());
}

/// The embedding model's crates (candle, tokenizers) come only with the `semantic` feature.
#[test]
fn the_model_compiles_only_with_the_semantic_feature() {
    const MODEL: &[&str] = &["candle_core", "candle_transformers", "tokenizers"];
    let (Some(without), Some(with)) = (
        tree("live,http,mcp", true, "normal"),
        tree("semantic", true, "normal"),
    ) else {
        return;
    };
    assert_eq!(present(&without, MODEL), Vec::<&str>::new());
    assert_eq!(present(&with, MODEL), MODEL.to_vec());
}

/// The OpenTelemetry crates come only with the `otel` feature.
const OTEL: &[&str] = &[
    "opentelemetry",
    "opentelemetry_sdk",
    "opentelemetry_otlp",
    "opentelemetry_proto",
    "tracing_opentelemetry",
];

#[test]
fn opentelemetry_is_compiled_only_with_the_otel_feature() {
    let (Some(default), Some(everything_else)) = (
        tree("", true, "normal"),
        tree("macros,http,live,mcp", true, "normal"),
    ) else {
        return;
    };
    assert_eq!(present(&default, OTEL), Vec::<&str>::new(), "default");
    assert_eq!(
        present(&everything_else, OTEL),
        Vec::<&str>::new(),
        "macros,http,live,mcp"
    );
    // The check can fail: the feature pulls every one of them.
    let Some(otel) = tree("otel", true, "normal") else {
        return;
    };
    assert_eq!(present(&otel, OTEL), OTEL.to_vec());
}
