//! Redundant variants: the same operation offered under several owners and navigation paths.
//!
//! Microsoft Graph exposes most resources under `/me`, `/users/{user-id}` and
//! `/groups/{group-id}` (`me.ListEvents`, `users.ListEvents`, `groups.ListEvents`), and again
//! under deeper navigation paths (`me.calendar.ListEvents` at `/me/calendar/events`,
//! `me.calendars.ListEvents` at `/me/calendars/{calendar-id}/events`, the same for
//! `/me/mailFolders/{id}/messages` and `/me/messages`); listing all of them in a top 5 crowds
//! out everything else. The path's *owner* is its first segment and, when the second is a
//! parameter, that too (`/me`, `/users/{user-id}`); the rest is the path *below the owner*.
//!
//! Two operations with dotted OData-style operationIds (`me.calendar.ListEvents`) are variants
//! when they agree on the method, on the operationId's last component (`ListEvents`,
//! `accept`), on their inputs other than path parameters (equal input schemas without them:
//! this keeps apart Graph's `me.ListMessages`, mail, and `chats.ListMessages`, chat messages,
//! whose `$select` values differ), and when their paths say they reach the same resource:
//!
//! - the same path below different owners (`/me/events`, `/users/{user-id}/events`),
//! - a deeper navigation path under the same owner that ends like the shorter one
//!   (`/me/calendars/{calendar-id}/events` ends in `/events`, like `/me/events`),
//! - one path below an owner equal to the whole other path (`/me/chats/{chat-id}/messages`
//!   and `/chats/{chat-id}/messages`), or
//! - the first or the third rule once every entity is named by its key (see [`entities`]):
//!   `/groups/{group-id}/team/channels`, `/me/joinedTeams/{team-id}/channels` and
//!   `/teams/{team-id}/channels` are the channels of one team.
//!
//! Path parameters compare by name without a numeric suffix (`{event-id1}` names an event,
//! `{message-id}` and `{chatMessage-id}` differ), so a bound action keeps what it is bound to:
//! `/me/messages/{message-id}/microsoft.graph.move` and
//! `/me/mailFolders/{mailFolder-id}/microsoft.graph.move` stay apart, and so do
//! `/me/events/{event-id}/attachments` and `/me/messages/{message-id}/attachments`.
//!
//! Other operations (GitHub's `repos/list-for-org`, tools without an operationId, which
//! compare their summaries) are variants only when method, operationId and the path below the
//! owner are all equal: `repos/list-for-org` (`/orgs/{org}/repos`) and `repos/list-for-user`
//! (`/users/{username}/repos`) are different tools. A group's members are ordered most general
//! first: fewest path segments, then the shortest path, then document order. A search shows
//! the member that matches the query best, which is the first unless the query names another
//! owner (see `rank`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::Value;

use crate::manifest::{HttpMethod, ParamLocation, ToolManifest};

/// What every member of a variant group shares: method, operation, and for strict tools the
/// path below the owner, for dotted ones the last path segment and a hash of the inputs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    method: HttpMethod,
    op: String,
    path: String,
    inputs: u64,
}

/// The key of `tool`, with `inputs` still 0, and whether the tool is dotted (loose path rules);
/// `None` when the tool can have no variants (no operationId and no summary).
fn key(tool: &ToolManifest) -> Option<(Key, bool)> {
    let (op, path, dotted) = match (&tool.operation_id, &tool.summary) {
        (Some(id), _) => match id.rsplit_once('.') {
            Some((_, action)) => {
                let last = tool.path.rsplit('/').next().unwrap_or_default();
                (action.to_owned(), normal(last).to_owned(), true)
            }
            None => (id.clone(), path_below_owner(&tool.path), false),
        },
        (None, Some(summary)) if !summary.trim().is_empty() => (
            summary.trim().to_lowercase(),
            path_below_owner(&tool.path),
            false,
        ),
        _ => return None,
    };
    let key = Key {
        method: tool.method,
        op,
        path,
        inputs: 0,
    };
    Some((key, dotted))
}

/// A path segment as variants compare it: a parameter without its numeric suffix
/// (`{event-id1}` -> `{event-id`), a literal as it is.
fn normal(segment: &str) -> &str {
    if is_param(segment) {
        segment.trim_end_matches(|c: char| c.is_ascii_digit() || c == '}')
    } else {
        segment
    }
}

/// `/users/{user-id}/events` -> `/events`, `/me/events` -> `/events`, with every parameter
/// written `{}`.
fn path_below_owner(path: &str) -> String {
    template_of(segments_below_owner(path))
}

