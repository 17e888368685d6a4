//! The semantic walk over two canonical input schemas.
//!
//! Both schemas are walked side by side from the root. `$ref`s are resolved inside each
//! schema's own document (the tool's `$defs`) before anything is compared, so where a schema
//! lives (inline or behind a `$ref`, under which `$defs` name) never shows up as a change; only
//! what it accepts does. Recursion through `$ref` terminates: each (old, new) pair of resolved
//! locations is compared once (a shared definition reached twice reports its changes once, at
//! its `$defs` pointer), and the walk stops at [`MAX_DEPTH`].
//!
//! Unions (`anyOf`/`oneOf`) are compared as sets of alternatives: a `{"type": "null"}`
//! alternative (how the canonical schema spells a nullable `$ref`) is folded into a
//! nullability flag; remaining alternatives are paired first by semantic equality, then by
//! type, and unpaired ones are reported as lost (breaking) or gained (widening).
//!
//! A node is its own keywords AND one of its alternatives. When keywords beside the union
//! restrict values (`{type: object, properties, anyOf: [{required: [a]}, ...]}`, also as an
//! alternative of another union), they are compared as one node and the alternatives as a set.
//! Alternatives that only list required properties are compared as sets of names: an old one
//! is still accepted when some new one asks for a subset of what it guaranteed.

use std::cell::Cell;
use std::collections::{BTreeSet, HashSet};
use std::rc::Rc;
use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::{Change, ChangeKind, ChangeSeverity, constraints};
use crate::manifest::ToolManifest;
use crate::{keywords, pointer};

/// Deepest nesting (properties, items, `$ref` hops, union alternatives) the walk follows.
pub const MAX_DEPTH: usize = 64;

/// Schema nodes one tool comparison may visit (probes included) before it gives up with a
/// warning: keeps adversarial unions of recursive schemas from taking exponential time.
pub const NODE_BUDGET: usize = 200_000;

/// Longest chain of `$ref` -> `$ref` hops followed to reach a real schema.
const MAX_REF_HOPS: usize = 32;

static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);
static NOTHING: LazyLock<Map<String, Value>> = LazyLock::new(|| {
    let mut m = Map::new();
    m.insert("not".to_owned(), Value::Object(Map::new()));
    m
});

/// The union keywords, in the order a node's union is looked up.
const UNION_KEYS: [&str; 2] = ["anyOf", "oneOf"];

/// Whether `key` never changes which values a schema accepts: annotations and core keywords
/// of the vocabulary (`description`, `$defs`, ...), `x-` extensions, and OpenAPI's `nullable`,
/// which the walk folds into the node's nullability instead of comparing it as a bound.
fn non_constraining(key: &str) -> bool {
    keywords::is_annotation(key) || key == "nullable" || key.starts_with("x-")
}

/// Whether the walk compares `key` itself: everything the canonical-schema contract allows
/// (see [`crate::keywords`]) except `not` (compared as text by [`Walker::other_keywords`])
/// and `$ref` (a resolved node no longer carries it, so one that remains could not be
/// resolved, a remote reference, and is compared as text), plus what never constrains.
fn handled(key: &str) -> bool {
    non_constraining(key) || (keywords::is_canonical(key) && !matches!(key, "not" | "$ref"))
}

/// A schema node with its `$ref`s resolved. Keywords written next to a `$ref` (2020-12
/// allows them) override the target's: `outer` holds those referencing objects, outermost
/// first.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    base: &'a Map<String, Value>,
    outer: Vec<&'a Map<String, Value>>,
    /// JSON pointer of the resolved schema inside its document.
    pub ptr: String,
    /// Whether at least one `$ref` was followed to get here.
    pub via_ref: bool,
    /// Hides `anyOf` / `oneOf`: the node's own keywords, compared apart from its alternatives.
    own_only: bool,
}

