//! [`Tools`]: a spec loaded into a checked tool set, and [`Loader`], the one way to get one.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use openapi_tools_build::pipeline::{self, SpecOutput};
use openapi_tools_build::{Diagnostic, Severity};
use serde_json::Value;

use crate::model::ModelOptions;
use crate::registry::{InstallOptions, InstallPolicy, Registry, RegistryError, ToolFilter};
use crate::render::Provider;

/// The tool set name a [`Loader`] installs under unless told otherwise.
pub const DEFAULT_SET: &str = "api";

/// A spec loaded into a checked tool set: provider schemas, turns, MCP serving, history.
///
/// Cheap to clone: clones share the [`Registry`] (and, with feature `http`, the
/// [`Executor`](crate::exec::Executor)). Made by [`load`] or a [`Loader`].
///
/// ```
/// let tools = openapi_tools::Loader::new().text(r#"{"openapi": "3.0.3",
///     "info": {"title": "Pets", "version": "1"},
///     "paths": {"/pets": {"get": {"operationId": "listPets",
///         "responses": {"200": {"description": "ok"}}}}}}"#)?;
/// assert_eq!(tools.names(), ["list_pets"]);
/// # Ok::<(), openapi_tools::LoadError>(())
/// ```
#[derive(Clone)]
pub struct Tools {
    registry: Registry,
    set: Arc<str>,
    warnings: Arc<[Diagnostic]>,
    #[cfg(feature = "http")]
    executor: crate::exec::Executor,
    /// Keeps a live source watching while any clone is alive.
    #[cfg(feature = "live")]
    watch: Option<Arc<crate::live::WatchHandle>>,
}

impl fmt::Debug for Tools {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tools")
            .field("set", &self.set)
            .field("tools", &self.names().len())
            .field("warnings", &self.warnings.len())
            .finish_non_exhaustive()
    }
}

/// Loads the spec file at `path` (YAML or JSON, OpenAPI 3.0 or 3.1) with the default
/// [`Loader`]: every operation becomes a tool.
///
/// A spec with errors is an `Err` listing every one of them (with file, line and JSON
/// pointer); warnings stay readable on the `Ok` side ([`Tools::warnings`]).
pub fn load(path: impl AsRef<Path>) -> Result<Tools, LoadError> {
    Loader::new().file(path)
}

/// Why a spec did not become a tool set: every diagnostic of the load (errors first in the
/// message, warnings and notes after them in [`LoadError::diagnostics`]).
#[derive(Debug, Clone)]
pub struct LoadError {
    source: String,
    diagnostics: Vec<Diagnostic>,
}

