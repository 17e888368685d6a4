//! Load + model + render (all five providers) for real specs: wall time and peak RSS.
//!
//! `cargo bench --bench pipeline` (release). Each spec runs in a fresh child process so that
//! peak RSS (VmHWM) belongs to that spec alone. Reads the shared corpus (`shared/specs`, found by
//! `openapi_tools_test_support`) when present, else the bundled fixtures. Set `PIPELINE_BENCH_SPECS` to a space-separated list of paths to choose.
//! Prints one row per spec: size, tools, median and best wall ms over the runs, median on-CPU ms
//! of the thread (robust to a loaded machine), peak RSS in MB, so the growth of time with the
//! number of operations can be read off the table.

use std::path::{Path, PathBuf};
use std::time::Instant;

use openapi_tools::runtime::render::{self, Provider, RenderOptions, ToolDef};
use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;

const RUNS: usize = 5;

fn main() {
    let header = format!(
        "{:<42} {:>6} {:>6} {:>10} {:>10} {:>10} {:>9}",
        "spec", "MB", "tools", "median ms", "min ms", "cpu ms", "peak MB"
    );
    openapi_tools_test_support::bench::main(&header, specs, child);
}

fn specs() -> Vec<PathBuf> {
    if let Ok(list) = std::env::var("PIPELINE_BENCH_SPECS") {
        return list.split_whitespace().map(PathBuf::from).collect();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = openapi_tools_test_support::corpus_or_skip(root, "the corpus in the pipeline bench")
        .unwrap_or_else(|| root.join("fixtures/specs"));
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir(&dir)
        .expect("read spec dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            )
        })
        .map(|p| (std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0), p))
        .collect();
    files.sort();
    files.into_iter().map(|(_, p)| p).collect()
}

/// One spec: RUNS full passes, then report median/min time and this process's peak RSS.
fn child(spec: &Path) {
    let mut times = Vec::with_capacity(RUNS);
    let mut cpu = Vec::with_capacity(RUNS);
    let mut tools = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let cpu_start = openapi_tools_test_support::bench::thread_cpu_ms();
        let out = pipeline::manifest_from_file(spec, &ModelOptions::default());
        let Some(manifest) = out.manifest else {
            eprintln!("{}: could not be loaded", spec.display());
            std::process::exit(1);
        };
        let opts = RenderOptions::default();
        let mut rendered = 0usize;
        for p in Provider::ALL {
            for t in &manifest.tools {
                let r = render::render(p, &ToolDef::from(t), &opts);
                rendered += usize::from(r.tool.is_object());
            }
        }
        std::hint::black_box(rendered);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        cpu.push(openapi_tools_test_support::bench::thread_cpu_ms() - cpu_start);
        tools = manifest.tools.len();
    }
    times.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    let size = std::fs::metadata(spec).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!(
        "{:<42} {:>6.1} {:>6} {:>10.1} {:>10.1} {:>10.1} {:>9.0}",
        spec.file_name().unwrap_or_default().to_string_lossy(),
        size,
        tools,
        times[times.len() / 2],
        times[0],
        cpu[cpu.len() / 2],
        openapi_tools_test_support::bench::peak_rss_mb()
    );
}