impl<'a> Node<'a> {
    /// Keyword lookup honouring keywords next to `$ref`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        if self.own_only && UNION_KEYS.contains(&key) {
            return None;
        }
        if key != "$ref" {
            for m in &self.outer {
                if let Some(v) = m.get(key) {
                    return Some(v);
                }
            }
        }
        self.base.get(key)
    }

    /// A numeric keyword.
    pub fn num(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(Value::as_f64)
    }

    /// A non-negative integer keyword.
    pub fn uint(&self, key: &str) -> Option<u64> {
        self.get(key)
            .and_then(|v| v.as_u64().or_else(|| v.as_f64().map(|f| f.max(0.0) as u64)))
    }

    /// A string keyword.
    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }

    /// A boolean keyword (absent = false).
    pub fn flag(&self, key: &str) -> bool {
        self.get(key).and_then(Value::as_bool).unwrap_or(false)
    }

    fn keys(&self) -> BTreeSet<&'a str> {
        let mut keys: BTreeSet<&'a str> = self.base.keys().map(String::as_str).collect();
        for m in &self.outer {
            keys.extend(m.keys().map(String::as_str).filter(|k| *k != "$ref"));
        }
        if self.own_only {
            keys.retain(|k| !UNION_KEYS.contains(k));
        }
        keys
    }

    /// The union keyword this node carries (`anyOf` first), if any.
    fn union_key(&self) -> Option<&'static str> {
        UNION_KEYS.iter().copied().find(|k| self.get(k).is_some())
    }

    /// This node without its `anyOf` / `oneOf`: what it says about values by itself.
    fn own(&self) -> Node<'a> {
        Node {
            own_only: true,
            ..self.clone()
        }
    }

    /// `true` when the node's own keywords (union keywords aside) restrict values: a type,
    /// properties, an enum, a bound. Annotations and `$defs` restrict nothing.
    fn own_constrains(&self) -> bool {
        self.keys()
            .iter()
            .any(|k| !UNION_KEYS.contains(k) && !non_constraining(k))
    }

    /// `{required: [...]}` and nothing else that restricts: an alternative that only says
    /// which properties must be present.
    fn is_required_only(&self) -> bool {
        self.get("required").is_some_and(Value::is_array)
            && self
                .keys()
                .iter()
                .all(|k| *k == "required" || non_constraining(k))
    }

    /// `true` for `{}` / `true`: accepts anything.
    fn is_unconstrained(&self) -> bool {
        self.keys().iter().all(|k| non_constraining(k))
    }

    /// Declared types without `"null"`; `None` when no `type` keyword (any type).
    pub fn types(&self) -> Option<BTreeSet<&'a str>> {
        match self.get("type")? {
            Value::String(s) => Some([s.as_str()].into_iter().filter(|t| *t != "null").collect()),
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|t| *t != "null")
                    .collect(),
            ),
            _ => None,
        }
    }

    fn accepts_null_by_type(&self) -> bool {
        let by_type = match self.get("type") {
            Some(Value::String(s)) => s == "null",
            Some(Value::Array(items)) => items.iter().any(|t| t.as_str() == Some("null")),
            _ => false,
        };
        by_type || self.flag("nullable")
    }

    /// A short name for people: the `$defs` name behind a `$ref`, else the types.
    pub fn describe(&self) -> String {
        if self.via_ref
            && let Some(name) = pointer::tokens(&self.ptr).last()
        {
            return format!("`{name}`");
        }
        let types = match (self.types(), self.get("required").and_then(Value::as_array)) {
            (Some(t), _) => type_list(&t),
            // `anyOf: [{required: [a]}, {required: [b]}]` next to `properties`: the
            // alternative is "an object carrying these properties", not "any value".
            (None, Some(names)) if !names.is_empty() => {
                let names: Vec<String> = names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|n| format!("`{n}`"))
                    .collect();
                format!("objects with {}", names.join(", "))
            }
            (None, _) => "any value".to_owned(),
        };
        match enum_values(self) {
            Some(values) if values.len() <= 5 => {
                let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                format!("{types} {}", values.join(" | "))
            }
            _ => types,
        }
    }
}

/// Renders a type set as `string` or `integer | string`.
pub fn type_list(types: &BTreeSet<&str>) -> String {
    if types.is_empty() {
        return "null".to_owned();
    }
    types.iter().copied().collect::<Vec<_>>().join(" | ")
}

/// Escapes a property name for use in a JSON pointer (RFC 6901): the shared
/// [`crate::pointer::escape`].
pub fn escape(name: &str) -> String {
    pointer::escape(name).into_owned()
}

/// Follows `$ref`s (local, `#/...` pointers into `root`) from `value` located at `ptr`.
/// Unresolvable refs stay in place and are compared as raw keywords.
pub fn resolve<'a>(root: &'a Value, value: &'a Value, ptr: &str) -> Node<'a> {
    let mut node = Node {
        base: &EMPTY,
        outer: Vec::new(),
        ptr: ptr.to_owned(),
        via_ref: false,
        own_only: false,
    };
    let mut current = value;
    for _ in 0..MAX_REF_HOPS {
        match current {
            Value::Object(map) => {
                let target = map.get("$ref").and_then(Value::as_str).and_then(|r| {
                    let p = pointer::ref_pointer(r)?;
                    let t = root.pointer(&p);
                    Some((p.into_owned(), t))
                });
                match target {
                    Some((p, Some(t))) => {
                        if map.len() > 1 {
                            node.outer.push(map);
                        }
                        node.ptr = p;
                        node.via_ref = true;
                        current = t;
                    }
                    _ => {
                        node.base = map;
                        return node;
                    }
                }
            }
            Value::Bool(false) => {
                node.base = &NOTHING;
                return node;
            }
            _ => return node,
        }
    }
    // A cycle of pure `$ref`s: leave the last one unresolved.
    if let Value::Object(map) = current {
        node.base = map;
    }
    node
}

/// Per-position context: which top-level input the walk is under and its wire facts.
#[derive(Debug, Clone, Default)]
pub struct Cx {
    /// Top-level property name (`None` at the root).
    pub param: Option<String>,
    /// Wire name of the innermost property.
    pub wire: Option<String>,
    /// `in` of the top-level property.
    pub loc: Option<&'static str>,
    /// Nesting depth.
    pub depth: usize,
    /// `deprecated` from [`crate::manifest::InputParam`] (old, new), for top-level properties.
    pub deprecated_hint: (bool, bool),
}

impl Cx {
    fn deeper(&self) -> Cx {
        Cx {
            depth: self.depth + 1,
            deprecated_hint: (false, false),
            ..self.clone()
        }
    }
}

/// A node split into what it says about itself (annotations) and the alternatives it accepts.
struct View<'a> {
    union: Option<&'static str>,
    nullable: bool,
    /// The alternatives (flattened, null folded into `nullable`), or the node itself.
    branches: Vec<Node<'a>>,
    /// The node without its union keywords, when its alternatives are compared as a set
    /// beside it (`None`: no union, or a one-alternative union that is that alternative).
    own: Option<Node<'a>>,
    /// The resolved node.
    node: Node<'a>,
    description: Option<&'a Value>,
    title: Option<&'a Value>,
    default: Option<&'a Value>,
    deprecated: bool,
}

