//! Request bodies: which media type is sent, and how the body appears in the tool input.
//!
//! Media type choice: JSON (`application/json`, then `*+json`) first, then
//! `application/x-www-form-urlencoded`, then `multipart/form-data`, then the first listed.
//! A plain object body (after `$ref` and `allOf` merging) is flattened: its properties become
//! top-level tool properties. A required body whose `oneOf`/`anyOf` only lists required
//! properties (`oneOf: [{required: [id]}, {required: [owner, repo, number]}]`) is still plain:
//! the alternatives move to the tool's input schema beside the flattened properties and are
//! checked at call time, as `required` is, so the tool keeps its shape when an API adds such
//! alternatives. Anything else (union, array, primitive, map, nullable) is one `body` property. Binary content (octet-stream bodies, `format: binary` parts) is passed as
//! base64 text; the request builder decodes it.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapi_tools_runtime::manifest::{BodySpec, ParamStyle, PartEncoding};
use openapiv3::{MediaType, QueryStyle, ReferenceOr, RequestBody};
use serde_json::{Map, Value, json};

use super::schema::{Cx, Node, SchemaSet};
use crate::diagnostics::pointer_join;

const MAX_HOPS: usize = 16;
const COMPONENT_BODIES: &str = "#/components/requestBodies/";

/// What kind of payload a media type carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    Json,
    Form,
    Multipart,
    Text,
    Binary,
}

/// `application/json; charset=utf-8` -> `application/json`.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or(media_type)
        .trim()
        .to_ascii_lowercase()
}

fn kind_of(media_type: &str, has_schema: bool) -> BodyKind {
    let m = essence(media_type);
    let (top, sub) = m.split_once('/').unwrap_or((m.as_str(), ""));
    if m == "application/json" || sub.ends_with("+json") || sub == "json" {
        BodyKind::Json
    } else if m == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if top == "multipart" {
        BodyKind::Multipart
    } else if top == "text"
        || sub == "xml"
        || sub.ends_with("+xml")
        || sub == "yaml"
        || sub.ends_with("+yaml")
        || sub == "x-yaml"
    {
        BodyKind::Text
    } else if has_schema && (m == "*/*" || m == "application/*") {
        // Wildcards with a schema are how converted Swagger 2.0 specs say "JSON".
        BodyKind::Json
    } else {
        BodyKind::Binary
    }
}

/// Picks the media type to send (see the module docs for the order).
pub(crate) fn choose(
    content: &IndexMap<String, MediaType>,
) -> Option<(&String, &MediaType, BodyKind)> {
    let classified: Vec<(&String, &MediaType, BodyKind)> = content
        .iter()
        .map(|(m, media)| (m, media, kind_of(m, media.schema.is_some())))
        .collect();
    let exact_json = classified
        .iter()
        .find(|(m, _, _)| essence(m) == "application/json");
    let by_kind = |k: BodyKind| classified.iter().find(|(_, _, kind)| *kind == k);
    exact_json
        .or_else(|| by_kind(BodyKind::Json))
        .or_else(|| by_kind(BodyKind::Form))
        .or_else(|| by_kind(BodyKind::Multipart))
        .or_else(|| classified.first())
        .copied()
}

/// Follows `#/components/requestBodies/...` references (chains bounded).
pub(crate) fn resolve<'a>(
    body: &'a ReferenceOr<RequestBody>,
    pointer: &str,
    components: Option<&'a IndexMap<String, ReferenceOr<RequestBody>>>,
    cx: &mut Cx<'_>,
) -> Option<(&'a RequestBody, String)> {
    let mut current = body;
    let mut at = pointer.to_owned();
    for _ in 0..MAX_HOPS {
        match current {
            ReferenceOr::Item(b) => return Some((b, at)),
            ReferenceOr::Reference { reference } => {
                let target = reference
                    .strip_prefix(COMPONENT_BODIES)
                    .map(super::schema::decode_token)
                    .and_then(|name| Some((components?.get(&name)?, name)));
                let Some((next, name)) = target else {
                    cx.warn(
                        &at,
                        format!(
                            "request body `$ref: {reference}` does not resolve; the operation \
                             gets no body"
                        ),
                    );
                    return None;
                };
                at = pointer_join("/components/requestBodies", &name);
                current = next;
            }
        }
    }
    cx.warn(
        pointer,
        "request body `$ref` chain is too long or cyclic; the operation gets no body",
    );
    None
}

/// A request body as the tool input will carry it.
pub(crate) struct BodyModel {
    pub spec: BodySpec,
    /// Properties to flatten (wire name, wire-space schema, required), when the body is a
    /// plain object; `None` when it must be one `body` property.
    pub flat: Option<Vec<(String, Value, bool)>>,
    /// The whole body as one property (wire-space schema), used when not flattened.
    pub whole: Value,
    /// Required-only alternatives of a flattened body (wire names).
    pub alternatives: Option<Alternatives>,
}

