//! Tool-level comparison: which tools were added, removed, updated; what changed about each.
//!
//! Tools are matched by tool name (derived from the operationId). A tool whose name disappears
//! is removed even when the same method + path now lives under another name: the model calls
//! tools by name, so an operationId rename breaks it. The report says so in the detail of both
//! the removal and the addition. Conversely a tool whose method or path moved but whose name
//! and input stayed is only `endpoint_changed`.
//!
//! Speed: a tool whose schema hash and every other caller-visible field are equal is counted
//! as unchanged without walking its schema, so diffing a 1,000-tool set against itself with
//! one change costs one hash comparison per tool plus one schema walk.

use std::collections::{HashMap, HashSet};

use super::{Change, ChangeKind, ChangeReport, ChangeSeverity, params, schema::Walker};
use crate::manifest::{Manifest, ToolManifest};

/// See [`super::diff`].
pub fn diff_manifests(old: &Manifest, new: &Manifest) -> ChangeReport {
    let old_by_name = index(old);
    let new_by_name = index(new);
    let mut report = ChangeReport {
        from_version: old.version.clone(),
        to_version: new.version.clone(),
        added: Vec::new(),
        removed: Vec::new(),
        updated: Vec::new(),
        unchanged: 0,
        breaking: false,
        changes: Vec::new(),
    };

    for tool in unique(new) {
        match old_by_name.get(tool.name.as_str()) {
            None => report.added.push(tool.name.clone()),
            Some(prev) if same_surface(prev, tool) => report.unchanged += 1,
            Some(prev) => {
                report.updated.push(tool.name.clone());
                compare_tool(prev, tool, &mut report.changes);
            }
        }
    }
    for tool in unique(old) {
        if !new_by_name.contains_key(tool.name.as_str()) {
            report.removed.push(tool.name.clone());
        }
    }
    added_and_removed(
        &report.added,
        &report.removed,
        &old_by_name,
        &new_by_name,
        &mut report.changes,
    );

    report.added.sort();
    report.removed.sort();
    report.updated.sort();
    sort(&mut report.changes);
    report.breaking = report.changes.iter().any(|c| c.breaking);
    report
}

/// Name -> first tool with that name.
fn index(m: &Manifest) -> HashMap<&str, &ToolManifest> {
    let mut map = HashMap::with_capacity(m.tools.len());
    for t in &m.tools {
        map.entry(t.name.as_str()).or_insert(t);
    }
    map
}

/// Tools in manifest order, skipping repeated names (a malformed manifest must not produce a
/// tool twice in the report).
fn unique(m: &Manifest) -> impl Iterator<Item = &ToolManifest> {
    let mut seen = HashSet::new();
    m.tools.iter().filter(move |t| seen.insert(t.name.as_str()))
}

/// Everything a caller or the request builder can see, without walking the schema: the schema
/// hash stands for the schema when both hashes are present.
fn same_surface(a: &ToolManifest, b: &ToolManifest) -> bool {
    let schema_same = if !a.schema_hash.is_empty() && !b.schema_hash.is_empty() {
        a.schema_hash == b.schema_hash
    } else {
        a.input_schema == b.input_schema
    };
    schema_same
        && a.method == b.method
        && a.path == b.path
        && a.description == b.description
        && a.operation_id == b.operation_id
        && a.deprecated == b.deprecated
        && a.summary == b.summary
        && a.tags == b.tags
        && a.servers == b.servers
        && a.security == b.security
        && a.params == b.params
        && a.body == b.body
        && a.wire_names == b.wire_names
}

fn tool_change(
    t: &ToolManifest,
    kind: ChangeKind,
    severity: ChangeSeverity,
    detail: String,
) -> Change {
    Change::new(&t.name, t.operation_id.as_deref(), kind, severity, detail)
}

