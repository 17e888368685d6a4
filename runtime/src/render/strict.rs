//! Lowering of a canonical schema into a provider's *strict* (constrained decoding) subset.
//!
//! OpenAI Structured Outputs and Anthropic strict tools accept only part of JSON Schema. Both
//! need `additionalProperties: false` on every object and reject composition they cannot compile.
//! One walk serves both, steered by a [`Profile`]:
//!
//! - every object gets `additionalProperties: false`; an object whose declared properties are
//!   all it has (`additionalProperties` absent or `true`) is closed silently, because a model only
//!   needs the declared keys. An open map (`additionalProperties: {schema}`) or a free-form object
//!   (no properties) cannot be expressed, so it *blocks* strict mode;
//! - OpenAI only: every property is listed in `required`; an optional one becomes nullable
//!   (`type: [T, "null"]`, `null` added to its `enum`, or `anyOf: [X, {"type": "null"}]`).
//!   **A `null` for such a property means "omitted"**: whoever dispatches the call must drop it
//!   before validating against the canonical schema;
//! - `oneOf` becomes `anyOf` (the dispatcher's validator still enforces "exactly one"); a
//!   one-element `allOf` becomes a one-element `anyOf`; a larger `allOf`, `not`, conditionals and
//!   unconstrained values (`{}`, arrays without `items`) block strict mode;
//! - type arrays with several non-null types are split into `anyOf` branches (Anthropic: every
//!   type array, since its strict mode takes one type per node);
//! - constraints the profile does not support are removed and restated in the description, e.g.
//!   `"Page size (minimum 1, maximum 100)"`, so the model still knows them and the validator still
//!   enforces them; `default`, `examples`, `deprecated` and content encodings become prose too.
//!
//! A blocked schema is reported through [`Lowered::blockers`]; the caller then emits its
//! non-strict form. The walk is linear: `$defs` are lowered once and referenced, never inlined.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::schema::{
    MAX_DEPTH, View, constraint_phrase, ordered, push_ptr, resolve_ref, split_type_array,
    with_phrases,
};

/// What a provider's strict mode supports.
pub(crate) struct Profile {
    /// Every property must be in `required` (OpenAI); optional ones become nullable.
    pub all_required: bool,
    /// Constraint keywords kept verbatim; other known constraints move into the description.
    pub kept: &'static [&'static str],
    /// `format` values kept; others move into the description.
    pub formats: &'static [&'static str],
    /// Largest `minItems` kept (Anthropic: 1).
    pub max_min_items: Option<u64>,
    /// `$ref` cycles allowed (OpenAI yes, Anthropic no).
    pub allow_recursion: bool,
    /// Split every type array into `anyOf`, including `[T, "null"]`.
    pub single_types: bool,
    /// A `$ref` with a description becomes `{"description", "anyOf": [{"$ref"}]}` (OpenAI rejects
    /// `$ref` siblings in strict mode); otherwise the sibling description is dropped.
    pub wrap_ref_description: bool,
    /// Check `pattern` with the `regex` crate and move patterns it rejects (look-around,
    /// back-references) into the description, since providers compile them too.
    pub check_patterns: bool,
}

/// A strict lowering: the schema, what prevents strict mode (empty when strict is possible), and
/// informational notes about lossy but harmless changes.
pub(crate) struct Lowered {
    pub schema: Value,
    pub blockers: Vec<String>,
    pub notes: Vec<String>,
}

/// Keywords that carry meaning no strict subset can express.
const BLOCKING: &[&str] = &[
    "not",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "patternProperties",
    "propertyNames",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "unevaluatedProperties",
    "unevaluatedItems",
    "$dynamicRef",
    "$recursiveRef",
];

/// Constraint and annotation keywords handled by keep-or-describe, in the order phrases appear.
const SOFT: &[&str] = &[
    "format",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "exclusiveMaximum",
    "multipleOf",
    "contentEncoding",
    "contentMediaType",
    "minProperties",
    "maxProperties",
    "minItems",
    "maxItems",
    "uniqueItems",
    "default",
    "examples",
    "deprecated",
];

/// Keywords handled structurally by the walk (never dropped with a note).
const STRUCTURAL: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "anyOf",
    "oneOf",
    "allOf",
    "$ref",
    "$defs",
    "definitions",
    "description",
    "title",
    "$comment",
    "$schema",
    "$id",
    "readOnly",
    "writeOnly",
];

