//! Provider declarations of one tool, serialised once and kept.
//!
//! Exporting tools happens on every model request, so each tool's declaration for a provider is
//! rendered and serialised once and kept as raw JSON text. The providers a registry names in
//! [`RegistryConfig::prerender`](crate::registry::RegistryConfig::prerender) are rendered when
//! the tool set is installed; any other provider is rendered the first time it is asked for
//! ([`RenderedTool::get_or_render`]) and kept from then on. Rendering is a pure function of the
//! tool (its [`Fingerprint`]) and its exported name, so a declaration rendered late is the one
//! an install would have rendered: what a snapshot exports does not depend on when it is asked.
//!
//! A tool that did not change between two versions keeps the same [`RenderedTool`] allocation
//! (with whatever it has rendered so far), so history costs nothing for it.

use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::value::RawValue;

use crate::manifest::{HttpMethod, ToolManifest};
use crate::render::Provider;

/// A set of providers (which declarations to render when a tool set is installed).
///
/// ```
/// use openapi_tools_runtime::render::Provider;
/// use openapi_tools_runtime::toolset::Providers;
/// let mcp = Providers::only(Provider::Mcp);
/// assert!(mcp.contains(Provider::Mcp) && !mcp.contains(Provider::Gemini));
/// assert!(Providers::ALL.contains(Provider::Gemini));
/// assert!(Providers::NONE.with(Provider::Anthropic).contains(Provider::Anthropic));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Providers(u8);

impl Providers {
    /// Every provider of [`Provider::ALL`].
    pub const ALL: Providers = Providers((1 << Provider::ALL.len()) - 1);
    /// No provider: everything is rendered on first use.
    pub const NONE: Providers = Providers(0);

    /// Just `provider`.
    pub const fn only(provider: Provider) -> Self {
        Providers(1 << slot(provider))
    }

    /// This set and `provider`.
    pub const fn with(self, provider: Provider) -> Self {
        Providers(self.0 | 1 << slot(provider))
    }

    /// Whether `provider` is in the set.
    pub const fn contains(self, provider: Provider) -> bool {
        self.0 & (1 << slot(provider)) != 0
    }

    /// The providers in the set, in [`Provider::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Provider> {
        Provider::ALL.into_iter().filter(move |p| self.contains(*p))
    }
}

impl Default for Providers {
    /// [`Providers::ALL`].
    fn default() -> Self {
        Providers::ALL
    }
}

impl fmt::Debug for Providers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(Provider::as_str))
            .finish()
    }
}

/// Where `provider` sits in [`Provider::ALL`] (and in a [`RenderedTool`]'s slots).
const fn slot(provider: Provider) -> usize {
    match provider {
        Provider::OpenAiChat => 0,
        Provider::OpenAiResponses => 1,
        Provider::Anthropic => 2,
        Provider::Gemini => 3,
        Provider::Mcp => 4,
    }
}

/// One tool's declarations, per provider, as serialised JSON (each rendered at most once).
#[derive(Debug)]
pub struct RenderedTool {
    name: String,
    fingerprint: Fingerprint,
    pieces: [OnceLock<Arc<RawValue>>; Provider::ALL.len()],
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

    /// The serialised declaration for `provider`, if it has been rendered (at install for the
    /// registry's [`prerender`](crate::registry::RegistryConfig::prerender) providers, else by
    /// an earlier [`RenderedTool::get_or_render`]).
    pub fn get(&self, provider: Provider) -> Option<&Arc<RawValue>> {
        self.pieces.get(slot(provider)).and_then(OnceLock::get)
    }

    /// The serialised declaration for `provider`, rendered now from `tool` if it was not yet,
    /// and kept. `tool` must be the tool this rendering is for
    /// ([`RenderedTool::is_for`]); the registry passes the manifest entry of the version being
    /// read, which any version sharing this allocation has identical.
    ///
    /// Only serialisation can fail, and a `serde_json::Value` always serialises; the error is
    /// passed on all the same.
    pub fn get_or_render(
        &self,
        provider: Provider,
        tool: &ToolManifest,
    ) -> Result<&Arc<RawValue>, serde_json::Error> {
        let cell = &self.pieces[slot(provider)];
        if let Some(raw) = cell.get() {
            return Ok(raw);
        }
        let raw = render_one(provider, tool, &self.name)?;
        // Two threads may render at once; both produce the same text and the first one kept
        // wins.
        Ok(cell.get_or_init(|| raw))
    }

    /// About how many bytes this tool's renderings hold (the serialised declarations rendered
    /// so far, the name and what is compared on re-installs).
    pub fn approximate_size(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.name.capacity()
            + self
                .fingerprint
                .summary
                .as_ref()
                .map_or(0, String::capacity)
            + self.fingerprint.description.capacity()
            + self.fingerprint.schema_hash.capacity()
            + self
                .pieces
                .iter()
                .filter_map(OnceLock::get)
                .map(|raw| raw.get().len() + 2 * std::mem::size_of::<usize>())
                .sum::<usize>()
    }

    /// Whether this rendering is still valid for `tool` exported as `name`, so it can be
    /// shared instead of rendered again. Relies on [`ToolManifest::schema_hash`] being the hash
    /// of the tool's input schema, as the manifest promises.
    pub fn is_for(&self, tool: &ToolManifest, name: &str) -> bool {
        self.name == name && self.fingerprint.matches(tool)
    }
}

