//! Words out of identifiers and prose, and their stems.
//!
//! Tool names and operationIds are identifiers (`listPetsByOwner`, `list_pets`,
//! `me.calendar.ListEvents`, `repos/create-fork`), paths are templates (`/pets/{petId}`), and
//! summaries are prose. All of them become the same kind of word: lower case, split at every
//! non-alphanumeric character and at camelCase boundaries (`HTMLParser` -> `html`, `parser`;
//! `CoreV1Pod` -> `core`, `v1`, `pod`). Stop words are dropped so that prose and identifiers
//! weigh alike, and every word is stemmed (Snowball English, `rust-stemmers`) so that
//! `repositories`, `repository` and `repos`' long form meet.

use std::borrow::Cow;

use rust_stemmers::{Algorithm, Stemmer};

/// English words that carry no meaning for finding an operation. Kept short on purpose: words
/// such as `all`, `new`, `my` or `open` are intent words (see `synonyms`), not noise.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "can", "could", "do", "does", "for", "from",
    "how", "i", "in", "into", "is", "it", "its", "of", "on", "or", "please", "some", "that", "the",
    "their", "then", "this", "those", "to", "via", "want", "was", "what", "when", "where", "which",
    "who", "whose", "will", "with", "would", "you", "your",
];

/// Whether `word` (lower case) is a stop word.
pub(crate) fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
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

fn flush(word: &mut String, emit: &mut impl FnMut(&str)) {
    if !word.is_empty() {
        emit(word);
        word.clear();
    }
}

/// Snowball English stemmer, created once per index or query.
pub(crate) struct Stems(Stemmer);

impl Stems {
    /// The English stemmer.
    pub(crate) fn new() -> Self {
        Stems(Stemmer::create(Algorithm::English))
    }

    /// The stem of a lower-case word.
    pub(crate) fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        self.0.stem(word)
    }
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
    fn non_ascii_words_survive() {
        assert_eq!(words("Resolução über"), ["resolução", "über"]);
        assert!(words("  --- ").is_empty());
    }

    #[test]
    fn stems_meet() {
        let s = Stems::new();
        assert_eq!(s.stem("repositories"), s.stem("repository"));
        assert_eq!(s.stem("events"), s.stem("event"));
        assert_eq!(s.stem("listing"), s.stem("list"));
    }
}
