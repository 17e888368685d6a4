//! [`DynamicToolSet`]: a tool set loaded from a [`Manifest`] at run time.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::{CallError, PreparedCall, ToolSet};
use crate::manifest::Manifest;
use crate::validate::{ArgErrors, ArgProblem, Validator};

/// A tool set built from a [`Manifest`]: one compiled argument checker ([`Validator`]) per tool
/// and the request builder ([`crate::request::build_request`]).
///
/// A tool's checker is compiled on the tool's first call and kept: building a tool set of
/// GitHub's 1,223 tools then costs nothing per tool, and a server answers its first request
/// sooner (most tools of a large set are never called in one session).
/// [`DynamicToolSet::reusing`] shares the checkers (compiled or not yet) of tools whose input
/// schema did not change, so replacing a large tool set only pays for what changed.
pub struct DynamicToolSet {
    manifest: Manifest,
    index: HashMap<String, usize>,
    checkers: Vec<Arc<Checker>>,
}

/// One tool's argument checker, compiled on first use.
type Checker = OnceLock<Validator>;

impl fmt::Debug for DynamicToolSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicToolSet")
            .field("title", &self.manifest.title)
            .field("version", &self.manifest.version)
            .field("tools", &self.manifest.tools.len())
            .finish_non_exhaustive()
    }
}

impl DynamicToolSet {
    /// A tool set for `manifest`; each tool's checker is compiled on its first call.
    pub fn new(manifest: Manifest) -> Self {
        Self::reusing(manifest, None)
    }

    /// Like [`DynamicToolSet::new`], but shares the checker of any tool of `previous`
    /// with the same [`schema_hash`](crate::manifest::ToolManifest::schema_hash) instead of
    /// compiling it again.
    /// The hash must be that of the tool's input schema, as the manifest promises (see
    /// [`rehash`](crate::manifest::ToolManifest::rehash)); comparing hashes keeps a replace of a large set cheap.
    pub fn reusing(manifest: Manifest, previous: Option<&DynamicToolSet>) -> Self {
        // Versions mostly keep their tool order: the same position is looked at first, the
        // hash index is built only when a tool moved or changed.
        let mut by_hash: Option<HashMap<&str, &Arc<Checker>>> = None;
        let mut index = HashMap::with_capacity(manifest.tools.len());
        let mut checkers = Vec::with_capacity(manifest.tools.len());
        for (i, tool) in manifest.tools.iter().enumerate() {
            // The first tool of a name wins; the registry refuses manifests with duplicates.
            index.entry(tool.name.clone()).or_insert(i);
            let reused = previous.and_then(|prev| {
                let same_place = prev
                    .manifest
                    .tools
                    .get(i)
                    .zip(prev.checkers.get(i))
                    .filter(|(t, _)| t.schema_hash == tool.schema_hash)
                    .map(|(_, c)| c);
                same_place
                    .or_else(|| {
                        by_hash
                            .get_or_insert_with(|| {
                                let mut map = HashMap::with_capacity(prev.checkers.len());
                                for (t, c) in prev.manifest.tools.iter().zip(&prev.checkers) {
                                    map.entry(t.schema_hash.as_str()).or_insert(c);
                                }
                                map
                            })
                            .get(tool.schema_hash.as_str())
                            .copied()
                    })
                    .map(Arc::clone)
            });
            checkers.push(reused.unwrap_or_default());
        }
        DynamicToolSet {
            manifest,
            index,
            checkers,
        }
    }

