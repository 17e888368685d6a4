//! Finding tools by meaning (feature `semantic`): a sentence-embedding model's vectors for the
//! tools, cosine similarity to the query's vector, fused with BM25F.
//!
//! Each tool is embedded as a short text ([`tool_text`]): its summary, then the words of its
//! operationId and of its path's literal segments not already said, cut to [`TOOL_TOKENS`]
//! tokens. Whole descriptions were measured and lost: GitHub's are mostly authentication
//! boilerplate, alike for every operation.
//!
//! Ranking ([`hybrid`]): BM25F's best [`LEXICAL_CANDIDATES`] groups and the
//! [`DENSE_CANDIDATES`] groups nearest in meaning are the candidates; a group's dense score is
//! its best member's cosine (variant groups stay one hit); each side is scaled to `0..=1` over
//! the candidates and the two are mixed with weight [`LEXICAL_WEIGHT`] for BM25F. A group only
//! one side found gets 0 from the other. The weight was chosen on the tuned task rows only
//! (see `docs/discovery.md`).
//!
//! Vectors are computed off the serving path: [`Dense::start`] embeds on a thread of its own and
//! search uses BM25F alone until they are ready; the embedder's cache (keyed by the model's
//! hash and the exact text) makes a new version of a tool set embed only the tools whose text
//! changed.

use std::sync::{Arc, Condvar, Mutex};

use openapi_tools_semantic::Embedder;

use super::index::Postings;
use super::rank::{self, Query, Ranked};
use super::tokenize::for_each_word;
use crate::manifest::ToolManifest;

/// The most tokens of a tool's text the model reads (special tokens included).
pub(crate) const TOOL_TOKENS: usize = 48;

/// BM25F's best groups considered for fusion.
const LEXICAL_CANDIDATES: usize = 100;

/// The groups nearest in meaning considered for fusion (at least `top_k`).
const DENSE_CANDIDATES: usize = 30;

/// BM25F's share of the fused score; the dense side has the rest.
pub(crate) const LEXICAL_WEIGHT: f32 = 0.5;

/// How a search ranks: words (BM25F), meaning (the model's vectors), or both fused. Without a
/// model, or until its vectors are ready, every mode ranks by words.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ranking {
    /// BM25F alone: the ranking without the `semantic` feature.
    Words,
    /// Cosine similarity alone, max-pooled per variant group.
    Meaning,
    /// Both, with BM25F's share of the score (`0..=1`); [`Ranking::HYBRID`] is the default.
    Hybrid(f32),
}

impl Ranking {
    /// The fusion [`crate::discovery::ToolIndex::search`] uses when vectors are ready.
    pub const HYBRID: Ranking = Ranking::Hybrid(LEXICAL_WEIGHT);
}

/// The text a tool is embedded as: summary (else the description's first sentence), then the
/// words of the operationId (else the name) and of the path's literal segments that the text
/// does not already have.
pub(crate) fn tool_text(tool: &ToolManifest) -> String {
    let lead = tool
        .summary
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| first_sentence(&tool.description));
    let mut text = lead.trim().to_owned();
    let mut seen: Vec<String> = Vec::new();
    for_each_word(&text, |w| seen.push(w.to_owned()));
    let mut extra: Vec<String> = Vec::new();
    let id = tool.operation_id.as_deref().unwrap_or(&tool.name);
    let literal_path: String = tool
        .path
        .split('/')
        .filter(|s| !s.starts_with('{'))
        .collect::<Vec<_>>()
        .join(" ");
    for source in [id, literal_path.as_str()] {
        for_each_word(source, |w| {
            if !seen.iter().any(|s| s == w) {
                seen.push(w.to_owned());
                extra.push(w.to_owned());
            }
        });
    }
    if !extra.is_empty() {
        if !text.is_empty() {
            text.push_str(". ");
        }
        text.push_str(&extra.join(" "));
    }
    text
}

fn first_sentence(text: &str) -> &str {
    let end = text.find(". ").map_or(text.len(), |i| i + 1);
    let line = text.find('\n').unwrap_or(text.len());
    &text[..end.min(line)]
}

