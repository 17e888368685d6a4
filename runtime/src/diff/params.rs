//! How each top-level input maps onto the HTTP request.
//!
//! A model writes arguments by tool-facing name; the request builder puts them on the wire.
//! So a header renamed on the wire, a query parameter moved into a header, or a new
//! serialisation style changes nothing the caller writes: each is reported as
//! `endpoint_changed` (`info`) with the parameter attached, so an application that builds
//! requests itself still sees it.

use super::{Change, ChangeKind, ChangeSeverity};
use crate::manifest::{InputParam, ToolManifest};

/// Wire-mapping changes of inputs present (by tool-facing name) in both versions.
pub fn compare(old: &ToolManifest, new: &ToolManifest, out: &mut Vec<Change>) {
    for n in &new.params {
        let Some(o) = old.param(&n.name) else {
            continue;
        };
        if o == n {
            continue;
        }
        for detail in differences(o, n) {
            let mut change = Change::new(
                &new.name,
                new.operation_id.as_deref(),
                ChangeKind::EndpointChanged,
                ChangeSeverity::Info,
                detail,
            );
            change.param = Some(n.name.clone());
            change.wire_name = Some(n.wire_name.clone());
            change.location = Some(n.location.as_in().to_owned());
            change.pointer = Some(format!("/properties/{}", super::schema::escape(&n.name)));
            out.push(change);
        }
    }
}

/// One sentence per wire fact that differs; `required` and `deprecated` are left to the
/// schema walk, which sees them too.
fn differences(o: &InputParam, n: &InputParam) -> Vec<String> {
    let mut out = Vec::new();
    if o.wire_name != n.wire_name {
        out.push(format!(
            "wire name changed from `{}` to `{}` (tool input unchanged)",
            o.wire_name, n.wire_name
        ));
    }
    if o.location != n.location {
        out.push(format!(
            "moved from {} to {} (tool input unchanged)",
            describe_location(o),
            describe_location(n)
        ));
    }
    if o.effective_style() != n.effective_style() || o.effective_explode() != n.effective_explode()
    {
        out.push(format!(
            "serialisation changed from {:?}{} to {:?}{}",
            o.effective_style(),
            if o.effective_explode() {
                " exploded"
            } else {
                ""
            },
            n.effective_style(),
            if n.effective_explode() {
                " exploded"
            } else {
                ""
            },
        ));
    }
    if o.allow_reserved != n.allow_reserved {
        out.push(format!("allowReserved changed to {}", n.allow_reserved));
    }
    if o.content_type != n.content_type {
        out.push(format!(
            "serialised as {} instead of {}",
            n.content_type.as_deref().unwrap_or("a plain value"),
            o.content_type.as_deref().unwrap_or("a plain value")
        ));
    }
    out
}

fn describe_location(p: &InputParam) -> &'static str {
    match p.location {
        crate::manifest::ParamLocation::Body => "the whole body",
        crate::manifest::ParamLocation::BodyProperty => "a body property",
        other => other.as_in(),
    }
}