impl LoadError {
    /// Every diagnostic, in the order found.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    fn new(source: &str, diagnostics: Vec<Diagnostic>) -> Self {
        LoadError {
            source: source.to_owned(),
            diagnostics,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors().count();
        write!(
            f,
            "{} did not load: {n} error{}",
            self.source,
            if n == 1 { "" } else { "s" }
        )?;
        for d in self.errors() {
            write!(f, "\n  {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// How a spec becomes [`Tools`]: which operations, which names, under which set name and
/// breaking-change policy, with which executor. Finish with [`Loader::file`],
/// [`Loader::text`] or [`Loader::watch`] (feature `live`).
///
/// ```
/// use openapi_tools::Loader;
/// let spec = r#"{"openapi": "3.0.3", "info": {"title": "Pets", "version": "1"},
///     "paths": {"/pets": {
///         "get": {"operationId": "listPets", "tags": ["read"], "responses": {"200": {"description": "ok"}}},
///         "post": {"operationId": "createPet", "tags": ["write"], "responses": {"201": {"description": "ok"}}}}}}"#;
/// let tools = Loader::new().include_tags(["read"]).namespace("pets").text(spec)?;
/// assert_eq!(tools.names(), ["pets_list_pets"]);
/// # Ok::<(), openapi_tools::LoadError>(())
/// ```
#[derive(Clone, Default)]
pub struct Loader {
    model: ModelOptions,
    set: Option<String>,
    install: InstallOptions,
    registry: Option<Registry>,
    #[cfg(feature = "http")]
    executor: Option<crate::exec::Executor>,
}

impl fmt::Debug for Loader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Loader")
            .field("set", &self.set)
            .field("install", &self.install)
            .finish_non_exhaustive()
    }
}

impl Loader {
    /// Every operation, default names, set [`DEFAULT_SET`], a new registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// The name of the tool set in the registry (default [`DEFAULT_SET`]).
    pub fn set_name(mut self, name: impl Into<String>) -> Self {
        self.set = Some(name.into());
        self
    }

    /// Exports every tool as `{namespace}_{tool}` (what the registry calls a namespace).
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.install = self.install.namespace(namespace);
        self
    }

    /// Keeps only operations carrying one of these tags.
    pub fn include_tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.model.include_tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Drops operations carrying one of these tags.
    pub fn exclude_tags<I, S>(mut self, tags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.model.exclude_tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// Every model option at once (operation selection, renames, output schemas, budgets).
    pub fn model_options(mut self, options: ModelOptions) -> Self {
        self.model = options;
        self
    }

    /// What happens to a reload that breaks callers (default: installed, and reported).
    pub fn policy(mut self, policy: InstallPolicy) -> Self {
        self.install = self.install.policy(policy);
        self
    }

    /// Installs into this registry (shared with other tool sets) instead of a new one.
    pub fn registry(mut self, registry: Registry) -> Self {
        self.registry = Some(registry);
        self
    }

    /// Sends calls with this executor (your `reqwest::Client`, credentials, policy). Default:
    /// the document's servers and credentials from the environment
    /// ([`Credentials::from_env`](crate::exec::Credentials::from_env)).
    #[cfg(feature = "http")]
    pub fn executor(mut self, executor: crate::exec::Executor) -> Self {
        self.executor = Some(executor);
        self
    }

    /// Loads the spec file at `path` (and the files its `$ref`s name, within the spec's
    /// directory).
    pub fn file(self, path: impl AsRef<Path>) -> Result<Tools, LoadError> {
        let path = path.as_ref();
        let out = pipeline::manifest_from_file(path, &self.model);
        self.finish(&path.display().to_string(), out)
    }

    /// Loads a whole spec from text (relative `$ref`s resolve against the current directory).
    pub fn text(self, text: &str) -> Result<Tools, LoadError> {
        let out = pipeline::manifest_from_str(text, "text", &self.model);
        self.finish("the spec text", out)
    }

    /// Loads the spec file at `path` and follows it: every save is loaded, checked and
    /// swapped in (or refused, the previous version serving on), with the registry's history
    /// and the [`policy`](Loader::policy). The watch lasts as long as the returned `Tools` or
    /// any clone of it.
    #[cfg(feature = "live")]
    pub fn watch(self, path: impl AsRef<Path>) -> Result<Tools, LoadError> {
        let path = path.as_ref();
        let registry = self.registry.clone().unwrap_or_default();
        let set = self.set_name_or_default();
        let options = crate::live::LiveOptions {
            install: self.install.clone(),
            model: self.model.clone(),
            ..Default::default()
        };
        let (first, handle) = crate::live::watch_file(&registry, &set, path, options)
            .map_err(|e| LoadError::new(&path.display().to_string(), live_error(e)))?;
        let label = path.display().to_string();
        let warnings = match first {
            crate::live::Outcome::Installed(_) | crate::live::Outcome::Unchanged => {
                // The watch loaded it; warnings come from one more (cheap) model run.
                let out = pipeline::manifest_from_file(path, &self.model);
                out.diagnostics
                    .into_iter()
                    .filter(|d| !d.is_error())
                    .collect()
            }
            crate::live::Outcome::Rejected => {
                let out = pipeline::manifest_from_file(path, &self.model);
                let mut diagnostics = out.diagnostics.into_vec();
                if !diagnostics.iter().any(Diagnostic::is_error) {
                    diagnostics.push(Diagnostic::error(
                        "",
                        "refused by the registry (name clash or breaking-change policy)",
                    ));
                }
                return Err(LoadError::new(&label, diagnostics));
            }
        };
        let mut tools = self.into_tools(registry, set, warnings);
        tools.watch = Some(Arc::new(handle));
        Ok(tools)
    }

    fn set_name_or_default(&self) -> String {
        self.set.clone().unwrap_or_else(|| DEFAULT_SET.to_owned())
    }

    fn finish(self, source: &str, out: SpecOutput) -> Result<Tools, LoadError> {
        let diagnostics = out.diagnostics.into_vec();
        let manifest = match out.manifest {
            Some(m) if !diagnostics.iter().any(Diagnostic::is_error) => m,
            _ => return Err(LoadError::new(source, diagnostics)),
        };
        let registry = self.registry.clone().unwrap_or_default();
        let set = self.set_name_or_default();
        registry
            .install_manifest(&set, manifest, self.install.clone())
            .map_err(|e| LoadError::new(source, registry_error(&e, diagnostics.clone())))?;
        let warnings = diagnostics
            .into_iter()
            .filter(|d| d.severity != Severity::Info)
            .collect();
        Ok(self.into_tools(registry, set, warnings))
    }

    fn into_tools(self, registry: Registry, set: String, warnings: Vec<Diagnostic>) -> Tools {
        #[cfg(feature = "http")]
        let executor = self.executor.unwrap_or_else(|| {
            let snapshot = registry.snapshot();
            let credentials = snapshot
                .set(&set)
                .map(|s| crate::exec::Credentials::from_env(s.toolset().manifest()))
                .unwrap_or_default();
            crate::exec::Executor::builder()
                .credentials(credentials)
                .build()
        });
        Tools {
            registry,
            set: set.into(),
            warnings: warnings.into(),
            #[cfg(feature = "http")]
            executor,
            #[cfg(feature = "live")]
            watch: None,
        }
    }
}

fn registry_error(e: &RegistryError, mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.push(Diagnostic::error("", e.to_string()));
    diagnostics
}

#[cfg(feature = "live")]
fn live_error(e: crate::live::LiveError) -> Vec<Diagnostic> {
    vec![Diagnostic::error("", e.to_string())]
}

impl Tools {
    /// The registry holding the tool set (history, rollback, listeners, more sets).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The tool set's name in the registry.
    pub fn set_name(&self) -> &str {
        &self.set
    }

    /// The load's warnings (a tool that lost strict mode, a parameter that cannot be sent...).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The exported tool names, in spec order.
    pub fn names(&self) -> Vec<String> {
        let snapshot = self.registry.snapshot();
        snapshot
            .set(&self.set)
            .map(|s| s.tool_names().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// The JSON a request's `tools` field takes for `provider` (for Gemini, the
    /// `functionDeclarations` list; for MCP, the `tools` of a `tools/list` result).
    pub fn schemas(&self, provider: Provider) -> Value {
        let text = self.registry.export(provider, &self.filter());
        serde_json::from_str(&text).unwrap_or_else(|_| Value::Array(Vec::new()))
    }

    /// [`Tools::schemas`] as JSON text, without parsing it (shared, cached per version).
    pub fn schemas_text(&self, provider: Provider) -> Arc<str> {
        self.registry.export(provider, &self.filter())
    }

    fn filter(&self) -> ToolFilter {
        ToolFilter::set(self.set.to_string())
    }
}

#[cfg(feature = "http")]
impl Tools {
    /// The executor that sends this tool set's calls.
    pub fn executor(&self) -> &crate::exec::Executor {
        &self.executor
    }

    /// The same tools, sending calls with `executor`.
    pub fn with_executor(mut self, executor: crate::exec::Executor) -> Self {
        self.executor = executor;
        self
    }

    /// Runs a model's turn: reads the tool calls out of `response` (the JSON the provider's
    /// API or SDK returned), checks and sends each one, and returns the messages (or items) to
    /// append for the next turn, one result per call in call order. Unknown tools and wrong
    /// arguments come back as error results the model can act on; only a response that is
    /// not the provider's shape is an `Err`.
    pub async fn run_turn(
        &self,
        provider: Provider,
        response: &Value,
    ) -> Result<Vec<Value>, crate::calls::ResponseShapeError> {
        let calls = crate::calls::parse_tool_calls(provider, response)?;
        let results = self
            .executor
            .run_turn(&self.registry.snapshot(), calls)
            .await;
        Ok(crate::calls::result_messages(provider, &results))
    }
}

#[cfg(feature = "mcp")]
impl Tools {
    /// An MCP server over these tools (and every other set of the registry), sending calls
    /// with this executor; `tools/list_changed` fires on every reload.
    pub fn mcp_server(&self) -> crate::mcp::McpServer {
        crate::mcp::McpServer::builder(self.registry.clone(), self.executor.clone()).build()
    }

    /// Serves the tools over MCP on stdin/stdout until the client closes it (what desktop
    /// clients start), as `openapi-tools serve` does.
    pub async fn serve_stdio(&self) -> Result<(), crate::mcp::ServeError> {
        crate::mcp::serve_stdio(self.mcp_server()).await
    }

    /// Serves the tools over MCP Streamable HTTP at `http://{addr}/mcp` until `stop`
    /// completes, as `openapi-tools serve --transport http` does (loopback Host/Origin checks).
    pub async fn serve_http(
        &self,
        addr: std::net::SocketAddr,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let options = crate::mcp::HttpOptions {
            listen: addr,
            ..Default::default()
        };
        crate::mcp::http::serve(self.mcp_server(), options, stop, |_| {}).await
    }
}
