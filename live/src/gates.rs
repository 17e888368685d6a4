//! Application gates: checks a new version must pass before it is installed, beside the
//! registry's breaking-change policy.
//!
//! A gate is a closure over the live manifest (if any) and the candidate; `Err(reason)` refuses
//! the version, and every refusing gate's reason goes into the `SourceRejected` event. The
//! functions here build common ones.

use std::sync::Arc;

use openapi_tools_runtime::manifest::Manifest;
use openapi_tools_runtime::render::{self, Provider, RenderOptions, ToolDef};

/// What a gate sees.
#[derive(Debug, Clone, Copy)]
pub struct GateInput<'a> {
    /// The tool set's name.
    pub set: &'a str,
    /// The version serving now (`None` for the first install).
    pub current: Option<&'a Manifest>,
    /// The version offered.
    pub candidate: &'a Manifest,
}

/// A gate: `Err(reason)` refuses the version.
pub type Gate = Arc<dyn Fn(&GateInput<'_>) -> Result<(), String> + Send + Sync>;

/// Refuses versions that lack any of `tools` (tool names before any namespace).
pub fn keep_tools<I, S>(tools: I) -> impl Fn(&GateInput<'_>) -> Result<(), String> + Send + Sync
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let tools: Vec<String> = tools.into_iter().map(Into::into).collect();
    move |input| {
        let missing: Vec<&str> = tools
            .iter()
            .filter(|t| !input.candidate.tools.iter().any(|c| &c.name == *t))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!("required tools missing: {}", missing.join(", ")))
        }
    }
}

/// Refuses versions with more than `max` tools.
pub fn max_tools(max: usize) -> impl Fn(&GateInput<'_>) -> Result<(), String> + Send + Sync {
    move |input| {
        let n = input.candidate.tools.len();
        if n > max {
            Err(format!("{n} tools, more than the allowed {max}"))
        } else {
            Ok(())
        }
    }
}

/// Refuses versions in which a tool that renders in strict mode for `provider` now does not
/// (constrained decoding lost: the model may produce arguments the schema rejects).
pub fn keep_strict(
    provider: Provider,
) -> impl Fn(&GateInput<'_>) -> Result<(), String> + Send + Sync {
    let opts = RenderOptions {
        anthropic_strict: true,
        ..RenderOptions::default()
    };
    move |input| {
        let Some(current) = input.current else {
            return Ok(());
        };
        let lost: Vec<String> = input
            .candidate
            .tools
            .iter()
            .filter_map(|new| {
                let old = current.tools.iter().find(|o| o.name == new.name)?;
                let was = render::render(provider, &ToolDef::from(old), &opts);
                let now = render::render(provider, &ToolDef::from(new), &opts);
                (was.strict && !now.strict).then(|| {
                    let why = now.notes.first().map(String::as_str).unwrap_or("");
                    format!(
                        "`{}` loses strict mode for {}: {why}",
                        new.name,
                        provider.as_str()
                    )
                })
            })
            .collect();
        if lost.is_empty() {
            Ok(())
        } else {
            Err(lost.join("; "))
        }
    }
}
