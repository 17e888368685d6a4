//! Names, decided once per tool set: tool names, input property names and `$defs` names.
//!
//! Every name a model sees must be valid for every provider at once, readable, and stable: the
//! same operation or property yields the same name across runs and across unrelated edits of
//! the spec. Collisions are resolved by rules that look only at the clashing names themselves
//! (a short stable hash of what makes each one distinct), never at declaration order.

mod defs;
mod property;
pub(crate) mod tool;
mod translit;

pub(crate) use defs::DefNames;
pub use property::{assign_property_names, is_safe_property_name, safe_property_name};
pub use tool::{ToolNameRequest, assign_tool_names, base_tool_name, is_valid_tool_name};

use heck::ToSnakeCase;
use sha2::{Digest, Sha256};

/// Length of the stable hash suffix used to separate clashing names (`_` + 6 hex digits).
pub(crate) const HASH_LEN: usize = 6;

/// The first `len` hex digits of sha256(`s`): short, stable across runs and platforms.
pub(crate) fn short_hash(s: &str, len: usize) -> String {
    let digest = Sha256::digest(s.as_bytes());
    let mut out = String::with_capacity(len);
    for b in digest {
        if out.len() >= len {
            break;
        }
        out.push_str(&format!("{b:02x}"));
    }
    out.truncate(len);
    out
}

/// Splits any identifier-ish text into lower-case ASCII words.
///
/// Non-ASCII letters are folded (`ç` -> `c`), a leading sign before a digit is spelled out
/// (`+1` -> `plus 1`, `-1` -> `minus 1`), a leading `@` or `$` is spelled out (`@type` ->
/// `at type`), camelCase and every other separator split words (heck's snake_case rules).
pub(crate) fn words(s: &str) -> Vec<String> {
    let ascii = translit::to_ascii(s);
    let chars: Vec<char> = ascii.chars().collect();
    let mut spelled = String::with_capacity(ascii.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let next_is_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        let at_word_start = i == 0 || !chars[i - 1].is_ascii_alphanumeric();
        match c {
            '+' => spelled.push_str(" plus "),
            '-' if at_word_start && next_is_digit => spelled.push_str(" minus "),
            '@' if i == 0 => spelled.push_str(" at "),
            '$' if i == 0 => spelled.push_str(" dollar "),
            c if c.is_ascii_alphanumeric() => spelled.push(c),
            _ => spelled.push(' '),
        }
    }
    spelled
        .to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Common long words and their usual abbreviations, tried before dropping words.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("administrator", "admin"),
    ("administrators", "admins"),
    ("application", "app"),
    ("applications", "apps"),
    ("attachment", "attach"),
    ("attachments", "attachs"),
    ("authentication", "authn"),
    ("authorization", "authz"),
    ("configuration", "config"),
    ("configurations", "configs"),
    ("definition", "def"),
    ("definitions", "defs"),
    ("deployment", "deploy"),
    ("deployments", "deploys"),
    ("description", "desc"),
    ("environment", "env"),
    ("environments", "envs"),
    ("identifier", "id"),
    ("information", "info"),
    ("management", "mgmt"),
    ("notification", "notif"),
    ("notifications", "notifs"),
    ("organization", "org"),
    ("organizations", "orgs"),
    ("parameter", "param"),
    ("parameters", "params"),
    ("permission", "perm"),
    ("permissions", "perms"),
    ("repository", "repo"),
    ("repositories", "repos"),
    ("specification", "spec"),
    ("subscription", "sub"),
    ("subscriptions", "subs"),
];

/// Joins `words` with `_` into at most `max` characters, shortening at word boundaries:
/// first common long words are abbreviated, then words are dropped from the middle outwards
/// (the leading verb and the trailing noun carry most meaning). `None` when even the first and
/// last word do not fit; callers then truncate and add a hash.
pub(crate) fn fit_words(words: &[String], max: usize) -> Option<String> {
    let joined = words.join("_");
    if joined.len() <= max {
        return Some(joined);
    }
    let mut kept: Vec<&str> = words
        .iter()
        .map(|w| {
            ABBREVIATIONS
                .iter()
                .find(|(long, _)| long == w)
                .map_or(w.as_str(), |(_, short)| *short)
        })
        .collect();
    loop {
        let len = kept.iter().map(|w| w.len()).sum::<usize>() + kept.len().saturating_sub(1);
        if len <= max {
            return Some(kept.join("_"));
        }
        if kept.len() <= 2 {
            return None;
        }
        // Drop the middle word; for an even count, the one left of centre.
        let middle = (kept.len() - 1) / 2;
        kept.remove(middle.max(1));
    }
}

