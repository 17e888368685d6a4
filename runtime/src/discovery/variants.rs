//! Redundant variants: the same operation offered under several owners.
//!
//! Microsoft Graph exposes most resources under `/me`, `/users/{user-id}` and
//! `/groups/{group-id}` (`me.ListEvents`, `users.ListEvents`, `groups.ListEvents`); listing all
//! three in a top 5 crowds out everything else. Two operations are variants of each other when
//! they agree on
//!
//! 1. the HTTP method,
//! 2. the path below its owner: the path without its first segment and, when the second
//!    segment is a parameter, without that too (`/me/events`, `/users/{user-id}/events` and
//!    `/groups/{group-id}/events` all become `/events`; parameter names are ignored), and
//! 3. the operation below its owner: the operationId without its first dotted component
//!    (`me.ListEvents` -> `ListEvents`); operationIds without a dot must be equal, and tools
//!    without an operationId compare their summaries.
//!
//! The third rule keeps apart operations that only share a path shape: GitHub's
//! `repos/list-for-org` (`/orgs/{org}/repos`) and `repos/list-for-user`
//! (`/users/{username}/repos`) are different tools. The group's representative is its most
//! general member: fewest path segments, then the shortest path, then document order.

use std::collections::HashMap;

use crate::manifest::{HttpMethod, ToolManifest};

/// The key that variants share; `None` when the tool can have no variants (no operationId and
/// no summary).
fn key(tool: &ToolManifest) -> Option<(HttpMethod, String, String)> {
    let op = match (&tool.operation_id, &tool.summary) {
        (Some(id), _) => id
            .split_once('.')
            .map_or(id.as_str(), |(_, rest)| rest)
            .to_owned(),
        (None, Some(summary)) if !summary.trim().is_empty() => summary.trim().to_lowercase(),
        _ => return None,
    };
    Some((tool.method, path_below_owner(&tool.path), op))
}

/// `/users/{user-id}/events` -> `/events`, `/me/events` -> `/events`, with every parameter
/// written `{}`.
fn path_below_owner(path: &str) -> String {
    let mut segments = path.split('/').filter(|s| !s.is_empty()).peekable();
    segments.next();
    if segments.peek().is_some_and(|s| is_param(s)) {
        segments.next();
    }
    let mut out = String::new();
    for s in segments {
        out.push('/');
        out.push_str(if is_param(s) { "{}" } else { s });
    }
    out
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// How general a path is: fewer segments first, then shorter.
fn generality(path: &str) -> (usize, usize) {
    (
        path.split('/').filter(|s| !s.is_empty()).count(),
        path.len(),
    )
}

/// Groups `tools` into variant groups: one entry per tool giving its group number, and per
/// group its members with the representative first.
pub(crate) fn groups(tools: &[ToolManifest]) -> (Vec<u32>, Vec<Vec<u32>>) {
    let mut by_key: HashMap<(HttpMethod, String, String), u32> = HashMap::new();
    let mut group_of = Vec::with_capacity(tools.len());
    let mut members: Vec<Vec<u32>> = Vec::new();
    for (i, tool) in tools.iter().enumerate() {
        let fresh = u32::try_from(members.len()).unwrap_or(u32::MAX);
        let g = match key(tool) {
            Some(k) => *by_key.entry(k).or_insert(fresh),
            None => fresh,
        };
        if g == fresh {
            members.push(Vec::new());
        }
        group_of.push(g);
        if let Some(m) = members.get_mut(g as usize) {
            m.push(u32::try_from(i).unwrap_or(u32::MAX));
        }
    }
    for m in &mut members {
        m.sort_by_key(|&i| {
            let path = tools.get(i as usize).map_or("", |t| t.path.as_str());
            (generality(path), i)
        });
    }
    (group_of, members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::testing::op;

    #[test]
    fn owner_prefixes_are_stripped() {
        assert_eq!(path_below_owner("/me/events"), "/events");
        assert_eq!(path_below_owner("/users/{user-id}/events"), "/events");
        assert_eq!(
            path_below_owner("/groups/{group-id}/events/{event-id}"),
            "/events/{}"
        );
        assert_eq!(path_below_owner("/me"), "");
        assert_eq!(path_below_owner("/"), "");
    }

    #[test]
    fn graph_style_owners_group_and_the_most_general_leads() {
        let tools = [
            op(
                "users.ListEvents",
                HttpMethod::Get,
                "/users/{user-id}/events",
            ),
            op("me.ListEvents", HttpMethod::Get, "/me/events"),
            op(
                "groups.ListEvents",
                HttpMethod::Get,
                "/groups/{group-id}/events",
            ),
            op("me.CreateEvents", HttpMethod::Post, "/me/events"),
            op(
                "me.calendar.ListEvents",
                HttpMethod::Get,
                "/me/calendar/events",
            ),
        ];
        let (of, members) = groups(&tools);
        assert_eq!(of, [0, 0, 0, 1, 2]);
        assert_eq!(members[0], [1, 0, 2]);
    }

    #[test]
    fn same_path_shape_different_operations_stay_apart() {
        let tools = [
            op("repos/list-for-org", HttpMethod::Get, "/orgs/{org}/repos"),
            op(
                "repos/list-for-user",
                HttpMethod::Get,
                "/users/{username}/repos",
            ),
        ];
        let (of, _) = groups(&tools);
        assert_ne!(of[0], of[1]);
    }

    #[test]
    fn tools_without_id_or_summary_stand_alone() {
        let mut a = op("x", HttpMethod::Get, "/a/{id}/items");
        let mut b = op("y", HttpMethod::Get, "/b/{id}/items");
        a.operation_id = None;
        b.operation_id = None;
        let (of, _) = groups(&[a.clone(), b.clone()]);
        assert_ne!(of[0], of[1]);
        a.summary = Some("List items".into());
        b.summary = Some("list items ".into());
        let (of, _) = groups(&[a, b]);
        assert_eq!(of[0], of[1]);
    }
}
