//! `openapi-tools search SPEC QUERY... [--top K] [--format text|json] [--model DIR]`: which
//! tools fit a task.
//!
//! One result list per query, best first. Text output shows each hit's name, method, path,
//! operationId, score and redundant variants; `--format json` prints one JSON array per query
//! per line, each item `{"name", "operation_id", "method", "path", "score"}`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use openapi_tools_runtime::discovery::{Hit, ToolIndex};
use serde_json::{Value, json};

use crate::args::Selection;
use crate::commands::{manifest_or_spec, write_stdout};

/// Arguments of `search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The OpenAPI document (YAML or JSON), or a manifest JSON (`openapi-tools manifest`).
    spec: PathBuf,
    /// What to do, in plain words; each argument is one query ("create an issue").
    #[arg(required = true, value_name = "QUERY")]
    queries: Vec<String>,
    /// How many tools to list per query.
    #[arg(long, value_name = "K", default_value_t = 5)]
    top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = SearchFormat::Text)]
    format: SearchFormat,
    #[command(flatten)]
    select: Selection,
    #[command(flatten)]
    model: crate::semantic::ModelArgs,
}

/// Output formats of `search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchFormat {
    /// One block per query, one line per hit.
    Text,
    /// One JSON array per query per line.
    Json,
}

/// Runs `search`; the spec's errors go to stderr and exit 1.
pub fn run(args: SearchArgs) -> Result<ExitCode, String> {
    let Some(manifest) = manifest_or_spec(&args.spec, &args.select)? else {
        return Ok(ExitCode::FAILURE);
    };
    let index = ToolIndex::from_manifest(&manifest);
    #[cfg(feature = "semantic")]
    let index = match crate::semantic::load(&args.model)? {
        Some(model) => index
            .with_embedder_now(model)
            .map_err(|e| format!("--model: {e}"))?,
        None => index,
    };
    #[cfg(not(feature = "semantic"))]
    crate::semantic::check_unsupported(&args.model)?;
    write_stdout(&results(&index, &args.queries, args.top, args.format))?;
    Ok(ExitCode::SUCCESS)
}

/// The output for `queries`: one block (text) or one line (JSON) per query, in order.
fn results(index: &ToolIndex, queries: &[String], top: usize, format: SearchFormat) -> String {
    let mut out = String::new();
    for (i, query) in queries.iter().enumerate() {
        let hits = index.search(query, top);
        match format {
            SearchFormat::Json => {
                let line = Value::Array(hits.iter().map(json_item).collect());
                let _ = writeln!(out, "{line}");
            }
            SearchFormat::Text => {
                if i > 0 {
                    out.push('\n');
                }
                text_block(&mut out, query, &hits);
            }
        }
    }
    out
}

fn json_item(hit: &Hit) -> Value {
    json!({
        "name": hit.name,
        "operation_id": hit.operation_id,
        "method": hit.method,
        "path": hit.path,
        "score": hit.score,
    })
}

fn text_block(out: &mut String, query: &str, hits: &[Hit]) {
    let _ = writeln!(out, "{query}");
    if hits.is_empty() {
        let _ = writeln!(out, "  (no tool matches)");
    }
    for (rank, hit) in hits.iter().enumerate() {
        let _ = write!(
            out,
            "  {}. {}  {} {}  score {:.3}",
            rank + 1,
            hit.name,
            hit.method,
            hit.path,
            hit.score
        );
        if let Some(id) = hit.operation_id.as_deref().filter(|id| *id != hit.name) {
            let _ = write!(out, "  ({id})");
        }
        out.push('\n');
        if !hit.variants.is_empty() {
            let names: Vec<&str> = hit.variants.iter().map(|v| v.path.as_str()).collect();
            let _ = writeln!(out, "     also under: {}", names.join(", "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_file(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ot-cli-search-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("spec.yaml");
        std::fs::write(&path, SPEC).unwrap();
        path
    }

    const SPEC: &str = "openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets:
    get: {operationId: listPets, summary: List all pets, responses: {'200': {description: ok}}}
    post: {operationId: createPet, summary: Create a pet, responses: {'201': {description: ok}}}
  /pets/{petId}:
    parameters: [{name: petId, in: path, required: true, schema: {type: string}}]
    delete: {operationId: deletePet, summary: Delete a pet, responses: {'204': {description: ok}}}
";

    fn index() -> ToolIndex {
        let path = spec_file("idx");
        let manifest = manifest_or_spec(&path, &Selection::default())
            .unwrap()
            .unwrap();
        ToolIndex::from_manifest(&manifest)
    }

    #[test]
    fn json_items_have_exactly_the_documented_keys() {
        let hits = index().search("add a new pet", 2);
        let item = json_item(&hits[0]);
        let keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["name", "operation_id", "method", "path", "score"]);
        assert_eq!(item["operation_id"], "createPet");
        assert_eq!(item["method"], "POST");
        assert_eq!(item["path"], "/pets");
        assert!(item["score"].as_f64().unwrap() > 0.0);
    }

    #[test]
    fn json_prints_one_array_per_query_per_line() {
        let queries = ["add a new pet", "zebra", "remove a pet"].map(String::from);
        let out = results(&index(), &queries, 2, SearchFormat::Json);
        let lines: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert_eq!(lines[0][0]["operation_id"], "createPet");
        assert_eq!(lines[0].as_array().unwrap().len(), 2);
        // No word of "zebra" is a tool's: the best partial matches, scored low, not nothing.
        let guesses = lines[1].as_array().unwrap();
        assert_eq!(guesses.len(), 2, "{out}");
        assert!(
            guesses.iter().all(|h| h["score"].as_f64().unwrap() < 0.1),
            "{out}"
        );
        assert_eq!(lines[2][0]["operation_id"], "deletePet");
        let text = results(&index(), &queries, 1, SearchFormat::Text);
        let headers: Vec<&str> = text
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with(' '))
            .collect();
        assert_eq!(headers, queries.map(|q| q.clone()), "{text}");
    }

    #[test]
    fn text_lists_each_query_with_ranked_hits() {
        let idx = index();
        let mut out = String::new();
        text_block(&mut out, "remove a pet", &idx.search("remove a pet", 1));
        text_block(&mut out, "zebra", &idx.search("zebra", 1));
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "remove a pet");
        assert!(
            lines[1].starts_with("  1. delete_pet  DELETE /pets/{petId}  score ")
                && lines[1].ends_with("  (deletePet)"),
            "{out}"
        );
        assert_eq!(lines[2], "zebra");
        assert!(lines[3].starts_with("  1. "), "{out}");
        let mut empty = String::new();
        text_block(&mut empty, "zebra", &[]);
        assert_eq!(empty, "zebra\n  (no tool matches)\n");
    }
}
