//! `tools/call`: route through the registry snapshot, run, shape the answer.
//!
//! The arguments are checked by the tool set's own dispatch ([`Snapshot::prepare`]), the same
//! path every other front-end uses, so an MCP call and a provider tool call are validated and
//! mapped to HTTP identically. What comes back to the client:
//!
//! | outcome | JSON-RPC | `CallToolResult` |
//! |---|---|---|
//! | unknown or not offered tool | error -32602 | - |
//! | disabled tool, unparsable or invalid arguments | result | `isError: true`, every problem with its JSON pointer, one per line |
//! | API answered 2xx | result | body as text; `structuredContent` when the tool declares an `outputSchema` and the body is a JSON object |
//! | API answered otherwise | result | `isError: true`, `HTTP <status>` and an excerpt of the body |
//! | transport failure (timeout, refused, ...) | result | `isError: true` with the runner's message |
//! | client cancelled the request | none (rmcp drops the answer) | the HTTP request is abandoned |

use std::future::Future;
use std::pin::Pin;

use openapi_tools_runtime::registry::{Routed, Snapshot};
use openapi_tools_runtime::request::is_json_media;
use openapi_tools_runtime::toolset::CallError;
use rmcp::model::{CallToolRequestParams, CallToolResult, ContentBlock, ErrorData};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::catalog::Catalog;

/// Longest body excerpt put into an API error result, in bytes.
pub const ERROR_EXCERPT: usize = 2048;

/// What the API answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiReply {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, when there was one.
    pub content_type: Option<String>,
    /// The body as text (bytes that are not UTF-8 replaced), possibly cut by the runner's cap.
    pub body: String,
    /// Set when the runner cut the body; says how, for the model.
    pub truncated: Option<String>,
}

/// The future a [`CallRunner`] returns.
pub type RunFuture = Pin<Box<dyn Future<Output = Result<ApiReply, String>> + Send + 'static>>;

/// Sends the HTTP request of a prepared call: the seam to the executor.
///
/// `Err` is a failure to get any answer (connection refused, timeout, refused by policy), worded
/// for the model. The future is dropped when the client cancels the call or disconnects.
pub trait CallRunner: Send + Sync + 'static {
    /// Runs `call` (prepared on the snapshot it carries).
    fn run(&self, call: Routed) -> RunFuture;
}

/// Handles one `tools/call` on `snapshot`, whose offered tools are `catalog`.
pub(crate) async fn call(
    snapshot: &Snapshot,
    catalog: &Catalog,
    request: CallToolRequestParams,
    runner: Option<&dyn CallRunner>,
    cancel: CancellationToken,
) -> Result<CallToolResult, ErrorData> {
    let name = request.name.as_ref();
    let Some(tool) = catalog.get(name) else {
        // A tool the registry has but this server does not offer (filtered, read-only,
        // disabled) is reported like an unknown one, except that disabled tools say why.
        return match snapshot.route(name) {
            Err(e @ CallError::Disabled { .. }) => Ok(error_text(e.to_string())),
            _ => Err(ErrorData::invalid_params(
                CallError::UnknownTool {
                    tool: name.to_owned(),
                }
                .to_string(),
                None,
            )),
        };
    };
    let structured = tool.output_schema.is_some();
    let args = Value::Object(request.arguments.unwrap_or_default());
    let routed = match snapshot.prepare(name, &args) {
        Ok(r) => r,
        Err(CallError::UnknownTool { tool }) => {
            return Err(ErrorData::invalid_params(
                CallError::UnknownTool { tool }.to_string(),
                None,
            ));
        }
        Err(e) => return Ok(error_text(e.to_string())),
    };
    let Some(runner) = runner else {
        return Ok(error_text(format!(
            "tool `{name}`: the arguments are valid, but this server was started without an \
             executor and does not send requests ({} {})",
            routed.call.request.method, routed.call.request.path
        )));
    };
    let reply = tokio::select! {
        reply = runner.run(routed) => reply,
        () = cancel.cancelled() => {
            tracing::info!(tool = name, "call cancelled by the client; request abandoned");
            return Err(ErrorData::internal_error("cancelled by the client", None));
        }
    };
    Ok(match reply {
        Ok(reply) => shape(name, reply, structured),
        Err(message) => error_text(format!("tool `{name}`: the request failed: {message}")),
    })
}

/// The result for an API answer.
fn shape(name: &str, reply: ApiReply, structured: bool) -> CallToolResult {
    if !(200..300).contains(&reply.status) {
        let mut text = format!("tool `{name}`: the API answered HTTP {}", reply.status);
        if !reply.body.is_empty() {
            text.push_str(": ");
            text.push_str(excerpt(&reply.body, ERROR_EXCERPT));
            if reply.body.len() > ERROR_EXCERPT {
                text.push_str(" [...]");
            }
        }
        return error_text(text);
    }
    let json = reply.content_type.as_deref().is_some_and(is_json_media);
    let structured_value = (structured && json && reply.truncated.is_none())
        .then(|| serde_json::from_str::<Value>(&reply.body).ok())
        .flatten()
        .filter(Value::is_object);
    let mut text = reply.body;
    if let Some(note) = &reply.truncated {
        text.push_str("\n[");
        text.push_str(note);
        text.push(']');
    }
    if text.is_empty() {
        text = format!("HTTP {} (no body)", reply.status);
    }
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = structured_value;
    result
}

fn error_text(text: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(text)])
}

/// The first `max` bytes of `text`, cut at a character boundary.
fn excerpt(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, ct: Option<&str>, body: &str) -> ApiReply {
        ApiReply {
            status,
            content_type: ct.map(str::to_owned),
            body: body.to_owned(),
            truncated: None,
        }
    }

    #[test]
    fn api_errors_carry_status_and_excerpt() {
        let long = "é".repeat(ERROR_EXCERPT);
        let r = shape("t", reply(503, Some("text/plain"), &long), false);
        assert_eq!(r.is_error, Some(true));
        let text = &r.content[0].as_text().unwrap().text;
        assert!(text.starts_with("tool `t`: the API answered HTTP 503: é"));
        assert!(text.ends_with(" [...]"));
        assert!(text.len() < ERROR_EXCERPT + 100);
    }

    #[test]
    fn json_objects_are_structured_only_when_declared() {
        let ok = reply(200, Some("application/json; charset=utf-8"), r#"{"id":1}"#);
        let r = shape("t", ok.clone(), true);
        assert_eq!(r.is_error, Some(false));
        assert_eq!(r.structured_content, Some(serde_json::json!({"id": 1})));
        assert_eq!(shape("t", ok, false).structured_content, None);
        let arr = reply(200, Some("application/json"), "[1]");
        assert_eq!(shape("t", arr, true).structured_content, None);
        let text = reply(200, Some("text/plain"), r#"{"id":1}"#);
        assert_eq!(shape("t", text, true).structured_content, None);
    }

    #[test]
    fn truncated_bodies_say_so_and_are_not_structured() {
        let mut r = reply(200, Some("application/json"), r#"{"id":"#);
        r.truncated = Some("body cut at 7 bytes".into());
        let out = shape("t", r, true);
        assert_eq!(out.structured_content, None);
        assert!(
            out.content[0]
                .as_text()
                .unwrap()
                .text
                .ends_with("[body cut at 7 bytes]")
        );
    }
}