/// Lowers `schema` (a canonical tool input schema) under `profile`, on its own.
#[cfg(test)]
pub(crate) fn lower(schema: &Value, profile: &Profile) -> Lowered {
    lower_cached(schema, profile, &mut DefCache::default())
}

/// `$defs` entries already lowered for earlier tools of a set, under one [`Profile`].
///
/// Every tool carries the definitions it reaches, so a big document's tools repeat the same
/// definitions thousands of times (Microsoft Graph: 49,009 `$defs` entries over 11,422 tools,
/// 1,576 of them distinct), and lowering them again was most of OpenAI's rendering time. A
/// definition lowers the same wherever its content is the same: its blockers and notes name
/// `/$defs/<name>/...`, and the only thing it reads outside itself is whether each `$ref` in it
/// resolves in the tool's schema, which is checked again before an entry is reused.
#[derive(Default)]
pub(crate) struct DefCache {
    defs: HashMap<String, Vec<CachedDef>>,
}

/// One definition as lowered once.
struct CachedDef {
    /// The canonical definition it was lowered from.
    source: Value,
    lowered: Value,
    blockers: Vec<String>,
    notes: Vec<String>,
    /// Each `$ref` the lowering looked up, and whether it resolved.
    refs: Vec<(String, bool)>,
}

/// Differently shaped definitions of one name kept (the model may cut a definition's deeper
/// references differently from tool to tool); further ones are lowered every time.
const VARIANTS: usize = 8;

impl DefCache {
    /// `def` (the entry `name` of `w.root`'s `$defs`) lowered, from the cache when an entry
    /// with the same content and the same resolvable references exists.
    fn lower(&mut self, w: &mut Walker<'_>, name: &str, def: &Value) -> Value {
        let root = w.root;
        let hit = self.defs.get(name).and_then(|variants| {
            variants.iter().find(|c| {
                c.source == *def
                    && c.refs
                        .iter()
                        .all(|(r, ok)| resolve_ref(root, r).is_some() == *ok)
            })
        });
        if let Some(c) = hit {
            w.blockers.extend(c.blockers.iter().cloned());
            w.notes.extend(c.notes.iter().cloned());
            return c.lowered.clone();
        }
        let (blockers, notes) = (w.blockers.len(), w.notes.len());
        w.refs = Some(Vec::new());
        let lowered = w.node(def, &push_ptr("/$defs", name), 1);
        let refs = w.refs.take().unwrap_or_default();
        let variants = self.defs.entry(name.to_string()).or_default();
        if variants.len() < VARIANTS {
            variants.push(CachedDef {
                source: def.clone(),
                lowered: lowered.clone(),
                blockers: w.blockers[blockers..].to_vec(),
                notes: w.notes[notes..].to_vec(),
                refs,
            });
        }
        lowered
    }
}

/// [`lower`], reusing (and adding to) `cache`, which must only ever be used with `profile`.
pub(crate) fn lower_cached(schema: &Value, profile: &Profile, cache: &mut DefCache) -> Lowered {
    let mut w = Walker {
        root: schema,
        p: profile,
        blockers: Vec::new(),
        notes: Vec::new(),
        refs: None,
    };
    if !profile.allow_recursion
        && let Some(def) = ref_cycle(schema)
    {
        w.blockers
            .push(format!("recursive schema ($ref cycle through {def})"));
    }
    let mut out = match w.node(schema, "", 0) {
        Value::Object(m) => m,
        other => {
            w.blockers.push("input schema is not an object".into());
            return Lowered {
                schema: other,
                blockers: w.blockers,
                notes: w.notes,
            };
        }
    };
    if let Some(Value::Object(defs)) = schema.get("$defs") {
        let mut names: Vec<&String> = defs.keys().collect();
        names.sort();
        let mut lowered = Map::with_capacity(defs.len());
        for name in names {
            if let Some(d) = defs.get(name) {
                lowered.insert(name.clone(), cache.lower(&mut w, name, d));
            }
        }
        out.insert("$defs".into(), Value::Object(lowered));
    }
    if schema.get("definitions").is_some() {
        w.blockers
            .push("`definitions` is not used by canonical schemas (expected `$defs`)".into());
    }
    Lowered {
        schema: Value::Object(ordered(out)),
        blockers: w.blockers,
        notes: w.notes,
    }
}

