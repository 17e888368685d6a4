//! A rendered tool in its provider's wire shape, before (or instead of) becoming a [`Value`].
//!
//! Every provider's tool is a small object of fixed fields around one schema. [`Wire`] holds the
//! fields in output order and the schema borrowed from the manifest where the provider sends it
//! unchanged ([`Schema::Canonical`]), so the streaming writer serialises a tool without copying
//! its schema, and the two OpenAI shapes share one lowered schema ([`Field::SchemaRef`]).
//! [`Wire::to_value`] gives the [`Value`] that [`super::Rendered::tool`] holds: the same JSON.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::canonical::Schema;

/// An object's fields in output order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Wire<'a>(pub Vec<(&'static str, Field<'a>)>);

/// One field value.
#[derive(Debug, Clone)]
pub(crate) enum Field<'a> {
    /// A borrowed string.
    Str(&'a str),
    /// An owned string.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// A schema, owned or borrowed from the manifest.
    Schema(Schema<'a>),
    /// A schema shared with another rendering of the same tool.
    SchemaRef(&'a Schema<'a>),
    /// Any other JSON.
    Value(Value),
    /// A nested object.
    Object(Wire<'a>),
}

impl<'a> Wire<'a> {
    /// Appends a field.
    pub(crate) fn push(&mut self, key: &'static str, value: Field<'a>) {
        self.0.push((key, value));
    }

    /// The field named `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Field<'a>> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The same JSON as a [`Value`].
    pub(crate) fn to_value(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|(k, v)| ((*k).to_string(), v.to_value()))
                .collect::<Map<String, Value>>(),
        )
    }
}

impl Field<'_> {
    /// The same JSON as a [`Value`].
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Field::Str(s) => Value::String((*s).to_string()),
            Field::Text(s) => Value::String(s.clone()),
            Field::Bool(b) => Value::Bool(*b),
            Field::Schema(s) => s.to_value(),
            Field::SchemaRef(s) => s.to_value(),
            Field::Value(v) => v.clone(),
            Field::Object(w) => w.to_value(),
        }
    }

    /// The schema this field holds, as a [`Value`] when it is one already.
    pub(crate) fn as_owned_schema(&self) -> Option<&Value> {
        match self {
            Field::Schema(Schema::Owned(v)) | Field::Value(v) => Some(v),
            Field::SchemaRef(Schema::Owned(v)) => Some(v),
            _ => None,
        }
    }
}

impl Serialize for Wire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl Serialize for Field<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Str(v) => s.serialize_str(v),
            Field::Text(v) => s.serialize_str(v),
            Field::Bool(v) => s.serialize_bool(*v),
            Field::Schema(v) => v.serialize(s),
            Field::SchemaRef(v) => v.serialize(s),
            Field::Value(v) => v.serialize(s),
            Field::Object(v) => v.serialize(s),
        }
    }
}
