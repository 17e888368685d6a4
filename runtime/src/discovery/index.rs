//! The BM25F index: postings built once per tool set, scored per query.
//!
//! Each tool is one document with six fields, each with its own weight and length
//! normalisation ([`FIELDS`]). BM25F (Robertson, Zaragoza & Taylor 2004) folds the fields into
//! one pseudo term frequency before saturating it, so a word found in the name and the summary
//! counts more than in either alone, but never more than a few times a single hit. Field
//! weights and document lengths are known when the index is built, so each posting stores the
//! folded frequency and a query only adds up `idf * saturate(tf)` per matching posting.

use std::collections::HashMap;

use serde_json::Value;

use super::tokenize::{Stems, for_each_word, is_stop_word};
use super::variants;
use crate::manifest::{HttpMethod, ToolManifest};

/// The fields of a tool document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
enum Field {
    /// operationId (or tool name) words.
    Name = 0,
    /// `summary`.
    Summary = 1,
    /// Tags.
    Tags = 2,
    /// Literal path segments (parameters left out).
    Path = 3,
    /// The description the model sees.
    Description = 4,
    /// Input property names and their descriptions.
    Params = 5,
    /// The resource the operation acts on: the last literal path segment (see [`target`]).
    Target = 6,
}

const FIELD_COUNT: usize = 7;

/// Per field: (weight, length normalisation `b`). Names, summaries and paths are short and say
/// what the operation does; descriptions and parameter texts are long and mostly say how, so
/// they count less and are normalised more.
const FIELDS: [(f32, f32); FIELD_COUNT] = [
    (3.0, 0.75), // Name
    (2.0, 0.5),  // Summary
    (1.0, 0.3),  // Tags
    (1.5, 0.75), // Path
    (0.6, 0.75), // Description
    (0.3, 0.75), // Params
    (3.0, 0.3),  // Target
];

/// BM25 saturation constant.
const K1: f32 = 1.2;

/// Parameter descriptions are cut here: the first sentences say what a parameter is; the rest
/// (examples, enumerations) only adds noise and indexing time.
const PARAM_DESCRIPTION_CHARS: usize = 160;

/// One indexed tool.
#[derive(Debug, Clone)]
pub(crate) struct Doc {
    pub name: String,
    pub operation_id: Option<String>,
    pub method: HttpMethod,
    pub path: String,
    pub deprecated: bool,
    pub group: u32,
    /// Literal (non-parameter) path segments: how deep in the API the operation sits.
    pub depth: u8,
}

/// Postings and documents; see the module docs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Postings {
    terms: HashMap<Box<str>, u32>,
    /// Per term: (document, folded term frequency).
    lists: Vec<Vec<(u32, f32)>>,
    pub docs: Vec<Doc>,
    /// Per variant group: member documents, representative first.
    pub groups: Vec<Vec<u32>>,
}

/// Turns words into term ids, stemming each distinct word once.
struct Interner {
    stems: Stems,
    seen: HashMap<String, Option<u32>>,
    terms: HashMap<Box<str>, u32>,
}

impl Interner {
    fn term(&mut self, word: &str) -> Option<u32> {
        if let Some(t) = self.seen.get(word) {
            return *t;
        }
        let id = if is_stop_word(word) {
            None
        } else {
            let stem = self.stems.stem(word);
            let next = u32::try_from(self.terms.len()).ok();
            match self.terms.get(stem.as_ref()) {
                Some(id) => Some(*id),
                None => {
                    let id = next?;
                    self.terms.insert(stem.into_owned().into_boxed_str(), id);
                    Some(id)
                }
            }
        };
        self.seen.insert(word.to_owned(), id);
        id
    }

    fn add(&mut self, text: &str, field: Field, out: &mut Vec<(u32, Field)>) {
        for_each_word(text, |w| {
            if let Some(t) = self.term(w) {
                out.push((t, field));
            }
        });
    }
}

