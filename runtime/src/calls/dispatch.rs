//! Routing parsed calls to their tool sets, and collecting their results.

use serde_json::Value;

use super::{ToolCall, ToolResult};
use crate::registry::{Routed, Snapshot};
use crate::toolset::CallError;

/// What became of one call: a request prepared on a specific tool set version, or an error
/// to send back to the model.
#[derive(Debug)]
pub struct CallOutcome {
    /// The call as parsed.
    pub call: ToolCall,
    /// The prepared call, or why there is none.
    pub result: Result<Routed, CallError>,
}

impl CallOutcome {
    /// The error result to send back, when the call could not be prepared.
    pub fn error_result(&self) -> Option<ToolResult> {
        self.result
            .as_ref()
            .err()
            .map(|e| ToolResult::error(&self.call, e.to_string()))
    }
}

/// Prepares every call on `snapshot`, in order, one outcome per call (none dropped). An
/// unknown or disabled tool is reported before unparsable arguments, so the model learns the
/// most basic problem first.
pub fn dispatch(snapshot: &Snapshot, calls: Vec<ToolCall>) -> Vec<CallOutcome> {
    calls
        .into_iter()
        .map(|call| {
            let result = match &call.arguments {
                Err(bad) => match snapshot.route(&call.name) {
                    Err(e) => Err(e),
                    Ok(_) => Err(CallError::UnparsableArguments {
                        tool: call.name.clone(),
                        message: bad.message.clone(),
                    }),
                },
                Ok(args) => snapshot.prepare(&call.name, args),
            };
            CallOutcome { call, result }
        })
        .collect()
}

/// Turns outcomes into results, in call order: `run` executes each prepared call (its `Ok`
/// is the tool's output, its `Err` an execution error message); calls that could not be
/// prepared become error results listing their problems.
pub fn complete<F>(outcomes: &[CallOutcome], mut run: F) -> Vec<ToolResult>
where
    F: FnMut(&ToolCall, &Routed) -> Result<Value, String>,
{
    outcomes
        .iter()
        .map(|o| match &o.result {
            Ok(routed) => match run(&o.call, routed) {
                Ok(output) => ToolResult::success(&o.call, output),
                Err(message) => ToolResult::error(&o.call, message),
            },
            Err(e) => ToolResult::error(&o.call, e.to_string()),
        })
        .collect()
}
