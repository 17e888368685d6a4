//! Tool sets: a manifest, its pre-rendered provider schemas and dispatch.
//!
//! A [`ToolSet`] is what the registry installs: it knows its [`Manifest`] and turns a tool name
//! plus JSON arguments into a [`PreparedCall`] (the checked arguments and the HTTP request they
//! map to), or a [`CallError`] the model can act on. Generated code implements it with typed
//! arguments; [`DynamicToolSet`] implements it for manifests loaded at run time.

use std::any::Any;
use std::fmt;

use serde_json::Value;

use crate::manifest::Manifest;
use crate::request::HttpRequest;
use crate::validate::ArgErrors;

mod dynamic;
mod rendered;
#[cfg(test)]
pub(crate) mod testing;

pub use dynamic::DynamicToolSet;
pub use rendered::{Providers, RenderedTool, prerender};

/// A collection of tools that can check and prepare calls.
///
/// Implementations must be cheap to share: the registry keeps them behind `Arc`s and calls
/// [`ToolSet::prepare`] from many threads at once.
pub trait ToolSet: Send + Sync + 'static {
    /// The tool set's description (tool names, schemas, wire details).
    fn manifest(&self) -> &Manifest;
    /// Checks `args` for `tool` and maps them to the HTTP request, reporting every problem.
    fn prepare(&self, tool: &str, args: &Value) -> Result<PreparedCall, CallError>;
}

/// A typed call of generated code (its `Call` enum), as the executor sends it: the tool set's
/// manifest, the tool name and the request the typed arguments map to.
pub trait Invocation {
    /// The manifest of the tool set the call belongs to (servers, security schemes).
    fn tool_set(&self) -> &Manifest;
    /// The tool's name in that manifest.
    fn tool_name(&self) -> &str;
    /// The HTTP request the arguments map to, or every problem that prevents it.
    fn to_request(&self) -> Result<HttpRequest, ArgErrors>;
}

/// A checked call, ready to send.
pub struct PreparedCall {
    /// Tool name (as the tool set knows it, without any registry namespace).
    pub tool: String,
    /// The HTTP request the call maps to.
    pub request: HttpRequest,
    /// The checked arguments: a `serde_json::Value` for [`DynamicToolSet`], the typed argument
    /// struct for generated tool sets.
    pub args: Box<dyn Any + Send + Sync>,
}

impl fmt::Debug for PreparedCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedCall")
            .field("tool", &self.tool)
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

/// Why a call could not be prepared. The `Display` text is written for the model: it names the
/// tool and lists every problem with its JSON pointer, so one retry can fix them all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// No tool of that name is offered.
    #[error("unknown tool `{tool}`: no tool of that name is offered; call one of the listed tools")]
    UnknownTool {
        /// The name the model used.
        tool: String,
    },
    /// The tool exists but is switched off.
    #[error("tool `{tool}` is disabled ({reason}); do not call it again")]
    Disabled {
        /// The tool name.
        tool: String,
        /// Why it was disabled.
        reason: String,
    },
    /// The arguments were not JSON at all.
    #[error(
        "the arguments for tool `{tool}` are not valid JSON ({message}); send one JSON object \
         matching the tool's input schema"
    )]
    UnparsableArguments {
        /// The tool name.
        tool: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// The arguments are JSON but break the tool's input schema or cannot be sent.
    #[error("{}", describe_problems(.0))]
    InvalidArguments(ArgErrors),
}

impl CallError {
    /// The tool the error is about.
    pub fn tool(&self) -> &str {
        match self {
            CallError::UnknownTool { tool }
            | CallError::Disabled { tool, .. }
            | CallError::UnparsableArguments { tool, .. } => tool,
            CallError::InvalidArguments(errors) => &errors.tool,
        }
    }
}

/// One line per problem, each with its pointer, so the model can fix all of them at once.
fn describe_problems(errors: &ArgErrors) -> String {
    use std::fmt::Write;
    let n = errors.problems.len();
    let mut out = format!(
        "invalid arguments for tool `{}`: {n} problem{}; fix all of them and call the tool again:",
        errors.tool,
        if n == 1 { "" } else { "s" }
    );
    for p in &errors.problems {
        let at = if p.pointer.is_empty() {
            "(arguments)"
        } else {
            p.pointer.as_str()
        };
        let _ = write!(out, "\n- {at}: {}", p.message);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::ArgProblem;

    #[test]
    fn invalid_arguments_text_lists_every_problem_with_its_pointer() {
        let err = CallError::InvalidArguments(ArgErrors {
            tool: "list_pets".into(),
            problems: vec![
                ArgProblem {
                    pointer: "/limit".into(),
                    message: "expected an integer".into(),
                },
                ArgProblem {
                    pointer: String::new(),
                    message: "missing required property `owner`".into(),
                },
            ],
        });
        let text = err.to_string();
        assert!(text.starts_with("invalid arguments for tool `list_pets`: 2 problems"));
        assert!(text.contains("\n- /limit: expected an integer"));
        assert!(text.contains("\n- (arguments): missing required property `owner`"));
        assert_eq!(err.tool(), "list_pets");
    }

    #[test]
    fn single_problem_is_singular() {
        let err = CallError::InvalidArguments(ArgErrors {
            tool: "t".into(),
            problems: vec![ArgProblem {
                pointer: "/a".into(),
                message: "m".into(),
            }],
        });
        assert!(err.to_string().contains(": 1 problem;"));
    }
}
