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
//! | API answered 2xx | result | body as text; `structuredContent` when the tool declares an `outputSchema` and the body is a JSON object that conforms to it |
//! | API answered 2xx, but the tool declares an `outputSchema` and the body is cut, no JSON object, or does not conform to the schema | result | `isError: true` saying so (every schema problem with its JSON pointer), with a body excerpt: structured content MUST conform to the declared schema, and clients reject a success without it |
//! | `search_tools` (meta-tools mode) | result | the matches as JSON text and `structuredContent` |
//! | `call_tool` (meta-tools mode) | result | as a direct call of the inner tool; a wrong name lists the closest ones |
//! | API answered otherwise | result | `isError: true`, `HTTP <status>` and an excerpt of the body |
//! | refused or failed (access rules, credentials, timeout, network) | result | `isError: true` with the executor's message |
//! | client cancelled the request | none (rmcp drops the answer) | the HTTP request is abandoned |

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use openapi_tools_runtime::discovery::MetaTools;
use openapi_tools_runtime::exec::{ExecResult, Executor, ResultBody};
use openapi_tools_runtime::registry::{Routed, Snapshot};
use openapi_tools_runtime::toolset::CallError;
use openapi_tools_runtime::validate::Validator;
use rmcp::model::{CallToolRequestParams, CallToolResult, ContentBlock, ErrorData, RequestId};
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use tracing::Span;

use crate::catalog::Catalog;
use crate::discovery::{self, Handled};

/// Longest body excerpt put into an API error result, in bytes.
pub const ERROR_EXCERPT: usize = 2048;

/// Most output-schema problems listed in a result (the rest are counted).
pub const OUTPUT_PROBLEMS: usize = 20;

/// The future a [`CallRunner`] returns.
pub type RunFuture = Pin<Box<dyn Future<Output = ExecResult> + Send + 'static>>;

/// Sends the HTTP request of a prepared call: the seam to the executor. The future is dropped
/// when the client cancels the call or disconnects.
pub trait CallRunner: Send + Sync + 'static {
    /// Runs `call` (prepared on the snapshot it carries).
    fn run(&self, call: Routed) -> RunFuture;
}

/// The runtime's executor ([`Executor`]): auth, servers, retries, caps, redaction.
impl CallRunner for Executor {
    fn run(&self, call: Routed) -> RunFuture {
        let executor = self.clone();
        Box::pin(async move { executor.send_routed(&call).await })
    }
}

/// The server span of one `tools/call`, named and attributed after OpenTelemetry's MCP
/// semantic conventions: `tools/call {tool}`, kind server, `mcp.method.name`,
/// `jsonrpc.request.id`, `mcp.session.id` (Streamable HTTP), `gen_ai.tool.name`. The
/// executor's `execute_tool` span is its child. [`record_outcome`] sets `error.type`.
pub(crate) fn server_span(tool: &str, request_id: &RequestId, session: Option<&str>) -> Span {
    let name = format!("tools/call {tool}");
    tracing::info_span!(
        "tools/call",
        otel.name = name.as_str(),
        otel.kind = "server",
        otel.status_code = tracing::field::Empty,
        mcp.method.name = "tools/call",
        gen_ai.operation.name = "execute_tool",
        gen_ai.tool.name = tool,
        jsonrpc.request.id = %request_id,
        mcp.session.id = session,
        error.type = tracing::field::Empty,
    )
}

/// Records how a `tools/call` ended on its server span: `tool_error` for a result with
/// `isError`, the JSON-RPC error code for a protocol error.
pub(crate) fn record_outcome(span: &Span, outcome: &Result<CallToolResult, ErrorData>) {
    let error = match outcome {
        Ok(r) if r.is_error == Some(true) => Some("tool_error".to_owned()),
        Ok(_) => None,
        Err(e) => Some(e.code.0.to_string()),
    };
    if let Some(kind) = error {
        span.record("error.type", kind.as_str());
        span.record("otel.status_code", "error");
    }
}

/// Handles one `tools/call` on `snapshot`, whose offered tools are `catalog`.
pub(crate) async fn call(
    snapshot: Arc<Snapshot>,
    catalog: Arc<Catalog>,
    request: CallToolRequestParams,
    runner: &dyn CallRunner,
    cancel: CancellationToken,
) -> Result<CallToolResult, ErrorData> {
    let name = request.name.as_ref();
    let args = Value::Object(request.arguments.unwrap_or_default());
    if let Some(meta) = catalog.meta.clone()
        && MetaTools::is_meta(name)
    {
        return Ok(
            match discovery::handle(&meta, snapshot, Arc::clone(&catalog), name, &args) {
                Handled::Search(found) => {
                    let mut result =
                        CallToolResult::success(vec![ContentBlock::text(found.to_string())]);
                    result.structured_content = Some(found);
                    result
                }
                Handled::Refused(e) => error_text(e.to_string()),
                Handled::Call(routed) => {
                    let output = catalog.output_check(&routed.name);
                    send(routed, runner, output, cancel).await?
                }
            },
        );
    }
    if !catalog.offers(name) {
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
    }
    let output = catalog.output_check(name);
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
    send(routed, runner, output, cancel).await
}