/// `segments` joined as a path with every parameter written `{}`: a key that is the same for
/// every spelling of the parameter names.
pub(super) fn template_of<'a>(segments: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for s in segments {
        out.push('/');
        out.push_str(if is_param(s) { "{}" } else { s });
    }
    out
}

/// The segments of `path` after its owner.
fn segments_below_owner(path: &str) -> impl Iterator<Item = &str> {
    let mut segments = path.split('/').filter(|s| !s.is_empty()).peekable();
    segments.next();
    if segments.peek().is_some_and(|s| is_param(s)) {
        segments.next();
    }
    segments
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// A dotted tool's path, split for the path rules (see the module docs).
struct Shape<'a> {
    owner: &'a str,
    below: Vec<&'a str>,
    full: Vec<&'a str>,
    /// `below` and `full` with every entity named by its key (see [`entities`]).
    entities_below: Vec<Cow<'a, str>>,
    entities_full: Vec<Cow<'a, str>>,
}

impl<'a> Shape<'a> {
    fn of(path: &'a str) -> Self {
        let full: Vec<&str> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(normal)
            .collect();
        let skip = 1 + usize::from(full.get(1).is_some_and(|s| s.starts_with('{')));
        let below = full
            .get(skip.min(full.len())..)
            .unwrap_or_default()
            .to_vec();
        Shape {
            owner: full.first().copied().unwrap_or_default(),
            entities_below: entities(&below),
            entities_full: entities(&full),
            below,
            full,
        }
    }

    /// Whether `self` reaches the resource `general` (no longer than `self`) reaches.
    fn reaches_same(&self, general: &Shape) -> bool {
        self.below == general.below
            || (self.owner == general.owner && self.below.ends_with(&general.below))
            || self.below == general.full
            || self.entities_below == general.entities_below
            || self.entities_below == general.entities_full
    }
}

/// Path segments with every entity named by its key parameter: a collection and its key
/// (`teams/{team-id`, `joinedTeams/{team-id`: the collection's name ends in the key's entity)
/// and a single-valued navigation (`team`, `drive`) both become the key (`{team-id`), so
/// `/groups/{group-id}/team/channels` and `/me/joinedTeams/{team-id}/channels` reach the
/// channels of `/teams/{team-id}/channels`. Collections whose name does not end in the key's
/// entity (`members/{directoryObject-id`, `owners/{directoryObject-id`) keep their name:
/// they are different relations to the same kind of object. Actions (`microsoft.graph.move`)
/// and OData segments (`$ref`) stay as they are.
fn entities<'a>(segments: &[&'a str]) -> Vec<Cow<'a, str>> {
    let mut out = Vec::with_capacity(segments.len());
    let mut i = 0;
    while let Some(&seg) = segments.get(i) {
        i += 1;
        let plain = seg.chars().all(|c| c.is_ascii_alphanumeric());
        if !plain {
            out.push(Cow::Borrowed(seg));
            continue;
        }
        match segments.get(i) {
            Some(&key) if key.starts_with('{') => {
                let entity = key
                    .trim_start_matches('{')
                    .trim_end_matches("-id")
                    .to_ascii_lowercase();
                let collection = seg.to_ascii_lowercase();
                if !entity.is_empty() && collection.trim_end_matches('s').ends_with(&entity) {
                    out.push(Cow::Borrowed(key));
                    i += 1;
                } else {
                    out.push(Cow::Borrowed(seg));
                }
            }
            _ => out.push(Cow::Owned(format!("{{{seg}-id"))),
        }
    }
    out
}

/// A hash of the input schema without the path parameters (and without `$defs`).
fn inputs_hash(tool: &ToolManifest) -> u64 {
    let path_params: Vec<&str> = tool
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .map(|p| p.name.as_str())
        .collect();
    let mut h = DefaultHasher::new();
    let Some(schema) = tool.input_schema.as_object() else {
        return 0;
    };
    for (k, v) in schema {
        match (k.as_str(), v) {
            ("properties", Value::Object(props)) => {
                for (name, prop) in props
                    .iter()
                    .filter(|(n, _)| !path_params.contains(&n.as_str()))
                {
                    name.hash(&mut h);
                    hash_value(prop, &mut h);
                }
            }
            ("required", Value::Array(names)) => {
                for n in names
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|n| !path_params.contains(n))
                {
                    n.hash(&mut h);
                }
            }
            // Shared component schemas are reached through `$ref`s in the properties, whose
            // names already differ when the types do; hashing Graph's large `$defs` would
            // cost a quarter of the index build.
            ("$defs", _) => {}
            _ => {
                k.hash(&mut h);
                hash_value(v, &mut h);
            }
        }
    }
    h.finish()
}

