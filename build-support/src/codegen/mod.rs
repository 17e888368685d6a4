//! Manifest -> Rust tokens: typed argument structs, checks, request mapping, dispatch.
//!
//! One generator for the three front-ends (macro, build.rs, CLI); they differ only in what they
//! do with the [`proc_macro2::TokenStream`] ([`generate`]) or the formatted text
//! ([`generate_pretty`], for build.rs and the CLI; the macro path never re-parses or formats).
//!
//! # What is generated
//! - Per tool an args struct (`ListPetsArgs`) whose fields carry the **tool-facing** names (what
//!   the model sends); wire names are applied by `build_request` from the embedded manifest.
//!   Types convert from and to `serde_json::Value` with generated plain functions rather than
//!   serde derives (see `codegen/json.rs`: derives dominated the compile time of big specs);
//!   they still implement `Deserialize` and `Serialize`.
//! - One shared type per component schema (`$defs` entry) across the tool set; nested types for
//!   inline object schemas, string enums and unions (identical inline types of different tools
//!   are shared too). See [`lower`] for the schema rules and [`names`] for identifiers.
//! - A `ToolArgs` trait (parse, parse from value, request) implemented by each args struct, a
//!   `Call` enum dispatching a (tool name, arguments) pair to the right struct, and a tool-set
//!   struct (`Tools` by default) implementing the runtime's `ToolSet` with the manifest embedded
//!   as a JSON string (parsed once) and each provider's tool definitions pre-rendered as static
//!   JSON strings.
//!
//! # Parsing: fast path and slow path
//! Valid arguments are the common case and cost a parse into `serde_json::Value` plus a
//! conversion:
//! 1. **Fast path**: the text is parsed to a `Value` (the runtime's `parse_args`), converted into
//!    the args struct (`__FromJson`), then the generated `__check` methods test what the types
//!    cannot express (lengths, bounds, `multipleOf`, patterns compiled once per tool set, formats
//!    via the runtime's `formats::check`, item counts, uniqueness). `additionalProperties: false`
//!    rejects unknown keys, `required` is a non-`Option` field, string enums are Rust enums: the
//!    conversion itself fails on those violations.
//! 2. **Slow path**, only when step 1 fails: run the runtime `Validator` compiled from the tool's
//!    canonical schema (once, lazily, per tool) on the same `Value`, and return *every* problem
//!    with its JSON pointer. The messages are therefore exactly those of runtime-loaded tools.
//!    If the validator finds nothing (a check was conservative), the converted value is returned.
//!
//! The generated checks may say "no" to a valid value (that only costs the slow path) but never
//! "yes" to an invalid one: constructs the checks do not cover (`not`, unmerged `allOf`,
//! overlapping `oneOf` members, unknown keywords, multi-type values) check as `false`, so the
//! validator always decides them.
//!
//! Optional properties are `Option<T>` and accept `null` as absent; optional *nullable*
//! properties are `Option<Option<T>>` so an explicit `null` (e.g. "clear the milestone") reaches
//! the request; required nullable properties are `Option<T>` that must be present. Unknown
//! properties of objects without `additionalProperties` are accepted and dropped.
//!
//! # Dependencies of generated code
//! The paths in [`CodegenSettings`]: the runtime, `serde`, `serde_json` and (only when a schema
//! has a `pattern`) `regex`.

// The generator's stages are internal. The API is `generate`, `generate_pretty`,
// `CodegenSettings`, `Generated` and the renderer hook re-exported below. `ir` and `lower` stay
// reachable (hidden from the docs, not an API, may change in any release) for one reason: the
// integration test `tests/body_alternatives.rs` asserts on the lowered checks of a body.
pub(crate) mod checks;
pub(crate) mod emit;
#[doc(hidden)]
pub mod ir;
pub(crate) mod json;
#[doc(hidden)]
pub mod lower;
pub(crate) mod names;
pub(crate) mod schemas;
pub(crate) mod toolset;

use std::collections::HashSet;

use openapi_tools_runtime::manifest::Manifest;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::diagnostics::{Diagnostic, Diagnostics};

pub use schemas::{RenderFn, render_providers};

