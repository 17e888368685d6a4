//! `$defs` names: component schema names made safe (`[A-Za-z0-9_]`, at most 64 characters),
//! deterministic and unique.
//!
//! Case is kept (`simple-user` -> `simple_user`, `io.k8s.api.core.v1.Pod` ->
//! `io_k8s_api_core_v1_Pod`) because these names also seed Rust type names in codegen.

use std::collections::HashMap;

use super::{HASH_LEN, short_hash, truncate_with_hash};

/// The longest `$defs` key we emit.
const MAX_DEF_NAME: usize = 64;

/// `name` with every character outside `[A-Za-z0-9_]` replaced by `_`, at most 64 characters.
pub(crate) fn sanitize_def_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() {
        out.push('_');
    }
    if out.len() > MAX_DEF_NAME {
        out = truncate_with_hash(&out, name, MAX_DEF_NAME);
    }
    out
}

/// The `$defs` name of every component schema, decided once per tool set.
#[derive(Debug, Default)]
pub(crate) struct DefNames {
    by_component: HashMap<String, String>,
}

impl DefNames {
    /// Names every component. A name that is already safe keeps itself; a sanitised name that
    /// clashes with another gets `_` + a hash of its own component name (order-independent).
    pub(crate) fn new<'a>(components: impl IntoIterator<Item = &'a str>) -> Self {
        let components: Vec<&str> = components.into_iter().collect();
        let mut count: HashMap<String, usize> = HashMap::new();
        let sanitized: Vec<String> = components.iter().map(|c| sanitize_def_name(c)).collect();
        for s in &sanitized {
            *count.entry(s.clone()).or_default() += 1;
        }
        let mut names = DefNames::default();
        for (component, mut name) in components.iter().zip(sanitized) {
            let unchanged = name == *component;
            if !unchanged && count.get(&name).copied().unwrap_or(0) > 1 {
                name = format!(
                    "{}_{}",
                    truncate_stem(&name),
                    short_hash(component, HASH_LEN)
                );
            }
            names.by_component.insert((*component).to_owned(), name);
        }
        names
    }

    /// The name of a top-level component schema.
    pub(crate) fn get(&self, component: &str) -> Option<&str> {
        self.by_component.get(component).map(String::as_str)
    }

    /// The name for a schema reached by a deeper pointer into the components
    /// (`#/components/schemas/Pet/properties/tag`): sanitised path plus a hash of the pointer,
    /// so it can never take a component's name.
    pub(crate) fn deep(&self, pointer_tail: &str) -> String {
        format!(
            "{}_{}",
            truncate_stem(&sanitize_def_name(pointer_tail)),
            short_hash(pointer_tail, HASH_LEN)
        )
    }
}

fn truncate_stem(name: &str) -> &str {
    let max = MAX_DEF_NAME - HASH_LEN - 1;
    name.get(..max).unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names_are_kept_and_others_sanitised() {
        let names = DefNames::new(["Pet", "simple-user", "io.k8s.api.core.v1.Pod"]);
        assert_eq!(names.get("Pet"), Some("Pet"));
        assert_eq!(names.get("simple-user"), Some("simple_user"));
        assert_eq!(
            names.get("io.k8s.api.core.v1.Pod"),
            Some("io_k8s_api_core_v1_Pod")
        );
    }

    #[test]
    fn clashing_sanitised_names_get_their_own_hash() {
        let names = DefNames::new(["AlertLog.jsonld-get", "AlertLog_jsonld_get", "A-b"]);
        assert_eq!(names.get("AlertLog_jsonld_get"), Some("AlertLog_jsonld_get"));
        assert_eq!(
            names.get("AlertLog.jsonld-get").unwrap(),
            format!("AlertLog_jsonld_get_{}", short_hash("AlertLog.jsonld-get", 6))
        );
        assert_eq!(names.get("A-b"), Some("A_b"));
    }

    #[test]
    fn long_names_are_cut_to_64_with_a_hash() {
        let long = "Billbee.Interfaces.BillbeeAPI.Model.".repeat(5);
        let name = sanitize_def_name(&long);
        assert!(name.len() <= 64);
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    }

    #[test]
    fn deep_pointers_get_hashed_names() {
        let names = DefNames::new(["Pet"]);
        let deep = names.deep("Pet/properties/tag");
        assert!(deep.starts_with("Pet_properties_tag_"), "{deep}");
    }
}
