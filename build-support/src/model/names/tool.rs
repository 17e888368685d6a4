//! Tool names: `^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$` for every provider at once.
//!
//! A tool is named from its operationId in snake_case (`meta/root` -> `meta_root`,
//! `Get account` -> `get_account`), or from method + path when there is none
//! (`GET /users/{id}` -> `get_users_by_id`). Long names are shortened at word boundaries.
//! Names that clash (case-insensitively, since several clients fold case) each get `_` + a
//! short hash of their own `METHOD path`, so the outcome depends only on the clashing
//! operations, never on their order or on unrelated operations.

use openapi_tools_runtime::manifest::HttpMethod;

use super::{HASH_LEN, fit_identifier as fit, short_hash, words};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// The longest tool name any provider accepts.
pub const MAX_TOOL_NAME: usize = 64;

/// Whether `name` matches `^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$`.
pub fn is_valid_tool_name(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    name.len() <= MAX_TOOL_NAME
        && (first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// What naming needs to know about one operation.
#[derive(Debug, Clone)]
pub struct ToolNameRequest<'a> {
    /// The operationId, if any.
    pub operation_id: Option<&'a str>,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path key exactly as written in the spec (fragment and query included): together with
    /// the method it identifies the operation, so it seeds the clash hash.
    pub path: &'a str,
    /// A user-chosen name that replaces the derived one.
    pub override_name: Option<&'a str>,
}

impl ToolNameRequest<'_> {
    fn identity(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }

    fn label(&self) -> String {
        self.operation_id.map_or_else(|| self.identity(), str::to_owned)
    }
}

/// Words for the name of an operation: from its operationId, else from method + path.
fn name_words(operation_id: Option<&str>, method: HttpMethod, path: &str) -> Vec<String> {
    if let Some(id) = operation_id {
        let w = words(id);
        if !w.is_empty() {
            return w;
        }
    }
    let mut out = vec![method.key().to_owned()];
    // The query part of a path key (`/fax/history?date_from={date_from}`) names parameters, not
    // the resource; the fragment (`/{Bucket}#cors`) does name the resource, so it is kept.
    let path = path.split('?').next().unwrap_or(path);
    let spelled = path.replace('{', " by ").replace('}', " ");
    out.extend(words(&spelled));
    out
}

/// The unsuffixed tool name of one operation, at most `max` characters (without namespace).
///
/// ```
/// use openapi_tools_build::model::names::base_tool_name;
/// use openapi_tools_runtime::manifest::HttpMethod;
/// assert_eq!(base_tool_name(Some("meta/root"), HttpMethod::Get, "/", 64), "meta_root");
/// assert_eq!(base_tool_name(None, HttpMethod::Get, "/users/{id}", 64), "get_users_by_id");
/// ```
pub fn base_tool_name(
    operation_id: Option<&str>,
    method: HttpMethod,
    path: &str,
    max: usize,
) -> String {
    let original = operation_id.map_or_else(|| format!("{method} {path}"), str::to_owned);
    fit(&name_words(operation_id, method, path), &original, max)
}

/// Makes a namespace prefix safe: snake_case words, at most 24 characters, starting with a
/// letter or `_`. `None` when nothing usable is left.
pub(crate) fn sanitize_namespace(ns: &str) -> Option<String> {
    let w = words(ns);
    if w.is_empty() {
        return None;
    }
    Some(fit(&w, ns, 24))
}

