//! Which calls may be sent at all: read-only mode, allow and deny lists by tool name, tag and
//! method, and the confirmation hook asked before any call that is not read-only.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::manifest::{HttpMethod, ToolManifest};

/// One allow/deny rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// A tool by name (the exported name the model uses, or the tool set's own name).
    Tool(String),
    /// Tools carrying a tag.
    Tag(String),
    /// Tools using an HTTP method.
    Method(HttpMethod),
}

impl Rule {
    fn matches(&self, exported: &str, tool: &ToolManifest) -> bool {
        match self {
            Rule::Tool(name) => name == exported || *name == tool.name,
            Rule::Tag(tag) => tool.tags.iter().any(|t| t == tag),
            Rule::Method(m) => *m == tool.method,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Tool(t) => write!(f, "tool `{t}`"),
            Rule::Tag(t) => write!(f, "tag `{t}`"),
            Rule::Method(m) => write!(f, "method {m}"),
        }
    }
}

/// What a confirmation hook is shown: enough for a human to decide, no secrets.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmation {
    /// The tool name the model used.
    pub tool: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The URL without credentials.
    pub url: String,
    /// The body as text (JSON, form text), cut to 2 KiB; `None` without a body.
    pub body: Option<String>,
}

/// Asked before a call that is not read-only (POST, PUT, PATCH, DELETE) is sent; `false`
/// refuses it and the model is told so. Implement it for a human in the loop.
pub trait Confirm: Send + Sync + 'static {
    /// Whether to send the call.
    fn confirm<'a>(
        &'a self,
        call: &'a Confirmation,
    ) -> Pin<Box<dyn Future<Output = bool> + Send + 'a>>;
}

impl<F> Confirm for F
where
    F: Fn(&Confirmation) -> bool + Send + Sync + 'static,
{
    fn confirm<'a>(
        &'a self,
        call: &'a Confirmation,
    ) -> Pin<Box<dyn Future<Output = bool> + Send + 'a>> {
        let answer = self(call);
        Box::pin(async move { answer })
    }
}

/// Read-only mode plus allow and deny lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    /// Only GET, HEAD and OPTIONS calls are sent.
    pub read_only: bool,
    /// When not empty, a call must match one of these.
    pub allow: Vec<Rule>,
    /// A call matching one of these is refused (deny wins over allow).
    pub deny: Vec<Rule>,
}

impl Access {
    /// Why `tool` (called as `exported`) may not be sent, if it may not.
    pub(crate) fn refusal(&self, exported: &str, tool: &ToolManifest) -> Option<String> {
        if self.read_only
            && !matches!(
                tool.method,
                HttpMethod::Get | HttpMethod::Head | HttpMethod::Options
            )
        {
            return Some(format!(
                "tool `{exported}` ({}) is not allowed: only read-only calls (GET, HEAD, OPTIONS) are permitted; do not call it again",
                tool.method
            ));
        }
        if let Some(rule) = self.deny.iter().find(|r| r.matches(exported, tool)) {
            return Some(format!(
                "tool `{exported}` is not allowed ({rule} is denied); do not call it again"
            ));
        }
        if !self.allow.is_empty() && !self.allow.iter().any(|r| r.matches(exported, tool)) {
            return Some(format!(
                "tool `{exported}` is not allowed (not on the allow list); do not call it again"
            ));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(method: &str, tags: &[&str]) -> ToolManifest {
        serde_json::from_value(serde_json::json!({
            "name": "t", "method": method, "path": "/x", "description": "", "tags": tags,
            "params": [], "input_schema": {"type": "object"}, "schema_hash": ""
        }))
        .unwrap()
    }

    #[test]
    fn read_only_allow_and_deny() {
        let get = tool("GET", &["pets"]);
        let delete = tool("DELETE", &["pets"]);
        let ro = Access {
            read_only: true,
            ..Access::default()
        };
        assert!(ro.refusal("t", &get).is_none());
        assert!(ro.refusal("t", &delete).unwrap().contains("read-only"));
        let lists = Access {
            read_only: false,
            allow: vec![Rule::Tag("pets".into())],
            deny: vec![Rule::Method(HttpMethod::Delete)],
        };
        assert!(lists.refusal("t", &get).is_none());
        assert!(
            lists
                .refusal("t", &delete)
                .unwrap()
                .contains("method DELETE")
        );
        assert!(
            lists
                .refusal("t", &tool("GET", &["store"]))
                .unwrap()
                .contains("allow list")
        );
        let by_name = Access {
            deny: vec![Rule::Tool("ns_t".into())],
            ..Access::default()
        };
        assert!(by_name.refusal("ns_t", &get).is_some());
        assert!(by_name.refusal("other", &tool("GET", &[])).is_none());
    }
}