impl<'a> View<'a> {
    /// The node's own keywords when its alternatives are compared beside it; the one
    /// alternative of `anyOf: [X]`; else the node itself.
    fn own_or_node(&self) -> Node<'a> {
        match (&self.own, self.union, self.branches.first()) {
            (Some(own), _, _) => own.clone(),
            (None, Some(_), Some(only)) => only.clone(),
            _ => self.node.clone(),
        }
    }
}

/// `objects with `a`, objects with `b`, `c`` / `string, integer` for a list of alternatives.
fn describe_all(branches: &[Node<'_>]) -> String {
    let parts: Vec<String> = branches.iter().map(Node::describe).collect();
    parts.join("; ")
}

/// `` `a` `` or `` `b`, `c` `` for `required` lists, `; ` between alternatives.
/// What each alternative guarantees a valid object carries: its `required` names plus the
/// node's own (`own`); without alternatives, the node's own names alone.
fn carried<'a>(
    alts: Option<&[BTreeSet<&'a str>]>,
    own: &HashSet<&'a str>,
) -> Vec<BTreeSet<&'a str>> {
    match alts {
        Some(alts) => alts
            .iter()
            .map(|a| a.iter().chain(own).copied().collect())
            .collect(),
        None => vec![own.iter().copied().collect()],
    }
}

/// What each alternative asks for beyond the node's own `required` (`own`); without
/// alternatives, nothing.
fn asks<'a>(alts: Option<&[BTreeSet<&'a str>]>, own: &HashSet<&'a str>) -> Vec<BTreeSet<&'a str>> {
    match alts {
        Some(alts) => alts
            .iter()
            .map(|a| a.iter().filter(|p| !own.contains(*p)).copied().collect())
            .collect(),
        None => vec![BTreeSet::new()],
    }
}

fn required_sets(sets: &[BTreeSet<&str>]) -> String {
    let parts: Vec<String> = sets.iter().map(|s| names(s)).collect();
    parts.join("; ")
}

fn names(set: &BTreeSet<&str>) -> String {
    let names: Vec<String> = set.iter().map(|n| format!("`{n}`")).collect();
    names.join(", ")
}

/// `objects with `a`, `b`` (`any object` for an empty list).
fn objects_with(set: &BTreeSet<&str>) -> String {
    if set.is_empty() {
        "any object".to_owned()
    } else {
        format!("objects with {}", names(set))
    }
}

/// Walks two versions of one tool's input schema and collects [`Change`]s.
pub struct Walker<'a> {
    old_root: &'a Value,
    new_root: &'a Value,
    old_tool: &'a ToolManifest,
    new_tool: &'a ToolManifest,
    /// (is a body comparison, old pointer, new pointer) pairs already compared: node-level
    /// pairs stop recursion through unions of inline alternatives, body-level pairs stop it
    /// through `$ref`ed alternatives.
    visited: HashSet<(bool, String, String)>,
    budget: Rc<Cell<usize>>,
    out: Vec<Change>,
}

impl<'a> Walker<'a> {
    /// A walker over the input schemas of two versions of the same tool.
    pub fn new(old_tool: &'a ToolManifest, new_tool: &'a ToolManifest) -> Self {
        Walker {
            old_root: &old_tool.input_schema,
            new_root: &new_tool.input_schema,
            old_tool,
            new_tool,
            visited: HashSet::new(),
            budget: Rc::new(Cell::new(NODE_BUDGET)),
            out: Vec::new(),
        }
    }

    /// Compares the two input schemas from the root.
    pub fn run(mut self) -> Vec<Change> {
        let (old, new) = (self.old_root, self.new_root);
        self.node(old, "", new, "", &Cx::default());
        if self.budget.get() == 0 {
            self.emit(
                &Cx::default(),
                "",
                ChangeKind::ConstraintChanged,
                ChangeSeverity::Warning,
                format!("comparison stopped after {NODE_BUDGET} schema nodes; later differences not analysed"),
            );
        }
        self.out
    }

    /// Records one change at `pointer` with the wire facts of `cx`.
    pub fn emit(
        &mut self,
        cx: &Cx,
        pointer: &str,
        kind: ChangeKind,
        severity: ChangeSeverity,
        detail: impl Into<String>,
    ) {
        let mut change = Change::new(
            &self.new_tool.name,
            self.new_tool.operation_id.as_deref(),
            kind,
            severity,
            detail,
        );
        change.param = cx.param.clone();
        change.wire_name = cx.wire.clone();
        change.location = cx.loc.map(str::to_owned);
        change.pointer = Some(pointer.to_owned());
        self.out.push(change);
    }

    fn node(&mut self, old: &'a Value, old_ptr: &str, new: &'a Value, new_ptr: &str, cx: &Cx) {
        let left = self.budget.get();
        if left == 0 {
            return;
        }
        self.budget.set(left - 1);
        if cx.depth > MAX_DEPTH {
            if old != new {
                self.emit(
                    cx,
                    new_ptr,
                    ChangeKind::ConstraintChanged,
                    ChangeSeverity::Warning,
                    format!("schema nested deeper than {MAX_DEPTH} levels changed; not analysed"),
                );
            }
            return;
        }
        let o = resolve(self.old_root, old, old_ptr);
        let n = resolve(self.new_root, new, new_ptr);
        // Keywords written next to a `$ref` belong to this location, not to the definition:
        // such nodes are keyed (and their annotations reported) by where they are written.
        let local = !o.outer.is_empty() || !n.outer.is_empty();
        let key = if local {
            (false, old_ptr.to_owned(), new_ptr.to_owned())
        } else {
            (false, o.ptr.clone(), n.ptr.clone())
        };
        if (o.via_ref || n.via_ref) && !self.visited.insert(key) {
            return;
        }
        let ann_ptr = if local {
            new_ptr.to_owned()
        } else {
            n.ptr.clone()
        };
        let ov = self.view(o, self.old_root, cx.depth);
        let nv = self.view(n.clone(), self.new_root, cx.depth);
        self.annotations(&ov, &nv, &ann_ptr, cx);

        self.union_flags(&ov, &nv, &n.ptr, cx);
        self.compare_views(&ov, &nv, &n.ptr, &cx.deeper());
    }

