//! One call on the wire: checks, server, credentials, confirmation, attempts with retries,
//! and the response shaped into an [`ExecResult`].

use std::time::{Duration, Instant, SystemTime};

use reqwest::Url;
use tracing::Instrument as _;

use super::auth::{self, Placement};
use super::credentials::Secret;
use super::observe;
use super::policy::{self, Policy};
use super::redact::scrub;
use super::result::{ErrorKind, ExecResult, ResultBody, shape_body};
use super::servers;
use super::{Confirmation, Inner, Target};
use crate::request::{HttpRequest, forbidden_header};

/// The request that would be sent (`--dry-run`): credentials shown as `***`.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestPreview {
    /// The method.
    pub method: crate::manifest::HttpMethod,
    /// The URL, credential query parameters as `***`.
    pub url: String,
    /// Headers, credential values as `***`.
    pub headers: Vec<(String, String)>,
    /// The body as text (binary bodies summarised).
    pub body: Option<String>,
}

impl std::fmt::Display for RequestPreview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} {}", self.method, self.url)?;
        for (k, v) in &self.headers {
            writeln!(f, "{k}: {v}")?;
        }
        if let Some(b) = &self.body {
            writeln!(f)?;
            writeln!(f, "{b}")?;
        }
        Ok(())
    }
}

/// Redirects are followed (at most 10) only while they stay under `base` (its origin and base
/// path); any other redirect is returned as the response, so credentials never follow it.
pub(crate) fn redirects_within(base: Url) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() > 10 || !servers::within(&base, attempt.url()) {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

/// A reqwest error as text without its URL (which may carry a credential).
pub(crate) fn describe_reqwest(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut text = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "the connection failed".to_owned()
    };
    // The cause chain (the reqwest error's own text names the URL, so it is skipped).
    let mut source = e.source();
    let mut depth = 0;
    while let Some(s) = source
        && depth < 3
    {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
        depth += 1;
    }
    text
}

/// Everything decided before the first byte is sent.
struct Ready {
    /// The server's base URL: credentials go only to requests under it, redirects included.
    base: Url,
    /// The client whose redirects stay under `base`.
    client: reqwest::Client,
    url: Url,
    headers: Vec<(String, String)>,
    /// Header names whose values are credentials (shown `***` in previews).
    secret_headers: Vec<String>,
    /// Query keys whose values are credentials.
    secret_query: Vec<String>,
    body: Option<Vec<u8>>,
    /// Every secret value this call carries, to scrub from what comes back.
    secrets: Vec<String>,
    /// Client-credentials tokens used, by scheme (dropped from the cache on a 401).
    fetched: Vec<(String, Secret)>,
}

fn refused(kind: ErrorKind, message: impl Into<String>, started: Instant) -> ExecResult {
    let mut r = ExecResult::refused(kind, message);
    r.elapsed = started.elapsed();
    r
}

