//! OpenAPI 3.1 -> 3.0 normalisation of a JSON document, before `openapiv3` reads it.
//!
//! `openapiv3` reads the 3.0 shape only, and rejects or silently misreads several things real
//! 3.0 documents do. Normalisation rewrites the JSON value in place so that it reads cleanly,
//! applying every rule wherever it finds the construct (a 3.0 document with a `type` array is
//! fixed the same way as a 3.1 one). What cannot be carried over becomes a warning at its pointer.
//!
//! Choices worth knowing:
//! - `type: [T, "null"]` -> `type: T, nullable: true`; several types -> `anyOf` of one branch per
//!   type, each with the keywords of its type; `anyOf: [X, {type: null}]` -> `anyOf: [X],
//!   nullable: true`; `type: "null"` alone -> `nullable: true, enum: [null]`.
//! - `const` -> one-value `enum`; numeric `exclusiveMinimum/Maximum` -> bound + `true`.
//! - schema `examples` (array) -> `example` (the first) and `x-examples` (all of them).
//! - `$ref` with sibling keywords -> `allOf: [{$ref}]` plus the siblings, so descriptions and
//!   `nullable` next to a reference survive (3.0 says to ignore them; authors mean them).
//! - `$defs`/`definitions` inside schemas are hoisted into `components/schemas` and every
//!   reference into them is rewritten.
//! - Path items given as local `$ref` (to another path or to 3.1 `components/pathItems`) are
//!   copied in place, since 3.0 has no path-item components.
//! - `webhooks` stay in the JSON document (normalised like paths) but yield no tools: they are
//!   requests the API sends. `openapiv3` does not read them. One warning says so.
//! - Integer schemas get i64 bounds (`openapiv3` needs them); values that JSON cannot hold
//!   exactly are clamped with a warning.
//! - `openapi` is rewritten to `3.0.3` for 3.1 documents (the loader keeps the original).

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_token};

mod objects;
mod schema;
pub(crate) mod walk;

use walk::{Kind, walk};

/// A node normalisation moved: `to` is its pointer now, `from` where it was before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    /// Pointer in the normalised document.
    pub to: String,
    /// Pointer in the document as it was before normalisation.
    pub from: String,
}

/// State shared by the rules while walking one document.
pub(crate) struct Cx<'a> {
    diags: &'a mut Diagnostics,
    /// Whether the document declares OpenAPI 3.1.
    is_31: bool,
    /// `$defs` / `definitions` maps removed from schemas, with the pointer they were at.
    hoist: Vec<(String, Map<String, Value>)>,
}

impl Cx<'_> {
    fn warn(&mut self, ptr: impl Into<String>, message: impl Into<String>) {
        self.diags.push(Diagnostic::warning(ptr, message));
    }
    fn error(&mut self, ptr: impl Into<String>, message: impl Into<String>) {
        self.diags.push(Diagnostic::error(ptr, message));
    }
}

/// How many rounds of nested `$defs` hoisting (defs inside hoisted defs) are followed.
const MAX_HOIST_ROUNDS: usize = 16;

