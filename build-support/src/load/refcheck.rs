//! Checks every local `$ref` of the bundled, normalised document: the target exists, it is the
//! kind of object expected where the reference sits, and a chain of references (a reference to a
//! reference ...) ends in a definition. A schema that refers to itself through properties or items
//! is a legal recursive schema; only a loop made of nothing but references is an error.
//!
//! A broken reference where tools do not need the target is salvaged, not an error: a schema
//! reference accepts any value, a response reference becomes a response without content, and
//! anything under `callbacks` is ignored. Each says so in a warning naming its pointer.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

use super::bundle::split_ref;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::normalize::walk::{Kind, walk};
use openapi_tools_runtime::pointer;

/// Longest reference chain followed before giving up.
const MAX_CHAIN: usize = 64;

/// Checks the references of `doc`; percent-encoded local references are rewritten decoded so
/// downstream can use them as plain JSON pointers.
pub(crate) fn check(doc: &mut Value, diags: &mut Diagnostics) {
    let mut sites: Vec<(String, Kind, String)> = Vec::new();
    walk(doc, Kind::Document, "", &mut |node, kind, ptr| {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            sites.push((ptr.to_owned(), kind, r.to_owned()));
        }
    });
    let mut reported_cycles: HashSet<BTreeSet<String>> = HashSet::new();
    let mut decoded = Vec::new();
    let mut salvaged: Vec<(String, Value)> = Vec::new();
    // Whether a reference is sound depends only on its text and the kind expected where it
    // sits, and most references repeat (GitHub: 20,000 sites, a few thousand distinct): each
    // pair found sound once is not resolved again.
    let mut sound: HashSet<(&str, Kind)> = HashSet::new();
    for (ptr, kind, reference) in &sites {
        if sound.contains(&(reference.as_str(), *kind)) {
            if reference.contains('%') {
                decoded.push((ptr.clone(), format!("#{}", split_ref(reference).1)));
            }
            continue;
        }
        let (file, fragment) = split_ref(reference);
        if !file.is_empty() {
            // The bundler reported why it could not import this one.
            continue;
        }
        if reference.contains('%') {
            decoded.push((ptr.clone(), format!("#{fragment}")));
        }
        let Some(target) = doc.pointer(&fragment) else {
            let problem = format!("reference target `#{fragment}` does not exist");
            match salvage(ptr, *kind) {
                Some((replacement, what)) => {
                    diags.warning(ptr, format!("{problem}; {what}"));
                    salvaged.extend(replacement.map(|r| (ptr.clone(), r)));
                }
                None => diags.push(
                    Diagnostic::error(ptr, problem)
                        .with_hint("check the spelling of the component name and its section"),
                ),
            }
            continue;
        };
        if let Some(expected) = section_kind(&fragment)
            && expected != *kind
        {
            let problem = format!(
                "`$ref` to `#{fragment}` names a {} where a {} is expected",
                expected.noun(),
                kind.noun()
            );
            match salvage(ptr, *kind) {
                Some((replacement, what)) => {
                    diags.warning(ptr, format!("{problem}; {what}"));
                    salvaged.extend(replacement.map(|r| (ptr.clone(), r)));
                }
                None => diags.error(ptr, problem),
            }
            continue;
        }
        let before = diags.len();
        follow_chain(doc, ptr, &fragment, target, diags, &mut reported_cycles);
        if diags.len() == before {
            sound.insert((reference.as_str(), *kind));
        }
    }
    for (ptr, r) in decoded {
        if let Some(Value::Object(obj)) = doc.pointer_mut(&ptr) {
            obj.insert("$ref".to_owned(), Value::String(r));
        }
    }
    for (ptr, replacement) in salvaged {
        if let Some(node) = doc.pointer_mut(&ptr) {
            *node = replacement;
        }
    }
}

/// What stands in for a broken reference at `ptr` (where a `kind` is expected) when tools do
/// not need its target, and how the warning says so; `None` when the reference matters to a tool
/// (a parameter, a request body, ...) and stays an error. `Some((None, _))`: left as it is.
fn salvage(ptr: &str, kind: Kind) -> Option<(Option<Value>, &'static str)> {
    if ptr.contains("/callbacks/") {
        return Some((None, "callbacks are not used by tools, so this is ignored"));
    }
    match kind {
        Kind::Schema => Some((
            Some(Value::Object(serde_json::Map::new())),
            "accepting any value here",
        )),
        Kind::Response => Some((
            Some(serde_json::json!({"description": ""})),
            "read as a response without content (responses do not shape tools)",
        )),
        Kind::Example | Kind::Link | Kind::Header => {
            Some((None, "ignored (it does not shape tools)"))
        }
        _ => None,
    }
}

/// The kind held at `/components/<section>/<name>` (exactly that deep), if known.
fn section_kind(fragment: &str) -> Option<Kind> {
    let rest = fragment.strip_prefix("/components/")?;
    let (section, name) = rest.split_once('/')?;
    if name.contains('/') {
        return None;
    }
    Kind::from_section(section)
}

/// A node that is nothing but a reference (extensions aside).
fn pure_ref(node: &Value) -> Option<&str> {
    let obj = node.as_object()?;
    let r = obj.get("$ref")?.as_str()?;
    obj.keys()
        .all(|k| k == "$ref" || k.starts_with("x-") || k == "summary" || k == "description")
        .then_some(r)
}

fn follow_chain<'d>(
    doc: &'d Value,
    ptr: &str,
    first: &str,
    mut node: &'d Value,
    diags: &mut Diagnostics,
    reported: &mut HashSet<BTreeSet<String>>,
) {
    let mut chain = vec![first.to_owned()];
    while let Some(next) = pure_ref(node) {
        let Some(fragment) = pointer::ref_pointer(next).map(std::borrow::Cow::into_owned) else {
            return;
        };
        if let Some(start) = chain.iter().position(|c| *c == fragment) {
            let cycle: Vec<String> = chain
                .get(start..)
                .map(<[String]>::to_vec)
                .unwrap_or_default();
            let key: BTreeSet<String> = cycle.iter().cloned().collect();
            if reported.insert(key) {
                let mut shown: Vec<String> = cycle.iter().map(|c| format!("#{c}")).collect();
                shown.push(format!("#{fragment}"));
                diags.push(Diagnostic::error(
                    ptr,
                    format!(
                        "reference cycle {} never reaches a definition",
                        shown.join(" -> ")
                    ),
                ));
            }
            return;
        }
        if chain.len() >= MAX_CHAIN {
            diags.error(
                ptr,
                format!("reference chain longer than {MAX_CHAIN} links"),
            );
            return;
        }
        let Some(target) = doc.pointer(&fragment) else {
            return; // reported at the reference that names it
        };
        chain.push(fragment);
        node = target;
    }
}
