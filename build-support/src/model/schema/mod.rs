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

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;

use indexmap::IndexMap;
use openapi_tools_runtime::hash::canonical_text;
use openapi_tools_runtime::render::schema_nodes;
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
    /// Schema nodes of the canonical form ([`schema_nodes`]), what it costs a tool's budget.
    pub nodes: usize,
    /// The canonical form's [`canonical_text`], what every tool carrying it hashes (written
    /// once, on first use).
    canonical: OnceCell<Vec<u8>>,
}

impl Def {
    /// [`canonical_text`] of [`Def::done`]'s schema, computed once.
    pub(crate) fn canonical(&self) -> &[u8] {
        self.canonical
            .get_or_init(|| canonical_text(&self.done.schema))
    }
}

/// The `$defs` one tool reaches, split by its schema budget (see [`SchemaSet::closure`]).
#[derive(Debug, Default)]
pub(crate) struct Closure {
    /// Definitions carried in full, by name.
    pub expanded: BTreeMap<String, Rc<Def>>,
    /// Definitions that expanded ones (or the tool's own properties) reference but that did not
    /// fit the budget: each is carried as a [`SchemaSet::stub`].
    pub cut: BTreeMap<String, Rc<Def>>,
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
        let names = DefNames::new(
            schemas
                .into_iter()
                .flat_map(|s| s.keys().map(String::as_str)),
        );
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
        let pointer = reference.strip_prefix('#').unwrap_or(&reference).to_owned();
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
        let nodes = schema_nodes(&done.schema, usize::MAX);
        let def = Rc::new(Def {
            wire_form,
            done,
            nodes,
            canonical: OnceCell::new(),
        });
        self.defs.insert(name.to_owned(), Slot::Done(def.clone()));
        Some(def)
    }

    /// The definitions reachable from `roots`, expanded breadth first (nearest to the tool's
    /// own properties first) while `used` plus their [`Def::nodes`] stays within `budget`. From
    /// the first definition that does not fit on, every definition still queued is cut (and
    /// what only it references is not visited), so the expanded part is a connected prefix of
    /// the graph and a tool costs at most about `budget` nodes however large the component
    /// graph it touches. Maps are sorted by name, so output is deterministic.
    pub(crate) fn closure(
        &mut self,
        roots: &BTreeSet<String>,
        used: usize,
        budget: usize,
        diags: &mut Diagnostics,
    ) -> Closure {
        let mut out = Closure::default();
        let mut seen: HashSet<String> = roots.iter().cloned().collect();
        let mut queue: VecDeque<String> = roots.iter().cloned().collect();
        let mut used = used;
        let mut full = false;
        while let Some(name) = queue.pop_front() {
            let Some(def) = self.def(&name, diags) else {
                continue;
            };
            full = full || used.saturating_add(def.nodes) > budget;
            if full {
                out.cut.insert(name, def);
                continue;
            }
            used += def.nodes;
            for r in &def.done.refs {
                if seen.insert(r.clone()) {
                    queue.push_back(r.clone());
                }
            }
            out.expanded.insert(name, def);
        }
        out
    }

    /// What a cut definition becomes in a tool's `$defs`: its type (so an object stays an
    /// object) and a description naming the component, accepting any value of that type.
    pub(crate) fn stub(&self, name: &str, def: &Def, budget: usize) -> Value {
        let schema = &def.done.schema;
        let mut out = serde_json::Map::new();
        let ty = schema.get("type").cloned().or_else(|| {
            schema
                .get("properties")
                .map(|_| Value::String("object".into()))
        });
        let reference = self.def_refs.get(name).map_or(name, String::as_str);
        let component = reference
            .strip_prefix(COMPONENT_SCHEMAS)
            .map_or_else(|| reference.to_owned(), decode_token);
        let kind = match &ty {
            Some(Value::String(t)) if t == "object" => "any object",
            Some(Value::String(t)) if t == "array" => "any array",
            Some(_) => "any value of its type",
            None => "any value",
        };
        let note = format!(
            "`{component}`, not expanded: this tool's schema reached its size limit of {budget} \
             schema nodes; {kind} is accepted here."
        );
        let description = match schema.get("description").and_then(Value::as_str) {
            Some(d) if !d.trim().is_empty() => format!("{} {note}", d.trim_end()),
            _ => note,
        };
        if let Some(ty) = ty {
            out.insert("type".into(), ty);
        }
        out.insert("description".into(), Value::String(description));
        Value::Object(out)
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
    pub(crate) fn wire_form(
        &mut self,
        node: Node<'a>,
        spec_pointer: &str,
        cx: &mut Cx<'_>,
    ) -> Value {
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
