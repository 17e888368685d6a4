//! OpenAPI 3.0 schemas -> canonical JSON Schema 2020-12 (the contract in the brief).
//!
//! Component schemas become `$defs` entries, converted once per tool set and shared by every
//! tool that reaches them (GitHub's 1,223 operations share 969 schemas). Each tool's `$defs` is
//! exactly the closure of what its input properties reference.
//!
//! Conversion happens in two steps: [`convert`] turns OpenAPI into JSON Schema with properties
//! still keyed by wire name (so `allOf` members merge by what the API calls them), then
//! [`finalize`] gives every object level provider-safe names and records the wire names.

mod convert;
pub(crate) mod finalize;
pub(crate) mod lookup;
mod merge;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics, pointer_join};
use crate::model::names::DefNames;
pub(crate) use finalize::{DEFS_PREFIX, Finalized, finalize};
pub(crate) use lookup::{COMPONENT_SCHEMAS, Lookup, Node, decode_token};

/// One converted component schema.
#[derive(Debug)]
pub(crate) struct Def {
    /// Wire-space form, inlined when an `allOf` merges this schema into another.
    pub wire_form: Value,
    /// Canonical form (what goes under `$defs/<name>`), with its renames and direct refs.
    pub done: Finalized,
}

#[derive(Debug)]
enum Slot {
    /// Being converted: reaching it again means an `allOf` cycle, which is not inlined.
    InProgress,
    Done(Rc<Def>),
}

/// Where diagnostics go while converting, and which operation they concern.
pub(crate) struct Cx<'d> {
    pub diags: &'d mut Diagnostics,
    pub operation: Option<String>,
}

impl Cx<'_> {
    pub(crate) fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        let mut d = Diagnostic::warning(pointer, message);
        if let Some(op) = &self.operation {
            d = d.with_operation(op.clone());
        }
        self.diags.push(d);
    }
}

/// All component schemas of one document and their conversions (cached).
pub(crate) struct SchemaSet<'a> {
    lookup: Lookup<'a>,
    names: DefNames,
    /// `$ref` string -> `$defs` name (`None` for references that do not resolve).
    ref_names: HashMap<String, Option<String>>,
    /// `$defs` name -> the `$ref` string it was first reached by.
    def_refs: HashMap<String, String>,
    defs: HashMap<String, Slot>,
}

impl<'a> SchemaSet<'a> {
    /// Prepares the component schemas of a document (names decided here, conversion on demand).
    pub(crate) fn new(schemas: Option<&'a IndexMap<String, ReferenceOr<Schema>>>) -> Self {
        let names = DefNames::new(schemas.into_iter().flat_map(|s| s.keys().map(String::as_str)));
        SchemaSet {
            lookup: Lookup::new(schemas),
            names,
            ref_names: HashMap::new(),
            def_refs: HashMap::new(),
            defs: HashMap::new(),
        }
    }

