//! Argument validation against a canonical input schema: every problem, with its path.
//!
//! A [`Validator`] is compiled once from a tool's canonical input schema (JSON Schema 2020-12
//! subset, see the crate docs) and then checks any number of argument values. It reports every
//! problem, each with the JSON pointer of the offending value and a sentence a model can act
//! on:
//!
//! ```
//! use openapi_tools_runtime::validate::Validator;
//! use serde_json::json;
//!
//! let v = Validator::new(&json!({
//!     "type": "object",
//!     "properties": {
//!         "owner": {"type": "string"},
//!         "state": {"type": "string", "enum": ["open", "closed", "all"]},
//!         "limit": {"type": "integer", "minimum": 1, "maximum": 100}
//!     },
//!     "required": ["owner"],
//!     "additionalProperties": false
//! }));
//! let problems = v.validate(&json!({"state": "opened", "limit": "ten", "foo": 1}));
//! let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
//! assert_eq!(lines, [
//!     r#"/: missing required property "owner""#,
//!     r#"/state: expected one of "open", "closed", "all", got "opened" (did you mean "open"?)"#,
//!     r#"/limit: expected an integer between 1 and 100, got "ten""#,
//!     r#"/: unknown property "foo" (allowed: owner, state, limit)"#,
//! ]);
//! ```
//!
//! # Rules worth knowing
//! - **Null means absent for optional properties.** A `null` value for a property that is not
//!   `required` is accepted even when the property's schema does not allow null, and treated as
//!   if the property were absent. OpenAI's strict mode makes every property required and sends
//!   `null` for the ones the model leaves out, so without this rule every strict-mode call that
//!   omits an optional parameter would be rejected. A required property set to null must allow
//!   null.
//! - **Pointers**: the root is written `/` (as in `/: missing required property "owner"`), other
//!   pointers are RFC 6901 (`/labels/2`, `~1` for `/` in a key).
//! - **Unions**: for `anyOf`/`oneOf`, when no branch matches, the problems of the closest
//!   branch (right type, fewest problems) are reported; when no branch even has the right type,
//!   one sentence lists what the branches accept (`expected a string or an array, got 5`).
//! - **Untrusted input**: nesting deeper than [`Limits::max_depth`] is one problem, strings
//!   longer than [`Limits::max_string_bytes`] are not pattern- or format-checked, at most
//!   [`Limits::max_problems`] are listed followed by `and N more problems`. Patterns run on the
//!   regex crate (linear time) with size limits; a pattern it cannot compile (look-around,
//!   back-references) is skipped and listed in [`Validator::notes`].
//! - `format` and `contentEncoding: base64` are asserted (see [`formats`]); unknown formats
//!   pass.

mod check;
pub(crate) mod compile;
pub mod formats;
pub mod messages;

use std::fmt;

use serde_json::Value;

/// One problem with a tool call's arguments.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ArgProblem {
    /// JSON pointer of the offending value (`/limit`, `/labels/2`); `/` is the root.
    pub pointer: String,
    /// What was expected and what arrived (`expected an integer, got "ten"`).
    pub message: String,
}

impl ArgProblem {
    /// A problem at `pointer` (`""` is taken as the root and written `/`).
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        let pointer = pointer.into();
        ArgProblem {
            pointer: if pointer.is_empty() {
                "/".to_owned()
            } else {
                pointer
            },
            message: message.into(),
        }
    }
}

impl fmt::Display for ArgProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// All problems with one tool call's arguments.
///
/// ```
/// use openapi_tools_runtime::validate::{ArgErrors, ArgProblem};
/// let e = ArgErrors::new("list_issues", vec![
///     ArgProblem::new("/limit", "expected an integer, got \"ten\""),
///     ArgProblem::new("", "missing required property \"owner\""),
/// ]);
/// assert_eq!(e.to_string(), "invalid arguments for tool list_issues (2 problems):\n\
///     /limit: expected an integer, got \"ten\"\n\
///     /: missing required property \"owner\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArgErrors {
    /// The tool the arguments were for.
    pub tool: String,
    /// Every problem found, in document order.
    pub problems: Vec<ArgProblem>,
}