/// Checks, server and credentials; `dry_run` fetches no token. Token fetches end by
/// `started + policy.timeout` (the call's time budget).
async fn prepare(
    inner: &Inner,
    target: &Target<'_>,
    request: &HttpRequest,
    policy: &Policy,
    dry_run: bool,
    started: Instant,
) -> Result<Ready, ExecResult> {
    if let Some(why) = inner.config.access.refusal(target.name, target.tool) {
        return Err(refused(ErrorKind::Denied, why, started));
    }
    for (name, _) in &request.headers {
        if forbidden_header(name) && !name.eq_ignore_ascii_case("cookie") {
            return Err(refused(
                ErrorKind::Arguments,
                format!(
                    "tool `{}`: the request would set the header `{name}`, which only the client may set; nothing was sent",
                    target.name
                ),
                started,
            ));
        }
    }
    let base = servers::base_url(inner.servers(target.set), target.manifest, target.tool).map_err(
        |e| {
            refused(
                ErrorKind::Server,
                format!("tool `{}`: {e}", target.name),
                started,
            )
        },
    )?;
    let path_and_query = request.path_and_query();
    let expected_path = format!("{}{}", base.path().trim_end_matches('/'), request.path);
    let mut url = servers::join(&base, &path_and_query)
        .filter(|u| u.path() == expected_path)
        .ok_or_else(|| {
            refused(
                ErrorKind::Arguments,
                format!(
                    "tool `{}`: the request path `{}` would not stay where the tool points (a `.` or `..` segment or a host in a path value); nothing was sent",
                    target.name, request.path
                ),
                started,
            )
        })?;

    let client = inner
        .client(policy.connect_timeout, Some(&base))
        .map_err(|e| refused(ErrorKind::Network, e, started))?;
    let token_client = inner
        .client(policy.connect_timeout, None)
        .map_err(|e| refused(ErrorKind::Network, e, started))?;

    let creds = inner.credentials(target.set);
    let chosen = match auth::choose(target.manifest, target.tool, creds) {
        Ok(c) => c,
        Err(_) if inner.config.anonymous_fallback => Vec::new(),
        Err(why) => return Err(refused(ErrorKind::Credentials, why, started)),
    };
    let mut secrets: Vec<String> = creds.secrets().map(str::to_owned).collect();
    let mut fetched = Vec::new();
    let placements = auth::place(
        &chosen,
        &inner.tokens,
        &token_client,
        dry_run,
        started + policy.timeout,
        &mut secrets,
        &mut fetched,
    )
    .await
    .map_err(|(kind, why)| refused(kind, why, started))?;

    let mut headers = request.headers.clone();
    let mut secret_headers = Vec::new();
    let mut secret_query = Vec::new();
    let mut cookies = Vec::new();
    for p in &placements {
        match p {
            Placement::Header(name, value) => {
                if request.header(name).is_some() {
                    return Err(collision(target, "header", name, started));
                }
                headers.push((name.clone(), value.expose().to_owned()));
                secret_headers.push(name.to_ascii_lowercase());
            }
            Placement::Query(name, value) => {
                let taken = request.query.iter().any(|(k, _)| {
                    percent_encoding::percent_decode_str(k).decode_utf8_lossy() == name.as_str()
                });
                if taken {
                    return Err(collision(target, "query parameter", name, started));
                }
                url.query_pairs_mut().append_pair(name, value.expose());
                secret_query.push(name.clone());
            }
            Placement::Cookie(name, value) => {
                if request
                    .header("cookie")
                    .is_some_and(|c| sets_cookie(c, name))
                {
                    return Err(collision(target, "cookie", name, started));
                }
                cookies.push(format!("{name}={}", value.expose()));
                secret_headers.push("cookie".to_owned());
            }
        }
    }
    if !cookies.is_empty() {
        match headers
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case("cookie"))
        {
            Some((_, v)) => {
                v.push_str("; ");
                v.push_str(&cookies.join("; "));
            }
            None => headers.push(("Cookie".to_owned(), cookies.join("; "))),
        }
    }
    Ok(Ready {
        base,
        client,
        url,
        headers,
        secret_headers,
        secret_query,
        body: request.body_bytes(),
        secrets,
        fetched,
    })
}

/// Whether the `Cookie` header value `header` sets a cookie named `name` (compared after
/// percent-decoding and trimming, case-insensitively: servers differ in how they match
/// names, and a near-duplicate can shadow the credential on some of them).
fn sets_cookie(header: &str, name: &str) -> bool {
    header.split(';').any(|pair| {
        let key = pair.split_once('=').map_or(pair, |(k, _)| k);
        let key = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
        key.trim().eq_ignore_ascii_case(name.trim())
    })
}

fn collision(target: &Target<'_>, what: &str, name: &str, started: Instant) -> ExecResult {
    refused(
        ErrorKind::Arguments,
        format!(
            "tool `{}`: an argument sets the {what} `{name}`, which carries the credential; leave it out; nothing was sent",
            target.name
        ),
        started,
    )
}

