//! What a call produced, as data: status, selected headers, the body by media type, a note
//! when it was cut, an error kind. Converted into a [`ToolResult`] for the model and into the
//! JSON form `{"status", "headers", "body"}` the CLI prints.

use std::time::Duration;

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::json_cut;
use super::redact::{drop_partial_tail, scrub, scrub_bytes};
use crate::calls::{ToolCall, ToolResult};

/// Why a call did not produce a successful response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The arguments were refused before anything was sent (schema, wire or safety checks).
    Arguments,
    /// Refused by the access rules (read-only, deny/allow lists) or not confirmed.
    Denied,
    /// No credential satisfies the operation's security requirements, or a token fetch failed.
    Credentials,
    /// No usable server URL (configuration).
    Server,
    /// The server answered with a 4xx or 5xx status.
    Status,
    /// The server redirected to another origin (not followed).
    Redirect,
    /// No complete response within the timeout.
    Timeout,
    /// Connection or protocol failure.
    Network,
}

impl ErrorKind {
    /// Short stable name (`"status"`, `"timeout"`, ...), for JSON and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Arguments => "arguments",
            ErrorKind::Denied => "denied",
            ErrorKind::Credentials => "credentials",
            ErrorKind::Server => "server",
            ErrorKind::Status => "status",
            ErrorKind::Redirect => "redirect",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Network => "network",
        }
    }
}

/// A response body as the model gets it.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultBody {
    /// No body (204, HEAD, errors before a response).
    Empty,
    /// A JSON body, parsed; over the size cap it is cut by element and stays valid JSON.
    Json(Value),
    /// A text body (or a JSON body cut short by the network cap, which cannot be parsed).
    Text(String),
    /// A binary body: media type and size, and the bytes base64-encoded when small enough and
    /// allowed ([`Policy::max_inline_binary`](super::Policy::max_inline_binary)).
    Binary {
        /// The media type.
        media_type: String,
        /// Size in bytes (as received, or as announced when reading stopped early).
        size: usize,
        /// Base64 of the bytes, when inlined.
        base64: Option<String>,
    },
}

impl ResultBody {
    /// The JSON form: JSON as is, text as a string, binary as a summary object.
    pub fn to_json(&self) -> Value {
        match self {
            ResultBody::Empty => Value::Null,
            ResultBody::Json(v) => v.clone(),
            ResultBody::Text(t) => Value::String(t.clone()),
            ResultBody::Binary {
                media_type,
                size,
                base64,
            } => {
                let mut o = json!({"media_type": media_type, "size": size});
                if let (Some(b), Some(map)) = (base64, o.as_object_mut()) {
                    map.insert("base64".into(), Value::String(b.clone()));
                }
                o
            }
        }
    }
}

/// The outcome of one executed call.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecResult {
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// Selected response headers (content type, location, rate limits, pagination...),
    /// lower-case names, secrets scrubbed.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: ResultBody,
    /// Says how much of the body was cut, when it was.
    pub truncated: Option<String>,
    /// Set when the call did not succeed.
    pub error: Option<ErrorKind>,
    /// What went wrong, for the model (no secrets); `None` on success.
    pub message: Option<String>,
    /// Attempts made (0 when nothing was sent).
    pub attempts: u32,
    /// Time from the start of the call to the result.
    pub elapsed: Duration,
}

impl ExecResult {
    /// A result for a call that sent nothing.
    pub fn refused(kind: ErrorKind, message: impl Into<String>) -> Self {
        ExecResult {
            status: None,
            headers: Vec::new(),
            body: ResultBody::Empty,
            truncated: None,
            error: Some(kind),
            message: Some(message.into()),
            attempts: 0,
            elapsed: Duration::ZERO,
        }
    }

    /// Whether the call succeeded (a 1xx-3xx response that was not a refused redirect).
    pub fn is_success(&self) -> bool {
        self.error.is_none()
    }

    /// The first selected header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `{"status", "headers", "body"}`, plus `"note"` when the body was cut and `"error"`
    /// (`{"kind", "message"}`) when the call failed. `status` is null when no response came.
    pub fn to_json(&self) -> Value {
        let mut headers = Map::new();
        for (k, v) in &self.headers {
            headers.insert(k.clone(), Value::String(v.clone()));
        }
        let mut out = Map::new();
        out.insert(
            "status".into(),
            self.status.map_or(Value::Null, Value::from),
        );
        out.insert("headers".into(), Value::Object(headers));
        out.insert("body".into(), self.body.to_json());
        if let Some(note) = &self.truncated {
            out.insert("note".into(), Value::String(note.clone()));
        }
        if let Some(kind) = self.error {
            out.insert(
                "error".into(),
                json!({"kind": kind.as_str(), "message": self.message.clone().unwrap_or_default()}),
            );
        }
        Value::Object(out)
    }

