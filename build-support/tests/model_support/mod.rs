//! Invariants every manifest the model builds must satisfy, shared by the fixture and corpus
//! tests.

#![allow(dead_code)]

use std::collections::{BTreeSet, HashSet};

use openapi_tools_runtime::hash::schema_hash;
use openapi_tools_runtime::manifest::Manifest;
use serde_json::Value;

pub fn is_tool_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && s.len() <= 64
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

pub fn is_property_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && s.len() <= 64
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Resolves a JSON pointer inside `root`.
pub fn at<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    root.pointer(pointer)
}

fn check_schema(v: &Value, ptr: &str, problems: &mut Vec<String>, refs: &mut BTreeSet<String>) {
    let Some(map) = v.as_object() else {
        if !v.is_boolean() {
            problems.push(format!("{ptr}: schema is not an object"));
        }
        return;
    };
    for (k, val) in map {
        if !openapi_tools_runtime::keywords::is_canonical(k) {
            problems.push(format!("{ptr}: keyword `{k}` not allowed"));
        }
        match k.as_str() {
            "exclusiveMinimum" | "exclusiveMaximum" if !val.is_number() => {
                problems.push(format!("{ptr}/{k}: not a number"));
            }
            "type" => {
                let ok = |t: &Value| {
                    matches!(
                        t.as_str(),
                        Some(
                            "string"
                                | "number"
                                | "integer"
                                | "boolean"
                                | "object"
                                | "array"
                                | "null"
                        )
                    )
                };
                let valid = match val {
                    Value::Array(a) => !a.is_empty() && a.iter().all(ok),
                    other => ok(other),
                };
                if !valid {
                    problems.push(format!("{ptr}/type: invalid {val}"));
                }
            }
            "properties" => match val.as_object() {
                Some(props) => {
                    for (name, s) in props {
                        if !is_property_name(name) {
                            problems.push(format!("{ptr}/properties: bad name `{name}`"));
                        }
                        check_schema(s, &format!("{ptr}/properties/{name}"), problems, refs);
                    }
                }
                None => problems.push(format!("{ptr}/properties: not an object")),
            },
            "required" => {
                let props = map.get("properties").and_then(Value::as_object);
                for r in val.as_array().into_iter().flatten() {
                    match r.as_str() {
                        Some(name) if is_property_name(name) => {
                            if props.is_some_and(|p| !p.contains_key(name))
                                && map.get("additionalProperties") == Some(&Value::Bool(false))
                            {
                                problems.push(format!(
                                    "{ptr}/required: `{name}` is required but cannot be given"
                                ));
                            }
                        }
                        _ => problems.push(format!("{ptr}/required: bad entry {r}")),
                    }
                }
            }
            "items" | "additionalProperties" | "not" if val.is_object() => {
                check_schema(val, &format!("{ptr}/{k}"), problems, refs);
            }
            "anyOf" | "oneOf" | "allOf" => {
                for (i, s) in val.as_array().into_iter().flatten().enumerate() {
                    check_schema(s, &format!("{ptr}/{k}/{i}"), problems, refs);
                }
            }
            "$ref" => match val.as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
                Some(name) => {
                    refs.insert(name.to_owned());
                }
                None => problems.push(format!("{ptr}/$ref: not a $defs reference: {val}")),
            },
            "$defs" if !ptr.is_empty() => problems.push(format!("{ptr}: nested $defs")),
            _ => {}
        }
    }
}

/// Every problem found in `m` (empty = all invariants hold).
pub fn check_manifest(m: &Manifest) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for t in &m.tools {
        let tp = |msg: String| format!("{}: {msg}", t.name);
        if !is_tool_name(&t.name) {
            problems.push(tp("invalid tool name".into()));
        }
        if !seen.insert(t.name.to_ascii_lowercase()) {
            problems.push(tp("duplicate tool name".into()));
        }
        if t.description.trim().is_empty() || t.description.chars().count() > 1024 {
            problems.push(tp("description empty or too long".into()));
        }
        let schema = &t.input_schema;
        if schema.get("type") != Some(&Value::String("object".into()))
            || schema.get("additionalProperties") != Some(&Value::Bool(false))
        {
            problems.push(tp("top level is not a closed object".into()));
        }
        let mut sub = Vec::new();
        let mut refs = BTreeSet::new();
        check_schema(schema, "", &mut sub, &mut refs);
        let defs = schema.get("$defs").and_then(Value::as_object);
        let mut reached = BTreeSet::new();
        let mut queue: Vec<String> = refs.iter().cloned().collect();
        while let Some(name) = queue.pop() {
            if !reached.insert(name.clone()) {
                continue;
            }
            match defs.and_then(|d| d.get(&name)) {
                Some(def) => {
                    let mut inner = BTreeSet::new();
                    check_schema(def, &format!("/$defs/{name}"), &mut sub, &mut inner);
                    queue.extend(inner);
                }
                None => sub.push(format!("$ref to missing $defs/{name}")),
            }
        }
        for name in defs.into_iter().flat_map(|d| d.keys()) {
            if !reached.contains(name) {
                sub.push(format!("$defs/{name} is not reached"));
            }
        }
        problems.extend(sub.into_iter().map(&tp));
        // Properties and params agree.
        let props = schema.get("properties").and_then(Value::as_object);
        for p in &t.params {
            if props.is_none_or(|props| !props.contains_key(&p.name)) {
                problems.push(tp(format!("param {} missing from schema", p.name)));
            }
        }
        if props.map_or(0, |p| p.len()) != t.params.len() {
            problems.push(tp("schema properties and params differ".into()));
        }
        for ptr in t.wire_names.keys() {
            if at(schema, ptr).is_none() {
                problems.push(tp(format!("wire name pointer {ptr} does not resolve")));
            }
        }
        if t.schema_hash != schema_hash(schema) {
            problems.push(tp("stale schema hash".into()));
        }
    }
    problems
}

/// Operations in a raw JSON document (what a tool count must equal).
pub fn count_operations(doc: &Value) -> usize {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    doc.get("paths")
        .and_then(Value::as_object)
        .map_or(0, |paths| {
            paths
                .values()
                .filter(|item| item.get("$ref").is_none())
                .map(|item| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
                .sum()
        })
}
