//! JSON -> `openapiv3::OpenAPI`, without letting one bad operation or component sink the whole
//! document.
//!
//! The whole document is read first (one pass, from a borrowed value: no copy of a 13 MB tree).
//! When that fails, each path item, operation and component is read on its own; each one that
//! fails is reported at the deepest node that fails (found by reading its children, since
//! `openapiv3`'s untagged `ReferenceOr` hides the inner path from `serde_path_to_error`) and is
//! removed (a component schema is replaced by an empty schema so references to it still resolve).
//! Then the document is read again; what still fails outside paths and components is removed by
//! the path `serde_path_to_error` reports, a bounded number of times.

use openapiv3::{
    Callback, Encoding, Example, Header, Link, MediaType, OpenAPI, Operation, Parameter, PathItem,
    ReferenceOr, RequestBody, Response, Schema, SecurityScheme,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::operation_label;
use crate::diagnostics::{Diagnostic, Diagnostics, escape_pointer_token};
use crate::normalize::walk::{Kind, MAX_DEPTH, METHODS, Tok, push_tokens, visit_children};

/// How many times a document-level part is removed and the read retried.
const MAX_RETRIES: usize = 16;

/// Reads `doc` as `openapiv3`, removing (with an error each) the parts it cannot read.
pub(crate) fn read(doc: &mut Value, diags: &mut Diagnostics) -> Option<OpenAPI> {
    drop_unreadable_callbacks(doc, diags);
    // The direct reading first (see `fast`), then plain serde: path tracking costs ~20% and is
    // only needed when something fails.
    if let Some(api) = super::fast::openapi(doc) {
        return Some(api);
    }
    if let Ok(api) = OpenAPI::deserialize(&*doc) {
        return Some(api);
    }
    let first = match serde_path_to_error::deserialize::<_, OpenAPI>(&*doc) {
        Ok(api) => return Some(api),
        Err(e) => e,
    };
    prune_paths(doc, diags);
    prune_components(doc, diags);
    let mut last = first;
    for _ in 0..MAX_RETRIES {
        match serde_path_to_error::deserialize::<_, OpenAPI>(&*doc) {
            Ok(api) => return Some(api),
            Err(e) => {
                let ptr = to_pointer(e.path());
                if !remove_top_level(doc, &ptr, &e.inner().to_string(), diags) {
                    last = e;
                    break;
                }
                last = e;
            }
        }
    }
    diags.error(
        to_pointer(last.path()),
        format!("the document cannot be read as OpenAPI: {}", last.inner()),
    );
    None
}

/// Removes each operation callback that cannot be read (e.g. a `$ref` where `openapiv3` expects
/// a map of path items): callbacks never shape a tool, so the operation must not be lost for one.
fn drop_unreadable_callbacks(doc: &mut Value, diags: &mut Diagnostics) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (key, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(Value::Object(callbacks)) =
                item.get_mut(method).and_then(|op| op.get_mut("callbacks"))
            else {
                continue;
            };
            callbacks.retain(|name, callback| {
                let Err(e) = serde_path_to_error::deserialize::<_, Callback>(&*callback) else {
                    return true;
                };
                let mut ptr = format!("/paths/{}/{method}/callbacks", escape_pointer_token(key));
                push_tokens(&mut ptr, &[Tok::Key(name)]);
                diags.warning(
                    format!("{ptr}{}", to_pointer(e.path())),
                    format!(
                        "callback `{name}` cannot be read ({}); callbacks are not used by tools, \
                         so it is ignored",
                        e.inner()
                    ),
                );
                false
            });
        }
    }
}

fn to_pointer(path: &serde_path_to_error::Path) -> String {
    let mut ptr = String::new();
    for seg in path {
        match seg {
            serde_path_to_error::Segment::Seq { index } => {
                push_tokens(&mut ptr, &[Tok::Index(*index)])
            }
            serde_path_to_error::Segment::Map { key } => push_tokens(&mut ptr, &[Tok::Key(key)]),
            _ => {}
        }
    }
    ptr
}

