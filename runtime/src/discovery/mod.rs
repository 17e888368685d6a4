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

#[cfg(feature = "semantic")]
mod dense;
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

#[cfg(feature = "semantic")]
pub use dense::Ranking;
/// The embedding model (feature `semantic`): see [`ToolIndex::with_embedder`].
#[cfg(feature = "semantic")]
pub use openapi_tools_semantic::{self as semantic, Embedder};

/// The model [`MetaTools::new`] embeds with when none is given (feature `semantic`).
#[cfg(feature = "semantic")]
static DEFAULT_EMBEDDER: std::sync::OnceLock<std::sync::Arc<Embedder>> = std::sync::OnceLock::new();

/// Sets the process-wide model that every [`MetaTools`] built afterwards searches with (what
/// `openapi-tools serve --model DIR` does: the MCP server builds meta-tools anew for every
/// version of its tools). Only the first call counts; `false` when a model was already set.
#[cfg(feature = "semantic")]
pub fn set_default_embedder(embedder: std::sync::Arc<Embedder>) -> bool {
    DEFAULT_EMBEDDER.set(embedder).is_ok()
}

#[cfg(feature = "semantic")]
fn default_embedder() -> Option<std::sync::Arc<Embedder>> {
    DEFAULT_EMBEDDER.get().cloned()
}

/// A search index over one tool set. Build it once per tool set version
/// ([`ToolIndex::build`]); searching is read-only and can run from many threads at once.
#[derive(Debug, Clone, Default)]
pub struct ToolIndex {
    postings: index::Postings,
    /// The texts tools are embedded as (feature `semantic`), kept for [`ToolIndex::with_embedder`].
    #[cfg(feature = "semantic")]
    texts: std::sync::Arc<[String]>,
    /// Tool vectors and the model, once [`ToolIndex::with_embedder`] was called.
    #[cfg(feature = "semantic")]
    dense: Option<std::sync::Arc<dense::Dense>>,
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
            #[cfg(feature = "semantic")]
            texts: tools.iter().map(dense::tool_text).collect(),
            #[cfg(feature = "semantic")]
            dense: None,
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
    /// first. Redundant variants count once; words no tool uses are ignored. The answer is
    /// never empty while the index has tools: when no word of the query is a tool's word, the
    /// best partial matches come back (near spellings, else the tools the query's intent and
    /// person favour, with low scores). With a model ([`ToolIndex::with_embedder`]) whose
    /// vectors are ready, BM25F and meaning are fused ([`Ranking::HYBRID`]).
    pub fn search(&self, query: &str, top_k: usize) -> Vec<Hit> {
        let stems = tokenize::Stems::new();
        let q = rank::Query::parse(&self.postings, &stems, query);
        #[cfg(feature = "semantic")]
        if let Some(ranked) = self.rank_dense(&q, query, Ranking::HYBRID, top_k) {
            return self.hits(ranked);
        }
        let mut ranked = rank::rank(&self.postings, &q, top_k);
        if ranked.is_empty() {
            ranked = rank::fallback(&self.postings, &stems, query, top_k);
        }
        self.hits(ranked)
    }

    /// [`ToolIndex::search`] ranked by `ranking` (to compare words, meaning and both; a
    /// [`Ranking::Meaning`] or [`Ranking::Hybrid`] search without ready vectors ranks by
    /// words).
    #[cfg(feature = "semantic")]
    pub fn search_by(&self, query: &str, top_k: usize, ranking: Ranking) -> Vec<Hit> {
        let stems = tokenize::Stems::new();
        let q = rank::Query::parse(&self.postings, &stems, query);
        if let Some(ranked) = self.rank_dense(&q, query, ranking, top_k) {
            return self.hits(ranked);
        }
        let mut ranked = rank::rank(&self.postings, &q, top_k);
        if ranked.is_empty() {
            ranked = rank::fallback(&self.postings, &stems, query, top_k);
        }
        self.hits(ranked)
    }

    #[cfg(feature = "semantic")]
    fn rank_dense(
        &self,
        q: &rank::Query,
        query: &str,
        ranking: Ranking,
        top_k: usize,
    ) -> Option<Vec<rank::Ranked>> {
        if ranking == Ranking::Words || top_k == 0 {
            return None;
        }
        let dense = self.dense.as_ref()?;
        let vectors = dense.ready()?;
        dense::rank(&self.postings, q, dense, &vectors, query, ranking, top_k)
            .filter(|r| !r.is_empty())
    }

