//! Anthropic tools: `{name, description, input_schema}` (+ `strict: true` when asked for).
//!
//! By default `input_schema` is the canonical schema unchanged (Anthropic accepts JSON Schema
//! 2020-12). With [`super::RenderOptions::anthropic_strict`], a tool whose schema lowers into
//! Anthropic's strict subset ([`super::strict`] with [`PROFILE`]) gets `strict: true`: numeric,
//! length, item-count and property-count constraints are not supported there, so they move into
//! the description (`"(minimum 1, maximum 100)"`) and stay enforced by the validator; optional
//! properties stay optional; recursive schemas cannot be strict.
//!
//! Anthropic also caps strict tools per request (20 tools, 24 optional parameters, 16 union-typed
//! parameters in total). [`budget_strict`] applies those caps over a whole tool set in order:
//! tools past the budget are sent non-strict with a note.

use serde_json::Value;

use super::canonical::Schema;
use super::schema::{MAX_DEPTH, push_ptr};
use super::strict::{self, DefCache, Profile};
use super::wire::{Field, Wire};
use super::{Shaped, ToolDef};

/// Anthropic strict tools: what stays in the schema.
pub(crate) const PROFILE: Profile = Profile {
    all_required: false,
    kept: &["pattern", "minItems"],
    formats: &[
        "date-time",
        "time",
        "date",
        "duration",
        "email",
        "hostname",
        "uri",
        "ipv4",
        "ipv6",
        "uuid",
    ],
    max_min_items: Some(1),
    allow_recursion: false,
    single_types: true,
    wrap_ref_description: false,
    check_patterns: true,
};

/// Strict tools per request.
pub(crate) const MAX_STRICT_TOOLS: usize = 20;
/// Optional parameters across all strict tools of a request.
pub(crate) const MAX_OPTIONAL: usize = 24;
/// Union-typed (`anyOf` / type array) parameters across all strict tools of a request.
pub(crate) const MAX_UNIONS: usize = 16;

/// Renders one tool; `strict` asks for the strict subset. The non-strict `input_schema` is the
/// canonical schema, borrowed.
/// `defs` holds the definitions lowered for earlier tools of the set (only ever under
/// [`PROFILE`]).
pub(crate) fn render<'a>(tool: &ToolDef<'a>, strict: bool, defs: &mut DefCache) -> Shaped<'a> {
    let mut notes = Vec::new();
    check_keys(tool.input_schema, &mut notes);
    if strict {
        let lowered = strict::lower_cached(tool.input_schema, &PROFILE, defs);
        if lowered.blockers.is_empty() {
            notes.extend(lowered.notes);
            return Shaped {
                tool: shape(tool, Schema::Owned(lowered.schema), true),
                strict: true,
                notes,
            };
        }
        notes.extend(
            lowered
                .blockers
                .into_iter()
                .map(|b| format!("strict mode not possible: {b}")),
        );
    }
    Shaped {
        tool: shape(tool, Schema::Canonical(tool.input_schema), false),
        strict: false,
        notes,
    }
}

fn shape<'a>(tool: &ToolDef<'a>, schema: Schema<'a>, strict: bool) -> Wire<'a> {
    let mut w = Wire::default();
    w.push("name", Field::Str(tool.name));
    w.push("description", Field::Text(super::full_description(tool)));
    w.push("input_schema", Field::Schema(schema));
    if strict {
        w.push("strict", Field::Bool(true));
    }
    w
}

/// What a strict tool spends of the per-request budget.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cost {
    pub optional: usize,
    pub unions: usize,
}

/// Counts optional and union-typed properties at every level of a (lowered) schema.
pub(crate) fn cost(schema: &Value) -> Cost {
    let mut c = Cost::default();
    cost_walk(schema, &mut c, 0);
    c
}

