//! From a query to ranked documents: query terms with synonyms, the method prior, variants
//! folded into one hit.

use std::borrow::Cow;

use super::index::{Doc, Postings};
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

/// How much a tool under the signed-in user's own path (`/me`, `/user`) gains (score times
/// `1 + boost`) when the query speaks in the first person ("my profile", "teams I am in"):
/// "my manager" is `GET /me/manager`, not `GET /users/{user-id}/manager`.
const FIRST_PERSON_BOOST: f32 = 0.25;

/// Counting tools (OData's `GET .../$count`) rank this much lower unless the query asks how
/// many ([`COUNT_WORDS`]), and this much higher when it does: Graph has one beside nearly
/// every collection, "list the people" wants the people, not their number, and "how many
/// users" the number, not the users.
const COUNT_FACTOR: f32 = 0.5;

/// Words asking how many.
const COUNT_WORDS: &[&str] = &["count", "many", "number", "total"];

/// Tools reading one item (`GET /pets/{petId}`) rank this much lower when the query's verb
/// asks for a collection ("list", "all"; see `synonyms::VerbGroup::collection`).
const ITEM_FACTOR: f32 = 0.8;

/// A word typed as one but split into several (`SharePoint`, `OneDrive`, `listPets`) gives
/// each part `parts^-SPLIT_EXPONENT` of a word's weight: together they weigh more than one
/// word but not as much as that many, so "SharePoint sites" is not two words about SharePoint
/// and one about sites.
const SPLIT_EXPONENT: f32 = 0.5;

/// Weight of each part of a compound typed whole when the tools' prose writes the compound
/// too ("SharePoint" counts as `sharepoint` and a little as `share` and `point`): Graph's
/// report functions (`getSharePointSiteUsageSiteCounts`) name the parts, and "share a file"
/// must not find them.
const COMPOUND_PART_WEIGHT: f32 = 0.3;

/// Words that say "the whole collection" and nothing about which: they ask for a list (see
/// `synonyms`) but are not searched for themselves, or "list all users" finds Graph's
/// `allChannels` and `getAllMessages` before `GET /users`.
const QUANTIFIERS: &[&str] = &["all", "every"];

/// Words that make a query first person. `i` is a stop word for matching but still says who
/// the task is about.
const FIRST_PERSON: &[&str] = &["i", "me", "mine", "my", "myself"];

/// How much a *context* word's match in a tool's name or target field counts (see
/// [`Query::parse`]): "add a member to a group" acts on members, so `POST /groups` (target
/// `groups`) must not match `group` as well as `POST /groups/{id}/members/$ref` (target
/// `members`, `groups` in its path) matches `member`.
const CONTEXT_SUBJECT_WEIGHT: f32 = 0.25;

/// Words that end the part of a task naming what it acts on and start its context: "list
/// the files *in* a folder", "add a label *to* an issue", "the members *of* a group".
const PREPOSITIONS: &[&str] = &[
    "across", "at", "by", "for", "from", "in", "inside", "into", "of", "on", "to", "under", "with",
    "within",
];

/// One query term: its weight, and how much its matches in the name and target fields count.
#[derive(Debug, Clone, Copy)]
struct Term {
    id: u32,
    weight: f32,
    subject_weight: f32,
    /// The highest idf the term may count with: another spelling or a synonym counts at most
    /// as much as the word typed (see [`Query::parse`]).
    idf_cap: f32,
}

/// A parsed query: weighted terms and the method preference of its first verb.
#[derive(Debug, Default)]
pub(crate) struct Query {
    terms: Vec<Term>,
    methods: Vec<(HttpMethod, f32)>,
    first_person: bool,
    /// The query asks how many.
    counts: bool,
    /// The query's first verb asks for a collection.
    collection: bool,
    /// Terms of the words typed whole (and their other spellings), without synonyms or the
    /// parts of a split word: what the query names.
    named: Vec<u32>,
}

