//! What a store costs (#23), in one run so the numbers compare:
//!
//! - **install throughput**: versions of GitHub's spec (1,100 tools, one description changed
//!   per version) installed into a registry in memory, with SQLite, and with PostgreSQL;
//! - **start-up**: today's start (load GitHub's spec into a registry) against a start that
//!   restores a store holding 1,000 versions of it (`serve --store` with no spec), and one
//!   that restores it and offers the spec again (`serve --store SPEC`, already live);
//! - **propagation** (PostgreSQL): an install on one replica until the registries of two
//!   others have applied it and fired their listeners (the MCP server sends
//!   `tools/list_changed` from that listener). The end-to-end number over MCP, three
//!   `serve` processes and real clients, is `benches/fleet_propagation.py`.
//!
//! ```text
//! cargo bench -p openapi-tools-store --features sqlite,postgres --bench store
//! # PostgreSQL rows need a server: eval "$(bash scripts/pg-test.sh start)"
//! ```
//!
//! GitHub's spec is read from `$OPENAPI_TOOLS_SHARED/specs` or a `shared/` beside the clone.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use openapi_tools_live::{LiveOptions, Outcome, load_text};
use openapi_tools_runtime::manifest::Manifest;
use openapi_tools_runtime::registry::{InstallOptions, InstallPolicy, Registry};
use openapi_tools_store::{SqliteStore, Store, Stored};

const SET: &str = "github";

fn github_text() -> String {
    let shared = std::env::var_os("OPENAPI_TOOLS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let path = shared.join("specs/github__api.github.com.json");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set OPENAPI_TOOLS_SHARED)", path.display()))
}

/// Loads `text` as `SET` into `registry` (today's start, with or without a store).
fn load(registry: &Registry, text: &str) -> bool {
    matches!(
        load_text(registry, SET, text, &LiveOptions::default()),
        Outcome::Installed(_) | Outcome::Unchanged
    )
}

/// The manifest GitHub's spec becomes.
fn github_manifest(text: &str) -> Manifest {
    let registry = Registry::new();
    assert!(load(&registry, text));
    registry
        .snapshot()
        .set(SET)
        .unwrap()
        .toolset()
        .manifest()
        .clone()
}

/// Version `i` of `base`: a new label and content id, and one tool's description changed (as
/// successive releases of one API mostly are).
fn version(base: &Manifest, i: usize) -> Manifest {
    let mut m = base.clone();
    m.version = format!("1.{i}");
    m.source_hash = format!("{:064x}", i);
    let n = m.tools.len();
    m.tools[i % n].description.push_str(&format!(" (rev {i})"));
    m
}

fn install(registry: &Registry, m: Manifest) {
    let options = InstallOptions::default().policy(InstallPolicy::AllowBreaking);
    registry.install_manifest(SET, m, options).unwrap();
}

