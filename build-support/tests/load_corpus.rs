//! Loads every document of the shared spec corpus (`shared/specs`, found by
//! `openapi_tools_test_support`):
//! each must load without errors (warnings are fine and counted), and the operation counts of a
//! few must match what the corpus INDEX.md states. Skips with a message when the corpus is absent.

use std::time::Instant;

use openapi_tools_build::Diagnostics;
use openapi_tools_build::load::load_file;

fn operations(api: &openapiv3::OpenAPI) -> usize {
    api.paths
        .iter()
        .filter_map(|(_, item)| item.as_item())
        .map(|item| item.iter().count())
        .sum()
}

#[test]
fn every_corpus_document_loads_without_errors() {
    let crate_dir = env!("CARGO_MANIFEST_DIR");
    let Some(dir) = openapi_tools_test_support::corpus_or_skip(crate_dir, "load_corpus") else {
        return;
    };
    let entries = openapi_tools_test_support::spec_files(dir);
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
