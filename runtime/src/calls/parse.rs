//! Reading tool calls out of provider responses.
//!
//! Each provider documents one response shape; the parsers also accept the inner object a
//! caller may already have unwrapped (a Chat `message`, a Responses `output` array, an
//! Anthropic `content` array, a Gemini `content`), because applications often store those.
//! Only the first Chat choice / Gemini candidate is read: further ones are alternative answers
//! (`n` / `candidateCount` > 1), not more calls of the same turn.
//!
//! A missing container means "no tool calls"; a container of the wrong type is a
//! [`ResponseShapeError`]. Individual malformed calls are never dropped: they become
//! [`ToolCall`]s that dispatch turns into errors for the model.

use serde_json::{Map, Value};

use super::{BadArguments, ToolCall};
use crate::render::Provider;

/// A response whose structure is not the provider's documented shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a {provider} response: expected {expected} at `{pointer}`")]
pub struct ResponseShapeError {
    /// The provider whose shape was expected.
    pub provider: String,
    /// JSON pointer of the offending value.
    pub pointer: String,
    /// What was expected there.
    pub expected: &'static str,
}

/// The tool calls in `response`, in the order the model made them.
///
/// ```
/// # use openapi_tools_runtime::calls::parse_tool_calls;
/// # use openapi_tools_runtime::render::Provider;
/// let response = serde_json::json!({"content": [
///     {"type": "text", "text": "Looking it up."},
///     {"type": "tool_use", "id": "toolu_1", "name": "get_pet", "input": {"id": "7"}}
/// ]});
/// let calls = parse_tool_calls(Provider::Anthropic, &response).unwrap();
/// assert_eq!(calls[0].id, "toolu_1");
/// assert_eq!(calls[0].arguments, Ok(serde_json::json!({"id": "7"})));
/// ```
pub fn parse_tool_calls(
    provider: Provider,
    response: &Value,
) -> Result<Vec<ToolCall>, ResponseShapeError> {
    let shape = Shape { provider };
    match provider {
        Provider::OpenAiChat => shape.openai_chat(response),
        Provider::OpenAiResponses => shape.openai_responses(response),
        Provider::Anthropic => shape.anthropic(response),
        Provider::Gemini => shape.gemini(response),
        Provider::Mcp => shape.mcp(response),
    }
}

struct Shape {
    provider: Provider,
}

impl Shape {
    fn err(&self, pointer: &str, expected: &'static str) -> ResponseShapeError {
        ResponseShapeError {
            provider: format!("{:?}", self.provider),
            pointer: pointer.to_owned(),
            expected,
        }
    }

