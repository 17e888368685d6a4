//! Walking a value against the compiled node table, collecting every problem.
//!
//! The pointer to the current value is a stack of borrowed segments, rendered into a string
//! only when a problem is kept, and messages are built lazily too, so a valid value costs no
//! string work at all. Branches of `anyOf`/`oneOf` (and `not`) are first tried in probe mode
//! (stops at the first problem, builds nothing); only when every branch fails is the closest
//! branch walked again for its full list.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

use super::compile::{Additional, Compiled, Node, NodeId, ty};
use super::formats;
use super::messages;
use super::{ArgProblem, Limits};

/// One step of the pointer to the value being checked, kept as borrowed pieces and only
/// rendered into a string when a problem is reported (most values have none).
#[derive(Clone, Copy)]
pub(crate) enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

/// The pointer to the current value.
pub(crate) type Path<'v> = Vec<Seg<'v>>;

/// RFC 6901 text of a path; the root is `/`.
fn render(path: &[Seg<'_>]) -> String {
    if path.is_empty() {
        return "/".to_owned();
    }
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                crate::pointer::push(&mut out, k);
            }
            Seg::Index(i) => {
                let _ = write!(out, "/{i}");
            }
        }
    }
    out
}

/// Problem collector with a cap; problems past the cap are only counted.
pub(crate) struct Sink {
    pub problems: Vec<ArgProblem>,
    pub dropped: usize,
    cap: usize,
    /// Stop walking at the first problem (branch probing).
    probe: bool,
    /// Something was pushed (kept, dropped or, in probe mode, just noted).
    failed: bool,
    pub(crate) depth_reported: bool,
    budget_reported: bool,
}

impl Sink {
    pub fn new(cap: usize) -> Self {
        Sink {
            problems: Vec::new(),
            dropped: 0,
            cap,
            probe: false,
            failed: false,
            depth_reported: false,
            budget_reported: false,
        }
    }

    pub fn probe() -> Self {
        Sink {
            probe: true,
            ..Sink::new(1)
        }
    }

    /// Whether the walk can stop (probe mode and something failed).
    fn done(&self) -> bool {
        self.probe && self.failed
    }

    /// Whether any problem was found.
    pub fn failed(&self) -> bool {
        self.failed
    }

    fn count(&self) -> usize {
        self.problems.len() + self.dropped
    }

    pub(crate) fn push(&mut self, path: &[Seg<'_>], message: impl FnOnce() -> String) {
        self.failed = true;
        if self.probe {
            return;
        }
        if self.problems.len() >= self.cap {
            self.dropped += 1;
            return;
        }
        self.problems.push(ArgProblem {
            pointer: render(path),
            message: message(),
        });
    }

    /// Keeps a problem whose pointer is already rendered.
    fn push_rendered(&mut self, ptr: &str, message: impl FnOnce() -> String) {
        self.failed = true;
        if self.probe {
            // Only "did anything fail" matters: no pointer copy, no message.
            return;
        }
        if self.problems.len() >= self.cap {
            self.dropped += 1;
            return;
        }
        let pointer = if ptr.is_empty() { "/" } else { ptr };
        self.problems.push(ArgProblem {
            pointer: pointer.to_owned(),
            message: message(),
        });
    }
}

pub(crate) struct Walker<'a> {
    pub c: &'a Compiled,
    pub limits: &'a Limits,
    /// Union trials under way (checks inside them are union work).
    trials: Cell<usize>,
    /// Checks made inside union trials.
    union_work: Cell<usize>,
    /// Checks made outside union trials (the size of the value walked so far).
    plain_work: Cell<usize>,
    /// The budget ran out: every union fails from here on, reported once.
    exhausted: Cell<bool>,
    /// Checking an API answer, not a model's arguments (see [`Validator::for_answers`]).
    ///
    /// [`Validator::for_answers`]: super::Validator::for_answers
    answers: bool,
}

impl<'a> Walker<'a> {
    pub fn new(c: &'a Compiled, limits: &'a Limits) -> Self {
        Walker {
            c,
            limits,
            trials: Cell::new(0),
            union_work: Cell::new(0),
            plain_work: Cell::new(0),
            exhausted: Cell::new(false),
            answers: false,
        }
    }

