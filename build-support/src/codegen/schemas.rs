//! Provider tool definitions rendered at generation time and embedded as static JSON.
//!
//! The renderers live in the runtime (runtime-loaded tools need them too); the generator only
//! calls one per tool and groups the results per provider, so a generated tool set hands a
//! provider its tool list without any work at run time.

use openapi_tools_runtime::manifest::{Manifest, ToolManifest};
use openapi_tools_runtime::render::{Provider, RenderOptions, ToolDef, render};
use serde_json::Value;

use crate::diagnostics::Diagnostics;

/// Renders one tool for each provider: `(provider name, that provider's tool definition)`.
pub type RenderFn = fn(&ToolManifest) -> Vec<(&'static str, Value)>;

/// The default renderer: every provider of the runtime ([`Provider::ALL`]), default options.
pub fn render_providers(tool: &ToolManifest) -> Vec<(&'static str, Value)> {
    let def = ToolDef::from(tool);
    Provider::ALL
        .iter()
        .map(|p| (p.as_str(), render(*p, &def, &RenderOptions::default()).tool))
        .collect()
}

/// `(provider, JSON array of every tool's definition)`, providers in first-rendered order.
pub fn render_all(
    manifest: &Manifest,
    render: RenderFn,
    diags: &mut Diagnostics,
) -> Vec<(String, String)> {
    let mut groups: Vec<(&'static str, Vec<Value>)> = Vec::new();
    for tool in &manifest.tools {
        for (provider, def) in render(tool) {
            match groups.iter_mut().find(|(p, _)| *p == provider) {
                Some((_, defs)) => defs.push(def),
                None => groups.push((provider, vec![def])),
            }
        }
    }
    groups
        .into_iter()
        .filter_map(|(provider, defs)| match serde_json::to_string(&defs) {
            Ok(json) => Some((provider.to_string(), json)),
            Err(e) => {
                diags.error(
                    "",
                    format!("cannot serialise the {provider} tool definitions: {e}"),
                );
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake(tool: &ToolManifest) -> Vec<(&'static str, Value)> {
        vec![
            ("a", serde_json::json!({"name": tool.name})),
            ("b", serde_json::json!(tool.name.len())),
        ]
    }

    #[test]
    fn groups_definitions_per_provider_in_tool_order() {
        let manifest: Manifest = serde_json::from_value(serde_json::json!({
            "title": "t", "version": "1", "source_hash": "",
            "tools": [
                {"name": "x", "method": "GET", "path": "/", "description": "", "params": [],
                 "input_schema": {}, "schema_hash": ""},
                {"name": "yy", "method": "GET", "path": "/", "description": "", "params": [],
                 "input_schema": {}, "schema_hash": ""}
            ]
        }))
        .unwrap();
        let mut diags = Diagnostics::new();
        let got = render_all(&manifest, fake, &mut diags);
        assert_eq!(
            got,
            vec![
                (
                    "a".to_string(),
                    r#"[{"name":"x"},{"name":"yy"}]"#.to_string()
                ),
                ("b".to_string(), "[1,2]".to_string()),
            ]
        );
        assert!(diags.is_empty());
        let all = render_all(&manifest, render_providers, &mut diags);
        let names: Vec<&str> = all.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            names,
            [
                "openai-chat",
                "openai-responses",
                "anthropic",
                "gemini",
                "mcp"
            ]
        );
    }
}
