//! Tool calls in each provider's format: parsing responses, building result messages.
//!
//! A round trip is three steps:
//! 1. [`parse_tool_calls`] reads the model's tool calls out of a provider response into
//!    [`ToolCall`]s. Nothing is dropped: a call whose arguments are not JSON keeps the problem
//!    in [`ToolCall::arguments`].
//! 2. [`dispatch`] routes each call through a registry [`Snapshot`](crate::registry::Snapshot)
//!    to its tool set, giving one [`CallOutcome`] per call: a prepared request, or a
//!    [`CallError`](crate::toolset::CallError) (unknown tool, disabled tool, unparsable or
//!    invalid arguments, every problem listed with its path).
//! 3. After running the prepared requests, [`complete`] turns outcomes into [`ToolResult`]s
//!    (errors included, for the model to fix) and [`result_messages`] renders them as the next
//!    turn's messages for the provider.

mod dispatch;
mod parse;
mod results;

pub use dispatch::{CallOutcome, complete, dispatch};
pub use parse::{ResponseShapeError, parse_tool_calls};
pub use results::{ToolResult, result_messages};

use serde_json::Value;

/// One tool call the model made, in a provider-neutral form.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// The provider's call id (`tool_call_id`, `call_id`, `tool_use_id`, the MCP request id as
    /// text), or one made up from the call's position when the provider gives none (Gemini).
    pub id: String,
    /// `true` when [`ToolCall::id`] was made up (and must not be sent back to the provider).
    pub id_synthetic: bool,
    /// The tool name the model used.
    pub name: String,
    /// The arguments, or why they could not be read as JSON.
    pub arguments: Result<Value, BadArguments>,
    /// The JSON-RPC id of an MCP `tools/call` request, echoed verbatim in the response.
    pub rpc_id: Option<Value>,
}

/// Arguments that are not JSON (providers that send arguments as a string can send anything).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BadArguments {
    /// The text the model sent.
    pub raw: String,
    /// The parser's message, with line and column.
    pub message: String,
}

#[cfg(test)]
mod tests;
