//! Tool discovery for tool sets too big to list: search, meta-tools, per-request selection.
//!
//! GitHub has 1,223 operations and Microsoft Graph 11,422; OpenAI accepts at most 128 tools per
//! request, and a few hundred schemas already crowd a context window. This module finds the
//! few tools a task needs:
//!
//! - [`ToolIndex`]: a BM25F index over a tool set (names and operationIds split into words,
//!   the resource the operation acts on, summary, description, tags, path segments, parameter
//!   names and descriptions, an update's body property names, and what the spec says about the
//!   resource where another resource's update body describes it as a property; plurals and
//!   verb endings folded; product names the prose writes whole, such as `SharePoint`, kept as
//!   one word; a small synonym and intent table; redundant variants folded into one hit, shown
//!   by the variant whose owner the query names). The query is read, not just split: words
//!   after a preposition are context, first-person words prefer the signed-in user's paths,
//!   "list" and "all" prefer collections, "how many" the counting tools, `to-do` is `todo`
//!   (see `rank`).
//! - [`MetaTools`]: two real tools, `search_tools` and `call_tool`, to offer instead of the
//!   full list; rendered for every provider like any tool, `call_tool` checked by the same
//!   argument checkers as the tools themselves.
//! - [`ToolIndex::select`] / [`select_rendered`]: per-request selection, the K tools most
//!   relevant to a user message, rendered for a provider.
//!
//! ```
//! use openapi_tools_runtime::discovery::ToolIndex;
//! # use openapi_tools_runtime::{HttpMethod, ToolManifest};
//! # fn tool(id: &str, method: HttpMethod, path: &str, summary: &str) -> ToolManifest {
//! #     serde_json::from_value(serde_json::json!({"name": id, "operation_id": id,
//! #         "method": method, "path": path, "summary": summary, "description": summary,
//! #         "params": [], "input_schema": {"type": "object"}, "schema_hash": ""})).unwrap()
//! # }
//! let tools = vec![
//!     tool("listPets", HttpMethod::Get, "/pets", "List all pets"),
//!     tool("createPet", HttpMethod::Post, "/pets", "Create a pet"),
//!     tool("deletePet", HttpMethod::Delete, "/pets/{petId}", "Delete a pet"),
//! ];
//! let index = ToolIndex::build(&tools);
//! let hits = index.search("add a new pet", 2);
//! assert_eq!(hits[0].name, "createPet");
//! assert_eq!(index.search("remove a pet", 1)[0].method, HttpMethod::Delete);
//! ```
//!
//! # Why an index of our own
//! A tool set is small as search goes (Graph: 11,422 short documents) and lives in memory for
//! the life of a process. A BM25F index over it is ~300 lines: postings with the field
//! weights folded in at build time, one pass over the postings of a few query terms. tantivy
//! would bring a segment store, a query parser, threads and dozens of crates into the runtime
//! that generated code links, and its scoring is plain BM25 over one field at a time; the
//! `bm25` crate has no fields. Stemming is plural folding of our own: Snowball English
//! (`rust-stemmers`) was measured and lost tasks by conflating resource names (see `tokenize`).

mod index;
mod meta;
mod rank;
mod select;
mod suggest;
mod synonyms;
#[cfg(test)]
pub(crate) mod testing;
mod tokenize;
mod variants;

use serde::Serialize;

use crate::manifest::{HttpMethod, Manifest, ToolManifest};

pub use meta::{CALL_TOOL, MetaCall, MetaTools, SEARCH_TOOLS};
pub use select::{OPENAI_MAX_TOOLS, select_rendered};

/// A search index over one tool set. Build it once per tool set version
/// ([`ToolIndex::build`]); searching is read-only and can run from many threads at once.
#[derive(Debug, Clone, Default)]
pub struct ToolIndex {
    postings: index::Postings,
}

