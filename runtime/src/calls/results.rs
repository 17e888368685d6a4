//! Next-turn messages from tool results, in each provider's shape.

use serde_json::{Value, json};

use super::ToolCall;
use crate::render::Provider;

/// The outcome of one call, ready to send back to the model.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolResult {
    /// The call's id ([`ToolCall::id`]).
    pub call_id: String,
    /// `true` when the id was made up and must not be sent to the provider.
    pub id_synthetic: bool,
    /// The tool name the model used.
    pub name: String,
    /// The tool's output (a string is sent as text, anything else as JSON text), or the
    /// error message.
    pub content: Value,
    /// Whether the call failed.
    pub is_error: bool,
    /// The MCP JSON-RPC request id ([`ToolCall::rpc_id`]).
    pub rpc_id: Option<Value>,
}

impl ToolResult {
    /// A successful result for `call`.
    pub fn success(call: &ToolCall, content: impl Into<Value>) -> Self {
        Self::new(call, content.into(), false)
    }

    /// An error result for `call`; `message` should tell the model what to change.
    pub fn error(call: &ToolCall, message: impl Into<String>) -> Self {
        Self::new(call, Value::String(message.into()), true)
    }

    fn new(call: &ToolCall, content: Value, is_error: bool) -> Self {
        ToolResult {
            call_id: call.id.clone(),
            id_synthetic: call.id_synthetic,
            name: call.name.clone(),
            content,
            is_error,
            rpc_id: call.rpc_id.clone(),
        }
    }

    /// The content as text.
    pub fn text(&self) -> String {
        match &self.content {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// Text for providers without an error flag: errors are marked in the text itself.
    fn flagged_text(&self) -> String {
        if self.is_error {
            format!("Error: {}", self.text())
        } else {
            self.text()
        }
    }
}

/// The messages (or items) to append for the next turn, results in the order given:
///
/// - OpenAI Chat: one `{"role":"tool","tool_call_id","content"}` message per result (errors
///   start with `Error:`; Chat has no error flag).
/// - OpenAI Responses: one `{"type":"function_call_output","call_id","output"}` item per result.
/// - Anthropic: one user message whose content is a `tool_result` block per result, with
///   `is_error`.
/// - Gemini: one user message with a `functionResponse` part per result, in call order; the
///   response is `{"output": ...}` or `{"error": ...}`, and the call id is echoed when the model
///   gave one.
/// - MCP: one JSON-RPC response per result, `result.content` holding the text and `isError`
///   set; object outputs are also given as `structuredContent`.
///
/// ```
/// # use openapi_tools_runtime::calls::{ToolCall, ToolResult, result_messages};
/// # use openapi_tools_runtime::render::Provider;
/// let call = ToolCall { id: "toolu_1".into(), id_synthetic: false, name: "get_pet".into(),
///                       arguments: Ok(serde_json::json!({})), rpc_id: None };
/// let msgs = result_messages(Provider::Anthropic, &[ToolResult::error(&call, "no such pet")]);
/// assert_eq!(msgs[0]["content"][0]["is_error"], true);
/// ```
pub fn result_messages(provider: Provider, results: &[ToolResult]) -> Vec<Value> {
    match provider {
        Provider::OpenAiChat => results
            .iter()
            .map(|r| json!({"role": "tool", "tool_call_id": r.call_id, "content": r.flagged_text()}))
            .collect(),
        Provider::OpenAiResponses => results
            .iter()
            .map(|r| {
                json!({"type": "function_call_output", "call_id": r.call_id, "output": r.flagged_text()})
            })
            .collect(),
        Provider::Anthropic if results.is_empty() => Vec::new(),
        Provider::Anthropic => {
            let blocks: Vec<Value> = results
                .iter()
                .map(|r| {
                    json!({
                        "type": "tool_result",
                        "tool_use_id": r.call_id,
                        "content": r.text(),
                        "is_error": r.is_error,
                    })
                })
                .collect();
            vec![json!({"role": "user", "content": blocks})]
        }
        Provider::Gemini if results.is_empty() => Vec::new(),
        Provider::Gemini => {
            let parts: Vec<Value> = results
                .iter()
                .map(|r| {
                    let response = if r.is_error {
                        json!({"error": r.text()})
                    } else {
                        json!({"output": r.content})
                    };
                    let mut fr = json!({"name": r.name, "response": response});
                    if !r.id_synthetic
                        && let Some(obj) = fr.as_object_mut()
                    {
                        obj.insert("id".into(), Value::String(r.call_id.clone()));
                    }
                    json!({"functionResponse": fr})
                })
                .collect();
            vec![json!({"role": "user", "parts": parts})]
        }
        Provider::Mcp => results
            .iter()
            .map(|r| {
                let mut result = json!({
                    "content": [{"type": "text", "text": r.text()}],
                    "isError": r.is_error,
                });
                if !r.is_error
                    && r.content.is_object()
                    && let Some(obj) = result.as_object_mut()
                {
                    obj.insert("structuredContent".into(), r.content.clone());
                }
                json!({
                    "jsonrpc": "2.0",
                    "id": r.rpc_id.clone().unwrap_or(Value::Null),
                    "result": result,
                })
            })
            .collect(),
    }
}