struct Walker<'a> {
    root: &'a Value,
    p: &'a Profile,
    blockers: Vec<String>,
    notes: Vec<String>,
    /// While a definition is lowered for [`DefCache`]: the `$ref`s looked up, and whether
    /// each resolved.
    refs: Option<Vec<(String, bool)>>,
}

fn at(ptr: &str) -> &str {
    if ptr.is_empty() { "/" } else { ptr }
}

impl Walker<'_> {
    fn block(&mut self, ptr: &str, why: &str) {
        self.blockers.push(format!("{}: {why}", at(ptr)));
    }

    fn node(&mut self, v: &Value, ptr: &str, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            self.block(ptr, "schema nested too deeply");
            return json!({});
        }
        let m = match v {
            Value::Object(m) => m,
            Value::Bool(true) => {
                self.block(ptr, "unconstrained value (`true` schema)");
                return v.clone();
            }
            _ => {
                self.block(ptr, "schema is not an object");
                return v.clone();
            }
        };
        if let Some(Value::Array(ts)) = m.get("type") {
            let non_null = ts.iter().filter(|t| t.as_str() != Some("null")).count();
            let has_null = non_null < ts.len();
            if (non_null > 1 || (self.p.single_types && has_null && ts.len() > 1))
                && let Some(w) = split_type_array(m)
            {
                return self.node(&Value::Object(w), ptr, depth + 1);
            }
        }
        let m = &View::new(m);
        if let Some(r) = m.get("$ref") {
            return self.reference(m, r, ptr);
        }

        let mut out = Map::new();
        let mut phrases = Vec::new();
        if !self.composition(m, &mut out, ptr, depth) {
            self.typed(m, &mut out, ptr, depth);
        }
        for k in SOFT {
            if let Some(v) = m.get(k) {
                self.soft(k, v, &mut out, &mut phrases, ptr);
            }
        }
        for k in m.keys() {
            if BLOCKING.contains(&k.as_str()) {
                self.block(ptr, &format!("`{k}` is not supported in strict mode"));
            } else if !STRUCTURAL.contains(&k.as_str()) && !SOFT.contains(&k.as_str()) {
                self.notes
                    .push(format!("{}: dropped unknown keyword `{k}`", at(ptr)));
            }
        }
        if let Some(Value::String(t)) = m.get("title") {
            out.insert("title".into(), Value::String(t.clone()));
        }
        let desc = m.get("description").and_then(Value::as_str);
        if let Some(d) = with_phrases(desc, &phrases) {
            out.insert("description".into(), Value::String(d));
        }
        Value::Object(ordered(out))
    }

    /// `$ref` nodes: kept as references (defs are lowered once at the root).
    fn reference(&mut self, m: &View<'_>, r: &Value, ptr: &str) -> Value {
        let Some(r) = r.as_str() else {
            self.block(ptr, "`$ref` is not a string");
            return json!({});
        };
        let resolves = resolve_ref(self.root, r).is_some();
        if let Some(refs) = &mut self.refs {
            refs.push((r.to_string(), resolves));
        }
        if !resolves {
            self.block(ptr, &format!("unresolvable or non-local `$ref` {r}"));
        }
        let mut phrases = Vec::new();
        for (k, v) in m.iter() {
            match k.as_str() {
                "$ref" | "description" | "title" | "$comment" => {}
                "default" | "examples" | "deprecated" => {
                    phrases.extend(constraint_phrase(k, v));
                }
                other => self.block(
                    ptr,
                    &format!("`$ref` with sibling constraint `{other}` (needs allOf)"),
                ),
            }
        }
        let desc = with_phrases(m.get("description").and_then(Value::as_str), &phrases);
        let target = json!({ "$ref": r });
        match desc {
            Some(d) if self.p.wrap_ref_description => {
                let mut out = Map::new();
                out.insert("description".into(), Value::String(d));
                out.insert("anyOf".into(), Value::Array(vec![target]));
                Value::Object(out)
            }
            Some(_) => {
                self.notes.push(format!(
                    "{}: description beside `$ref` dropped (strict mode allows no siblings)",
                    at(ptr)
                ));
                target
            }
            None => target,
        }
    }

    /// anyOf / oneOf / one-element allOf. Returns false when the node has none of them.
    fn composition(
        &mut self,
        m: &View<'_>,
        out: &mut Map<String, Value>,
        ptr: &str,
        depth: usize,
    ) -> bool {
        let present: Vec<&str> = ["anyOf", "oneOf", "allOf"]
            .into_iter()
            .filter(|k| m.contains_key(k))
            .collect();
        let Some(&kw) = present.first() else {
            return false;
        };
        if present.len() > 1 {
            self.block(ptr, "combines anyOf/oneOf/allOf");
        }
        let Some(Value::Array(branches)) = m.get(kw) else {
            self.block(ptr, &format!("`{kw}` is not an array"));
            return true;
        };
        if branches.is_empty() {
            self.block(ptr, &format!("empty `{kw}`"));
            return true;
        }
        if kw == "allOf" && branches.len() > 1 {
            self.block(ptr, "`allOf` is not supported in strict mode");
        }
        if kw == "oneOf" && !disjoint_by_type(branches) {
            self.notes.push(format!(
                "{}: oneOf rendered as anyOf (the validator still enforces exactly one)",
                at(ptr)
            ));
        }
        for k in ["type", "properties", "items", "enum", "const", "required"] {
            if m.contains_key(k) {
                self.block(ptr, &format!("`{kw}` beside `{k}` (needs allOf)"));
            }
        }
        let base = push_ptr(ptr, kw);
        let lowered: Vec<Value> = branches
            .iter()
            .enumerate()
            .map(|(i, b)| self.node(b, &push_ptr(&base, &i.to_string()), depth + 1))
            .collect();
        out.insert("anyOf".into(), Value::Array(lowered));
        true
    }

    /// Nodes with `type` / `enum` / `const` / `properties`.
    fn typed(&mut self, m: &View<'_>, out: &mut Map<String, Value>, ptr: &str, depth: usize) {
        let mut is_object = m.contains_key("properties");
        let mut is_array = false;
        match m.get("type") {
            Some(Value::String(t)) => {
                is_object |= t == "object";
                is_array = t == "array";
                out.insert("type".into(), Value::String(t.clone()));
            }
            Some(Value::Array(ts)) => {
                let names: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
                is_object |= names.contains(&"object");
                is_array = names.contains(&"array");
                let t = match names.as_slice() {
                    [one] => Value::String((*one).to_string()),
                    _ => Value::Array(ts.clone()),
                };
                out.insert("type".into(), t);
            }
            Some(_) => self.block(ptr, "`type` is neither a string nor an array"),
            None if is_object => {
                out.insert("type".into(), Value::String("object".into()));
            }
            None => {}
        }
        if let Some(e) = m.get("enum") {
            match e {
                Value::Array(a) if !a.is_empty() && a.iter().all(is_primitive) => {
                    out.insert("enum".into(), e.clone());
                }
                _ => self.block(ptr, "`enum` with object/array values or empty"),
            }
        }
        if let Some(c) = m.get("const") {
            if is_primitive(c) {
                out.insert("const".into(), c.clone());
            } else {
                self.block(ptr, "`const` with an object/array value");
            }
        }
        if !out.contains_key("type") && !out.contains_key("enum") && !out.contains_key("const") {
            self.block(ptr, "unconstrained value (no type)");
        }
        if is_object {
            self.object(m, out, ptr, depth);
        }
        if is_array {
            match m.get("items") {
                Some(items) => {
                    let l = self.node(items, &push_ptr(ptr, "items"), depth + 1);
                    out.insert("items".into(), l);
                }
                None => self.block(ptr, "array without `items` (unconstrained items)"),
            }
        }
    }

    fn object(&mut self, m: &View<'_>, out: &mut Map<String, Value>, ptr: &str, depth: usize) {
        let empty = Map::new();
        let props = match m.get("properties") {
            Some(Value::Object(p)) => p,
            Some(_) => {
                self.block(ptr, "`properties` is not an object");
                &empty
            }
            None => &empty,
        };
        let required: HashSet<&str> = match m.get("required") {
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => HashSet::new(),
        };
        let base = push_ptr(ptr, "properties");
        let mut out_props = Map::with_capacity(props.len());
        let mut out_req = Vec::with_capacity(props.len());
        for (name, sub) in props {
            let mut l = self.node(sub, &push_ptr(&base, name), depth + 1);
            let is_req = required.contains(name.as_str());
            if self.p.all_required && !is_req {
                l = make_nullable(l);
            }
            if self.p.all_required || is_req {
                out_req.push(Value::String(name.clone()));
            }
            out_props.insert(name.clone(), l);
        }
        match m.get("additionalProperties") {
            Some(Value::Bool(false)) => {}
            Some(Value::Object(ap)) if !ap.is_empty() => {
                self.block(ptr, "open map (`additionalProperties` schema)");
            }
            _ if props.is_empty() => self.block(ptr, "free-form object (no properties)"),
            Some(_) => self.notes.push(format!(
                "{}: additional properties closed (only declared keys can be sent)",
                at(ptr)
            )),
            None => {}
        }
        out.insert("properties".into(), Value::Object(out_props));
        if self.p.all_required || !out_req.is_empty() {
            out.insert("required".into(), Value::Array(out_req));
        }
        out.insert("additionalProperties".into(), Value::Bool(false));
    }

    /// Keeps a soft keyword when the profile supports it, else turns it into a phrase.
    fn soft(
        &mut self,
        k: &str,
        v: &Value,
        out: &mut Map<String, Value>,
        phrases: &mut Vec<String>,
        ptr: &str,
    ) {
        let keep = match k {
            "format" => v.as_str().is_some_and(|f| self.p.formats.contains(&f)),
            "minItems" => {
                self.p.kept.contains(&k)
                    && match self.p.max_min_items {
                        Some(max) => v.as_u64().is_some_and(|n| n <= max),
                        None => v.is_u64(),
                    }
            }
            "pattern" if self.p.check_patterns && self.p.kept.contains(&k) => {
                let ok = v.as_str().is_some_and(pattern_compiles);
                if !ok {
                    self.notes.push(format!(
                        "{}: pattern moved to the description (not a portable regex)",
                        at(ptr)
                    ));
                }
                ok
            }
            _ => self.p.kept.contains(&k),
        };
        if keep {
            out.insert(k.to_string(), v.clone());
        } else {
            phrases.extend(constraint_phrase(k, v));
        }
    }
}

