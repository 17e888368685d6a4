//! Pre-rendered provider declarations of one tool, serialised once.
//!
//! Exporting tools happens on every model request, so each tool's declaration for each provider
//! is rendered and serialised when the tool set is installed, and kept as raw JSON text. A tool
//! that did not change between two versions keeps the same [`RenderedTool`] allocation, so
//! history costs nothing for it.

use std::sync::Arc;

use serde_json::value::RawValue;

use super::seams::{Provider, Renderer};
use crate::manifest::{HttpMethod, ToolManifest};

/// One tool's declaration for every provider, as serialised JSON.
#[derive(Debug)]
pub struct RenderedTool {
    name: String,
    fingerprint: Fingerprint,
    pieces: Vec<(Provider, Arc<RawValue>)>,
}

/// Everything a renderer may read from a tool besides its name: two tools with equal
/// fingerprints and names render identically.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Fingerprint {
    summary: Option<String>,
    description: String,
    method: HttpMethod,
    deprecated: bool,
    schema_hash: String,
}

impl Fingerprint {
    fn of(tool: &ToolManifest) -> Self {
        Fingerprint {
            summary: tool.summary.clone(),
            description: tool.description.clone(),
            method: tool.method,
            deprecated: tool.deprecated,
            schema_hash: tool.schema_hash.clone(),
        }
    }

    fn matches(&self, tool: &ToolManifest) -> bool {
        self.schema_hash == tool.schema_hash
            && self.description == tool.description
            && self.summary == tool.summary
            && self.method == tool.method
            && self.deprecated == tool.deprecated
    }
}

impl RenderedTool {
    /// The name the declarations carry (the exported, possibly namespaced name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The serialised declaration for `provider`.
    pub fn get(&self, provider: Provider) -> Option<&Arc<RawValue>> {
        self.pieces
            .iter()
            .find(|(p, _)| *p == provider)
            .map(|(_, raw)| raw)
    }

    /// Whether this rendering is still valid for `tool` exported as `name`, so it can be
    /// shared instead of rendered again. Relies on [`ToolManifest::schema_hash`] being the hash
    /// of the tool's input schema, as the manifest promises.
    pub fn is_for(&self, tool: &ToolManifest, name: &str) -> bool {
        self.name == name && self.fingerprint.matches(tool)
    }
}

/// Renders `tool` (exported as `name`) for every provider and serialises each declaration.
///
/// `reuse` is consulted first: when it was rendered for an identical tool under the same name,
/// it is returned as is (same allocation).
pub fn prerender(
    renderer: &dyn Renderer,
    tool: &ToolManifest,
    name: &str,
    reuse: Option<&Arc<RenderedTool>>,
) -> Result<Arc<RenderedTool>, serde_json::Error> {
    if let Some(old) = reuse.filter(|old| old.is_for(tool, name)) {
        return Ok(Arc::clone(old));
    }
    let mut pieces = Vec::with_capacity(Provider::ALL.len());
    for provider in Provider::ALL {
        let value = renderer.render(provider, tool, name);
        let raw = serde_json::value::to_raw_value(&value)?;
        pieces.push((provider, Arc::from(raw)));
    }
    Ok(Arc::new(RenderedTool {
        name: name.to_owned(),
        fingerprint: Fingerprint::of(tool),
        pieces,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toolset::testing::{TestRenderer, tool};

    #[test]
    fn renders_every_provider_once_with_the_exported_name() {
        let t = tool("list_pets", "v1", &["limit"], &[]);
        let r = prerender(&TestRenderer, &t, "ns_list_pets", None).unwrap();
        for p in Provider::ALL {
            let v: serde_json::Value = serde_json::from_str(r.get(p).unwrap().get()).unwrap();
            assert_eq!(v["name"], "ns_list_pets");
            assert_eq!(v["provider"], format!("{p:?}"));
        }
    }

    #[test]
    fn identical_tool_reuses_the_allocation_and_changes_do_not() {
        let t = tool("list_pets", "v1", &["limit"], &[]);
        let first = prerender(&TestRenderer, &t, "list_pets", None).unwrap();
        let again = prerender(&TestRenderer, &t, "list_pets", Some(&first)).unwrap();
        assert!(Arc::ptr_eq(&first, &again));

        let renamed = prerender(&TestRenderer, &t, "x_list_pets", Some(&first)).unwrap();
        assert!(!Arc::ptr_eq(&first, &renamed));

        let mut described = t.clone();
        described.description.push_str(" More.");
        let d = prerender(&TestRenderer, &described, "list_pets", Some(&first)).unwrap();
        assert!(!Arc::ptr_eq(&first, &d));

        let schema = tool("list_pets", "v1", &["limit", "offset"], &[]);
        let s = prerender(&TestRenderer, &schema, "list_pets", Some(&first)).unwrap();
        assert!(!Arc::ptr_eq(&first, &s));
    }
}
