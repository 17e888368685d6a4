//! The front half alone, stage by stage: spec file -> loaded document -> manifest, for the
//! largest real specs (Microsoft Graph, DocuSign, GitHub, ...).
//!
//! `cargo bench -p openapi-tools-build --bench frontend` (release). Each spec runs in a fresh
//! child process, so its peak RSS (VmHWM) is its own. Per spec, over the runs, the least
//! on-CPU milliseconds of the thread (the most robust figure on a machine other work loads) of:
//!
//! - `load`: read, parse, bundle, normalise, check references, typed read ([`load::load_file`]);
//! - `model`: [`model::build_manifest`] with input schemas only (what `schemas` and `manifest`
//!   need);
//! - `serve`: the model with output schemas too (what `serve` builds);
//! - `drop`: freeing the loaded document and the manifest;
//! - `total`: `load + model` as [`pipeline::manifest_from_file`] runs it (wall ms, least).
//!
//! Specs: `FRONTEND_BENCH_SPECS` (space-separated paths), else every document of
//! `shared/specs-large` and the five largest of `shared/specs`, else the bundled fixtures.
//! `FRONTEND_BENCH_RUNS` sets the runs per spec (default 7).

use std::path::{Path, PathBuf};
use std::time::Instant;

use openapi_tools_build::Diagnostics;
use openapi_tools_build::load;
use openapi_tools_build::model::{self, ModelOptions};
use openapi_tools_build::pipeline;
use openapi_tools_test_support::bench;

fn main() {
    let header = format!(
        "{:<38} {:>6} {:>6} {:>8} {:>8} {:>8} {:>8} {:>9} {:>8}",
        "spec", "MB", "tools", "load ms", "model ms", "serve ms", "drop ms", "total ms", "peak MB"
    );
    bench::main(&header, specs, child);
}

fn specs() -> Vec<PathBuf> {
    if let Ok(list) = std::env::var("FRONTEND_BENCH_SPECS") {
        return list.split_whitespace().map(PathBuf::from).collect();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Some(shared) = openapi_tools_test_support::shared_dir(root) else {
        openapi_tools_test_support::skip(&openapi_tools_test_support::skip_line(
            "the corpus in the frontend bench (bundled fixtures measured instead)",
        ));
        return openapi_tools_test_support::spec_files(root.join("../fixtures/load"));
    };
    let mut out = Vec::new();
    let large = shared.join("specs-large");
    if large.is_dir() {
        out.extend(openapi_tools_test_support::spec_files(large));
    }
    let mut corpus: Vec<(u64, PathBuf)> =
        openapi_tools_test_support::spec_files(shared.join("specs"))
            .into_iter()
            .map(|p| (std::fs::metadata(&p).map_or(0, |m| m.len()), p))
            .collect();
    corpus.sort();
    out.extend(corpus.into_iter().rev().take(5).map(|(_, p)| p));
    out
}

fn runs() -> usize {
    std::env::var("FRONTEND_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7)
}

/// One spec: the stages timed `runs()` times; prints one row of the least times.
fn child(spec: &Path) {
    let inputs_only = ModelOptions::default();
    let with_outputs = ModelOptions {
        output_schemas: true,
        ..ModelOptions::default()
    };
    let (mut load_ms, mut model_ms, mut out_ms, mut drop_ms, mut total_ms) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut tools = 0;
    for _ in 0..runs() {
        let start = bench::thread_cpu_ms();
        let mut diags = Diagnostics::new();
        let Some(spec_doc) = load::load_file(spec, &mut diags) else {
            eprintln!("{}: could not be loaded", spec.display());
            std::process::exit(1);
        };
        let loaded = bench::thread_cpu_ms();
        let m = model::build_manifest(&spec_doc.openapi, "", "", &inputs_only, &mut diags);
        let modelled = bench::thread_cpu_ms();
        let full = model::build_manifest(&spec_doc.openapi, "", "", &with_outputs, &mut diags);
        let with_out = bench::thread_cpu_ms();
        tools = m.tools.len();
        drop((spec_doc, m, full, diags));
        let dropped = bench::thread_cpu_ms();
        load_ms.push(loaded - start);
        model_ms.push(modelled - loaded);
        out_ms.push(with_out - modelled);
        drop_ms.push(dropped - with_out);

        let wall = Instant::now();
        let out = pipeline::manifest_from_file(spec, &inputs_only);
        total_ms.push(wall.elapsed().as_secs_f64() * 1000.0);
        drop(out);
    }
    let size = std::fs::metadata(spec).map_or(0, |m| m.len()) as f64 / 1e6;
    println!(
        "{:<38} {:>6.1} {:>6} {:>8.1} {:>8.1} {:>8.1} {:>8.1} {:>9.1} {:>8.0}",
        spec.file_name().unwrap_or_default().to_string_lossy(),
        size,
        tools,
        least(load_ms),
        least(model_ms),
        least(out_ms),
        least(drop_ms),
        least(total_ms),
        bench::peak_rss_mb()
    );
}

fn least(v: Vec<f64>) -> f64 {
    v.into_iter().min_by(f64::total_cmp).unwrap_or(f64::NAN)
}