/// Sends a checked call through `runner` (abandoned when `cancel` fires) and shapes the answer;
/// `output` checks the tool's declared `outputSchema`, if it has one.
async fn send(
    routed: Routed,
    runner: &dyn CallRunner,
    output: Option<Arc<Validator>>,
    cancel: CancellationToken,
) -> Result<CallToolResult, ErrorData> {
    let name = routed.name.clone();
    let reply = tokio::select! {
        reply = runner.run(routed) => reply,
        () = cancel.cancelled() => {
            tracing::info!(tool = %name, "call cancelled by the client; request abandoned");
            return Err(ErrorData::internal_error("cancelled by the client", None));
        }
    };
    Ok(shape(&name, reply, output.as_deref()))
}

/// The result for what the executor produced; `output` is the tool's declared `outputSchema`.
fn shape(name: &str, reply: ExecResult, output: Option<&Validator>) -> CallToolResult {
    let body_text = |body: &ResultBody| match body {
        ResultBody::Empty => String::new(),
        ResultBody::Text(t) => t.clone(),
        other => other.to_json().to_string(),
    };
    if !reply.is_success() {
        let mut text = format!("tool `{name}`: ");
        match (reply.status, &reply.message) {
            (Some(status), _) => text.push_str(&format!("the API answered HTTP {status}")),
            (None, Some(m)) => text.push_str(m),
            (None, None) => text.push_str("the request failed"),
        }
        let body = body_text(&reply.body);
        if !body.is_empty() {
            text.push_str(": ");
            text.push_str(excerpt(&body, ERROR_EXCERPT));
            if body.len() > ERROR_EXCERPT {
                text.push_str(" [...]");
            }
        }
        return error_text(text);
    }
    let mut text = body_text(&reply.body);
    let mut problems = Vec::new();
    let structured_value = match (&reply.body, output) {
        (ResultBody::Json(v), Some(check)) if v.is_object() && reply.truncated.is_none() => {
            problems = check.validate(v);
            problems.is_empty().then(|| v.clone())
        }
        _ => None,
    };
    if output.is_some() && structured_value.is_none() {
        // The tool declared an outputSchema, so clients require structuredContent (the MCP
        // Python SDK raises without it), and it MUST conform to the schema; a cut,
        // undeclared or non-conforming body cannot be one.
        let why = match &reply.truncated {
            Some(note) => format!("the answer was cut ({note}); ask for less, e.g. a smaller page"),
            None if !problems.is_empty() => schema_problems(&problems),
            None => "the API answered, but not with the JSON object its schema declares".into(),
        };
        let status = reply.status.unwrap_or_default();
        let mut out = format!("tool `{name}`: HTTP {status}: {why}");
        if !text.is_empty() {
            out.push_str(": ");
            out.push_str(excerpt(&text, ERROR_EXCERPT));
            if text.len() > ERROR_EXCERPT {
                out.push_str(" [...]");
            }
        }
        return error_text(out);
    }
    if let Some(note) = &reply.truncated {
        text.push_str("\n[");
        text.push_str(note);
        text.push(']');
    }
    if text.is_empty() {
        text = format!("HTTP {} (no body)", reply.status.unwrap_or_default());
    }
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = structured_value;
    result
}