    /// Reads the schema as plain JSON Schema, for API answers: `null` is a value like any
    /// other, `format` and `contentEncoding` are annotations.
    pub fn for_answers(mut self, answers: bool) -> Self {
        self.answers = answers;
        self
    }

    /// Whether union trials may continue: the union work so far is within
    /// `max_union_work + union_work_per_value * plain_work`.
    fn budget_left(&self) -> bool {
        if self.exhausted.get() {
            return false;
        }
        let allowed = self.limits.max_union_work.saturating_add(
            self.limits
                .union_work_per_value
                .saturating_mul(self.plain_work.get()),
        );
        if self.union_work.get() > allowed {
            self.exhausted.set(true);
            return false;
        }
        true
    }

    fn node(&self, id: NodeId) -> Option<&Node> {
        self.c.nodes.get(id)
    }

    pub fn check<'v>(
        &self,
        id: NodeId,
        v: &'v Value,
        ptr: &mut Path<'v>,
        depth: usize,
        out: &mut Sink,
    ) {
        let Some(n) = self.node(id) else { return };
        let work = if self.trials.get() > 0 {
            &self.union_work
        } else {
            &self.plain_work
        };
        work.set(work.get().saturating_add(1));
        if depth > self.limits.max_depth {
            if !out.depth_reported {
                out.depth_reported = true;
                out.push(ptr, || messages::too_deep(self.limits.max_depth));
            }
            return;
        }
        if n.reject_all {
            out.push(ptr, messages::nothing_allowed);
            return;
        }
        if let Some(mask) = n.types
            && !accepts(mask, v)
        {
            out.push(ptr, || messages::type_mismatch(&self.expected(id, 0), v));
            return;
        }
        if let Some(c) = &n.const_value
            && !json_eq(c, v, 0)
        {
            out.push(ptr, || messages::const_mismatch(c, v));
            return;
        }
        if let Some(values) = &n.enum_values
            && !values.iter().any(|e| json_eq(e, v, 0))
        {
            out.push(ptr, || messages::not_one_of(values, v));
            return;
        }
        match v {
            Value::String(s) => self.string(n, s, v, ptr, out),
            Value::Number(x) => number(n, x, v, ptr, !self.answers, out),
            Value::Array(items) => self.array(n, items, ptr, depth, out),
            Value::Object(map) => self.object(n, map, ptr, depth, out),
            _ => {}
        }
        if out.done() {
            return;
        }
        if let Some(r) = n.reference {
            // A ref adds no nesting level of the value, but cycles of refs without value
            // nesting (A -> B -> A) must still end: count them as depth.
            self.check(r, v, ptr, depth + 1, out);
        }
        for b in &n.all_of {
            if out.done() {
                return;
            }
            self.check(*b, v, ptr, depth + 1, out);
        }
        if !n.any_of.is_empty() && !out.done() {
            self.union(&n.any_of, false, v, ptr, depth, out);
        }
        if !n.one_of.is_empty() && !out.done() {
            self.union(&n.one_of, true, v, ptr, depth, out);
        }
        if let Some(not) = n.not
            && !out.done()
            && self.is_valid(not, v, ptr, depth)
        {
            out.push(ptr, || {
                messages::matches_excluded(&self.expected(not, 0), v)
            });
        }
    }

    fn is_valid<'v>(&self, id: NodeId, v: &'v Value, ptr: &mut Path<'v>, depth: usize) -> bool {
        let mut probe = Sink::probe();
        self.trial(id, v, ptr, depth, &mut probe);
        !probe.failed
    }

    /// Checks one union branch (counted as union work).
    fn trial<'v>(
        &self,
        id: NodeId,
        v: &'v Value,
        ptr: &mut Path<'v>,
        depth: usize,
        out: &mut Sink,
    ) {
        let len = ptr.len();
        self.trials.set(self.trials.get() + 1);
        self.check(id, v, ptr, depth + 1, out);
        self.trials.set(self.trials.get().saturating_sub(1));
        ptr.truncate(len);
    }

    /// Reports an exhausted union budget: once at the outermost level, as a plain failure
    /// inside trials (the outer union then fails too and reports it).
    fn over_budget(&self, ptr: &Path<'_>, out: &mut Sink) {
        if self.trials.get() > 0 || out.probe {
            out.push(ptr, String::new);
        } else if !out.budget_reported {
            out.budget_reported = true;
            out.push(ptr, messages::union_budget_exceeded);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn union<'v>(
        &self,
        branches: &[NodeId],
        exactly_one: bool,
        v: &'v Value,
        ptr: &mut Path<'v>,
        depth: usize,
        out: &mut Sink,
    ) {
        let mut matching = Vec::new();
        for (i, b) in branches.iter().enumerate() {
            if !self.budget_left() {
                return self.over_budget(ptr, out);
            }
            if self.is_valid(*b, v, ptr, depth) {
                if !exactly_one {
                    return;
                }
                matching.push(i);
            }
        }
        if !self.budget_left() {
            return self.over_budget(ptr, out);
        }
        // `oneOf: [{required: [id]}, {required: [owner, repo, number]}]`: say which sets of
        // properties would do, not what one alternative misses.
        let sets = || -> Option<Vec<&[String]>> {
            branches
                .iter()
                .map(|b| self.node(*b).and_then(required_only))
                .collect()
        };
        match matching.len() {
            1 => return,
            0 => {}
            _ => {
                match sets() {
                    Some(sets) if v.is_object() => {
                        out.push(ptr, || messages::too_many_alternatives(&sets));
                    }
                    _ => out.push(ptr, || messages::ambiguous_one_of(&matching)),
                }
                return;
            }
        }
        if out.probe {
            out.push(ptr, String::new);
            return;
        }
        if let Some(sets) = sets().filter(|_| v.is_object()) {
            out.push(ptr, || messages::missing_alternatives(&sets, exactly_one));
            return;
        }
        // No branch matches. Branches whose outer shape (type, const, enum) fits are the ones
        // the caller meant; report the one with the fewest problems.
        let mut best: Option<Sink> = None;
        for b in branches {
            if !self.shape_fits(*b, v, 0) {
                continue;
            }
            let mut trial = Sink::new(out.cap);
            self.trial(*b, v, ptr, depth, &mut trial);
            if !self.budget_left() {
                return self.over_budget(ptr, out);
            }
            if best.as_ref().is_none_or(|s| trial.count() < s.count()) {
                best = Some(trial);
            }
        }
        match best {
            Some(sink) => {
                for p in sink.problems {
                    out.push_rendered(&p.pointer, || p.message);
                }
                out.dropped += sink.dropped;
            }
            None => out.push(ptr, || {
                messages::type_mismatch(&self.expected_union(branches), v)
            }),
        }
    }

    /// Whether `v` passes the outermost checks of a branch (type, const, enum), following refs.
    fn shape_fits(&self, id: NodeId, v: &Value, hops: usize) -> bool {
        let Some(n) = self.node(id) else { return true };
        if hops > 16 || n.reject_all {
            return !n.reject_all;
        }
        let ok = n.types.is_none_or(|m| accepts(m, v))
            && n.const_value.as_ref().is_none_or(|c| json_eq(c, v, 0))
            && n.enum_values
                .as_ref()
                .is_none_or(|e| e.iter().any(|x| json_eq(x, v, 0)));
        ok && n.reference.is_none_or(|r| self.shape_fits(r, v, hops + 1))
            && n.all_of.iter().all(|b| self.shape_fits(*b, v, hops + 1))
            && (n.any_of.is_empty() || n.any_of.iter().any(|b| self.shape_fits(*b, v, hops + 1)))
            && (n.one_of.is_empty() || n.one_of.iter().any(|b| self.shape_fits(*b, v, hops + 1)))
    }

    fn expected_union(&self, branches: &[NodeId]) -> String {
        let mut parts: Vec<String> = Vec::new();
        for b in branches {
            let p = self.expected(*b, 1);
            if !parts.contains(&p) {
                parts.push(p);
            }
        }
        messages::alternatives(&parts)
    }

    /// What a node expects, as a phrase: `an integer between 1 and 100`, `one of "a", "b"`,
    /// `a string or null`.
    pub fn expected(&self, id: NodeId, hops: usize) -> String {
        let Some(n) = self.node(id) else {
            return "a value".to_owned();
        };
        if hops > 4 {
            return "a value".to_owned();
        }
        if let Some(c) = &n.const_value {
            return messages::describe_value(c);
        }
        if let Some(values) = &n.enum_values {
            return messages::one_of_phrase(values);
        }
        if let Some(mask) = n.types {
            let mut parts = Vec::new();
            for (bit, name) in ty::NAMES {
                if mask & bit == 0 || (bit == ty::INTEGER && mask & ty::NUMBER != 0) {
                    continue;
                }
                parts.push(match bit {
                    ty::INTEGER | ty::NUMBER if !n.bounds.is_empty() => {
                        messages::expected_number(name, &n.bounds)
                    }
                    ty::STRING if n.format.is_some() => {
                        let f = n.format.as_deref().unwrap_or_default();
                        let p = messages::format_phrase(f);
                        if p.starts_with("a string in ") {
                            "a string".to_owned()
                        } else {
                            p
                        }
                    }
                    _ => messages::type_phrase(name),
                });
            }
            return messages::alternatives(&parts);
        }
        if let Some(r) = n.reference {
            return self.expected(r, hops + 1);
        }
        let branches = if n.any_of.is_empty() {
            &n.one_of
        } else {
            &n.any_of
        };
        if !branches.is_empty() {
            let mut parts: Vec<String> = Vec::new();
            for b in branches {
                let p = self.expected(*b, hops + 1);
                if !parts.contains(&p) {
                    parts.push(p);
                }
            }
            return messages::alternatives(&parts);
        }
        if let Some(first) = n.all_of.first() {
            return self.expected(*first, hops + 1);
        }
        if !n.properties.is_empty() {
            return "an object".to_owned();
        }
        "a value".to_owned()
    }

    fn string(&self, n: &Node, s: &str, v: &Value, ptr: &[Seg<'_>], out: &mut Sink) {
        if s.len() > self.limits.max_string_bytes {
            out.push(ptr, || {
                messages::string_too_large(s.len(), self.limits.max_string_bytes)
            });
            return;
        }
        if n.min_length.is_some() || n.max_length.is_some() {
            let chars = s.chars().count();
            let len = chars as u64;
            if n.min_length.is_some_and(|m| len < m) || n.max_length.is_some_and(|m| len > m) {
                out.push(ptr, || {
                    messages::length_out_of_range(n.min_length, n.max_length, chars)
                });
            }
        }
        if let Some((src, re)) = &n.pattern
            && !re.is_match(s)
        {
            out.push(ptr, || messages::pattern_mismatch(src, s));
        }
        if self.answers {
            return;
        }
        if let Some(f) = &n.format
            && !formats::check(f, s)
        {
            out.push(ptr, || messages::format_mismatch(f, v));
        }
        if n.base64 && n.format.as_deref() != Some("byte") && formats::decode_base64(s).is_none() {
            out.push(ptr, || messages::format_mismatch("base64", v));
        }
    }

    fn array<'v>(
        &self,
        n: &Node,
        items: &'v [Value],
        ptr: &mut Path<'v>,
        depth: usize,
        out: &mut Sink,
    ) {
        let len = items.len() as u64;
        if n.min_items.is_some_and(|m| len < m) || n.max_items.is_some_and(|m| len > m) {
            out.push(ptr, || {
                messages::items_out_of_range(n.min_items, n.max_items, items.len())
            });
        }
        if n.unique_items
            && let Some((a, b)) = first_duplicate(items)
        {
            out.push(ptr, || messages::duplicate_items(a, b));
        }
        for (i, item) in items.iter().enumerate() {
            if out.done() {
                return;
            }
            let node = match n.prefix_items.get(i) {
                Some(p) => *p,
                None => match n.items {
                    Some(it) => it,
                    None => continue,
                },
            };
            ptr.push(Seg::Index(i));
            self.check(node, item, ptr, depth + 1, out);
            ptr.pop();
        }
    }

    fn object<'v>(
        &self,
        n: &Node,
        map: &'v Map<String, Value>,
        ptr: &mut Path<'v>,
        depth: usize,
        out: &mut Sink,
    ) {
        let len = map.len() as u64;
        if n.min_properties.is_some_and(|m| len < m) || n.max_properties.is_some_and(|m| len > m) {
            out.push(ptr, || {
                messages::properties_out_of_range(n.min_properties, n.max_properties, map.len())
            });
        }
        // Required properties are counted as the keys are looked up; only when some are
        // missing (or required names are not declared) is each one looked up again.
        let mut required_seen = 0;
        let missing_start = out.problems.len();
        for (key, value) in map {
            if out.done() {
                return;
            }
            let prop = n.property(key);
            if prop.is_some_and(|p| p.required) {
                required_seen += 1;
            }
            let node = match prop {
                // Null for an optional property means "absent" (OpenAI strict mode sends null
                // for every optional property it leaves out); not in an API answer.
                Some(p) if value.is_null() && !p.required && !self.answers => continue,
                Some(p) => p.node,
                None => match n.additional {
                    Additional::Any => continue,
                    Additional::Schema(s) => s,
                    Additional::Deny => {
                        out.push(ptr, || {
                            let allowed: Vec<&str> =
                                n.properties.iter().map(|p| p.name.as_str()).collect();
                            messages::unknown_property(key, &allowed)
                        });
                        continue;
                    }
                },
            };
            ptr.push(Seg::Key(key));
            self.check(node, value, ptr, depth + 1, out);
            ptr.pop();
        }
        if out.probe {
            if required_seen < n.required_declared
                || n.required.iter().any(|r| !map.contains_key(r))
            {
                out.push(ptr, String::new);
            }
            return;
        }
        if required_seen < n.required_declared || n.required.len() > n.required_declared {
            // Missing-required problems go first: they are about the object itself.
            let mut missing = Sink::new(out.cap.saturating_sub(missing_start));
            for name in &n.required {
                if !map.contains_key(name) {
                    missing.push(ptr, || messages::missing_required(name));
                }
            }
            let at = missing_start.min(out.problems.len());
            let kept: Vec<ArgProblem> = missing.problems;
            let room = out.cap.saturating_sub(out.problems.len());
            let (fit, over) = kept.split_at(kept.len().min(room));
            out.problems.splice(at..at, fit.iter().cloned());
            out.dropped += over.len() + missing.dropped;
            out.failed |= missing.failed;
        }
    }
}

