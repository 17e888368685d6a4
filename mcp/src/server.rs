//! [`McpServer`]: an rmcp [`ServerHandler`] over a [`Registry`].
//!
//! One `McpServer` is shared by every connection (it is a cheap `Arc` clone): the stdio
//! transport has one client, Streamable HTTP one per session (stateful) or per request
//! (stateless). Each connection reads the registry's current snapshot on every request, so a
//! reload is visible to the next `tools/list` and `tools/call` without reconnecting.

use std::sync::{Arc, Weak};

use openapi_tools_runtime::exec::ExecutionLog;
use openapi_tools_runtime::registry::{ChangeEvent, ListenerId, Registry, Snapshot};
use rmcp::RoleServer;
use rmcp::handler::server::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ErrorData, Implementation, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse,
    ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{NotificationContext, RequestContext};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use crate::calls::{self, CallRunner};
use crate::catalog::{self, Catalog, CatalogCache, Cursor, Offer};
use crate::discovery::MetaMode;
use crate::log_resource;
use crate::own::OwnTools;
use crate::serve::LoadState;

/// Tools per `tools/list` page unless set otherwise.
pub const DEFAULT_PAGE_SIZE: usize = 500;

/// What the builder collects.
struct Settings {
    registry: Registry,
    offer: Offer,
    page_size: usize,
    info: Implementation,
    instructions: Option<String>,
    runner: Arc<dyn CallRunner>,
    meta: MetaMode,
    execution_log: Option<Arc<ExecutionLog>>,
    own: OwnTools,
    /// Set while the tools are still being loaded ([`McpServerBuilder::after`]).
    gate: Option<watch::Receiver<LoadState>>,
}

/// Everything connections share.
struct Shared {
    settings: Settings,
    cache: CatalogCache,
    /// Bumped by the registry listener on every applied change (not on rejected ones);
    /// connections then check whether the offered list actually changed.
    changes: watch::Receiver<u64>,
    listener: ListenerId,
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.settings.registry.remove_listener(self.listener);
    }
}

impl Shared {
    fn catalog(&self) -> Arc<Catalog> {
        self.catalog_of(&self.settings.registry.snapshot())
    }

    fn catalog_of(&self, snapshot: &Arc<Snapshot>) -> Arc<Catalog> {
        self.cache
            .get(snapshot, &self.settings.offer, self.settings.meta)
    }
}

/// Serves a registry's tools over MCP. See the crate docs for an example.
pub struct McpServer {
    shared: Arc<Shared>,
    /// Cancelled when this connection's handler is dropped (its session ended), which stops its
    /// list_changed forwarder.
    connection: Arc<ConnectionGuard>,
}

impl std::fmt::Debug for McpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("McpServer")
            .field("offer", &self.shared.settings.offer)
            .field("page_size", &self.shared.settings.page_size)
            .field("info", &self.shared.settings.info)
            .field("own_tools", &self.shared.settings.own.len())
            .field("meta_tools", &self.shared.settings.meta)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct ConnectionGuard(CancellationToken);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

impl McpServer {
    /// Starts building a server for `registry` whose `tools/call`s `runner` sends: usually the
    /// runtime's [`Executor`](openapi_tools_runtime::exec::Executor) (auth, servers, retries,
    /// caps), which is cheap to clone.
    pub fn builder(registry: Registry, runner: impl CallRunner) -> McpServerBuilder {
        McpServerBuilder {
            settings: Settings {
                registry,
                offer: Offer::default(),
                page_size: DEFAULT_PAGE_SIZE,
                info: Implementation::new("openapi-tools", env!("CARGO_PKG_VERSION")),
                instructions: None,
                runner: Arc::new(runner),
                meta: MetaMode::Never,
                execution_log: None,
                own: OwnTools::default(),
                gate: None,
            },
        }
    }

    /// A handler for one more connection, sharing the registry view and the catalog cache.
    /// Streamable HTTP calls this once per session (stateful) or request (stateless).
    pub fn connection(&self) -> Self {
        McpServer {
            shared: Arc::clone(&self.shared),
            connection: Arc::new(ConnectionGuard::default()),
        }
    }

    /// The registry served.
    pub fn registry(&self) -> &Registry {
        &self.shared.settings.registry
    }

    /// What `tools/list` answers right now, in order (all pages): the application's own tools
    /// (see [`McpServerBuilder::tools`]), then every offered registry tool, or the two
    /// meta-tools (see [`MetaMode`]).
    pub fn offered_tools(&self) -> Vec<Tool> {
        let catalog = self.shared.catalog();
        catalog::page(&catalog, &self.shared.settings.own, 0, usize::MAX).0
    }