impl Postings {
    pub(crate) fn build(tools: &[ToolManifest]) -> Self {
        let mut interner = Interner {
            stems: Stems::new(),
            seen: HashMap::new(),
            terms: HashMap::new(),
        };
        let mut per_doc: Vec<Vec<(u32, Field)>> = Vec::with_capacity(tools.len());
        let mut lengths: Vec<[u32; FIELD_COUNT]> = Vec::with_capacity(tools.len());
        for tool in tools {
            let mut words = Vec::new();
            fields_of(tool, &mut interner, &mut words);
            let mut len = [0u32; FIELD_COUNT];
            for (_, f) in &words {
                if let Some(l) = len.get_mut(*f as usize) {
                    *l += 1;
                }
            }
            lengths.push(len);
            per_doc.push(words);
        }
        let mut avg = [0f32; FIELD_COUNT];
        for len in &lengths {
            for (a, l) in avg.iter_mut().zip(len) {
                *a += *l as f32;
            }
        }
        let n = tools.len().max(1) as f32;
        for a in &mut avg {
            *a = (*a / n).max(1.0);
        }
        let mut lists: Vec<Vec<(u32, f32)>> = vec![Vec::new(); interner.terms.len()];
        for (doc, (mut words, len)) in per_doc.into_iter().zip(&lengths).enumerate() {
            let norm: [f32; FIELD_COUNT] = std::array::from_fn(|f| {
                let (w, b) = FIELDS[f];
                w / (1.0 - b + b * len[f] as f32 / avg[f])
            });
            words.sort_unstable();
            let doc = u32::try_from(doc).unwrap_or(u32::MAX);
            let mut i = 0;
            while let Some(&(term, _)) = words.get(i) {
                let mut tf = 0.0;
                while let Some(&(t, f)) = words.get(i) {
                    if t != term {
                        break;
                    }
                    tf += norm[f as usize];
                    i += 1;
                }
                if let Some(list) = lists.get_mut(term as usize) {
                    list.push((doc, tf));
                }
            }
        }
        let (group_of, groups) = variants::groups(tools);
        let docs = tools
            .iter()
            .zip(group_of)
            .map(|(t, group)| Doc {
                name: t.name.clone(),
                operation_id: t.operation_id.clone(),
                method: t.method,
                path: t.path.clone(),
                deprecated: t.deprecated,
                group,
                depth: literal_depth(&t.path),
            })
            .collect();
        Postings {
            terms: interner.terms,
            lists,
            docs,
            groups,
        }
    }

    /// The term id of an already lower-cased, non-stop `word`, if any tool uses it.
    pub(crate) fn lookup(&self, stems: &Stems, word: &str) -> Option<u32> {
        self.terms.get(stems.stem(word).as_ref()).copied()
    }

    /// Adds `weight * idf * saturate(tf)` of `term` to every matching document's score.
    pub(crate) fn accumulate(&self, term: u32, weight: f32, scores: &mut [f32]) {
        let Some(list) = self.lists.get(term as usize) else {
            return;
        };
        let n = self.docs.len() as f32;
        let df = list.len() as f32;
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        for &(doc, tf) in list {
            if let Some(s) = scores.get_mut(doc as usize) {
                *s += weight * idf * tf * (K1 + 1.0) / (K1 + tf);
            }
        }
    }
}

/// The resource an operation acts on: the last literal path segment, skipping OData's `$ref`,
/// `$count` and `$value` and dropping a dotted namespace (`microsoft.graph.sendMail` ->
/// `sendMail`). `/repos/{owner}/{repo}/issues` acts on `issues`, Graph's
/// `/me/calendars/{id}/events/{id}/attachments` on `attachments`, not on calendars or events:
/// the segments before it are context.
fn target(path: &str) -> &str {
    let segment = path
        .split('/')
        .rev()
        .find(|s| !s.is_empty() && !s.starts_with('{') && !s.starts_with('$'))
        .unwrap_or("");
    unqualified(segment)
}

