//! A spec at a URL, polled: conditional requests (ETag / If-None-Match, Last-Modified /
//! If-Modified-Since), a timeout and a size cap per request, and exponential backoff while the
//! server fails. The spec may reference no local files ([`RefRoot::NoFiles`]): its relative
//! references name resources next to the URL, not files on this machine.

use std::io::Read;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use openapi_tools_build::load::RefRoot;
use openapi_tools_build::pipeline;
use openapi_tools_runtime::manifest::hide_user_info;
use openapi_tools_runtime::registry::{Registry, RejectStage};
use reqwest::blocking::Client;
use reqwest::header::{
    ETAG, HeaderMap, HeaderValue, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};

use crate::LiveError;
use crate::apply;
use crate::handle::{Control, WatchHandle};
use crate::options::LiveOptions;

/// Polling settings of a URL source. `Debug` shows header names, never their values.
#[derive(Clone, PartialEq, Eq)]
pub struct UrlOptions {
    /// Time between polls while the server answers (default 30 s).
    pub interval: Duration,
    /// Longest wait between polls while it fails (default 10 min); the wait doubles per failure
    /// from `interval`.
    pub max_backoff: Duration,
    /// Timeout of one request, connection to last byte (default 30 s).
    pub timeout: Duration,
    /// Extra request headers (e.g. `Authorization`); never logged or put in events, and sent
    /// only to the spec's own host (redirects to another host are not followed).
    pub headers: HeaderMap,
}

impl std::fmt::Debug for UrlOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlOptions")
            .field("interval", &self.interval)
            .field("max_backoff", &self.max_backoff)
            .field("timeout", &self.timeout)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Default for UrlOptions {
    fn default() -> Self {
        UrlOptions {
            interval: Duration::from_secs(30),
            max_backoff: Duration::from_secs(600),
            timeout: Duration::from_secs(30),
            headers: HeaderMap::new(),
        }
    }
}

impl UrlOptions {
    /// Sets the poll interval.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }
    /// Sets the longest backoff.
    pub fn max_backoff(mut self, max: Duration) -> Self {
        self.max_backoff = max;
        self
    }
    /// Sets the request timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Polls the spec at `url` (http or https) into the tool set `set` until the handle is dropped.
///
/// The first poll happens at once on the watch's own thread (this call never blocks on the
/// network, and works inside an async runtime); outcomes reach the registry's listeners. The
/// size cap is `options.limits.max_file_bytes`.
///
/// ```no_run
/// use std::time::Duration;
/// use openapi_tools_live::{LiveOptions, UrlOptions, watch_url};
/// use openapi_tools_runtime::registry::Registry;
///
/// let registry = Registry::new();
/// let poll = UrlOptions::default().interval(Duration::from_secs(60));
/// let _watch = watch_url(&registry, "billing", "https://api.example.com/openapi.json",
///     poll, LiveOptions::default())?;
/// # Ok::<(), openapi_tools_live::LiveError>(())
/// ```
pub fn watch_url(
    registry: &Registry,
    set: &str,
    url: &str,
    poll: UrlOptions,
    mut options: LiveOptions,
) -> Result<WatchHandle, LiveError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| LiveError::Url {
        url: hide_user_info(url.split(['?', '#']).next().unwrap_or_default()),
        message: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(LiveError::Url {
            url: shown(&parsed),
            message: "only http and https are polled".to_owned(),
        });
    }
    options.limits.root = RefRoot::NoFiles;
    let (tx, rx) = mpsc::channel::<Control>();
    let registry = registry.clone();
    let set = set.to_owned();
    let thread = std::thread::Builder::new()
        .name(format!("openapi-tools-poll-{set}"))
        .spawn(move || {
            // The blocking client runs its own runtime: build it on this thread.
            match Client::builder()
                .timeout(poll.timeout)
                .redirect(same_host_redirects())
                .default_headers(poll.headers.clone())
                .build()
            {
                Ok(client) => {
                    let mut poller = Poller {
                        client,
                        url: parsed,
                        etag: None,
                        last_modified: None,
                        failures: 0,
                    };
                    poller.run(&registry, &set, &poll, &options, &rx);
                }
                Err(e) => apply::refuse(
                    &registry,
                    &set,
                    &format!("url {}", shown(&parsed)),
                    None,
                    RejectStage::Fetch,
                    vec![format!("cannot build the HTTP client: {e}")],
                ),
            }
        })?;
    Ok(WatchHandle::new(tx, thread))
}

struct Poller {
    client: Client,
    url: reqwest::Url,
    etag: Option<HeaderValue>,
    last_modified: Option<HeaderValue>,
    failures: u32,
}

/// What one poll found.
enum Fetched {
    NotModified,
    Body(String),
}

