//! Input property names: `^[a-zA-Z_][a-zA-Z0-9_]{0,63}$` (Gemini's rule, which also satisfies
//! Anthropic's `^[a-zA-Z0-9_.-]{1,64}$` and OpenAI's).
//!
//! A name that is already safe is kept as is (`petId` stays `petId`: models do best with the
//! API's own names). Anything else becomes snake_case words (`X-Request-Id` -> `x_request_id`,
//! `hydra:member` -> `hydra_member`, `+1` -> `plus_1`, `@type` -> `at_type`). The wire name is
//! recorded by the caller whenever the two differ.

use std::collections::{HashMap, HashSet};

use super::{HASH_LEN, fit_identifier, short_hash, words};

/// The longest property name any provider accepts.
pub const MAX_PROPERTY_NAME: usize = 64;

/// Whether `name` matches `^[a-zA-Z_][a-zA-Z0-9_]{0,63}$`.
pub fn is_safe_property_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    name.len() <= MAX_PROPERTY_NAME
        && (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The tool-facing name for one wire name, before uniqueness is enforced.
///
/// ```
/// use openapi_tools_build::model::names::safe_property_name;
/// assert_eq!(safe_property_name("petId"), "petId");
/// assert_eq!(safe_property_name("X-Request-Id"), "x_request_id");
/// assert_eq!(safe_property_name("+1"), "plus_1");
/// assert_eq!(safe_property_name(""), "empty");
/// ```
pub fn safe_property_name(wire: &str) -> String {
    if is_safe_property_name(wire) {
        return wire.to_owned();
    }
    let w = words(wire);
    if w.is_empty() {
        return if wire.is_empty() {
            "empty".to_owned()
        } else {
            // Only symbols or unreadable script: stable, if not pretty.
            format!("prop_{}", short_hash(wire, HASH_LEN))
        };
    }
    fit_identifier(&w, wire, MAX_PROPERTY_NAME)
}

/// Tool-facing names for the properties of one object level, in the same order as `wires`
/// (which are distinct, being keys of one map).
///
/// Safe names are kept. A renamed property whose name is taken (by a kept name or another
/// renamed one) gets `_` + a short hash of its own wire name, so the outcome depends only on the
/// clashing names: never a silent merge, never order-dependent.
pub fn assign_property_names(wires: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = wires.iter().map(|w| safe_property_name(w)).collect();
    let kept: HashSet<&str> = wires
        .iter()
        .copied()
        .filter(|w| is_safe_property_name(w))
        .collect();
    for round in 0..4 {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for n in &names {
            *count.entry(n.as_str()).or_default() += 1;
        }
        let clashing: Vec<usize> = names
            .iter()
            .zip(wires)
            .enumerate()
            .filter(|(_, (name, wire))| {
                let renamed = name.as_str() != **wire;
                renamed
                    && (kept.contains(name.as_str())
                        || count.get(name.as_str()).copied().unwrap_or(0) > 1)
            })
            .map(|(i, _)| i)
            .collect();
        if clashing.is_empty() {
            break;
        }
        let hash_len = HASH_LEN + 2 * round;
        for i in clashing {
            let (Some(wire), Some(slot)) = (wires.get(i), names.get_mut(i)) else {
                continue;
            };
            let stem = fit_identifier(
                &words(wire),
                wire,
                MAX_PROPERTY_NAME.saturating_sub(hash_len + 1),
            );
            let stem = if stem.is_empty() || stem.starts_with("prop_") {
                "prop".to_owned()
            } else {
                stem
            };
            *slot = format!("{stem}_{}", short_hash(wire, hash_len));
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names_are_kept_unchanged() {
        for name in ["petId", "type", "self", "_links", "a1", "async"] {
            assert_eq!(safe_property_name(name), name);
        }
    }

    #[test]
    fn header_names_become_snake_case() {
        assert_eq!(safe_property_name("X-Request-Id"), "x_request_id");
        assert_eq!(safe_property_name("Cache-Control"), "cache_control");
    }

    #[test]
    fn json_ld_and_hydra_names_get_readable_names() {
        assert_eq!(safe_property_name("hydra:member"), "hydra_member");
        assert_eq!(safe_property_name("@type"), "at_type");
        assert_eq!(safe_property_name("@id"), "at_id");
    }

    #[test]
    fn signs_are_spelled_out() {
        assert_eq!(safe_property_name("+1"), "plus_1");
        assert_eq!(safe_property_name("-1"), "minus_1");
    }

    #[test]
    fn dotted_names_join_with_underscores() {
        assert_eq!(
            safe_property_name("airline.boarding_fee"),
            "airline_boarding_fee"
        );
    }

    #[test]
    fn empty_symbol_and_non_latin_names_get_safe_names() {
        assert_eq!(safe_property_name(""), "empty");
        let star = safe_property_name("*");
        assert!(star.starts_with("prop_") && is_safe_property_name(&star));
        assert!(is_safe_property_name(&safe_property_name("名前")));
        assert_eq!(safe_property_name("Resolução"), "resolucao");
    }

    #[test]
    fn leading_digits_get_an_underscore() {
        assert_eq!(safe_property_name("3ds"), "_3ds");
        assert_eq!(safe_property_name("1"), "_1");
    }

    #[test]
    fn long_names_are_shortened_to_64() {
        let long = "a_very_long_property_name_".repeat(4) + "with-dash";
        let name = safe_property_name(&long);
        assert!(is_safe_property_name(&name), "{name}");
        let long_safe = "x".repeat(70);
        assert!(is_safe_property_name(&safe_property_name(&long_safe)));
    }

    #[test]
    fn renamed_names_never_take_a_kept_name() {
        let names = assign_property_names(&["x_id", "x-id"]);
        assert_eq!(names[0], "x_id");
        assert_eq!(names[1], format!("x_id_{}", short_hash("x-id", 6)));
    }

    #[test]
    fn two_renamed_names_that_clash_both_get_their_own_hash() {
        let names = assign_property_names(&["a-b", "a.b", "c"]);
        assert_eq!(names[0], format!("a_b_{}", short_hash("a-b", 6)));
        assert_eq!(names[1], format!("a_b_{}", short_hash("a.b", 6)));
        assert_eq!(names[2], "c");
        // Independent of order.
        let reversed = assign_property_names(&["c", "a.b", "a-b"]);
        assert_eq!(reversed[1], names[1]);
        assert_eq!(reversed[2], names[0]);
    }

    #[test]
    fn plus_and_minus_one_do_not_clash() {
        let names = assign_property_names(&["+1", "-1", "laugh"]);
        assert_eq!(names, ["plus_1", "minus_1", "laugh"]);
    }
}