/// Normalises an OpenAPI 3.0 or 3.1 document (as JSON) into the 3.0 shape `openapiv3` reads.
/// Problems go into `diags` with pointers into the document; returns the nodes it moved.
/// (Crate-internal, so its example is the unit test `a_31_document_becomes_30`.)
pub fn normalize(doc: &mut Value, diags: &mut Diagnostics) -> Vec<Moved> {
    let is_31 = doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"));
    let mut cx = Cx {
        diags,
        is_31,
        hoist: Vec::new(),
    };
    let mut moved = Vec::new();
    let Some(root) = doc.as_object_mut() else {
        return moved;
    };
    objects::document(root, &mut cx);
    if is_31 {
        root.insert("openapi".to_owned(), Value::String("3.0.3".to_owned()));
    }
    inline_path_refs(doc, &mut cx, &mut moved);

    let too_deep = walk(doc, Kind::Document, "", &mut |node, kind, ptr| {
        rule(node, kind, ptr, &mut cx)
    });
    warn_depth(&mut cx, too_deep);
    for _ in 0..MAX_HOIST_ROUNDS {
        if cx.hoist.is_empty() {
            break;
        }
        let hoist = std::mem::take(&mut cx.hoist);
        let placed = hoist_defs(doc, hoist);
        for (to, from) in placed {
            if let Some(node) = doc.pointer_mut(&to) {
                let deep = walk(node, Kind::Schema, &to, &mut |n, k, p| {
                    rule(n, k, p, &mut cx)
                });
                warn_depth(&mut cx, deep);
            }
            moved.push(Moved { to, from });
        }
    }
    if !cx.hoist.is_empty() {
        cx.warn(
            "/components/schemas",
            "`$defs` nested too deeply; the innermost were not hoisted",
        );
    }
    let defs: Vec<&Moved> = moved
        .iter()
        .filter(|m| m.from.contains("/$defs/") || m.from.contains("/definitions/"))
        .collect();
    if !defs.is_empty() {
        rewrite_refs(doc, &defs);
    }
    moved
}

fn warn_depth(cx: &mut Cx<'_>, too_deep: usize) {
    if too_deep > 0 {
        cx.warn(
            "",
            format!(
                "{too_deep} part(s) nest deeper than {} levels and were not normalised",
                walk::MAX_DEPTH
            ),
        );
    }
}

fn rule(node: &mut Value, kind: Kind, ptr: &str, cx: &mut Cx<'_>) {
    match kind {
        Kind::Schema => schema::schema(node, ptr, cx),
        Kind::Parameter => objects::parameter(node, ptr, false, cx),
        Kind::Header => objects::parameter(node, ptr, true, cx),
        Kind::Operation => objects::operation(node, ptr, cx),
        Kind::Response => objects::response(node, ptr, cx),
        _ => {}
    }
}

/// How many references a path-item `$ref` chain may follow.
const MAX_CHAIN: usize = 32;

