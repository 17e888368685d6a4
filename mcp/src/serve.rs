//! [`Serve`]: from spec files to a running MCP server in one call, with the defaults of
//! `openapi-tools serve` (which is a thin command line over this).
//!
//! ```no_run
//! # async fn run() -> Result<(), openapi_tools_mcp::ServeError> {
//! openapi_tools_mcp::Serve::spec("petstore.yaml").stdio().await
//! # }
//! ```
//!
//! Each spec becomes one tool set in a registry (named after its file; namespaced by that name
//! when several are served). Calls go through the runtime's executor: the spec's `servers`
//! (or [`Serve::base_url`]), credentials from `OPENAPI_TOOLS_AUTH_<SCHEME>` variables and
//! [`Serve::auth`]. Only MCP declarations are pre-rendered, above
//! [`DEFAULT_META_THRESHOLD`](crate::DEFAULT_META_THRESHOLD) offered tools `tools/list` offers
//! the meta-tools, and every registry change is logged through `tracing`.
//!
//! Start-up order: the transport answers `initialize` at once while the specs load on a
//! blocking thread; `tools/list` and `tools/call` wait for the load (a spec that does not load
//! ends serving with [`ServeError::Spec`], listing every error).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;
use openapi_tools_live::{LiveOptions, Outcome, WatchHandle};
use openapi_tools_runtime::exec::{
    Credential, Credentials, ErrorKind, ExecResult, ExecutionLog, Executor,
};
use openapi_tools_runtime::registry::{
    ChangeEvent, InstallOptions, Registry, RegistryConfig, Routed, ToolFilter,
};
use openapi_tools_runtime::render::Provider;
use openapi_tools_runtime::think::ThinkAugment;
use openapi_tools_runtime::toolset::Providers;
use tokio::sync::watch;

use crate::calls::{CallRunner, RunFuture};
use crate::{HttpOptions, McpServer, MetaMode, Offer, ServeError};

/// What to serve and how; [`Serve::stdio`] or [`Serve::http`] runs it. The defaults are those
/// of `openapi-tools serve`.
#[derive(Debug, Clone)]
pub struct Serve {
    specs: Vec<PathBuf>,
    model: ModelOptions,
    watch: bool,
    read_only: bool,
    base_url: Option<String>,
    auth: Vec<(String, String)>,
    page_size: usize,
    meta: MetaMode,
    info: (String, String),
    registry: Option<Registry>,
    #[cfg(feature = "semantic")]
    embedder: Option<Arc<openapi_tools_runtime::discovery::Embedder>>,
    think: ThinkAugment,
    execution_log: Option<Arc<ExecutionLog>>,
}

impl Serve {
    /// Serves the tools of the OpenAPI document at `path` (YAML or JSON).
    pub fn spec(path: impl Into<PathBuf>) -> Self {
        Self::specs([path])
    }

    /// Serves several documents, one tool set each, namespaced by their file names.
    pub fn specs<P: Into<PathBuf>>(paths: impl IntoIterator<Item = P>) -> Self {
        Serve {
            specs: paths.into_iter().map(Into::into).collect(),
            model: ModelOptions {
                output_schemas: true,
                ..ModelOptions::default()
            },
            watch: false,
            read_only: false,
            base_url: None,
            auth: Vec::new(),
            page_size: crate::DEFAULT_PAGE_SIZE,
            meta: MetaMode::Above(crate::DEFAULT_META_THRESHOLD),
            info: ("openapi-tools".into(), env!("CARGO_PKG_VERSION").into()),
            registry: None,
            #[cfg(feature = "semantic")]
            embedder: None,
            think: ThinkAugment::none(),
            execution_log: None,
        }
    }

    /// Serves `registry` (e.g. one bound to a durable store, with tool sets already installed)
    /// instead of a fresh one; the specs are installed into it, and every set in it is served
    /// with credentials from the environment and [`Serve::auth`].
    pub fn registry(mut self, registry: Registry) -> Self {
        self.registry = Some(registry);
        self
    }

    /// Which operations become tools and how (default: every operation, with output schemas).
    pub fn model(mut self, model: ModelOptions) -> Self {
        self.model = model;
        self
    }

