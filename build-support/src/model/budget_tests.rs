//! The per-tool schema budget ([`super::ModelOptions::max_schema_nodes`]): nearest definitions
//! expanded, the rest stubs naming their component, every reference still resolving, one note
//! per cut tool, and documents within the default budget unchanged.

use openapi_tools_runtime::manifest::Manifest;
use openapi_tools_runtime::render::schema_nodes;
use serde_json::{Value, json};

use super::{DEFAULT_MAX_SCHEMA_NODES, ModelOptions, build_manifest};
use crate::diagnostics::{Diagnostics, Severity};

/// A component with three scalar properties and one reference to `next` (when given).
fn entity(next: Option<&str>) -> Value {
    shaped(next, "#/components/schemas/")
}

/// The canonical form of [`entity`].
fn entity_canonical(next: Option<&str>) -> Value {
    shaped(next, "#/$defs/")
}

fn shaped(next: Option<&str>, prefix: &str) -> Value {
    let mut props = json!({"id": {"type": "string"}, "n": {"type": "integer"},
        "on": {"type": "boolean"}});
    if let Some(n) = next {
        props["next"] = json!({"$ref": format!("{prefix}{n}")});
    }
    json!({"type": "object", "description": "An entity.", "properties": props})
}

/// `POST /things` whose body property `a` is the head of the chain A -> B -> C -> D.
fn chain() -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Chain", "version": "1"},
        "paths": {"/things": {"post": {
            "operationId": "createThing",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "a": {"$ref": "#/components/schemas/A"}}}}}},
            "responses": {"200": {"description": "ok"}}
        }}},
        "components": {"schemas": {
            "A": entity(Some("B")), "B": entity(Some("C")), "C": entity(Some("D")),
            "D": entity(None)
        }}
    })
}

fn build(doc: &Value, budget: Option<usize>) -> (Manifest, Diagnostics) {
    let spec: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).unwrap();
    let opts = ModelOptions {
        max_schema_nodes: budget,
        ..ModelOptions::default()
    };
    let mut diags = Diagnostics::new();
    let m = build_manifest(&spec, "test", "", &opts, &mut diags);
    (m, diags)
}

/// Every `$ref` under `v`.
fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

fn assert_refs_resolve(schema: &Value) {
    let mut all = Vec::new();
    refs(schema, &mut all);
    for r in all {
        let name = r.strip_prefix("#/$defs/").expect("a local $defs reference");
        assert!(schema["$defs"].get(name).is_some(), "{r} does not resolve");
    }
}

#[test]
fn within_the_budget_every_definition_is_expanded() {
    let (m, diags) = build(&chain(), None);
    let (unlimited, _) = build(&chain(), Some(usize::MAX));
    assert_eq!(
        m, unlimited,
        "the default budget leaves a small document unchanged"
    );
    let defs = m.tools[0].input_schema["$defs"].as_object().unwrap();
    assert_eq!(defs.keys().collect::<Vec<_>>(), ["A", "B", "C", "D"]);
    assert!(diags.iter().all(|d| d.severity != Severity::Info));
}

#[test]
fn past_the_budget_nearest_definitions_stay_and_the_frontier_becomes_stubs() {
    // The tool's own object is 2 nodes, each definition 5 (itself and four properties; D 4).
    let budget = 2 + 5 + 5;
    let (m, diags) = build(&chain(), Some(budget));
    let schema = &m.tools[0].input_schema;
    let defs = schema["$defs"].as_object().unwrap();
    assert_eq!(
        defs.keys().collect::<Vec<_>>(),
        ["A", "B", "C"],
        "D is not reached"
    );
    assert_eq!(defs["A"], entity_canonical(Some("B")));
    assert_eq!(defs["B"], entity_canonical(Some("C")));
    assert_eq!(defs["C"]["type"], "object");
    assert!(
        defs["C"].get("properties").is_none(),
        "a stub accepts any object"
    );
    let text = defs["C"]["description"].as_str().unwrap();
    assert!(text.starts_with("An entity. `C`, not expanded"), "{text}");
    assert!(
        text.contains(&format!("size limit of {budget} schema nodes")),
        "{text}"
    );
    assert!(schema_nodes(schema, usize::MAX) <= budget + 1);
    assert_refs_resolve(schema);

    let notes: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == Severity::Info)
        .collect();
    assert_eq!(notes.len(), 1, "{diags:?}");
    assert_eq!(notes[0].pointer, "/paths/~1things/post");
    assert_eq!(notes[0].operation.as_deref(), Some("createThing"));
    assert!(notes[0].message.contains("1 deeper definition(s)"));
    assert!(notes[0].message.ends_with(": C"), "{}", notes[0].message);
}

#[test]
fn a_budget_smaller_than_the_first_definition_stubs_it() {
    let (m, _) = build(&chain(), Some(1));
    let defs = m.tools[0].input_schema["$defs"].as_object().unwrap();
    assert_eq!(defs.keys().collect::<Vec<_>>(), ["A"]);
    assert!(defs["A"].get("properties").is_none());
    assert_refs_resolve(&m.tools[0].input_schema);
}

/// A dense component graph (every entity reaches every other, like Microsoft Graph's): with
/// the budget each tool stays near it however many components the graph has, and its schema
/// is still self-contained.
#[test]
fn dense_graphs_cost_each_tool_its_budget_not_the_whole_graph() {
    const N: usize = 300;
    let mut schemas = serde_json::Map::new();
    for i in 0..N {
        let mut e = entity(Some(&format!("E{}", (i + 1) % N)));
        e["properties"]["back"] = json!({"type": "array", "items": {"$ref": format!("#/components/schemas/E{}", (i + 7) % N)}});
        schemas.insert(format!("E{i}"), e);
    }
    let mut paths = serde_json::Map::new();
    for i in 0..20 {
        paths.insert(
            format!("/e{i}"),
            json!({"patch": {"operationId": format!("update{i}"),
                "requestBody": {"content": {"application/json": {"schema": {
                    "$ref": format!("#/components/schemas/E{}", i * 13 % N)}}}},
                "responses": {"204": {"description": "done"}}}}),
        );
    }
    let doc = json!({"openapi": "3.0.3", "info": {"title": "Dense", "version": "1"},
        "paths": paths, "components": {"schemas": schemas}});
    let budget = 200;
    let (m, diags) = build(&doc, Some(budget));
    let (whole, _) = build(&doc, Some(usize::MAX));
    for (t, w) in m.tools.iter().zip(&whole.tools) {
        let n = schema_nodes(&t.input_schema, usize::MAX);
        // Expanded definitions fit the budget; each stub adds one node.
        let stubs = t.input_schema["$defs"]
            .as_object()
            .unwrap()
            .values()
            .filter(|d| d.get("properties").is_none())
            .count();
        assert!(n <= budget + stubs, "{}: {n} nodes, {stubs} stubs", t.name);
        assert!(stubs < 20, "{}: only the frontier is stubbed", t.name);
        assert!(
            schema_nodes(&w.input_schema, usize::MAX) > 5 * N / 2,
            "the whole graph"
        );
        assert_refs_resolve(&t.input_schema);
    }
    let notes = diags
        .iter()
        .filter(|d| d.severity == Severity::Info)
        .count();
    assert_eq!(notes, m.tools.len());
}

#[test]
fn the_default_budget_is_documented_and_in_force() {
    assert_eq!(
        ModelOptions::default().schema_budget(),
        DEFAULT_MAX_SCHEMA_NODES
    );
    let opts = ModelOptions {
        max_schema_nodes: Some(7),
        ..ModelOptions::default()
    };
    assert_eq!(opts.schema_budget(), 7);
}
