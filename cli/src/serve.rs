//! `openapi-tools serve`: the tools of one or more specs over MCP (stdio or Streamable HTTP).
//!
//! Each spec becomes one tool set in a registry (named after its file; namespaced by that name
//! when several are served). Logs go to stderr only: on stdio, stdout carries nothing but MCP
//! messages. The stdio server exits with status 0 when the client closes stdin; the HTTP server
//! on Ctrl-C / SIGTERM.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use openapi_tools_build::pipeline;
use openapi_tools_live::{LiveOptions, Outcome};
use openapi_tools_mcp::{HttpOptions, McpServer, MetaMode, Offer};
use openapi_tools_runtime::diff::ChangeReport;
use openapi_tools_runtime::exec::{ExecutionLog, Executor};
use openapi_tools_runtime::registry::{
    ChangeEvent, DefaultRegistry, InstallOptions, RegistryConfig, ToolFilter,
};
use openapi_tools_runtime::toolset::{Provider, Providers};

use crate::args::{Selection, ThinkArgs};
use crate::call::credentials;
use crate::commands::{checked, model_options};

/// `serve` arguments.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The OpenAPI documents (YAML or JSON); one tool set each.
    #[arg(required = true, value_name = "SPEC")]
    pub specs: Vec<PathBuf>,
    /// How clients connect.
    #[arg(long, value_enum, default_value_t = Transport::Stdio)]
    pub transport: Transport,
    /// HTTP: the address to listen on (loopback by default; anything else is reachable from
    /// other machines, so set a bearer token).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8000")]
    pub listen: SocketAddr,
    /// HTTP: no sessions (any replica answers any request; no list_changed notifications).
    #[arg(long)]
    pub stateless: bool,
    /// HTTP: require `Authorization: Bearer <token>`, the token read from this environment
    /// variable (so it never shows in the process list).
    #[arg(long, value_name = "VAR")]
    pub bearer_token_env: Option<String>,
    /// HTTP: a browser origin allowed besides loopback ones (repeatable), e.g.
    /// `https://app.example.com:443`.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origins: Vec<String>,
    /// HTTP: a `Host` header value allowed besides loopback names and the listen address
    /// (repeatable); needed behind a proxy that keeps the public host name.
    #[arg(long = "allow-host", value_name = "HOST")]
    pub allow_hosts: Vec<String>,
    /// Offer (and send) only tools whose HTTP method does not change anything (GET, HEAD,
    /// OPTIONS, TRACE).
    #[arg(long)]
    pub read_only: bool,
    /// Send calls to this server URL instead of the spec's `servers`.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// A credential for a security scheme of the specs (repeatable; `user:password` for HTTP
    /// basic). `OPENAPI_TOOLS_AUTH_<SCHEME>` variables work too; the flag wins.
    #[arg(long = "auth", value_name = "SCHEME=VALUE")]
    pub auth: Vec<String>,
    /// Reload a spec when its file (or a file it references) changes, and tell clients
    /// (`notifications/tools/list_changed`). A version that does not load keeps the previous
    /// one serving.
    #[arg(long)]
    pub watch: bool,
    /// Declare no `outputSchema` (they are built from the 2xx JSON responses; clients then get
    /// JSON results as text only).
    #[arg(long)]
    pub no_output_schema: bool,
    /// Tools per tools/list page.
    #[arg(long, value_name = "N", default_value_t = openapi_tools_mcp::DEFAULT_PAGE_SIZE)]
    pub page_size: usize,
    /// Offer `search_tools` and `call_tool` instead of the full tool list: `auto` above
    /// `--meta-tools-above` offered tools, `always` (also the value of a bare `--meta-tools`),
    /// or `never`.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = MetaTools::Auto,
          num_args = 0..=1, default_missing_value = "always")]
    pub meta_tools: MetaTools,
    /// With `--meta-tools auto`: offer the meta-tools when more tools than this are offered.
    #[arg(long, value_name = "N", default_value_t = openapi_tools_mcp::DEFAULT_META_THRESHOLD)]
    pub meta_tools_above: usize,
    /// Keep the last N calls in an execution log and offer it to clients as the resource
    /// `openapi-tools://execution-log` (sizes of arguments and answers, never their text).
    #[arg(long, value_name = "N")]
    pub execution_log: Option<usize>,
    #[command(flatten)]
    pub think: ThinkArgs,
    #[command(flatten)]
    pub select: Selection,
}

/// When `serve` offers the meta-tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetaTools {
    /// Above `--meta-tools-above` offered tools.
    Auto,
    /// Always.
    Always,
    /// Never: always the full list.
    Never,
}

impl ServeArgs {
    fn meta_mode(&self) -> MetaMode {
        match self.meta_tools {
            MetaTools::Auto => MetaMode::Above(self.meta_tools_above),
            MetaTools::Always => MetaMode::Always,
            MetaTools::Never => MetaMode::Never,
        }
    }
}

/// MCP transports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Transport {
    /// stdin/stdout (what desktop clients start).
    Stdio,
    /// Streamable HTTP at `http://ADDR/mcp`.
    Http,
}

