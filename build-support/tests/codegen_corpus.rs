//! Code generation over the shared corpus (`shared/specs`, read in place; skipped when
//! absent): every spec that loads and models generates code that parses as Rust, with no
//! generator errors. Prints per-spec line counts (the size budget) and generation time.
//!
//! `cargo test` runs a small sample; the whole corpus (about 5 minutes in the debug profile,
//! mostly the provider renderers) runs with `cargo test -p openapi-tools-build --test
//! codegen_corpus -- --ignored --nocapture`. Compiling every spec's output is CI's corpus script.

use std::path::PathBuf;
use std::time::Instant;

use openapi_tools_build::Diagnostics;
use openapi_tools_build::codegen::{CodegenSettings, generate, generate_pretty};
use openapi_tools_build::load::load_file;
use openapi_tools_build::model::{ModelOptions, build_manifest};

/// The corpus directory, or `None` after one skip line.
fn corpus_dir(what: &str) -> Option<PathBuf> {
    openapi_tools_test_support::corpus_or_skip(env!("CARGO_MANIFEST_DIR"), what)
}

/// Small specs covering 3.0, 3.1 and parameter styles.
const SAMPLE: &[&str] = &[
    "oai__petstore.yaml",
    "oai__petstore-expanded.yaml",
    "readme__parameters-style.3.1.yaml",
    "readme__petstore.3.1.yaml",
    "hsbc.com__product.json",
    "vtex.local__Search-API.json",
];

#[test]
fn corpus_sample_generates_code() {
    let Some(dir) = corpus_dir("codegen_corpus sample") else {
        return;
    };
    run(&SAMPLE
        .iter()
        .map(|f| dir.join(f))
        .filter(|p| p.is_file())
        .collect::<Vec<_>>());
}

#[test]
#[ignore = "whole corpus: about 5 minutes in the debug profile"]
fn corpus_generates_code() {
    let Some(dir) = corpus_dir("codegen_corpus") else {
        return;
    };
    run(&openapi_tools_test_support::spec_files(dir));
}

fn run(files: &[PathBuf]) {
    let mut failures = Vec::new();
    println!(
        "{:<45} {:>6} {:>6} {:>8} {:>9} {:>8}",
        "spec", "tools", "types", "lines", "gen ms", "warn"
    );
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        let mut diags = Diagnostics::new();
        let Some(loaded) = load_file(file, &mut diags) else {
            println!("{name:<45} (does not load)");
            continue;
        };
        let manifest = build_manifest(
            &loaded.openapi,
            &loaded.source_hash,
            &loaded.source_version,
            &ModelOptions::default(),
            &mut diags,
        );
        let start = Instant::now();
        let tokens = match generate(&manifest, &CodegenSettings::default()) {
            Ok(g) => g,
            Err(d) => {
                failures.push(format!(
                    "{name}: {:?}",
                    d.iter().map(ToString::to_string).collect::<Vec<_>>()
                ));
                continue;
            }
        };
        let gen_ms = start.elapsed().as_millis();
        let types = tokens.tokens.to_string().matches("pub struct ").count()
            + tokens.tokens.to_string().matches("pub enum ").count();
        match generate_pretty(&manifest, &CodegenSettings::default()) {
            Ok((code, warnings)) => println!(
                "{name:<45} {:>6} {:>6} {:>8} {:>9} {:>8}",
                manifest.tools.len(),
                types,
                code.lines().count(),
                gen_ms,
                warnings.len()
            ),
            Err(d) => failures.push(format!(
                "{name}: {:?}",
                d.iter().map(ToString::to_string).collect::<Vec<_>>()
            )),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