    /// Reload a spec when its file (or one it references) changes, and tell clients; a version
    /// that does not load keeps the previous one serving (default off).
    pub fn watch(mut self, on: bool) -> Self {
        self.watch = on;
        self
    }

    /// Offer and send only tools whose HTTP method changes nothing (default off).
    pub fn read_only(mut self, on: bool) -> Self {
        self.read_only = on;
        self
    }

    /// Send calls to this server URL instead of the specs' `servers`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// A credential for security scheme `scheme` of the specs (wins over the
    /// `OPENAPI_TOOLS_AUTH_<SCHEME>` variable; `user:password` for HTTP basic).
    pub fn auth(mut self, scheme: impl Into<String>, value: impl Into<String>) -> Self {
        self.auth.push((scheme.into(), value.into()));
        self
    }

    /// Which tools of the specs gain the optional `toolcall_reason` property (see
    /// [`openapi_tools_runtime::think`]; default none). The reason is recorded in the call's
    /// span and the execution log, never sent to the API.
    pub fn think_augment(mut self, think: ThinkAugment) -> Self {
        self.think = think;
        self
    }

    /// Records every call in `log` and offers it to clients as the resource
    /// `openapi-tools://execution-log` (default off: every client could read what all callers
    /// did).
    pub fn execution_log(mut self, log: Arc<ExecutionLog>) -> Self {
        self.execution_log = Some(log);
        self
    }

    /// Tools per `tools/list` page (default [`DEFAULT_PAGE_SIZE`](crate::DEFAULT_PAGE_SIZE)).
    pub fn page_size(mut self, size: usize) -> Self {
        self.page_size = size;
        self
    }

    /// When `tools/list` offers the meta-tools (default: above
    /// [`DEFAULT_META_THRESHOLD`](crate::DEFAULT_META_THRESHOLD) offered tools).
    pub fn meta_tools(mut self, mode: MetaMode) -> Self {
        self.meta = mode;
        self
    }

    /// `search_tools` ranks by meaning too, with this sentence-embedding model (feature
    /// `semantic`; see docs/discovery.md). The meta-tools embed their tools off the serving
    /// path and rank by words alone until the vectors are ready. The model becomes the
    /// process-wide one ([`set_default_embedder`](openapi_tools_runtime::discovery::set_default_embedder)):
    /// the meta-tools are built anew for every version of the offered tools.
    #[cfg(feature = "semantic")]
    pub fn embedder(mut self, model: Arc<openapi_tools_runtime::discovery::Embedder>) -> Self {
        self.embedder = Some(model);
        self
    }

    /// The name and version announced in `initialize` (default `openapi-tools` and this
    /// crate's version).
    pub fn server_info(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.info = (name.into(), version.into());
        self
    }

    /// Serves one client over stdin/stdout until it closes stdin.
    pub async fn stdio(self) -> Result<(), ServeError> {
        self.serve_on(rmcp::transport::stdio()).await
    }

    /// Serves one client over any rmcp transport (a duplex stream, a child process's pipes,
    /// ...) until it closes.
    pub async fn serve_on<T, E, A>(self, transport: T) -> Result<(), ServeError>
    where
        T: rmcp::transport::IntoTransport<rmcp::RoleServer, E, A>,
        E: std::error::Error + Send + Sync + 'static,
    {
        let (server, load) = self.start();
        let failed = load.failed();
        let served = tokio::select! {
            served = crate::serve_on(server, transport) => served,
            // Dropping the connection ends it; the load's error is reported below.
            () = failed => Ok(()),
        };
        // The load's outcome first: a spec that does not load is the error to report.
        let _watches = load.finish().await?;
        served
    }

    /// Serves Streamable HTTP (see [`http`](crate::http)) until `options.shutdown` is
    /// cancelled or `stop` completes; `ready` is called with the bound address.
    pub async fn http(
        self,
        options: HttpOptions,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
        ready: impl FnOnce(std::net::SocketAddr),
    ) -> Result<(), ServeError> {
        let shutdown = options.shutdown.clone();
        let (server, load) = self.start();
        let failed = load.failed();
        let stop = async move {
            tokio::select! {
                () = stop => {}
                () = failed => {}
            }
        };
        let served = crate::http::serve(server, options, stop, ready).await;
        shutdown.cancel();
        let _watches = load.finish().await?;
        served.map_err(ServeError::from)
    }

