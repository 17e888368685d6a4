//! Loads every document of the shared spec corpus (`../shared/specs` beside the workspace):
//! each must load without errors (warnings are fine and counted), and the operation counts of a
//! few must match what the corpus INDEX.md states. Skips with a message when the corpus is absent.

use std::path::{Path, PathBuf};
use std::time::Instant;

use openapi_tools_build::Diagnostics;
use openapi_tools_build::load::load_file;

/// `shared/specs` beside the workspace (`<clone>/../shared/specs` in CI); the nearest ancestor
/// holding one wins, so a worktree nested deeper finds the same corpus.
fn corpus() -> Option<PathBuf> {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .skip(2)
        .map(|a| a.join("shared/specs"))
        .find(|d| d.is_dir())
}

fn operations(api: &openapiv3::OpenAPI) -> usize {
    api.paths
        .iter()
        .filter_map(|(_, item)| item.as_item())
        .map(|item| item.iter().count())
        .sum()
}

#[test]
fn every_corpus_document_loads_without_errors() {
    let Some(dir) = corpus() else {
        println!("skipping: ../shared/specs not found");
        return;
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            )
        })
        .collect();
    entries.sort();
    assert!(!entries.is_empty());
    let mut failures = Vec::new();
    for path in &entries {
        let mut diags = Diagnostics::new();
        let start = Instant::now();
        let spec = load_file(path, &mut diags);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let ops = spec.as_ref().map_or(0, |s| operations(&s.openapi));
        println!(
            "{name}: {ops} operations, {} errors, {} warnings, {ms:.1} ms",
            diags.error_count(),
            diags.warning_count()
        );
        for d in diags.iter().take(3) {
            println!("    {d}");
        }
        if spec.is_none() || diags.has_errors() {
            failures.push(name.clone());
            for d in diags.iter().filter(|d| d.is_error()).take(10) {
                println!("  {d}");
            }
        }
        for d in diags.iter() {
            assert!(d.file.is_some(), "{name}: diagnostic without a file: {d}");
        }
        let expected = match name.as_str() {
            "oai__petstore.yaml" => Some(3),
            "oai__webhook-example.yaml" => Some(0),
            "github__api.github.com.json" => Some(1223),
            "stripe__spec3.yaml" => Some(468),
            "kubernetes.io.json" => Some(845),
            "openai__openapi.yaml" => Some(288),
            "vercel.com.json" => Some(113),
            "keycloak.local.json" => Some(281),
            _ => None,
        };
        if let Some(expected) = expected {
            assert_eq!(ops, expected, "{name}: operation count");
        }
    }
    assert!(failures.is_empty(), "documents with errors: {failures:?}");
}