    /// `anyOf` <-> `oneOf` and nullability, which belong to the node as a whole.
    fn union_flags(&mut self, ov: &View<'a>, nv: &View<'a>, ptr: &str, cx: &Cx) {
        match (ov.union, nv.union) {
            (Some(a), Some(b)) if a != b && (ov.branches.len() > 1 || nv.branches.len() > 1) => {
                let (sev, kind) = if b == "oneOf" {
                    (ChangeSeverity::Warning, ChangeKind::ConstraintChanged)
                } else {
                    (ChangeSeverity::Info, ChangeKind::ConstraintWidened)
                };
                self.emit(cx, ptr, kind, sev, format!("`{a}` became `{b}`"));
            }
            _ => {}
        }
        match (ov.nullable, nv.nullable) {
            (false, true) => self.emit(
                cx,
                ptr,
                ChangeKind::ParamTypeWidened,
                ChangeSeverity::Info,
                "now also accepts null",
            ),
            (true, false) => self.emit(
                cx,
                ptr,
                ChangeKind::ConstraintNarrowed,
                ChangeSeverity::Error,
                "no longer accepts null",
            ),
            _ => {}
        }
    }

    /// Compares what two views accept. A node is its own keywords AND one of its
    /// alternatives: when either side's own keywords restrict values next to a union (a body
    /// `{type: object, properties, anyOf: [{required: [a]}, ...]}`), the own keywords are
    /// compared as one node and the alternatives as a set; otherwise the alternatives (or the
    /// node itself) are paired as before.
    fn compare_views(&mut self, ov: &View<'a>, nv: &View<'a>, ptr: &str, cx: &Cx) {
        let required_only = |v: &View<'a>| {
            v.own.is_none()
                || (!v.branches.is_empty() && v.branches.iter().all(Node::is_required_only))
        };
        let has_own = |v: &View<'a>| v.own.as_ref().is_some_and(Node::own_constrains);
        let any_union = |v: &View<'a>| v.own.is_some() && !v.branches.is_empty();
        let any_union = any_union(ov) || any_union(nv);
        if any_union && required_only(ov) && required_only(nv) {
            self.body(&ov.own_or_node(), &nv.own_or_node(), cx);
            self.required_alternatives(ov, nv, ptr, cx);
        } else if has_own(ov) || has_own(nv) {
            self.body(&ov.own_or_node(), &nv.own_or_node(), cx);
            match (ov.own.is_some(), nv.own.is_some()) {
                (true, true) => self.union(&ov.branches, &nv.branches, ptr, cx),
                (false, true) => self.emit(
                    cx,
                    ptr,
                    ChangeKind::ConstraintNarrowed,
                    ChangeSeverity::Error,
                    format!("must now also be one of: {}", describe_all(&nv.branches)),
                ),
                (true, false) => self.emit(
                    cx,
                    ptr,
                    ChangeKind::ConstraintWidened,
                    ChangeSeverity::Info,
                    format!(
                        "no longer needs to be one of: {}",
                        describe_all(&ov.branches)
                    ),
                ),
                (false, false) => {}
            }
        } else {
            match (ov.branches.as_slice(), nv.branches.as_slice()) {
                ([ob], [nb]) => self.body(ob, nb, cx),
                (obs, nbs) => self.union(obs, nbs, ptr, cx),
            }
        }
    }

    /// Alternatives that only list required properties (`anyOf: [{required: [a]},
    /// {required: [b, c]}]`), with the node's own `required` folded in. An object carrying
    /// exactly the properties of an old alternative is still accepted when some new
    /// alternative asks for a subset of them; properties the new node itself now requires are
    /// reported by the property comparison, not again here.
    fn required_alternatives(&mut self, ov: &View<'a>, nv: &View<'a>, ptr: &str, cx: &Cx) {
        let own_old = required(&ov.own_or_node());
        let own_new = required(&nv.own_or_node());
        let sets = |v: &View<'a>| -> Option<Vec<BTreeSet<&'a str>>> {
            v.own.as_ref().map(|_| {
                v.branches
                    .iter()
                    .map(|b| required(b).into_iter().collect())
                    .collect()
            })
        };
        let (old_alts, new_alts) = (sets(ov), sets(nv));
        // What each old alternative guarantees a valid object carries.
        let old_carried = carried(old_alts.as_deref(), &own_old);
        // What each new alternative asks for beyond the new node's own `required`.
        let new_asks = asks(new_alts.as_deref(), &own_new);
        let mut lost = Vec::new();
        for (i, carried) in old_carried.iter().enumerate() {
            if !new_asks.iter().any(|ask| ask.is_subset(carried)) {
                lost.push(i);
            }
        }
        match (&old_alts, &new_alts) {
            (None, Some(new)) if !lost.is_empty() => self.emit(
                cx,
                ptr,
                ChangeKind::ConstraintNarrowed,
                ChangeSeverity::Error,
                format!("now requires one of: {}", required_sets(new)),
            ),
            (Some(old), _) => {
                for alt in lost.iter().filter_map(|&i| old.get(i)) {
                    self.emit(
                        cx,
                        ptr,
                        ChangeKind::ParamTypeChanged,
                        ChangeSeverity::Error,
                        format!("no longer accepts {}", objects_with(alt)),
                    );
                }
            }
            _ => {}
        }
        // Widening: an object carrying exactly what a new alternative asks for (plus the new
        // node's own `required`) that no old alternative accepted.
        let new_carried = carried(new_alts.as_deref(), &own_new);
        let old_asks = asks(old_alts.as_deref(), &own_old);
        let gained: Vec<usize> = (0..new_carried.len())
            .filter(|&j| {
                new_carried
                    .get(j)
                    .is_some_and(|c| !old_asks.iter().any(|ask| ask.is_subset(c)))
            })
            .collect();
        match (&old_alts, &new_alts) {
            (Some(old), None) if !gained.is_empty() => self.emit(
                cx,
                ptr,
                ChangeKind::ConstraintWidened,
                ChangeSeverity::Info,
                format!("no longer requires one of: {}", required_sets(old)),
            ),
            (_, Some(new)) => {
                for alt in gained.iter().filter_map(|&j| new.get(j)) {
                    self.emit(
                        cx,
                        ptr,
                        ChangeKind::ParamTypeWidened,
                        ChangeSeverity::Info,
                        format!("now also accepts {}", objects_with(alt)),
                    );
                }
            }
            _ => {}
        }
    }

    fn view(&self, node: Node<'a>, root: &'a Value, depth: usize) -> View<'a> {
        let union = node.union_key();
        let mut view = View {
            union,
            nullable: node.accepts_null_by_type(),
            branches: Vec::new(),
            own: None,
            node: node.clone(),
            description: node.get("description"),
            title: node.get("title"),
            default: node.get("default"),
            deprecated: node.flag("deprecated"),
        };
        match union {
            None => {
                if node.types().is_none_or(|t| !t.is_empty()) {
                    view.branches.push(node);
                }
            }
            Some(key) => {
                let mut seen = HashSet::new();
                seen.insert(node.ptr.clone());
                flatten_union(root, &node, key, depth, &mut seen, &mut view);
                if let [only] = view.branches.as_slice() {
                    view.description = view.description.or_else(|| only.get("description"));
                    view.title = view.title.or_else(|| only.get("title"));
                    view.default = view.default.or_else(|| only.get("default"));
                    view.deprecated = view.deprecated || only.flag("deprecated");
                }
                // `anyOf: [X]` (or `[X, null]`) with nothing beside it is X.
                let single_shaped =
                    matches!(view.branches.as_slice(), [only] if !only.is_required_only());
                if node.own_constrains() || !single_shaped {
                    view.own = Some(node.own());
                }
            }
        }
        view
    }

    fn annotations(&mut self, o: &View<'a>, n: &View<'a>, ptr: &str, cx: &Cx) {
        if o.description != n.description {
            let what = match (o.description, n.description) {
                (None, Some(_)) => "description added",
                (Some(_), None) => "description removed",
                _ => "description changed",
            };
            self.emit(
                cx,
                ptr,
                ChangeKind::DescriptionChanged,
                ChangeSeverity::Info,
                what,
            );
        }
        if o.title != n.title {
            self.emit(
                cx,
                ptr,
                ChangeKind::DescriptionChanged,
                ChangeSeverity::Info,
                "title changed",
            );
        }
        match (o.default, n.default) {
            // `true` -> `"true"`: the spec fixed the JSON type of its default (usually to
            // match the property's type); the value the server applies is the same.
            (Some(a), Some(b)) if a != b && same_text(a, b) => self.emit(
                cx,
                ptr,
                ChangeKind::DefaultChanged,
                ChangeSeverity::Info,
                format!("default rewritten from {a} to {b} (same value, other JSON type)"),
            ),
            (Some(a), Some(b)) if a != b => self.emit(
                cx,
                ptr,
                ChangeKind::DefaultChanged,
                ChangeSeverity::Warning,
                format!(
                    "default changed from {a} to {b}; callers omitting it get different behaviour"
                ),
            ),
            (None, Some(b)) => self.emit(
                cx,
                ptr,
                ChangeKind::DefaultChanged,
                ChangeSeverity::Info,
                format!("default {b} added"),
            ),
            (Some(a), None) => self.emit(
                cx,
                ptr,
                ChangeKind::DefaultChanged,
                ChangeSeverity::Info,
                format!("default {a} removed"),
            ),
            _ => {}
        }
        let old_dep = o.deprecated || cx.deprecated_hint.0;
        let new_dep = n.deprecated || cx.deprecated_hint.1;
        if old_dep != new_dep {
            let what = if new_dep {
                "deprecated"
            } else {
                "no longer deprecated"
            };
            self.emit(
                cx,
                ptr,
                ChangeKind::ParamDeprecated,
                ChangeSeverity::Info,
                what,
            );
        }
    }

    /// Compares two single alternatives: type, constraints, object and array structure.
    fn body(&mut self, o: &Node<'a>, n: &Node<'a>, cx: &Cx) {
        // The node's own keywords are a separate comparison from the node with its union.
        let key = |m: &Node<'a>| {
            if m.own_only {
                format!("{}#own", m.ptr)
            } else {
                m.ptr.clone()
            }
        };
        if (o.via_ref || n.via_ref) && !self.visited.insert((true, key(o), key(n))) {
            return;
        }
        // An alternative that is itself a union beside its own keywords (a nested
        // `{type: object, properties, anyOf: [...]}`): compare it as a node.
        if o.union_key().is_some() || n.union_key().is_some() {
            let ov = self.view(o.clone(), self.old_root, cx.depth);
            let nv = self.view(n.clone(), self.new_root, cx.depth);
            self.union_flags(&ov, &nv, &n.ptr, cx);
            self.compare_views(&ov, &nv, &n.ptr, &cx.deeper());
            return;
        }
        if !self.types(o, n, cx) {
            return;
        }
        constraints::compare(self, o, n, cx);
        self.additional_properties(o, n, cx);
        self.properties(o, n, cx);
        self.items(o, n, cx);
        self.all_of(o, n, cx);
        self.other_keywords(o, n, cx);
    }

    /// Returns `false` when the types are incompatible (nothing further is worth comparing).
    fn types(&mut self, o: &Node<'a>, n: &Node<'a>, cx: &Cx) -> bool {
        match (o.types(), n.types()) {
            (Some(a), Some(b)) if a == b => true,
            (Some(a), Some(b)) if a.iter().all(|t| covers(&b, t)) => {
                self.emit(
                    cx,
                    &n.ptr,
                    ChangeKind::ParamTypeWidened,
                    ChangeSeverity::Info,
                    format!("type widened from {} to {}", type_list(&a), type_list(&b)),
                );
                true
            }
            (Some(a), Some(b)) => {
                self.emit(
                    cx,
                    &n.ptr,
                    ChangeKind::ParamTypeChanged,
                    ChangeSeverity::Error,
                    format!("type changed from {} to {}", type_list(&a), type_list(&b)),
                );
                false
            }
            (None, Some(b)) => {
                self.emit(
                    cx,
                    &n.ptr,
                    ChangeKind::ParamTypeChanged,
                    ChangeSeverity::Error,
                    format!(
                        "type restricted to {} (any type was accepted)",
                        type_list(&b)
                    ),
                );
                false
            }
            (Some(a), None) => {
                self.emit(
                    cx,
                    &n.ptr,
                    ChangeKind::ParamTypeWidened,
                    ChangeSeverity::Info,
                    format!("type restriction to {} removed", type_list(&a)),
                );
                true
            }
            (None, None) => true,
        }
    }

    fn union(&mut self, old: &[Node<'a>], new: &[Node<'a>], ptr: &str, cx: &Cx) {
        let mut new_used = vec![false; new.len()];
        let mut unmatched = Vec::new();
        for o in old {
            let exact = new
                .iter()
                .zip(new_used.iter())
                .position(|(n, used)| !*used && self.probe_equal(o, n, cx));
            match exact.and_then(|j| new_used.get_mut(j)) {
                Some(slot) => *slot = true,
                None => unmatched.push(o),
            }
        }
        for o in unmatched {
            // An enum split into alternatives (`enum: [A, B]` became `oneOf: [{enum: [A]},
            // {enum: [B]}, {enum: [C]}]`): every old value still has an alternative.
            if let Some(covering) = enum_values(o).and_then(|values| {
                values
                    .iter()
                    .map(|v| new.iter().position(|n| accepts_value(n, v)))
                    .collect::<Option<Vec<usize>>>()
            }) {
                for j in covering {
                    if let Some(slot) = new_used.get_mut(j) {
                        *slot = true;
                    }
                }
                continue;
            }
            let ot = o.types();
            let same_type = new
                .iter()
                .zip(new_used.iter())
                .position(|(n, used)| !*used && n.types() == ot);
            match same_type.and_then(|j| Some((new.get(j)?, new_used.get_mut(j)?))) {
                Some((n, slot)) => {
                    *slot = true;
                    self.body(o, n, cx);
                }
                // Alternatives merged into one (`{labels: [string]}` | `{labels: [{name}]}`
                // became `{labels: [string | {name}]}`): an old alternative that some new one
                // accepts without a breaking difference is still accepted.
                None if new.iter().any(|n| self.probe_covers(o, n, cx)) => {}
                None => self.emit(
                    cx,
                    ptr,
                    ChangeKind::ParamTypeChanged,
                    ChangeSeverity::Error,
                    format!("no longer accepts {}", o.describe()),
                ),
            }
        }
        for (n, used) in new.iter().zip(new_used) {
            if !used {
                self.emit(
                    cx,
                    ptr,
                    ChangeKind::ParamTypeWidened,
                    ChangeSeverity::Info,
                    format!("now also accepts {}", n.describe()),
                );
            }
        }
    }

    /// `true` when everything the old alternative accepted is still accepted by the new one
    /// (only non-breaking differences).
    fn probe_covers(&self, o: &Node<'a>, n: &Node<'a>, cx: &Cx) -> bool {
        let mut probe = self.probe();
        probe.body(o, n, cx);
        !probe.out.iter().any(|c| c.breaking)
    }

    /// A walker for a trial comparison that reports nothing by itself.
    fn probe(&self) -> Walker<'a> {
        Walker {
            old_root: self.old_root,
            new_root: self.new_root,
            old_tool: self.old_tool,
            new_tool: self.new_tool,
            visited: self.visited.clone(),
            budget: Rc::clone(&self.budget),
            out: Vec::new(),
        }
    }

    /// `true` when two alternatives accept exactly the same arguments (nothing to report).
    /// The probe inherits the pairs already under comparison, so a recursive schema assumes
    /// equality at the back edge instead of recursing again.
    fn probe_equal(&self, o: &Node<'a>, n: &Node<'a>, cx: &Cx) -> bool {
        let mut probe = self.probe();
        probe.body(o, n, cx);
        probe.out.is_empty()
    }

    fn additional_properties(&mut self, o: &Node<'a>, n: &Node<'a>, cx: &Cx) {
        let ov = o.get("additionalProperties");
        let nv = n.get("additionalProperties");
        let class = |v: Option<&Value>| match v {
            None | Some(Value::Bool(true)) => 0, // open
            Some(Value::Bool(false)) => 1,       // closed
            Some(_) => 2,                        // constrained by a schema
        };
        let ptr = &n.ptr;
        let (kind, sev, detail) = match (class(ov), class(nv)) {
            (0, 1) => (
                ChangeKind::ConstraintNarrowed,
                ChangeSeverity::Error,
                "additional properties no longer accepted",
            ),
            (0, 2) => (
                ChangeKind::ConstraintNarrowed,
                ChangeSeverity::Error,
                "additional properties must now match a schema",
            ),
            (2, 1) => (
                ChangeKind::ConstraintNarrowed,
                ChangeSeverity::Error,
                "additional properties no longer accepted",
            ),
            (1, 0) | (2, 0) => (
                ChangeKind::ConstraintWidened,
                ChangeSeverity::Info,
                "any additional property now accepted",
            ),
            (1, 2) => (
                ChangeKind::ConstraintWidened,
                ChangeSeverity::Info,
                "additional properties matching a schema now accepted",
            ),
            (2, 2) => {
                if let (Some(a), Some(b)) = (ov, nv) {
                    let op = format!("{}/additionalProperties", o.ptr);
                    let np = format!("{}/additionalProperties", n.ptr);
                    self.node(a, &op, b, &np, cx);
                }
                return;
            }
            _ => return,
        };
        self.emit(cx, ptr, kind, sev, detail);
    }

    fn properties(&mut self, o: &Node<'a>, n: &Node<'a>, cx: &Cx) {
        let op = o
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let np = n
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&EMPTY);
        let oreq = required(o);
        let nreq = required(n);
        let top = cx.param.is_none();
        for (name, nval) in np {
            let nptr = format!("{}/properties/{}", n.ptr, escape(name));
            let child = self.child_cx(cx, name, &nptr, top, false);
            let now_required = nreq.contains(name.as_str());
            match op.get(name) {
                None if now_required => self.emit(
                    &child,
                    &nptr,
                    ChangeKind::AddedRequiredParam,
                    ChangeSeverity::Error,
                    format!("new required property `{name}`"),
                ),
                None => self.emit(
                    &child,
                    &nptr,
                    ChangeKind::AddedOptionalParam,
                    ChangeSeverity::Info,
                    format!("new optional property `{name}`"),
                ),
                Some(oval) => {
                    let was_required = oreq.contains(name.as_str());
                    if !was_required && now_required {
                        self.emit(
                            &child,
                            &nptr,
                            ChangeKind::ParamBecameRequired,
                            ChangeSeverity::Error,
                            format!("property `{name}` became required"),
                        );
                    } else if was_required && !now_required {
                        self.emit(
                            &child,
                            &nptr,
                            ChangeKind::ParamBecameOptional,
                            ChangeSeverity::Info,
                            format!("property `{name}` became optional"),
                        );
                    }
                    let optr = format!("{}/properties/{}", o.ptr, escape(name));
                    self.node(oval, &optr, nval, &nptr, &child);
                }
            }
        }
        // Extra properties rejected by the new schema: a caller still sending a removed one
        // fails. Every call that worked before sent the ones that were required.
        let closed = n.get("additionalProperties") == Some(&Value::Bool(false));
        for name in op.keys().filter(|k| !np.contains_key(*k)) {
            let optr = format!("{}/properties/{}", o.ptr, escape(name));
            let child = self.child_cx(cx, name, &optr, top, true);
            let (severity, detail) = if closed && oreq.contains(name.as_str()) {
                (
                    ChangeSeverity::Error,
                    format!(
                        "required property `{name}` removed; every call that worked before sends it and is now rejected"
                    ),
                )
            } else if closed {
                (
                    ChangeSeverity::Warning,
                    format!(
                        "property `{name}` removed; callers still sending it are rejected by strict validation"
                    ),
                )
            } else {
                // The object takes other properties: the tool still accepts it, the API no
                // longer documents it.
                (
                    ChangeSeverity::Warning,
                    format!(
                        "property `{name}` removed; the tool still accepts it (the object allows other properties), but the API no longer documents it and may ignore or reject it"
                    ),
                )
            };
            self.emit(&child, &optr, ChangeKind::ParamRemoved, severity, detail);
        }
    }

    /// Context for the property `name` at `ptr` (in the old schema when `old_side`).
    fn child_cx(&self, cx: &Cx, name: &str, ptr: &str, top: bool, old_side: bool) -> Cx {
        let tool = if old_side {
            self.old_tool
        } else {
            self.new_tool
        };
        if top {
            let param = tool.param(name);
            let hint = |t: &ToolManifest| t.param(name).is_some_and(|p| p.deprecated);
            Cx {
                param: Some(name.to_owned()),
                wire: Some(param.map_or(name, |p| p.wire_name.as_str()).to_owned()),
                loc: param.map(|p| p.location.as_in()),
                depth: cx.depth + 1,
                deprecated_hint: (hint(self.old_tool), hint(self.new_tool)),
            }
        } else {
            Cx {
                wire: Some(
                    tool.wire_names
                        .get(ptr)
                        .map_or(name, String::as_str)
                        .to_owned(),
                ),
                ..cx.deeper()
            }
        }
    }

    fn items(&mut self, o: &Node<'a>, n: &Node<'a>, cx: &Cx) {
        let op = format!("{}/items", o.ptr);
        let np = format!("{}/items", n.ptr);
        match (o.get("items"), n.get("items")) {
            (Some(a), Some(b)) => self.node(a, &op, b, &np, cx),
            (None, Some(b)) if !resolve(self.new_root, b, &np).is_unconstrained() => self.emit(
                cx,
                &n.ptr,
                ChangeKind::ConstraintNarrowed,
                ChangeSeverity::Error,
                "array items now constrained by a schema",
            ),
            (Some(a), None) if !resolve(self.old_root, a, &op).is_unconstrained() => self.emit(
                cx,
                &n.ptr,
                ChangeKind::ConstraintWidened,
                ChangeSeverity::Info,
                "array items no longer constrained",
            ),
            _ => {}
        }
    }

    fn all_of(&mut self, o: &Node<'a>, n: &Node<'a>, cx: &Cx) {
        let oa: &'a [Value] = o
            .get("allOf")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        let na: &'a [Value] = n
            .get("allOf")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice);
        for (i, (a, b)) in oa.iter().zip(na.iter()).enumerate() {
            let op = format!("{}/allOf/{i}", o.ptr);
            let np = format!("{}/allOf/{i}", n.ptr);
            self.node(a, &op, b, &np, cx);
        }
        if na.len() > oa.len() {
            self.emit(
                cx,
                &n.ptr,
                ChangeKind::ConstraintNarrowed,
                ChangeSeverity::Error,
                format!("{} subschema(s) added to allOf", na.len() - oa.len()),
            );
        } else if oa.len() > na.len() {
            self.emit(
                cx,
                &n.ptr,
                ChangeKind::ConstraintWidened,
                ChangeSeverity::Info,
                format!("{} subschema(s) removed from allOf", oa.len() - na.len()),
            );
        }
    }

    /// Keywords outside the canonical set (`not`, `if`, `contains`, `patternProperties`,
    /// unresolvable `$ref`s, ...): adding one narrows, removing one widens, changing one is
    /// ambiguous.
    fn other_keywords(&mut self, o: &Node<'a>, n: &Node<'a>, cx: &Cx) {
        let mut keys = o.keys();
        keys.extend(n.keys());
        for key in keys {
            if handled(key) {
                continue;
            }
            let (kind, sev, what) = match (o.get(key), n.get(key)) {
                (Some(a), Some(b)) if a == b => continue,
                (None, None) => continue,
                (None, Some(_)) => (
                    ChangeKind::ConstraintNarrowed,
                    ChangeSeverity::Error,
                    "added",
                ),
                (Some(_), None) => (
                    ChangeKind::ConstraintWidened,
                    ChangeSeverity::Info,
                    "removed",
                ),
                (Some(_), Some(_)) => (
                    ChangeKind::ConstraintChanged,
                    ChangeSeverity::Warning,
                    "changed",
                ),
            };
            self.emit(cx, &n.ptr, kind, sev, format!("`{key}` {what}"));
        }
    }
}

