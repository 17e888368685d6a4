//! The labelled discovery task set (`fixtures/discovery/tasks.json`) and its measures, shared by
//! the `discovery_quality` test and bench.
//!
//! A task counts as found at rank r when the r-th hit's own operationId is one of the task's
//! acceptable operations (variants listed under a hit do not count), so the numbers are those a
//! model reading only the hit names would get. recall@k is the share of tasks found within the
//! first k hits, MRR the mean of 1/rank (0 when not in the top 10). A second, looser measure,
//! "reach@5", also counts a task whose acceptable operation is a variant listed under one of the
//! first five hits (what `search_tools` shows a model as `variants`).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use openapi_tools::runtime::Manifest;
use openapi_tools::runtime::discovery::{Hit, ToolIndex};
use serde::Deserialize;

/// Hits looked at per task for MRR.
pub const DEPTH: usize = 10;

/// The fixture file.
#[derive(Debug, Deserialize)]
pub struct TaskSet {
    /// Spec key -> path relative to the shared corpus directory.
    pub specs: BTreeMap<String, String>,
    /// The tasks.
    pub tasks: Vec<Task>,
}

/// One labelled task.
#[derive(Debug, Clone, Deserialize)]
pub struct Task {
    /// Key into [`TaskSet::specs`].
    pub spec: String,
    /// What a user would type.
    pub query: String,
    /// operationIds that fulfil it.
    pub accept: Vec<String>,
    /// Written after the first ranking round and never tuned on: reported apart.
    #[serde(default)]
    pub held_out: bool,
    /// A later set of tasks, written and committed before the ranking round it measures and
    /// never tuned on (`"fresh"`): reported in its own row.
    #[serde(default)]
    pub set: Option<String>,
}

impl Task {
    /// The row a task is reported in: its spec, with ` held-out` for held-out tasks and the
    /// set's name for tasks of a named set.
    pub fn row_key(&self) -> String {
        match (&self.set, self.held_out) {
            (Some(set), _) => format!("{} {set}", self.spec),
            (None, true) => format!("{} held-out", self.spec),
            (None, false) => self.spec.clone(),
        }
    }
}

/// Measures over a list of tasks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Score {
    pub tasks: usize,
    pub at1: usize,
    pub at5: usize,
    /// Found in the first five hits or among their listed variants.
    pub reach5: usize,
    pub reciprocal: f64,
}

impl Score {
    pub fn add(&mut self, rank: Option<usize>, reached: bool) {
        self.tasks += 1;
        self.reach5 += usize::from(reached || rank.is_some_and(|r| r <= 5));
        if let Some(r) = rank {
            self.at1 += usize::from(r == 1);
            self.at5 += usize::from(r <= 5);
            self.reciprocal += 1.0 / r as f64;
        }
    }
    pub fn recall1(&self) -> f64 {
        self.at1 as f64 / self.tasks.max(1) as f64
    }
    pub fn recall5(&self) -> f64 {
        self.at5 as f64 / self.tasks.max(1) as f64
    }
    pub fn reach5(&self) -> f64 {
        self.reach5 as f64 / self.tasks.max(1) as f64
    }
    pub fn mrr(&self) -> f64 {
        self.reciprocal / self.tasks.max(1) as f64
    }
    pub fn merge(&mut self, other: &Score) {
        self.tasks += other.tasks;
        self.at1 += other.at1;
        self.at5 += other.at5;
        self.reach5 += other.reach5;
        self.reciprocal += other.reciprocal;
    }
}

/// The task set, from the repository.
pub fn task_set() -> TaskSet {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/discovery/tasks.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The shared corpus directory: `OPENAPI_TOOLS_SHARED`, else the nearest ancestor of the crate
/// directory with `shared/specs` beside it.
pub fn shared_dir() -> Option<PathBuf> {
    openapi_tools_test_support::shared_dir(env!("CARGO_MANIFEST_DIR"))
}

/// Loads one spec of the set through the normal pipeline.
pub fn load(shared: &Path, rel: &str) -> Result<Manifest, String> {
    let path = shared.join(rel);
    if !path.is_file() {
        return Err(format!("{} not found", path.display()));
    }
    let out = openapi_tools_build::pipeline::manifest_from_file(
        &path,
        &openapi_tools_build::model::ModelOptions::default(),
    );
    out.manifest.ok_or_else(|| {
        format!(
            "{}: {} errors",
            path.display(),
            out.diagnostics.error_count()
        )
    })
}

/// A search to measure: query and `top_k` to hits (`ToolIndex::search`, or one ranking of
/// `ToolIndex::search_by`).
pub type Search<'a> = dyn Fn(&str, usize) -> Vec<Hit> + 'a;

/// Rank (1-based) of the first acceptable hit within [`DEPTH`], if any.
pub fn rank_of(search: &Search, task: &Task) -> Option<usize> {
    search(&task.query, DEPTH)
        .iter()
        .position(|h| {
            h.operation_id
                .as_ref()
                .is_some_and(|id| task.accept.contains(id))
        })
        .map(|p| p + 1)
}

/// Whether an acceptable operation is one of the first five hits or a variant listed under one.
pub fn reached(search: &Search, task: &Task) -> bool {
    search(&task.query, 5).iter().any(|h| {
        std::iter::once(&h.operation_id)
            .chain(h.variants.iter().map(|v| &v.operation_id))
            .any(|id| id.as_ref().is_some_and(|id| task.accept.contains(id)))
    })
}

/// Prints the task, its rank and the top three hits when `DISCOVERY_MISSES` is set and the
/// task is not found at rank 1: the list to read when judging a ranking change.
pub fn explain(search: &Search, task: &Task, rank: Option<usize>) {
    if std::env::var_os("DISCOVERY_MISSES").is_none() || rank == Some(1) {
        return;
    }
    let top: Vec<String> = search(&task.query, 3)
        .into_iter()
        .map(|h| h.operation_id.unwrap_or(h.name))
        .collect();
    eprintln!(
        "  [{}] {:?} rank {:?} want {:?} got {:?}",
        task.row_key(),
        task.query,
        rank,
        task.accept,
        top
    );
}

/// Ranks every task of `tasks` against `index` (printing misses per [`explain`]) and scores
/// them per table row ([`Task::row_key`]).
pub fn score_rows<'a>(
    index: &ToolIndex,
    tasks: impl IntoIterator<Item = &'a Task>,
) -> BTreeMap<String, Score> {
    score_rows_by(&|q: &str, k: usize| index.search(q, k), tasks)
}

/// [`score_rows`] for any search.
pub fn score_rows_by<'a>(
    search: &Search,
    tasks: impl IntoIterator<Item = &'a Task>,
) -> BTreeMap<String, Score> {
    let mut rows: BTreeMap<String, Score> = BTreeMap::new();
    for task in tasks {
        let rank = rank_of(search, task);
        explain(search, task, rank);
        let reached = reached(search, task);
        rows.entry(task.row_key()).or_default().add(rank, reached);
    }
    rows
}

/// One table row.
pub fn row(name: &str, s: &Score) -> String {
    format!(
        "{:<20} {:>5} {:>9.3} {:>9.3} {:>7.3} {:>8.3}",
        name,
        s.tasks,
        s.recall1(),
        s.recall5(),
        s.mrr(),
        s.reach5()
    )
}

/// The table header matching [`row`].
pub fn header() -> String {
    format!(
        "{:<20} {:>5} {:>9} {:>9} {:>7} {:>8}",
        "spec", "tasks", "recall@1", "recall@5", "MRR", "reach@5"
    )
}