/// Whether `p` is a regex the `regex` crate accepts within a 1 MiB program. Remembered per
/// thread: big documents repeat a handful of patterns on thousands of tools (Microsoft Graph's
/// number-as-string patterns), and compiling each again was a twentieth of rendering them.
fn pattern_compiles(p: &str) -> bool {
    /// Patterns remembered before the memo starts over (bounds a long-lived process).
    const MEMO: usize = 4096;
    thread_local! {
        static SEEN: RefCell<HashMap<String, bool>> = RefCell::new(HashMap::new());
    }
    if let Some(ok) = SEEN.with(|s| s.borrow().get(p).copied()) {
        return ok;
    }
    let ok = regex::RegexBuilder::new(p)
        .size_limit(1 << 20)
        .build()
        .is_ok();
    SEEN.with(|s| {
        let mut s = s.borrow_mut();
        if s.len() >= MEMO {
            s.clear();
        }
        s.insert(p.to_owned(), ok);
    });
    ok
}

fn is_primitive(v: &Value) -> bool {
    !(v.is_object() || v.is_array())
}

/// oneOf branches with pairwise different single types cannot overlap, so anyOf is equivalent.
fn disjoint_by_type(branches: &[Value]) -> bool {
    let mut seen = HashSet::new();
    branches.iter().all(|b| {
        let t = match b.get("type").and_then(Value::as_str) {
            Some("integer") => "number",
            Some(t) => t,
            None => return false,
        };
        seen.insert(t)
    })
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
}