/// `oneOf`/`anyOf` members of a flattened body that only say which properties must be present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Alternatives {
    /// `anyOf` or `oneOf`, as written.
    pub keyword: &'static str,
    /// Each member's `required` list (wire names), in order.
    pub required: Vec<Vec<String>>,
}

/// Models the chosen media type of a request body.
pub(crate) fn model<'a>(
    body: &'a RequestBody,
    pointer: &str,
    schemas: &mut SchemaSet<'a>,
    cx: &mut Cx<'_>,
) -> Option<BodyModel> {
    let Some((media_type, media, kind)) = choose(&body.content) else {
        cx.warn(
            pointer,
            "request body lists no media type; the operation gets no body",
        );
        return None;
    };
    let media_ptr = pointer_join(&pointer_join(pointer, "content"), media_type);
    let description = body
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let mut spec = BodySpec {
        media_type: media_type.clone(),
        required: body.required,
        flattened: false,
        encoding: BTreeMap::new(),
    };
    let concrete_type = (!essence(media_type).contains('*')).then(|| essence(media_type));
    let mut whole = match kind {
        BodyKind::Text => json!({"type": "string"}),
        BodyKind::Binary => {
            let mut s = json!({"type": "string", "contentEncoding": "base64"});
            if let Some(t) = &concrete_type {
                s["contentMediaType"] = Value::String(t.clone());
            }
            s
        }
        BodyKind::Json | BodyKind::Form | BodyKind::Multipart => match &media.schema {
            Some(schema) => {
                let node: Node<'a> = schema.into();
                let w = schemas.wire_form(node, &pointer_join(&media_ptr, "schema"), cx);
                schemas.inline_top_ref(w, cx.diags)
            }
            None => Value::Object(Map::new()),
        },
    };
    let note = match kind {
        BodyKind::Text => Some(format!(
            "The request body as `{}` text.",
            essence(media_type)
        )),
        BodyKind::Binary => Some(format!(
            "The request body (`{}`), base64-encoded.",
            essence(media_type)
        )),
        _ => None,
    };
    if let Some(obj) = whole.as_object_mut() {
        let text = match (description, note) {
            (Some(d), Some(n)) => Some(format!("{d}\n\n{n}")),
            (Some(d), None) => Some(d.to_owned()),
            (None, Some(n)) => Some(n),
            (None, None) => None,
        };
        if let Some(t) = text {
            obj.insert("description".into(), t.into());
        }
    }
    if matches!(kind, BodyKind::Form | BodyKind::Multipart) {
        spec.encoding = encodings(&mut whole, &media.encoding);
    }
    let (flat, alternatives) =
        if matches!(kind, BodyKind::Json | BodyKind::Form | BodyKind::Multipart) {
            plain_object_properties(&whole, body.required)
                .map_or((None, None), |(flat, alts)| (Some(flat), alts))
        } else {
            (None, None)
        };
    Some(BodyModel {
        spec,
        flat,
        whole,
        alternatives,
    })
}

/// Flattened properties (wire name, schema, required) and the body's required-only
/// alternatives.
type Plain = (Vec<(String, Value, bool)>, Option<Alternatives>);

/// The properties of a plain object schema (object type, no composition, closed or
/// unspecified additional properties, nothing that flattening would lose). A required body
/// may carry one `oneOf`/`anyOf` of required-only members naming its own properties: those
/// are returned as [`Alternatives`]. An optional body cannot: when no body property is sent,
/// no body is sent and the alternatives must not apply, which a flat schema cannot say.
fn plain_object_properties(schema: &Value, body_required: bool) -> Option<Plain> {
    let obj = schema.as_object()?;
    if obj.get("type").and_then(Value::as_str) != Some("object") {
        return None;
    }
    let alternatives = match (obj.get("oneOf"), obj.get("anyOf")) {
        (None, None) => None,
        (Some(members), None) if body_required => Some(required_only("oneOf", members, obj)?),
        (None, Some(members)) if body_required => Some(required_only("anyOf", members, obj)?),
        _ => return None,
    };
    const ALLOWED: [&str; 10] = [
        "oneOf",
        "anyOf",
        "type",
        "properties",
        "required",
        "additionalProperties",
        "description",
        "title",
        "deprecated",
        "examples",
    ];
    if !obj.keys().all(|k| ALLOWED.contains(&k.as_str())) {
        return None;
    }
    if obj
        .get("additionalProperties")
        .is_some_and(|a| a != &Value::Bool(false))
    {
        return None;
    }
    let required: Vec<&str> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let props = match obj.get("properties") {
        Some(p) => p.as_object()?,
        None => return Some((Vec::new(), alternatives)),
    };
    let flat = props
        .iter()
        .map(|(wire, s)| {
            (
                wire.clone(),
                s.clone(),
                body_required && required.contains(&wire.as_str()),
            )
        })
        .collect();
    Some((flat, alternatives))
}

