//! The BM25F index: postings built once per tool set, scored per query.
//!
//! Each tool is one document with nine fields, each with its own weight and length
//! normalisation ([`FIELDS`]). BM25F (Robertson, Zaragoza & Taylor 2004) folds the fields into
//! one pseudo term frequency before saturating it, so a word found in the name and the summary
//! counts more than in either alone, but never more than a few times a single hit. Field
//! weights and document lengths are known when the index is built, so each posting stores the
//! folded frequency and a query only adds up `idf * saturate(tf)` per matching posting.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::tokenize::{Stems, for_each_compound, for_each_word, is_stop_word};
use super::variants;
use crate::manifest::{HttpMethod, ParamLocation, ToolManifest};

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
    /// Property names of an update's (`PATCH`, `PUT`) request body (see [`body_properties`]).
    Body = 7,
    /// What the API says the resource at the tool's path is, where the path is a property of
    /// another resource (see [`PropertyTexts`]).
    Property = 8,
}

const FIELD_COUNT: usize = 9;

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
    (0.5, 0.0),  // Body
    (0.5, 0.3),  // Property
];

/// How far a match in the name or target fields moves a term's idf from its idf over all
/// fields towards its idf over those two fields alone (see [`Postings::accumulate`]).
const SUBJECT_IDF_MIX: f32 = 0.25;

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
    /// The term of the path's first segment, the resource owning the rest (`users` of
    /// `/users/{user-id}/manager`), when it is a word: a query naming it picks this variant.
    pub owner: Option<u32>,
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
    /// Per term: its inverse document frequency counted only over name and target fields.
    idf_subject: Vec<f32>,
    pub docs: Vec<Doc>,
    /// Compounds the tools' prose writes whole (`sharepoint`) -> their parts.
    compounds: HashMap<Box<str>, Box<[Box<str>]>>,
    /// Per variant group: member documents, representative first.
    pub groups: Vec<Vec<u32>>,
}

/// Turns words into term ids, stemming each distinct word once.
struct Interner {
    stems: Stems,
    /// Compounds seen in prose -> their parts (see [`Interner::add_prose`]).
    compounds: HashMap<Box<str>, Box<[Box<str>]>>,
    /// Their terms.
    whole: HashSet<u32>,
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

    /// [`Interner::add`] for prose: also each compound whole (`SharePoint` as `sharepoint`
    /// besides `share` and `point`), remembering its parts for queries that type it whole.
    fn add_prose(&mut self, text: &str, field: Field, out: &mut Vec<(u32, Field)>) {
        self.add(text, field, out);
        for_each_compound(text, |whole, parts| {
            if let Some(t) = self.term(whole) {
                out.push((t, field));
                self.whole.insert(t);
                if !self.compounds.contains_key(whole) {
                    let parts = parts.iter().map(|p| p.clone().into_boxed_str()).collect();
                    self.compounds.insert(whole.into(), parts);
                }
            }
        });
    }
}

