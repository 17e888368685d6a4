//! Seams between tool sets and the modules that render, validate and build requests.
//!
//! Tool sets and the registry need three services they do not own: rendering a tool for a
//! provider ([`crate::render`]), checking arguments against a canonical schema
//! ([`crate::validate`]) and mapping checked arguments to an HTTP request ([`crate::request`]).
//! They reach them only through the traits here, so the registry can be tested with small
//! stand-ins and so generated tool sets can bring their own pre-rendered or typed versions.
//!
//! The crate's own implementations ([`CrateRenderer`], [`CrateBackend`]) call
//! `crate::render::render`, `crate::validate::Validator` and `crate::request::build_request`.

use serde_json::{Map, Value};

use crate::manifest::ToolManifest;

pub use crate::render::Provider;
pub use crate::request::{HttpRequest, RequestBody};
pub use crate::validate::{ArgErrors, ArgProblem};

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
pub use wiring::{CrateBackend, CrateRenderer};

impl super::DynamicToolSet {
    /// A tool set for `manifest` with the crate's validator and request builder.
    pub fn new(manifest: crate::manifest::Manifest) -> Self {
        Self::with_backend(manifest, std::sync::Arc::new(CrateBackend))
    }
}
