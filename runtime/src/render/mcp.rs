//! MCP tools: `{name, title, description, inputSchema, annotations}`.
//!
//! MCP takes JSON Schema 2020-12 as is, so `inputSchema` is the canonical schema (keywords in the
//! fixed order, `$defs` sorted). `annotations` carry the behaviour hints MCP clients use to decide
//! whether to ask before calling, derived from the HTTP method (RFC 9110 semantics):
//! `readOnlyHint` for safe methods, `destructiveHint` for DELETE/PUT, `idempotentHint` for every
//! method but POST/PATCH, and `openWorldHint: true` since every tool calls an external API.
//! Without a method (hand-written tools) only `title` and `openWorldHint` are set.

use serde_json::{Map, Value};

use super::canonical::Schema;
use super::wire::{Field, Wire};
use super::{Shaped, ToolDef};

/// Renders one MCP tool; its `inputSchema` is the canonical schema, borrowed.
pub(crate) fn render<'a>(tool: &ToolDef<'a>) -> Shaped<'a> {
    let mut w = Wire::default();
    w.push("name", Field::Str(tool.name));
    if let Some(t) = tool.title {
        w.push("title", Field::Str(t));
    }
    w.push("description", Field::Text(super::full_description(tool)));
    w.push(
        "inputSchema",
        Field::Schema(Schema::Canonical(tool.input_schema)),
    );
    w.push(
        "annotations",
        Field::Value(Value::Object(annotations(tool))),
    );
    Shaped {
        tool: w,
        strict: false,
        notes: Vec::new(),
    }
}

fn annotations(tool: &ToolDef) -> Map<String, Value> {
    let mut a = Map::new();
    if let Some(t) = tool.title {
        a.insert("title".into(), Value::String(t.to_string()));
    }
    if let Some(method) = tool.method {
        let read_only = method.is_read_only();
        a.insert("readOnlyHint".into(), Value::Bool(read_only));
        a.insert(
            "destructiveHint".into(),
            Value::Bool(!read_only && method.is_destructive()),
        );
        a.insert("idempotentHint".into(), Value::Bool(method.is_idempotent()));
    }
    a.insert("openWorldHint".into(), Value::Bool(true));
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::HttpMethod;
    use serde_json::json;

    fn hints(method: Option<HttpMethod>) -> Value {
        let s = json!({"type": "object", "properties": {}, "additionalProperties": false});
        let t = ToolDef {
            name: "t",
            title: Some("T"),
            description: "d",
            input_schema: &s,
            method,
            deprecated: false,
        };
        render(&t).tool.to_value()["annotations"].clone()
    }

    #[test]
    fn hints_follow_the_method() {
        assert_eq!(
            hints(Some(HttpMethod::Get)),
            json!({"title": "T", "readOnlyHint": true, "destructiveHint": false,
                   "idempotentHint": true, "openWorldHint": true})
        );
        assert_eq!(hints(Some(HttpMethod::Delete))["destructiveHint"], true);
        assert_eq!(hints(Some(HttpMethod::Put))["idempotentHint"], true);
        assert_eq!(hints(Some(HttpMethod::Post))["idempotentHint"], false);
        assert_eq!(hints(Some(HttpMethod::Post))["destructiveHint"], false);
        assert_eq!(hints(Some(HttpMethod::Patch))["readOnlyHint"], false);
        assert_eq!(hints(None), json!({"title": "T", "openWorldHint": true}));
    }
}
