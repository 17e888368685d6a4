//! What a call leaves behind for the operator: its trace spans, named after OpenTelemetry's
//! GenAI and HTTP semantic conventions, the `gen_ai.execute_tool.duration` histogram event, and
//! its [`CallRecord`] in the execution log. Nothing here reaches the API or the model.
//!
//! Span names are static in `tracing`; the conventional names (`execute_tool {tool}`, `GET`)
//! go in the `otel.name` field, which `tracing-opentelemetry` uses as the exported span name,
//! and `otel.kind` sets the span kind. The histogram event uses `tracing-opentelemetry`'s
//! metrics convention (a `histogram.` field prefix) under the target [`METRICS_TARGET`], at
//! debug level, so it costs nothing unless a subscriber asks for it. Integer attributes are
//! recorded as `i64`: `tracing-opentelemetry` exports unsigned values as strings, and the
//! conventions type `http.response.status_code` and `server.port` as ints.

use std::io;

use serde_json::Value;

use super::log::{CallRecord, Payload, now_ms};
use super::redact::scrub;
use super::result::{ExecResult, ResultBody};
use super::send::Wire;
use super::{Inner, Target};
use crate::request::HttpRequest;
use crate::think;

/// The `tracing` target of metric events.
pub const METRICS_TARGET: &str = "openapi_tools::metrics";

/// `gen_ai.tool.type`: the semantic conventions' name for an agent-side tool that calls an
/// external API.
pub const TOOL_TYPE: &str = "extension";

/// The `execute_tool {tool}` span of a call (kind internal), fields filled by [`finish`].
pub(crate) fn tool_span(target: &Target<'_>, reason: Option<&str>) -> tracing::Span {
    let name = format!("execute_tool {}", target.name);
    tracing::info_span!(
        "execute_tool",
        otel.name = name.as_str(),
        otel.kind = "internal",
        otel.status_code = tracing::field::Empty,
        gen_ai.operation.name = "execute_tool",
        gen_ai.tool.name = target.name,
        gen_ai.tool.type = TOOL_TYPE,
        gen_ai.tool.call.id = target.call.id,
        error.type = tracing::field::Empty,
        openapi_tools.tool_set = target.set,
        openapi_tools.toolcall_reason = reason,
        openapi_tools.attempts = tracing::field::Empty,
    )
}

/// The child span of one HTTP attempt (kind client); `url` carries no query string.
pub(crate) fn http_span(
    request: &HttpRequest,
    url: &reqwest::Url,
    host: &str,
    resend: u32,
) -> tracing::Span {
    let mut shown = url.clone();
    shown.set_query(None);
    let method = request.method.as_str();
    tracing::info_span!(
        "HTTP",
        otel.name = method,
        otel.kind = "client",
        otel.status_code = tracing::field::Empty,
        http.request.method = method,
        server.address = host,
        server.port = url.port_or_known_default().map(i64::from),
        url.full = shown.as_str(),
        http.request.resend_count = (resend > 0).then_some(i64::from(resend)),
        http.response.status_code = tracing::field::Empty,
        error.type = tracing::field::Empty,
    )
}

/// Records an attempt's outcome on its HTTP span: the status, and `error.type` (the status
/// code for 4xx/5xx, `timeout` or `network` when no response came).
pub(crate) fn http_outcome(span: &tracing::Span, status: Option<u16>, timeout: bool) {
    match status {
        Some(s) => {
            span.record("http.response.status_code", i64::from(s));
            if s >= 400 {
                span.record("error.type", s.to_string());
                span.record("otel.status_code", "error");
            }
        }
        None => {
            span.record("error.type", if timeout { "timeout" } else { "network" });
            span.record("otel.status_code", "error");
        }
    }
}

/// Fills the tool span and emits the duration histogram event.
pub(crate) fn finish(span: &tracing::Span, target: &Target<'_>, result: &ExecResult) {
    span.record("openapi_tools.attempts", i64::from(result.attempts));
    let error = result.error.map(|k| k.as_str());
    if let Some(kind) = error {
        span.record("error.type", kind);
        span.record("otel.status_code", "error");
    }
    // Outside the tool span: a metric, not an event of the call.
    tracing::event!(
        target: METRICS_TARGET,
        tracing::Level::DEBUG,
        histogram.gen_ai.execute_tool.duration = result.elapsed.as_secs_f64(),
        gen_ai.operation.name = "execute_tool",
        gen_ai.tool.name = target.name,
        gen_ai.tool.type = TOOL_TYPE,
        error.type = error,
    );
}

/// The call's record for the execution log, if the executor keeps one.
pub(crate) fn log(
    inner: &Inner,
    target: &Target<'_>,
    request: &HttpRequest,
    result: &ExecResult,
    reason: Option<&str>,
    wire: Wire,
) {
    let Some(log) = &inner.config.log else {
        return;
    };
    let contents = log.keeps_contents();
    let secrets: Vec<&str> = if contents {
        inner.credentials(target.set).secrets().collect()
    } else {
        Vec::new()
    };
    let arguments = target
        .call
        .args
        .map(|args| Payload {
            bytes: json_len(args),
            text: contents.then(|| scrub(&args.to_string(), &secrets).into_owned()),
        })
        .unwrap_or_default();
    let answer = Payload {
        bytes: wire.received,
        text: contents
            .then(|| answer_text(result))
            .flatten()
            .map(|t| scrub(&t, &secrets).into_owned()),
    };
    log.push(CallRecord {
        seq: 0,
        at_ms: now_ms(),
        tool: target.name.to_owned(),
        set: target.set.map(str::to_owned),
        version: target.manifest.source_hash.clone(),
        call_id: target.call.id.map(str::to_owned),
        reason: reason.map(str::to_owned),
        subject: target.call.subject.map(str::to_owned),
        method: request.method.as_str().to_owned(),
        status: result.status,
        error: result.error.map(|k| k.as_str()),
        attempts: result.attempts,
        request_bytes: wire.sent,
        arguments,
        answer,
        duration: result.elapsed,
    });
}

/// The reason the model gave for the call, cut to its bound.
pub(crate) fn reason<'a>(target: &Target<'a>) -> Option<&'a str> {
    let args = target.call.args?;
    think::reason_of(target.tool, args).map(|r| think::clip(r, think::MAX_REASON_BYTES))
}

/// What the model got back, as text (the result's body, or its message when refused).
fn answer_text(result: &ExecResult) -> Option<String> {
    match &result.body {
        ResultBody::Empty => result.message.clone(),
        ResultBody::Text(t) => Some(t.clone()),
        other => Some(other.to_json().to_string()),
    }
}

/// The length of `value`'s JSON text, without building it.
fn json_len(value: &Value) -> u64 {
    struct Count(u64);
    impl io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0 += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}