/// Collects the non-null alternatives of a union, flattening nested unions.
/// `seen` holds the `$ref` targets already expanded, so `A = anyOf [A, A]` terminates.
fn flatten_union<'a>(
    root: &'a Value,
    node: &Node<'a>,
    key: &str,
    depth: usize,
    seen: &mut HashSet<String>,
    view: &mut View<'a>,
) {
    let Some(items) = node.get(key).and_then(Value::as_array) else {
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let child = resolve(root, item, &format!("{}/{key}/{i}", node.ptr));
        if child.via_ref && !seen.insert(child.ptr.clone()) {
            continue;
        }
        // A nested union is flattened into this one only when nothing beside it restricts
        // values; otherwise the alternative keeps its union and is compared as a node.
        let nested = child.union_key().filter(|_| !child.own_constrains());
        match nested {
            Some(k) if depth < MAX_DEPTH => {
                view.nullable |= child.accepts_null_by_type();
                flatten_union(root, &child, k, depth + 1, seen, view);
            }
            _ => {
                if child.accepts_null_by_type() {
                    view.nullable = true;
                    if child.types().is_some_and(|t| t.is_empty()) {
                        continue;
                    }
                }
                view.branches.push(child);
            }
        }
    }
}

/// Two scalar defaults that read the same as text (`true` and `"true"`, `1` and `"1"`).
fn same_text(a: &Value, b: &Value) -> bool {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(v.to_string()),
        _ => None,
    };
    matches!((text(a), text(b)), (Some(x), Some(y)) if x == y)
}