/// Makes a lowered schema accept `null` as well (used for optional properties in OpenAI strict
/// mode, where every property must be required).
pub(crate) fn make_nullable(v: Value) -> Value {
    let Value::Object(mut m) = v else {
        return v;
    };
    if m.contains_key("$ref") {
        return wrap_null(m);
    }
    match m.get_mut("type") {
        Some(Value::String(s)) if s == "null" => return Value::Object(m),
        Some(t @ Value::String(_)) => {
            let old = t.take();
            *t = Value::Array(vec![old, Value::String("null".into())]);
        }
        Some(Value::Array(a)) => {
            if !a.iter().any(|t| t.as_str() == Some("null")) {
                a.push(Value::String("null".into()));
            }
        }
        Some(_) => return wrap_null(m),
        None => {
            if let Some(Value::Array(a)) = m.get_mut("anyOf") {
                if !a.iter().any(is_null_schema) {
                    a.push(json!({"type": "null"}));
                }
                return Value::Object(m);
            }
            if !m.contains_key("enum") && !m.contains_key("const") {
                return wrap_null(m);
            }
        }
    }
    if let Some(Value::Array(e)) = m.get_mut("enum") {
        if !e.iter().any(Value::is_null) {
            e.push(Value::Null);
        }
    } else if let Some(c) = m.remove("const") {
        if !c.is_null() {
            m.insert("enum".into(), Value::Array(vec![c, Value::Null]));
            m = ordered(m);
        } else {
            m.insert("const".into(), c);
        }
    }
    Value::Object(m)
}