/// The preview of what [`execute`] would send.
pub(crate) async fn preview(
    inner: &Inner,
    target: &Target<'_>,
    request: &HttpRequest,
) -> Result<RequestPreview, ExecResult> {
    let started = Instant::now();
    let policy = inner.policy(target);
    let ready = prepare(inner, target, request, policy, true, started).await?;
    let mut url = ready.url.clone();
    if !ready.secret_query.is_empty() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let hidden = ready.secret_query.iter().any(|s| *s == k);
                (
                    k.into_owned(),
                    if hidden {
                        "***".to_owned()
                    } else {
                        v.into_owned()
                    },
                )
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    let headers = ready
        .headers
        .iter()
        .map(|(k, v)| {
            let hidden = ready.secret_headers.contains(&k.to_ascii_lowercase());
            let shown = if hidden && k.eq_ignore_ascii_case("cookie") {
                request
                    .header("cookie")
                    .map_or("***".to_owned(), |own| format!("{own}; ***"))
            } else if hidden {
                "***".to_owned()
            } else {
                v.clone()
            };
            (k.clone(), shown)
        })
        .collect();
    let body = ready.body.as_ref().map(|b| match std::str::from_utf8(b) {
        Ok(t) => t.to_owned(),
        Err(_) => format!("<{} bytes of binary data>", b.len()),
    });
    Ok(RequestPreview {
        method: request.method,
        url: url.to_string(),
        headers,
        body,
    })
}

/// Sends `request` for `target` under the executor's rules. Never panics; every outcome is an
/// [`ExecResult`]. Traced and logged by [`observe`].
pub(crate) async fn execute(
    inner: &Inner,
    target: &Target<'_>,
    request: &HttpRequest,
) -> ExecResult {
    let reason = observe::reason(target);
    let span = observe::tool_span(target, reason);
    let mut wire = Wire::default();
    let result = execute_inner(inner, target, request, &mut wire)
        .instrument(span.clone())
        .await;
    observe::finish(&span, target, &result);
    observe::log(inner, target, request, &result, reason, wire);
    result
}

/// Bytes a call put on the wire and got back (last attempt), for the execution log.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Wire {
    pub(crate) sent: u64,
    pub(crate) received: u64,
}

