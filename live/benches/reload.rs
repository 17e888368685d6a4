//! Edit-to-swap latency of a watched file on GitHub's spec (13 MB, 1,223 tools), and the memory
//! of 10 GitHub versions kept in history.
//!
//! Latency: GitHub's spec is copied to a temp dir and watched; each round rewrites it with a new
//! `info.version` (a real new version: new content hash) and waits for the registry's `Applied`
//! event. The time covers the file event, the debounce, load, normalise, model, diff, render
//! and swap. Goal: median <= 1 s. Memory: resident set size (Linux `/proc/self/statm`) before
//! the first install and after the 10th version is in history.
//!
//! `cargo bench -p openapi-tools-live --bench reload` (release build). Reads the corpus from
//! `OPENAPI_TOOLS_SHARED` or the nearest `shared/` beside an ancestor of this crate; prints one
//! skip line when it is absent. A plain timing loop: one round is a whole reload, too long for
//! criterion's sampling to add anything.

use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use openapi_tools_live::{LiveOptions, watch_file};
use openapi_tools_runtime::registry::{ChangeEvent, InstallReport, Registry};

const ROUNDS: usize = 10;
const LABEL: &str = "\"version\": \"23.0.2\"";

/// Resident set size in MiB (Linux); 0 elsewhere.
fn rss_mib() -> f64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<f64>().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1024.0 * 1024.0)
}

fn wait_applied(rx: &Receiver<ChangeEvent>, version: &str) -> Arc<InstallReport> {
    loop {
        match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(ChangeEvent::Applied(r)) if r.to.as_ref().is_some_and(|t| t.version == version) => {
                return r;
            }
            Ok(ChangeEvent::SourceRejected(r)) => panic!("refused: {r}"),
            Ok(_) => {}
            Err(e) => panic!("no install of {version}: {e}"),
        }
    }
}

fn main() {
    let Some(specs) = openapi_tools_test_support::corpus_or_skip(
        env!("CARGO_MANIFEST_DIR"),
        "the live reload bench",
    ) else {
        return;
    };
    let spec = specs.join("github__api.github.com.json");
    let text = std::fs::read_to_string(&spec).expect("read GitHub's spec");
    assert!(
        text.contains(LABEL),
        "GitHub's info.version changed: update LABEL"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("github.json");
    std::fs::write(&path, &text).expect("copy");

    let rss_before = rss_mib();
    let registry = Registry::new();
    let events = registry.subscribe();
    let started = Instant::now();
    let (_, watch) = watch_file(&registry, "github", &path, LiveOptions::default()).expect("watch");
    wait_applied(&events, "23.0.2");
    let first = started.elapsed();

    let mut latencies = Vec::with_capacity(ROUNDS);
    for round in 1..=ROUNDS {
        let version = format!("23.0.2-edit{round}");
        let edited = text.replacen(LABEL, &format!("\"version\": \"{version}\""), 1);
        let t = Instant::now();
        std::fs::write(&path, edited).expect("edit");
        wait_applied(&events, &version);
        latencies.push(t.elapsed());
    }
    let rss_after = rss_mib();
    let kept = registry.history("github").len();
    drop(watch);

    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = latencies[latencies.len() / 2];
    println!(
        "GitHub spec, {} tools, watched file, {ROUNDS} edits:",
        registry
            .snapshot()
            .set("github")
            .map_or(0, |s| s.tool_names().count())
    );
    println!("  first load + install        {:>8.0} ms", ms(first));
    println!(
        "  edit-to-swap  median {:>6.0} ms   min {:>6.0} ms   max {:>6.0} ms   (goal <= 1000 ms; includes 100 ms debounce)",
        ms(median),
        ms(latencies[0]),
        ms(latencies[latencies.len() - 1])
    );
    println!(
        "  RSS  before {:>7.1} MiB   with {kept} versions in history {:>7.1} MiB   (+{:.1} MiB)",
        rss_before,
        rss_after,
        rss_after - rss_before
    );
}