    /// The resolver for the document's component schemas.
    pub(crate) fn lookup(&self) -> Lookup<'a> {
        self.lookup
    }

    /// The `$defs` name for a reference, or `None` when it does not resolve.
    pub(crate) fn def_name(&mut self, reference: &str) -> Option<String> {
        if let Some(known) = self.ref_names.get(reference) {
            return known.clone();
        }
        let name = self.lookup.resolve(reference).and_then(|_| {
            let tail = reference.strip_prefix(COMPONENT_SCHEMAS)?;
            if tail.contains('/') {
                Some(self.names.deep(tail))
            } else {
                let component = decode_token(tail);
                self.names
                    .get(&component)
                    .map(str::to_owned)
                    .or_else(|| Some(self.names.deep(tail)))
            }
        });
        if let Some(n) = &name {
            self.def_refs
                .entry(n.clone())
                .or_insert_with(|| reference.to_owned());
        }
        self.ref_names.insert(reference.to_owned(), name.clone());
        name
    }

    /// The converted definition `name`, converting it on first use. `None` while it is being
    /// converted (an `allOf` cycle) or when the name is unknown.
    pub(crate) fn def(&mut self, name: &str, diags: &mut Diagnostics) -> Option<Rc<Def>> {
        match self.defs.get(name) {
            Some(Slot::Done(def)) => return Some(def.clone()),
            Some(Slot::InProgress) => return None,
            None => {}
        }
        let reference = self.def_refs.get(name)?.clone();
        let node = self.lookup.resolve(&reference)?;
        self.defs.insert(name.to_owned(), Slot::InProgress);
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or(&reference)
            .to_owned();
        let mut cx = Cx {
            diags,
            operation: None,
        };
        let wire_form = if self.lookup.schema_of(node, 0).is_none() {
            cx.warn(
                &pointer,
                "this schema is a chain of `$ref`s that never reaches a schema; accepting any \
                 value here",
            );
            Value::Object(serde_json::Map::new())
        } else {
            self.convert(node, &pointer, 0, &mut cx)
        };
        let done = finalize(&wire_form, "");
        let def = Rc::new(Def { wire_form, done });
        self.defs.insert(name.to_owned(), Slot::Done(def.clone()));
        Some(def)
    }

    /// Every definition reachable from `roots`, by name (sorted, so output is deterministic).
    pub(crate) fn closure(
        &mut self,
        roots: &BTreeSet<String>,
        diags: &mut Diagnostics,
    ) -> BTreeMap<String, Rc<Def>> {
        let mut out = BTreeMap::new();
        let mut queue: Vec<String> = roots.iter().cloned().collect();
        while let Some(name) = queue.pop() {
            if out.contains_key(&name) {
                continue;
            }
            let Some(def) = self.def(&name, diags) else {
                continue;
            };
            for r in &def.done.refs {
                if !out.contains_key(r) {
                    queue.push(r.clone());
                }
            }
            out.insert(name, def);
        }
        out
    }

    /// Converts one schema node to canonical form (pointers of renames start at `base`).
    #[cfg(test)]
    pub(crate) fn canonical(
        &mut self,
        node: Node<'a>,
        spec_pointer: &str,
        base: &str,
        cx: &mut Cx<'_>,
    ) -> Finalized {
        let wire_form = self.convert(node, spec_pointer, 0, cx);
        finalize(&wire_form, base)
    }

    /// Converts one schema node, keeping wire names (for callers that flatten it first).
    pub(crate) fn wire_form(&mut self, node: Node<'a>, spec_pointer: &str, cx: &mut Cx<'_>) -> Value {
        self.convert(node, spec_pointer, 0, cx)
    }

    /// The wire-space form of a node with a top-level `$ref` replaced by its target's (so a body
    /// given as `$ref: Pet` can be flattened), following aliases. Annotations written next to a
    /// reference win over the target's. Other nodes are returned as they are.
    pub(crate) fn inline_top_ref(&mut self, wire_form: Value, diags: &mut Diagnostics) -> Value {
        let mut current = wire_form;
        for _ in 0..lookup::MAX_HOPS {
            let target = current
                .as_object()
                .filter(|m| merge::only_annotations_besides(m, &["$ref"]))
                .and_then(|m| m.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(DEFS_PREFIX))
                .map(str::to_owned);
            let Some(def) = target.and_then(|name| self.def(&name, diags)) else {
                break;
            };
            let mut inlined = def.wire_form.clone();
            if let (Some(into), Some(from)) = (inlined.as_object_mut(), current.as_object()) {
                for (k, v) in from {
                    if k != "$ref" {
                        into.insert(k.clone(), v.clone());
                    }
                }
            }
            current = inlined;
        }
        current
    }
}

/// Pointer of a child keyword of a spec node.
pub(crate) fn child(pointer: &str, token: &str) -> String {
    pointer_join(pointer, token)
}

#[cfg(test)]
mod tests;
