//! `openapi-tools serve`: the tools of one or more specs over MCP (stdio or Streamable HTTP);
//! the command line of [`openapi_tools_mcp::Serve`], which does the work.
//!
//! Each spec becomes one tool set in a registry (named after its file; namespaced by that name
//! when several are served). Logs go to stderr only: on stdio, stdout carries nothing but MCP
//! messages. The stdio server exits with status 0 when the client closes stdin; the HTTP server
//! on Ctrl-C / SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use openapi_tools_mcp::{HttpOptions, MetaMode, Serve, ServeError};
use openapi_tools_runtime::exec::ExecutionLog;

use crate::args::{Selection, ThinkArgs};
use crate::commands::model_options;

/// `serve` arguments.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// The OpenAPI documents (YAML or JSON); one tool set each. With `--store`, they are
    /// published to the store first (optional: without them the store's live sets are served).
    #[arg(required_unless_present = "store", value_name = "SPEC")]
    pub specs: Vec<PathBuf>,
    /// Keep versions, rollbacks and disabled tools in a store and follow the changes other
    /// servers and operators make there: `sqlite:PATH` (one server) or `postgres://...` (a
    /// fleet; see docs/store.md).
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
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
    /// `--model DIR`: `search_tools` and per-request selection by meaning too.
    #[command(flatten)]
    pub embedding: crate::semantic::ModelArgs,
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

/// Runs `serve`: the library's [`Serve`] with these flags; `Err` is a usage-level failure.
pub fn run(args: ServeArgs) -> Result<ExitCode, String> {
    init_logging();
    // Loaded before anything is served, so a bad --model fails at once; the meta-tools then
    // embed their tools off the serving path (see `Serve::embedder`).
    #[cfg(feature = "semantic")]
    let embedder = crate::semantic::load(&args.embedding)?;
    #[cfg(not(feature = "semantic"))]
    crate::semantic::check_unsupported(&args.embedding)?;
    let mut model = model_options(&args.select);
    model.output_schemas = !args.no_output_schema;
    let think = args.think.augment();
    // With a store, the specs are published through it here and the server serves its sets.
    let stored = match &args.store {
        Some(url) => Some(crate::serve_store::prepare(
            url,
            &args.specs,
            &model,
            args.watch,
            &think,
        )?),
        None => None,
    };
    let specs = if stored.is_some() {
        Vec::new()
    } else {
        args.specs.clone()
    };
    let mut serve = Serve::specs(specs)
        .model(model)
        .watch(args.watch)
        .read_only(args.read_only)
        .page_size(args.page_size)
        .meta_tools(args.meta_mode())
        .think_augment(think);
    #[cfg(feature = "semantic")]
    if let Some(model) = embedder {
        serve = serve.embedder(model);
    }
    if let Some(n) = args.execution_log {
        serve = serve.execution_log(Arc::new(ExecutionLog::new(n)));
    }
    if let Some(url) = &args.base_url {
        serve = serve.base_url(url);
    }
    if let Some(stored) = &stored {
        serve = serve.registry(stored.registry());
    }
    for pair in &args.auth {
        let Some((scheme, value)) = pair.split_once('=') else {
            return Err("--auth expects SCHEME=VALUE".to_owned());
        };
        serve = serve.auth(scheme, value);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let outcome = match args.transport {
        Transport::Stdio => runtime.block_on(serve.stdio()),
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
            runtime.block_on(serve.http(options, shutdown_signal(), move |addr| {
                let mode = if stateless { "stateless" } else { "stateful" };
                // One line tests and scripts can wait for.
                tracing::info!("listening on http://{addr}/mcp ({mode})");
            }))
        }
    };
    // Do not wait for blocked stdin reads or idle connections once serving is over.
    runtime.shutdown_background();
    drop(stored);
    match outcome {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e @ (ServeError::Spec { .. } | ServeError::Config(_))) => {
            eprintln!("{e}");
            Ok(ExitCode::FAILURE)
        }
        Err(ServeError::Io(e)) => Err(format!("{}: {e}", args.listen)),
        Err(e) => Err(e.to_string()),
    }
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