    /// The server over a fresh registry, and the load of the specs into it, started on a
    /// blocking thread.
    fn start(self) -> (McpServer, Loading) {
        #[cfg(feature = "semantic")]
        if let Some(model) = &self.embedder
            && !openapi_tools_runtime::discovery::set_default_embedder(Arc::clone(model))
        {
            tracing::warn!("a model was already set for this process; --model is not used");
        }
        let registry = self.registry.clone().unwrap_or_else(|| {
            Registry::with_config(RegistryConfig {
                // MCP declarations are the only ones served: rendering the other providers'
                // too would be most of the install time.
                prerender: Providers::only(Provider::Mcp),
                ..RegistryConfig::default()
            })
        });
        registry.on_change(log_change);
        let executor = Arc::new(OnceLock::new());
        let (done, state) = watch::channel(LoadState::Loading);
        let mut server =
            McpServer::builder(registry.clone(), LoadedExecutor(Arc::clone(&executor)))
                .offer(Offer {
                    filter: ToolFilter::default(),
                    read_only: self.read_only,
                })
                .page_size(self.page_size)
                .meta_tools(self.meta)
                .server_info(self.info.0.clone(), self.info.1.clone())
                .after(state.clone());
        if let Some(log) = &self.execution_log {
            server = server.execution_log(Arc::clone(log));
        }
        let server = server.build();
        let task = tokio::task::spawn_blocking(move || {
            let outcome = self.load(&registry).map(|(built, watches)| {
                let _ = executor.set(built);
                watches
            });
            let state = match &outcome {
                Ok(_) => LoadState::Ready,
                Err(e) => LoadState::Failed(e.to_string()),
            };
            done.send_replace(state);
            outcome
        });
        (server, Loading { task, state })
    }

    /// Loads every spec into `registry`; the executor with each set's credentials, and the
    /// watches to keep alive while serving.
    fn load(&self, registry: &Registry) -> Result<(Executor, Vec<WatchHandle>), ServeError> {
        let several = self.specs.len() > 1;
        let mut executor = Executor::builder().read_only(self.read_only);
        if let Some(log) = &self.execution_log {
            executor = executor.execution_log(Arc::clone(log));
        }
        if let Some(url) = &self.base_url {
            executor = executor.base_url(url);
        }
        let mut watches = Vec::new();
        let mut schemes = Vec::new();
        for spec in &self.specs {
            let set = set_name(spec);
            let namespace = if several { set.clone() } else { String::new() };
            let failed = |problems: Vec<String>| ServeError::Spec {
                path: spec.clone(),
                problems,
            };
            if self.watch {
                let mut options = LiveOptions::default()
                    .model(self.model.clone())
                    .namespace(namespace);
                options.install = options.install.think_augment(self.think.clone());
                let (first, handle) = openapi_tools_live::watch_file(registry, &set, spec, options)
                    .map_err(|e| failed(vec![e.to_string()]))?;
                if matches!(first, Outcome::Rejected) {
                    return Err(failed(vec![
                        "not served (see the problems logged above)".into(),
                    ]));
                }
                watches.push(handle);
            } else {
                let out = pipeline::manifest_from_file(spec, &self.model);
                let warnings = out.diagnostics.warning_count();
                if out.diagnostics.has_errors() || out.manifest.is_none() {
                    let mut problems: Vec<String> = out
                        .diagnostics
                        .iter()
                        .filter(|d| d.is_error())
                        .map(ToString::to_string)
                        .collect();
                    if problems.is_empty() {
                        problems.push("the document could not be read".into());
                    }
                    return Err(failed(problems));
                }
                if warnings > 0 {
                    tracing::warn!(
                        "{}: {warnings} warnings; run `openapi-tools check` to list them",
                        spec.display()
                    );
                }
                let Some(manifest) = out.manifest else {
                    return Err(failed(vec!["the document could not be read".into()]));
                };
                registry
                    .install_manifest(
                        &set,
                        manifest,
                        InstallOptions::default()
                            .namespace(namespace)
                            .think_augment(self.think.clone()),
                    )
                    .map_err(|e| failed(vec![e.to_string()]))?;
            }
            let snapshot = registry.snapshot();
            if let Some(live) = snapshot.set(&set) {
                tracing::info!(
                    "`{set}`: {} tools, about {:.1} MB in memory",
                    live.tool_names().count(),
                    live.approximate_size() as f64 / 1e6
                );
            }
        }
        // Credentials for every set served: those just installed and any the registry held
        // already (restored from a store).
        let snapshot = registry.snapshot();
        for live in snapshot.sets() {
            let manifest = live.toolset().manifest();
            let mut creds = Credentials::from_lookup(manifest, |n| std::env::var(n).ok());
            for (scheme, value) in &self.auth {
                if let Some(declared) = manifest.security_schemes.get(scheme) {
                    creds.insert(scheme, Credential::from_text(declared, value));
                }
            }
            schemes.extend(manifest.security_schemes.keys().cloned());
            executor = executor.set_credentials(live.name(), creds);
        }
        if let Some((scheme, _)) = self.auth.iter().find(|(s, _)| !schemes.contains(s)) {
            schemes.sort();
            schemes.dedup();
            let known = if schemes.is_empty() {
                "none".to_owned()
            } else {
                schemes.join(", ")
            };
            return Err(ServeError::Config(format!(
                "auth: no served document has a security scheme `{scheme}` (they have: {known})"
            )));
        }
        Ok((executor.build(), watches))
    }
}