/// Runs `serve`; `Err` is a usage-level failure.
pub fn run(args: ServeArgs) -> Result<ExitCode, String> {
    init_logging();
    // MCP declarations are the only ones served: rendering the other providers' too would be
    // most of the install time.
    let registry = Arc::new(DefaultRegistry::with_config(RegistryConfig {
        prerender: Providers::only(Provider::Mcp),
        ..RegistryConfig::default()
    }));
    registry.on_change(log_change);
    let several = args.specs.len() > 1;
    let mut model = model_options(&args.select);
    model.output_schemas = !args.no_output_schema;
    let mut executor = Executor::builder().read_only(args.read_only);
    let log = args.execution_log.map(|n| Arc::new(ExecutionLog::new(n)));
    if let Some(log) = &log {
        executor = executor.execution_log(Arc::clone(log));
    }
    if let Some(url) = &args.base_url {
        executor = executor.base_url(url);
    }
    // Kept alive while serving: dropping a handle stops its watch.
    let mut watches = Vec::new();
    for spec in &args.specs {
        let set = set_name(spec);
        let namespace = if several { set.clone() } else { String::new() };
        if args.watch {
            let mut options = LiveOptions::default()
                .model(model.clone())
                .namespace(namespace);
            options.install = options.install.think_augment(args.think.augment());
            let (first, handle) = openapi_tools_live::watch_file(&registry, &set, spec, options)
                .map_err(|e| format!("{}: {e}", spec.display()))?;
            if matches!(first, Outcome::Rejected) {
                eprintln!("{}: not served (see the problems above)", spec.display());
                return Ok(ExitCode::FAILURE);
            }
            watches.push(handle);
        } else {
            // The pipeline frees the loaded document on a helper thread: the first answer does
            // not wait for it.
            let out = pipeline::manifest_from_file(spec, &model);
            let Some(manifest) = checked(spec, out)? else {
                return Ok(ExitCode::FAILURE);
            };
            registry
                .install_manifest(
                    &set,
                    manifest,
                    InstallOptions::default()
                        .namespace(namespace)
                        .think_augment(args.think.augment()),
                )
                .map_err(|e| format!("{}: {e}", spec.display()))?;
        }
        let snapshot = registry.snapshot();
        if let Some(live) = snapshot.set(&set) {
            let manifest = live.toolset().manifest();
            let creds = credentials(manifest, &args.auth, |n| std::env::var(n).ok())?;
            executor = executor.set_credentials(&set, creds);
        }
    }
    let offer = Offer {
        filter: ToolFilter::default(),
        read_only: args.read_only,
    };
    let mut server = McpServer::builder(Arc::clone(&registry))
        .offer(offer)
        .page_size(args.page_size)
        .meta_tools(args.meta_mode())
        .runner(Arc::new(executor.build()))
        .server_info("openapi-tools", env!("CARGO_PKG_VERSION"));
    if let Some(log) = log {
        server = server.execution_log(log);
    }
    let server = server.build();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let outcome = match args.transport {
        Transport::Stdio => runtime
            .block_on(openapi_tools_mcp::serve_stdio(server))
            .map_err(|e| e.to_string()),
        Transport::Http => {
            let token = match &args.bearer_token_env {
                Some(var) => Some(std::env::var(var).map_err(|_| {
                    format!("--bearer-token-env {var}: the variable is not set (or not UTF-8)")
                })?),
                None => None,
            };
            if token.is_none() && !args.listen.ip().is_loopback() {
                tracing::warn!(
                    "listening on {} without a bearer token: anyone who can reach it can call the tools",
                    args.listen
                );
            }
            let options = HttpOptions {
                listen: args.listen,
                stateful: !args.stateless,
                bearer_token: token,
                allowed_origins: args.allow_origins.clone(),
                allowed_hosts: args.allow_hosts.clone(),
                ..HttpOptions::default()
            };
            let stateless = args.stateless;
            runtime
                .block_on(openapi_tools_mcp::http::serve(
                    server,
                    options,
                    shutdown_signal(),
                    move |addr| {
                        let mode = if stateless { "stateless" } else { "stateful" };
                        // One line tests and scripts can wait for.
                        tracing::info!("listening on http://{addr}/mcp ({mode})");
                    },
                ))
                .map_err(|e| format!("{}: {e}", args.listen))
        }
    };
    // Do not wait for blocked stdin reads or idle connections once serving is over.
    runtime.shutdown_background();
    drop(watches);
    outcome.map(|()| ExitCode::SUCCESS)
}

/// Every registry change, one line on stderr (rejected reloads with all their problems).
fn log_change(event: &ChangeEvent<ChangeReport>) {
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
    }
}

/// The set name for a spec file: its stem, with characters tool names cannot carry replaced,
/// so it is also a valid namespace.
fn set_name(spec: &Path) -> String {
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

/// Logs to stderr; `RUST_LOG` overrides the default (`info`).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,rmcp=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
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