    /// The body as text (JSON serialised, binary summarised), with the truncation note.
    pub fn body_text(&self) -> String {
        let mut text = match &self.body {
            ResultBody::Empty => String::new(),
            ResultBody::Text(t) => t.clone(),
            other => other.to_json().to_string(),
        };
        if let Some(note) = &self.truncated {
            text.push_str("\n[");
            text.push_str(note);
            text.push(']');
        }
        text
    }

    /// The result for `call`: on success the JSON form ([`ExecResult::to_json`]); on failure
    /// an error whose text says what happened and, for HTTP errors, carries the status and a
    /// body excerpt so the model can fix its call.
    pub fn into_tool_result(self, call: &ToolCall) -> ToolResult {
        if self.is_success() {
            return ToolResult::success(call, self.to_json());
        }
        let mut text = self.message.clone().unwrap_or_default();
        if self.status.is_some() {
            let body = self.body_text();
            if !body.is_empty() {
                text.push_str("\nresponse body:\n");
                text.push_str(&body);
            }
        }
        ToolResult::error(call, text)
    }
}

/// Cuts `text` to at most `max` bytes at a char boundary; returns the note when it cut.
pub(crate) fn cut(text: &mut String, max: usize, total: usize) -> Option<String> {
    if text.len() <= max && total <= text.len() {
        return None;
    }
    let end = crate::think::clip(text, max).len();
    text.truncate(end);
    Some(format!(
        "response cut: {} of {} bytes shown",
        end,
        total.max(end)
    ))
}

/// Whether a media type is JSON (`application/json`, `application/problem+json`, ...).
pub(crate) fn is_json(media: &str) -> bool {
    let m = media.split(';').next().unwrap_or("").trim();
    m.eq_ignore_ascii_case("application/json")
        || m.to_ascii_lowercase().ends_with("+json")
        || m.eq_ignore_ascii_case("text/json")
}

/// Whether a media type is text a model can read.
pub(crate) fn is_text(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    m.starts_with("text/")
        || m.ends_with("+xml")
        || matches!(
            m.as_str(),
            "application/xml"
                | "application/javascript"
                | "application/x-www-form-urlencoded"
                | "application/yaml"
                | "application/x-yaml"
                | "application/graphql"
        )
}

/// JSON bodies larger than this many times the size cap (and than [`JSON_SHAPE_MIN`]) are cut
/// as text, never parsed: the tree of an 8 MiB `[[],[],...]` takes over 500 MB. Below it the
/// tree stays within a few tens of MB, and cutting it by element costs at most the cap per
/// level of nesting ([`json_cut::size_within`] stops measuring at the budget).
pub(crate) const JSON_SHAPE_FACTOR: usize = 16;

/// Bodies this small are always parsed, whatever the cap (a list of a few thousand records
/// is still cut by element under a small cap).
const JSON_SHAPE_MIN: usize = 1024 * 1024;

/// The largest JSON body parsed for shaping under a cap of `max_text` bytes.
pub(crate) fn json_shape_limit(max_text: usize) -> usize {
    max_text
        .saturating_mul(JSON_SHAPE_FACTOR)
        .max(JSON_SHAPE_MIN)
}

/// The body for the model from the bytes read, every known secret in `secrets` scrubbed
/// before anything is cut (a cut through a secret would leave its first characters, which
/// no longer match it), and a cut never ending in a secret's first characters. `complete` is
/// false when reading stopped at the network cap; `announced` is the Content-Length, when
/// given.
pub(crate) fn shape_body(
    media: &str,
    bytes: &[u8],
    complete: bool,
    announced: Option<usize>,
    max_text: usize,
    max_inline_binary: usize,
    secrets: &[String],
) -> (ResultBody, Option<String>) {
    let total = announced.unwrap_or(bytes.len()).max(bytes.len());
    if bytes.is_empty() && complete {
        return (ResultBody::Empty, None);
    }
    let textual = media.is_empty() || is_json(media) || is_text(media);
    let utf8 = std::str::from_utf8(bytes).ok();
    if textual && let Some(text) = utf8.or_else(|| lossy_ok(bytes)) {
        let json_like = complete && (is_json(media) || media.is_empty());
        let limit = json_shape_limit(max_text);
        if json_like
            && text.len() <= limit
            && let Ok(v) = serde_json::from_str::<Value>(text)
        {
            let v = scrub_json(v, secrets, 0);
            if text.len() <= max_text {
                return (ResultBody::Json(v), None);
            }
            let (kept, note) = json_cut::fit(&v, max_text, total, secrets);
            return (ResultBody::Json(kept), Some(note));
        }
        let (t, mut note) = cut_text(text, max_text, total, complete, secrets);
        if json_like
            && text.len() > limit
            && let Some(n) = &mut note
        {
            n.push_str(&format!(
                " (JSON too large to cut by element: over {limit} bytes, the larger of {JSON_SHAPE_MIN} bytes and {JSON_SHAPE_FACTOR} times the size cap)"
            ));
        }
        return (ResultBody::Text(t), note);
    }
    let inline = complete && max_inline_binary > 0 && bytes.len() <= max_inline_binary;
    let media_type = if media.is_empty() {
        "application/octet-stream".to_owned()
    } else {
        media.to_owned()
    };
    (
        ResultBody::Binary {
            media_type,
            size: total,
            base64: inline.then(|| {
                base64::engine::general_purpose::STANDARD.encode(scrub_bytes(bytes, secrets))
            }),
        },
        None,
    )
}