fn number(n: &Node, x: &Number, v: &Value, ptr: &[Seg<'_>], formats: bool, out: &mut Sink) {
    let Some(f) = x.as_f64() else { return };
    if !n.bounds.contains(f) {
        let kind = match n.types {
            Some(m) if m & ty::NUMBER == 0 && m & ty::INTEGER != 0 => "integer",
            _ => "number",
        };
        out.push(ptr, || {
            messages::type_mismatch(&messages::expected_number(kind, &n.bounds), v)
        });
    }
    if let Some(m) = n.multiple_of
        && !is_multiple(x, m)
    {
        out.push(ptr, || messages::not_multiple_of(m, v));
    }
    if let Some(fmt) = n.format.as_ref().filter(|_| formats)
        && !formats::check_number(fmt, x)
    {
        out.push(ptr, || messages::format_mismatch(fmt, v));
    }
}

/// `multipleOf` without float surprises: exact for integers, relative tolerance otherwise
/// (so 0.3 is a multiple of 0.1).
fn is_multiple(x: &Number, m: f64) -> bool {
    if m.fract() == 0.0 && m <= 9.0e15 {
        let mi = m as u64;
        if let Some(u) = x.as_u64() {
            return mi != 0 && u % mi == 0;
        }
        if let Some(i) = x.as_i64() {
            return mi != 0 && i.unsigned_abs() % mi == 0;
        }
    }
    let Some(f) = x.as_f64() else { return false };
    let q = f / m;
    if !q.is_finite() {
        return false;
    }
    (q - q.round()).abs() <= 1e-9 * q.abs().max(1.0)
}

/// Whether a value has one of the types in `mask` (an integral number counts as an integer).
fn accepts(mask: u8, v: &Value) -> bool {
    let bit = match v {
        Value::Null => ty::NULL,
        Value::Bool(_) => ty::BOOLEAN,
        Value::Number(n) => {
            if mask & ty::NUMBER != 0 {
                return true;
            }
            return mask & ty::INTEGER != 0 && is_integral(n);
        }
        Value::String(_) => ty::STRING,
        Value::Array(_) => ty::ARRAY,
        Value::Object(_) => ty::OBJECT,
    };
    mask & bit != 0
}

fn is_integral(n: &Number) -> bool {
    n.is_i64()
        || n.is_u64()
        || n.as_f64()
            .is_some_and(|f| f.fract() == 0.0 && f.is_finite())
}

/// JSON equality as JSON Schema defines it: `1` equals `1.0`; depth-bounded.
pub(crate) fn json_eq(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > 128 {
        return false;
    }
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(p), Some(q)) = (x.as_i64(), y.as_i64()) {
                p == q
            } else if let (Some(p), Some(q)) = (x.as_u64(), y.as_u64()) {
                p == q
            } else {
                x.as_f64() == y.as_f64()
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q, depth + 1))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, p)| y.get(k).is_some_and(|q| json_eq(p, q, depth + 1)))
        }
        _ => a == b,
    }
}