impl Query {
    /// Parses a task. Its words play one of two roles: the words up to the first preposition
    /// that follows a noun name what the task acts on ("list the *files* in a folder"), the
    /// rest its context ("in a *folder*"). A context word's match in a tool's name or target
    /// field (what the tool acts on) counts [`CONTEXT_SUBJECT_WEIGHT`] of a head word's: the
    /// tool listing folders is not the one listing the files in one. Verbs ("list", "add")
    /// and first-person words do not end the head, so "search for sites" still acts on sites.
    pub(crate) fn parse(postings: &Postings, stems: &Stems, text: &str) -> Query {
        let mut q = Query::default();
        let mut verb_seen = false;
        let mut noun_seen = false;
        let mut context = false;
        let mut parts: Vec<String> = Vec::new();
        let text = join_hyphenated(postings, stems, text);
        let wants_all = text
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| QUANTIFIERS.iter().any(|q| w.eq_ignore_ascii_case(q)));
        for token in text.split(|c: char| !c.is_alphanumeric()) {
            if token.is_empty() {
                continue;
            }
            parts.clear();
            for_each_word(token, |w| parts.push(w.to_owned()));
            let mut part_weight = (parts.len().max(1) as f32).powf(-SPLIT_EXPONENT);
            // A compound the tools' prose writes whole ("SharePoint", "sharepoint") is one
            // word; its parts count less (see `COMPOUND_PART_WEIGHT`).
            let whole = token.to_lowercase();
            let learned = (parts.len() == 1)
                .then(|| postings.compound_parts(&whole))
                .flatten();
            if let Some(learned) = learned {
                parts = learned.iter().map(|p| p.to_string()).collect();
            }
            if parts.len() > 1 && postings.lookup(stems, &whole).is_some() {
                let subject_weight = subject_weight(context);
                q.add(postings, stems, &whole, 1.0, subject_weight, f32::INFINITY);
                q.name(postings, stems, &whole);
                noun_seen = true;
                part_weight = COMPOUND_PART_WEIGHT;
            }
            let split = parts.len() > 1;
            for word in parts.iter().map(String::as_str) {
                let first_person = FIRST_PERSON.contains(&word);
                q.first_person |= first_person;
                if noun_seen && PREPOSITIONS.contains(&word) {
                    context = true;
                }
                if is_stop_word(word) {
                    continue;
                }
                let subject_weight = subject_weight(context);
                let weight = part_weight;
                if COUNT_WORDS.contains(&word) {
                    q.counts = true;
                    // "How many users": the counting tools say `count` (OData's `$count`).
                    let w = SYNONYM_WEIGHT;
                    q.add(postings, stems, "count", w, subject_weight, f32::INFINITY);
                }
                if QUANTIFIERS.contains(&word) {
                    q.collection = true;
                } else {
                    q.add(postings, stems, word, weight, subject_weight, f32::INFINITY);
                }
                if !split {
                    q.name(postings, stems, word);
                }
                // Another spelling or a synonym counts at most as much as the word typed: Graph
                // summarises thousands of operations as "Create new navigation property ...",
                // so `create` is common and `add` rare, and "create a user" must not favour
                // every "Add new entity to ..." over `createUser`.
                let cap = postings
                    .lookup(stems, word)
                    .map_or(f32::INFINITY, |t| postings.idf(t));
                for spelling in synonyms::spellings(word) {
                    for_each_word(spelling, |w| {
                        q.add(
                            postings,
                            stems,
                            w,
                            weight * SPELLING_WEIGHT,
                            subject_weight,
                            cap,
                        );
                        if !split {
                            q.name(postings, stems, w);
                        }
                    });
                }
                // "Show all pets": a verb that lists or reads one lists when the task says all.
                let lists = synonyms::verb_groups(word).any(|g| g.collection);
                let mut groups = synonyms::verb_groups(word)
                    .filter(|g| g.collection || !(wants_all && lists))
                    .peekable();
                noun_seen |= !first_person && groups.peek().is_none();
                let first_verb = !verb_seen && groups.peek().is_some();
                if first_verb {
                    q.collection |= synonyms::verb_groups(word).all(|g| g.collection);
                }
                for g in groups {
                    for w in g.expand.iter().filter(|w| **w != word) {
                        q.add(
                            postings,
                            stems,
                            w,
                            weight * SYNONYM_WEIGHT,
                            subject_weight,
                            cap,
                        );
                    }
                    if first_verb {
                        for &(m, pref) in g.methods {
                            q.prefer(m, pref);
                        }
                    }
                }
                verb_seen |= first_verb;
            }
        }
        q
    }

    /// Adds a term, keeping the highest weights when it is already there.
    fn add(
        &mut self,
        postings: &Postings,
        stems: &Stems,
        word: &str,
        weight: f32,
        subject_weight: f32,
        idf_cap: f32,
    ) {
        let Some(id) = postings.lookup(stems, word) else {
            return;
        };
        match self.terms.iter_mut().find(|t| t.id == id) {
            Some(t) => {
                t.weight = t.weight.max(weight);
                t.subject_weight = t.subject_weight.max(subject_weight);
                t.idf_cap = t.idf_cap.max(idf_cap);
            }
            None => self.terms.push(Term {
                id,
                weight,
                subject_weight,
                idf_cap,
            }),
        }
    }

    /// Records that the query names `word`.
    fn name(&mut self, postings: &Postings, stems: &Stems, word: &str) {
        if let Some(id) = postings.lookup(stems, word)
            && !self.named.contains(&id)
        {
            self.named.push(id);
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

/// How much a query word's match in a tool's name or target field counts: all of it for a
/// head word, [`CONTEXT_SUBJECT_WEIGHT`] for a context word (see [`Query::parse`]).
fn subject_weight(context: bool) -> f32 {
    if context { CONTEXT_SUBJECT_WEIGHT } else { 1.0 }
}

/// `text` with each hyphenated word the tools write as one word joined (`to-do` -> `todo`,
/// `e-mail` -> `email`, `sign-in` -> `signin`); other hyphens stay, so their parts count as
/// words. Without the join, "to-do" is two stop words.
fn join_hyphenated<'a>(postings: &Postings, stems: &Stems, text: &'a str) -> Cow<'a, str> {
    if !text.contains('-') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_alphanumeric()) {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '-'))
            .unwrap_or(rest.len());
        let run = rest[..end].trim_end_matches('-');
        let joined: String = run
            .chars()
            .filter(|c| *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        if run.contains('-') && postings.lookup(stems, &joined).is_some() {
            out.push_str(&joined);
        } else {
            out.push_str(run);
        }
        rest = &rest[run.len()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// One ranked variant group: the group, the member to show for it, and the score of its
/// best-matching member.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ranked {
    pub group: u32,
    pub doc: u32,
    pub score: f32,
}

/// The best `top_k` variant groups for `query`, best first; ties go to the group met first in
/// document order. Each is shown by its member [`representative`] picks.
pub(crate) fn rank(postings: &Postings, query: &Query, top_k: usize) -> Vec<Ranked> {
    if top_k == 0 || query.is_empty() {
        return Vec::new();
    }
    let mut scores = vec![0f32; postings.docs.len()];
    for t in &query.terms {
        postings.accumulate(t.id, t.weight, t.subject_weight, t.idf_cap, &mut scores);
    }
    let mut best: Vec<(u32, f32)> = Vec::new();
    let mut group_best = vec![f32::NEG_INFINITY; postings.groups.len()];
    for (score, d) in scores.iter().zip(&postings.docs) {
        if *score <= 0.0 {
            continue;
        }
        let s = with_priors(query, d, *score);
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
    top_groups(postings, query, best, top_k)
}

/// A document's word score with the query-independent and intent priors applied: the method
/// the query's verb asks for, generality, deprecation, the first person, counting, items.
fn with_priors(query: &Query, d: &Doc, score: f32) -> f32 {
    let depth = f32::from(d.depth.saturating_sub(1));
    let mut s = score * query.method_factor(d.method) / (1.0 + DEPTH_PENALTY * depth);
    if d.deprecated {
        s *= DEPRECATED_FACTOR;
    }
    if query.first_person && d.personal {
        s *= 1.0 + FIRST_PERSON_BOOST;
    }
    match (d.counts, query.counts) {
        (true, false) => s *= COUNT_FACTOR,
        (true, true) => s /= COUNT_FACTOR,
        _ => {}
    }
    if query.collection && d.item && d.method == HttpMethod::Get {
        s *= ITEM_FACTOR;
    }
    s
}

/// The best `top_k` of `best` (group, score), best first (ties to the lower group), each shown
/// by its [`representative`].
fn top_groups(
    postings: &Postings,
    query: &Query,
    mut best: Vec<(u32, f32)>,
    top_k: usize,
) -> Vec<Ranked> {
    let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    if best.len() > top_k {
        best.select_nth_unstable_by(top_k - 1, order);
        best.truncate(top_k);
    }
    best.sort_unstable_by(order);
    best.into_iter()
        .filter_map(|(group, score)| {
            let doc = representative(postings, query, group)?;
            Some(Ranked { group, doc, score })
        })
        .collect()
}

/// Jaro-Winkler similarity from which an unknown query word is read as a tool's word
/// (`calender` as `calendar`); below it a word is not guessed at.
const NEAR_SPELLING: f64 = 0.9;

/// The best partial matches when no word of `text` is a word of any tool, so a search never
/// answers nothing while there are tools: first the query with each unknown word of four
/// letters or more read as the nearest tool word ([`NEAR_SPELLING`]); failing that, the tools
/// the query's priors alone favour (its verb's methods, the signed-in user's own paths for a
/// first-person query, the most general paths), scored below any word match.
pub(crate) fn fallback(
    postings: &Postings,
    stems: &Stems,
    text: &str,
    top_k: usize,
) -> Vec<Ranked> {
    if top_k == 0 || postings.docs.is_empty() {
        return Vec::new();
    }
    let mut corrected = String::with_capacity(text.len());
    let mut changed = false;
    for token in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
    {
        let word = token.to_lowercase();
        let near = (word.chars().count() >= 4
            && !is_stop_word(&word)
            && postings.lookup(stems, &word).is_none())
        .then(|| postings.nearest_term(&word, NEAR_SPELLING))
        .flatten();
        if let Some(term) = near {
            corrected.push_str(term);
            changed = true;
        } else {
            corrected.push_str(&word);
        }
        corrected.push(' ');
    }
    let query = Query::parse(postings, stems, &corrected);
    if changed {
        let ranked = rank(postings, &query, top_k);
        if !ranked.is_empty() {
            return ranked;
        }
    }
    let mut group_best = vec![0f32; postings.groups.len()];
    for d in &postings.docs {
        if let Some(g) = group_best.get_mut(d.group as usize) {
            *g = g.max(with_priors(&query, d, PRIOR_ONLY_SCORE));
        }
    }
    let best = group_best
        .into_iter()
        .enumerate()
        .filter_map(|(g, s)| Some((u32::try_from(g).ok()?, s)))
        .collect();
    top_groups(postings, &query, best, top_k)
}

/// The word score a tool gets in [`fallback`] when no word matched: small, so these hits
/// read as the guesses they are.
const PRIOR_ONLY_SCORE: f32 = 0.01;

/// The member a group is shown by: its most general one, unless the query says whose
/// resource it wants and that member is not it. A first-person query takes the first member
/// under the signed-in user's path ("the tasks assigned to *me* in Planner" is
/// `/me/planner/tasks`, not `/planner/tasks`); otherwise a query naming another member's owner
/// takes that member ("set a *user's* manager" is `/users/{user-id}/manager/$ref`, not
/// `/me/manager/$ref`).
pub(crate) fn representative(postings: &Postings, query: &Query, group: u32) -> Option<u32> {
    let members = postings.groups.get(group as usize)?;
    let first = *members.first()?;
    let doc = |m: &u32| postings.docs.get(*m as usize);
    let personal = |m: &&u32| doc(m).is_some_and(|d| d.personal);
    let named = |m: &&u32| {
        doc(m)
            .and_then(|d| d.owner)
            .is_some_and(|o| query.named.contains(&o))
    };
    let pick = if query.first_person {
        members.iter().find(personal)
    } else if members.first().filter(named).is_none() {
        members.iter().find(named)
    } else {
        None
    };
    Some(pick.copied().unwrap_or(first))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::testing::{described, petstore};

    fn top(text: &str, k: usize) -> Vec<String> {
        let tools = petstore();
        let p = Postings::build(&tools);
        let q = Query::parse(&p, &Stems::new(), text);
        rank(&p, &q, k)
            .into_iter()
            .map(|r| tools[r.doc as usize].operation_id.clone().unwrap())
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
    fn a_query_naming_an_owner_is_shown_that_owners_variant() {
        assert_eq!(top("list the events of a group", 1), ["groups.ListEvents"]);
        assert_eq!(top("list a user's events", 1), ["users.ListEvents"]);
        assert_eq!(top("list my events", 1), ["me.ListEvents"]);
        // The variants of the hit are the other members, most general first.
        let index = crate::discovery::ToolIndex::build(&petstore());
        let hit = &index.search("events of a group", 1)[0];
        let variants: Vec<&str> = hit.variants.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(variants, ["/me/events", "/users/{user-id}/events"]);
    }

    #[test]
    fn hyphenated_words_the_tools_write_whole_are_one_word() {
        let tools = [
            described(
                "todo.CreateLists",
                HttpMethod::Post,
                "/todo/lists",
                "Create list",
            ),
            described(
                "sites.CreateLists",
                HttpMethod::Post,
                "/sites/lists",
                "Create list",
            ),
        ];
        assert_eq!(ranked(&tools, "create a to-do list")[0], "todo.CreateLists");
        let p = Postings::build(&tools);
        let stems = Stems::new();
        assert_eq!(join_hyphenated(&p, &stems, "a to-do list"), "a todo list");
        assert_eq!(
            join_hyphenated(&p, &stems, "a read-only site-"),
            "a read-only site-"
        );
    }

    #[test]
    fn all_asks_for_a_list_without_being_searched() {
        let tools = [
            described("ListUsers", HttpMethod::Get, "/users", "List users"),
            described(
                "users.ListAllChannels",
                HttpMethod::Get,
                "/users/{user-id}/allChannels",
                "List allChannels",
            ),
        ];
        assert_eq!(ranked(&tools, "list all users")[0], "ListUsers");
        assert_eq!(ranked(&tools, "show every user")[0], "ListUsers");
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

    fn ranked(tools: &[crate::manifest::ToolManifest], text: &str) -> Vec<String> {
        let p = Postings::build(tools);
        let q = Query::parse(&p, &Stems::new(), text);
        rank(&p, &q, tools.len())
            .into_iter()
            .map(|r| tools[r.doc as usize].operation_id.clone().unwrap())
            .collect()
    }

    fn weights(text: &str, word: &str) -> (f32, f32) {
        let p = Postings::build(&petstore());
        let stems = Stems::new();
        let q = Query::parse(&p, &stems, text);
        let id = p.lookup(&stems, word).unwrap();
        let t = q.terms.iter().find(|t| t.id == id).unwrap();
        (t.weight, t.subject_weight)
    }

    #[test]
    fn words_after_a_preposition_are_context() {
        assert_eq!(weights("list the pets of an owner", "pets"), (1.0, 1.0));
        assert_eq!(
            weights("list the pets of an owner", "owner"),
            (1.0, CONTEXT_SUBJECT_WEIGHT)
        );
        // A preposition right after the verb does not end the head: "search for pets".
        assert_eq!(weights("search for pets", "pets"), (1.0, 1.0));
        let tools = [
            described("folders.List", HttpMethod::Get, "/folders", "List folders"),
            described(
                "folders.ListFiles",
                HttpMethod::Get,
                "/folders/{folder-id}/files",
                "List files",
            ),
        ];
        assert_eq!(
            ranked(&tools, "list the files in a folder")[0],
            "folders.ListFiles"
        );
        assert_eq!(ranked(&tools, "list the folders")[0], "folders.List");
    }

    #[test]
    fn a_synonym_counts_at_most_as_much_as_the_word_typed() {
        // `create` is common, `add` rare: "create an owner" must not prefer the one tool whose
        // summary says "add" over the one named for creating owners.
        let mut tools: Vec<_> = (0..6)
            .map(|i| {
                described(
                    &format!("things{i}.Create"),
                    HttpMethod::Post,
                    &format!("/things{i}"),
                    "Create new navigation property",
                )
            })
            .collect();
        tools.push(described(
            "owners.Create",
            HttpMethod::Post,
            "/owners",
            "Create owner",
        ));
        tools.push(described(
            "pets.Add",
            HttpMethod::Post,
            "/pets",
            "Add new entity to pets",
        ));
        assert_eq!(ranked(&tools, "create an owner")[0], "owners.Create");
        let p = Postings::build(&tools);
        let stems = Stems::new();
        let q = Query::parse(&p, &stems, "create");
        let add = p.lookup(&stems, "add").unwrap();
        let create = p.lookup(&stems, "create").unwrap();
        let t = q.terms.iter().find(|t| t.id == add).unwrap();
        assert!(p.idf(add) > p.idf(create));
        assert_eq!(t.idf_cap, p.idf(create));
    }

    #[test]
    fn a_word_split_in_parts_weighs_less_than_that_many_words() {
        let (w, _) = weights("list OwnerPets", "owner");
        assert!((w - 2f32.powf(-SPLIT_EXPONENT)).abs() < 1e-6);
        assert_eq!(weights("list owner pets", "owner").0, 1.0);
    }

    #[test]
    fn first_person_prefers_the_signed_in_users_path() {
        let tools = [
            described(
                "repos/list-for-org",
                HttpMethod::Get,
                "/orgs/{org}/repos",
                "List repositories",
            ),
            described(
                "repos/list-for-authenticated-user",
                HttpMethod::Get,
                "/user/repos",
                "List repositories",
            ),
        ];
        assert_eq!(ranked(&tools, "list repositories")[0], "repos/list-for-org");
        assert_eq!(
            ranked(&tools, "list my repositories")[0],
            "repos/list-for-authenticated-user"
        );
        assert_eq!(
            ranked(&tools, "repositories I can see")[0],
            "repos/list-for-authenticated-user"
        );
    }

    #[test]
    fn counting_tools_answer_only_how_many() {
        let tools = [
            described("pets.Count", HttpMethod::Get, "/pets/$count", "Get pets"),
            described("pets.List", HttpMethod::Get, "/pets", "List pets"),
            described("pets.Get", HttpMethod::Get, "/pets/{pet-id}", "Get pets"),
        ];
        assert_eq!(ranked(&tools, "pets").last().unwrap(), "pets.Count");
        assert_eq!(ranked(&tools, "the number of pets")[0], "pets.Count");
        assert_eq!(ranked(&tools, "how many pets are there")[0], "pets.Count");
        // "list" asks for the collection, not one item.
        assert_eq!(
            ranked(&tools, "list pets"),
            ["pets.List", "pets.Get", "pets.Count"]
        );
    }
}