/// The error `openapiv3` gives for `node` read as `kind`, or `None` when it reads.
fn try_kind(node: &Value, kind: Kind) -> Option<(String, String)> {
    fn t<'a, T: Deserialize<'a>>(node: &'a Value) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(node)
            .err()
            .map(|e| (to_pointer(e.path()), e.inner().to_string()))
    }
    match kind {
        Kind::Document => t::<OpenAPI>(node),
        Kind::PathItem => t::<ReferenceOr<PathItem>>(node),
        Kind::Operation => t::<Operation>(node),
        Kind::Parameter => t::<ReferenceOr<Parameter>>(node),
        Kind::RequestBody => t::<ReferenceOr<RequestBody>>(node),
        Kind::Response => t::<ReferenceOr<Response>>(node),
        Kind::Header => t::<ReferenceOr<Header>>(node),
        Kind::MediaType => t::<MediaType>(node),
        Kind::Encoding => t::<Encoding>(node),
        Kind::Example => t::<ReferenceOr<Example>>(node),
        Kind::Link => t::<ReferenceOr<Link>>(node),
        Kind::Callback => t::<ReferenceOr<Callback>>(node),
        Kind::SecurityScheme => t::<ReferenceOr<SecurityScheme>>(node),
        Kind::Schema => t::<ReferenceOr<Schema>>(node),
    }
}

/// The deepest failing node under `node` (which fails as `kind`): its pointer and the error.
fn drill(node: &mut Value, kind: Kind, ptr: String, depth: usize) -> (String, String) {
    let Some((inner, message)) = try_kind(node, kind) else {
        return (ptr, String::new());
    };
    let mut deeper = None;
    if depth < MAX_DEPTH {
        visit_children(node, kind, &mut |toks, child, child_kind| {
            if deeper.is_none() && try_kind(child, child_kind).is_some() {
                let mut p = ptr.clone();
                push_tokens(&mut p, toks);
                deeper = Some(drill(child, child_kind, p, depth + 1));
            }
        });
    }
    deeper.unwrap_or_else(|| (format!("{ptr}{inner}"), message))
}

fn prune_paths(doc: &mut Value, diags: &mut Diagnostics) {
    let keys: Vec<String> = match doc.get("paths") {
        Some(Value::Object(paths)) => paths
            .keys()
            .filter(|k| k.starts_with('/'))
            .cloned()
            .collect(),
        _ => return,
    };
    for key in keys {
        let base = format!("/paths/{}", escape_pointer_token(&key));
        let Some(item) = doc.pointer(&base) else {
            continue;
        };
        if try_kind(item, Kind::PathItem).is_none() {
            continue;
        }
        for method in METHODS {
            let ptr = format!("{base}/{method}");
            let label = operation_label(doc, &key, method);
            let Some(op) = doc.pointer_mut(&ptr) else {
                continue;
            };
            if try_kind(op, Kind::Operation).is_none() {
                continue;
            }
            let (at, message) = drill(op, Kind::Operation, ptr.clone(), 0);
            diags.push(
                Diagnostic::error(at, format!("operation skipped: {message}"))
                    .with_operation(label),
            );
            if let Some(Value::Object(item)) = doc.pointer_mut(&base) {
                item.shift_remove(method);
            }
        }
        if let Some(item) = doc.pointer_mut(&base)
            && try_kind(item, Kind::PathItem).is_some()
        {
            let (at, message) = drill(item, Kind::PathItem, base.clone(), 0);
            diags.error(
                at,
                format!("every operation of path `{key}` skipped: {message}"),
            );
            if let Some(Value::Object(paths)) = doc.get_mut("paths") {
                paths.shift_remove(&key);
            }
        }
    }
}

