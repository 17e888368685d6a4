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
    /// operationId (or tool name) words; of a dotted operationId its last component only
    /// (see [`action_name`]).
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
    /// Whether the path belongs to the signed-in user (see [`is_personal`]).
    pub personal: bool,
    /// Whether the tool counts a collection (its path ends in OData's `$count`).
    pub counts: bool,
    /// Whether the path names one item: its last segment (after OData's `$value` / `$ref`)
    /// is a parameter.
    pub item: bool,
}

/// One document's share of a term: the folded frequency in the fields naming what the tool
/// acts on ([`Field::Name`] and [`Field::Target`]) apart from the rest, so a query can weigh
/// those matches by the role its word plays (see `rank`).
#[derive(Debug, Clone, Copy)]
struct Posting {
    doc: u32,
    /// Folded frequency in the other fields.
    other: f32,
    /// Folded frequency in [`Field::Name`] and [`Field::Target`].
    subject: f32,
}

/// Postings and documents; see the module docs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Postings {
    terms: HashMap<Box<str>, u32>,
    /// Per term: the documents using it.
    lists: Vec<Vec<Posting>>,
    /// Per term: its inverse document frequency, counted over variant groups (see
    /// [`idf_by_group`]).
    idf: Vec<f32>,
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
        let mut lists: Vec<Vec<Posting>> = vec![Vec::new(); interner.terms.len()];
        for (doc, (mut words, len)) in per_doc.into_iter().zip(&lengths).enumerate() {
            let norm: [f32; FIELD_COUNT] = std::array::from_fn(|f| {
                let (w, b) = FIELDS[f];
                w / (1.0 - b + b * len[f] as f32 / avg[f])
            });
            words.sort_unstable();
            let doc = u32::try_from(doc).unwrap_or(u32::MAX);
            let mut i = 0;
            while let Some(&(term, _)) = words.get(i) {
                let mut posting = Posting {
                    doc,
                    other: 0.0,
                    subject: 0.0,
                };
                while let Some(&(t, f)) = words.get(i) {
                    if t != term {
                        break;
                    }
                    if matches!(f, Field::Name | Field::Target) {
                        posting.subject += norm[f as usize];
                    } else {
                        posting.other += norm[f as usize];
                    }
                    i += 1;
                }
                if let Some(list) = lists.get_mut(term as usize) {
                    list.push(posting);
                }
            }
        }
        let (group_of, groups) = variants::groups(tools);
        let idf = idf_by_group(&lists, &group_of, groups.len());
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
                personal: is_personal(&t.path),
                counts: t.path.ends_with("/$count"),
                item: names_item(&t.path),
            })
            .collect();
        Postings {
            terms: interner.terms,
            lists,
            idf,
            docs,
            groups,
        }
    }

    /// The term id of an already lower-cased, non-stop `word`, if any tool uses it.
    pub(crate) fn lookup(&self, stems: &Stems, word: &str) -> Option<u32> {
        self.terms.get(stems.stem(word).as_ref()).copied()
    }

    /// Adds `weight * idf * saturate(tf)` of `term` to every matching document's score, with
    /// the name and target fields' share of `tf` scaled by `subject_weight`.
    pub(crate) fn accumulate(
        &self,
        term: u32,
        weight: f32,
        subject_weight: f32,
        scores: &mut [f32],
    ) {
        let (Some(list), Some(&idf)) = (self.lists.get(term as usize), self.idf.get(term as usize))
        else {
            return;
        };
        for p in list {
            let tf = p.other + subject_weight * p.subject;
            if let Some(s) = scores.get_mut(p.doc as usize) {
                *s += weight * idf * tf * (K1 + 1.0) / (K1 + tf);
            }
        }
    }
}

/// Inverse document frequencies counted over variant groups rather than tools: a term's
/// frequency is the number of groups with a member using it, out of all groups. Graph repeats
/// most `/me/...` operations under `/users/{user-id}/...` and `/groups/{group-id}/...`;
/// counted per tool, the words of those paths would be in a third of all documents and weigh
/// next to nothing. (Counting only names, paths and summaries, not descriptions, was measured
/// too: it lost GitHub tasks and won none on Graph.)
fn idf_by_group(lists: &[Vec<Posting>], group_of: &[u32], groups: usize) -> Vec<f32> {
    let n = groups as f32;
    let mut last_seen = vec![u32::MAX; groups];
    lists
        .iter()
        .enumerate()
        .map(|(term, list)| {
            let stamp = u32::try_from(term).unwrap_or(u32::MAX - 1);
            let mut df = 0u32;
            for p in list {
                if let Some(seen) = group_of
                    .get(p.doc as usize)
                    .and_then(|&g| last_seen.get_mut(g as usize))
                    && *seen != stamp
                {
                    *seen = stamp;
                    df += 1;
                }
            }
            let df = df as f32;
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        })
        .collect()
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

/// Whether `path` is the signed-in user's own: its first segment is `me` (Microsoft Graph) or
/// `user` (GitHub's `/user/repos`, the authenticated user's).
fn is_personal(path: &str) -> bool {
    let first = path.split('/').find(|s| !s.is_empty()).unwrap_or_default();
    first == "me" || first == "user"
}

/// Whether `path` names one item: its last segment other than OData's `$value`, `$ref` or
/// `$count` is a parameter.
fn names_item(path: &str) -> bool {
    path.split('/')
        .rev()
        .find(|s| !s.is_empty() && !s.starts_with('$'))
        .is_some_and(|s| s.starts_with('{'))
}

/// Literal segments of `path`, without OData's `$ref`: adding a member through
/// `/groups/{id}/members/$ref` is no deeper than listing `/groups/{id}/members`.
fn literal_depth(path: &str) -> u8 {
    let n = path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{') && *s != "$ref")
        .count();
    u8::try_from(n).unwrap_or(u8::MAX)
}

/// What the Name field holds: the operationId (or the tool name), and of a dotted OData-style
/// operationId only the last component (`users.user.ListUser` -> `ListUser`,
/// `users.ListEvents` -> `ListEvents`). The components before it repeat the path
/// (`/users/{user-id}/events`), which the Path field already holds; in the Name field they
/// would make `users` a name word of every one of Graph's thousands of operations under
/// `/users/{user-id}/...`.
fn action_name(tool: &ToolManifest) -> &str {
    let id = tool.operation_id.as_deref().unwrap_or(&tool.name);
    id.rsplit_once('.').map_or(id, |(_, last)| last)
}

/// The words of every field of `tool`.
fn fields_of(tool: &ToolManifest, interner: &mut Interner, out: &mut Vec<(u32, Field)>) {
    interner.add(action_name(tool), Field::Name, out);
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
        p.accumulate(p.lookup(&stems, "owners").unwrap(), 1.0, 1.0, &mut scores);
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
        assert_eq!(literal_depth("/groups/{group-id}/members/$ref"), 2);
        assert!(is_personal("/me") && is_personal("/me/events") && is_personal("/user/repos"));
        assert!(names_item("/pets/{petId}") && names_item("/me/photos/{id}/$value"));
        assert!(!names_item("/pets") && !names_item("/") && !names_item("/pets/$count"));
        assert!(!is_personal("/users/{user-id}") && !is_personal("/mention"));
    }

    #[test]
    fn empty_tool_sets_build() {
        let p = Postings::build(&[]);
        assert!(p.docs.is_empty() && p.groups.is_empty());
        let mut scores: Vec<f32> = Vec::new();
        p.accumulate(0, 1.0, 1.0, &mut scores);
    }
}
