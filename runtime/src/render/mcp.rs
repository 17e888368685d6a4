//! MCP tools: `{name, title, description, inputSchema, annotations}`.
//!
//! MCP takes JSON Schema 2020-12 as is, so `inputSchema` is the canonical schema (keywords in the
//! fixed order, `$defs` sorted). `annotations` carry the behaviour hints MCP clients use to decide
//! whether to ask before calling, derived from the HTTP method (RFC 9110 semantics):
//! `readOnlyHint` for safe methods, `destructiveHint` for DELETE/PUT, `idempotentHint` for every
//! method but POST/PATCH, and `openWorldHint: true` since every tool calls an external API.
//! Without a method (hand-written tools) only `title` and `openWorldHint` are set.

use serde_json::{Map, Value};

use super::schema::canonical_order;
use super::{Rendered, ToolDef};

/// Renders one MCP tool.
pub(crate) fn render(tool: &ToolDef) -> Rendered {
    let mut m = Map::new();
    m.insert("name".into(), Value::String(tool.name.to_string()));
    if let Some(t) = tool.title {
        m.insert("title".into(), Value::String(t.to_string()));
    }
    m.insert(
        "description".into(),
        Value::String(super::full_description(tool)),
    );
    m.insert("inputSchema".into(), canonical_order(tool.input_schema, 0));
    m.insert("annotations".into(), Value::Object(annotations(tool)));
    Rendered {
        tool: Value::Object(m),
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
        render(&t).tool["annotations"].clone()
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