/// Settings of the code generator (shared by the macro, build.rs and the CLI).
#[derive(Clone)]
pub struct CodegenSettings {
    /// Path of the runtime crate in generated code (`::openapi_tools::runtime`).
    pub runtime_path: syn::Path,
    /// Path of `serde` (`::serde`), for the `Deserialize` and `Serialize` impls.
    pub serde_path: syn::Path,
    /// Path of `serde_json` (`::serde_json`).
    pub serde_json_path: syn::Path,
    /// Path of `regex` (`::regex`), used only when a schema has a `pattern`.
    pub regex_path: syn::Path,
    /// Wrap everything in `pub mod <name> { ... }` (recommended when a crate has several tool
    /// sets: the helper items of two tool sets would clash in one module).
    pub module_name: Option<String>,
    /// Name of the tool-set struct (`Tools`).
    pub toolset_name: String,
    /// Renders one tool for each provider at generation time (default: [`render_providers`],
    /// every provider of the runtime); `None` embeds no provider schemas.
    pub renderer: Option<RenderFn>,
}

impl Default for CodegenSettings {
    fn default() -> Self {
        CodegenSettings {
            runtime_path: syn::parse_quote!(::openapi_tools::runtime),
            serde_path: syn::parse_quote!(::serde),
            serde_json_path: syn::parse_quote!(::serde_json),
            regex_path: syn::parse_quote!(::regex),
            module_name: None,
            toolset_name: "Tools".to_string(),
            renderer: Some(schemas::render_providers),
        }
    }
}

impl std::fmt::Debug for CodegenSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodegenSettings")
            .field("runtime_path", &path_string(&self.runtime_path))
            .field("serde_path", &path_string(&self.serde_path))
            .field("serde_json_path", &path_string(&self.serde_json_path))
            .field("regex_path", &path_string(&self.regex_path))
            .field("module_name", &self.module_name)
            .field("toolset_name", &self.toolset_name)
            .field("renderer", &self.renderer.is_some())
            .finish()
    }
}

/// Generated code plus the warnings met on the way.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The items.
    pub tokens: TokenStream,
    /// Warnings (skipped tools, types degraded to `serde_json::Value`, ...).
    pub warnings: Diagnostics,
}

/// Crate paths as tokens, resolved once.
pub struct Paths {
    /// The runtime.
    pub rt: TokenStream,
    /// serde.
    pub serde: TokenStream,
    /// serde_json.
    pub json: TokenStream,
    /// regex.
    pub regex: TokenStream,
}

impl Paths {
    fn new(s: &CodegenSettings) -> Self {
        Paths {
            rt: s.runtime_path.to_token_stream(),
            serde: s.serde_path.to_token_stream(),
            json: s.serde_json_path.to_token_stream(),
            regex: s.regex_path.to_token_stream(),
        }
    }
}

fn path_string(p: &syn::Path) -> String {
    let mut out = String::new();
    if p.leading_colon.is_some() {
        out.push_str("::");
    }
    let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
    out.push_str(&segs.join("::"));
    out
}

/// Prelude traits whose methods generated code calls: a generated type of that name would take
/// the trait out of scope, so these names are claimed before any schema's.
const PRELUDE_TRAITS: &[&str] = &[
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "FromIterator",
    "ToString",
    "ToOwned",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "Clone",
    "Copy",
    "Default",
    "Drop",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Fn",
    "FnMut",
    "FnOnce",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
];