fn cost_walk(v: &Value, c: &mut Cost, depth: usize) {
    let Value::Object(m) = v else { return };
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(Value::Object(ps)) = m.get("properties") {
        let req: Vec<&str> = match m.get("required") {
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for (k, s) in ps {
            if !req.contains(&k.as_str()) {
                c.optional += 1;
            }
            if s.get("anyOf").is_some() || s.get("type").is_some_and(Value::is_array) {
                c.unions += 1;
            }
            cost_walk(s, c, depth + 1);
        }
    }
    for k in ["items", "additionalProperties"] {
        if let Some(s) = m.get(k) {
            cost_walk(s, c, depth + 1);
        }
    }
    for k in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(a)) = m.get(k) {
            a.iter().for_each(|s| cost_walk(s, c, depth + 1));
        }
    }
    if let Some(Value::Object(defs)) = m.get("$defs") {
        defs.values().for_each(|s| cost_walk(s, c, depth + 1));
    }
}

/// What the strict tools seen so far spent of the per-request budget (so a tool set can be
/// budgeted one tool at a time, in order).
#[derive(Debug, Default)]
pub(crate) struct StrictBudget {
    tools: usize,
    optional: usize,
    unions: usize,
}

impl StrictBudget {
    /// Admits a strict rendering within the budget, or replaces it by the non-strict one.
    pub(crate) fn apply<'a>(&mut self, tool: &ToolDef<'a>, r: &mut Shaped<'a>) {
        if !r.strict {
            return;
        }
        let c = r
            .tool
            .get("input_schema")
            .and_then(Field::as_owned_schema)
            .map(cost)
            .unwrap_or_default();
        let fits = self.tools < MAX_STRICT_TOOLS
            && self.optional + c.optional <= MAX_OPTIONAL
            && self.unions + c.unions <= MAX_UNIONS;
        if fits {
            self.tools += 1;
            self.optional += c.optional;
            self.unions += c.unions;
        } else {
            let mut plain = render(tool, false, &mut DefCache::default());
            plain.notes.push(format!(
                "strict mode not possible: the request's strict budget is used up \
                 ({MAX_STRICT_TOOLS} tools, {MAX_OPTIONAL} optional and {MAX_UNIONS} union \
                 parameters across strict tools); this tool needs {} optional and {} union",
                c.optional, c.unions
            ));
            *r = plain;
        }
    }
}

/// Notes property keys Anthropic rejects (`^[a-zA-Z0-9_.-]{1,64}$`). Canonical schemas from the
/// model already use safe names; hand-written ones may not, and renaming here would break the
/// wire mapping, so we only report. The walk keeps the path as borrowed tokens and spells a
/// pointer only for a key it reports (every tool of a big document is checked).
fn check_keys(v: &Value, notes: &mut Vec<String>) {
    walk_keys(v, &mut Vec::new(), 0, notes);
}

/// One step of a path: a key, or an array index.
enum Token<'a> {
    Key(&'a str),
    Index(usize),
}

fn pointer(path: &[Token<'_>]) -> String {
    path.iter().fold(String::new(), |ptr, t| match t {
        Token::Key(k) => push_ptr(&ptr, k),
        Token::Index(i) => push_ptr(&ptr, &i.to_string()),
    })
}

/// Walks `s` with `path` extended by `tokens` (restored afterwards).
fn descend<'a>(
    s: &'a Value,
    path: &mut Vec<Token<'a>>,
    tokens: [Token<'a>; 2],
    depth: usize,
    notes: &mut Vec<String>,
) {
    let n = path.len();
    path.extend(tokens);
    walk_keys(s, path, depth + 1, notes);
    path.truncate(n);
}

fn walk_keys<'a>(v: &'a Value, path: &mut Vec<Token<'a>>, depth: usize, notes: &mut Vec<String>) {
    let Value::Object(m) = v else { return };
    if depth > MAX_DEPTH {
        return;
    }
    for (k, value) in m {
        match (k.as_str(), value) {
            ("properties", Value::Object(ps)) => {
                for (name, s) in ps {
                    let tokens = [Token::Key(k), Token::Key(name)];
                    if !key_ok(name) {
                        let n = path.len();
                        path.extend(tokens);
                        notes.push(format!(
                            "{}: property key Anthropic rejects (needs ^[a-zA-Z0-9_.-]{{1,64}}$)",
                            pointer(path)
                        ));
                        path.truncate(n);
                    }
                    descend(s, path, [Token::Key(k), Token::Key(name)], depth, notes);
                }
            }
            ("$defs", Value::Object(ds)) => {
                // Definitions are reported from the root, wherever they sit.
                for (name, s) in ds {
                    descend(
                        s,
                        &mut Vec::new(),
                        [Token::Key(k), Token::Key(name)],
                        depth,
                        notes,
                    );
                }
            }
            ("anyOf" | "oneOf" | "allOf", Value::Array(a)) => {
                for (i, s) in a.iter().enumerate() {
                    descend(s, path, [Token::Key(k), Token::Index(i)], depth, notes);
                }
            }
            ("items" | "additionalProperties" | "not", s) => {
                let n = path.len();
                path.push(Token::Key(k));
                walk_keys(s, path, depth + 1, notes);
                path.truncate(n);
            }
            _ => {}
        }
    }
}