    /// Waits until the tools this server was started before are loaded
    /// ([`McpServerBuilder::after`]); an error when their load failed.
    async fn loaded(&self) -> Result<(), ErrorData> {
        let Some(gate) = &self.shared.settings.gate else {
            return Ok(());
        };
        let mut gate = gate.clone();
        let state = gate
            .wait_for(|s| *s != LoadState::Loading)
            .await
            .map_err(|_| ErrorData::internal_error("the tools were not loaded", None))?;
        match &*state {
            LoadState::Failed(why) => Err(ErrorData::internal_error(
                format!("the tools could not be loaded: {why}"),
                None,
            )),
            _ => Ok(()),
        }
    }

    /// Forwards offered-list changes to this connection's client until the connection ends.
    fn forward_changes(&self, peer: rmcp::Peer<RoleServer>) {
        // Shares the registry view, not this connection's lifetime.
        let this = self.connection();
        let shared = Arc::downgrade(&self.shared);
        let mut changes = self.shared.changes.clone();
        let done = self.connection.0.clone();
        tokio::spawn(async move {
            // Changes count from the list the client can first see: after the initial load.
            tokio::select! {
                () = done.cancelled() => return,
                loaded = this.loaded() => if loaded.is_err() { return },
            }
            changes.mark_unchanged();
            let mut seen = this.shared.catalog().epoch;
            drop(this);
            loop {
                tokio::select! {
                    () = done.cancelled() => return,
                    changed = changes.changed() => if changed.is_err() { return },
                }
                let Some(shared) = Weak::upgrade(&shared) else {
                    return;
                };
                let epoch = shared.catalog().epoch;
                drop(shared);
                if epoch == seen {
                    continue;
                }
                seen = epoch;
                if let Err(e) = peer.notify_tool_list_changed().await {
                    tracing::debug!("client gone, no more list_changed: {e}");
                    return;
                }
                tracing::info!("sent notifications/tools/list_changed");
            }
        });
    }
}

/// Builds an [`McpServer`].
pub struct McpServerBuilder {
    settings: Settings,
}

impl McpServerBuilder {
    /// Which tools to offer (default: every enabled tool of every set).
    pub fn offer(mut self, offer: Offer) -> Self {
        self.settings.offer = offer;
        self
    }

    /// Tools per `tools/list` page (default [`DEFAULT_PAGE_SIZE`]; at least 1).
    pub fn page_size(mut self, size: usize) -> Self {
        self.settings.page_size = size.max(1);
        self
    }

    /// The name and version announced in `initialize`.
    pub fn server_info(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.settings.info = Implementation::new(name, version);
        self
    }

    /// Instructions announced in `initialize`.
    pub fn instructions(mut self, text: impl Into<String>) -> Self {
        self.settings.instructions = Some(text.into());
        self
    }