/// Milliseconds per install of `count` versions into `registry`.
fn installs(registry: &Registry, base: &Manifest, from: usize, count: usize) -> f64 {
    let versions: Vec<Manifest> = (from..from + count).map(|i| version(base, i)).collect();
    let start = Instant::now();
    for m in versions {
        install(registry, m);
    }
    start.elapsed().as_secs_f64() * 1000.0 / count as f64
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

#[cfg(feature = "postgres")]
fn fresh_pg() -> Option<String> {
    let url = std::env::var("OPENAPI_TOOLS_TEST_PG").ok()?;
    let name = format!("bench_{:016x}", fastrand::u64(..));
    let out = std::process::Command::new("psql")
        .args([url.as_str(), "-qAtc", &format!("CREATE DATABASE {name}")])
        .output()
        .ok()?;
    assert!(out.status.success(), "{out:?}");
    Some(format!("{}/{name}", url.rsplit_once('/').unwrap().0))
}

#[cfg(feature = "postgres")]
fn pg_store(url: &str) -> Arc<dyn Store> {
    Arc::new(openapi_tools_store::PostgresStore::connect(url).unwrap())
}

fn attach(store: Arc<dyn Store>) -> Stored {
    Stored::attach(Registry::new(), store).unwrap()
}

fn main() {
    let text = github_text();
    let base = github_manifest(&text);
    println!(
        "GitHub: {} tools; {} bytes of spec",
        base.tools.len(),
        text.len()
    );
    let dir = tempfile::tempdir().unwrap();
    const COUNT: usize = 50;

    // ---- install throughput ----------------------------------------------------------------
    println!("\ninstall throughput ({COUNT} versions of GitHub, one tool changed each)");
    let memory = Registry::new();
    install(&memory, version(&base, 0));
    let ms = installs(&memory, &base, 1, COUNT);
    println!(
        "  memory      {ms:8.1} ms/install  {:6.1} installs/s",
        1000.0 / ms
    );
    let sqlite = attach(Arc::new(
        SqliteStore::open(&dir.path().join("throughput.db")).unwrap(),
    ));
    install(sqlite.registry(), version(&base, 0));
    let ms = installs(sqlite.registry(), &base, 1, COUNT);
    println!(
        "  sqlite      {ms:8.1} ms/install  {:6.1} installs/s",
        1000.0 / ms
    );
    drop(sqlite);
    #[cfg(feature = "postgres")]
    match fresh_pg() {
        Some(url) => {
            let pg = attach(pg_store(&url));
            install(pg.registry(), version(&base, 0));
            let ms = installs(pg.registry(), &base, 1, COUNT);
            println!(
                "  postgres    {ms:8.1} ms/install  {:6.1} installs/s",
                1000.0 / ms
            );
        }
        None => println!("  postgres    (no OPENAPI_TOOLS_TEST_PG: not measured)"),
    }

    // ---- start-up with 1,000 versions ------------------------------------------------------
    const VERSIONS: usize = 1000;
    let db = dir.path().join("history.db");
    let fill = Instant::now();
    {
        let stored = attach(Arc::new(SqliteStore::open(&db).unwrap()));
        for i in 1..VERSIONS {
            install(stored.registry(), version(&base, i));
        }
        // The last version is the spec itself, so `serve --store SPEC` finds it live.
        assert!(load(stored.registry(), &text));
        assert_eq!(stored.history(Some(SET)).unwrap().len(), VERSIONS);
    }
    println!(
        "\nstart-up (store filled with {VERSIONS} versions in {:.1} s; {:.1} MiB on disk)",
        fill.elapsed().as_secs_f64(),
        std::fs::metadata(&db).unwrap().len() as f64 / 1048576.0
    );
    let runs = 5;
    let mut today = Vec::new();
    let mut restore = Vec::new();
    let mut restore_and_spec = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let registry = Registry::new();
        assert!(load(&registry, &text));
        today.push(t.elapsed().as_secs_f64());

        let t = Instant::now();
        let stored = attach(Arc::new(SqliteStore::open(&db).unwrap()));
        assert_eq!(
            stored.registry().snapshot().set(SET).unwrap().seq(),
            VERSIONS as u64
        );
        restore.push(t.elapsed().as_secs_f64());
        drop(stored);

        let t = Instant::now();
        let stored = attach(Arc::new(SqliteStore::open(&db).unwrap()));
        assert!(load(stored.registry(), &text));
        restore_and_spec.push(t.elapsed().as_secs_f64());
        assert_eq!(stored.history(Some(SET)).unwrap().len(), VERSIONS);
    }
    let (today, restore, both) = (median(today), median(restore), median(restore_and_spec));
    println!("  today: load the spec, no store          {today:7.3} s (median of {runs})");
    println!(
        "  --store, no spec: restore the live one  {restore:7.3} s  ({:+.3} s vs today)",
        restore - today
    );
    println!(
        "  --store SPEC: restore, spec already live {both:7.3} s  ({:+.3} s vs today)",
        both - today
    );

    #[cfg(feature = "postgres")]
    fleet::propagation(&base);
}

/// Replicas on one PostgreSQL database.
#[cfg(feature = "postgres")]
mod fleet {
    use std::sync::mpsc::Receiver;
    use std::time::{Duration, Instant};

    use openapi_tools_runtime::manifest::Manifest;
    use openapi_tools_runtime::registry::ChangeEvent;

    use super::{attach, fresh_pg, install, percentile, pg_store, version};

    /// Waits for the next install event on `rx`.
    fn next_applied(rx: &Receiver<ChangeEvent>) {
        loop {
            match rx.recv_timeout(Duration::from_secs(30)) {
                Ok(ChangeEvent::Applied(_)) => return,
                Ok(_) => {}
                Err(e) => panic!("no install within 30 s: {e}"),
            }
        }
    }

    pub fn propagation(base: &Manifest) {
        let Some(url) = fresh_pg() else {
            println!("\npropagation: no OPENAPI_TOOLS_TEST_PG, not measured");
            return;
        };
        const ROUNDS: usize = 100;
        // A smaller API than GitHub, so the number is the store's, not the compile of 1,100 tools:
        // the first 50 of GitHub's tools.
        let mut small = base.clone();
        small.tools.truncate(50);
        let a = attach(pg_store(&url));
        install(a.registry(), version(&small, 0));
        let others: Vec<_> = (0..2)
            .map(|_| {
                let stored = attach(pg_store(&url));
                let rx = stored.registry().subscribe();
                // A long poll: what arrives in time came by notification.
                let follow = stored.follow(Duration::from_secs(30)).unwrap();
                (stored, rx, follow)
            })
            .collect();
        let mut took = Vec::new();
        for i in 1..=ROUNDS {
            let m = version(&small, i);
            let start = Instant::now();
            install(a.registry(), m);
            for (_, rx, _) in &others {
                next_applied(rx);
                took.push(start.elapsed().as_secs_f64() * 1000.0);
            }
        }
        took.sort_by(f64::total_cmp);
        println!(
            "\npropagation (PostgreSQL on loopback, 2 followers, {ROUNDS} installs of 50 tools): \
             p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            percentile(&took, 0.50),
            percentile(&took, 0.99),
            took[took.len() - 1]
        );
        drop(others);
    }
}