/// Generates the tool-set code for `manifest`.
///
/// Tools whose schema cannot be used (not an object, a dangling `$ref`) or whose name repeats an
/// earlier tool's are skipped with a warning; errors are returned only when no code can be
/// produced.
///
/// ```
/// use openapi_tools_build::codegen::{generate, CodegenSettings};
/// use openapi_tools_runtime::manifest::Manifest;
///
/// let manifest: Manifest = serde_json::from_value(serde_json::json!({
///     "title": "t", "version": "1", "source_hash": "",
///     "tools": [{
///         "name": "list_pets", "method": "GET", "path": "/pets", "description": "List pets.",
///         "params": [{"name": "limit", "wire_name": "limit", "in": "query"}],
///         "input_schema": {"type": "object", "additionalProperties": false,
///             "properties": {"limit": {"type": "integer", "minimum": 1, "maximum": 100}}},
///         "schema_hash": ""
///     }]
/// })).unwrap();
/// let code = generate(&manifest, &CodegenSettings::default()).unwrap();
/// assert!(code.tokens.to_string().contains("pub struct ListPetsArgs"));
/// ```
pub fn generate(manifest: &Manifest, settings: &CodegenSettings) -> Result<Generated, Diagnostics> {
    let mut diags = Diagnostics::new();
    let toolset_ident = names::type_ident(&settings.toolset_name);
    if toolset_ident != settings.toolset_name {
        diags.error(
            "",
            format!(
                "tool-set name `{}` is not a PascalCase identifier (try `{toolset_ident}`)",
                settings.toolset_name
            ),
        );
    }
    let module = match &settings.module_name {
        Some(m) => match syn::parse_str::<syn::Ident>(m) {
            Ok(ident) => Some(ident),
            Err(_) => {
                diags.error("", format!("module name `{m}` is not a Rust identifier"));
                None
            }
        },
        None => None,
    };
    if diags.has_errors() {
        return Err(diags);
    }

    // Repeated tool names cannot both be dispatched: keep the first.
    let mut seen = HashSet::new();
    let mut unique = manifest.clone();
    unique.tools.clear();
    for (i, tool) in manifest.tools.iter().enumerate() {
        if seen.insert(tool.name.as_str()) {
            unique.tools.push(tool.clone());
        } else {
            diags.push(
                Diagnostic::warning(
                    format!("/tools/{i}/name"),
                    format!(
                        "tool name `{}` is used twice; the second tool is skipped",
                        tool.name
                    ),
                )
                .with_operation(&tool.name),
            );
        }
    }

    let mut reserved: Vec<&str> = vec![toolset_ident.as_str(), "Call", "ToolArgs"];
    reserved.extend_from_slice(PRELUDE_TRAITS);
    let (lowered, lower_diags) = lower::Lowerer::run(&unique, &reserved);
    diags.extend(lower_diags);
    if diags.has_errors() {
        return Err(diags);
    }

    let mut embedded = unique.clone();
    embedded.tools = lowered
        .tools
        .iter()
        .filter_map(|t| unique.tools.get(t.manifest_index).cloned())
        .collect();
    let manifest_json = match serde_json::to_string(&embedded) {
        Ok(s) => s,
        Err(e) => {
            diags.error("", format!("cannot serialise the manifest: {e}"));
            return Err(diags);
        }
    };
    let schemas = match settings.renderer {
        Some(render) => schemas::render_all(&embedded, render, &mut diags),
        None => Vec::new(),
    };
    if diags.has_errors() {
        return Err(diags);
    }

    let paths = Paths::new(settings);
    let em = emit::Emitter::new(&lowered, &paths);
    let tools = lowered
        .tools
        .iter()
        .filter_map(|t| {
            let tool = unique.tools.get(t.manifest_index)?;
            let args = lowered.types.get(t.args)?.name.clone();
            Some((tool.name.clone(), args, t.variant.clone()))
        })
        .collect();
    let shared = json::shared(&paths);
    let types = em.types();
    let set = toolset::emit(
        &em,
        &toolset::ToolSetInput {
            manifest_json: &manifest_json,
            tools,
            schemas: &schemas,
            toolset_name: &toolset_ident,
        },
    );
    let doc = format!(
        " Tools generated by openapi-tools from `{}` {} ({} tools).",
        manifest.title,
        manifest.version,
        embedded.tools.len()
    );
    let tokens = match module {
        Some(m) => quote! {
            #[doc = #doc]
            pub mod #m {
                #shared
                #types
                #set
            }
        },
        None => quote!(#shared #types #set),
    };
    Ok(Generated {
        tokens,
        warnings: diags,
    })
}

/// Formats generated items with prettyplease; `Err` when they do not parse (a generator bug).
pub fn format_tokens(tokens: TokenStream) -> Result<String, syn::Error> {
    syn::parse2::<syn::File>(tokens).map(|file| prettyplease::unparse(&file))
}

/// [`generate`], formatted with prettyplease (for build.rs output and the CLI).
pub fn generate_pretty(
    manifest: &Manifest,
    settings: &CodegenSettings,
) -> Result<(String, Diagnostics), Diagnostics> {
    let generated = generate(manifest, settings)?;
    match format_tokens(generated.tokens) {
        Ok(text) => Ok((text, generated.warnings)),
        Err(e) => {
            let mut diags = generated.warnings;
            diags.error(
                "",
                format!("internal error: generated code does not parse: {e}"),
            );
            Err(diags)
        }
    }
}
