//! The labelled discovery task set (`fixtures/discovery/tasks.json`) against the real specs:
//! recall@1, recall@5 and MRR per spec, with a floor on recall@5.
//!
//! Reads the shared corpus (`OPENAPI_TOOLS_SHARED` or `../shared`) and prints one skip line when
//! it is absent. Microsoft Graph (20 MB, 11,422 tools) takes minutes to load in a debug build,
//! so it is measured here only with `OPENAPI_TOOLS_DISCOVERY_GRAPH=1`; `cargo bench --bench
//! discovery` always includes it.

#[path = "../benches/support/discovery_eval.rs"]
mod eval;

use std::collections::BTreeSet;

use openapi_tools::runtime::discovery::ToolIndex;
use openapi_tools_test_support::skip;

/// recall@5 every row must reach: GitHub, Stripe and Kubernetes are above it (see the README's
/// discovery section).
const RECALL5_FLOOR: f64 = 0.85;

/// Microsoft Graph is short of that goal (the README says by how much); its rows have floors
/// just under what the current ranking measures, so a change that loses Graph tasks fails.
const GRAPH_FLOORS: &[(&str, f64)] = &[
    ("graph", 0.75),
    ("graph held-out", 0.75),
    ("graph fresh", 0.60),
    ("graph fresh2", 0.65),
    ("graph fresh3", 0.45),
    ("graph fresh4", 0.50),
];

/// The recall@5 floor of a table row.
fn floor(row: &str) -> f64 {
    GRAPH_FLOORS
        .iter()
        .find(|(r, _)| *r == row)
        .map_or(RECALL5_FLOOR, |(_, f)| *f)
}

#[test]
fn task_set_is_big_enough_and_spread_over_three_specs() {
    let set = eval::task_set();
    assert!(set.tasks.len() >= 60, "{} tasks", set.tasks.len());
    let specs: BTreeSet<&str> = set.tasks.iter().map(|t| t.spec.as_str()).collect();
    assert!(specs.len() >= 3, "{specs:?}");
    for t in &set.tasks {
        assert!(set.specs.contains_key(&t.spec), "{t:?}");
        assert!(!t.accept.is_empty() && !t.query.trim().is_empty(), "{t:?}");
    }
}

#[test]
fn recall_on_the_labelled_tasks() {
    let Some(shared) = eval::shared_dir() else {
        skip(&openapi_tools_test_support::skip_line(
            "the discovery quality test",
        ));
        return;
    };
    let set = eval::task_set();
    let with_graph = std::env::var_os("OPENAPI_TOOLS_DISCOVERY_GRAPH").is_some();
    println!("{}", eval::header());
    let mut total = eval::Score::default();
    for (key, rel) in &set.specs {
        if key == "graph" && !with_graph {
            skip("skipping graph: set OPENAPI_TOOLS_DISCOVERY_GRAPH=1 (slow in debug builds)");
            continue;
        }
        let manifest = match eval::load(&shared, rel) {
            Ok(m) => m,
            Err(e) => {
                skip(&format!("skipping {key}: {e}"));
                continue;
            }
        };
        let ids: BTreeSet<&str> = manifest
            .tools
            .iter()
            .filter_map(|t| t.operation_id.as_deref())
            .collect();
        let index = ToolIndex::from_manifest(&manifest);
        let tasks: Vec<&eval::Task> = set.tasks.iter().filter(|t| &t.spec == key).collect();
        for task in &tasks {
            for id in &task.accept {
                assert!(
                    ids.contains(id.as_str()),
                    "{key}: no operation {id} ({task:?})"
                );
            }
        }
        let rows = eval::score_rows(&index, tasks);
        for (row, score) in &rows {
            println!("{}", eval::row(row, score));
            total.merge(score);
            assert!(
                score.recall5() >= floor(row),
                "{row}: recall@5 {:.3} below {}",
                score.recall5(),
                floor(row)
            );
        }
    }
    println!("{}", eval::row("all", &total));
}

/// The untouched Graph rows (never tuned on): the hybrid ranking must gain on them together.
#[cfg(feature = "semantic")]
const UNTOUCHED: &[&str] = &["graph fresh3", "graph fresh4", "graph fresh5"];