/// Assigns a unique, provider-valid name to every operation (same order as `requests`).
///
/// `namespace` (already sanitised) is prepended as `ns__` and counted in the 64-character limit.
/// Overrides are used as given when valid (else sanitised, with a warning) and are never
/// suffixed because of a clash with a derived name; derived names clashing with each other or
/// with an override get `_` + a 6-hex-digit hash of their own `METHOD path`.
pub fn assign_tool_names(
    requests: &[ToolNameRequest<'_>],
    namespace: Option<&str>,
    diags: &mut Diagnostics,
) -> Vec<String> {
    let prefix = namespace.map(|ns| format!("{ns}__")).unwrap_or_default();
    let budget = MAX_TOOL_NAME.saturating_sub(prefix.len()).max(HASH_LEN + 2);

    struct Slot {
        words: Vec<String>,
        original: String,
        name: String,
        is_override: bool,
    }
    let mut slots: Vec<Slot> = requests
        .iter()
        .map(|r| match r.override_name {
            Some(name) => {
                let valid = is_valid_tool_name(name) && name.len() <= budget;
                let w = words(name);
                let fixed = if valid {
                    name.to_owned()
                } else {
                    let fixed = fit(&w, name, budget);
                    diags.push(
                        Diagnostic::warning(
                            "",
                            format!(
                                "name override `{name}` is not a valid tool name (or too long \
                                 with the namespace); using `{prefix}{fixed}`"
                            ),
                        )
                        .with_operation(r.label()),
                    );
                    fixed
                };
                Slot {
                    words: if w.is_empty() { vec![fixed.clone()] } else { w },
                    original: name.to_owned(),
                    name: fixed,
                    is_override: true,
                }
            }
            None => {
                let w = name_words(r.operation_id, r.method, r.path);
                let original = r.operation_id.map_or_else(|| r.identity(), str::to_owned);
                let name = fit(&w, &original, budget);
                Slot {
                    words: w,
                    original,
                    name,
                    is_override: false,
                }
            }
        })
        .collect();

    // Resolve clashes; a suffix could (in theory) clash again, so retry with longer hashes.
    for round in 0..4 {
        let mut groups: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, s) in slots.iter().enumerate() {
            groups.entry(s.name.to_ascii_lowercase()).or_default().push(i);
        }
        let mut clashes: Vec<Vec<usize>> = groups.into_values().filter(|g| g.len() > 1).collect();
        if clashes.is_empty() {
            break;
        }
        clashes.sort();
        let hash_len = HASH_LEN + 2 * round;
        for group in clashes {
            let overrides = group.iter().filter(|&&i| slots[i].is_override).count();
            for &i in &group {
                let slot_is_override = slots[i].is_override;
                // An override keeps its name unless it clashes with another override.
                if slot_is_override && overrides <= 1 {
                    continue;
                }
                let Some(request) = requests.get(i) else {
                    continue;
                };
                if slot_is_override {
                    diags.push(
                        Diagnostic::warning(
                            "",
                            format!(
                                "name override `{}` is used by more than one operation; \
                                 suffixing it",
                                slots[i].original
                            ),
                        )
                        .with_operation(request.label()),
                    );
                }
                let suffix = short_hash(&request.identity(), hash_len);
                let slot = &mut slots[i];
                let stem = fit(
                    &slot.words,
                    &slot.original,
                    budget.saturating_sub(hash_len + 1),
                );
                slot.name = format!("{stem}_{suffix}");
            }
        }
    }
    slots
        .into_iter()
        .map(|s| format!("{prefix}{}", s.name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(id: Option<&'a str>, method: HttpMethod, path: &'a str) -> ToolNameRequest<'a> {
        ToolNameRequest {
            operation_id: id,
            method,
            path,
            override_name: None,
        }
    }

    fn names(requests: &[ToolNameRequest<'_>], ns: Option<&str>) -> Vec<String> {
        let mut diags = Diagnostics::new();
        assign_tool_names(requests, ns, &mut diags)
    }

    #[test]
    fn operation_ids_become_snake_case() {
        assert_eq!(
            base_tool_name(Some("listPets"), HttpMethod::Get, "/pets", 64),
            "list_pets"
        );
        assert_eq!(
            base_tool_name(
                Some("security-advisories/list-global-advisories"),
                HttpMethod::Get,
                "/advisories",
                64
            ),
            "security_advisories_list_global_advisories"
        );
        assert_eq!(
            base_tool_name(Some("Destiny2.GetProfile"), HttpMethod::Get, "/", 64),
            "destiny2_get_profile"
        );
        assert_eq!(
            base_tool_name(Some("find pet by id"), HttpMethod::Get, "/", 64),
            "find_pet_by_id"
        );
    }

    #[test]
    fn non_ascii_operation_ids_are_folded_or_dropped() {
        assert_eq!(
            base_tool_name(
                Some("getPurchaseOrder≠AttachmentByFileName"),
                HttpMethod::Get,
                "/",
                64
            ),
            "get_purchase_order_attachment_by_file_name"
        );
        // Nothing readable left: fall back to method + path.
        assert_eq!(
            base_tool_name(Some("名前"), HttpMethod::Post, "/things", 64),
            "post_things"
        );
    }

    #[test]
    fn missing_operation_ids_use_method_and_path() {
        assert_eq!(
            base_tool_name(None, HttpMethod::Get, "/users/{id}", 64),
            "get_users_by_id"
        );
        assert_eq!(
            base_tool_name(
                None,
                HttpMethod::Delete,
                "/{realm}/groups/{group-id}",
                64
            ),
            "delete_by_realm_groups_by_group_id"
        );
        assert_eq!(
            base_tool_name(None, HttpMethod::Get, "/fax/history?date_from={date_from}", 64),
            "get_fax_history"
        );
        assert_eq!(
            base_tool_name(None, HttpMethod::Put, "/{Bucket}#cors", 64),
            "put_by_bucket_cors"
        );
        assert_eq!(base_tool_name(None, HttpMethod::Get, "/", 64), "get");
    }

    #[test]
    fn leading_digits_get_an_underscore() {
        assert_eq!(
            base_tool_name(Some("2fa-enable"), HttpMethod::Post, "/", 64),
            "_2fa_enable"
        );
    }

    #[test]
    fn long_names_are_shortened_at_word_boundaries() {
        let id = "getTheVeryLongListOfAllOrganizationRepositoryEnvironmentDeploymentProtectionRulesForApps";
        let name = base_tool_name(Some(id), HttpMethod::Get, "/", 64);
        assert!(name.len() <= 64, "{name}");
        assert!(is_valid_tool_name(&name));
        assert!(name.starts_with("get_"), "{name}");
        assert!(name.ends_with("_rules_for_apps"), "{name}");
        // Every remaining piece is a whole word of the original (or its abbreviation).
        for word in name.split('_') {
            assert!(
                [
                    "get", "the", "very", "long", "list", "of", "all", "org", "repo", "env",
                    "deploy", "protection", "rules", "for", "apps"
                ]
                .contains(&word),
                "{word} in {name}"
            );
        }
    }

    #[test]
    fn clashing_names_get_a_hash_of_their_own_method_and_path() {
        let a = req(Some("List Rules"), HttpMethod::Get, "/rules");
        let b = req(Some("List rules"), HttpMethod::Get, "/automations/rules");
        let n = names(&[a.clone(), b.clone()], None);
        assert_eq!(n[0], format!("list_rules_{}", short_hash("GET /rules", 6)));
        assert_eq!(
            n[1],
            format!("list_rules_{}", short_hash("GET /automations/rules", 6))
        );
        // Order does not matter, and an unrelated operation does not change them.
        let c = req(Some("other"), HttpMethod::Get, "/other");
        let n2 = names(&[c, b, a], None);
        assert_eq!(n2[1], n[1]);
        assert_eq!(n2[2], n[0]);
        assert_eq!(n2[0], "other");
    }

    #[test]
    fn names_are_unique_case_insensitively() {
        let a = req(Some("getFoo"), HttpMethod::Get, "/a");
        let b = req(Some("get_foo"), HttpMethod::Get, "/b");
        let n = names(&[a, b], None);
        assert_ne!(n[0].to_lowercase(), n[1].to_lowercase());
    }

    #[test]
    fn namespace_prefix_still_fits_64() {
        let id = "a".repeat(30) + "_" + &"b".repeat(30);
        let n = names(&[req(Some(&id), HttpMethod::Get, "/")], Some("github"));
        assert!(n[0].starts_with("github__"), "{}", n[0]);
        assert!(n[0].len() <= 64 && is_valid_tool_name(&n[0]), "{}", n[0]);
    }

    #[test]
    fn overrides_win_and_derived_names_yield() {
        let mut a = req(Some("x"), HttpMethod::Get, "/a");
        a.override_name = Some("list_pets");
        let b = req(Some("listPets"), HttpMethod::Get, "/pets");
        let n = names(&[a, b], None);
        assert_eq!(n[0], "list_pets");
        assert_eq!(n[1], format!("list_pets_{}", short_hash("GET /pets", 6)));
    }

    #[test]
    fn invalid_overrides_are_sanitised_with_a_warning() {
        let mut a = req(Some("x"), HttpMethod::Get, "/a");
        a.override_name = Some("pets.list");
        let mut diags = Diagnostics::new();
        let n = assign_tool_names(&[a], None, &mut diags);
        assert_eq!(n[0], "pets_list");
        assert_eq!(diags.warning_count(), 1);
    }

    #[test]
    fn namespaces_are_sanitised() {
        assert_eq!(sanitize_namespace("My API").as_deref(), Some("my_api"));
        assert_eq!(sanitize_namespace("!!"), None);
    }

    #[test]
    fn validity_check_matches_the_provider_pattern() {
        assert!(is_valid_tool_name("a-b_c9"));
        assert!(is_valid_tool_name("_x"));
        assert!(!is_valid_tool_name("9x"));
        assert!(!is_valid_tool_name("a.b"));
        assert!(!is_valid_tool_name(""));
        assert!(!is_valid_tool_name(&"a".repeat(65)));
    }
}
