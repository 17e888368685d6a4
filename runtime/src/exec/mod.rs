//! The executor: sends tool calls to the real API and turns responses into results.
//!
//! One [`Executor`] serves every front-end: registry dispatch ([`Executor::run_turn`],
//! [`Executor::call`]), runtime-loaded or generated tool sets ([`Executor::call_tool`]), typed
//! generated calls ([`Executor::send`]), prepared requests ([`Executor::execute`]), the CLI's
//! `call` and the MCP server. What it does per call, in order, sending nothing until every
//! check passed:
//!
//! 1. **Access** ([`Access`]): read-only mode, allow/deny lists by tool, tag and method.
//! 2. **Request checks**: headers a tool must never set (Host, Authorization, Cookie,
//!    Content-Length, Transfer-Encoding, Connection, Proxy-*), and a path that must stay under
//!    the server's base path (no `.`/`..` segments resolved away, no other host).
//! 3. **Server** ([`ServerConfig`]): base-URL override, else the operation's server with its
//!    variables, relative URLs resolved against where the document was loaded from.
//! 4. **Credentials** ([`Credentials`]): the first security alternative the credentials
//!    satisfy; OAuth 2.0 client-credentials tokens fetched, cached and refreshed (one fetch at
//!    a time per scheme).
//! 5. **Confirmation** ([`Confirm`]): asked before any call that is not read-only.
//! 6. **Send** with the [`Policy`]: timeouts, retries with backoff and `Retry-After` only when
//!    repeating is safe, a per-host concurrency limit, redirects followed only within the same
//!    origin.
//! 7. **Result** ([`ExecResult`]): status, selected headers, the body by media type, cut to the
//!    policy's cap with a note; 4xx/5xx, timeouts and network failures as error results. Known
//!    secrets are scrubbed from everything returned.
//!
//! Every call is traced with an `execute_tool {tool}` span named and attributed after
//! OpenTelemetry's GenAI semantic conventions (`gen_ai.operation.name`, `gen_ai.tool.name`,
//! `gen_ai.tool.call.id`, `gen_ai.tool.type`, `error.type`), each attempt with a child `HTTP`
//! client span (`http.request.method`, `server.address`, `http.response.status_code`), and
//! a `gen_ai.execute_tool.duration` histogram event; see `docs/observability.md`. URLs in spans
//! and messages carry no query string and no secret. An [`ExecutionLog`] set with
//! [`ExecutorBuilder::execution_log`] keeps the most recent calls.
//!
//! ```no_run
//! use openapi_tools_runtime::exec::{Credential, Credentials, Executor, Policy};
//! use openapi_tools_runtime::registry::Registry;
//! # async fn demo(registry: &Registry, calls: Vec<openapi_tools_runtime::calls::ToolCall>) {
//! let executor = Executor::builder()
//!     .base_url("https://petstore.example.com/v1")
//!     .credentials(Credentials::new().with("api_key", Credential::ApiKey("k-123".into())))
//!     .policy(Policy::default().timeout(std::time::Duration::from_secs(10)))
//!     .concurrency(8)
//!     .build();
//! let results = executor.run_turn(&registry.snapshot(), calls).await;
//! # }
//! ```

mod access;
mod auth;
mod credentials;
mod json_cut;
mod log;
mod oauth;
mod observe;
mod policy;
mod redact;
mod result;
pub(crate) mod send;
mod servers;
mod turn;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub use crate::manifest::hide_user_info;
pub use access::{Access, Confirm, Confirmation, Rule};
pub use credentials::{Credential, Credentials, Secret, env_var_name};
pub use log::{CallRecord, ExecutionLog, MAX_CONTENT_BYTES, MAX_FIELD_BYTES, Payload};
pub use observe::{METRICS_TARGET, TOOL_TYPE};
pub use policy::Policy;
pub use result::{ErrorKind, ExecResult, ResultBody};
pub use send::RequestPreview;
pub use servers::{ServerConfig, ServerError};

use crate::manifest::{HttpMethod, Manifest, ToolManifest};