impl ArgErrors {
    /// Bundles the problems of one call.
    pub fn new(tool: impl Into<String>, problems: Vec<ArgProblem>) -> Self {
        ArgErrors {
            tool: tool.into(),
            problems,
        }
    }
}

impl fmt::Display for ArgErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "invalid arguments for tool {} ({n} problem{}):",
            self.tool,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            write!(f, "\n{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ArgErrors {}

/// Bounds that keep validation of untrusted arguments cheap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest value nesting checked (64); deeper is one problem.
    pub max_depth: usize,
    /// Most problems listed (100); the rest are counted in a final `and N more problems`.
    pub max_problems: usize,
    /// Longest string checked against length, pattern and format, in bytes (8 MiB); longer is a
    /// problem.
    pub max_string_bytes: usize,
    /// Largest argument text [`parse_args_with`] accepts, in bytes (32 MiB).
    pub max_args_bytes: usize,
    /// Work budget of `anyOf`/`oneOf` branch trials: at most this many schema checks plus
    /// [`Limits::union_work_per_value`] per value checked outside a trial (so long arrays of
    /// unions stay valid). Nested unions multiply (each level re-checks the levels below for
    /// every branch); past the budget the arguments are rejected with one problem instead of
    /// taking exponential time (100 000).
    pub max_union_work: usize,
    /// Union work allowed per value checked outside a union trial (64).
    pub union_work_per_value: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_problems: 100,
            max_string_bytes: 8 << 20,
            max_args_bytes: 32 << 20,
            max_union_work: 100_000,
            union_work_per_value: 64,
        }
    }
}

/// A canonical input schema compiled for checking arguments.
#[derive(Debug)]
pub struct Validator {
    compiled: compile::Compiled,
    limits: Limits,
    answers: bool,
}

impl Validator {
    /// Compiles `schema` with default [`Limits`]. Never fails: parts that cannot be enforced are
    /// listed in [`Validator::notes`].
    pub fn new(schema: &Value) -> Self {
        Self::with_limits(schema, Limits::default())
    }

    /// Compiles `schema` with explicit limits.
    pub fn with_limits(schema: &Value, limits: Limits) -> Self {
        Validator {
            compiled: compile::compile(schema),
            limits,
            answers: false,
        }
    }

    /// Compiles `schema` for checking what an API answered (an MCP `structuredContent` against
    /// the tool's `outputSchema`) rather than a model's arguments: the schema is read as plain
    /// JSON Schema, as clients check it. `null` is a value like any other (the arguments rule
    /// "null means absent" does not apply), and `format` / `contentEncoding` are annotations,
    /// not assertions (JSON Schema's default, and what the MCP Python SDK does).
    ///
    /// ```
    /// use openapi_tools_runtime::validate::Validator;
    /// use serde_json::json;
    ///
    /// let schema = json!({"type": "object", "properties": {
    ///     "name": {"type": "string"}, "url": {"type": "string", "format": "uri"}}});
    /// let answer = json!({"name": null, "url": "/relative"});
    /// assert!(Validator::new(&schema).validate(&json!({"name": null})).is_empty());
    /// let problems = Validator::for_answers(&schema).validate(&answer);
    /// assert_eq!(problems.len(), 1);
    /// assert_eq!(problems[0].pointer, "/name");
    /// ```
    pub fn for_answers(schema: &Value) -> Self {
        Validator {
            answers: true,
            ..Self::new(schema)
        }
    }

    /// Parts of the schema that are not enforced (unsupported patterns, unresolvable refs).
    pub fn notes(&self) -> &[String] {
        &self.compiled.notes
    }

    /// Every problem with `args`; empty when they are valid.
    pub fn validate(&self, args: &Value) -> Vec<ArgProblem> {
        let walker = check::Walker::new(&self.compiled, &self.limits).for_answers(self.answers);
        let mut sink = check::Sink::new(self.limits.max_problems);
        let mut path = Vec::new();
        walker.check(self.compiled.root, args, &mut path, 0, &mut sink);
        // Parts of a value the schema leaves open (`{}`, free-form objects) are not walked
        // above; their nesting is bounded all the same.
        if !sink.depth_reported && nested_deeper(args, self.limits.max_depth) {
            sink.push(&[], || messages::too_deep(self.limits.max_depth));
        }
        let mut problems = sink.problems;
        if sink.dropped > 0 {
            problems.push(ArgProblem::new("/", messages::more_problems(sink.dropped)));
        }
        problems
    }