impl Postings {
    pub(crate) fn build(tools: &[ToolManifest]) -> Self {
        let mut interner = Interner {
            stems: Stems::new(),
            compounds: HashMap::new(),
            whole: HashSet::new(),
            seen: HashMap::new(),
            terms: HashMap::new(),
        };
        let mut per_doc: Vec<Vec<(u32, Field)>> = Vec::with_capacity(tools.len());
        let mut lengths: Vec<[u32; FIELD_COUNT]> = Vec::with_capacity(tools.len());
        let property_texts = PropertyTexts::learn(tools, &mut interner);
        for tool in tools {
            let mut words = Vec::new();
            fields_of(tool, &mut interner, &mut words);
            if let Some(terms) = property_texts.of(&tool.path) {
                // "Members of this group": the words naming where the property sits are the
                // path's already.
                let in_path: Vec<u32> = words
                    .iter()
                    .filter(|(_, f)| *f == Field::Path)
                    .map(|(t, _)| *t)
                    .collect();
                words.extend(
                    terms
                        .iter()
                        .filter(|t| !in_path.contains(t))
                        .map(|&t| (t, Field::Property)),
                );
            }
            per_doc.push(words);
        }
        for words in &per_doc {
            let mut len = [0u32; FIELD_COUNT];
            // A compound whole is another reading of words already counted, not a longer text.
            for (_, f) in words.iter().filter(|(t, _)| !interner.whole.contains(t)) {
                if let Some(l) = len.get_mut(*f as usize) {
                    *l += 1;
                }
            }
            lengths.push(len);
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
        let owners: Vec<Option<u32>> = tools
            .iter()
            .map(|t| owner_word(&t.path).and_then(|w| interner.term(w)))
            .collect();
        let (group_of, groups) = variants::groups(tools);
        let idf = idf_by_group(&lists, &group_of, groups.len(), |_| true);
        let idf_subject = idf_by_group(&lists, &group_of, groups.len(), |p| p.subject > 0.0);
        let docs = tools
            .iter()
            .zip(group_of)
            .zip(owners)
            .map(|((t, group), owner)| Doc {
                name: t.name.clone(),
                operation_id: t.operation_id.clone(),
                method: t.method,
                path: t.path.clone(),
                deprecated: t.deprecated,
                group,
                depth: literal_depth(&t.path),
                personal: is_personal(&t.path),
                owner,
                counts: t.path.ends_with("/$count"),
                item: names_item(&t.path),
            })
            .collect();
        Postings {
            terms: interner.terms,
            compounds: interner.compounds,
            lists,
            idf,
            idf_subject,
            docs,
            groups,
        }
    }

    /// The term id of an already lower-cased, non-stop `word`, if any tool uses it.
    pub(crate) fn lookup(&self, stems: &Stems, word: &str) -> Option<u32> {
        self.terms.get(stems.stem(word).as_ref()).copied()
    }

    /// The tool word (a stem) most like `word` by Jaro-Winkler similarity, when one reaches
    /// `threshold`; ties go to the shorter, then the alphabetically first.
    pub(crate) fn nearest_term(&self, word: &str, threshold: f64) -> Option<&str> {
        self.terms
            .keys()
            .map(|t| (strsim::jaro_winkler(word, t), &**t))
            .filter(|(s, _)| *s >= threshold)
            .max_by(|a, b| {
                a.0.total_cmp(&b.0)
                    .then(b.1.len().cmp(&a.1.len()))
                    .then(b.1.cmp(a.1))
            })
            .map(|(_, t)| t)
    }

    /// The parts of `word` (lower case) when the tools' prose writes it as a compound
    /// (`sharepoint` -> `share`, `point`).
    pub(crate) fn compound_parts(&self, word: &str) -> Option<&[Box<str>]> {
        self.compounds.get(word).map(AsRef::as_ref)
    }

    /// The inverse document frequency of `term`.
    pub(crate) fn idf(&self, term: u32) -> f32 {
        self.idf.get(term as usize).copied().unwrap_or(0.0)
    }

    /// Adds `weight * idf * saturate(tf)` of `term` to every matching document's score, with
    /// the name and target fields' share of `tf` scaled by `subject_weight` and `idf` at most
    /// `idf_cap`. Where part of `tf` comes from the name or target, the idf moves by that share
    /// ([`SUBJECT_IDF_MIX`]) towards the term's idf over those fields alone: `user` is in most
    /// of Graph's descriptions and weighs little there, but few tools *act on* users, and
    /// `POST /users` should not lose "create a user account" to every tool whose summary says
    /// "new".
    pub(crate) fn accumulate(
        &self,
        term: u32,
        weight: f32,
        subject_weight: f32,
        idf_cap: f32,
        scores: &mut [f32],
    ) {
        let (Some(list), Some(&idf)) = (self.lists.get(term as usize), self.idf.get(term as usize))
        else {
            return;
        };
        let idf = idf.min(idf_cap);
        let idf_s = self
            .idf_subject
            .get(term as usize)
            .copied()
            .unwrap_or(idf)
            .min(idf_cap);
        for p in list {
            let subject = subject_weight * p.subject;
            let tf = p.other + subject;
            let idf = if subject > 0.0 {
                idf + SUBJECT_IDF_MIX * (idf_s - idf).max(0.0) * subject / tf
            } else {
                idf
            };
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
fn idf_by_group(
    lists: &[Vec<Posting>],
    group_of: &[u32],
    groups: usize,
    counts: impl Fn(&Posting) -> bool,
) -> Vec<f32> {
    let n = groups as f32;
    let mut last_seen = vec![u32::MAX; groups];
    lists
        .iter()
        .enumerate()
        .map(|(term, list)| {
            let stamp = u32::try_from(term).unwrap_or(u32::MAX - 1);
            let mut df = 0u32;
            for p in list.iter().filter(|p| counts(p)) {
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

/// The first segment of `path` when it is one plain word (`users` of `/users/{user-id}`), in
/// lower case; `None` for a parameter or a segment of several words.
fn owner_word(path: &str) -> Option<&str> {
    let first = path.split('/').find(|s| !s.is_empty())?;
    first
        .chars()
        .all(|c| c.is_ascii_lowercase())
        .then_some(first)
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
        interner.add_prose(s, Field::Summary, out);
    }
    for tag in &tool.tags {
        interner.add_prose(tag, Field::Tags, out);
    }
    for seg in tool.path.split('/') {
        if !seg.starts_with('{') {
            // OData function arguments (`search(q='{q}')`) are parameters, not words.
            interner.add(seg.split('(').next().unwrap_or(seg), Field::Path, out);
        }
    }
    interner.add(target(&tool.path), Field::Target, out);
    interner.add_prose(&tool.description, Field::Description, out);
    let props = tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object);
    if matches!(tool.method, HttpMethod::Patch | HttpMethod::Put) {
        for name in body_properties(tool) {
            interner.add(name, Field::Body, out);
        }
    }
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
            interner.add_prose(cut, Field::Params, out);
        }
    }
}

/// What an API says about its resources where it describes them as properties of other
/// resources. Microsoft Graph's `PATCH /users/{user-id}` takes a user whose property `drive` is
/// "The user's OneDrive", and `PATCH /sites/{site-id}` a site whose `drives` are "The collection
/// of drives (document libraries) under this site"; the operations at
/// `/users/{user-id}/drive` and `/sites/{site-id}/drives` act on those properties, and their
/// own summaries ("Get drive from users") never say so. Learned from every update
/// (`PATCH`/`PUT`) with a flattened body: the description of body property `p` of the tool at
/// path `P` describes the resource at `P/p`.
struct PropertyTexts {
    /// Path key (see [`resource_key`]) -> the description's terms.
    texts: HashMap<String, Vec<u32>>,
}

impl PropertyTexts {
    fn learn(tools: &[ToolManifest], interner: &mut Interner) -> Self {
        let wanted: std::collections::HashSet<String> =
            tools.iter().map(|t| resource_key(&t.path)).collect();
        let mut texts: HashMap<String, Vec<u32>> = HashMap::new();
        let mut words = Vec::new();
        for tool in tools {
            if !matches!(tool.method, HttpMethod::Patch | HttpMethod::Put) {
                continue;
            }
            let props = tool
                .input_schema
                .get("properties")
                .and_then(Value::as_object);
            let base = template_key(&tool.path);
            for p in tool
                .params
                .iter()
                .filter(|p| p.location == ParamLocation::BodyProperty)
            {
                let key = format!("{base}/{}", p.wire_name);
                if !wanted.contains(&key) || texts.contains_key(&key) {
                    continue;
                }
                let Some(d) = props
                    .and_then(|m| m.get(&p.name))
                    .and_then(|s| s.get("description"))
                    .and_then(Value::as_str)
                else {
                    continue;
                };
                let cut = d
                    .char_indices()
                    .nth(PARAM_DESCRIPTION_CHARS)
                    .map_or(d, |(i, _)| &d[..i]);
                words.clear();
                interner.add_prose(cut, Field::Property, &mut words);
                let mut terms: Vec<u32> = words.iter().map(|(t, _)| *t).collect();
                terms.sort_unstable();
                terms.dedup();
                texts.insert(key, terms);
            }
        }
        PropertyTexts { texts }
    }

    fn of(&self, path: &str) -> Option<&Vec<u32>> {
        self.texts.get(&resource_key(path))
    }
}

/// The path of the resource a path reaches, with parameters written `{}` and without a
/// trailing item key or OData segment: `/sites/{site-id}/drives/{drive-id}` and
/// `/sites/{site-id}/drives/$count` are `/sites/{}/drives`.
fn resource_key(path: &str) -> String {
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    while segments
        .last()
        .is_some_and(|s| s.starts_with('{') || s.starts_with('$'))
    {
        segments.pop();
    }
    variants::template_of(segments)
}

/// `path` with parameters written `{}`: `/sites/{site-id}` is `/sites/{}`.
fn template_key(path: &str) -> String {
    variants::template_of(path.split('/').filter(|s| !s.is_empty()))
}

/// The property names of `tool`'s request body: its flattened body properties, or the
/// properties of the schema of its whole `body` input (through `$ref`s into `$defs` and
/// `allOf` members, as Microsoft Graph writes its entities: `user` is `allOf: [directoryObject,
/// {properties}]`).
fn body_properties(tool: &ToolManifest) -> Vec<&str> {
    let mut out = Vec::new();
    let props = tool
        .input_schema
        .get("properties")
        .and_then(Value::as_object);
    for p in &tool.params {
        match p.location {
            ParamLocation::BodyProperty => out.push(p.name.as_str()),
            ParamLocation::Body => {
                if let Some(schema) = props.and_then(|m| m.get(&p.name)) {
                    object_properties(&tool.input_schema, schema, 0, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

/// How many `$ref` and `allOf` steps [`object_properties`] follows.
const MAX_BODY_DEPTH: u8 = 4;

/// Collects the property names of `schema`, following local `$ref`s (into `root`'s `$defs`) and
/// `allOf` members up to [`MAX_BODY_DEPTH`] steps.
fn object_properties<'a>(root: &'a Value, schema: &'a Value, depth: u8, out: &mut Vec<&'a str>) {
    if depth > MAX_BODY_DEPTH {
        return;
    }
    if let Some(target) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| crate::pointer::resolve(root, r))
    {
        object_properties(root, target, depth + 1, out);
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        for m in members {
            object_properties(root, m, depth + 1, out);
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        out.extend(props.keys().map(String::as_str));
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
        p.accumulate(
            p.lookup(&stems, "owners").unwrap(),
            1.0,
            1.0,
            f32::INFINITY,
            &mut scores,
        );
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

    /// `tool` with a flattened body property `name` described by `description`.
    fn with_body_property(mut tool: ToolManifest, name: &str, description: &str) -> ToolManifest {
        tool.params.push(crate::manifest::InputParam::new(
            name,
            ParamLocation::BodyProperty,
        ));
        if let Some(props) = tool
            .input_schema
            .get_mut("properties")
            .and_then(Value::as_object_mut)
        {
            props.insert(
                name.to_owned(),
                serde_json::json!({"type": "string", "description": description}),
            );
        }
        tool
    }

    fn best(tools: &[ToolManifest], word: &str) -> Option<String> {
        let p = Postings::build(tools);
        let stems = Stems::new();
        let term = p.lookup(&stems, word)?;
        let mut scores = vec![0.0; tools.len()];
        p.accumulate(term, 1.0, 1.0, f32::INFINITY, &mut scores);
        let i = (0..scores.len())
            .filter(|&i| scores[i] > 0.0)
            .max_by(|&a, &b| scores[a].total_cmp(&scores[b]))?;
        tools[i].operation_id.clone()
    }

    #[test]
    fn a_property_description_describes_the_path_of_that_property() {
        use crate::discovery::testing::described;
        let update = with_body_property(
            described(
                "sites.UpdateSite",
                HttpMethod::Patch,
                "/sites/{site-id}",
                "Update site",
            ),
            "drives",
            "The collection of drives (document libraries) under this site.",
        );
        let tools = [
            update,
            described(
                "sites.ListDrives",
                HttpMethod::Get,
                "/sites/{site-id}/drives",
                "Get drives from sites",
            ),
            described(
                "sites.ListLists",
                HttpMethod::Get,
                "/sites/{site-id}/lists",
                "Get lists",
            ),
        ];
        assert_eq!(
            best(&tools, "libraries").as_deref(),
            Some("sites.ListDrives")
        );
        assert_eq!(
            resource_key("/sites/{site-id}/drives/{drive-id}"),
            "/sites/{}/drives"
        );
        assert_eq!(
            resource_key("/sites/{site-id}/drives/$count"),
            "/sites/{}/drives"
        );
        assert_eq!(template_key("/sites/{site-id}"), "/sites/{}");
        assert_eq!(resource_key("/"), "");
    }

    #[test]
    fn update_bodies_index_their_property_names() {
        use crate::discovery::testing::described;
        let update = with_body_property(
            described(
                "users.UpdateUser",
                HttpMethod::Patch,
                "/users/{id}",
                "Update user",
            ),
            "mobilePhone",
            "The primary cellular telephone number.",
        );
        let create = with_body_property(
            described(
                "users.CreateUser",
                HttpMethod::Post,
                "/users",
                "Create user",
            ),
            "mobilePhone",
            "The primary cellular telephone number.",
        );
        let tools = [create, update];
        assert_eq!(best(&tools, "mobile").as_deref(), Some("users.UpdateUser"));
        let whole = serde_json::json!({
            "type": "object",
            "properties": {"body": {"$ref": "#/$defs/user"}},
            "$defs": {
                "user": {"allOf": [{"$ref": "#/$defs/entity"},
                                   {"properties": {"jobTitle": {"type": "string"}}}]},
                "entity": {"properties": {"id": {"type": "string"}}}
            }
        });
        let mut names = Vec::new();
        object_properties(&whole, &whole["properties"]["body"], 0, &mut names);
        assert_eq!(names, ["id", "jobTitle"]);
        // A reference loop ends.
        let looped = serde_json::json!({"$defs": {"a": {"$ref": "#/$defs/a"}}});
        let mut none = Vec::new();
        object_properties(&looped, &looped["$defs"]["a"], 0, &mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn empty_tool_sets_build() {
        let p = Postings::build(&[]);
        assert!(p.docs.is_empty() && p.groups.is_empty());
        let mut scores: Vec<f32> = Vec::new();
        p.accumulate(0, 1.0, 1.0, f32::INFINITY, &mut scores);
    }
}
