//! A walk over an OpenAPI document (as JSON) that knows what each object is.
//!
//! Bundling, normalisation, reference checks and the typed read all need to know whether a node
//! is a schema, a parameter, a response... A `type` key means something different in a schema
//! than in a `properties` map, and a `$ref` under `parameters` must land in
//! `components/parameters`. This module is the one place that encodes the OpenAPI object graph;
//! it only descends into places the specification defines (never into `example`, `default`,
//! `enum` or `x-*` values, which are data), so a `$ref` inside example data is left alone.

use serde_json::Value;

/// What an object in an OpenAPI document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// The root.
    Document,
    /// A Path Item (under `paths`, `webhooks`, callbacks, `components/pathItems`).
    PathItem,
    /// An Operation.
    Operation,
    /// A Parameter.
    Parameter,
    /// A Request Body.
    RequestBody,
    /// A Response.
    Response,
    /// A Header.
    Header,
    /// A Media Type object (a value of `content`).
    MediaType,
    /// An Encoding object.
    Encoding,
    /// An Example object.
    Example,
    /// A Link object.
    Link,
    /// A Callback object.
    Callback,
    /// A Security Scheme.
    SecurityScheme,
    /// A Schema (or a boolean schema in 3.1).
    Schema,
}

/// Component sections and the kind of object each holds.
const SECTIONS: [(&str, Kind); 10] = [
    ("schemas", Kind::Schema),
    ("responses", Kind::Response),
    ("parameters", Kind::Parameter),
    ("examples", Kind::Example),
    ("requestBodies", Kind::RequestBody),
    ("headers", Kind::Header),
    ("securitySchemes", Kind::SecurityScheme),
    ("links", Kind::Link),
    ("callbacks", Kind::Callback),
    ("pathItems", Kind::PathItem),
];

/// HTTP methods a Path Item may hold, in the specification's order.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Kind {
    /// The `components` section objects of this kind live in, if any.
    pub(crate) fn section(self) -> Option<&'static str> {
        SECTIONS.iter().find(|(_, k)| *k == self).map(|(s, _)| *s)
    }

    /// The kind held by a `components` section.
    pub(crate) fn from_section(section: &str) -> Option<Kind> {
        SECTIONS
            .iter()
            .find(|(s, _)| *s == section)
            .map(|(_, k)| *k)
    }

    /// A short human name for messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Kind::Document => "document",
            Kind::PathItem => "path item",
            Kind::Operation => "operation",
            Kind::Parameter => "parameter",
            Kind::RequestBody => "request body",
            Kind::Response => "response",
            Kind::Header => "header",
            Kind::MediaType => "media type",
            Kind::Encoding => "encoding",
            Kind::Example => "example",
            Kind::Link => "link",
            Kind::Callback => "callback",
            Kind::SecurityScheme => "security scheme",
            Kind::Schema => "schema",
        }
    }
}

/// One step from a node to a child.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Tok<'a> {
    /// An object key.
    Key(&'a str),
    /// An array index.
    Index(usize),
}

/// How deep the walk goes before it stops descending (real documents stay below 40).
pub(crate) const MAX_DEPTH: usize = 256;