/// All changes between two versions of the same tool.
fn compare_tool(o: &ToolManifest, n: &ToolManifest, out: &mut Vec<Change>) {
    let info = ChangeSeverity::Info;
    if o.method != n.method || o.path != n.path {
        out.push(tool_change(
            n,
            ChangeKind::EndpointChanged,
            info,
            format!(
                "endpoint moved from {} {} to {} {}",
                o.method, o.path, n.method, n.path
            ),
        ));
    }
    if o.operation_id != n.operation_id {
        out.push(tool_change(
            n,
            ChangeKind::EndpointChanged,
            info,
            format!(
                "operationId changed from {} to {} (tool name unchanged)",
                show_opt(&o.operation_id),
                show_opt(&n.operation_id)
            ),
        ));
    }
    if o.servers != n.servers {
        out.push(tool_change(
            n,
            ChangeKind::EndpointChanged,
            info,
            format!("servers changed from {:?} to {:?}", o.servers, n.servers),
        ));
    }
    if o.security != n.security {
        out.push(tool_change(
            n,
            ChangeKind::EndpointChanged,
            info,
            "security requirements changed (credentials the application sends, not tool input)"
                .to_owned(),
        ));
    }
    body_wire(o, n, out);
    if o.deprecated != n.deprecated {
        let what = if n.deprecated {
            "tool deprecated"
        } else {
            "tool no longer deprecated"
        };
        out.push(tool_change(
            n,
            ChangeKind::ToolDeprecated,
            info,
            what.to_owned(),
        ));
    }
    if o.description != n.description {
        out.push(tool_change(
            n,
            ChangeKind::DescriptionChanged,
            info,
            "tool description changed".to_owned(),
        ));
    } else if o.summary != n.summary {
        out.push(tool_change(
            n,
            ChangeKind::DescriptionChanged,
            info,
            "summary changed".to_owned(),
        ));
    }
    if o.tags != n.tags {
        out.push(tool_change(
            n,
            ChangeKind::DescriptionChanged,
            info,
            format!("tags changed from {:?} to {:?}", o.tags, n.tags),
        ));
    }
    params::compare(o, n, out);

    let schema_changed = o.schema_hash != n.schema_hash
        || o.schema_hash.is_empty()
        || o.wire_names != n.wire_names
        || o.params != n.params;
    let first_schema_change = out.len();
    if schema_changed {
        out.extend(Walker::new(o, n).run());
    }
    body_required(o, n, first_schema_change, out);
    body_reshaped(o, n, first_schema_change, out);
}

/// The body switched between flattened top-level properties and one whole-body input (the
/// model offers a body as separate properties only while its schema is a plain object; a body
/// that became a `oneOf` is passed whole). The HTTP payload may be unchanged, but the
/// arguments a model sends are not: the added and removed top-level body inputs say why.
fn body_reshaped(o: &ToolManifest, n: &ToolManifest, first: usize, out: &mut [Change]) {
    let (Some(ob), Some(nb)) = (&o.body, &n.body) else {
        return;
    };
    if ob.flattened == nb.flattened {
        return;
    }
    let note = if nb.flattened {
        "the request body is now passed as separate top-level properties instead of one input"
    } else {
        "the request body is now passed whole as one input instead of separate top-level \
         properties (its schema is no longer a plain object)"
    };
    let top_level_body = |c: &Change| {
        c.location.as_deref() == Some("body")
            && c.pointer
                .as_deref()
                .is_some_and(|p| p.matches("/properties/").count() == 1)
    };
    for c in out
        .get_mut(first..)
        .unwrap_or_default()
        .iter_mut()
        .filter(|c| {
            top_level_body(c)
                && matches!(
                    c.kind,
                    ChangeKind::AddedRequiredParam
                        | ChangeKind::AddedOptionalParam
                        | ChangeKind::ParamRemoved
                        | ChangeKind::BodyBecameRequired
                )
        })
    {
        c.detail = format!("{}; {note}", c.detail);
        c.cause = Some(super::ChangeCause::Modelling);
    }
}

fn show_opt(s: &Option<String>) -> String {
    s.as_deref()
        .map_or_else(|| "none".to_owned(), |s| format!("`{s}`"))
}

/// Media type and encoding of the body: the request builder's business, not the caller's.
fn body_wire(o: &ToolManifest, n: &ToolManifest, out: &mut Vec<Change>) {
    let (Some(ob), Some(nb)) = (&o.body, &n.body) else {
        return;
    };
    if ob.media_type != nb.media_type {
        out.push(tool_change(
            n,
            ChangeKind::EndpointChanged,
            ChangeSeverity::Info,
            format!(
                "request body sent as {} instead of {}",
                nb.media_type, ob.media_type
            ),
        ));
    }
    if ob.encoding != nb.encoding {
        out.push(tool_change(
            n,
            ChangeKind::EndpointChanged,
            ChangeSeverity::Info,
            "multipart/form part encodings changed".to_owned(),
        ));
    }
}

