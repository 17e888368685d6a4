//! Timeouts, retries and result caps: data the application sets per executor, per tool set or
//! per tool, and the retry decisions made from them.
//!
//! Retries happen only where repeating is safe: idempotent methods (GET, HEAD, OPTIONS, PUT,
//! DELETE, TRACE) on connection errors and 408/429/502/503/504, and POST/PATCH only when the
//! operation declares an `Idempotency-Key` header and the call carries one. Waits grow
//! exponentially with full jitter; a `Retry-After` (seconds or HTTP-date) is honoured up to
//! [`Policy::max_retry_after`], beyond which the response is returned as it is.

use std::time::{Duration, SystemTime};

use crate::manifest::{HttpMethod, ParamLocation, ToolManifest};
use crate::request::HttpRequest;

/// How calls are sent and how much of a response goes back to the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Time for one attempt, from sending the request to the end of the body.
    pub timeout: Duration,
    /// Retries after the first attempt when the API answers "not now" (0: never retry). The one
    /// re-send with a fresh OAuth token after a 401 does not count.
    pub max_retries: u32,
    /// First backoff wait; doubled each retry (with full jitter).
    pub backoff_base: Duration,
    /// Longest backoff wait.
    pub backoff_max: Duration,
    /// Longest `Retry-After` honoured; a longer one ends the retries and the response is
    /// returned with its status.
    pub max_retry_after: Duration,
    /// Most bytes of text (JSON or text body, error excerpt) returned to the model; the rest is
    /// cut with a note saying how much.
    pub max_result_text: usize,
    /// Binary bodies up to this size come back base64-encoded; larger ones (or all, at 0) are
    /// summarised as media type and size.
    pub max_inline_binary: usize,
    /// Most bytes read from the network for one response; reading stops there.
    pub max_response_bytes: usize,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_retries: 2,
            backoff_base: Duration::from_millis(200),
            backoff_max: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            max_result_text: 24 * 1024,
            max_inline_binary: 0,
            max_response_bytes: 8 * 1024 * 1024,
        }
    }
}

impl Policy {
    /// Sets [`Policy::timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
    /// Sets [`Policy::connect_timeout`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }
    /// Sets [`Policy::max_retries`].
    pub fn retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }
    /// Sets [`Policy::backoff_base`] and [`Policy::backoff_max`].
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_max = max;
        self
    }
    /// Sets [`Policy::max_result_text`].
    pub fn max_result_text(mut self, bytes: usize) -> Self {
        self.max_result_text = bytes;
        self
    }
    /// Sets [`Policy::max_inline_binary`].
    pub fn max_inline_binary(mut self, bytes: usize) -> Self {
        self.max_inline_binary = bytes;
        self
    }
    /// Sets [`Policy::max_response_bytes`].
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// The wait before retry number `retry` (1-based): exponential with full jitter.
    pub(crate) fn backoff_wait(&self, retry: u32) -> Duration {
        let exp = self
            .backoff_base
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let cap = exp.min(self.backoff_max);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// Statuses worth repeating: the server says "not now" rather than "no".
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 502 | 503 | 504)
}

/// Whether sending `request` for `tool` twice is safe.
pub(crate) fn safe_to_repeat(tool: &ToolManifest, request: &HttpRequest) -> bool {
    match request.method {
        HttpMethod::Post | HttpMethod::Patch => idempotency_key(tool)
            .is_some_and(|name| request.header(name).is_some_and(|v| !v.is_empty())),
        _ => true,
    }
}

/// The operation's idempotency-key header parameter (wire name), if it declares one.
fn idempotency_key(tool: &ToolManifest) -> Option<&str> {
    tool.params
        .iter()
        .filter(|p| p.location == ParamLocation::Header)
        .map(|p| p.wire_name.as_str())
        .find(|n| {
            n.eq_ignore_ascii_case("idempotency-key") || n.eq_ignore_ascii_case("x-idempotency-key")
        })
}

/// A `Retry-After` value (delay-seconds or HTTP-date) as a wait from `now`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        assert_eq!(parse_retry_after(" 3 ", now), Some(Duration::from_secs(3)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn backoff_is_jittered_below_the_exponential_cap() {
        let p = Policy::default().backoff(Duration::from_millis(100), Duration::from_millis(350));
        for _ in 0..200 {
            assert!(p.backoff_wait(1) <= Duration::from_millis(100));
            assert!(p.backoff_wait(2) <= Duration::from_millis(200));
            assert!(p.backoff_wait(9) <= Duration::from_millis(350));
        }
        assert!((0..200).any(|_| p.backoff_wait(3) > Duration::from_millis(10)));
    }

    #[test]
    fn post_repeats_only_with_a_declared_and_sent_idempotency_key() {
        let mut tool: ToolManifest = serde_json::from_value(serde_json::json!({
            "name": "create", "method": "POST", "path": "/x", "description": "",
            "params": [], "input_schema": {"type": "object"}, "schema_hash": ""
        }))
        .unwrap();
        let mut req = HttpRequest {
            method: HttpMethod::Post,
            path: "/x".into(),
            query: vec![],
            headers: vec![],
            body: None,
        };
        assert!(!safe_to_repeat(&tool, &req));
        tool.params.push(
            serde_json::from_value(
                serde_json::json!({"name": "key", "wire_name": "Idempotency-Key", "in": "header"}),
            )
            .unwrap(),
        );
        assert!(!safe_to_repeat(&tool, &req));
        req.headers.push(("Idempotency-Key".into(), "k1".into()));
        assert!(safe_to_repeat(&tool, &req));
        req.method = HttpMethod::Delete;
        assert!(safe_to_repeat(&tool, &req));
        assert!(retryable_status(429) && retryable_status(503) && !retryable_status(500));
    }
}