/// Unit-length tool vectors, row after row.
#[derive(Debug)]
pub(crate) struct Vectors {
    dim: usize,
    data: Vec<f32>,
}

impl Vectors {
    fn new(dim: usize, rows: &[Arc<[f32]>]) -> Self {
        let mut data = Vec::with_capacity(rows.len() * dim);
        for r in rows {
            let norm = r.iter().map(|x| x * x).sum::<f32>().sqrt();
            let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
            data.extend(r.iter().take(dim).map(|x| x * scale));
            data.extend(std::iter::repeat_n(0.0, dim.saturating_sub(r.len())));
        }
        Vectors { dim, data }
    }

    /// Cosine similarity of every tool to the unit-length `query`.
    fn similarities(&self, query: &[f32]) -> Vec<f32> {
        self.data
            .chunks_exact(self.dim.max(1))
            .map(|row| row.iter().zip(query).map(|(a, b)| a * b).sum())
            .collect()
    }
}

#[derive(Debug, Default)]
enum State {
    #[default]
    Pending,
    Ready(Arc<Vectors>),
    Failed(String),
}

/// A tool set's vectors and the model that makes query vectors; shared by clones of an index.
#[derive(Debug)]
pub(crate) struct Dense {
    embedder: Arc<Embedder>,
    state: Mutex<State>,
    done: Condvar,
}

impl Dense {
    /// Embeds `texts` on a new thread; searches use BM25F alone until it is done.
    pub(crate) fn start(embedder: Arc<Embedder>, texts: Vec<String>) -> Arc<Dense> {
        let dense = Arc::new(Dense {
            embedder,
            state: Mutex::new(State::Pending),
            done: Condvar::new(),
        });
        let worker = dense.clone();
        let spawned = std::thread::Builder::new()
            .name("openapi-tools-embed".into())
            .spawn(move || worker.compute(&texts));
        if let Err(e) = spawned {
            dense.finish(State::Failed(format!(
                "cannot start the embedding thread: {e}"
            )));
        }
        dense
    }

    /// Embeds `texts` on this thread.
    pub(crate) fn now(embedder: Arc<Embedder>, texts: &[String]) -> Arc<Dense> {
        let dense = Arc::new(Dense {
            embedder,
            state: Mutex::new(State::Pending),
            done: Condvar::new(),
        });
        dense.compute(texts);
        dense
    }

    fn compute(&self, texts: &[String]) {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let state = match self.embedder.embed_cached(&refs, TOOL_TOKENS) {
            Ok(rows) => State::Ready(Arc::new(Vectors::new(self.embedder.dim(), &rows))),
            Err(e) => State::Failed(e.to_string()),
        };
        self.finish(state);
    }

    fn finish(&self, state: State) {
        *self.lock() = state;
        self.done.notify_all();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The vectors, when they are ready.
    pub(crate) fn ready(&self) -> Option<Arc<Vectors>> {
        match &*self.lock() {
            State::Ready(v) => Some(v.clone()),
            _ => None,
        }
    }

    /// Blocks until the vectors are computed; the error when embedding failed.
    pub(crate) fn wait(&self) -> Result<(), String> {
        let mut state = self.lock();
        loop {
            match &*state {
                State::Pending => {
                    state = self.done.wait(state).unwrap_or_else(|e| e.into_inner());
                }
                State::Ready(_) => return Ok(()),
                State::Failed(e) => return Err(e.clone()),
            }
        }
    }

    pub(crate) fn embedder(&self) -> &Arc<Embedder> {
        &self.embedder
    }

    /// The query's unit vector, or `None` when the model fails on it (then BM25F ranks).
    fn query_vector(&self, text: &str) -> Option<Vec<f32>> {
        let mut v = self
            .embedder
            .embed_limited(&[text], self.embedder.max_tokens())
            .ok()?
            .pop()?;
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        }
        Some(v)
    }
}