/// Why an answer is not the declared output schema, one problem per line (at most
/// [`OUTPUT_PROBLEMS`]), ending with a line break before the body excerpt.
fn schema_problems(problems: &[openapi_tools_runtime::validate::ArgProblem]) -> String {
    let n = problems.len();
    let mut out = format!(
        "the API's answer does not match the output schema this tool declares ({n} problem{}), \
         so it is not sent as structured content; the data may still be usable",
        if n == 1 { "" } else { "s" }
    );
    for p in problems.iter().take(OUTPUT_PROBLEMS) {
        out.push_str("\n- ");
        out.push_str(&p.to_string());
    }
    if n > OUTPUT_PROBLEMS {
        out.push_str(&format!("\n- and {} more", n - OUTPUT_PROBLEMS));
    }
    out.push_str("\nanswer");
    out
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
    use std::time::Duration;

    use openapi_tools_runtime::exec::ErrorKind;
    use serde_json::json;

    use super::*;

    fn reply(status: u16, body: ResultBody) -> ExecResult {
        ExecResult {
            status: Some(status),
            headers: Vec::new(),
            body,
            truncated: None,
            error: (status >= 400).then_some(ErrorKind::Status),
            message: None,
            attempts: 1,
            elapsed: Duration::ZERO,
        }
    }

    /// A declared output schema that admits any object.
    fn object() -> Validator {
        Validator::for_answers(&json!({"type": "object"}))
    }

    fn text(r: &CallToolResult) -> &str {
        &r.content[0].as_text().unwrap().text
    }

    #[test]
    fn api_errors_carry_status_and_excerpt() {
        let long = "é".repeat(ERROR_EXCERPT);
        let r = shape("t", reply(503, ResultBody::Text(long)), None);
        assert_eq!(r.is_error, Some(true));
        assert!(text(&r).starts_with("tool `t`: the API answered HTTP 503: é"));
        assert!(text(&r).ends_with(" [...]"));
        assert!(text(&r).len() < ERROR_EXCERPT + 100);
    }

    #[test]
    fn refusals_carry_the_executors_message() {
        let r = shape(
            "t",
            ExecResult::refused(ErrorKind::Timeout, "no answer within 1 s"),
            None,
        );
        assert_eq!(r.is_error, Some(true));
        assert_eq!(text(&r), "tool `t`: no answer within 1 s");
    }

    #[test]
    fn json_objects_are_structured_only_when_declared() {
        let ok = reply(200, ResultBody::Json(json!({"id": 1})));
        let r = shape("t", ok.clone(), Some(&object()));
        assert_eq!(r.is_error, Some(false));
        assert_eq!(r.structured_content, Some(json!({"id": 1})));
        assert_eq!(text(&r), r#"{"id":1}"#);
        assert_eq!(shape("t", ok, None).structured_content, None);
        let arr = reply(200, ResultBody::Json(json!([1])));
        assert_eq!(shape("t", arr, None).structured_content, None);
        let empty = shape("t", reply(204, ResultBody::Empty), None);
        assert_eq!(text(&empty), "HTTP 204 (no body)");
    }

    #[test]
    fn truncated_bodies_say_so_and_are_not_structured() {
        let mut r = reply(200, ResultBody::Text(r#"{"id":"#.into()));
        r.truncated = Some("body cut at 7 bytes".into());
        let plain = shape("t", r.clone(), None);
        assert_eq!(plain.is_error, Some(false));
        assert!(text(&plain).ends_with("[body cut at 7 bytes]"));
        // With an outputSchema declared, a cut body cannot be structuredContent: an error
        // that says why (clients reject a success without structuredContent).
        let declared = shape("t", r, Some(&object()));
        assert_eq!(declared.is_error, Some(true));
        assert_eq!(declared.structured_content, None);
        assert!(
            text(&declared).contains("cut (body cut at 7 bytes)"),
            "{}",
            text(&declared)
        );
    }

    #[test]
    fn undeclared_shapes_are_errors_when_a_schema_is_declared() {
        let arr = shape(
            "t",
            reply(200, ResultBody::Json(json!([1]))),
            Some(&object()),
        );
        assert_eq!(arr.is_error, Some(true));
        assert!(
            text(&arr).contains("not with the JSON object"),
            "{}",
            text(&arr)
        );
        assert!(text(&arr).ends_with(": [1]"), "{}", text(&arr));
        let none = shape("t", reply(204, ResultBody::Empty), Some(&object()));
        assert_eq!(none.is_error, Some(true));
    }

    #[test]
    fn answers_that_break_the_output_schema_are_errors_listing_every_problem() {
        let schema = Validator::for_answers(&json!({
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                           "url": {"type": "string", "format": "uri"}},
            "required": ["id", "name"]
        }));
        let ok = shape(
            "t",
            reply(
                200,
                ResultBody::Json(json!({"id": 1, "name": "a", "url": "x"})),
            ),
            Some(&schema),
        );
        assert_eq!(
            ok.is_error,
            Some(false),
            "formats are annotations for answers"
        );
        assert!(ok.structured_content.is_some());

        let bad = shape(
            "t",
            reply(200, ResultBody::Json(json!({"id": "1", "name": null}))),
            Some(&schema),
        );
        assert_eq!(bad.is_error, Some(true));
        assert_eq!(bad.structured_content, None);
        let t = text(&bad);
        assert!(t.starts_with("tool `t`: HTTP 200: the API's answer does not match the output schema this tool declares (2 problems)"), "{t}");
        assert!(t.contains("\n- /id: expected an integer, got \"1\""), "{t}");
        assert!(t.contains("\n- /name: "), "{t}");
        assert!(t.ends_with(r#"answer: {"id":"1","name":null}"#), "{t}");

        let many: serde_json::Map<String, Value> =
            (0..30).map(|i| (format!("p{i}"), json!(i))).collect();
        let strict =
            Validator::for_answers(&json!({"type": "object", "additionalProperties": false}));
        let r = shape(
            "t",
            reply(200, ResultBody::Json(Value::Object(many))),
            Some(&strict),
        );
        assert!(text(&r).contains("(30 problems)"), "{}", text(&r));
        assert!(text(&r).contains("\n- and 10 more\n"), "{}", text(&r));
    }
}