/// The `required` lists of union members that say nothing else (a description aside), each
/// naming declared properties only; `None` when any member does more.
fn required_only(
    keyword: &'static str,
    members: &Value,
    obj: &Map<String, Value>,
) -> Option<Alternatives> {
    let declared = obj.get("properties").and_then(Value::as_object);
    let mut required = Vec::new();
    for member in members.as_array()?.iter() {
        let m = member.as_object()?;
        if !m
            .keys()
            .all(|k| matches!(k.as_str(), "required" | "description" | "title"))
        {
            return None;
        }
        let names: Vec<String> = m
            .get("required")?
            .as_array()?
            .iter()
            .map(|n| n.as_str().map(str::to_owned))
            .collect::<Option<_>>()?;
        if !names
            .iter()
            .all(|n| declared.is_some_and(|d| d.contains_key(n)))
        {
            return None;
        }
        required.push(names);
    }
    (!required.is_empty()).then_some(Alternatives { keyword, required })
}

/// Part encodings of a form or multipart body, and the description of binary parts (which the
/// caller fills with base64 text).
fn encodings(
    whole: &mut Value,
    declared: &IndexMap<String, openapiv3::Encoding>,
) -> BTreeMap<String, PartEncoding> {
    let mut out: BTreeMap<String, PartEncoding> = BTreeMap::new();
    for (name, enc) in declared {
        out.insert(
            name.clone(),
            PartEncoding {
                content_type: enc.content_type.clone(),
                binary: false,
                style: enc.style.as_ref().map(|s| match s {
                    QueryStyle::Form => ParamStyle::Form,
                    QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    QueryStyle::DeepObject => ParamStyle::DeepObject,
                }),
                // openapiv3 reads an absent `explode` as false; only `true` is certain.
                explode: enc.explode.then_some(true),
            },
        );
    }
    let Some(props) = whole.get_mut("properties").and_then(Value::as_object_mut) else {
        return out;
    };
    for (name, schema) in props.iter_mut() {
        // A file part, or an array of them.
        let is_binary =
            |s: &Value| s.get("contentEncoding").and_then(Value::as_str) == Some("base64");
        let target = if is_binary(schema) {
            Some(&mut *schema)
        } else if schema.get("items").is_some_and(is_binary) {
            schema.get_mut("items")
        } else {
            None
        };
        let Some(target) = target.and_then(Value::as_object_mut) else {
            continue;
        };
        let entry = out.entry(name.clone()).or_insert(PartEncoding {
            content_type: None,
            binary: false,
            style: None,
            explode: None,
        });
        entry.binary = true;
        if let Some(ct) = entry.content_type.as_deref()
            && !ct.contains('*')
            && !ct.contains(',')
        {
            target.insert("contentMediaType".into(), ct.trim().into());
        }
        let note = "Pass the file content base64-encoded.";
        let text = match target.get("description").and_then(Value::as_str) {
            Some(d) if !d.is_empty() => format!("{d}\n\n{note}"),
            _ => note.to_owned(),
        };
        target.insert("description".into(), text.into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(types: &[&str]) -> IndexMap<String, MediaType> {
        types
            .iter()
            .map(|t| ((*t).to_owned(), MediaType::default()))
            .collect()
    }

    #[test]
    fn json_is_preferred_then_form_then_multipart_then_first() {
        let c = content(&[
            "text/plain",
            "multipart/form-data",
            "application/x-www-form-urlencoded",
            "application/json",
        ]);
        assert_eq!(choose(&c).unwrap().0, "application/json");
        let c = content(&["multipart/form-data", "application/x-www-form-urlencoded"]);
        assert_eq!(choose(&c).unwrap().0, "application/x-www-form-urlencoded");
        let c = content(&["text/plain", "multipart/form-data"]);
        assert_eq!(choose(&c).unwrap().0, "multipart/form-data");
        let c = content(&["application/octet-stream", "text/plain"]);
        assert_eq!(choose(&c).unwrap().0, "application/octet-stream");
    }

    #[test]
    fn exact_json_beats_other_json_types() {
        let c = content(&[
            "application/merge-patch+json",
            "application/json; charset=utf-8",
        ]);
        assert_eq!(choose(&c).unwrap().0, "application/json; charset=utf-8");
        let c = content(&[
            "application/json-patch+json",
            "application/apply-patch+yaml",
        ]);
        assert_eq!(choose(&c).unwrap().0, "application/json-patch+json");
    }

    #[test]
    fn media_types_are_classified() {
        assert_eq!(kind_of("application/ld+json", true), BodyKind::Json);
        assert_eq!(kind_of("text/xml", true), BodyKind::Text);
        assert_eq!(kind_of("application/xml", true), BodyKind::Text);
        assert_eq!(kind_of("application/octet-stream", true), BodyKind::Binary);
        assert_eq!(kind_of("image/png", false), BodyKind::Binary);
        assert_eq!(kind_of("*/*", true), BodyKind::Json);
        assert_eq!(kind_of("*/*", false), BodyKind::Binary);
    }

    #[test]
    fn only_plain_objects_flatten() {
        let plain = json!({"type": "object", "properties": {"a": {}}, "required": ["a"]});
        assert_eq!(
            plain_object_properties(&plain, true).unwrap(),
            (vec![("a".to_owned(), json!({}), true)], None)
        );
        // Optional body: its required properties cannot be required tool inputs.
        assert!(!plain_object_properties(&plain, false).unwrap().0[0].2);
        for not_plain in [
            json!({"type": ["object", "null"], "properties": {"a": {}}}),
            json!({"type": "array", "items": {}}),
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
            json!({"type": "object", "properties": {"a": {}}, "oneOf": [{}, {}]}),
            json!({"anyOf": [{"type": "object"}]}),
            json!({"type": "string"}),
        ] {
            assert!(
                plain_object_properties(&not_plain, true).is_none(),
                "{not_plain}"
            );
        }
        // An empty closed object flattens to nothing (Stripe's GET bodies).
        assert_eq!(
            plain_object_properties(
                &json!({"type": "object", "additionalProperties": false}),
                false
            ),
            Some((vec![], None))
        );
    }

    #[test]
    fn required_only_alternatives_keep_a_required_body_flat() {
        // GitHub's projects/add-item-for-org in @octokit/openapi 23.
        let body = json!({"type": "object", "additionalProperties": false,
            "properties": {"type": {"enum": ["Issue"]}, "id": {"type": "integer"},
                "owner": {"type": "string"}, "repo": {"type": "string"}, "number": {"type": "integer"}},
            "required": ["type"],
            "oneOf": [{"required": ["id"]}, {"required": ["owner", "repo", "number"], "description": "by name"}]});
        let (flat, alternatives) = plain_object_properties(&body, true).unwrap();
        assert_eq!(flat.len(), 5);
        assert_eq!(
            alternatives,
            Some(Alternatives {
                keyword: "oneOf",
                required: vec![
                    vec!["id".to_owned()],
                    vec!["owner".to_owned(), "repo".to_owned(), "number".to_owned()]
                ],
            })
        );
        let mut any = body.clone();
        any["anyOf"] = any["oneOf"].take();
        any.as_object_mut().unwrap().remove("oneOf");
        assert_eq!(
            plain_object_properties(&any, true)
                .unwrap()
                .1
                .unwrap()
                .keyword,
            "anyOf"
        );
        // An optional body, a member that does more than require, a member naming an
        // undeclared property, or both union keywords: one `body` input as before.
        assert!(plain_object_properties(&body, false).is_none());
        for member in [
            json!({"required": ["id"], "properties": {"id": {"minimum": 1}}}),
            json!({"required": ["nope"]}),
            json!({"required": "id"}),
        ] {
            let mut b = body.clone();
            b["oneOf"][0] = member.clone();
            assert!(plain_object_properties(&b, true).is_none(), "{member}");
        }
        let mut both = body;
        both["anyOf"] = json!([{"required": ["id"]}]);
        assert!(plain_object_properties(&both, true).is_none());
    }

    #[test]
    fn binary_parts_are_marked_and_described() {
        let mut whole = json!({"type": "object", "properties": {
            "file": {"type": "string", "contentEncoding": "base64"},
            "files": {"type": "array", "items": {"type": "string", "contentEncoding": "base64"}},
            "name": {"type": "string"}
        }});
        let declared: IndexMap<String, openapiv3::Encoding> = serde_json::from_value(json!({
            "file": {"contentType": "image/png"}
        }))
        .unwrap();
        let enc = encodings(&mut whole, &declared);
        assert!(enc["file"].binary && enc["files"].binary);
        assert!(!enc.contains_key("name"));
        assert_eq!(
            whole["properties"]["file"],
            json!({"type": "string", "contentEncoding": "base64", "contentMediaType": "image/png",
                   "description": "Pass the file content base64-encoded."})
        );
        assert_eq!(
            whole["properties"]["files"]["items"]["description"],
            "Pass the file content base64-encoded."
        );
    }
}