/// `tool`'s declaration for `provider` under the exported `name` (which differs from
/// [`ToolManifest::name`] when the registry installs the set under a namespace), serialised.
fn render_one(
    provider: Provider,
    tool: &ToolManifest,
    name: &str,
) -> Result<Arc<RawValue>, serde_json::Error> {
    let mut def = crate::render::ToolDef::from(tool);
    def.name = name;
    let value =
        crate::render::render(provider, &def, &crate::render::RenderOptions::default()).tool;
    serde_json::value::to_raw_value(&value).map(Arc::from)
}

/// Renders `tool` (exported as `name`) for the `providers` and serialises each declaration;
/// other providers are rendered on first use ([`RenderedTool::get_or_render`]).
///
/// `reuse` is consulted first: when it was rendered for an identical tool under the same name,
/// it is returned as is (same allocation), with the `providers` it lacks rendered into it.
pub fn prerender(
    tool: &ToolManifest,
    name: &str,
    reuse: Option<&Arc<RenderedTool>>,
    providers: Providers,
) -> Result<Arc<RenderedTool>, serde_json::Error> {
    let rendered = match reuse.filter(|old| old.is_for(tool, name)) {
        Some(old) => Arc::clone(old),
        None => Arc::new(RenderedTool {
            name: name.to_owned(),
            fingerprint: Fingerprint::of(tool),
            pieces: Default::default(),
        }),
    };
    for provider in providers.iter() {
        rendered.get_or_render(provider, tool)?;
    }
    Ok(rendered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toolset::testing::tool;

    #[test]
    fn renders_every_provider_once_with_the_exported_name() {
        let t = tool("list_pets", "v1", &["limit"], &[]);
        let r = prerender(&t, "ns_list_pets", None, Providers::ALL).unwrap();
        for p in Provider::ALL {
            let v: serde_json::Value = serde_json::from_str(r.get(p).unwrap().get()).unwrap();
            let name = match p {
                Provider::OpenAiChat => &v["function"]["name"],
                _ => &v["name"],
            };
            assert_eq!(name, "ns_list_pets", "{p:?}");
        }
    }

    #[test]
    fn slots_follow_provider_all() {
        for (i, p) in Provider::ALL.into_iter().enumerate() {
            assert_eq!(slot(p), i);
        }
        assert_eq!(Providers::ALL.iter().collect::<Vec<_>>(), Provider::ALL);
        assert_eq!(Providers::NONE.iter().count(), 0);
        assert_eq!(
            format!("{:?}", Providers::only(Provider::Mcp)),
            r#"{"mcp"}"#
        );
    }

    #[test]
    fn only_the_named_providers_render_up_front_the_rest_once_on_first_use() {
        let t = tool("list_pets", "v1", &["limit"], &[]);
        let only_mcp = Providers::only(Provider::Mcp);
        let r = prerender(&t, "list_pets", None, only_mcp).unwrap();
        let rendered = |r: &RenderedTool| {
            Provider::ALL
                .iter()
                .filter(|p| r.get(**p).is_some())
                .count()
        };
        assert_eq!(rendered(&r), 1);
        assert!(r.get(Provider::Mcp).is_some());
        assert!(r.get(Provider::Gemini).is_none());

        let late = r.get_or_render(Provider::Gemini, &t).unwrap();
        let eager = prerender(&t, "list_pets", None, Providers::ALL).unwrap();
        assert_eq!(late.get(), eager.get(Provider::Gemini).unwrap().get());
        let again = r.get_or_render(Provider::Gemini, &t).unwrap();
        assert!(Arc::ptr_eq(late, again));
        assert_eq!(rendered(&r), 2);

        // Reusing an allocation renders only what it lacks of the providers asked for.
        let gemini = Arc::clone(r.get(Provider::Gemini).unwrap());
        let reused = prerender(&t, "list_pets", Some(&r), Providers::ALL).unwrap();
        assert!(Arc::ptr_eq(&r, &reused));
        assert!(Arc::ptr_eq(&gemini, reused.get(Provider::Gemini).unwrap()));
        assert_eq!(rendered(&r), Provider::ALL.len());
        let none = prerender(&t, "other", None, Providers::NONE).unwrap();
        assert_eq!(rendered(&none), 0);
    }

    #[test]
    fn identical_tool_reuses_the_allocation_and_changes_do_not() {
        let t = tool("list_pets", "v1", &["limit"], &[]);
        let first = prerender(&t, "list_pets", None, Providers::ALL).unwrap();
        let again = prerender(&t, "list_pets", Some(&first), Providers::ALL).unwrap();
        assert!(Arc::ptr_eq(&first, &again));

        let renamed = prerender(&t, "x_list_pets", Some(&first), Providers::ALL).unwrap();
        assert!(!Arc::ptr_eq(&first, &renamed));

        let mut described = t.clone();
        described.description.push_str(" More.");
        let d = prerender(&described, "list_pets", Some(&first), Providers::ALL).unwrap();
        assert!(!Arc::ptr_eq(&first, &d));

        let schema = tool("list_pets", "v1", &["limit", "offset"], &[]);
        let s = prerender(&schema, "list_pets", Some(&first), Providers::ALL).unwrap();
        assert!(!Arc::ptr_eq(&first, &s));
    }
}