    /// Finds tools by meaning too: embeds every tool with `embedder` on a thread of its own
    /// and returns at once; searches rank by words alone until the vectors are ready
    /// ([`ToolIndex::semantic_ready`], [`ToolIndex::wait_semantic`]). Vectors already in the
    /// embedder's cache (the same model and tool text, from an earlier version of the tool set
    /// or an earlier process with a cache directory) are not computed again.
    ///
    /// ```no_run
    /// # use openapi_tools_runtime::discovery::{Embedder, ToolIndex};
    /// # let tools = vec![];
    /// let model = Embedder::load("/models/all-MiniLM-L6-v2".as_ref())?.shared();
    /// let index = ToolIndex::build(&tools).with_embedder(model);
    /// index.wait_semantic().unwrap(); // or search at once, by words, while it embeds
    /// let hits = index.search("who am I logged in as", 5);
    /// # Ok::<(), openapi_tools_runtime::discovery::semantic::Error>(())
    /// ```
    #[cfg(feature = "semantic")]
    pub fn with_embedder(mut self, embedder: std::sync::Arc<Embedder>) -> Self {
        self.dense = Some(dense::Dense::start(embedder, self.texts.to_vec()));
        self
    }

    /// [`ToolIndex::with_embedder`], embedding on this thread before it returns (a CLI search,
    /// a test); the error when the model fails.
    #[cfg(feature = "semantic")]
    pub fn with_embedder_now(mut self, embedder: std::sync::Arc<Embedder>) -> Result<Self, String> {
        let dense = dense::Dense::now(embedder, &self.texts);
        dense.wait()?;
        self.dense = Some(dense);
        Ok(self)
    }

    /// Whether tool vectors are ready, so searches fuse meaning with words.
    #[cfg(feature = "semantic")]
    pub fn semantic_ready(&self) -> bool {
        self.dense.as_ref().is_some_and(|d| d.ready().is_some())
    }

    /// Blocks until the tool vectors are computed. `Ok` at once without a model; the error
    /// when embedding failed (searches then rank by words).
    #[cfg(feature = "semantic")]
    pub fn wait_semantic(&self) -> Result<(), String> {
        self.dense.as_ref().map_or(Ok(()), |d| d.wait())
    }

    /// The model this index embeds with, if any.
    #[cfg(feature = "semantic")]
    pub fn embedder(&self) -> Option<&std::sync::Arc<Embedder>> {
        self.dense.as_ref().map(|d| d.embedder())
    }

    /// The text each tool is embedded as (summary, then operationId and path words), in tool
    /// order.
    #[cfg(feature = "semantic")]
    pub fn semantic_texts(&self) -> &[String] {
        &self.texts
    }

    /// Only the tools whose words match `query` (no fallback): what "did you mean" offers.
    fn matches(&self, query: &str, top_k: usize) -> Vec<Hit> {
        let stems = tokenize::Stems::new();
        let q = rank::Query::parse(&self.postings, &stems, query);
        self.hits(rank::rank(&self.postings, &q, top_k))
    }

    fn hits(&self, ranked: Vec<rank::Ranked>) -> Vec<Hit> {
        ranked.into_iter().filter_map(|r| self.hit(r)).collect()
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
    fn a_query_without_tool_words_still_finds_tools() {
        let index = ToolIndex::build(&petstore());
        // A misspelling is read as the nearest tool word.
        assert_eq!(index.search("delete a pett", 1)[0].name, "deletePet");
        // Nothing near: the tools the intent favours, scored low.
        let hits = index.search("zzzz qqqq", 3);
        assert_eq!(hits.len(), 3);
        assert!(hits.iter().all(|h| h.score < 0.1), "{hits:?}");
        // First person: the signed-in user's own tools first.
        let hits = index.search("who am I", 1);
        assert!(hits[0].path.starts_with("/me"), "{hits:?}");
    }

    #[test]
    fn empty_index_finds_nothing() {
        let index = ToolIndex::build(&[]);
        assert!(index.is_empty());
        assert!(index.search("anything", 5).is_empty());
    }
}