/// The best `top_k` groups for `text` by `ranking`, or `None` when the query cannot be
/// embedded (the caller then ranks by words).
pub(crate) fn rank(
    postings: &Postings,
    query: &Query,
    dense: &Dense,
    vectors: &Vectors,
    text: &str,
    ranking: Ranking,
    top_k: usize,
) -> Option<Vec<Ranked>> {
    let qv = dense.query_vector(text)?;
    let sims = vectors.similarities(&qv);
    // Per group: best cosine and the member that has it.
    let mut group_sim = vec![(f32::NEG_INFINITY, 0u32); postings.groups.len()];
    for (i, (s, d)) in sims.iter().zip(&postings.docs).enumerate() {
        if let Some(g) = group_sim.get_mut(d.group as usize)
            && *s > g.0
        {
            *g = (*s, i as u32);
        }
    }
    let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    let mut by_meaning: Vec<(u32, f32)> = group_sim
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| s.is_finite())
        .map(|(g, (s, _))| (g as u32, *s))
        .collect();
    let want = match ranking {
        Ranking::Meaning => top_k,
        _ => DENSE_CANDIDATES.max(top_k),
    };
    if by_meaning.len() > want && want > 0 {
        by_meaning.select_nth_unstable_by(want - 1, order);
        by_meaning.truncate(want);
    }
    by_meaning.sort_unstable_by(order);
    let shown = |group: u32| rank::representative(postings, query, group);
    let weight = match ranking {
        Ranking::Words => return Some(rank::rank(postings, query, top_k)),
        Ranking::Meaning => {
            return Some(
                by_meaning
                    .into_iter()
                    .filter_map(|(group, score)| {
                        let doc = shown(group)?;
                        Some(Ranked { group, doc, score })
                    })
                    .collect(),
            );
        }
        Ranking::Hybrid(w) => w.clamp(0.0, 1.0),
    };
    let by_words = rank::rank(postings, query, LEXICAL_CANDIDATES.max(top_k));
    let lex_max = by_words
        .first()
        .map_or(0.0, |r| r.score)
        .max(f32::MIN_POSITIVE);
    let mut candidates: Vec<(u32, Option<u32>, f32)> = by_words
        .iter()
        .map(|r| (r.group, Some(r.doc), r.score / lex_max))
        .collect();
    for (g, _) in &by_meaning {
        if !candidates.iter().any(|c| c.0 == *g) {
            candidates.push((*g, None, 0.0));
        }
    }
    let sim = |g: u32| group_sim.get(g as usize).map_or(0.0, |s| s.0);
    let (lo, hi) = candidates
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), c| {
            let s = sim(c.0);
            (lo.min(s), hi.max(s))
        });
    let span = (hi - lo).max(f32::MIN_POSITIVE);
    let mut fused: Vec<(u32, Option<u32>, f32)> = candidates
        .into_iter()
        .map(|(g, doc, lex)| {
            let meaning = (sim(g) - lo) / span;
            (g, doc, weight * lex + (1.0 - weight) * meaning)
        })
        .collect();
    fused.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    fused.truncate(top_k);
    Some(
        fused
            .into_iter()
            .filter_map(|(group, doc, score)| {
                let doc = doc.or_else(|| shown(group))?;
                Some(Ranked { group, doc, score })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::testing::petstore;

    #[test]
    fn tool_text_is_the_summary_then_new_words_of_the_id_and_path() {
        let tools = petstore();
        let t = tools
            .iter()
            .find(|t| t.operation_id.as_deref() == Some("me.ListEvents"))
            .unwrap();
        let text = tool_text(t);
        assert!(text.starts_with(t.summary.as_deref().unwrap()), "{text}");
        assert!(!text.contains("{"), "{text}");
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let mut unique = lower.clone();
        unique.retain(|w| !w.is_empty());
        let n = unique.len();
        unique.sort();
        unique.dedup();
        assert_eq!(n, unique.len(), "a word said twice: {text}");
    }

    #[test]
    fn vectors_are_unit_length_and_similarities_are_cosines() {
        let v = Vectors::new(2, &[Arc::from([3.0f32, 4.0]), Arc::from([0.0f32, 2.0])]);
        let s = v.similarities(&[0.0, 1.0]);
        assert!(
            (s[0] - 0.8).abs() < 1e-6 && (s[1] - 1.0).abs() < 1e-6,
            "{s:?}"
        );
    }
}
