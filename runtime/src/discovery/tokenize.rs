//! Words out of identifiers and prose, and their stems.
//!
//! Tool names and operationIds are identifiers (`listPetsByOwner`, `list_pets`,
//! `me.calendar.ListEvents`, `repos/create-fork`), paths are templates (`/pets/{petId}`), and
//! summaries are prose. All of them become the same kind of word: lower case, split at every
//! non-alphanumeric character and at camelCase boundaries (`HTMLParser` -> `html`, `parser`;
//! `CoreV1Pod` -> `core`, `v1`, `pod`). Stop words and single letters (the `s` of `user's`)
//! are dropped so that prose and identifiers weigh alike.
//!
//! Stemming is deliberately light: plurals (`repositories` -> `repository`, `branches` ->
//! `branch`, `events` -> `event`) and verb endings (`shared`, `sharing`, `share` -> `shar`;
//! `tracked`, `tracking` -> `track`), nothing else. A full stemmer (Snowball English, measured
//! on the labelled set) conflates words that name different API resources: `manager` /
//! `managed` / `management`, `authenticated` / `authentication`, `logged` / `logs`; on
//! Microsoft Graph that cost more tasks than it gained. Verb endings alone keep nouns apart
//! (`manager`, `management` and `manag` for `managed`) and gained tasks on Graph and Stripe.

use std::borrow::Cow;

/// English words that carry no meaning for finding an operation. Kept short on purpose: words
/// such as `all`, `new`, `my` or `open` are intent words (see `synonyms`), not noise.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "could", "do", "does", "for", "from",
    "how", "i", "in", "into", "is", "it", "its", "of", "on", "or", "please", "some", "that", "the",
    "their", "then", "this", "those", "to", "via", "want", "was", "what", "when", "where", "which",
    "who", "whose", "will", "with", "would", "you", "your",
];

/// Whether `word` (lower case) carries no meaning: a stop word or a single letter.
pub(crate) fn is_stop_word(word: &str) -> bool {
    let mut chars = word.chars();
    let single_letter = chars.next().is_some_and(char::is_alphabetic) && chars.next().is_none();
    single_letter || STOP_WORDS.binary_search(&word).is_ok()
}

/// Calls `emit` with every lower-case word of `text`, in order, stop words included.
///
/// Splits at non-alphanumeric characters and inside alphanumeric runs at camelCase
/// boundaries: before an upper-case letter that follows a lower-case letter or a digit
/// (`listPets`, `V1Pod`), and before the last capital of a capital run followed by a lower-case
/// letter (`HTMLParser`).
pub(crate) fn for_each_word(text: &str, mut emit: impl FnMut(&str)) {
    let mut word = String::new();
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_alphanumeric() {
            flush(&mut word, &mut emit);
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let next_lower = chars.peek().is_some_and(|n| n.is_lowercase());
            let boundary = c.is_uppercase()
                && (p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next_lower));
            if boundary {
                flush(&mut word, &mut emit);
            }
        }
        word.extend(c.to_lowercase());
        prev = Some(c);
    }
    flush(&mut word, &mut emit);
}

/// Calls `emit` with every compound of `text` and its parts: an alphabetic run starting with
/// a capital that [`for_each_word`] splits in two or more words, in lower case (`SharePoint`
/// -> `sharepoint`, [`share`, `point`]). Prose writes product names that way (`SharePoint`,
/// `OneDrive`, `GitHub`) and users type them whole, often in lower case; splitting them alone
/// makes "SharePoint" mean "share" and "point".
pub(crate) fn for_each_compound(text: &str, mut emit: impl FnMut(&str, &[String])) {
    let mut parts: Vec<String> = Vec::new();
    for run in text.split(|c: char| !c.is_alphanumeric()) {
        // A proper noun starts with a capital; `memberOf` or `managedDevices` in prose name a
        // property, whose parts are the words.
        let capital = run.chars().next().is_some_and(char::is_uppercase);
        if run.len() < 4 || !capital || !run.chars().all(char::is_alphabetic) {
            continue;
        }
        let mut rest = run.chars().skip(1);
        if !rest.any(char::is_uppercase) {
            continue;
        }
        parts.clear();
        for_each_word(run, |w| parts.push(w.to_owned()));
        if parts.len() >= 2 {
            emit(&run.to_lowercase(), &parts);
        }
    }
}

fn flush(word: &mut String, emit: &mut impl FnMut(&str)) {
    if !word.is_empty() {
        emit(word);
        word.clear();
    }
}

/// The plural stemmer (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Stems;

impl Stems {
    /// The stemmer.
    pub(crate) fn new() -> Self {
        Stems
    }

    /// The stem of a lower-case word: its singular, then without a verb ending.
    ///
    /// Singular: `-ies` -> `-y`; `-sses`, `-xes`, `-ches`, `-shes`, `-zes` lose `es`; other
    /// `-s` words lose `s` unless they end in `ss`, `us` or `is`. Verb endings: `-ing` and
    /// `-ed` go (a doubled final consonant other than `l`, `s`, `z` with them), then a final
    /// `-e`, so `share`, `shared` and `sharing` meet at `shar`, and `track`, `tracked` and
    /// `tracking` at `track`; each only when at least four letters with a vowel stay, so
    /// `string`, `need`, `note` and `setting` (not `set`) keep their meaning. Nouns made from
    /// verbs (`manager`, `management`) keep their endings.
    pub(crate) fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        let singular = singular(word);
        let base: &str = &singular;
        match verb_stem(base) {
            Some(v) if v.len() < base.len() => Cow::Owned(v.to_owned()),
            _ => singular,
        }
    }
}