/// Every row for BM25F, the model alone and both fused, in one run: the fused ranking loses at
/// most one task on any row, and (with Graph) gains at least 0.15 recall@5 on the untouched
/// Graph rows together. Needs the embedding model (`scripts/fetch-model.sh`); vectors are
/// cached under the target directory (or `OPENAPI_TOOLS_VECTOR_CACHE`), so a second run embeds
/// nothing.
#[cfg(feature = "semantic")]
#[test]
#[ignore = "needs the embedding model (scripts/fetch-model.sh)"]
fn recall_by_words_meaning_and_both() {
    use openapi_tools::runtime::discovery::{Embedder, Ranking};
    let Some(shared) = eval::shared_dir() else {
        skip(&openapi_tools_test_support::skip_line(
            "the discovery quality test",
        ));
        return;
    };
    let dir = openapi_tools_test_support::model_dir(env!("CARGO_MANIFEST_DIR"))
        .expect("no model: run scripts/fetch-model.sh or set OPENAPI_TOOLS_MODEL_DIR");
    let cache = std::env::var_os("OPENAPI_TOOLS_VECTOR_CACHE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("vectors"));
    let model = Embedder::load(&dir)
        .and_then(|m| m.with_cache_dir(&cache))
        .unwrap()
        .shared();
    let set = eval::task_set();
    let with_graph = std::env::var_os("OPENAPI_TOOLS_DISCOVERY_GRAPH").is_some();
    let rankings = [
        ("bm25f", Ranking::Words),
        ("dense", Ranking::Meaning),
        ("hybrid", Ranking::HYBRID),
    ];
    println!("{:<8} {}", "ranking", eval::header());
    let mut all: Vec<(String, [eval::Score; 3])> = Vec::new();
    for (key, rel) in &set.specs {
        if key == "graph" && !with_graph {
            skip("skipping graph: set OPENAPI_TOOLS_DISCOVERY_GRAPH=1 (slow in debug builds)");
            continue;
        }
        let manifest = match eval::load(&shared, rel) {
            Ok(m) => m,
            Err(e) => {
                skip(&format!("skipping {key}: {e}"));
                continue;
            }
        };
        let index = ToolIndex::from_manifest(&manifest)
            .with_embedder_now(model.clone())
            .unwrap();
        assert!(index.semantic_ready());
        let tasks: Vec<&eval::Task> = set.tasks.iter().filter(|t| &t.spec == key).collect();
        let per: Vec<_> = rankings
            .iter()
            .map(|(_, r)| {
                eval::score_rows_by(
                    &|q: &str, k: usize| index.search_by(q, k, *r),
                    tasks.iter().copied(),
                )
            })
            .collect();
        for row in per[0].keys() {
            let scores = [0, 1, 2].map(|i| per[i][row]);
            all.push((row.clone(), scores));
        }
    }
    for (row, scores) in &all {
        for ((name, _), s) in rankings.iter().zip(scores) {
            println!("{name:<8} {}", eval::row(row, s));
        }
    }
    for (row, [words, _, both]) in &all {
        assert!(
            both.at5 + 1 >= words.at5,
            "{row}: hybrid recall@5 {}/{} below BM25F's {}/{} by more than one task",
            both.at5,
            both.tasks,
            words.at5,
            words.tasks
        );
    }
    let untouched: Vec<_> = all
        .iter()
        .filter(|(r, _)| UNTOUCHED.contains(&r.as_str()))
        .collect();
    if !untouched.is_empty() {
        let (mut words, mut both) = (eval::Score::default(), eval::Score::default());
        for (_, [w, _, b]) in &untouched {
            words.merge(w);
            both.merge(b);
        }
        println!(
            "untouched Graph rows: recall@5 {:.3} (BM25F) -> {:.3} (hybrid)",
            words.recall5(),
            both.recall5()
        );
        assert!(
            both.recall5() >= words.recall5() + 0.15,
            "untouched Graph rows: hybrid recall@5 {:.3} is not 0.15 above BM25F's {:.3}",
            both.recall5(),
            words.recall5()
        );
    }
}
