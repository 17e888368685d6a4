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
