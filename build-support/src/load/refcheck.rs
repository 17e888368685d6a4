//! Checks every local `$ref` of the bundled, normalised document: the target exists, it is the
//! kind of object expected where the reference sits, and a chain of references (a reference to a
//! reference ...) ends in a definition. A schema that refers to itself through properties or items
//! is a legal recursive schema; only a loop made of nothing but references is an error.

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
    for (ptr, kind, reference) in &sites {
        let (file, fragment) = split_ref(reference);
        if !file.is_empty() {
            // The bundler reported why it could not import this one.
            continue;
        }
        if reference.contains('%') {
            decoded.push((ptr.clone(), format!("#{fragment}")));
        }
        let Some(target) = doc.pointer(&fragment) else {
            diags.push(
                Diagnostic::error(
                    ptr,
                    format!("reference target `#{fragment}` does not exist"),
                )
                .with_hint("check the spelling of the component name and its section"),
            );
            continue;
        };
        if let Some(expected) = section_kind(&fragment)
            && expected != *kind
        {
            diags.error(
                ptr,
                format!(
                    "`$ref` to `#{fragment}` names a {} where a {} is expected",
                    expected.noun(),
                    kind.noun()
                ),
            );
            continue;
        }
        follow_chain(doc, ptr, &fragment, target, diags, &mut reported_cycles);
    }
    for (ptr, r) in decoded {
        if let Some(Value::Object(obj)) = doc.pointer_mut(&ptr) {
            obj.insert("$ref".to_owned(), Value::String(r));
        }
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