    /// The application's own rmcp tools, served beside the registry's: `router` is what
    /// rmcp's `#[tool_router]` generates for `service` (or any [`ToolRouter`] built by hand).
    ///
    /// They are listed first, on every `tools/list` (also in meta-tools mode, beside
    /// `search_tools` and `call_tool`), and called with `service` as rmcp calls them. A registry
    /// tool with the same name as one of them is not offered (the application's tool wins). May
    /// be called several times; a later router's tool wins over an earlier one of the same name.
    ///
    /// ```no_run
    /// use openapi_tools_mcp::McpServer;
    /// use openapi_tools_mcp::rmcp::{tool, tool_router, handler::server::router::tool::ToolRouter};
    /// # use std::sync::Arc;
    /// # use openapi_tools_runtime::{exec::Executor, registry::Registry};
    ///
    /// #[derive(Clone)]
    /// struct Clock;
    ///
    /// #[tool_router]
    /// impl Clock {
    ///     /// The server's time, in seconds since 1970.
    ///     #[tool]
    ///     fn now(&self) -> String {
    ///         let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    ///         t.map(|d| d.as_secs()).unwrap_or_default().to_string()
    ///     }
    /// }
    ///
    /// # fn build(registry: Registry) {
    /// let server = McpServer::builder(registry, Executor::builder().build())
    ///     .tools(Clock, Clock::tool_router())
    ///     .build();
    /// # }
    /// ```
    pub fn tools<S: Send + Sync + 'static>(
        mut self,
        service: S,
        router: rmcp::handler::server::router::tool::ToolRouter<S>,
    ) -> Self {
        self.settings.own.add(service, router);
        self
    }

    /// Whether `tools/list` offers `search_tools` / `call_tool` instead of every tool
    /// (default [`MetaMode::Never`]; see [`discovery`](crate::discovery)).
    pub fn meta_tools(mut self, mode: MetaMode) -> Self {
        self.settings.meta = mode;
        self
    }

    /// Offers `log` (usually the executor's, see
    /// [`ExecutorBuilder::execution_log`](openapi_tools_runtime::exec::ExecutorBuilder::execution_log))
    /// as the resource `openapi-tools://execution-log`. Off by default: every client of this
    /// server can then read what all callers did.
    pub fn execution_log(mut self, log: Arc<ExecutionLog>) -> Self {
        self.settings.execution_log = Some(log);
        self
    }

    /// Serve before the registry is filled: `tools/list` and `tools/call` wait until `state`
    /// leaves [`LoadState::Loading`] (what [`Serve`](crate::Serve) does, so `initialize` is
    /// answered while the specs load).
    pub(crate) fn after(mut self, state: watch::Receiver<LoadState>) -> Self {
        self.settings.gate = Some(state);
        self
    }

    /// The server. Subscribes to the registry's changes for list_changed notifications.
    pub fn build(self) -> McpServer {
        let (tx, rx) = watch::channel(0u64);
        let listener = self.settings.registry.on_change(move |event| {
            // Only applied changes can change the offered tools; rejected ones change nothing.
            if matches!(
                event,
                ChangeEvent::Applied(_)
                    | ChangeEvent::ToolDisabled { .. }
                    | ChangeEvent::ToolEnabled { .. }
            ) {
                tx.send_modify(|n| *n = n.wrapping_add(1));
            }
        });
        let shared = Arc::new(Shared {
            settings: self.settings,
            cache: CatalogCache::default(),
            changes: rx,
            listener,
        });
        McpServer {
            shared,
            connection: Arc::new(ConnectionGuard::default()),
        }
    }
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        let mut capabilities = ServerCapabilities::builder()
            .enable_tools()
            .enable_tool_list_changed()
            .build();
        if self.shared.settings.execution_log.is_some() {
            capabilities.resources = Some(Default::default());
        }
        let mut info =
            ServerConfig::new(capabilities).with_server_info(self.shared.settings.info.clone());
        if let Some(text) = &self.shared.settings.instructions {
            info = info.with_instructions(text.clone());
        }
        info
    }

    async fn on_initialized(&self, context: NotificationContext<RoleServer>) {
        self.forward_changes(context.peer);
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        self.loaded().await?;
        let catalog = self.shared.catalog();
        let offset = match request.and_then(|r| r.cursor) {
            Some(text) => {
                Cursor::decode(&text, &catalog, &self.shared.settings.own)
                    .map_err(|e| ErrorData::invalid_params(e.to_string(), None))?
                    .offset
            }
            None => 0,
        };
        let (tools, next) = catalog::page(
            &catalog,
            &self.shared.settings.own,
            offset,
            self.shared.settings.page_size,
        );
        let mut result = ListToolsResult::with_all_items(tools);
        result.next_cursor = next;
        Ok(result)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        let offered = self.shared.settings.execution_log.as_ref();
        Ok(ListResourcesResult::with_all_items(
            offered
                .map(|_| log_resource::resource())
                .into_iter()
                .collect(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        match &self.shared.settings.execution_log {
            Some(log) => log_resource::read(log, &request.uri).map(Into::into),
            None => Err(ErrorData::resource_not_found(
                format!("no resource `{}`: this server offers none", request.uri),
                None,
            )),
        }
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        if let Some(tool) = self.shared.settings.own.get(name) {
            return Some(tool.clone());
        }
        let catalog = self.shared.catalog();
        let listed = catalog.listed().find(|t| t.name == name);
        listed.or_else(|| catalog.get(name)).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if self.shared.settings.own.contains(&request.name) {
            return self.shared.settings.own.call(request, context).await;
        }
        self.loaded().await?;
        let snapshot = self.shared.settings.registry.snapshot();
        let catalog = self.shared.catalog_of(&snapshot);
        // Streamable HTTP hands the request's HTTP parts over: the session is their header.
        let session = context
            .extensions
            .get::<axum::http::request::Parts>()
            .and_then(|p| p.headers.get("mcp-session-id"))
            .and_then(|v| v.to_str().ok());
        let span = calls::server_span(&request.name, &context.id, session);
        let result = calls::call(
            snapshot,
            catalog,
            request,
            &*self.shared.settings.runner,
            context.ct,
        )
        .instrument(span.clone())
        .await;
        calls::record_outcome(&span, &result);
        Ok(result?.into())
    }
}