/// What a request is sent for: the tool set's manifest (servers, security schemes), the tool,
/// and the names it is known by.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The tool set's manifest.
    pub manifest: &'a Manifest,
    /// The tool.
    pub tool: &'a ToolManifest,
    /// The registry's name for the tool set, when it came through a registry (selects
    /// per-set servers, credentials and policy).
    pub set: Option<&'a str>,
    /// The name the model used (the exported name); the tool's own name by default.
    pub name: &'a str,
    /// What else is known about the call, for traces and the execution log.
    pub call: CallContext<'a>,
}

/// What the executor knows about a call beside its request: recorded in its trace span and
/// execution log, never sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallContext<'a> {
    /// The provider's call id (`gen_ai.tool.call.id`).
    pub id: Option<&'a str>,
    /// The arguments as the model sent them (their size is logged; their text only when the
    /// log keeps contents). The think-augment reason is read from them.
    pub args: Option<&'a serde_json::Value>,
    /// The user the call is made for, when the front-end knows.
    pub subject: Option<&'a str>,
}

impl<'a> Target<'a> {
    /// `tool` of `manifest`, outside any registry.
    pub fn new(manifest: &'a Manifest, tool: &'a ToolManifest) -> Self {
        Target {
            manifest,
            tool,
            set: None,
            name: &tool.name,
            call: CallContext::default(),
        }
    }
    /// The same target, with what is known about the call.
    pub fn with_call(mut self, call: CallContext<'a>) -> Self {
        self.call = call;
        self
    }
    /// The same target, as tool set `set` of a registry exports it under `name`.
    pub fn in_set(mut self, set: &'a str, name: &'a str) -> Self {
        self.set = Some(set);
        self.name = name;
        self
    }
}

/// Settings of one tool set (or the executor's defaults).
#[derive(Debug, Clone, Default)]
struct SetConfig {
    servers: ServerConfig,
    credentials: Credentials,
    policy: Option<Policy>,
}

/// Response headers returned to the model by default (plus `x-ratelimit-*` and
/// `ratelimit*`); never `set-cookie`.
const DEFAULT_RESULT_HEADERS: &[&str] = &[
    "content-type",
    "content-length",
    "location",
    "retry-after",
    "etag",
    "last-modified",
    "link",
    "x-request-id",
    "request-id",
    "x-total-count",
];

/// Everything the builder sets; the executor keeps it as built.
#[derive(Clone)]
struct Config {
    defaults: SetConfig,
    sets: HashMap<String, SetConfig>,
    policy: Policy,
    tool_policies: HashMap<String, Policy>,
    access: Access,
    confirm: Option<Arc<dyn Confirm>>,
    concurrency: usize,
    per_host: usize,
    anonymous_fallback: bool,
    result_headers: Vec<String>,
    log: Option<Arc<ExecutionLog>>,
    /// The application's own client, used for every request instead of the executor's.
    client: Option<reqwest::Client>,
}

pub(crate) struct Inner {
    config: Config,
    /// HTTP clients by connect timeout and the base URL their redirects must stay under
    /// (`None`: redirects not followed, for token endpoints).
    clients: Mutex<HashMap<(Duration, Option<String>), reqwest::Client>>,
    hosts: Mutex<HashMap<String, Arc<tokio::sync::Semaphore>>>,
    tokens: oauth::TokenCache,
}

/// Sends tool calls; cheap to clone (shared state behind an `Arc`), `Send + Sync`. See the
/// module docs.
#[derive(Clone)]
pub struct Executor {
    inner: Arc<Inner>,
}

impl fmt::Debug for Executor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Executor")
            .field("servers", &i.config.defaults.servers)
            .field("credentials", &i.config.defaults.credentials)
            .field("sets", &i.config.sets.keys().collect::<Vec<_>>())
            .field("policy", &i.config.policy)
            .field("access", &i.config.access)
            .field("confirm", &i.config.confirm.is_some())
            .field("concurrency", &i.config.concurrency)
            .field("per_host", &i.config.per_host)
            .finish_non_exhaustive()
    }
}

impl Default for Executor {
    fn default() -> Self {
        Executor::builder().build()
    }
}

impl Executor {
    /// A builder with the defaults: the document's servers, no credentials,
    /// [`Policy::default`], everything allowed, 8 calls of a turn at once, 8 per host.
    pub fn builder() -> ExecutorBuilder {
        ExecutorBuilder::default()
    }

    /// OAuth 2.0 tokens fetched so far (all schemes): a fetch per expiry, not per call.
    pub fn token_fetches(&self) -> usize {
        self.inner.tokens.fetch_count()
    }

