//! The application's own rmcp tools, served beside the registry's ([`McpServerBuilder::tools`]).
//!
//! rmcp's [`ToolRouter`] is a fixed map built once (what `#[tool_router]` generates), while the
//! registry's tools change under the server. So the server keeps the routers apart: it lists
//! the application's tools first and the registry's offered tools after them, and sends a call
//! to whichever owns the name. The registry's `list_changed` notifications are unchanged.
//!
//! [`McpServerBuilder::tools`]: crate::McpServerBuilder::tools

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rmcp::RoleServer;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::model::{CallToolRequestParams, CallToolResponse, ErrorData, Tool};
use rmcp::service::RequestContext;

type CallFuture<'a> =
    Pin<Box<dyn Future<Output = Result<CallToolResponse, ErrorData>> + Send + 'a>>;

/// One application service and its router, with the service type erased.
trait Routes: Send + Sync + 'static {
    fn call(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> CallFuture<'_>;
}

struct Service<S> {
    service: S,
    router: ToolRouter<S>,
}

impl<S: Send + Sync + 'static> Routes for Service<S> {
    fn call(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> CallFuture<'_> {
        Box::pin(async move {
            let context = ToolCallContext::new(&self.service, request, context);
            self.router.call(context).await
        })
    }
}

/// Every own tool of the server: what `tools/list` shows first, and who answers each name.
#[derive(Default)]
pub(crate) struct OwnTools {
    /// In listing order: each router's tools sorted by name, routers in the order added.
    listed: Vec<Tool>,
    /// Tool name -> (position in `listed`, index in `services`).
    by_name: HashMap<String, (usize, usize)>,
    services: Vec<Arc<dyn Routes>>,
}

impl OwnTools {
    /// Adds `router`'s tools (enabled ones), called on `service`. A name already present is
    /// taken over by the new router.
    pub fn add<S: Send + Sync + 'static>(&mut self, service: S, router: ToolRouter<S>) {
        let index = self.services.len();
        for tool in router.list_all() {
            match self.by_name.get(tool.name.as_ref()) {
                Some(&(at, _)) => {
                    tracing::warn!(
                        "own tool `{}` defined twice; the later one is served",
                        tool.name
                    );
                    self.by_name.insert(tool.name.to_string(), (at, index));
                    if let Some(slot) = self.listed.get_mut(at) {
                        *slot = tool;
                    }
                }
                None => {
                    self.by_name
                        .insert(tool.name.to_string(), (self.listed.len(), index));
                    self.listed.push(tool);
                }
            }
        }
        self.services.push(Arc::new(Service { service, router }));
    }

    /// How many own tools there are.
    pub fn len(&self) -> usize {
        self.listed.len()
    }

    /// The own tools, in listing order.
    pub fn listed(&self) -> &[Tool] {
        &self.listed
    }

    /// Whether `name` is an own tool (which hides a registry tool of that name).
    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// The own tool named `name`.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        let &(at, _) = self.by_name.get(name)?;
        self.listed.get(at)
    }

    /// Calls own tool `request.name` through its router (rmcp's argument parsing and errors).
    pub async fn call(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let service = self
            .by_name
            .get(request.name.as_ref())
            .and_then(|&(_, s)| self.services.get(s))
            .ok_or_else(|| ErrorData::invalid_params("tool not found", None))?;
        service.call(request, context).await
    }
}