    fn object<'a>(
        &self,
        v: &'a Value,
        pointer: &str,
    ) -> Result<&'a Map<String, Value>, ResponseShapeError> {
        v.as_object().ok_or_else(|| self.err(pointer, "an object"))
    }

    /// `obj[key]` as an array; absent or null is empty.
    fn array<'a>(
        &self,
        obj: &'a Map<String, Value>,
        key: &str,
        pointer: &str,
    ) -> Result<&'a [Value], ResponseShapeError> {
        match obj.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(self.err(&format!("{pointer}/{key}"), "an array")),
        }
    }

    /// The first element of `obj[key]` (an array), if any.
    fn first<'a>(
        &self,
        obj: &'a Map<String, Value>,
        key: &str,
        pointer: &str,
    ) -> Result<Option<&'a Value>, ResponseShapeError> {
        Ok(self.array(obj, key, pointer)?.first())
    }

    /// `choices[0].message.tool_calls[]`, each `{id, type, function: {name, arguments}}` with
    /// `arguments` a JSON string.
    fn openai_chat(&self, response: &Value) -> Result<Vec<ToolCall>, ResponseShapeError> {
        let root = self.object(response, "")?;
        let (message, at) = if root.contains_key("choices") {
            let Some(choice) = self.first(root, "choices", "")? else {
                return Ok(Vec::new());
            };
            let choice = self.object(choice, "/choices/0")?;
            match choice.get("message") {
                None | Some(Value::Null) => return Ok(Vec::new()),
                Some(m) => (self.object(m, "/choices/0/message")?, "/choices/0/message"),
            }
        } else {
            (root, "")
        };
        let calls = self.array(message, "tool_calls", at)?;
        Ok(calls
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let function = c.get("function");
                call(
                    text(c.get("id")),
                    i,
                    text(function.and_then(|f| f.get("name"))),
                    json_text_arguments(function.and_then(|f| f.get("arguments"))),
                )
            })
            .collect())
    }

    /// `output[]` items of type `function_call` with `call_id`, `name`, `arguments` (a JSON
    /// string). Other items (messages, reasoning, built-in tool calls) are not function calls.
    fn openai_responses(&self, response: &Value) -> Result<Vec<ToolCall>, ResponseShapeError> {
        let items: &[Value] = match response {
            Value::Array(items) => items,
            other => self.array(self.object(other, "")?, "output", "")?,
        };
        Ok(items
            .iter()
            .filter(|item| item.get("type").and_then(Value::as_str) == Some("function_call"))
            .enumerate()
            .map(|(i, item)| {
                let id = text(item.get("call_id")).or_else(|| text(item.get("id")));
                call(
                    id,
                    i,
                    text(item.get("name")),
                    json_text_arguments(item.get("arguments")),
                )
            })
            .collect())
    }

    /// `content[]` blocks of type `tool_use` with `id`, `name` and an `input` object.
    fn anthropic(&self, response: &Value) -> Result<Vec<ToolCall>, ResponseShapeError> {
        let blocks: &[Value] = match response {
            Value::Array(blocks) => blocks,
            other => self.array(self.object(other, "")?, "content", "")?,
        };
        Ok(blocks
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) == Some("tool_use"))
            .enumerate()
            .map(|(i, b)| {
                call(
                    text(b.get("id")),
                    i,
                    text(b.get("name")),
                    value_arguments_capped(b.get("input")),
                )
            })
            .collect())
    }

    /// `candidates[0].content.parts[].functionCall {name, args}`; ids only on some APIs, so
    /// missing ones are made up from the call's position.
    fn gemini(&self, response: &Value) -> Result<Vec<ToolCall>, ResponseShapeError> {
        let root = self.object(response, "")?;
        let (content, at) = if root.contains_key("candidates") {
            let Some(candidate) = self.first(root, "candidates", "")? else {
                return Ok(Vec::new());
            };
            let candidate = self.object(candidate, "/candidates/0")?;
            match candidate.get("content") {
                None | Some(Value::Null) => return Ok(Vec::new()),
                Some(c) => (
                    self.object(c, "/candidates/0/content")?,
                    "/candidates/0/content",
                ),
            }
        } else {
            (root, "")
        };
        let parts = self.array(content, "parts", at)?;
        Ok(parts
            .iter()
            .filter_map(|p| p.get("functionCall"))
            .enumerate()
            .map(|(i, fc)| {
                call(
                    text(fc.get("id")),
                    i,
                    text(fc.get("name")),
                    value_arguments_capped(fc.get("args")),
                )
            })
            .collect())
    }

    /// A JSON-RPC `tools/call` request (or an array of messages, of which the `tools/call`
    /// requests are taken): `params {name, arguments}` and the request `id`.
    fn mcp(&self, message: &Value) -> Result<Vec<ToolCall>, ResponseShapeError> {
        let requests: Vec<&Value> = match message {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        let mut out = Vec::new();
        for (i, req) in requests.into_iter().enumerate() {
            let at = if matches!(message, Value::Array(_)) {
                format!("/{i}")
            } else {
                String::new()
            };
            let req = self.object(req, &at)?;
            if req.get("method").and_then(Value::as_str) != Some("tools/call") {
                continue;
            }
            let params = req.get("params");
            let rpc_id = req.get("id").filter(|v| !v.is_null()).cloned();
            let mut c = call(
                rpc_id.as_ref().map(|id| match id {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                }),
                out.len(),
                text(params.and_then(|p| p.get("name"))),
                value_arguments_capped(params.and_then(|p| p.get("arguments"))),
            );
            c.rpc_id = rpc_id;
            out.push(c);
        }
        Ok(out)
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_owned)
}

fn call(
    id: Option<String>,
    position: usize,
    name: Option<String>,
    arguments: Result<Value, BadArguments>,
) -> ToolCall {
    let (id, id_synthetic) = match id.filter(|s| !s.is_empty()) {
        Some(id) => (id, false),
        None => (format!("call_{position}"), true),
    };
    ToolCall {
        id,
        id_synthetic,
        name: name.unwrap_or_default(),
        arguments,
        rpc_id: None,
    }
}

/// Largest argument text accepted from any provider (the validator's
/// [`Limits::max_args_bytes`](crate::validate::Limits::max_args_bytes), 32 MiB).
const MAX_ARGS_BYTES: usize = 32 << 20;

fn too_large(len: usize) -> BadArguments {
    BadArguments {
        raw: String::new(),
        message: format!(
            "the arguments are {len} bytes of text; at most {MAX_ARGS_BYTES} bytes are accepted"
        ),
    }
}

/// Counts serialised bytes, stopping (with an error) past the cap.
struct Budget(usize);

impl std::io::Write for Budget {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        if self.0 > MAX_ARGS_BYTES {
            return Err(std::io::Error::other("too large"));
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Arguments given as a value, held to the same size cap as argument text.
fn value_arguments_capped(v: Option<&Value>) -> Result<Value, BadArguments> {
    if let Some(v) = v {
        let mut budget = Budget(0);
        if serde_json::to_writer(&mut budget, v).is_err() {
            return Err(too_large(budget.0));
        }
    }
    Ok(value_arguments(v))
}

/// Arguments given as an object (absent means none: `{}`).
fn value_arguments(v: Option<&Value>) -> Value {
    match v {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(v) => v.clone(),
    }
}

/// Arguments given as a JSON string (OpenAI). An empty string means none; an object is taken
/// as is (some compatible servers send one).
fn json_text_arguments(v: Option<&Value>) -> Result<Value, BadArguments> {
    match v {
        Some(Value::String(s)) if s.trim().is_empty() => Ok(Value::Object(Map::new())),
        Some(Value::String(s)) if s.len() > MAX_ARGS_BYTES => Err(too_large(s.len())),
        Some(Value::String(s)) => serde_json::from_str(s).map_err(|e| BadArguments {
            raw: s.clone(),
            message: e.to_string(),
        }),
        other => value_arguments_capped(other),
    }
}