/// `requestBody.required` turned on. When the body is one `body` input, the schema walk has
/// already reported that input becoming required: that change is re-labelled. When the body
/// is flattened and some body property is newly required, the caller is already told; else a
/// tool-level `body_became_required` is added (a caller sending no body properties at all now
/// fails).
fn body_required(o: &ToolManifest, n: &ToolManifest, first: usize, out: &mut Vec<Change>) {
    let was = o.body.as_ref().is_some_and(|b| b.required);
    let now = n.body.as_ref().is_some_and(|b| b.required);
    if was || !now {
        return;
    }
    let top_level_body = |c: &Change| {
        c.location.as_deref() == Some("body")
            && c.pointer
                .as_deref()
                .is_some_and(|p| p.matches("/properties/").count() == 1)
    };
    let schema_changes = out.get_mut(first..).unwrap_or_default();
    if let Some(c) = schema_changes
        .iter_mut()
        .find(|c| c.kind == ChangeKind::ParamBecameRequired && top_level_body(c))
    {
        c.kind = ChangeKind::BodyBecameRequired;
        c.detail = format!(
            "request body became required (input `{}`)",
            c.param.as_deref().unwrap_or("body")
        );
        return;
    }
    let covered = schema_changes
        .iter()
        .any(|c| c.kind == ChangeKind::AddedRequiredParam && top_level_body(c));
    if !covered {
        out.push(tool_change(
            n,
            ChangeKind::BodyBecameRequired,
            ChangeSeverity::Error,
            "request body became required".to_owned(),
        ));
    }
}

/// Added / removed tool entries, pairing operationId renames by method + path.
fn added_and_removed(
    added: &[String],
    removed: &[String],
    old_by_name: &HashMap<&str, &ToolManifest>,
    new_by_name: &HashMap<&str, &ToolManifest>,
    out: &mut Vec<Change>,
) {
    let mut new_by_route: HashMap<(crate::manifest::HttpMethod, String), &ToolManifest> =
        HashMap::new();
    for name in added {
        if let Some(t) = new_by_name.get(name.as_str()) {
            new_by_route.entry((t.method, route(&t.path))).or_insert(t);
        }
    }
    let mut renamed_from: HashMap<&str, &ToolManifest> = HashMap::new();
    for name in removed {
        let Some(t) = old_by_name.get(name.as_str()) else {
            continue;
        };
        let detail = match new_by_route.get(&(t.method, route(&t.path))) {
            Some(successor) => {
                renamed_from.insert(successor.name.as_str(), t);
                format!(
                    "tool removed: {} {} is now the tool `{}` (operationId renamed from {} to {}); callers must use the new name",
                    t.method,
                    t.path,
                    successor.name,
                    show_opt(&t.operation_id),
                    show_opt(&successor.operation_id)
                )
            }
            None => "tool removed".to_owned(),
        };
        out.push(tool_change(
            t,
            ChangeKind::RemovedTool,
            ChangeSeverity::Error,
            detail,
        ));
    }
    for name in added {
        let Some(t) = new_by_name.get(name.as_str()) else {
            continue;
        };
        let detail = match renamed_from.get(name.as_str()) {
            Some(prev) => format!(
                "new tool; replaces `{}` ({} {}, operationId renamed)",
                prev.name, t.method, t.path
            ),
            None => "new tool".to_owned(),
        };
        out.push(tool_change(
            t,
            ChangeKind::AddedTool,
            ChangeSeverity::Info,
            detail,
        ));
    }
}

/// A path template with parameter names erased (`/pets/{}`), so a rename can be recognised
/// even when the path parameter was renamed too.
fn route(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for ch in path.chars() {
        match ch {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            _ => out.push(ch),
        }
    }
    out
}

/// Tool name, then pointer (tool-level first), then kind; ties broken by param and detail so
/// the order never depends on hash-map iteration. Exact duplicates are dropped.
fn sort(changes: &mut Vec<Change>) {
    changes.sort_by(|a, b| {
        (
            a.tool.as_str(),
            a.pointer.as_deref(),
            a.kind,
            a.param.as_deref(),
            a.detail.as_str(),
        )
            .cmp(&(
                b.tool.as_str(),
                b.pointer.as_deref(),
                b.kind,
                b.param.as_deref(),
                b.detail.as_str(),
            ))
    });
    changes.dedup();
}

#[cfg(test)]
#[path = "tools_tests.rs"]
mod tests;
