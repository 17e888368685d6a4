//! What the provider renderers changed, as diagnostics: why a tool lost strict mode, what a
//! lowering dropped or moved into a description.
//!
//! The renderers (in the runtime, which generated code links) report these as
//! [`Rendered::notes`](openapi_tools_runtime::render::Rendered::notes), one sentence each that
//! starts with the JSON pointer inside the tool's input schema when there is one. This module
//! turns them into the one [`Diagnostic`] type, naming the tool, the provider and the operation
//! in the spec, so `openapi-tools check` can explain them next to the spec's own problems.

use openapi_tools_runtime::manifest::{Manifest, ToolManifest};
use openapi_tools_runtime::pointer;
use openapi_tools_runtime::render::{self, Provider, RenderOptions, ToolDef};

use crate::diagnostics::{Code, Diagnostic, Diagnostics};

/// The prefix the renderers give a note saying why strict mode was not possible.
const STRICT_LOST: &str = "strict mode not possible: ";

/// Renders every tool for every provider and returns each note as a diagnostic: lost strict
/// mode as a warning ([`Code::StrictModeLost`]), other changes as info ([`Code::RenderNote`]).
/// A note shared by both OpenAI shapes is reported once, under `openai`.
///
/// ```
/// use openapi_tools_build::{Code, render_notes};
/// use openapi_tools_runtime::manifest::Manifest;
/// use openapi_tools_runtime::render::RenderOptions;
///
/// let manifest: Manifest = serde_json::from_value(serde_json::json!({
///     "title": "t", "version": "1", "openapi": "3.1.0", "source_hash": "",
///     "tools": [{"name": "find", "method": "GET", "path": "/find", "description": "Find.",
///         "params": [], "schema_hash": "",
///         "input_schema": {"type": "object", "properties": {
///             "q": {"type": "string", "not": {"const": "x"}}}}}]
/// })).unwrap();
/// let notes = render_notes::explain(&manifest, &RenderOptions::default());
/// let lost = notes.iter().find(|d| d.code == Some(Code::StrictModeLost)).unwrap();
/// assert_eq!(lost.pointer, "/paths/~1find/get");
/// assert_eq!(lost.operation.as_deref(), Some("find"));
/// assert!(lost.message.starts_with("openai: strict mode not possible: /properties/q"));
/// ```
pub fn explain(manifest: &Manifest, opts: &RenderOptions) -> Diagnostics {
    let mut out = Diagnostics::new();
    for tool in &manifest.tools {
        let def = ToolDef::from(tool);
        let mut seen: Vec<String> = Vec::new();
        for provider in Provider::ALL {
            let label = match provider {
                Provider::OpenAiChat | Provider::OpenAiResponses => "openai",
                other => other.as_str(),
            };
            for note in render::render(provider, &def, opts).notes {
                let text = format!("{label}: {note}");
                if seen.contains(&text) {
                    continue;
                }
                out.push(diagnostic(tool, &text, &note));
                seen.push(text);
            }
        }
    }
    out
}

/// One note as a diagnostic at the operation of `tool`.
fn diagnostic(tool: &ToolManifest, text: &str, note: &str) -> Diagnostic {
    let at = format!(
        "{}/{}",
        pointer::join("/paths", &tool.path),
        tool.method.as_str().to_ascii_lowercase()
    );
    let d =
        if note.starts_with(STRICT_LOST) {
            Diagnostic::warning(at, text).with_code(Code::StrictModeLost).with_hint(
            "the tool is sent without constrained decoding: the model may send arguments the \
             validator rejects (they are reported back to it)",
        )
        } else {
            Diagnostic::info(at, text).with_code(Code::RenderNote)
        };
    d.with_operation(&tool.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ModelOptions;
    use crate::pipeline;

    #[test]
    fn strict_mode_loss_and_gemini_drops_are_explained() {
        let spec = r#"
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /items/{id}:
    put:
      operationId: putItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                tag: {type: string, not: {const: forbidden}}
                size: {type: [integer, string]}
                code: {type: string, anyOf: [{minLength: 2}, {pattern: "^x"}]}
"#;
        let out = pipeline::manifest_from_str(spec, "t.yaml", &ModelOptions::default());
        let manifest = out.manifest.expect("manifest");
        let notes = explain(&manifest, &RenderOptions::default());
        let lost: Vec<&Diagnostic> = notes
            .iter()
            .filter(|d| d.code == Some(Code::StrictModeLost))
            .collect();
        // One diagnostic per reason strict mode is lost (`not`, and the typed `anyOf` of `code`).
        assert_eq!(lost.len(), 4, "{notes:#?}");
        let d = lost
            .iter()
            .find(|d| d.message.contains("/properties/tag"))
            .expect("the `not` of `tag` is explained");
        assert!(
            d.message.starts_with("openai: strict mode not possible: "),
            "{d}"
        );
        assert!(d.message.contains("`not`"), "{d}");
        assert_eq!(d.pointer, "/paths/~1items~1{id}/put");
        assert_eq!(d.operation.as_deref(), Some("put_item"));
        assert!(!d.is_error());
        assert!(
            notes
                .iter()
                .any(|d| d.code == Some(Code::RenderNote) && d.message.starts_with("gemini: ")),
            "{notes:#?}"
        );
        assert_eq!(notes.error_count(), 0);
    }
}