/// The singular of a lower-case word (see [`Stems::stem`]).
fn singular(word: &str) -> Cow<'_, str> {
    if word.len() <= 3 || !word.ends_with('s') {
        return Cow::Borrowed(word);
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return Cow::Owned(format!("{stem}y"));
    }
    for suffix in ["sses", "xes", "ches", "shes", "zes"] {
        if word.ends_with(suffix) {
            return Cow::Borrowed(&word[..word.len() - 2]);
        }
    }
    if ["ss", "us", "is"].iter().any(|e| word.ends_with(e)) {
        return Cow::Borrowed(word);
    }
    Cow::Borrowed(&word[..word.len() - 1])
}

/// `word` without `-ing`/`-ed` (and a doubled consonant before it) or a final `-e`, when at
/// least four letters with a vowel stay (see [`Stems::stem`]).
fn verb_stem(word: &str) -> Option<&str> {
    let long_enough = |s: &str| s.len() >= 4 && s.chars().any(|c| "aeiouy".contains(c));
    let ending = ["ing", "ed"].into_iter().find_map(|e| word.strip_suffix(e));
    if let Some(stem) = ending.filter(|s| long_enough(s)) {
        let b = stem.as_bytes();
        let doubled = b.len() >= 2
            && b[b.len() - 1] == b[b.len() - 2]
            && !b"aeiouylsz".contains(&b[b.len() - 1]);
        let stem = if doubled {
            &stem[..stem.len() - 1]
        } else {
            stem
        };
        if long_enough(stem) {
            return Some(
                stem.strip_suffix('e')
                    .filter(|s| long_enough(s))
                    .unwrap_or(stem),
            );
        }
        return None;
    }
    word.strip_suffix('e').filter(|s| long_enough(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for_each_word(text, |w| out.push(w.to_owned()));
        out
    }

    #[test]
    fn stop_word_table_is_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(is_stop_word("the") && !is_stop_word("all") && !is_stop_word("my"));
    }

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(words("listPetsByOwner"), ["list", "pets", "by", "owner"]);
        assert_eq!(words("list_pets"), ["list", "pets"]);
        assert_eq!(
            words("me.calendar.ListEvents"),
            ["me", "calendar", "list", "events"]
        );
        assert_eq!(words("repos/create-fork"), ["repos", "create", "fork"]);
        assert_eq!(words("HTMLParser"), ["html", "parser"]);
        assert_eq!(
            words("readCoreV1NamespacedPodLog"),
            ["read", "core", "v1", "namespaced", "pod", "log"]
        );
        assert_eq!(
            words("/pets/{petId}/$count"),
            ["pets", "pet", "id", "count"]
        );
    }

    #[test]
    fn compounds_come_whole_with_their_parts() {
        let mut out = Vec::new();
        for_each_compound(
            "Your SharePoint site, OneDrive and V1Pod or iOS app",
            |w, p| {
                out.push((w.to_owned(), p.join(" ")));
            },
        );
        let want = [("sharepoint", "share point"), ("onedrive", "one drive")];
        assert_eq!(
            out,
            want.map(|(w, p)| (w.to_owned(), p.to_owned())).to_vec()
        );
    }

    #[test]
    fn non_ascii_words_survive() {
        assert_eq!(words("Resolução über"), ["resolução", "über"]);
        assert!(words("  --- ").is_empty());
    }

    #[test]
    fn plurals_meet_their_singulars() {
        let s = Stems::new();
        for (plural, singular) in [
            ("repositories", "repository"),
            ("events", "event"),
            ("branches", "branch"),
            ("addresses", "address"),
            ("boxes", "box"),
            ("pods", "pod"),
            ("users", "user"),
        ] {
            assert_eq!(s.stem(plural), singular);
        }
        assert_eq!(s.stem("messages"), s.stem("message"));
        for word in ["status", "analysis", "access", "bus", "manager", "é", "ß"] {
            assert_eq!(s.stem(word), word);
        }
        assert_ne!(s.stem("managed"), s.stem("manager"));
        assert_ne!(s.stem("management"), s.stem("manager"));
    }

    #[test]
    fn verb_endings_meet_their_verb() {
        let s = Stems::new();
        for forms in [
            ["share", "shared", "sharing"],
            ["track", "tracked", "tracking"],
            ["change", "changed", "changes"],
            ["embed", "embedded", "embeds"],
            ["install", "installed", "installing"],
        ] {
            assert!(
                forms.iter().all(|f| s.stem(f) == s.stem(forms[0])),
                "{forms:?}"
            );
        }
        // Too short once the ending goes: the word keeps its meaning.
        for word in [
            "string", "need", "note", "setting", "mapping", "name", "site",
        ] {
            assert_eq!(s.stem(word), word);
        }
    }

    #[test]
    fn single_letters_are_noise_digits_are_not() {
        assert!(is_stop_word("s") && is_stop_word("é"));
        assert!(!is_stop_word("2") && !is_stop_word("v1"));
    }
}