/// `paths: {/a: {$ref: '#/components/pathItems/A'}}` -> the path item itself.
fn inline_path_refs(doc: &mut Value, cx: &mut Cx<'_>, moved: &mut Vec<Moved>) {
    for section in ["paths", "webhooks"] {
        let keys: Vec<String> = match doc.get(section) {
            Some(Value::Object(m)) => m
                .iter()
                .filter(|(_, v)| {
                    v.get("$ref")
                        .is_some_and(|r| r.as_str().is_some_and(|r| r.starts_with('#')))
                })
                .map(|(k, _)| k.clone())
                .collect(),
            _ => continue,
        };
        for key in keys {
            let ptr = format!("/{section}/{}", escape_pointer_token(&key));
            let mut seen = Vec::new();
            let mut current = ptr.clone();
            let target = loop {
                let reference = doc
                    .pointer(&current)
                    .and_then(|n| n.get("$ref"))
                    .and_then(Value::as_str);
                let Some(reference) = reference else {
                    break doc.pointer(&current).cloned().map(|t| (current.clone(), t));
                };
                let Some(fragment) = openapi_tools_runtime::pointer::ref_pointer(reference)
                    .map(std::borrow::Cow::into_owned)
                else {
                    break None;
                };
                if seen.contains(&fragment) || seen.len() > MAX_CHAIN {
                    cx.error(
                        &ptr,
                        format!("path item reference `{reference}` loops back on itself"),
                    );
                    break None;
                }
                seen.push(fragment.clone());
                current = fragment;
            };
            let Some((from, mut target)) = target else {
                if !seen.is_empty()
                    && doc
                        .pointer(seen.last().map_or("", String::as_str))
                        .is_none()
                {
                    cx.error(
                        &ptr,
                        format!(
                            "path item reference target `#{}` does not exist",
                            seen.last().map_or("", String::as_str)
                        ),
                    );
                }
                if let Some(Value::Object(items)) = doc.get_mut(section) {
                    items.shift_remove(&key);
                }
                continue;
            };
            if let (Some(Value::Object(site)), Value::Object(t)) = (doc.pointer(&ptr), &mut target)
            {
                for (k, v) in site {
                    if k != "$ref" {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
            if let Some(slot) = doc.pointer_mut(&ptr) {
                *slot = target;
            }
            moved.push(Moved { to: ptr, from });
        }
    }
}

/// Moves hoisted `$defs` into `components/schemas`; returns (new pointer, old pointer) pairs.
fn hoist_defs(doc: &mut Value, hoist: Vec<(String, Map<String, Value>)>) -> Vec<(String, String)> {
    let mut placed = Vec::new();
    let Some(root) = doc.as_object_mut() else {
        return placed;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(components) = components.as_object_mut() else {
        return placed;
    };
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    if !schemas.is_object() {
        *schemas = Value::Object(Map::new());
    }
    let Some(schemas) = schemas.as_object_mut() else {
        return placed;
    };
    for (at, defs) in hoist {
        let parent = parent_name(&at);
        for (name, schema) in defs {
            let base = crate::load::sanitize_name(&name);
            let mut chosen = base.clone();
            if schemas.contains_key(&chosen) {
                chosen = format!("{}_{base}", parent);
            }
            let mut n = 2;
            while schemas.contains_key(&chosen) {
                chosen = format!("{parent}_{base}_{n}");
                n += 1;
            }
            placed.push((
                format!("/components/schemas/{}", escape_pointer_token(&chosen)),
                format!("{at}/{}", escape_pointer_token(&name)),
            ));
            schemas.insert(chosen, schema);
        }
    }
    placed
}

/// A readable prefix for a hoisted def's name: the component it came from, else "inline".
fn parent_name(defs_ptr: &str) -> String {
    defs_ptr
        .strip_prefix("/components/schemas/")
        .and_then(|rest| rest.split('/').next())
        .map(|n| crate::load::sanitize_name(&openapi_tools_runtime::pointer::unescape(n)))
        .unwrap_or_else(|| "inline".to_owned())
}

/// Points references into hoisted `$defs` at their new home. A reference written relative to
/// its schema (`#/$defs/X`, which has no target at the document root) goes to the def named X.
fn rewrite_refs(doc: &mut Value, moves: &[&Moved]) {
    let mut rewrites: Vec<(String, String)> = Vec::new();
    let snapshot = &*doc;
    let mut refs = Vec::new();
    collect_refs(snapshot, &mut refs);
    for r in refs {
        let Some(fragment) = r.strip_prefix('#') else {
            continue;
        };
        let mut f = openapi_tools_runtime::pointer::percent_decode(fragment).into_owned();
        let mut changed = false;
        for m in moves {
            if f == m.from || f.starts_with(&format!("{}/", m.from)) {
                f = format!("{}{}", m.to, &f[m.from.len()..]);
                changed = true;
            }
        }
        if !changed && snapshot.pointer(&f).is_none() {
            let short = f
                .strip_prefix("/$defs/")
                .or_else(|| f.strip_prefix("/definitions/"));
            if let Some(name) = short.filter(|n| !n.contains('/')) {
                let unescaped = openapi_tools_runtime::pointer::unescape(name);
                let token = escape_pointer_token(&unescaped);
                if let Some(m) = moves
                    .iter()
                    .find(|m| m.from.ends_with(&format!("/{token}")))
                {
                    f = m.to.clone();
                    changed = true;
                }
            }
        }
        if changed {
            rewrites.push((r, format!("#{f}")));
        }
    }
    if rewrites.is_empty() {
        return;
    }
    let map: std::collections::HashMap<String, String> = rewrites.into_iter().collect();
    apply_rewrites(doc, &map);
}

/// Every `$ref` string in `v` (anywhere: rewriting must also reach refs in unusual places).
fn collect_refs(v: &Value, out: &mut Vec<String>) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                stack.extend(m.values());
            }
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
}

fn apply_rewrites(v: &mut Value, map: &std::collections::HashMap<String, String>) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get_mut("$ref")
                    && let Some(new) = map.get(r.as_str())
                {
                    *r = new.clone();
                }
                stack.extend(m.values_mut());
            }
            Value::Array(a) => stack.extend(a.iter_mut()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(mut doc: Value) -> (Value, Diagnostics) {
        let mut diags = Diagnostics::new();
        normalize(&mut doc, &mut diags);
        (doc, diags)
    }

    fn doc_with(schema: Value) -> Value {
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
               "components": {"schemas": {"S": schema}}})
    }

    #[test]
    fn a_31_document_becomes_30() {
        let doc = json!({
            "openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Name": {"type": ["string", "null"], "const": "x"}}}
        });
        let (doc, diags) = run(doc);
        assert_eq!(
            doc["components"]["schemas"]["Name"],
            json!({"type": "string", "nullable": true, "enum": ["x"]})
        );
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(diags.iter().count(), 0, "{diags:?}");
    }

    fn pointers(diags: &Diagnostics) -> Vec<&str> {
        diags.iter().map(|d| d.pointer.as_str()).collect()
    }

    #[test]
    fn nested_defs_are_hoisted_and_relative_refs_rewritten() {
        let (doc, diags) = run(doc_with(json!({
            "type": "object",
            "properties": {"a": {"$ref": "#/$defs/A"}, "b": {"$ref": "#/components/schemas/S/$defs/A/$defs/B"}},
            "$defs": {"A": {"type": "object", "$defs": {"B": {"type": "string"}},
                            "properties": {"b": {"$ref": "#/components/schemas/S/$defs/A/$defs/B"}}}}
        })));
        assert!(diags.is_empty(), "{diags:#?}");
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["S"]["properties"]["a"]["$ref"],
            "#/components/schemas/A"
        );
        assert_eq!(
            schemas["S"]["properties"]["b"]["$ref"],
            "#/components/schemas/B"
        );
        assert_eq!(
            schemas["A"]["properties"]["b"]["$ref"],
            "#/components/schemas/B"
        );
        assert_eq!(schemas["B"], json!({"type": "string"}));
    }

    #[test]
    fn hoisted_names_never_collide() {
        let mut doc = doc_with(
            json!({"$defs": {"S": {"type": "integer"}}, "properties": {"x": {"$ref": "#/components/schemas/S/$defs/S"}}}),
        );
        let (doc, _) = {
            let mut diags = Diagnostics::new();
            let moved = normalize(&mut doc, &mut diags);
            assert_eq!(
                moved,
                [Moved {
                    to: "/components/schemas/S_S".into(),
                    from: "/components/schemas/S/$defs/S".into()
                }]
            );
            (doc, diags)
        };
        assert_eq!(
            doc["components"]["schemas"]["S_S"],
            json!({"type": "integer"})
        );
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"]["x"]["$ref"],
            "#/components/schemas/S_S"
        );
    }

    #[test]
    fn null_only_and_multi_type_with_existing_any_of() {
        let (doc, _) = run(doc_with(json!({"properties": {
            "n": {"type": "null"},
            "m": {"type": ["null"]},
            "u": {"type": ["string", "object"], "anyOf": [{"required": ["a"]}], "properties": {"a": {}}},
            "num": {"type": ["integer", "number", "null"]}
        }})));
        let p = &doc["components"]["schemas"]["S"]["properties"];
        assert_eq!(p["n"], json!({"nullable": true, "enum": [null]}));
        assert_eq!(p["m"], json!({"nullable": true, "enum": [null]}));
        assert_eq!(
            p["u"],
            json!({"anyOf": [{"required": ["a"]}],
                   "allOf": [{"anyOf": [{"type": "string"}, {"type": "object", "properties": {"a": {}}}]}]})
        );
        assert_eq!(p["num"], json!({"nullable": true, "type": "number"}));
    }

    #[test]
    fn integer_bounds_round_inward_and_bad_counts_warn() {
        let (doc, diags) = run(doc_with(
            json!({"type": "integer", "minimum": 0.5, "exclusiveMinimum": true,
            "maximum": 9.9, "multipleOf": 0.5, "minLength": -1, "maxLength": 2.0}),
        ));
        let s = &doc["components"]["schemas"]["S"];
        assert_eq!(
            s,
            &json!({"type": "integer", "minimum": 1, "exclusiveMinimum": false, "maximum": 9, "maxLength": 2})
        );
        assert_eq!(
            pointers(&diags),
            [
                "/components/schemas/S/multipleOf",
                "/components/schemas/S/minLength"
            ]
        );
    }

    #[test]
    fn stricter_bound_wins_when_both_forms_are_given() {
        let (doc, _) = run(doc_with(
            json!({"type": "number", "minimum": 5, "exclusiveMinimum": 1,
            "maximum": 10, "exclusiveMaximum": 10}),
        ));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "number", "minimum": 5, "maximum": 10, "exclusiveMaximum": true})
        );
    }

    #[test]
    fn every_dropped_keyword_is_a_warning_with_its_pointer() {
        let (doc, diags) = run(doc_with(
            json!({"type": "object", "dependentRequired": {"a": ["b"]},
            "unevaluatedProperties": false, "propertyNames": {"pattern": "^a"}, "$id": "x", "$anchor": "y",
            "$schema": "https://json-schema.org/draft/2020-12/schema", "$comment": "c"}),
        ));
        assert_eq!(doc["components"]["schemas"]["S"], json!({"type": "object"}));
        let mut ptrs = pointers(&diags);
        ptrs.sort();
        assert_eq!(
            ptrs,
            [
                "/components/schemas/S/$anchor",
                "/components/schemas/S/$id",
                "/components/schemas/S/dependentRequired",
                "/components/schemas/S/propertyNames",
                "/components/schemas/S/unevaluatedProperties",
            ]
        );
    }

    #[test]
    fn ref_with_only_extensions_stays_a_plain_ref() {
        let (doc, _) = run(doc_with(
            json!({"properties": {"a": {"$ref": "#/components/schemas/S", "x-go": "A"}}}),
        ));
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"]["a"],
            json!({"$ref": "#/components/schemas/S", "x-go": "A"})
        );
    }

    #[test]
    fn missing_paths_warn_in_30_only_and_missing_info_is_filled() {
        let (doc, diags) = run(json!({"openapi": "3.1.0"}));
        assert_eq!(doc["paths"], json!({}));
        assert_eq!(doc["info"], json!({"title": "", "version": ""}));
        assert!(!pointers(&diags).contains(&"/paths"));
        let (_, diags) = run(json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"}}));
        assert_eq!(pointers(&diags), ["/paths"]);
    }

    #[test]
    fn path_item_ref_loops_are_errors_and_the_path_is_dropped() {
        let (doc, diags) = run(
            json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"$ref": "#/components/pathItems/A"}, "/b": {"$ref": "#/components/pathItems/Nope"}},
            "components": {"pathItems": {"A": {"$ref": "#/components/pathItems/B"}, "B": {"$ref": "#/components/pathItems/A"}}}}),
        );
        assert_eq!(doc["paths"], json!({}));
        assert_eq!(diags.error_count(), 2, "{diags:#?}");
        assert!(diags.iter().any(|d| d.message.contains("loops back")));
        assert!(diags.iter().any(|d| {
            d.message
                .contains("`#/components/pathItems/Nope` does not exist")
        }));
    }
}
