//! The model over the shared corpus (`shared/specs`, read in place; skipped when absent).
//!
//! Documents are parsed straight into `openapiv3` here (YAML or JSON by content), without the
//! loader's 3.1 normalisation: a document that does not parse that way is reported and skipped
//! (until the loader lands, that is some 3.1 documents).

mod model_support;

use std::path::PathBuf;
use std::time::Instant;

use openapi_tools_build::Diagnostics;
use openapi_tools_build::model::{ModelOptions, build_manifest};
use serde_json::Value;

/// The corpus directory, or `None` after one skip line.
fn corpus_dir(what: &str) -> Option<PathBuf> {
    openapi_tools_test_support::corpus_or_skip(env!("CARGO_MANIFEST_DIR"), what)
}

fn parse(bytes: &[u8]) -> Result<(Value, openapiv3::OpenAPI), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| e.to_string())?;
    let value: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| e.to_string())?
    } else {
        yaml_serde::from_str(text).map_err(|e| e.to_string())?
    };
    let spec = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    Ok((value, spec))
}

fn run_corpus() {
    let Some(dir) = corpus_dir("model_corpus") else {
        return;
    };
    let mut files = openapi_tools_test_support::spec_files(dir);
    // MODEL_CORPUS_ONLY=<file name part> restricts the run (for profiling one document).
    if let Ok(only) = std::env::var("MODEL_CORPUS_ONLY") {
        files.retain(|f| f.to_string_lossy().contains(&only));
    }
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(file).unwrap();
        let (raw, spec) = match parse(&bytes) {
            Ok(parsed) => parsed,
            Err(e) => {
                skipped.push(format!("{name}: {e}"));
                continue;
            }
        };
        // MODEL_CORPUS_REPEAT=n builds each manifest n times and reports the fastest run
        // (timings on a shared machine are noisy).
        let repeat: usize = std::env::var("MODEL_CORPUS_REPEAT")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(1)
            .max(1);
        let mut elapsed = std::time::Duration::MAX;
        let mut built = None;
        for _ in 0..repeat {
            let mut diags = Diagnostics::new();
            let start = Instant::now();
            let m = build_manifest(&spec, "", "", &ModelOptions::default(), &mut diags);
            elapsed = elapsed.min(start.elapsed());
            built = Some((m, diags));
        }
        let Some((m, diags)) = built else {
            continue;
        };
        let expected = model_support::count_operations(&raw);
        let problems = model_support::check_manifest(&m);
        let defs: usize = m
            .tools
            .iter()
            .filter_map(|t| t.input_schema.get("$defs").and_then(Value::as_object))
            .map(|d| d.len())
            .sum();
        println!(
            "{name}: {} tools (expected {expected}), {} warnings, {} errors, {defs} $defs \
             entries in total, model {:.1} ms",
            m.tools.len(),
            diags.warning_count(),
            diags.error_count(),
            elapsed.as_secs_f64() * 1000.0
        );
        // MODEL_CORPUS_VERBOSE=<file name part> prints that document's diagnostics.
        if std::env::var("MODEL_CORPUS_VERBOSE").is_ok_and(|v| name.contains(&v)) {
            for d in &diags {
                println!("  {d}");
            }
        }
        if m.tools.len() != expected {
            failures.push(format!(
                "{name}: {} tools, expected {expected}",
                m.tools.len()
            ));
        }
        for p in problems.iter().take(20) {
            failures.push(format!("{name}: {p}"));
        }
        if problems.len() > 20 {
            failures.push(format!("{name}: ... {} problems in total", problems.len()));
        }
    }
    for s in &skipped {
        println!("not parsed without the loader's normalisation (skipped): {s}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_operation_gets_a_valid_tool() {
    // Parsing deeply nested documents through openapiv3's derived deserialisers needs more
    // stack than a test thread has in debug builds.
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(run_corpus)
        .unwrap()
        .join()
        .unwrap();
}
