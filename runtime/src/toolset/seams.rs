//! Seams between tool sets and the modules that render, validate and build requests.
//!
//! Tool sets and the registry need three services they do not own: rendering a tool for a
//! provider ([`crate::render`]), checking arguments against a canonical schema
//! ([`crate::validate`]) and mapping checked arguments to an HTTP request ([`crate::request`]).
//! They reach them only through the traits here, so the registry can be tested with small
//! stand-ins and so generated tool sets can bring their own pre-rendered or typed versions.
//!
//! # Wiring (done once, when the render / validate / request modules land)
//! The block marked `SEAM-TYPES` below holds contract-shaped stand-ins for the types those
//! modules own (`Provider`, `ArgProblem`, `ArgErrors`, `HttpRequest`, `RequestBody`). Replace it
//! with re-exports of the real types, and enable the `SEAM-WIRING` block (remove its
//! `#[cfg(any())]`), which implements the traits with the real functions:
//! `crate::render::render`, `crate::validate::Validator` and `crate::request::build_request`.

use serde_json::{Map, Value};

use crate::manifest::ToolManifest;

// ---- SEAM-TYPES: replace this block with
// pub use crate::render::Provider;
// pub use crate::request::{HttpRequest, RequestBody};
// pub use crate::validate::{ArgErrors, ArgProblem};
// ----

/// Stand-in for `crate::render::Provider` (same variants and `ALL`; see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// OpenAI Chat Completions `tools[]`.
    OpenAiChat,
    /// OpenAI Responses `tools[]`.
    OpenAiResponses,
    /// Anthropic Messages `tools[]`.
    Anthropic,
    /// Gemini `functionDeclarations[]`.
    Gemini,
    /// MCP `tools/list` entries.
    Mcp,
}

impl Provider {
    /// Every provider, in a fixed order.
    pub const ALL: [Provider; 5] = [
        Provider::OpenAiChat,
        Provider::OpenAiResponses,
        Provider::Anthropic,
        Provider::Gemini,
        Provider::Mcp,
    ];
}

/// Stand-in for `crate::validate::ArgProblem`: one problem with one argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgProblem {
    /// JSON pointer of the offending value inside the arguments (`/limit`, `""` for the root).
    pub pointer: String,
    /// What is wrong, for the model to fix.
    pub message: String,
}

/// Stand-in for `crate::validate::ArgErrors`: every problem found in one call's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgErrors {
    /// The tool the arguments were meant for.
    pub tool: String,
    /// All problems, in schema order.
    pub problems: Vec<ArgProblem>,
}

/// Stand-in for `crate::request::HttpRequest`.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// HTTP method.
    pub method: crate::manifest::HttpMethod,
    /// Encoded path, without the query.
    pub path: String,
    /// Percent-encoded query pairs.
    pub query: Vec<(String, String)>,
    /// Header pairs.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<RequestBody>,
}

/// Stand-in for `crate::request::RequestBody` (only the JSON form is used here).
#[derive(Debug, Clone, PartialEq)]
pub enum RequestBody {
    /// A JSON body.
    Json(Value),
}
// ---- end SEAM-TYPES

/// Renders one tool for one provider, as JSON.
///
/// `name` is the name the model sees, which differs from [`ToolManifest::name`] when the
/// registry installs a tool set under a namespace; the renderer must use it in place of the
/// manifest's name.
pub trait Renderer: Send + Sync + 'static {
    /// The tool's provider-shaped declaration.
    fn render(&self, provider: Provider, tool: &ToolManifest, name: &str) -> Value;
}

/// Arguments checker compiled once from one tool's canonical input schema.
pub trait ArgsChecker: Send + Sync + 'static {
    /// Every problem with `args`; empty when they are valid.
    fn check(&self, args: &Value) -> Vec<ArgProblem>;
}

/// What a runtime-loaded tool set needs per tool: a compiled checker and a request builder.
pub trait ToolBackend: Send + Sync + 'static {
    /// Compiles a checker for `tool`'s input schema (called once per distinct schema).
    fn checker(&self, tool: &ToolManifest) -> Box<dyn ArgsChecker>;
    /// Maps checked arguments to the HTTP request (styles, encoding, headers).
    fn build_request(
        &self,
        tool: &ToolManifest,
        args: &Map<String, Value>,
    ) -> Result<HttpRequest, Vec<ArgProblem>>;
}

// ---- SEAM-WIRING: remove the `#[cfg(any())]` below once render/validate/request exist.
#[cfg(any())]
mod wiring {
    use super::*;

    /// The crate's renderers ([`crate::render::render`]) with fixed options.
    #[derive(Debug, Clone, Default)]
    pub struct CrateRenderer {
        /// Options passed to every render.
        pub options: crate::render::RenderOptions,
    }

    impl Renderer for CrateRenderer {
        fn render(&self, provider: Provider, tool: &ToolManifest, name: &str) -> Value {
            let mut def = crate::render::ToolDef::from(tool);
            def.name = name;
            crate::render::render(provider, &def, &self.options).tool
        }
    }

    impl ArgsChecker for crate::validate::Validator {
        fn check(&self, args: &Value) -> Vec<ArgProblem> {
            self.validate(args)
        }
    }

    /// The crate's validator and request builder.
    #[derive(Debug, Clone, Copy, Default)]
    pub struct CrateBackend;

    impl ToolBackend for CrateBackend {
        fn checker(&self, tool: &ToolManifest) -> Box<dyn ArgsChecker> {
            Box::new(crate::validate::Validator::new(&tool.input_schema))
        }
        fn build_request(
            &self,
            tool: &ToolManifest,
            args: &Map<String, Value>,
        ) -> Result<HttpRequest, Vec<ArgProblem>> {
            crate::request::build_request(tool, args)
        }
    }
}
#[cfg(any())]
pub use wiring::{CrateBackend, CrateRenderer};

#[cfg(any())]
impl super::DynamicToolSet {
    /// A tool set for `manifest` with the crate's validator and request builder.
    pub fn new(manifest: crate::manifest::Manifest) -> Self {
        Self::with_backend(manifest, std::sync::Arc::new(CrateBackend))
    }
}
// ---- end SEAM-WIRING