/// `text` scrubbed, then cut to `max` bytes; the note says how much was shown.
fn cut_text(
    text: &str,
    max: usize,
    total: usize,
    complete: bool,
    secrets: &[String],
) -> (String, Option<String>) {
    let mut t = scrub(text, secrets).into_owned();
    let over = cut(&mut t, max, total).is_some();
    if !over && complete {
        return (t, None);
    }
    drop_partial_tail(&mut t, secrets);
    let note = format!(
        "response cut: {} of {} bytes shown",
        t.len(),
        total.max(t.len())
    );
    (t, Some(note))
}

/// A JSON value with every known secret scrubbed from its strings and member names.
pub(crate) fn scrub_json(v: Value, secrets: &[String], depth: usize) -> Value {
    // serde_json refuses documents nested deeper than 128 levels.
    if secrets.is_empty() || depth > 128 {
        return v;
    }
    match v {
        Value::String(s) => Value::String(scrub(&s, secrets).into_owned()),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|i| scrub_json(i, secrets, depth + 1))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    (
                        scrub(&k, secrets).into_owned(),
                        scrub_json(v, secrets, depth + 1),
                    )
                })
                .collect(),
        ),
        other => other,
    }
}

/// Text with a cut multi-byte character at the very end (reading stopped mid-character).
fn lossy_ok(bytes: &[u8]) -> Option<&str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok(),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_text_binary_and_cuts() {
        let (b, n) = shape_body("application/json", br#"{"a":1}"#, true, None, 100, 0, &[]);
        assert_eq!((b, n), (ResultBody::Json(json!({"a": 1})), None));
        let big = format!("[{}]", vec!["1"; 100].join(","));
        let (b, n) = shape_body("application/json", big.as_bytes(), true, None, 20, 0, &[]);
        // Cut by element: still JSON, the first items kept.
        assert_eq!(b, ResultBody::Json(json!([1, 1, 1, 1, 1, 1, 1, 1, 1])));
        assert_eq!(
            n.unwrap(),
            format!(
                "response cut: 19 of {} bytes of JSON shown, cut by element so it stays valid JSON (9 of 100 items kept at the top level)",
                big.len()
            )
        );
        // JSON cut short by the network cap cannot be parsed: its text is cut instead.
        let (b, n) = shape_body(
            "application/json",
            &big.as_bytes()[..50],
            false,
            Some(big.len()),
            20,
            0,
            &[],
        );
        assert_eq!(b, ResultBody::Text(big[..20].to_owned()));
        assert_eq!(
            n.unwrap(),
            format!("response cut: 20 of {} bytes shown", big.len())
        );
        let (b, _) = shape_body(
            "text/plain; charset=utf-8",
            "héllo".as_bytes(),
            true,
            None,
            2,
            0,
            &[],
        );
        assert_eq!(b, ResultBody::Text("h".into()));
        let (b, n) = shape_body("image/png", &[0x89, 0x50, 0, 1], true, None, 100, 0, &[]);
        assert_eq!(
            b,
            ResultBody::Binary {
                media_type: "image/png".into(),
                size: 4,
                base64: None
            }
        );
        assert!(n.is_none());
        let (b, _) = shape_body("image/png", &[0x89, 0x50, 0, 1], true, None, 100, 16, &[]);
        assert_eq!(b.to_json()["base64"], "iVAAAQ==");
        let (b, n) = shape_body("text/plain", b"abc", false, Some(1000), 100, 0, &[]);
        assert_eq!(b, ResultBody::Text("abc".into()));
        assert_eq!(n.unwrap(), "response cut: 3 of 1000 bytes shown");
        assert_eq!(
            shape_body("application/json", b"", true, None, 9, 0, &[]).0,
            ResultBody::Empty
        );
    }

    #[test]
    fn error_results_carry_status_and_excerpt() {
        let call = ToolCall {
            id: "c1".into(),
            id_synthetic: false,
            name: "get_pet".into(),
            arguments: Ok(json!({})),
            rpc_id: None,
        };
        let r = ExecResult {
            status: Some(404),
            body: ResultBody::Json(json!({"message": "no pet 9"})),
            error: Some(ErrorKind::Status),
            message: Some("HTTP 404 Not Found".into()),
            ..ExecResult::refused(ErrorKind::Status, "")
        };
        let tr = r.clone().into_tool_result(&call);
        assert!(tr.is_error);
        assert_eq!(
            tr.text(),
            "HTTP 404 Not Found\nresponse body:\n{\"message\":\"no pet 9\"}"
        );
        assert_eq!(r.to_json()["error"]["kind"], "status");
        assert_eq!(r.to_json()["status"], 404);
    }
}