fn required<'a>(n: &Node<'a>) -> HashSet<&'a str> {
    n.get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether a type set accepts every value of type `t` (numbers include integers).
/// The values an enum-like alternative allows (`enum` or `const`), when it is one.
fn enum_values<'a>(n: &Node<'a>) -> Option<Vec<&'a Value>> {
    if let Some(Value::Array(values)) = n.get("enum") {
        return Some(values.iter().collect());
    }
    n.get("const").map(|c| vec![c])
}

/// Whether alternative `n` certainly accepts the value `v`: by its enum or const, or by its
/// type when it has no other constraint (anything else is left to the schema comparison).
fn accepts_value(n: &Node<'_>, v: &Value) -> bool {
    let kind = match v {
        Value::Null => return n.accepts_null_by_type(),
        Value::Bool(_) => "boolean",
        Value::Number(x) if x.is_i64() || x.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    if n.types().is_some_and(|t| !covers(&t, kind)) {
        return false;
    }
    match enum_values(n) {
        Some(values) => values.contains(&v),
        None => n.keys().iter().all(|k| {
            matches!(
                *k,
                "type"
                    | "description"
                    | "title"
                    | "examples"
                    | "$comment"
                    | "default"
                    | "deprecated"
            )
        }),
    }
}

fn covers(types: &BTreeSet<&str>, t: &str) -> bool {
    types.contains(t) || (t == "integer" && types.contains("number"))
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
