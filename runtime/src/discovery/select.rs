//! Per-request selection: the K tools most relevant to a user message.
//!
//! Where meta-tools add a round trip, selection sends the model the right tools directly: the
//! application searches with the user's message and renders only the top K (K <= 128 keeps an
//! OpenAI request within its tool limit). Variant groups count once, represented by the member
//! that matches the message best; when the groups found are fewer than K, their variants fill
//! the rest.

use serde_json::Value;

use super::ToolIndex;
use crate::manifest::ToolManifest;
use crate::render::{self, Provider, RenderOptions, ToolDef};

impl ToolIndex {
    /// The `k` tools of `tools` (the slice this index was built from) most relevant to
    /// `message`, best first. Returns fewer when fewer match; an empty list when nothing does
    /// or when `tools` is not the indexed slice (its length differs).
    pub fn select<'t>(
        &self,
        tools: &'t [ToolManifest],
        message: &str,
        k: usize,
    ) -> Vec<&'t ToolManifest> {
        if tools.len() != self.len() {
            return Vec::new();
        }
        let hits = self.search(message, k);
        let mut picked: Vec<usize> = hits.iter().map(|h| h.position).collect();
        for v in hits.iter().flat_map(|h| &h.variants) {
            if picked.len() >= k {
                break;
            }
            picked.push(v.position);
        }
        picked.iter().filter_map(|&i| tools.get(i)).collect()
    }
}

/// Most tools OpenAI accepts in one request (Chat Completions and Responses alike).
pub const OPENAI_MAX_TOOLS: usize = 128;

/// [`ToolIndex::select`], rendered for `provider`: what goes into the request's `tools`. For
/// the OpenAI providers `k` is capped at [`OPENAI_MAX_TOOLS`], so the request is accepted.
///
/// ```
/// use openapi_tools_runtime::discovery::{ToolIndex, select_rendered};
/// use openapi_tools_runtime::render::{Provider, RenderOptions};
/// # use openapi_tools_runtime::{HttpMethod, ToolManifest};
/// # fn tool(id: &str, method: HttpMethod, path: &str, summary: &str) -> ToolManifest {
/// #     serde_json::from_value(serde_json::json!({"name": id, "operation_id": id,
/// #         "method": method, "path": path, "summary": summary, "description": summary,
/// #         "params": [], "input_schema": {"type": "object"}, "schema_hash": ""})).unwrap()
/// # }
/// let tools = vec![
///     tool("listPets", HttpMethod::Get, "/pets", "List all pets"),
///     tool("createPet", HttpMethod::Post, "/pets", "Create a pet"),
///     tool("listOwners", HttpMethod::Get, "/owners", "List owners"),
/// ];
/// let index = ToolIndex::build(&tools);
/// let request_tools = select_rendered(&index, &tools, "please show me all the pets", 1,
///     Provider::OpenAiChat, &RenderOptions::default());
/// assert_eq!(request_tools.len(), 1);
/// assert_eq!(request_tools[0]["function"]["name"], "listPets");
/// ```
pub fn select_rendered(
    index: &ToolIndex,
    tools: &[ToolManifest],
    message: &str,
    k: usize,
    provider: Provider,
    opts: &RenderOptions,
) -> Vec<Value> {
    let k = match provider {
        Provider::OpenAiChat | Provider::OpenAiResponses => k.min(OPENAI_MAX_TOOLS),
        _ => k,
    };
    let defs: Vec<ToolDef> = index
        .select(tools, message, k)
        .into_iter()
        .map(ToolDef::from)
        .collect();
    render::render_set(provider, &defs, opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::testing::petstore;

    #[test]
    fn variants_fill_the_budget_after_distinct_groups() {
        let tools = petstore();
        let index = ToolIndex::build(&tools);
        let picked: Vec<&str> = index
            .select(&tools, "list events", 10)
            .iter()
            .map(|t| t.path.as_str())
            .collect();
        assert_eq!(picked[0], "/me/events");
        assert!(picked.contains(&"/users/{user-id}/events"));
        assert!(picked.len() <= 10);
        let one = index.select(&tools, "list events", 1);
        assert_eq!(one.len(), 1);
    }

    #[test]
    fn a_different_slice_selects_nothing() {
        let tools = petstore();
        let index = ToolIndex::build(&tools);
        assert!(index.select(&tools[1..], "pets", 3).is_empty());
    }

    #[test]
    fn rendered_for_every_provider() {
        let tools = petstore();
        let index = ToolIndex::build(&tools);
        for p in Provider::ALL {
            let out = select_rendered(
                &index,
                &tools,
                "delete a pet",
                2,
                p,
                &RenderOptions::default(),
            );
            assert_eq!(out.len(), 2, "{p}");
            assert!(out[0].to_string().contains("deletePet"), "{p}");
        }
    }
}