/// First pair of equal items, by a canonical key (sorted object keys, normalised numbers), so
/// uniqueness is linear rather than quadratic on long arrays.
pub(crate) fn first_duplicate(items: &[Value]) -> Option<(usize, usize)> {
    if items.len() <= 16 {
        // Short arrays: pairwise comparison allocates nothing.
        for (j, b) in items.iter().enumerate() {
            for (i, a) in items.iter().enumerate().take(j) {
                if json_eq(a, b, 0) {
                    return Some((i, j));
                }
            }
        }
        return None;
    }
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let mut key = String::new();
        canonical(item, &mut key, 0);
        if let Some(first) = seen.get(&key) {
            return Some((*first, i));
        }
        seen.insert(key, i);
    }
    None
}

fn canonical(v: &Value, out: &mut String, depth: usize) {
    if depth > 128 {
        out.push('…');
        return;
    }
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                out.push_str(&(f as i64).to_string());
            }
            _ => out.push_str(&n.to_string()),
        },
        Value::Array(items) => {
            out.push('[');
            for it in items {
                canonical(it, out, depth + 1);
                out.push(',');
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for k in keys {
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                if let Some(x) = map.get(k) {
                    canonical(x, out, depth + 1);
                }
                out.push(',');
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// The `required` list of a subschema that says nothing else (`{"required": ["id"]}`).
fn required_only(n: &Node) -> Option<&[String]> {
    let only_required = !n.required.is_empty()
        && !n.reject_all
        && n.types.is_none()
        && n.enum_values.is_none()
        && n.const_value.is_none()
        && n.reference.is_none()
        && n.all_of.is_empty()
        && n.any_of.is_empty()
        && n.one_of.is_empty()
        && n.not.is_none()
        && n.properties.is_empty()
        && matches!(n.additional, Additional::Any)
        && n.items.is_none()
        && n.prefix_items.is_empty()
        && n.min_length.is_none()
        && n.max_length.is_none()
        && n.pattern.is_none()
        && n.format.is_none()
        && !n.base64
        && n.bounds.is_empty()
        && n.multiple_of.is_none()
        && n.min_items.is_none()
        && n.max_items.is_none()
        && !n.unique_items
        && n.min_properties.is_none()
        && n.max_properties.is_none();
    only_required.then_some(n.required.as_slice())
}