    /// The execution log the executor records its calls in, if one was set.
    pub fn execution_log(&self) -> Option<&Arc<ExecutionLog>> {
        self.inner.config.log.as_ref()
    }
}

impl Inner {
    fn set(&self, set: Option<&str>) -> &SetConfig {
        set.and_then(|s| self.config.sets.get(s))
            .unwrap_or(&self.config.defaults)
    }

    fn servers(&self, set: Option<&str>) -> &ServerConfig {
        let cfg = self.set(set);
        if cfg.servers == ServerConfig::default() {
            &self.config.defaults.servers
        } else {
            &cfg.servers
        }
    }

    fn credentials(&self, set: Option<&str>) -> &Credentials {
        let cfg = self.set(set);
        if cfg.credentials.is_empty() {
            &self.config.defaults.credentials
        } else {
            &cfg.credentials
        }
    }

    /// The policy for a tool: per tool (exported or own name), then per set, then the default.
    fn policy(&self, target: &Target<'_>) -> &Policy {
        self.config
            .tool_policies
            .get(target.name)
            .or_else(|| self.config.tool_policies.get(&target.tool.name))
            .or_else(|| self.set(target.set).policy.as_ref())
            .unwrap_or(&self.config.policy)
    }

    /// The client for requests to `scope` (a server's base URL): redirects are followed only
    /// while they stay under it. `None`: redirects are never followed (token endpoints).
    fn client(
        &self,
        connect_timeout: Duration,
        scope: Option<&reqwest::Url>,
    ) -> Result<reqwest::Client, String> {
        let key = (connect_timeout, scope.map(|u| u.as_str().to_owned()));
        if let Some(client) = &self.config.client {
            // The application's own client: its timeouts, proxies and TLS, and its redirect
            // policy (see `ExecutorBuilder::client`).
            return Ok(client.clone());
        }
        let mut clients = self.clients.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(c) = clients.get(&key) {
            return Ok(c.clone());
        }
        let redirects = match scope {
            Some(base) => send::redirects_within(base.clone()),
            None => reqwest::redirect::Policy::none(),
        };
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .redirect(redirects)
            .user_agent(concat!("openapi-tools/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("the HTTP client could not be set up ({})", e.without_url()))?;
        clients.insert(key, client.clone());
        Ok(client)
    }

    fn host_permits(&self, host: &str) -> Arc<tokio::sync::Semaphore> {
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(
            hosts.entry(host.to_owned()).or_insert_with(|| {
                Arc::new(tokio::sync::Semaphore::new(self.config.per_host.max(1)))
            }),
        )
    }

    /// Whether a response header goes back to the model (names compared case-insensitively;
    /// the configured list is lower-case).
    fn keeps_header(&self, name: &str) -> bool {
        let starts = |prefix: &str| {
            name.get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        };
        !name.eq_ignore_ascii_case("set-cookie")
            && (self
                .config
                .result_headers
                .iter()
                .any(|h| h.eq_ignore_ascii_case(name))
                || starts("x-ratelimit-")
                || starts("ratelimit"))
    }

    fn needs_confirmation(&self, method: HttpMethod) -> bool {
        self.config.confirm.is_some()
            && !matches!(
                method,
                HttpMethod::Get | HttpMethod::Head | HttpMethod::Options
            )
    }
}

/// Builds an [`Executor`].
#[derive(Clone, Default)]
pub struct ExecutorBuilder {
    config: Config,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            defaults: SetConfig::default(),
            sets: HashMap::new(),
            policy: Policy::default(),
            tool_policies: HashMap::new(),
            access: Access::default(),
            confirm: None,
            concurrency: 8,
            per_host: 8,
            anonymous_fallback: false,
            result_headers: DEFAULT_RESULT_HEADERS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            log: None,
            client: None,
        }
    }
}

impl fmt::Debug for ExecutorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutorBuilder")
            .field("servers", &self.config.defaults.servers)
            .field("credentials", &self.config.defaults.credentials)
            .field("policy", &self.config.policy)
            .field("access", &self.config.access)
            .finish_non_exhaustive()
    }
}

impl ExecutorBuilder {
    fn set_mut(&mut self, set: &str) -> &mut SetConfig {
        self.config.sets.entry(set.to_owned()).or_default()
    }

