//! Finding the schema a local `$ref` points at: `#/components/schemas/Name`, or deeper
//! (`#/components/schemas/Pet/properties/tag`, `.../items`, `.../allOf/0`).

use indexmap::IndexMap;
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

/// Reference chains longer than this are treated as unresolvable (a cycle of pure aliases).
pub(crate) const MAX_HOPS: usize = 32;

/// Prefix of references to component schemas.
pub(crate) const COMPONENT_SCHEMAS: &str = "#/components/schemas/";

/// A schema position in the document: a reference still to follow, or a schema.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Node<'a> {
    /// `$ref` string.
    Ref(&'a str),
    /// An inline schema.
    Schema(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for Node<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(s) => Node::Schema(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for Node<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(s) => Node::Schema(s),
        }
    }
}

/// Decodes one JSON pointer token of a URI fragment: percent-escapes, then `~1` and `~0`.
pub(crate) fn decode_token(token: &str) -> String {
    use openapi_tools_runtime::pointer;
    pointer::unescape(&pointer::percent_decode(token)).into_owned()
}

/// Component schemas of one document, with `$ref` resolution.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lookup<'a> {
    schemas: Option<&'a IndexMap<String, ReferenceOr<Schema>>>,
}

impl<'a> Lookup<'a> {
    pub(crate) fn new(schemas: Option<&'a IndexMap<String, ReferenceOr<Schema>>>) -> Self {
        Lookup { schemas }
    }

    /// The node `reference` points at, if it is a local component-schema pointer that exists.
    pub(crate) fn resolve(&self, reference: &str) -> Option<Node<'a>> {
        self.resolve_hops(reference, 0)
    }

    fn resolve_hops(&self, reference: &str, hops: usize) -> Option<Node<'a>> {
        if hops > MAX_HOPS {
            return None;
        }
        let tail = reference.strip_prefix(COMPONENT_SCHEMAS)?;
        let tokens: Vec<String> = tail.split('/').map(decode_token).collect();
        let (first, rest) = tokens.split_first()?;
        let mut node: Node<'a> = self.schemas?.get(first)?.into();
        let mut rest = rest.iter();
        while let Some(token) = rest.next() {
            let schema = self.schema_of(node, hops + 1)?;
            node = match (token.as_str(), &schema.schema_kind) {
                ("properties", kind) => {
                    let name = rest.next()?;
                    properties(kind)?.get(name)?.into()
                }
                ("items", SchemaKind::Type(Type::Array(a))) => a.items.as_ref()?.into(),
                ("items", SchemaKind::Any(a)) => a.items.as_ref()?.into(),
                ("additionalProperties", kind) => match additional(kind)? {
                    AdditionalProperties::Schema(s) => s.as_ref().into(),
                    AdditionalProperties::Any(_) => return None,
                },
                (list @ ("allOf" | "anyOf" | "oneOf"), kind) => {
                    let index: usize = rest.next()?.parse().ok()?;
                    composition(kind, list)?.get(index)?.into()
                }
                ("not", SchemaKind::Not { not }) => not.as_ref().into(),
                ("not", SchemaKind::Any(a)) => a.not.as_deref()?.into(),
                _ => return None,
            };
        }
        Some(node)
    }

    /// Follows references until a schema, bounded.
    pub(crate) fn schema_of(&self, node: Node<'a>, hops: usize) -> Option<&'a Schema> {
        match node {
            Node::Schema(s) => Some(s),
            Node::Ref(r) => {
                let next = self.resolve_hops(r, hops + 1)?;
                self.schema_of(next, hops + 1)
            }
        }
    }

    /// Whether the node is marked `readOnly` (directly or through its reference).
    pub(crate) fn is_read_only(&self, node: Node<'a>) -> bool {
        self.schema_of(node, 0)
            .is_some_and(|s| s.schema_data.read_only)
    }
}

fn properties(kind: &SchemaKind) -> Option<&IndexMap<String, ReferenceOr<Box<Schema>>>> {
    match kind {
        SchemaKind::Type(Type::Object(o)) => Some(&o.properties),
        SchemaKind::Any(a) => Some(&a.properties),
        _ => None,
    }
}

fn additional(kind: &SchemaKind) -> Option<&AdditionalProperties> {
    match kind {
        SchemaKind::Type(Type::Object(o)) => o.additional_properties.as_ref(),
        SchemaKind::Any(a) => a.additional_properties.as_ref(),
        _ => None,
    }
}

fn composition<'s>(kind: &'s SchemaKind, list: &str) -> Option<&'s Vec<ReferenceOr<Schema>>> {
    match (kind, list) {
        (SchemaKind::AllOf { all_of }, "allOf") => Some(all_of),
        (SchemaKind::AnyOf { any_of }, "anyOf") => Some(any_of),
        (SchemaKind::OneOf { one_of }, "oneOf") => Some(one_of),
        (SchemaKind::Any(a), "allOf") => Some(&a.all_of),
        (SchemaKind::Any(a), "anyOf") => Some(&a.any_of),
        (SchemaKind::Any(a), "oneOf") => Some(&a.one_of),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas() -> IndexMap<String, ReferenceOr<Schema>> {
        serde_json::from_value(serde_json::json!({
            "Pet": {"type": "object", "properties": {
                "tag": {"type": "string"},
                "kids": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
            }},
            "Alias": {"$ref": "#/components/schemas/Pet"},
            "Loop": {"$ref": "#/components/schemas/Loop"},
            "a/b c": {"type": "string", "readOnly": true}
        }))
        .unwrap()
    }

    #[test]
    fn resolves_components_and_deeper_pointers() {
        let s = schemas();
        let l = Lookup::new(Some(&s));
        assert!(matches!(
            l.resolve("#/components/schemas/Pet"),
            Some(Node::Schema(_))
        ));
        assert!(matches!(
            l.resolve("#/components/schemas/Pet/properties/tag"),
            Some(Node::Schema(_))
        ));
        assert!(matches!(
            l.resolve("#/components/schemas/Alias/properties/kids/items"),
            Some(Node::Ref(_))
        ));
        assert!(l.resolve("#/components/schemas/Missing").is_none());
        assert!(l.resolve("other.yaml#/Pet").is_none());
    }

    #[test]
    fn escaped_names_resolve() {
        let s = schemas();
        let l = Lookup::new(Some(&s));
        assert!(l.resolve("#/components/schemas/a~1b%20c").is_some());
        assert!(l.is_read_only(Node::Ref("#/components/schemas/a~1b%20c")));
    }

    #[test]
    fn alias_cycles_end() {
        let s = schemas();
        let l = Lookup::new(Some(&s));
        let node = l.resolve("#/components/schemas/Loop").unwrap();
        assert!(l.schema_of(node, 0).is_none());
    }
}