fn key_ok(k: &str) -> bool {
    (1..=64).contains(&k.len())
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    fn tool(schema: &Value) -> ToolDef<'_> {
        ToolDef {
            name: "t",
            title: None,
            description: "d",
            input_schema: schema,
            method: None,
            deprecated: false,
        }
    }

    #[test]
    fn strict_only_when_asked_and_possible() {
        let s = json!({"type": "object", "properties": {"a": {"type": "integer", "minimum": 1}},
                       "required": ["a"], "additionalProperties": false});
        let plain = render(&tool(&s), false, &mut DefCache::default()).into_rendered();
        assert!(!plain.strict);
        assert_eq!(plain.tool.get("strict"), None);
        assert_eq!(plain.tool["input_schema"]["properties"]["a"]["minimum"], 1);
        let strict = render(&tool(&s), true, &mut DefCache::default()).into_rendered();
        assert!(strict.strict);
        assert_eq!(strict.tool["strict"], true);
        assert_eq!(
            strict.tool["input_schema"]["properties"]["a"],
            json!({"type": "integer", "description": "(minimum 1)"})
        );
        let open = json!({"type": "object", "properties": {"m": {"type": "object"}}});
        let r = render(&tool(&open), true, &mut DefCache::default());
        assert!(!r.strict);
        assert!(r.notes.iter().any(|n| n.contains("free-form")));
    }

    #[test]
    fn budget_demotes_tools_past_the_caps() {
        let props: Map<String, Value> = (0..10)
            .map(|i| (format!("p{i}"), json!({"type": "string"})))
            .collect();
        let s = json!({"type": "object", "properties": props, "additionalProperties": false});
        let tools = [tool(&s), tool(&s), tool(&s)];
        let mut r: Vec<Shaped> = tools
            .iter()
            .map(|t| render(t, true, &mut DefCache::default()))
            .collect();
        assert_eq!(
            cost(&r[0].tool.to_value()["input_schema"]),
            Cost {
                optional: 10,
                unions: 0
            }
        );
        let mut budget = StrictBudget::default();
        for (t, r) in tools.iter().zip(r.iter_mut()) {
            budget.apply(t, r);
        }
        assert_eq!(
            r.iter().map(|r| r.strict).collect::<Vec<_>>(),
            [true, true, false]
        );
        assert!(r[2].notes.iter().any(|n| n.contains("budget")));
        assert!(r[2].tool.get("strict").is_none());
    }

    #[test]
    fn bad_property_keys_are_reported() {
        let s = json!({"type": "object", "properties": {"a b": {"type": "string"}}});
        assert!(
            render(&tool(&s), false, &mut DefCache::default()).notes[0].contains("/properties/a b")
        );
        let nested = json!({"type": "object", "properties": {"x": {"anyOf": [{"type": "null"},
            {"items": {"properties": {"ok": {}, "a/b": {}}}}]}},
            "$defs": {"D~": {"properties": {"é": {}}}}});
        let notes = render(&tool(&nested), false, &mut DefCache::default()).notes;
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("/properties/x/anyOf/1/items/properties/a~1b: "));
        assert!(notes[1].starts_with("/$defs/D~0/properties/é: "));
    }
}