/// Hashes a JSON value structurally.
fn hash_value(v: &Value, h: &mut DefaultHasher) {
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => b.hash(h),
        Value::Number(n) => n.to_string().hash(h),
        Value::String(s) => s.hash(h),
        Value::Array(items) => {
            items.len().hash(h);
            for i in items {
                hash_value(i, h);
            }
        }
        Value::Object(map) => {
            map.len().hash(h);
            for (k, v) in map {
                k.hash(h);
                hash_value(v, h);
            }
        }
    }
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
    let mut keys: Vec<Option<(Key, bool)>> = tools.iter().map(key).collect();
    // Inputs only matter where method, operation and last segment already agree; hashing
    // every input schema of Graph would cost a third of the index build.
    let mut shared: HashMap<&Key, usize> = HashMap::new();
    for (k, _) in keys.iter().flatten() {
        *shared.entry(k).or_default() += 1;
    }
    let needs_inputs: Vec<bool> = keys
        .iter()
        .map(|k| {
            k.as_ref()
                .is_some_and(|(k, dotted)| *dotted && shared.get(k).is_some_and(|n| *n > 1))
        })
        .collect();
    for ((k, tool), needs) in keys.iter_mut().zip(tools).zip(needs_inputs) {
        if let Some((k, _)) = k.as_mut().filter(|_| needs) {
            k.inputs = inputs_hash(tool);
        }
    }
    // Buckets of tools sharing a key; strict tools are variants of their whole bucket, dotted
    // ones of the bucket members whose paths reach the same resource.
    let mut buckets: HashMap<Key, Vec<usize>> = HashMap::new();
    let mut dotted = vec![false; tools.len()];
    for (i, k) in keys.into_iter().enumerate() {
        if let Some((k, d)) = k {
            dotted[i] = d;
            buckets.entry(k).or_default().push(i);
        }
    }
    let mut parent: Vec<usize> = (0..tools.len()).collect();
    let path = |i: usize| tools.get(i).map_or("", |t| t.path.as_str());
    for bucket in buckets.values_mut() {
        bucket.sort_by_key(|&i| (generality(path(i)), i));
        let Some(&first) = bucket.first() else {
            continue;
        };
        if !dotted[first] {
            for &i in bucket.iter() {
                parent[i] = first;
            }
            continue;
        }
        let shapes: Vec<Shape> = bucket.iter().map(|&i| Shape::of(path(i))).collect();
        for (n, shape) in shapes.iter().enumerate() {
            // Join the most general earlier member reaching the same resource; bucket order
            // makes that member's own root final already.
            if let Some(m) = (0..n).find(|&m| shape.reaches_same(&shapes[m])) {
                parent[bucket[n]] = parent[bucket[m]];
            }
        }
    }
    let mut group_of = vec![0u32; tools.len()];
    let mut number: HashMap<usize, u32> = HashMap::new();
    let mut members: Vec<Vec<u32>> = Vec::new();
    for i in 0..tools.len() {
        let root = parent[i];
        let fresh = u32::try_from(members.len()).unwrap_or(u32::MAX);
        let g = *number.entry(root).or_insert(fresh);
        if g == fresh {
            members.push(Vec::new());
        }
        group_of[i] = g;
        if let Some(m) = members.get_mut(g as usize) {
            m.push(u32::try_from(i).unwrap_or(u32::MAX));
        }
    }
    for m in &mut members {
        m.sort_by_key(|&i| (generality(path(i as usize)), i));
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
        assert_eq!(of, [0, 0, 0, 1, 0]);
        assert_eq!(members[0], [1, 4, 0, 2]);
    }

    #[test]
    fn deep_navigation_paths_fold_into_the_short_one() {
        let tools = [
            op(
                "me.mailFolders.childFolders.ListMessages",
                HttpMethod::Get,
                "/me/mailFolders/{mailFolder-id}/childFolders/{mailFolder-id1}/messages",
            ),
            op(
                "me.mailFolders.ListMessages",
                HttpMethod::Get,
                "/me/mailFolders/{mailFolder-id}/messages",
            ),
            op("me.ListMessages", HttpMethod::Get, "/me/messages"),
            op(
                "me.mailFolders.DeleteMessages",
                HttpMethod::Delete,
                "/me/mailFolders/{mailFolder-id}/messages/{message-id}",
            ),
            op(
                "me.DeleteMessages",
                HttpMethod::Delete,
                "/me/messages/{message-id}",
            ),
        ];
        let (of, members) = groups(&tools);
        assert_eq!(of, [0, 0, 0, 1, 1]);
        assert_eq!(members[0][0], 2);
        assert_eq!(members[1], [4, 3]);
    }

    #[test]
    fn same_name_different_resource_stays_apart() {
        let mail = op("me.ListMessages", HttpMethod::Get, "/me/messages");
        let mut chat = op(
            "chats.ListMessages",
            HttpMethod::Get,
            "/chats/{chat-id}/messages",
        );
        chat.input_schema = serde_json::json!({"type": "object", "properties":
            {"$select": {"type": "array", "items": {"enum": ["body", "chatId"]}}}});
        let (of, _) = groups(&[mail.clone(), chat]);
        assert_ne!(of[0], of[1]);

        let deleted_message = op(
            "me.DeleteMessages",
            HttpMethod::Delete,
            "/me/messages/{message-id}",
        );
        let deleted_chat_message = op(
            "chats.DeleteMessages",
            HttpMethod::Delete,
            "/chats/{chat-id}/messages/{chatMessage-id}",
        );
        let (of, _) = groups(&[deleted_message, deleted_chat_message]);
        assert_ne!(of[0], of[1]);
    }

    #[test]
    fn bound_actions_keep_what_they_are_bound_to() {
        let tools = [
            op(
                "me.messages.message.move",
                HttpMethod::Post,
                "/me/messages/{message-id}/microsoft.graph.move",
            ),
            op(
                "me.mailFolders.mailFolder.move",
                HttpMethod::Post,
                "/me/mailFolders/{mailFolder-id}/microsoft.graph.move",
            ),
            op(
                "me.mailFolders.mailFolder.messages.message.move",
                HttpMethod::Post,
                "/me/mailFolders/{mailFolder-id}/messages/{message-id}/microsoft.graph.move",
            ),
        ];
        let (of, members) = groups(&tools);
        assert_eq!(of, [0, 1, 0]);
        assert_eq!(members[0], [0, 2]);
        assert_eq!(normal("{event-id1}"), "{event-id");
        let deep =
            Shape::of("/me/mailFolders/{mailFolder-id}/messages/{message-id}/microsoft.graph.move");
        assert!(deep.reaches_same(&Shape::of("/me/messages/{message-id}/microsoft.graph.move")));
        assert!(!deep.reaches_same(&Shape::of(
            "/me/mailFolders/{mailFolder-id}/microsoft.graph.move"
        )));
        let via_me = Shape::of("/me/chats/{chat-id}/messages");
        assert!(via_me.reaches_same(&Shape::of("/chats/{chat-id}/messages")));
        assert!(
            !Shape::of("/teams/{team-id}/channels/{channel-id}/messages")
                .reaches_same(&Shape::of("/chats/{chat-id}/messages"))
        );
    }

    #[test]
    fn entities_meet_under_their_keys() {
        let team = Shape::of("/teams/{team-id}/channels");
        assert!(Shape::of("/groups/{group-id}/team/channels").reaches_same(&team));
        assert!(Shape::of("/me/joinedTeams/{team-id}/channels").reaches_same(&team));
        assert!(
            Shape::of("/me/drive").reaches_same(&Shape::of("/drives/{drive-id}")),
            "a single-valued navigation is the entity its collection holds"
        );
        // Different relations to the same kind of object stay apart.
        assert!(
            !Shape::of("/groups/{group-id}/owners/{directoryObject-id}").reaches_same(&Shape::of(
                "/groups/{group-id}/members/{directoryObject-id}"
            ))
        );
        assert!(
            !Shape::of("/teams/{team-id}/channels/{channel-id}/messages")
                .reaches_same(&Shape::of("/chats/{chat-id}/messages"))
        );
        let tools = [
            op(
                "teams.ListChannels",
                HttpMethod::Get,
                "/teams/{team-id}/channels",
            ),
            op(
                "groups.team.ListChannels",
                HttpMethod::Get,
                "/groups/{group-id}/team/channels",
            ),
        ];
        let (of, members) = groups(&tools);
        assert_eq!(of, [0, 0]);
        assert_eq!(members[0], [0, 1]);
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
