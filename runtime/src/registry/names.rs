//! Exported tool names: namespacing and the provider name rule.
//!
//! Every provider accepts `^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$` (OpenAI and Gemini allow at most 64
//! characters, Anthropic the same pattern). A namespace is joined with `_`; when the result is
//! too long it is cut and a short hash of the full name appended, so the name stays valid and
//! depends only on the namespace and the tool name (not on other tools).

use crate::hash::bytes_hash;

/// Longest tool name every provider accepts.
pub const MAX_TOOL_NAME: usize = 64;
/// Longest namespace, leaving room for the tool name.
pub const MAX_NAMESPACE: usize = 32;

/// Why a name is not provider-valid, or `None` when it is.
pub fn invalid_reason(name: &str, max: usize) -> Option<String> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Some("it is empty".into());
    };
    if !(first.is_ascii_alphabetic() || first == '_') {
        return Some(format!("it starts with `{first}`, not a letter or `_`"));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Some(format!(
            "it contains `{bad}`; only letters, digits, `_` and `-` are allowed"
        ));
    }
    if name.len() > max {
        return Some(format!(
            "it is {} characters long; at most {max} are allowed",
            name.len()
        ));
    }
    None
}

/// The name a tool is exported under: `{namespace}_{tool}`, shortened with a hash suffix when
/// longer than [`MAX_TOOL_NAME`]. `tool` and `namespace` are ASCII once validated; this never
/// splits a character because it cuts on a char boundary regardless.
pub fn exported_name(namespace: Option<&str>, tool: &str) -> String {
    let Some(ns) = namespace else {
        return tool.to_owned();
    };
    let full = format!("{ns}_{tool}");
    if full.len() <= MAX_TOOL_NAME {
        return full;
    }
    let hash = bytes_hash(full.as_bytes());
    let suffix = hash.get(..8).unwrap_or(&hash);
    let keep = MAX_TOOL_NAME - suffix.len() - 1;
    let mut cut = keep.min(full.len());
    while !full.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{suffix}", full.get(..cut).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_rule_is_enforced() {
        assert_eq!(invalid_reason("get_pet-2", 64), None);
        assert_eq!(invalid_reason("_x", 64), None);
        assert!(invalid_reason("", 64).unwrap().contains("empty"));
        assert!(
            invalid_reason("2pets", 64)
                .unwrap()
                .contains("starts with `2`")
        );
        assert!(invalid_reason("pets.get", 64).unwrap().contains("`.`"));
        assert!(
            invalid_reason(&"a".repeat(65), 64)
                .unwrap()
                .contains("65 characters")
        );
        assert_eq!(invalid_reason(&"a".repeat(64), 64), None);
    }

    #[test]
    fn namespace_is_joined_with_underscore() {
        assert_eq!(exported_name(None, "get_pet"), "get_pet");
        assert_eq!(exported_name(Some("gh"), "get_pet"), "gh_get_pet");
    }

    #[test]
    fn long_names_are_cut_with_a_stable_hash_and_stay_valid() {
        let tool = "a".repeat(60);
        let a = exported_name(Some("github"), &tool);
        assert_eq!(a.len(), MAX_TOOL_NAME);
        assert_eq!(invalid_reason(&a, MAX_TOOL_NAME), None);
        assert_eq!(a, exported_name(Some("github"), &tool));
        let other = format!("{}b", "a".repeat(59));
        assert_ne!(a, exported_name(Some("github"), &other));
    }
}