async fn execute_inner(
    inner: &Inner,
    target: &Target<'_>,
    request: &HttpRequest,
    wire: &mut Wire,
) -> ExecResult {
    let started = Instant::now();
    let policy = inner.policy(target).clone();
    let mut ready = match prepare(inner, target, request, &policy, false, started).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let host = ready.url.host_str().unwrap_or_default().to_owned();
    wire.sent = ready.body.as_ref().map_or(0, |b| b.len() as u64);

    if inner.needs_confirmation(request.method)
        && let Some(hook) = &inner.config.confirm
    {
        let mut shown = ready.url.clone();
        shown.set_query(None);
        let body = ready.body.as_ref().map(|b| {
            let mut t = String::from_utf8_lossy(b).into_owned();
            super::result::cut(&mut t, 2048, b.len());
            t
        });
        let c = Confirmation {
            tool: target.name.to_owned(),
            method: request.method,
            url: shown.to_string(),
            body,
        };
        if !hook.confirm(&c).await {
            return refused(
                ErrorKind::Denied,
                format!(
                    "the call of tool `{}` was not confirmed by the user; it was not sent",
                    target.name
                ),
                started,
            );
        }
    }

    // Held for one attempt at a time: a call waiting out a backoff does not keep the host's
    // other calls waiting.
    let permits = inner.host_permits(&format!(
        "{}:{}",
        host,
        ready.url.port_or_known_default().unwrap_or(0)
    ));

    let repeatable = policy::safe_to_repeat(target.tool, request);
    let mut attempts = 0u32;
    // Retries after a "not now" answer, counted apart from the one re-send with a fresh token:
    // that re-send repairs our credentials, it is not the API asking us to come back.
    let mut retries = 0u32;
    let mut reauthorised = false;
    loop {
        attempts += 1;
        let http = observe::http_span(request, &ready.url, &host, attempts - 1);
        let attempt_started = Instant::now();
        let outcome = {
            let _permit = permits.acquire().await.ok();
            attempt(inner, request, &ready, &policy)
                .instrument(http.clone())
                .await
        };
        match &outcome {
            Attempt::Response(r) => observe::http_outcome(&http, Some(r.status), false),
            Attempt::Failed { timeout, .. } => observe::http_outcome(&http, None, *timeout),
        }
        // A 401 with a cached client-credentials token: the token may have been revoked or
        // expired early. Drop it, fetch a fresh one and send once more (the server refused
        // the request, so repeating it is safe for any method).
        if !reauthorised
            && !ready.fetched.is_empty()
            && matches!(&outcome, Attempt::Response(r) if r.status == 401)
        {
            reauthorised = true;
            for (scheme, used) in &ready.fetched {
                inner.tokens.invalidate(scheme, used).await;
            }
            tracing::debug!(
                attempt = attempts,
                "401 with a cached token; fetching a new one"
            );
            ready = match prepare(inner, target, request, &policy, false, started).await {
                Ok(r) => r,
                Err(mut r) => {
                    r.attempts = attempts;
                    return r;
                }
            };
            continue;
        }
        let retry_wait = match &outcome {
            Attempt::Response(r) if repeatable && policy::retryable_status(r.status) => {
                let asked = r
                    .retry_after
                    .as_deref()
                    .and_then(|v| policy::parse_retry_after(v, SystemTime::now()));
                match asked {
                    Some(w) if w > policy.max_retry_after => None,
                    Some(w) => Some(w),
                    None => Some(policy.backoff_wait(retries + 1)),
                }
            }
            Attempt::Failed { connect: true, .. } if repeatable => {
                Some(policy.backoff_wait(retries + 1))
            }
            _ => None,
        };
        match retry_wait {
            Some(wait) if retries < policy.max_retries => {
                retries += 1;
                tracing::debug!(
                    attempt = attempts,
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                tokio::time::sleep(wait).await;
            }
            _ => {
                if let Attempt::Response(r) = &outcome {
                    wire.received = r.bytes.len() as u64;
                }
                let deadline = attempt_started + policy.timeout;
                let mut result = finish(target, request, outcome, &policy, &ready, deadline).await;
                result.attempts = attempts;
                result.elapsed = started.elapsed();
                return result;
            }
        }
    }
}

/// What one attempt produced. One lives at a time per call, moved straight into the result:
/// boxing the response would only add an allocation.
#[allow(clippy::large_enum_variant)]
enum Attempt {
    Response(Box<Received>),
    Failed {
        connect: bool,
        timeout: bool,
        message: String,
    },
}

struct Received {
    status: u16,
    reason: Option<&'static str>,
    headers: Vec<(String, String)>,
    retry_after: Option<String>,
    location: Option<String>,
    final_url: Url,
    media: String,
    bytes: Vec<u8>,
    complete: bool,
    announced: Option<usize>,
}

async fn attempt(inner: &Inner, request: &HttpRequest, ready: &Ready, policy: &Policy) -> Attempt {
    let method = reqwest::Method::from_bytes(request.method.as_str().as_bytes())
        .unwrap_or(reqwest::Method::GET);
    let mut builder = ready.client.request(method, ready.url.clone());
    for (k, v) in &ready.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    if let Some(b) = &ready.body {
        builder = builder.body(b.clone());
    }
    let run = async {
        let mut response = builder.send().await?;
        let status = response.status();
        let text =
            |v: &reqwest::header::HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned();
        // Only the headers the model gets are copied out.
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(k, _)| inner.keeps_header(k.as_str()))
            .map(|(k, v)| (k.as_str().to_owned(), text(v)))
            .collect();
        let find = |name: &str| response.headers().get(name).map(text);
        let (retry_after, location, media) = (
            find("retry-after"),
            find("location"),
            find("content-type").unwrap_or_default(),
        );
        let announced = response
            .content_length()
            .and_then(|n| usize::try_from(n).ok());
        let mut bytes = Vec::new();
        let mut complete = true;
        while let Some(chunk) = response.chunk().await? {
            let room = policy.max_response_bytes.saturating_sub(bytes.len());
            if chunk.len() > room {
                bytes.extend_from_slice(&chunk[..room]);
                complete = false;
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok::<_, reqwest::Error>(Received {
            status: status.as_u16(),
            reason: status.canonical_reason(),
            retry_after,
            location,
            media,
            final_url: response.url().clone(),
            headers,
            bytes,
            complete,
            announced,
        })
    };
    match tokio::time::timeout(policy.timeout, run).await {
        Ok(Ok(r)) => Attempt::Response(Box::new(r)),
        Ok(Err(e)) => Attempt::Failed {
            connect: e.is_connect(),
            timeout: e.is_timeout(),
            message: describe_reqwest(&e),
        },
        Err(_) => Attempt::Failed {
            connect: false,
            timeout: true,
            message: format!("no complete response within {}", human(policy.timeout)),
        },
    }
}

fn human(d: Duration) -> String {
    if d.as_millis() < 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// The attempt's outcome as the model gets it, secrets scrubbed. The body is shaped on the
/// blocking pool (parsing and cutting JSON is CPU work), within what is left of the attempt's
/// time budget (`deadline`); past it the body is cut as text instead.
async fn finish(
    target: &Target<'_>,
    request: &HttpRequest,
    outcome: Attempt,
    policy: &Policy,
    ready: &Ready,
    deadline: Instant,
) -> ExecResult {
    let secrets = &ready.secrets;
    let what = format!("{} {}", request.method, request.path);
    let mut r = match outcome {
        Attempt::Failed {
            timeout, message, ..
        } => {
            let kind = if timeout {
                ErrorKind::Timeout
            } else {
                ErrorKind::Network
            };
            let text = format!("tool `{}`: {what} failed: {message}", target.name);
            return ExecResult::refused(kind, scrub(&text, secrets).into_owned());
        }
        Attempt::Response(r) => r,
    };
    let (body, truncated) = shape_within(&mut r, policy, secrets, deadline).await;
    let headers = r
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), scrub(v, secrets).into_owned()))
        .collect();
    let status_text = format!(
        "HTTP {}{}",
        r.status,
        r.reason.map(|s| format!(" {s}")).unwrap_or_default()
    );
    let (error, message) = if (300..400).contains(&r.status) && r.location.is_some() {
        let elsewhere = r
            .location
            .as_deref()
            .and_then(|l| r.final_url.join(l).ok())
            .filter(|u| !servers::within(&ready.base, u));
        match elsewhere {
            Some(u) if u.origin() != ready.base.origin() => (
                Some(ErrorKind::Redirect),
                Some(format!(
                    "tool `{}`: {what} answered {status_text}, a redirect to another origin ({}); it was not followed, so credentials stay with the configured server",
                    target.name,
                    u.origin().ascii_serialization()
                )),
            ),
            Some(u) => (
                Some(ErrorKind::Redirect),
                Some(format!(
                    "tool `{}`: {what} answered {status_text}, a redirect to `{}`, outside the server's base path `{}`; it was not followed, so credentials stay under the configured server",
                    target.name,
                    u.path(),
                    ready.base.path()
                )),
            ),
            None => (None, None),
        }
    } else if r.status >= 400 {
        (
            Some(ErrorKind::Status),
            Some(format!(
                "tool `{}`: {what} answered {status_text}",
                target.name
            )),
        )
    } else {
        (None, None)
    };
    ExecResult {
        status: Some(r.status),
        headers,
        body,
        truncated,
        error,
        message: message.map(|m| scrub(&m, secrets).into_owned()),
        attempts: 0,
        elapsed: Duration::ZERO,
    }
}

/// [`shape_body`] of a response on the blocking pool, bounded by `deadline`; when the
/// deadline passes first the body is cut as text (cheap, and never parsed).
async fn shape_within(
    r: &mut Received,
    policy: &Policy,
    secrets: &[String],
    deadline: Instant,
) -> (ResultBody, Option<String>) {
    let bytes = std::mem::take(&mut r.bytes);
    let (media, complete, announced) = (r.media.clone(), r.complete, r.announced);
    let (max_text, max_binary) = (policy.max_result_text, policy.max_inline_binary);
    let owned = secrets.to_vec();
    let bytes = std::sync::Arc::new(bytes);
    let work = {
        let bytes = std::sync::Arc::clone(&bytes);
        tokio::task::spawn_blocking(move || {
            shape_body(
                &media, &bytes, complete, announced, max_text, max_binary, &owned,
            )
        })
    };
    match tokio::time::timeout_at(deadline.into(), work).await {
        Ok(Ok(shaped)) => shaped,
        _ => {
            tracing::debug!("shaping the body ran out of the time budget; cut as text");
            shape_body(
                "text/plain",
                &bytes,
                complete,
                announced,
                max_text,
                max_binary,
                secrets,
            )
        }
    }
}