    /// Whether `args` are valid (stops at the first problem).
    pub fn is_valid(&self, args: &Value) -> bool {
        let walker = check::Walker::new(&self.compiled, &self.limits).for_answers(self.answers);
        let mut sink = check::Sink::probe();
        walker.check(self.compiled.root, args, &mut Vec::new(), 0, &mut sink);
        !sink.failed()
    }
}

/// The first pair of equal items (JSON Schema equality: `1` equals `1.0`, object key order does
/// not matter), found in linear time; `None` when all items are distinct. Generated
/// `uniqueItems` checks call this too, so the typed fast path and the validator agree and
/// neither is quadratic on long arrays.
///
/// ```
/// use openapi_tools_runtime::validate::first_duplicate;
/// use serde_json::json;
/// assert_eq!(first_duplicate(&[json!(1), json!("a"), json!(1.0)]), Some((0, 2)));
/// assert_eq!(first_duplicate(&[json!({"a": 1, "b": 2}), json!({"b": 2, "a": 1})]), Some((0, 1)));
/// assert_eq!(first_duplicate(&[json!([1]), json!([2])]), None);
/// ```
pub fn first_duplicate(items: &[Value]) -> Option<(usize, usize)> {
    check::first_duplicate(items)
}

/// Parses a model's argument text into a value, with default [`Limits`].
///
/// Tolerates what models produce: an empty or all-whitespace string means `{}`, and a JSON
/// string holding a JSON object (arguments encoded twice) is decoded once more.
///
/// ```
/// use openapi_tools_runtime::validate::parse_args;
/// assert_eq!(parse_args("").unwrap(), serde_json::json!({}));
/// assert_eq!(parse_args(r#""{\"a\":1}""#).unwrap(), serde_json::json!({"a": 1}));
/// let e = parse_args("{\"a\": tru}").unwrap_err();
/// assert_eq!(e.to_string(), "/: arguments are not valid JSON: expected ident at line 1, column 10");
/// ```
pub fn parse_args(text: &str) -> Result<Value, ArgProblem> {
    parse_args_with(text, &Limits::default())
}

/// Whether `v` nests arrays and objects more than `max` levels deep (iterative, stops early).
fn nested_deeper(v: &Value, max: usize) -> bool {
    let mut stack = vec![(v, 0usize)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match v {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        if depth >= max {
            return true;
        }
        stack.extend(children.map(|c| (c, depth + 1)));
    }
    false
}

/// [`parse_args`] with explicit limits.
pub fn parse_args_with(text: &str, limits: &Limits) -> Result<Value, ArgProblem> {
    if text.len() > limits.max_args_bytes {
        return Err(ArgProblem::new(
            "/",
            format!(
                "arguments of {} bytes exceed the limit of {} bytes",
                text.len(),
                limits.max_args_bytes
            ),
        ));
    }
    if text.trim().is_empty() {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    // Parse the text as given (not trimmed) so line and column point into what the model sent.
    let value: Value = serde_json::from_str(text).map_err(|e| bad_json(&e))?;
    if let Value::String(inner) = &value {
        let inner = inner.trim();
        if inner.starts_with('{') {
            return serde_json::from_str(inner).map_err(|e| bad_json(&e));
        }
    }
    Ok(value)
}

fn bad_json(e: &serde_json::Error) -> ArgProblem {
    // serde_json's Display ends with " at line L column C"; say it the way people read it.
    let full = e.to_string();
    let reason = full
        .rsplit_once(" at line ")
        .map_or(full.as_str(), |(r, _)| r);
    ArgProblem::new(
        "/",
        format!(
            "arguments are not valid JSON: {reason} at line {}, column {}",
            e.line(),
            e.column()
        ),
    )
}

#[cfg(test)]
mod tests;
