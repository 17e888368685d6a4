//! The executor's entry points: one prepared request, one routed call, a whole turn of calls
//! through a registry snapshot, a tool set by name, a typed generated call.

use futures_util::StreamExt as _;
use serde_json::Value;

use super::result::{ErrorKind, ExecResult};
use super::send::{self, RequestPreview};
use super::{CallContext, Executor, Target};
use crate::calls::{CallOutcome, ToolCall, ToolResult, dispatch};
use crate::registry::{Routed, Snapshot};
use crate::request::HttpRequest;
use crate::toolset::{Invocation, ToolSet};

impl Executor {
    /// Sends one prepared request for `target`. Every outcome, refusals included, is an
    /// [`ExecResult`]; nothing panics.
    pub async fn execute(&self, target: Target<'_>, request: &HttpRequest) -> ExecResult {
        send::execute(&self.inner, &target, request).await
    }

    /// What [`Executor::execute`] would send (URL, headers, body), credentials shown as
    /// `***`; no token is fetched and nothing is sent. `Err` when the call would be refused.
    pub async fn preview(
        &self,
        target: Target<'_>,
        request: &HttpRequest,
    ) -> Result<RequestPreview, ExecResult> {
        send::preview(&self.inner, &target, request).await
    }

    /// Sends a call prepared by [`Snapshot::prepare`] or [`dispatch`], on the tool set version
    /// it was prepared on.
    pub async fn send_routed(&self, routed: &Routed) -> ExecResult {
        self.send_routed_with(routed, CallContext::default()).await
    }

    /// [`Executor::send_routed`] with what else is known about the call (call id, user
    /// subject) for traces and the execution log; the arguments are taken from the prepared
    /// call when it kept them as JSON.
    pub async fn send_routed_with(&self, routed: &Routed, call: CallContext<'_>) -> ExecResult {
        let manifest = routed.set.toolset().manifest();
        let Some(tool) = manifest.tool(&routed.call.tool) else {
            return ExecResult::refused(
                ErrorKind::Arguments,
                format!("unknown tool `{}`", routed.name),
            );
        };
        let call = CallContext {
            args: call
                .args
                .or_else(|| routed.call.args.downcast_ref::<Value>()),
            ..call
        };
        let target = Target::new(manifest, tool)
            .in_set(routed.set.name(), &routed.name)
            .with_call(call);
        self.execute(target, &routed.call.request).await
    }

    /// Checks `args` for `tool` of `set` (any [`ToolSet`]: generated, runtime-loaded) and
    /// sends the call. Argument problems come back as an [`ErrorKind::Arguments`] result whose
    /// message lists every problem, exactly as [`dispatch`] reports them.
    pub async fn call_tool(&self, set: &dyn ToolSet, tool: &str, args: &Value) -> ExecResult {
        let prepared = match set.prepare(tool, args) {
            Ok(p) => p,
            Err(e) => return ExecResult::refused(ErrorKind::Arguments, e.to_string()),
        };
        let manifest = set.manifest();
        match manifest.tool(&prepared.tool) {
            Some(t) => {
                let call = CallContext {
                    args: Some(args),
                    ..CallContext::default()
                };
                self.execute(Target::new(manifest, t).with_call(call), &prepared.request)
                    .await
            }
            None => ExecResult::refused(ErrorKind::Arguments, format!("unknown tool `{tool}`")),
        }
    }

    /// Sends a typed call of generated code (its `Call` enum):
    /// `executor.send(&Call::GetPet(args)).await`.
    pub async fn send<I: Invocation + ?Sized>(&self, call: &I) -> ExecResult {
        let manifest = call.tool_set();
        let Some(tool) = manifest.tool(call.tool_name()) else {
            return ExecResult::refused(
                ErrorKind::Arguments,
                format!("unknown tool `{}`", call.tool_name()),
            );
        };
        match call.to_request() {
            Ok(request) => self.execute(Target::new(manifest, tool), &request).await,
            Err(errors) => ExecResult::refused(
                ErrorKind::Arguments,
                crate::toolset::CallError::InvalidArguments(errors).to_string(),
            ),
        }
    }

    /// One call through `snapshot`: routed, checked, sent, answered. Unknown tools and
    /// argument problems become error results exactly as [`crate::calls::complete`] makes them.
    pub async fn call(&self, snapshot: &Snapshot, call: ToolCall) -> ToolResult {
        let outcomes = dispatch(snapshot, vec![call]);
        self.run_outcomes(&outcomes)
            .await
            .pop()
            .unwrap_or_else(unreachable_result)
    }

    /// A turn's calls: dispatched on `snapshot`, sent concurrently (at most
    /// [`concurrency`](super::ExecutorBuilder::concurrency) at once), results in call order,
    /// exactly one per call.
    pub async fn run_turn(&self, snapshot: &Snapshot, calls: Vec<ToolCall>) -> Vec<ToolResult> {
        let outcomes = dispatch(snapshot, calls);
        self.run_outcomes(&outcomes).await
    }

    /// Results for outcomes of [`dispatch`] (for front-ends that dispatch themselves), in
    /// order, one per outcome; prepared calls are sent concurrently.
    pub async fn run_outcomes(&self, outcomes: &[CallOutcome]) -> Vec<ToolResult> {
        futures_util::stream::iter(outcomes.iter().map(|o| async move {
            match &o.result {
                Ok(routed) => {
                    let call = CallContext {
                        id: (!o.call.id_synthetic).then_some(o.call.id.as_str()),
                        args: o.call.arguments.as_ref().ok(),
                        subject: None,
                    };
                    self.send_routed_with(routed, call)
                        .await
                        .into_tool_result(&o.call)
                }
                Err(e) => ToolResult::error(&o.call, e.to_string()),
            }
        }))
        .buffered(self.inner.config.concurrency)
        .collect()
        .await
    }
}

/// `dispatch` returns one outcome per call, so one call always yields one result; this
/// covers the impossible empty case without panicking.
fn unreachable_result() -> ToolResult {
    let call = ToolCall {
        id: String::new(),
        id_synthetic: true,
        name: String::new(),
        arguments: Ok(Value::Null),
        rpc_id: None,
    };
    ToolResult::error(&call, "internal error: the call produced no result")
}
