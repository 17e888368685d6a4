//! From a query to ranked documents: query terms with synonyms, the method prior, variants
//! folded into one hit.

use super::index::Postings;
use super::synonyms::{self, SYNONYM_WEIGHT};
use super::tokenize::{Stems, for_each_word, is_stop_word};
use crate::manifest::HttpMethod;

/// How much a tool whose method fulfils the query's intent gains (score times `1 + boost`).
const METHOD_BOOST: f32 = 0.3;

/// Weight of another spelling of a word (`repo` for `repository`): nearly the word itself.
const SPELLING_WEIGHT: f32 = 0.8;

/// Generality prior: each literal path segment past the first divides the score by
/// `1 + DEPTH_PENALTY` more. Between two tools that match the words alike, the more general
/// one wins (Graph's `/me/messages` over `/me/mailFolders/{id}/childFolders/{id}/messages`).
const DEPTH_PENALTY: f32 = 0.15;

/// Deprecated tools lose a little, so a current equivalent comes first.
const DEPRECATED_FACTOR: f32 = 0.85;

/// A parsed query: weighted terms and the method preference of its first verb.
#[derive(Debug, Default)]
pub(crate) struct Query {
    terms: Vec<(u32, f32)>,
    methods: Vec<(HttpMethod, f32)>,
}

impl Query {
    pub(crate) fn parse(postings: &Postings, stems: &Stems, text: &str) -> Query {
        let mut q = Query::default();
        let mut verb_seen = false;
        for_each_word(text, |word| {
            if is_stop_word(word) {
                return;
            }
            q.add(postings, stems, word, 1.0);
            for spelling in synonyms::spellings(word) {
                for_each_word(spelling, |w| q.add(postings, stems, w, SPELLING_WEIGHT));
            }
            let mut groups = synonyms::verb_groups(word).peekable();
            let first_verb = !verb_seen && groups.peek().is_some();
            for g in groups {
                for w in g.expand.iter().filter(|w| **w != word) {
                    q.add(postings, stems, w, SYNONYM_WEIGHT);
                }
                if first_verb {
                    for &(m, pref) in g.methods {
                        q.prefer(m, pref);
                    }
                }
            }
            verb_seen |= first_verb;
        });
        q
    }

    /// Adds a term, keeping the highest weight when it is already there.
    fn add(&mut self, postings: &Postings, stems: &Stems, word: &str, weight: f32) {
        let Some(term) = postings.lookup(stems, word) else {
            return;
        };
        match self.terms.iter_mut().find(|(t, _)| *t == term) {
            Some((_, w)) => *w = w.max(weight),
            None => self.terms.push((term, weight)),
        }
    }

    fn prefer(&mut self, method: HttpMethod, pref: f32) {
        match self.methods.iter_mut().find(|(m, _)| *m == method) {
            Some((_, p)) => *p = p.max(pref),
            None => self.methods.push((method, pref)),
        }
    }

    fn method_factor(&self, method: HttpMethod) -> f32 {
        let pref = self
            .methods
            .iter()
            .find(|(m, _)| *m == method)
            .map_or(0.0, |(_, p)| *p);
        1.0 + METHOD_BOOST * pref
    }

    /// Whether nothing in the query matched any tool's words.
    pub(crate) fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

/// The best `top_k` variant groups for `query`: (group, score of its best member), best first;
/// ties go to the group met first in document order.
pub(crate) fn rank(postings: &Postings, query: &Query, top_k: usize) -> Vec<(u32, f32)> {
    if top_k == 0 || query.is_empty() {
        return Vec::new();
    }
    let mut scores = vec![0f32; postings.docs.len()];
    for &(term, weight) in &query.terms {
        postings.accumulate(term, weight, &mut scores);
    }
    let mut best: Vec<(u32, f32)> = Vec::new();
    let mut group_best = vec![f32::NEG_INFINITY; postings.groups.len()];
    for (score, d) in scores.iter().zip(&postings.docs) {
        if *score <= 0.0 {
            continue;
        }
        let depth = f32::from(d.depth.saturating_sub(1));
        let mut s = score * query.method_factor(d.method) / (1.0 + DEPTH_PENALTY * depth);
        if d.deprecated {
            s *= DEPRECATED_FACTOR;
        }
        if let Some(g) = group_best.get_mut(d.group as usize)
            && s > *g
        {
            if g.is_infinite() {
                best.push((d.group, 0.0));
            }
            *g = s;
        }
    }
    for (g, s) in &mut best {
        *s = group_best.get(*g as usize).copied().unwrap_or(0.0);
    }
    let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if best.len() > top_k {
        best.select_nth_unstable_by(top_k - 1, order);
        best.truncate(top_k);
    }
    best.sort_unstable_by(order);
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::testing::petstore;

    fn top(text: &str, k: usize) -> Vec<String> {
        let tools = petstore();
        let p = Postings::build(&tools);
        let q = Query::parse(&p, &Stems::new(), text);
        rank(&p, &q, k)
            .into_iter()
            .map(|(g, _)| {
                let rep = p.groups[g as usize][0] as usize;
                tools[rep].operation_id.clone().unwrap()
            })
            .collect()
    }

    #[test]
    fn verbs_pick_the_method() {
        assert_eq!(top("add a new pet", 1), ["createPet"]);
        assert_eq!(top("remove a pet", 1), ["deletePet"]);
        assert_eq!(top("change a pet", 1), ["updatePet"]);
        assert_eq!(top("show all pets", 1), ["listPets"]);
    }

    #[test]
    fn variants_fold_into_their_most_general_member() {
        let hits = top("list events", 5);
        assert_eq!(hits[0], "me.ListEvents");
        assert!(!hits.iter().any(|h| h == "users.ListEvents"));
    }

    #[test]
    fn unknown_words_and_empty_queries_find_nothing() {
        assert!(top("zebra", 5).is_empty());
        assert!(top("", 5).is_empty());
        assert!(top("the of a", 5).is_empty());
        assert!(top("pets", 0).is_empty());
    }

    #[test]
    fn ranking_is_deterministic_and_capped() {
        let a = top("pet", 3);
        assert_eq!(a.len(), 3);
        assert_eq!(a, top("pet", 3));
    }
}