    /// Sends every request with `client` (your proxy, TLS roots, connection pool, user agent,
    /// middleware-built client) instead of clients the executor builds itself. Timeouts,
    /// retries, caps and credentials still come from the executor's [`Policy`] and
    /// credentials; the client's own connect timeout and redirect policy apply. The
    /// executor's own clients follow a redirect only while it stays under the server's base
    /// path, and never from a token endpoint, so credentials never leave it. A given client's
    /// policy cannot be changed: build yours with `redirect(reqwest::redirect::Policy::none())`
    /// to keep that guarantee.
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.config.client = Some(client);
        self
    }

    /// Sends every call to this base URL instead of the document's servers.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.config.defaults.servers.base_url = Some(url.into());
        self
    }
    /// Sets a server URL variable (`{region}`) for every tool set.
    pub fn server_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.config
            .defaults
            .servers
            .variables
            .insert(name.into(), value.into());
        self
    }
    /// Where the document was loaded from: relative server URLs resolve against it.
    pub fn source_url(mut self, url: impl Into<String>) -> Self {
        self.config.defaults.servers.source_url = Some(url.into());
        self
    }
    /// Credentials for every tool set without its own.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.config.defaults.credentials = credentials;
        self
    }
    /// Server settings for registry tool set `set` (replacing the defaults for it).
    pub fn set_servers(mut self, set: &str, servers: ServerConfig) -> Self {
        self.set_mut(set).servers = servers;
        self
    }
    /// Credentials for registry tool set `set` (scheme names are per document).
    pub fn set_credentials(mut self, set: &str, credentials: Credentials) -> Self {
        self.set_mut(set).credentials = credentials;
        self
    }
    /// The default policy.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.config.policy = policy;
        self
    }
    /// The policy of every tool of registry tool set `set`.
    pub fn set_policy(mut self, set: &str, policy: Policy) -> Self {
        self.set_mut(set).policy = Some(policy);
        self
    }
    /// The policy of one tool (exported or own name); wins over set and default policies.
    pub fn tool_policy(mut self, tool: impl Into<String>, policy: Policy) -> Self {
        self.config.tool_policies.insert(tool.into(), policy);
        self
    }
    /// Read-only mode: only GET, HEAD and OPTIONS calls are sent.
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.config.access.read_only = read_only;
        self
    }
    /// Adds an allow rule: once any is set, only matching calls are sent.
    pub fn allow(mut self, rule: Rule) -> Self {
        self.config.access.allow.push(rule);
        self
    }
    /// Adds a deny rule (deny wins over allow).
    pub fn deny(mut self, rule: Rule) -> Self {
        self.config.access.deny.push(rule);
        self
    }
    /// The hook asked before any call that is not read-only is sent.
    pub fn confirm_with(mut self, hook: impl Confirm) -> Self {
        self.config.confirm = Some(Arc::new(hook));
        self
    }
    /// Calls of one turn in flight at once (at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.config.concurrency = n.max(1);
        self
    }
    /// Requests in flight per host across all turns (at least 1).
    pub fn per_host_concurrency(mut self, n: usize) -> Self {
        self.config.per_host = n.max(1);
        self
    }
    /// Sends a call without credentials when none of its security alternatives is
    /// satisfied (default: refuse it with a message naming the schemes).
    pub fn send_without_credentials(mut self, yes: bool) -> Self {
        self.config.anonymous_fallback = yes;
        self
    }
    /// The response headers returned to the model (case-insensitive), replacing the default
    /// list; `x-ratelimit-*` and `ratelimit*` are always kept, `set-cookie` never.
    pub fn result_headers<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.config.result_headers = names
            .into_iter()
            .map(|s| s.as_ref().to_ascii_lowercase())
            .collect();
        self
    }

    /// Records every finished call in `log` (shared: keep a clone to read it).
    pub fn execution_log(mut self, log: Arc<ExecutionLog>) -> Self {
        self.config.log = Some(log);
        self
    }

    /// The executor. HTTP clients are created on first use.
    pub fn build(self) -> Executor {
        Executor {
            inner: Arc::new(Inner {
                config: self.config,
                clients: Mutex::new(HashMap::new()),
                hosts: Mutex::new(HashMap::new()),
                tokens: oauth::TokenCache::default(),
            }),
        }
    }
}