/// A literal path segment without OData's namespace and argument list:
/// `microsoft.graph.getSchedule` -> `getSchedule`,
/// `microsoft.graph.delta()` -> `delta`, `microsoft.graph.search(q='{q}')` -> `search`: the
/// name of the action the target is.
fn unqualified(segment: &str) -> &str {
    let name = segment.split('(').next().unwrap_or(segment);
    name.rsplit('.').next().unwrap_or(name)
}

fn literal_depth(path: &str) -> u8 {
    let n = path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .count();
    u8::try_from(n).unwrap_or(u8::MAX)
}

/// The words of every field of `tool`.
fn fields_of(tool: &ToolManifest, interner: &mut Interner, out: &mut Vec<(u32, Field)>) {
    interner.add(
        tool.operation_id.as_deref().unwrap_or(&tool.name),
        Field::Name,
        out,
    );
    if let Some(s) = &tool.summary {
        interner.add(s, Field::Summary, out);
    }
    for tag in &tool.tags {
        interner.add(tag, Field::Tags, out);
    }
    for seg in tool.path.split('/') {
        if !seg.starts_with('{') {
            // OData function arguments (`search(q='{q}')`) are parameters, not words.
            interner.add(seg.split('(').next().unwrap_or(seg), Field::Path, out);
        }
    }
    interner.add(target(&tool.path), Field::Target, out);
    interner.add(&tool.description, Field::Description, out);
    let props = tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object);
    for p in &tool.params {
        interner.add(&p.name, Field::Params, out);
        if let Some(d) = props
            .and_then(|m| m.get(&p.name))
            .and_then(|s| s.get("description"))
            .and_then(Value::as_str)
        {
            let cut = d
                .char_indices()
                .nth(PARAM_DESCRIPTION_CHARS)
                .map_or(d, |(i, _)| &d[..i]);
            interner.add(cut, Field::Params, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::testing::petstore;

    #[test]
    fn every_tool_is_a_document_and_terms_are_stemmed() {
        let tools = petstore();
        let p = Postings::build(&tools);
        assert_eq!(p.docs.len(), tools.len());
        let stems = Stems::new();
        let pets = p.lookup(&stems, "pets").unwrap();
        assert_eq!(p.lookup(&stems, "pet"), Some(pets));
        assert_eq!(p.lookup(&stems, "the"), None);
        assert_eq!(p.lookup(&stems, "zebra"), None);
    }

    #[test]
    fn a_name_match_outweighs_a_parameter_match() {
        let tools = petstore();
        let p = Postings::build(&tools);
        let stems = Stems::new();
        let mut scores = vec![0.0; tools.len()];
        p.accumulate(p.lookup(&stems, "owners").unwrap(), 1.0, &mut scores);
        let best = (0..scores.len())
            .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
            .unwrap();
        assert_eq!(tools[best].operation_id.as_deref(), Some("listOwners"));
    }

    #[test]
    fn the_target_is_the_last_literal_segment() {
        assert_eq!(target("/repos/{owner}/{repo}/issues"), "issues");
        assert_eq!(target("/groups/{group-id}/members/$ref"), "members");
        assert_eq!(target("/me/microsoft.graph.sendMail"), "sendMail");
        assert_eq!(target("/pets/{petId}"), "pets");
        assert_eq!(target("/"), "");
        assert_eq!(
            target("/drives/{drive-id}/microsoft.graph.search(q='{q}')"),
            "search"
        );
        assert_eq!(unqualified("microsoft.graph.delta()"), "delta");
        assert_eq!(literal_depth("/me/calendars/{id}/events"), 3);
    }

    #[test]
    fn empty_tool_sets_build() {
        let p = Postings::build(&[]);
        assert!(p.docs.is_empty() && p.groups.is_empty());
        let mut scores: Vec<f32> = Vec::new();
        p.accumulate(0, 1.0, &mut scores);
    }
}
