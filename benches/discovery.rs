//! Discovery: index build and query time on Microsoft Graph v1.0 (11,422 tools), and the
//! labelled task set's recall@1, recall@5 and MRR on every spec of the set.
//!
//! `cargo bench --bench discovery` (release). Specs are loaded once through the normal pipeline,
//! outside every timed part. Prints the quality table, then the query latency percentiles over
//! the set's queries (each run many times), then criterion's estimates for one index build and
//! one query. Needs the shared corpus (`OPENAPI_TOOLS_SHARED` or `../shared`); says so and stops
//! when it is absent. `DISCOVERY_BENCH_SPECS=github,stripe` limits the specs (skip Graph's slow
//! load while iterating). Held-out tasks (`held_out` in the fixture) get their own rows;
//! `DISCOVERY_MISSES=1` lists every task not found at rank 1 with the top three hits.

#[path = "support/discovery_eval.rs"]
mod eval;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use openapi_tools::runtime::discovery::ToolIndex;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let Some(shared) = eval::shared_dir() else {
        println!("skipping: shared corpus not found (set OPENAPI_TOOLS_SHARED)");
        return;
    };
    let set = eval::task_set();
    let only: Option<Vec<String>> = std::env::var("DISCOVERY_BENCH_SPECS")
        .ok()
        .map(|s| s.split(',').map(|x| x.trim().to_owned()).collect());
    let mut loaded = Vec::new();
    for (key, rel) in &set.specs {
        if only.as_ref().is_some_and(|o| !o.contains(key)) {
            continue;
        }
        let start = Instant::now();
        match eval::load(&shared, rel) {
            Ok(m) => {
                eprintln!(
                    "loaded {key}: {} tools in {:.1} s (pipeline, not timed below)",
                    m.tools.len(),
                    start.elapsed().as_secs_f64()
                );
                loaded.push((key.clone(), m));
            }
            Err(e) => println!("skipping {key}: {e}"),
        }
    }

    println!("\n{}", eval::header());
    let mut total = eval::Score::default();
    let mut indexes = Vec::new();
    for (key, manifest) in &loaded {
        let index = ToolIndex::from_manifest(manifest);
        let rows = eval::score_rows(&index, set.tasks.iter().filter(|t| &t.spec == key));
        for (row, score) in &rows {
            println!("{}", eval::row(row, score));
            total.merge(score);
        }
        indexes.push((key.clone(), manifest, index));
    }
    println!("{}", eval::row("all", &total));

    println!(
        "\n{:<12} {:>6} {:>10} {:>10} {:>10} {:>10}",
        "spec", "tools", "build ms", "query p50", "query p90", "query max"
    );
    for (key, manifest, index) in &indexes {
        let mut builds: Vec<Duration> = (0..5)
            .map(|_| {
                let t = Instant::now();
                black_box(ToolIndex::from_manifest(manifest));
                t.elapsed()
            })
            .collect();
        builds.sort();
        let queries: Vec<&str> = set
            .tasks
            .iter()
            .filter(|t| &t.spec == key)
            .map(|t| t.query.as_str())
            .collect();
        let mut times = Vec::new();
        for _ in 0..50 {
            for q in &queries {
                let t = Instant::now();
                black_box(index.search(q, 5));
                times.push(t.elapsed());
            }
        }
        times.sort();
        let pct = |p: usize| {
            times
                .get(times.len() * p / 100)
                .copied()
                .unwrap_or_default()
        };
        println!(
            "{:<12} {:>6} {:>10.1} {:>8.1}µs {:>8.1}µs {:>8.1}µs",
            key,
            manifest.tools.len(),
            builds[builds.len() / 2].as_secs_f64() * 1e3,
            pct(50).as_secs_f64() * 1e6,
            pct(90).as_secs_f64() * 1e6,
            times.last().copied().unwrap_or_default().as_secs_f64() * 1e6,
        );
    }

    let Some((key, manifest, index)) = indexes.iter().max_by_key(|(_, m, _)| m.tools.len()) else {
        return;
    };
    let mut c = Criterion::default().sample_size(10).configure_from_args();
    c.bench_function(&format!("discovery/build/{key}"), |b| {
        b.iter(|| ToolIndex::from_manifest(black_box(manifest)))
    });
    let query = set
        .tasks
        .iter()
        .find(|t| &t.spec == key)
        .map_or("list my calendar events", |t| t.query.as_str());
    let mut c = c.sample_size(100);
    c.bench_function(&format!("discovery/query/{key}"), |b| {
        b.iter(|| index.search(black_box(query), 5))
    });
    c.final_summary();
}