impl Poller {
    fn run(
        &mut self,
        registry: &Registry,
        set: &str,
        poll: &UrlOptions,
        options: &LiveOptions,
        rx: &Receiver<Control>,
    ) {
        let label = format!("url {}", shown(&self.url));
        loop {
            match self.fetch(options.limits.max_file_bytes) {
                Ok(Fetched::NotModified) => self.failures = 0,
                Ok(Fetched::Body(text)) => {
                    self.failures = 0;
                    let out = pipeline::manifest_from_text(
                        &text,
                        &shown(&self.url),
                        std::path::Path::new("."),
                        &options.model,
                        &options.limits,
                    );
                    apply::offer(registry, set, &label, out, options);
                }
                Err(why) => {
                    self.failures = self.failures.saturating_add(1);
                    apply::refuse(registry, set, &label, None, RejectStage::Fetch, vec![why]);
                }
            }
            let wait = backoff(poll, self.failures);
            match rx.recv_timeout(wait) {
                Ok(Control::Check) | Err(RecvTimeoutError::Timeout) => {}
                Ok(Control::Stop) | Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// One conditional GET; validators are remembered from every 200.
    fn fetch(&mut self, cap: u64) -> Result<Fetched, String> {
        let mut req = self.client.get(self.url.clone());
        if let Some(etag) = &self.etag {
            req = req.header(IF_NONE_MATCH, etag.clone());
        }
        if let Some(lm) = &self.last_modified {
            req = req.header(IF_MODIFIED_SINCE, lm.clone());
        }
        let resp = req.send().map_err(|e| describe(&e))?;
        let status = resp.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(format!("HTTP {status}"));
        }
        if let Some(len) = resp.content_length()
            && len > cap
        {
            return Err(format!("{len} bytes is over the size limit of {cap} bytes"));
        }
        let etag = resp.headers().get(ETAG).cloned();
        let last_modified = resp.headers().get(LAST_MODIFIED).cloned();
        let mut body = Vec::new();
        resp.take(cap.saturating_add(1))
            .read_to_end(&mut body)
            .map_err(|e| format!("reading the body: {e}"))?;
        if body.len() as u64 > cap {
            return Err(format!("body over the size limit of {cap} bytes"));
        }
        let text = String::from_utf8(body).map_err(|e| format!("not UTF-8: {}", e.utf8_error()))?;
        self.etag = etag;
        self.last_modified = last_modified;
        Ok(Fetched::Body(text))
    }
}

/// The wait before the next poll: the interval, doubled per consecutive failure, capped.
fn backoff(poll: &UrlOptions, failures: u32) -> Duration {
    if failures == 0 {
        return poll.interval;
    }
    let factor = 1u32.checked_shl(failures.min(16)).unwrap_or(u32::MAX);
    poll.interval
        .saturating_mul(factor)
        .min(poll.max_backoff.max(poll.interval))
}

/// Redirects (at most 10) followed only to the same host and never from https to http: the
/// spec's request headers (`UrlOptions::headers`, user-info) stay with its host, and a
/// spec fetched over https is never read from plain http. Any other redirect ends the poll
/// with an error naming it.
fn same_host_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(first) = attempt.previous().first() else {
            return attempt.stop();
        };
        let why = redirect_refusal(first, attempt.url());
        match why {
            _ if attempt.previous().len() > 10 => attempt.error("more than 10 redirects"),
            Some(why) => attempt.error(why),
            None => attempt.follow(),
        }
    })
}

/// Why a redirect from `from` to `to` is not followed, if it is not.
fn redirect_refusal(from: &reqwest::Url, to: &reqwest::Url) -> Option<String> {
    if from.host_str() != to.host_str() {
        Some(format!(
            "a redirect to another host ({}) was not followed",
            to.host_str().unwrap_or("none")
        ))
    } else if from.scheme() == "https" && to.scheme() != "https" {
        Some("a redirect from https to http was not followed".to_owned())
    } else {
        None
    }
}

/// The URL without user info or query (they may carry credentials).
fn shown(url: &reqwest::Url) -> String {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u.set_query(None);
    u.to_string()
}

/// A transport error in one line, without the URL (shown once in the event's source).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let mut msg = kind.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_per_failure_and_stops_at_the_cap() {
        let poll = UrlOptions::default()
            .interval(Duration::from_secs(2))
            .max_backoff(Duration::from_secs(60));
        let waits: Vec<u64> = (0..8).map(|f| backoff(&poll, f).as_secs()).collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff(&poll, u32::MAX).as_secs(), 60);
    }

    #[test]
    fn shown_urls_carry_no_credentials() {
        let url = reqwest::Url::parse("https://user:pw@h.example/spec.json?token=s3cret").unwrap();
        assert_eq!(shown(&url), "https://h.example/spec.json");
        let opts = UrlOptions {
            headers: HeaderMap::from_iter([(
                reqwest::header::AUTHORIZATION,
                HeaderValue::from_static("Bearer spec-s3cret"),
            )]),
            ..UrlOptions::default()
        };
        assert!(!format!("{opts:?}").contains("spec-s3cret"));
        let err = watch_url(
            &openapi_tools_runtime::registry::Registry::new(),
            "s",
            "ftp://user:pw-s3cret@h.example/spec.json?token=q-s3cret",
            UrlOptions::default(),
            LiveOptions::default(),
        )
        .err()
        .unwrap();
        assert!(!format!("{err} {err:?}").contains("s3cret"), "{err:?}");
    }

    #[test]
    fn redirects_stay_on_the_host_and_on_https() {
        let u = |s: &str| reqwest::Url::parse(s).unwrap();
        let from = u("https://specs.example.com/a.json");
        assert_eq!(
            redirect_refusal(&from, &u("https://specs.example.com/b.json")),
            None
        );
        assert_eq!(
            redirect_refusal(&from, &u("https://evil.example/b.json")).unwrap(),
            "a redirect to another host (evil.example) was not followed"
        );
        assert!(redirect_refusal(&from, &u("http://specs.example.com/b.json")).is_some());
        assert_eq!(redirect_refusal(&u("http://h/a"), &u("https://h/b")), None);
    }
}