/// One search result: a tool, or a group of redundant variants represented by the member that
/// matches the query best (the most general one unless the query names another owner).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Position of the tool in the slice the index was built from.
    #[serde(skip)]
    pub position: usize,
    /// Tool name.
    pub name: String,
    /// The operationId, when the operation has one.
    pub operation_id: Option<String>,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template.
    pub path: String,
    /// Relevance (BM25F with the method prior; comparable within one query only), rounded to
    /// three decimals. For a variant group, the score of its best-matching member.
    pub score: f64,
    /// The same operation under other owners (Graph's `/users/{user-id}/events` for
    /// `/me/events`), most general first, without the hit itself.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<Variant>,
}

/// Another owner's copy of a hit's operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Variant {
    /// Position of the tool in the slice the index was built from.
    #[serde(skip)]
    pub position: usize,
    /// Tool name.
    pub name: String,
    /// The operationId, when the operation has one.
    pub operation_id: Option<String>,
    /// Path template.
    pub path: String,
}

impl ToolIndex {
    /// Indexes `tools` (a manifest's [`Manifest::tools`], or any slice of tool manifests).
    pub fn build(tools: &[ToolManifest]) -> Self {
        ToolIndex {
            postings: index::Postings::build(tools),
        }
    }

    /// Indexes every tool of `manifest`.
    pub fn from_manifest(manifest: &Manifest) -> Self {
        Self::build(&manifest.tools)
    }

    /// Number of indexed tools.
    pub fn len(&self) -> usize {
        self.postings.docs.len()
    }

    /// Whether the index has no tools.
    pub fn is_empty(&self) -> bool {
        self.postings.docs.is_empty()
    }

    /// The `top_k` tools best matching `query` (plain words: "list open pull requests"), best
    /// first. Redundant variants count once; words no tool uses are ignored, so a query of
    /// only such words finds nothing.
    pub fn search(&self, query: &str, top_k: usize) -> Vec<Hit> {
        let stems = tokenize::Stems::new();
        let q = rank::Query::parse(&self.postings, &stems, query);
        rank::rank(&self.postings, &q, top_k)
            .into_iter()
            .filter_map(|r| self.hit(r))
            .collect()
    }

    /// Tool names close to `name` (a misspelt or invented name), best first: near spellings
    /// first, then tools whose words match the name's words.
    pub fn suggest(&self, name: &str, max: usize) -> Vec<String> {
        suggest::suggest(self, name, max)
    }

    /// The hit for a ranked group: its best-matching member, with the others (most general
    /// first) as variants.
    fn hit(&self, ranked: rank::Ranked) -> Option<Hit> {
        let members = self.postings.groups.get(ranked.group as usize)?;
        let rep = ranked.doc;
        let doc = self.postings.docs.get(rep as usize)?;
        let variants = members
            .iter()
            .filter(|&&i| i != rep)
            .filter_map(|&i| {
                let d = self.postings.docs.get(i as usize)?;
                Some(Variant {
                    position: i as usize,
                    name: d.name.clone(),
                    operation_id: d.operation_id.clone(),
                    path: d.path.clone(),
                })
            })
            .collect();
        Some(Hit {
            position: rep as usize,
            name: doc.name.clone(),
            operation_id: doc.operation_id.clone(),
            method: doc.method,
            path: doc.path.clone(),
            score: (f64::from(ranked.score) * 1000.0).round() / 1000.0,
            variants,
        })
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        self.postings.docs.iter().map(|d| d.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::testing::petstore;

    #[test]
    fn hits_carry_the_tool_and_its_variants() {
        let tools = petstore();
        let index = ToolIndex::build(&tools);
        assert_eq!(index.len(), tools.len());
        let hits = index.search("list my events", 3);
        let first = &hits[0];
        assert_eq!(first.operation_id.as_deref(), Some("me.ListEvents"));
        assert_eq!(tools[first.position].name, first.name);
        let variants: Vec<&str> = first.variants.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(
            variants,
            ["/users/{user-id}/events", "/groups/{group-id}/events"]
        );
        assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    }

    #[test]
    fn empty_index_finds_nothing() {
        let index = ToolIndex::build(&[]);
        assert!(index.is_empty());
        assert!(index.search("anything", 5).is_empty());
    }
}