/// Appends tokens to a JSON pointer buffer.
pub(crate) fn push_tokens(ptr: &mut String, toks: &[Tok<'_>]) {
    for t in toks {
        ptr.push('/');
        match t {
            Tok::Key(k) => {
                // Bytes, not chars: this runs for every node of every walk.
                if k.bytes().any(|b| b == b'~' || b == b'/') {
                    ptr.push_str(&crate::diagnostics::escape_pointer_token(k));
                } else {
                    ptr.push_str(k);
                }
            }
            Tok::Index(i) => {
                use std::fmt::Write;
                let _ = write!(ptr, "{i}");
            }
        }
    }
}

/// Calls `f` for every direct child of `node` (seen as a `kind`) that the specification defines,
/// with the tokens leading to it and its kind. Non-objects have no children; neither has a
/// non-schema `$ref` object (its siblings are ignored by OpenAPI).
pub(crate) fn visit_children(
    node: &mut Value,
    kind: Kind,
    f: &mut dyn FnMut(&[Tok<'_>], &mut Value, Kind),
) {
    let Some(obj) = node.as_object_mut() else {
        return;
    };
    if kind != Kind::Schema && obj.contains_key("$ref") {
        return;
    }
    for (key, value) in obj.iter_mut() {
        let k = key.as_str();
        match kind {
            Kind::Document => match k {
                "paths" | "webhooks" => named(value, k, Kind::PathItem, true, f),
                "components" => {
                    if let Some(sections) = value.as_object_mut() {
                        for (section, items) in sections.iter_mut() {
                            if let Some(kind) = Kind::from_section(section)
                                && let Some(items) = items.as_object_mut()
                            {
                                for (name, item) in items.iter_mut() {
                                    f(
                                        &[
                                            Tok::Key("components"),
                                            Tok::Key(section),
                                            Tok::Key(name),
                                        ],
                                        item,
                                        kind,
                                    );
                                }
                            }
                        }
                    }
                }
                _ => {}
            },
            Kind::PathItem => match k {
                "parameters" => listed(value, k, Kind::Parameter, f),
                _ if METHODS.contains(&k) => f(&[Tok::Key(k)], value, Kind::Operation),
                _ => {}
            },
            Kind::Operation => match k {
                "parameters" => listed(value, k, Kind::Parameter, f),
                "requestBody" => f(&[Tok::Key(k)], value, Kind::RequestBody),
                "responses" => named(value, k, Kind::Response, true, f),
                "callbacks" => named(value, k, Kind::Callback, false, f),
                _ => {}
            },
            Kind::Callback => {
                if !k.starts_with("x-") {
                    f(&[Tok::Key(k)], value, Kind::PathItem)
                }
            }
            Kind::Parameter | Kind::Header => match k {
                "schema" => f(&[Tok::Key(k)], value, Kind::Schema),
                "content" => named(value, k, Kind::MediaType, false, f),
                "examples" => named(value, k, Kind::Example, false, f),
                _ => {}
            },
            Kind::RequestBody => {
                if k == "content" {
                    named(value, k, Kind::MediaType, false, f)
                }
            }
            Kind::Response => match k {
                "headers" => named(value, k, Kind::Header, false, f),
                "content" => named(value, k, Kind::MediaType, false, f),
                "links" => named(value, k, Kind::Link, false, f),
                _ => {}
            },
            Kind::MediaType => match k {
                "schema" => f(&[Tok::Key(k)], value, Kind::Schema),
                "examples" => named(value, k, Kind::Example, false, f),
                "encoding" => named(value, k, Kind::Encoding, false, f),
                _ => {}
            },
            Kind::Encoding => {
                if k == "headers" {
                    named(value, k, Kind::Header, false, f)
                }
            }
            Kind::Schema => schema_child(k, value, f),
            Kind::Example | Kind::Link | Kind::SecurityScheme => {}
        }
    }
}

fn schema_child(k: &str, value: &mut Value, f: &mut dyn FnMut(&[Tok<'_>], &mut Value, Kind)) {
    match k {
        "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => {
            named(value, k, Kind::Schema, false, f)
        }
        "allOf" | "anyOf" | "oneOf" | "prefixItems" => listed(value, k, Kind::Schema, f),
        "items" => {
            if value.is_array() {
                listed(value, k, Kind::Schema, f)
            } else {
                f(&[Tok::Key(k)], value, Kind::Schema)
            }
        }
        // Boolean `additionalProperties` is a plain flag for openapiv3; only objects are schemas.
        "additionalProperties"
        | "unevaluatedProperties"
        | "unevaluatedItems"
        | "additionalItems"
            if value.is_object() =>
        {
            f(&[Tok::Key(k)], value, Kind::Schema)
        }
        "not" | "if" | "then" | "else" | "contains" | "propertyNames" => {
            f(&[Tok::Key(k)], value, Kind::Schema)
        }
        _ => {}
    }
}

/// Children in a map under `key` (`skip_ext`: the map's `x-*` keys are extensions, not items).
fn named(
    value: &mut Value,
    key: &str,
    kind: Kind,
    skip_ext: bool,
    f: &mut dyn FnMut(&[Tok<'_>], &mut Value, Kind),
) {
    if let Some(map) = value.as_object_mut() {
        for (name, item) in map.iter_mut() {
            if skip_ext && name.starts_with("x-") {
                continue;
            }
            f(&[Tok::Key(key), Tok::Key(name)], item, kind);
        }
    }
}

/// Children in an array under `key`.
fn listed(
    value: &mut Value,
    key: &str,
    kind: Kind,
    f: &mut dyn FnMut(&[Tok<'_>], &mut Value, Kind),
) {
    if let Some(items) = value.as_array_mut() {
        for (i, item) in items.iter_mut().enumerate() {
            f(&[Tok::Key(key), Tok::Index(i)], item, kind);
        }
    }
}

/// Walks `node` (of `kind`, at pointer `base`) and everything below it, calling `f` on each node
/// before its children, so `f` may rewrite a node and the walk then visits the rewritten
/// children. Returns how many subtrees were not visited because they exceed [`MAX_DEPTH`].
pub(crate) fn walk(
    node: &mut Value,
    kind: Kind,
    base: &str,
    f: &mut dyn FnMut(&mut Value, Kind, &str),
) -> usize {
    let mut ptr = base.to_owned();
    let mut too_deep = 0;
    walk_rec(node, kind, &mut ptr, 0, f, &mut too_deep);
    too_deep
}

fn walk_rec(
    node: &mut Value,
    kind: Kind,
    ptr: &mut String,
    depth: usize,
    f: &mut dyn FnMut(&mut Value, Kind, &str),
    too_deep: &mut usize,
) {
    if depth > MAX_DEPTH {
        *too_deep += 1;
        return;
    }
    f(node, kind, ptr);
    visit_children(node, kind, &mut |toks, child, child_kind| {
        let len = ptr.len();
        push_tokens(ptr, toks);
        walk_rec(child, child_kind, ptr, depth + 1, f, too_deep);
        ptr.truncate(len);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_schemas_but_not_example_data_or_property_maps() {
        let mut doc = json!({
            "paths": {"/a/{id}": {"get": {
                "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"type": {"type": "integer"}},
                               "example": {"$ref": "not a ref"}}
                }}}, "x-ext": {"$ref": "#/nope"}}
            }}},
            "components": {"schemas": {"A": {"items": {"$ref": "#/components/schemas/A"}}}}
        });
        let mut seen = Vec::new();
        walk(&mut doc, Kind::Document, "", &mut |_, kind, ptr| {
            seen.push((ptr.to_owned(), kind))
        });
        let schemas: Vec<&str> = seen
            .iter()
            .filter(|(_, k)| *k == Kind::Schema)
            .map(|(p, _)| p.as_str())
            .collect();
        assert_eq!(
            schemas,
            [
                "/paths/~1a~1{id}/get/parameters/0/schema",
                "/paths/~1a~1{id}/get/responses/200/content/application~1json/schema",
                "/paths/~1a~1{id}/get/responses/200/content/application~1json/schema/properties/type",
                "/components/schemas/A",
                "/components/schemas/A/items",
            ]
        );
        assert!(
            !seen
                .iter()
                .any(|(p, _)| p.contains("x-ext") || p.contains("example"))
        );
    }
}
