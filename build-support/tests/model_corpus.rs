//! The model over the shared corpus (`../shared/specs`, read in place; skipped when absent).
//!
//! Documents are parsed straight into `openapiv3` here (YAML or JSON by content), without the
//! loader's 3.1 normalisation: a document that does not parse that way is reported and skipped
//! (until the loader lands, that is some 3.1 documents).

mod model_support;

use std::path::{Path, PathBuf};
use std::time::Instant;

use openapi_tools_build::Diagnostics;
use openapi_tools_build::model::{ModelOptions, build_manifest};
use serde_json::Value;

/// `<crate>/../../shared/specs` (a clone with `../shared` beside it), or the nearest
/// `shared/specs` further up (worktrees nested one level deeper).
fn corpus_dir() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .ancestors()
        .skip(2)
        .map(|dir| dir.join("shared/specs"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| crate_dir.join("../../shared/specs"))
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
    let dir = corpus_dir();
    if !dir.is_dir() {
        println!("skipping: ../shared/specs not found ({})", dir.display());
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
        })
        .collect();
    files.sort();
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
        let mut diags = Diagnostics::new();
        let start = Instant::now();
        let m = build_manifest(&spec, "", "", &ModelOptions::default(), &mut diags);
        let elapsed = start.elapsed();
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
            failures.push(format!("{name}: {} tools, expected {expected}", m.tools.len()));
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