    /// Whether `self` and `other` share the compiled checker of `tool` (same allocation).
    pub fn shares_checker_with(&self, other: &DynamicToolSet, tool: &str) -> bool {
        match (self.checker(tool), other.checker(tool)) {
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }

    fn checker(&self, tool: &str) -> Option<&Arc<Checker>> {
        self.index.get(tool).and_then(|&i| self.checkers.get(i))
    }

    /// Whether `tool`'s checker has been compiled (by a call through any version sharing it).
    #[cfg(test)]
    fn is_compiled(&self, tool: &str) -> bool {
        self.checker(tool).is_some_and(|c| c.get().is_some())
    }
}

impl ToolSet for DynamicToolSet {
    fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    fn prepare(&self, tool: &str, args: &Value) -> Result<PreparedCall, CallError> {
        let unknown = || CallError::UnknownTool {
            tool: tool.to_owned(),
        };
        let i = *self.index.get(tool).ok_or_else(unknown)?;
        let (def, checker) = self
            .manifest
            .tools
            .get(i)
            .zip(self.checkers.get(i))
            .ok_or_else(unknown)?;
        let invalid = |problems: Vec<ArgProblem>| {
            CallError::InvalidArguments(ArgErrors {
                tool: tool.to_owned(),
                problems,
            })
        };
        let problems = checker
            .get_or_init(|| Validator::new(&def.input_schema))
            .validate(args);
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        // A checker compiled from a canonical schema already rejects non-objects; this guards
        // hand-made schemas that forgot `type: object`.
        let Some(map) = args.as_object() else {
            return Err(invalid(vec![ArgProblem {
                pointer: String::new(),
                message: "expected a JSON object of named arguments".into(),
            }]));
        };
        let request = crate::request::build_request(def, map).map_err(invalid)?;
        Ok(PreparedCall {
            tool: def.name.clone(),
            request,
            args: Box::new(args.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{HttpMethod, ToolManifest};
    use crate::toolset::testing::{manifest, tool};
    use serde_json::json;

    fn set(version: &str, tools: Vec<ToolManifest>) -> DynamicToolSet {
        DynamicToolSet::new(manifest(version, tools))
    }

    #[test]
    fn prepares_a_valid_call_into_its_request() {
        let ts = set("1", vec![tool("get_pet", "v1", &["id", "limit"], &["id"])]);
        let call = ts
            .prepare("get_pet", &json!({"id": "7", "limit": 3}))
            .unwrap();
        assert_eq!(call.tool, "get_pet");
        assert_eq!(call.request.method, HttpMethod::Get);
        assert_eq!(call.request.path, "/v1/get_pet/7");
        assert_eq!(call.request.query, vec![("limit".into(), "3".into())]);
        let args = call.args.downcast_ref::<Value>().unwrap();
        assert_eq!(args["id"], "7");
    }

    #[test]
    fn unknown_tool_and_every_argument_problem_are_reported() {
        let ts = set("1", vec![tool("get_pet", "v1", &["id", "limit"], &["id"])]);
        assert_eq!(
            ts.prepare("nope", &json!({})).unwrap_err(),
            CallError::UnknownTool {
                tool: "nope".into()
            }
        );
        let err = ts
            .prepare("get_pet", &json!({"limit": "x", "extra": 1}))
            .unwrap_err();
        let CallError::InvalidArguments(errors) = err else {
            panic!("expected invalid arguments, got {err:?}");
        };
        let pointers: Vec<&str> = errors.problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(pointers, ["/", "/limit", "/"]);
        let text = CallError::InvalidArguments(errors).to_string();
        assert!(text.contains(r#"missing required property "id""#), "{text}");
        assert!(text.contains("extra"), "{text}");
    }

    #[test]
    fn non_object_arguments_are_an_argument_problem() {
        let ts = set("1", vec![tool("get_pet", "v1", &["id"], &[])]);
        let err = ts.prepare("get_pet", &json!([1])).unwrap_err();
        assert!(matches!(err, CallError::InvalidArguments(ref e) if e.problems[0].pointer == "/"));
    }

    #[test]
    fn unchanged_schemas_share_compiled_checkers() {
        let old = set(
            "1",
            vec![tool("a", "v1", &["id"], &[]), tool("b", "v1", &["id"], &[])],
        );
        let new = DynamicToolSet::reusing(
            manifest(
                "2",
                vec![
                    tool("a", "v2", &["id"], &[]),
                    tool("b", "v2", &["id", "limit"], &[]),
                ],
            ),
            Some(&old),
        );
        assert!(new.shares_checker_with(&old, "a"));
        assert!(!new.shares_checker_with(&old, "b"));
    }

    #[test]
    fn checkers_compile_on_first_call_once_and_are_shared_before_that() {
        let tools = || vec![tool("a", "v1", &["id"], &[]), tool("b", "v1", &["id"], &[])];
        let old = DynamicToolSet::new(manifest("1", tools()));
        assert!(!old.is_compiled("a") && !old.is_compiled("b"));
        let new = DynamicToolSet::reusing(manifest("2", tools()), Some(&old));
        assert!(new.shares_checker_with(&old, "a"));
        new.prepare("a", &json!({"id": "1"})).unwrap();
        new.prepare("a", &json!({"id": "2"})).unwrap();
        // Compiled through one version, used by the other; `b` was never called.
        assert!(old.is_compiled("a") && !new.is_compiled("b"));
        assert!(old.prepare("a", &json!({"id": 1})).is_err());
    }
}
