//! OAuth 2.0 client-credentials tokens: fetched from the scheme's `tokenUrl`, cached per
//! scheme, refreshed shortly before they expire, one fetch at a time per scheme (callers that
//! arrive during a fetch wait for it and share its token).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::credentials::Secret;

/// Tokens are refreshed this long before their announced expiry.
const REFRESH_EARLY: Duration = Duration::from_secs(30);
/// Lifetime assumed when the token response gives no `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// Largest token response read.
const MAX_TOKEN_RESPONSE: usize = 64 * 1024;

#[derive(Clone)]
struct Token {
    value: Secret,
    refresh_at: Instant,
}

type Slot = Arc<tokio::sync::Mutex<Option<Token>>>;

/// Cached tokens by scheme name; each slot's async mutex makes a refresh single-flight.
#[derive(Default)]
pub(crate) struct TokenCache {
    slots: Mutex<HashMap<String, Slot>>,
    /// Tokens fetched so far (all schemes), for tests and metrics.
    fetches: std::sync::atomic::AtomicUsize,
}

impl TokenCache {
    fn slot(&self, scheme: &str) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(slots.entry(scheme.to_owned()).or_default())
    }

    /// How many tokens were fetched.
    pub(crate) fn fetch_count(&self) -> usize {
        self.fetches.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Drops `used` from the cache of `scheme` (the API refused it), unless another call has
    /// already replaced it with a fresh one; the next call fetches a new token.
    pub(crate) async fn invalidate(&self, scheme: &str, used: &Secret) {
        let slot = self.slot(scheme);
        let mut guard = slot.lock().await;
        if guard.as_ref().is_some_and(|t| t.value == *used) {
            *guard = None;
        }
    }

    /// A valid token for `req.scheme`, fetched when there is none or it is about to expire.
    pub(crate) async fn token(
        &self,
        client: &reqwest::Client,
        req: &TokenRequest<'_>,
    ) -> Result<Secret, String> {
        let slot = self.slot(req.scheme);
        let mut guard = slot.lock().await;
        if let Some(t) = guard.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(t.value.clone());
        }
        let token = fetch(client, req).await?;
        self.fetches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let value = token.value.clone();
        *guard = Some(token);
        Ok(value)
    }
}

/// What a client-credentials token is fetched with.
pub(crate) struct TokenRequest<'a> {
    /// The security scheme's name (the cache key).
    pub scheme: &'a str,
    /// The token endpoint.
    pub token_url: &'a str,
    /// The client id.
    pub client_id: &'a str,
    /// The client secret.
    pub client_secret: &'a Secret,
    /// Scopes to ask for.
    pub scopes: &'a [String],
}

async fn fetch(client: &reqwest::Client, req: &TokenRequest<'_>) -> Result<Token, String> {
    let TokenRequest {
        scheme,
        token_url,
        client_id,
        client_secret,
        scopes,
    } = *req;
    let failed = |why: String| {
        format!("could not get an OAuth 2.0 token for security scheme `{scheme}`: {why}")
    };
    if crate::manifest::is_plain_remote_url(token_url) {
        return Err(failed(format!(
            "the token URL `{}` is plain http to another machine, and the client secret is only sent over https (or to a loopback address); nothing was sent",
            crate::manifest::hide_user_info(token_url)
        )));
    }
    let mut form = vec![("grant_type", "client_credentials".to_owned())];
    if !scopes.is_empty() {
        form.push(("scope", scopes.join(" ")));
    }
    let body: String = form
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                percent_encoding::utf8_percent_encode(v, super::redact::FORM)
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let started = Instant::now();
    let mut response = client
        .post(token_url)
        .basic_auth(client_id, Some(client_secret.expose()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .body(body)
        .send()
        .await
        .map_err(|e| {
            failed(format!(
                "the token endpoint could not be reached ({})",
                super::send::describe_reqwest(&e)
            ))
        })?;
    let status = response.status();
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| failed(super::send::describe_reqwest(&e)))?
    {
        if bytes.len() + chunk.len() > MAX_TOKEN_RESPONSE {
            return Err(failed("the token response is too large".into()));
        }
        bytes.extend_from_slice(&chunk);
    }
    if !status.is_success() {
        return Err(failed(format!(
            "the token endpoint answered HTTP {}",
            status.as_u16()
        )));
    }
    let v: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|_| failed("the token response is not JSON".into()))?;
    let token = v
        .get("access_token")
        .and_then(serde_json::Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| failed("the token response has no access_token".into()))?;
    let lifetime = v
        .get("expires_in")
        .and_then(|e| {
            e.as_u64()
                .or_else(|| e.as_str().and_then(|s| s.parse().ok()))
        })
        .map_or(DEFAULT_LIFETIME, Duration::from_secs);
    Ok(Token {
        value: Secret::new(token),
        refresh_at: started + lifetime.saturating_sub(REFRESH_EARLY),
    })
}