fn wrap_null(mut m: Map<String, Value>) -> Value {
    let mut out = Map::new();
    for k in ["title", "description"] {
        if let Some(v) = m.remove(k) {
            out.insert(k.into(), v);
        }
    }
    out.insert(
        "anyOf".into(),
        Value::Array(vec![Value::Object(m), json!({"type": "null"})]),
    );
    Value::Object(out)
}

/// Collects every `$ref` string in a subtree (not following them).
fn collect_refs<'a>(v: &'a Value, out: &mut Vec<&'a str>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, sub) in m {
                if k == "$ref" {
                    if let Some(s) = sub.as_str() {
                        out.push(s);
                    }
                } else if k != "$defs" && k != "enum" && k != "const" && k != "default" {
                    collect_refs(sub, out, depth + 1);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|s| collect_refs(s, out, depth + 1)),
        _ => {}
    }
}

/// The first `$defs` entry on a `$ref` cycle reachable from the root, if any (iterative DFS, so
/// a long chain of definitions cannot overflow the stack).
pub(crate) fn ref_cycle(root: &Value) -> Option<String> {
    let defs = root.get("$defs").and_then(Value::as_object);
    // Graph nodes: "" (root) and def names; edges from each to the defs its subtree references.
    let target = crate::pointer::def_of;
    let mut adj: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut refs = Vec::new();
    collect_refs(root, &mut refs, 0);
    if refs.contains(&"#") {
        return Some("#".into());
    }
    adj.insert(
        String::new(),
        refs.iter().filter_map(|r| target(r)).collect(),
    );
    if let Some(defs) = defs {
        for (name, d) in defs {
            let mut refs = Vec::new();
            collect_refs(d, &mut refs, 0);
            if refs.contains(&"#") {
                return Some(name.clone());
            }
            adj.insert(
                name.clone(),
                refs.iter().filter_map(|r| target(r)).collect(),
            );
        }
    }
    // 0 = unvisited, 1 = on stack, 2 = done.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    let mut stack: Vec<(&str, usize)> = vec![("", 0)];
    state.insert("", 1);
    while let Some((node, i)) = stack.pop() {
        let next = adj.get(node).and_then(|n| n.get(i));
        match next {
            Some(t) => {
                stack.push((node, i + 1));
                match state.get(t.as_str()) {
                    Some(1) => return Some(t.clone()),
                    Some(_) => {}
                    None => {
                        if adj.contains_key(t.as_str()) {
                            state.insert(t.as_str(), 1);
                            stack.push((t.as_str(), 0));
                        }
                    }
                }
            }
            None => {
                state.insert(node, 2);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    /// The strict-mode policy lists name keywords of the one vocabulary (a typo or a keyword
    /// the rest of the crate does not know would silently never match).
    #[test]
    fn policy_lists_use_known_keywords() {
        for k in BLOCKING.iter().chain(SOFT).chain(STRUCTURAL) {
            assert!(crate::keywords::lookup(k).is_some(), "{k}");
        }
        for k in BLOCKING {
            assert!(
                !crate::keywords::is_annotation(k),
                "{k} blocks but is an annotation"
            );
        }
    }

    use super::*;

    const OPENAI: Profile = Profile {
        all_required: true,
        kept: &[
            "pattern",
            "minLength",
            "maxLength",
            "minimum",
            "maximum",
            "minItems",
        ],
        formats: &["date-time"],
        max_min_items: None,
        allow_recursion: true,
        single_types: false,
        wrap_ref_description: true,
        check_patterns: true,
    };
    const ANTHROPIC: Profile = Profile {
        all_required: false,
        kept: &["pattern", "minItems"],
        formats: &["date-time", "uri"],
        max_min_items: Some(1),
        allow_recursion: false,
        single_types: true,
        wrap_ref_description: false,
        check_patterns: false,
    };

    fn obj(props: Value, required: Value) -> Value {
        json!({"type": "object", "properties": props, "required": required,
               "additionalProperties": false})
    }

    #[test]
    fn optional_properties_become_required_and_nullable() {
        let s = obj(
            json!({"a": {"type": "string"}, "b": {"type": "integer", "enum": [1, 2]},
                   "c": {"$ref": "#/$defs/C"}, "d": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                   "e": {"const": "x"}, "f": {"type": ["string", "null"]}}),
            json!(["a"]),
        );
        let mut s = s;
        s["$defs"] = json!({"C": {"type": "string"}});
        let l = lower(&s, &OPENAI);
        assert!(l.blockers.is_empty(), "{:?}", l.blockers);
        let p = &l.schema["properties"];
        assert_eq!(p["a"], json!({"type": "string"}));
        assert_eq!(
            p["b"],
            json!({"type": ["integer", "null"], "enum": [1, 2, null]})
        );
        assert_eq!(
            p["c"],
            json!({"anyOf": [{"$ref": "#/$defs/C"}, {"type": "null"}]})
        );
        assert_eq!(
            p["d"],
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]})
        );
        assert_eq!(p["e"], json!({"enum": ["x", null]}));
        assert_eq!(p["f"], json!({"type": ["string", "null"]}));
        assert_eq!(l.schema["required"], json!(["a", "b", "c", "d", "e", "f"]));
    }

    #[test]
    fn anthropic_keeps_optional_and_splits_nullable_types() {
        let s = obj(
            json!({"a": {"type": ["string", "null"], "maxLength": 3}}),
            json!([]),
        );
        let l = lower(&s, &ANTHROPIC);
        assert!(l.blockers.is_empty(), "{:?}", l.blockers);
        assert_eq!(l.schema.get("required"), None);
        assert_eq!(
            l.schema["properties"]["a"],
            json!({"anyOf": [{"type": "string", "description": "(at most 3 characters)"},
                             {"type": "null"}]})
        );
    }

    #[test]
    fn unsupported_constraints_move_into_the_description() {
        let s = obj(
            json!({"n": {"type": "integer", "description": "Page size.", "minimum": 1,
                         "maximum": 100, "multipleOf": 5, "default": 30}}),
            json!(["n"]),
        );
        let l = lower(&s, &ANTHROPIC);
        assert_eq!(
            l.schema["properties"]["n"],
            json!({"type": "integer",
                   "description": "Page size. (minimum 1, maximum 100, multiple of 5, default: 30)"})
        );
        let l = lower(&s, &OPENAI);
        assert_eq!(
            l.schema["properties"]["n"],
            json!({"type": "integer", "description": "Page size. (multiple of 5, default: 30)",
                   "minimum": 1, "maximum": 100})
        );
    }

    #[test]
    fn min_items_above_one_is_described_for_anthropic() {
        let s = obj(
            json!({"a": {"type": "array", "items": {"type": "string"}, "minItems": 2}}),
            json!(["a"]),
        );
        let a = &lower(&s, &ANTHROPIC).schema["properties"]["a"];
        assert_eq!(a.get("minItems"), None);
        assert_eq!(a["description"], "(at least 2 items)");
        assert_eq!(lower(&s, &OPENAI).schema["properties"]["a"]["minItems"], 2);
    }

    #[test]
    fn open_maps_free_form_objects_and_untyped_values_block() {
        for (schema, why) in [
            (
                json!({"type": "object", "additionalProperties": {"type": "string"}}),
                "open map",
            ),
            (json!({"type": "object"}), "free-form"),
            (json!({}), "unconstrained"),
            (json!({"type": "array"}), "without `items`"),
            (
                json!({"allOf": [{"type": "string"}, {"minLength": 1}]}),
                "allOf",
            ),
            (
                json!({"not": {"type": "string"}, "type": "integer"}),
                "`not`",
            ),
        ] {
            let l = lower(&obj(json!({"x": schema}), json!(["x"])), &OPENAI);
            assert!(
                l.blockers.iter().any(|b| b.contains(why)),
                "{why}: {:?}",
                l.blockers
            );
            assert_eq!(l.schema["additionalProperties"], false);
        }
    }

    #[test]
    fn closed_nested_objects_and_one_of_become_strict() {
        let s = obj(
            json!({"o": {"type": "object", "properties": {"k": {"type": "string"}}},
                   "u": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                   "w": {"allOf": [{"$ref": "#/$defs/W"}], "description": "A w."}}),
            json!(["o", "u", "w"]),
        );
        let mut s = s;
        s["$defs"] = json!({"W": {"type": "object", "properties": {"n": {"$ref": "#/$defs/W"}}}});
        let l = lower(&s, &OPENAI);
        assert!(l.blockers.is_empty(), "{:?}", l.blockers);
        assert_eq!(l.schema["properties"]["o"]["additionalProperties"], false);
        assert_eq!(l.schema["properties"]["o"]["required"], json!(["k"]));
        assert_eq!(
            l.schema["properties"]["o"]["properties"]["k"]["type"],
            json!(["string", "null"])
        );
        assert_eq!(
            l.schema["properties"]["u"],
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(
            l.schema["properties"]["w"],
            json!({"description": "A w.", "anyOf": [{"$ref": "#/$defs/W"}]})
        );
        assert_eq!(l.schema["$defs"]["W"]["additionalProperties"], false);
    }

    #[test]
    fn recursion_blocks_anthropic_only() {
        let mut s = obj(json!({"n": {"$ref": "#/$defs/N"}}), json!(["n"]));
        s["$defs"] =
            json!({"N": {"type": "object", "properties": {"next": {"$ref": "#/$defs/N"}}}});
        assert!(lower(&s, &OPENAI).blockers.is_empty());
        let l = lower(&s, &ANTHROPIC);
        assert!(
            l.blockers.iter().any(|b| b.contains("recursive")),
            "{:?}",
            l.blockers
        );
    }

    #[test]
    fn ref_cycle_finds_indirect_cycles_only() {
        let acyclic = json!({"properties": {"a": {"$ref": "#/$defs/A"}},
            "$defs": {"A": {"properties": {"b": {"$ref": "#/$defs/B"}, "b2": {"$ref": "#/$defs/B"}}},
                      "B": {"type": "string"}}});
        assert_eq!(ref_cycle(&acyclic), None);
        let cyclic = json!({"properties": {"a": {"$ref": "#/$defs/A"}},
            "$defs": {"A": {"items": {"$ref": "#/$defs/B"}}, "B": {"anyOf": [{"$ref": "#/$defs/A"}]}}});
        assert!(ref_cycle(&cyclic).is_some());
    }

    #[test]
    fn cached_definitions_lower_as_fresh_ones() {
        let a = json!({"type": "object", "description": "An a.", "properties": {
            "b": {"$ref": "#/$defs/B"}, "n": {"type": "integer", "maximum": 3, "x-odd": 1}}});
        let tool = |defs: Value| {
            let mut s = obj(json!({"a": {"$ref": "#/$defs/A"}}), json!(["a"]));
            s["$defs"] = defs;
            s
        };
        let with_b = tool(json!({"A": a, "B": {"type": "string", "format": "byte"}}));
        // The same definition, but its reference resolves nowhere in this tool.
        let without_b = tool(json!({"A": a}));
        let other_a = tool(json!({"A": {"type": "string"}, "B": {"type": "string"}}));
        let mut cache = DefCache::default();
        for s in [&with_b, &without_b, &with_b, &other_a, &without_b, &with_b] {
            let fresh = lower(s, &OPENAI);
            let cached = lower_cached(s, &OPENAI, &mut cache);
            assert_eq!(cached.schema, fresh.schema);
            assert_eq!(cached.blockers, fresh.blockers);
            assert_eq!(cached.notes, fresh.notes);
        }
        let l = lower(&without_b, &OPENAI);
        assert!(
            l.blockers
                .iter()
                .any(|b| b.contains("/$defs/A/properties/b: unresolvable")),
            "{:?}",
            l.blockers
        );
        assert!(
            lower(&with_b, &OPENAI)
                .notes
                .iter()
                .any(|n| n.contains("x-odd"))
        );
        // One entry per content and reference outcome: A twice as written, once as a string.
        assert_eq!(cache.defs["A"].len(), 3);
        assert_eq!(cache.defs["B"].len(), 2);
    }

    #[test]
    fn non_portable_patterns_are_described() {
        let s = obj(
            json!({"p": {"type": "string", "pattern": "^(?!x).*$"}}),
            json!(["p"]),
        );
        let l = lower(&s, &OPENAI);
        assert_eq!(l.schema["properties"]["p"].get("pattern"), None);
        assert!(l.notes.iter().any(|n| n.contains("pattern")));
    }
}
