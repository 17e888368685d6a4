//! Schema size: the one node count every size budget uses.
//!
//! Two budgets measure schemas in these nodes: the model's per-tool schema budget (how much of
//! a shared component graph one tool's `$defs` may carry, see `openapi-tools-build`'s
//! `ModelOptions::max_schema_nodes`) and the Gemini renderer's inlining budget (how many nodes a
//! declaration may grow to when its `$ref`s are inlined). Counting the same way keeps them
//! comparable: a tool cut to N nodes by the model inlines to at most twice that for Gemini.

use serde_json::Value;

use super::schema::MAX_DEPTH;

/// The default per-tool schema budget in nodes: the model's default
/// (`openapi_tools_build::model::DEFAULT_MAX_SCHEMA_NODES`) and the default of
/// [`RenderOptions::max_schema_nodes`](super::RenderOptions::max_schema_nodes).
pub const DEFAULT_MAX_SCHEMA_NODES: usize = 2_000;

/// Counts the schema nodes of `schema`: every object in a schema position (the root, each
/// `properties` and `$defs` member, `items`, `additionalProperties`, `not`, each `anyOf` /
/// `oneOf` / `allOf` branch). Counting stops once it passes `limit` (the result is then
/// `limit + 1` or a little more), so asking whether a huge schema fits costs at most `limit`.
///
/// ```
/// use openapi_tools_runtime::render::schema_nodes;
/// let s = serde_json::json!({"type": "object", "properties": {
///     "a": {"type": "string"}, "b": {"type": "array", "items": {"$ref": "#/$defs/B"}}},
///     "$defs": {"B": {"type": "integer"}}});
/// assert_eq!(schema_nodes(&s, usize::MAX), 5);
/// assert_eq!(schema_nodes(&s, 1), 2);
/// ```
pub fn schema_nodes(schema: &Value, limit: usize) -> usize {
    let mut n = 0;
    count(schema, 0, limit, &mut n);
    n
}

fn count(v: &Value, depth: usize, limit: usize, n: &mut usize) {
    let Value::Object(m) = v else { return };
    *n += 1;
    if depth > MAX_DEPTH || *n > limit {
        return;
    }
    for (k, sub) in m {
        match (k.as_str(), sub) {
            ("properties" | "$defs", Value::Object(ps)) => {
                for s in ps.values() {
                    count(s, depth + 1, limit, n);
                    if *n > limit {
                        return;
                    }
                }
            }
            ("items" | "additionalProperties" | "not", s) => count(s, depth + 1, limit, n),
            ("anyOf" | "oneOf" | "allOf", Value::Array(a)) => {
                for s in a {
                    count(s, depth + 1, limit, n);
                    if *n > limit {
                        return;
                    }
                }
            }
            _ => {}
        }
    }
}
