//! Which operations become tools, and what they are called: the options the macro, build.rs
//! and CLI share.

use std::collections::BTreeMap;

use openapi_tools_runtime::manifest::HttpMethod;

/// Options for [`super::build_manifest`].
///
/// Selection: an operation is kept when no include list is given or it matches at least one
/// include entry (tag, operationId or tool name, path), and it matches no exclude entry.
/// Path entries are templates as written (`/pets/{id}`), optionally ending in `*` to match a
/// prefix (`/pets*`). Names are decided over the whole document before selection, so including
/// or excluding operations never renames the others.
#[derive(Default, Clone, Debug)]
pub struct ModelOptions {
    /// Prefix for every tool name (`ns__name`), sanitised; names still fit 64 characters.
    pub namespace: Option<String>,
    /// Keep operations with any of these tags.
    pub include_tags: Vec<String>,
    /// Drop operations with any of these tags.
    pub exclude_tags: Vec<String>,
    /// Keep these operations (operationId or tool name).
    pub include_operations: Vec<String>,
    /// Drop these operations (operationId or tool name).
    pub exclude_operations: Vec<String>,
    /// Keep operations on these paths (trailing `*` = prefix).
    pub include_paths: Vec<String>,
    /// Drop operations on these paths (trailing `*` = prefix).
    pub exclude_paths: Vec<String>,
    /// Tool name per operation, keyed by operationId or `"METHOD /path"`; applied before
    /// clash resolution and the namespace prefix.
    pub name_overrides: BTreeMap<String, String>,
    /// Fill [`ToolManifest::output_schema`](openapi_tools_runtime::manifest::ToolManifest::output_schema)
    /// from the success responses (off by default: for big APIs the schemas are large).
    pub output_schemas: bool,
    /// Most schema nodes one tool's input (or output) schema may carry, counted by
    /// [`schema_nodes`](openapi_tools_runtime::render::schema_nodes) over its properties and
    /// `$defs`; `None` means [`DEFAULT_MAX_SCHEMA_NODES`], `Some(usize::MAX)` no limit.
    ///
    /// A tool's `$defs` are the component schemas it reaches. Where components reference each
    /// other densely (Microsoft Graph's entities reach nearly all 4,000 of its schemas) that
    /// closure is the whole component graph for every tool, so the tool set grows with
    /// operations times components: gigabytes that no model could read and no provider accepts.
    /// Within the budget definitions are expanded nearest first; the rest are sent as loose
    /// values of their type whose description names the component, and an info diagnostic per
    /// tool lists them.
    pub max_schema_nodes: Option<usize>,
}

/// The default per-tool schema budget ([`ModelOptions::max_schema_nodes`]): above the largest
/// tool of the ordinary big APIs (GitHub, Stripe, ...), which therefore come out unchanged.
pub const DEFAULT_MAX_SCHEMA_NODES: usize = 2_000;

/// What selection looks at for one operation.
pub(crate) struct Candidate<'a> {
    pub operation_id: Option<&'a str>,
    pub tool_name: &'a str,
    pub tags: &'a [String],
    pub path: &'a str,
}

impl ModelOptions {
    /// The per-tool schema budget in force ([`ModelOptions::max_schema_nodes`]).
    pub fn schema_budget(&self) -> usize {
        self.max_schema_nodes.unwrap_or(DEFAULT_MAX_SCHEMA_NODES)
    }

    /// Whether the operation becomes a tool.
    pub(crate) fn selects(&self, c: &Candidate<'_>) -> bool {
        let op_matches = |list: &[String]| {
            list.iter()
                .any(|o| Some(o.as_str()) == c.operation_id || o == c.tool_name)
        };
        let tag_matches = |list: &[String]| list.iter().any(|t| c.tags.contains(t));
        let path_matches = |list: &[String]| list.iter().any(|p| path_matches(p, c.path));
        let any_include = !self.include_tags.is_empty()
            || !self.include_operations.is_empty()
            || !self.include_paths.is_empty();
        let included = !any_include
            || tag_matches(&self.include_tags)
            || op_matches(&self.include_operations)
            || path_matches(&self.include_paths);
        included
            && !tag_matches(&self.exclude_tags)
            && !op_matches(&self.exclude_operations)
            && !path_matches(&self.exclude_paths)
    }

    /// The override for an operation: by operationId, else by `"METHOD /path"` (method in any
    /// case).
    pub(crate) fn override_for(
        &self,
        operation_id: Option<&str>,
        method: HttpMethod,
        path: &str,
    ) -> Option<&str> {
        if let Some(name) = operation_id.and_then(|id| self.name_overrides.get(id)) {
            return Some(name);
        }
        self.name_overrides
            .iter()
            .find(|(key, _)| {
                key.split_once(' ').is_some_and(|(m, p)| {
                    m.eq_ignore_ascii_case(method.as_str()) && p.trim() == path
                })
            })
            .map(|(_, v)| v.as_str())
    }
}

/// `pattern` equals `path`, or ends in `*` and is a prefix of it.
fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => pattern == path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand<'a>(id: &'a str, tags: &'a [String], path: &'a str) -> Candidate<'a> {
        Candidate {
            operation_id: Some(id),
            tool_name: "tool_x",
            tags,
            path,
        }
    }

    #[test]
    fn no_filters_select_everything() {
        assert!(ModelOptions::default().selects(&cand("a", &[], "/a")));
    }

    #[test]
    fn includes_are_a_union_and_excludes_win() {
        let tags = vec!["pets".to_owned()];
        let opts = ModelOptions {
            include_tags: vec!["pets".into()],
            include_operations: vec!["other".into()],
            exclude_paths: vec!["/pets/admin*".into()],
            ..Default::default()
        };
        assert!(opts.selects(&cand("a", &tags, "/pets")));
        assert!(opts.selects(&cand("other", &[], "/x")));
        assert!(!opts.selects(&cand("b", &[], "/x")));
        assert!(!opts.selects(&cand("a", &tags, "/pets/admin/1")));
    }

    #[test]
    fn operations_match_by_id_or_tool_name() {
        let opts = ModelOptions {
            exclude_operations: vec!["tool_x".into()],
            ..Default::default()
        };
        assert!(!opts.selects(&cand("a", &[], "/a")));
    }

    #[test]
    fn overrides_match_by_id_or_method_and_path() {
        let mut opts = ModelOptions::default();
        opts.name_overrides.insert("listPets".into(), "pets".into());
        opts.name_overrides
            .insert("get /users/{id}".into(), "user".into());
        assert_eq!(
            opts.override_for(Some("listPets"), HttpMethod::Get, "/pets"),
            Some("pets")
        );
        assert_eq!(
            opts.override_for(None, HttpMethod::Get, "/users/{id}"),
            Some("user")
        );
        assert_eq!(
            opts.override_for(None, HttpMethod::Post, "/users/{id}"),
            None
        );
    }
}
