//! The whole front half over the real-world corpus in `shared/specs` (when present, found
//! by `openapi_tools_test_support`): every
//! document loads without errors, every operation yields exactly one tool, every tool and
//! property name is valid for every provider, every rendered schema is self-contained.
//!
//! Provider validity itself is checked by `scripts/provider-check.sh` (Python SDK validators),
//! which CI runs after `cargo test`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use openapi_tools::runtime::render::{self, Provider, RenderOptions, ToolDef};
use openapi_tools::runtime::{keywords, pointer};
use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;
use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn corpus_dir() -> Option<PathBuf> {
    openapi_tools_test_support::corpus_or_skip(env!("CARGO_MANIFEST_DIR"), "corpus")
}

/// Counts (path, method) pairs straight from the raw document, independently of the loader.
fn count_operations(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    let count = |paths: Vec<Vec<String>>| -> usize {
        paths
            .iter()
            .map(|keys| {
                METHODS
                    .iter()
                    .filter(|m| keys.iter().any(|k| k == *m))
                    .count()
            })
            .sum()
    };
    if text.trim_start().starts_with('{') {
        let doc: Value = serde_json::from_str(&text).unwrap();
        let items = doc.get("paths").and_then(Value::as_object);
        return count(items.map_or_else(Vec::new, |paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .map(|item| item.keys().cloned().collect())
                .collect()
        }));
    }
    // Only the keys matter: skip everything else (YAML numbers JSON cannot hold included).
    #[derive(serde::Deserialize)]
    struct Doc {
        #[serde(default)]
        paths: BTreeMap<String, BTreeMap<String, serde::de::IgnoredAny>>,
    }
    let doc: Doc = yaml_serde::from_str(&text).unwrap();
    count(
        doc.paths
            .into_values()
            .map(|item| item.into_keys().collect())
            .collect(),
    )
}

fn valid_tool_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn valid_property_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && name.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Walks schema nodes (not arbitrary JSON): every property name at every level is provider-safe,
/// every `$ref` resolves inside the tool's own schema, no OpenAPI-only keyword is left.
fn check_schema(tool: &str, root: &Value, node: &Value, depth: usize, problems: &mut Vec<String>) {
    if depth > 200 {
        problems.push(format!("{tool}: schema nested deeper than 200"));
        return;
    }
    let Value::Object(map) = node else { return };
    for key in map.keys().filter(|k| !keywords::is_canonical(k)) {
        problems.push(format!(
            "{tool}: keyword {key} outside the canonical schema"
        ));
    }
    if let Some(Value::String(r)) = map.get("$ref")
        && pointer::resolve(root, r).is_none()
    {
        problems.push(format!("{tool}: dangling $ref {r}"));
    }
    for key in ["properties", "$defs"] {
        if let Some(Value::Object(children)) = map.get(key) {
            for (name, child) in children {
                if key == "properties" && !valid_property_name(name) {
                    problems.push(format!("{tool}: property name {name:?}"));
                }
                check_schema(tool, root, child, depth + 1, problems);
            }
        }
    }
    for key in ["anyOf", "oneOf", "allOf", "prefixItems"] {
        if let Some(Value::Array(children)) = map.get(key) {
            for child in children {
                check_schema(tool, root, child, depth + 1, problems);
            }
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get(key) {
            check_schema(tool, root, child, depth + 1, problems);
        }
    }
}

#[test]
fn every_corpus_document_loads_and_every_operation_is_a_tool() {
    let Some(dir) = corpus_dir() else { return };
    let mut failures = Vec::new();
    for path in openapi_tools_test_support::spec_files(&dir) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let out = pipeline::manifest_from_file(&path, &ModelOptions::default());
        let errors: Vec<String> = out
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .take(5)
            .map(|d| d.to_string())
            .collect();
        if !errors.is_empty() {
            failures.push(format!("{name}: errors:\n  {}", errors.join("\n  ")));
            continue;
        }
        let Some(manifest) = out.manifest else {
            failures.push(format!("{name}: no manifest"));
            continue;
        };
        let expected = count_operations(&path);
        if manifest.tools.len() != expected {
            failures.push(format!(
                "{name}: {} tools for {expected} operations",
                manifest.tools.len()
            ));
        }
        let mut seen = HashSet::new();
        let mut problems = Vec::new();
        for tool in &manifest.tools {
            if !valid_tool_name(&tool.name) {
                problems.push(format!("invalid tool name {:?}", tool.name));
            }
            if !seen.insert(tool.name.as_str()) {
                problems.push(format!("duplicate tool name {:?}", tool.name));
            }
            check_schema(
                &tool.name,
                &tool.input_schema,
                &tool.input_schema,
                0,
                &mut problems,
            );
            for p in Provider::ALL {
                let r = render::render(p, &ToolDef::from(tool), &RenderOptions::default());
                if !r.tool.is_object() {
                    problems.push(format!("{}: {} rendered no object", tool.name, p.as_str()));
                }
            }
        }
        if !problems.is_empty() {
            problems.truncate(10);
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
        eprintln!(
            "ok {name}: {} tools, {} warnings",
            manifest.tools.len(),
            out.diagnostics.warning_count()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