/// Last resort for a name with one huge word: cut at the last `_` (or hard) so that
/// `_` + hash fits in `max`, the hash taken over `original` so distinct inputs stay distinct.
pub(crate) fn truncate_with_hash(name: &str, original: &str, max: usize) -> String {
    let room = max.saturating_sub(HASH_LEN + 1);
    let mut cut: String = name.chars().take(room).collect();
    if let Some(pos) = cut.rfind('_')
        && pos >= room / 2
    {
        cut.truncate(pos);
    }
    let cut = cut.trim_end_matches('_');
    format!("{cut}_{}", short_hash(original, HASH_LEN))
}

/// `words` fitted into `max` characters: shortened at word boundaries, hashed only if needed.
pub(crate) fn fit_or_hash(words: &[String], original: &str, max: usize) -> String {
    fit_words(words, max).unwrap_or_else(|| truncate_with_hash(&words.join("_"), original, max))
}

/// An identifier from `words` that fits `max` and starts with a letter or `_` (a leading digit
/// gets a `_` in front).
pub(crate) fn fit_identifier(words: &[String], original: &str, max: usize) -> String {
    let starts_with_digit = words
        .first()
        .and_then(|w| w.chars().next())
        .is_some_and(|c| c.is_ascii_digit());
    if starts_with_digit {
        format!("_{}", fit_or_hash(words, original, max.saturating_sub(1)))
    } else {
        fit_or_hash(words, original, max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn words_split_camel_case_and_separators() {
        assert_eq!(w("getUsersByID"), ["get", "users", "by", "id"]);
        assert_eq!(w("meta/root"), ["meta", "root"]);
        assert_eq!(w("Destiny2.GetProfile"), ["destiny2", "get", "profile"]);
        assert_eq!(w("List Rules"), ["list", "rules"]);
        assert_eq!(w("X-Request-Id"), ["x", "request", "id"]);
    }

    #[test]
    fn words_spell_out_leading_signs_and_sigils() {
        assert_eq!(w("+1"), ["plus", "1"]);
        assert_eq!(w("-1"), ["minus", "1"]);
        assert_eq!(w("@type"), ["at", "type"]);
        assert_eq!(w("$ref"), ["dollar", "ref"]);
        // A dash between words is only a separator.
        assert_eq!(w("a-1"), ["a", "1"]);
    }

    #[test]
    fn words_fold_non_ascii() {
        assert_eq!(
            w("getPurchaseOrder≠AttachmentByFileName"),
            ["get", "purchase", "order", "attachment", "by", "file", "name"]
        );
        assert_eq!(w("Resolução"), ["resolucao"]);
    }

    #[test]
    fn short_names_are_kept_whole() {
        assert_eq!(fit_words(&w("list_pets"), 64).unwrap(), "list_pets");
    }

    #[test]
    fn long_names_abbreviate_then_drop_middle_words() {
        let words = w("get_organization_repository_configuration");
        assert_eq!(fit_words(&words, 30).unwrap(), "get_org_repo_config");
        let words = w("alpha_bravo_charlie_delta_echo_foxtrot");
        let fitted = fit_words(&words, 25).unwrap();
        assert_eq!(fitted, "alpha_bravo_echo_foxtrot");
        assert!(fitted.len() <= 25);
    }

    #[test]
    fn hopeless_names_truncate_with_a_stable_hash() {
        let words = vec!["a".repeat(100)];
        let name = fit_or_hash(&words, "orig", 64);
        assert_eq!(name.len(), 64);
        assert!(name.ends_with(&format!("_{}", short_hash("orig", HASH_LEN))));
        assert_eq!(name, fit_or_hash(&words, "orig", 64));
    }

    #[test]
    fn short_hash_is_hex_and_stable() {
        assert_eq!(short_hash("abc", 6), "ba7816");
    }
}