fn prune_components(doc: &mut Value, diags: &mut Diagnostics) {
    let Some(Value::Object(components)) = doc.get_mut("components") else {
        return;
    };
    for (section, items) in components.iter_mut() {
        let Some(kind) = Kind::from_section(section) else {
            continue;
        };
        let Some(items) = items.as_object_mut() else {
            continue;
        };
        let mut remove = Vec::new();
        for (name, item) in items.iter_mut() {
            if try_kind(item, kind).is_none() {
                continue;
            }
            let ptr = format!("/components/{section}/{}", escape_pointer_token(name));
            let (at, message) = drill(item, kind, ptr, 0);
            if kind == Kind::Schema {
                // Salvaged, not lost: references to it still resolve, to "any value".
                diags.warning(
                    at,
                    format!(
                        "schema `{name}` cannot be read and accepts anything instead: {message}"
                    ),
                );
                *item = json!({});
            } else {
                diags.error(at, format!("{} `{name}` skipped: {message}", kind.noun()));
                remove.push(name.clone());
            }
        }
        for name in remove {
            items.shift_remove(&name);
        }
    }
}

/// Removes the optional document-level part at `ptr` (a server, a tag, a security requirement,
/// externalDocs). Returns false when there is nothing sensible to remove.
fn remove_top_level(doc: &mut Value, ptr: &str, message: &str, diags: &mut Diagnostics) -> bool {
    let mut tokens = openapi_tools_runtime::pointer::tokens(ptr);
    let Some(first) = tokens.next().map(|t| t.into_owned()) else {
        return false;
    };
    let Some(root) = doc.as_object_mut() else {
        return false;
    };
    match first.as_str() {
        "servers" | "tags" | "security" => {
            let index = tokens.next().and_then(|t| t.parse::<usize>().ok());
            match (index, root.get_mut(&first)) {
                (Some(i), Some(Value::Array(list))) if i < list.len() => {
                    list.remove(i);
                    diags.error(ptr, format!("{first} entry skipped: {message}"));
                }
                _ => {
                    root.remove(&first);
                    diags.error(format!("/{first}"), format!("`{first}` skipped: {message}"));
                }
            }
            true
        }
        "externalDocs" | "components" => {
            root.remove(&first);
            diags.error(format!("/{first}"), format!("`{first}` skipped: {message}"));
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_file;
    use std::path::Path;

    /// The direct reading must agree with `openapiv3`'s serde reading on every real document:
    /// the bundled fixtures always, the shared corpus when present.
    #[test]
    fn fast_reading_equals_serde_on_fixtures_and_corpus() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let fixtures = compare_fast_and_serde(&openapi_tools_test_support::spec_files(
            root.join("../fixtures/load"),
        ));
        assert!(fixtures >= 4, "only {fixtures} fixtures loaded");
        let corpus_what = "corpus part of fast_reading_equals_serde";
        if let Some(dir) = openapi_tools_test_support::corpus_or_skip(root, corpus_what) {
            let compared = compare_fast_and_serde(&openapi_tools_test_support::spec_files(dir));
            assert!(compared >= 6, "only {compared} corpus documents loaded");
        }
    }

    /// Compares both readings on every file that loads; returns how many were compared.
    fn compare_fast_and_serde(files: &[std::path::PathBuf]) -> usize {
        let mut compared = 0;
        for path in files {
            let mut diags = Diagnostics::new();
            let Some(spec) = load_file(path, &mut diags) else {
                continue;
            };
            let by_serde = OpenAPI::deserialize(&spec.document).unwrap();
            let fast = crate::load::fast::openapi(&spec.document);
            assert!(
                fast.is_some(),
                "{}: direct reading fell back to serde",
                path.display()
            );
            assert!(
                fast.as_ref() == Some(&by_serde),
                "{}: readings differ",
                path.display()
            );
            compared += 1;
        }
        compared
    }

    #[test]
    fn odd_shapes_fall_back_to_serde() {
        let doc = serde_json::json!({"openapi": "3.0.0", "info": {"title": "t", "version": "1"},
            "paths": {}, "components": {"schemas": {"A": {"type": "string", "nullable": "yes"}}}});
        assert!(crate::load::fast::openapi(&doc).is_none());
        let mut doc = doc;
        let mut diags = Diagnostics::new();
        let api = read(&mut doc, &mut diags).unwrap();
        // Salvaged (the schema accepts anything), so a warning, not an error.
        assert_eq!((diags.error_count(), diags.warning_count()), (0, 1));
        assert!(api.components.unwrap().schemas.contains_key("A"));
    }
}