/// Where loading the specs is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LoadState {
    /// Still loading: `tools/list` and `tools/call` wait.
    Loading,
    /// Installed: answer.
    Ready,
    /// Failed (the message); serving ends.
    Failed(String),
}

/// The load running beside the transport.
struct Loading {
    task: tokio::task::JoinHandle<Result<Vec<WatchHandle>, ServeError>>,
    state: watch::Receiver<LoadState>,
}

impl Loading {
    /// Completes when the load has failed (never when it succeeds).
    fn failed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut state = self.state.clone();
        async move {
            if state
                .wait_for(|s| matches!(s, LoadState::Failed(_)))
                .await
                .is_err()
            {
                std::future::pending::<()>().await;
            }
        }
    }

    /// The load's outcome: the watches to keep alive, or why it failed.
    async fn finish(self) -> Result<Vec<WatchHandle>, ServeError> {
        self.task
            .await
            .map_err(|e| ServeError::Connection(format!("loading the specs failed: {e}")))?
    }
}

/// The executor, once the specs (and with them the credentials' schemes) are loaded. Calls
/// wait for the load before they get here.
struct LoadedExecutor(Arc<OnceLock<Executor>>);

impl CallRunner for LoadedExecutor {
    fn run(&self, call: Routed) -> RunFuture {
        match self.0.get() {
            Some(executor) => CallRunner::run(executor, call),
            None => Box::pin(async {
                ExecResult::refused(ErrorKind::Server, "the specs are still loading")
            }),
        }
    }
}

/// Every registry change, one line in the log (rejected reloads with all their problems).
fn log_change(event: &ChangeEvent) {
    match event {
        ChangeEvent::Applied(report) => tracing::info!("{report}"),
        ChangeEvent::Rejected(report) => {
            tracing::warn!("refused by the breaking-change policy, previous version kept: {report}")
        }
        ChangeEvent::SourceRejected(r) => {
            tracing::warn!("{r}; previous version kept");
            for d in r.diagnostics.iter().skip(1) {
                tracing::warn!("  {d}");
            }
        }
        ChangeEvent::ToolDisabled { tool, reason, .. } => {
            tracing::info!("tool `{tool}` disabled: {reason}")
        }
        ChangeEvent::ToolEnabled { tool, .. } => tracing::info!("tool `{tool}` enabled"),
        other => tracing::info!("{other:?}"),
    }
}

/// The set name for a spec file: its stem, with characters tool names cannot carry replaced,
/// so it is also a valid namespace.
pub fn set_name(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
    let stem = stem.split('.').next().unwrap_or(stem);
    let mut name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(20)
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert(0, 's');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_names_are_valid_namespaces() {
        assert_eq!(set_name(Path::new("specs/petstore.yaml")), "petstore");
        assert_eq!(
            set_name(Path::new("github__api.github.com.json")),
            "github__api"
        );
        assert_eq!(set_name(Path::new("3d-api.json")), "s3d_api");
    }
}
