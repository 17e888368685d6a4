//! One OpenAPI 3.0 schema node -> JSON Schema 2020-12, properties still keyed by wire name.
//!
//! Lowering rules (each has a unit test in `schema/tests.rs`):
//! - `nullable: true` -> `type: [T, "null"]` (and `null` added to `enum`); a reference or
//!   composition becomes `anyOf: [<it>, {"type": "null"}]`.
//! - boolean `exclusiveMinimum/Maximum` -> the numeric 2020-12 keywords.
//! - `allOf` merged into one schema where that keeps the meaning, else kept.
//! - `format: binary` (and Swagger's `type: file`) -> `contentEncoding: base64`: the caller
//!   passes file content as base64 text.
//! - `readOnly` properties are dropped (they are not inputs) and removed from `required`.
//! - `example`, `discriminator`, `xml`, `externalDocs`, `writeOnly`, `x-*` are dropped.
//! - `type` is inferred as `object` / `array` when only `properties` / `items` say so.

use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ReferenceOr, Schema,
    SchemaData, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::{Map, Value, json};

use super::merge::{ANNOTATIONS, merge_two, only_annotations_besides};
use super::{Cx, DEFS_PREFIX, Node, SchemaSet, child};

/// Inline schemas nested deeper than this are cut off (accepting any value) with a warning.
const MAX_DEPTH: usize = 64;

type Obj = Map<String, Value>;

impl<'a> SchemaSet<'a> {
    /// Converts `node` (at `ptr` in the spec) to wire-space JSON Schema.
    pub(super) fn convert(
        &mut self,
        node: Node<'a>,
        ptr: &str,
        depth: usize,
        cx: &mut Cx<'_>,
    ) -> Value {
        if depth > MAX_DEPTH {
            cx.warn(
                ptr,
                format!(
                    "schema nested deeper than {MAX_DEPTH} levels; accepting any value from here"
                ),
            );
            return Value::Object(Obj::new());
        }
        match node {
            Node::Ref(r) => match self.def_name(r) {
                Some(name) => json!({ "$ref": format!("{DEFS_PREFIX}{name}") }),
                None => {
                    cx.warn(
                        ptr,
                        format!(
                            "`$ref: {r}` does not resolve to a component schema; accepting any \
                             value here"
                        ),
                    );
                    Value::Object(Obj::new())
                }
            },
            Node::Schema(s) => self.convert_schema(s, ptr, depth, cx),
        }
    }

    fn convert_schema(&mut self, s: &'a Schema, ptr: &str, depth: usize, cx: &mut Cx<'_>) -> Value {
        let data = &s.schema_data;
        let mut out = Obj::new();
        let mut nullable = data.nullable;
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                set_type(&mut out, "string");
                string_facets(
                    &mut out,
                    string_format(&t.format),
                    t.pattern.as_deref(),
                    t.min_length,
                    t.max_length,
                );
                nullable |= set_enum(&mut out, t.enumeration.iter().map(|v| v.clone().map(Value::String)));
            }
            SchemaKind::Type(Type::Number(t)) => {
                set_type(&mut out, "number");
                if let Some(f) = number_format(&t.format) {
                    out.insert("format".into(), f.into());
                }
                number_facets(
                    &mut out,
                    t.multiple_of.and_then(num),
                    t.minimum.and_then(num),
                    t.maximum.and_then(num),
                    t.exclusive_minimum,
                    t.exclusive_maximum,
                );
                nullable |= set_enum(&mut out, t.enumeration.iter().map(|v| v.and_then(num)));
            }
            SchemaKind::Type(Type::Integer(t)) => {
                set_type(&mut out, "integer");
                if let Some(f) = integer_format(&t.format) {
                    out.insert("format".into(), f.into());
                }
                number_facets(
                    &mut out,
                    t.multiple_of.map(Value::from),
                    t.minimum.map(Value::from),
                    t.maximum.map(Value::from),
                    t.exclusive_minimum,
                    t.exclusive_maximum,
                );
                nullable |= set_enum(&mut out, t.enumeration.iter().map(|v| v.map(Value::from)));
            }
            SchemaKind::Type(Type::Boolean(t)) => {
                set_type(&mut out, "boolean");
                nullable |= set_enum(&mut out, t.enumeration.iter().map(|v| v.map(Value::from)));
            }
            SchemaKind::Type(Type::Object(o)) => {
                set_type(&mut out, "object");
                self.object_facets(
                    &mut out,
                    &o.properties,
                    &o.required,
                    o.additional_properties.as_ref(),
                    (o.min_properties, o.max_properties),
                    ptr,
                    depth,
                    cx,
                );
            }
            SchemaKind::Type(Type::Array(a)) => {
                set_type(&mut out, "array");
                self.array_facets(
                    &mut out,
                    a.items.as_ref(),
                    (a.min_items, a.max_items),
                    a.unique_items,
                    ptr,
                    depth,
                    cx,
                );
            }
            SchemaKind::OneOf { one_of } => {
                let list = self.convert_list(one_of, ptr, "oneOf", depth, cx);
                out.insert("oneOf".into(), list);
            }
            SchemaKind::AnyOf { any_of } => {
                let list = self.convert_list(any_of, ptr, "anyOf", depth, cx);
                out.insert("anyOf".into(), list);
            }
            SchemaKind::AllOf { all_of } => {
                out = self.all_of(all_of, Obj::new(), ptr, depth, cx);
            }
            SchemaKind::Not { not } => {
                let n = self.convert(not.as_ref().into(), &child(ptr, "not"), depth + 1, cx);
                out.insert("not".into(), n);
            }
            SchemaKind::Any(a) => {
                nullable |= self.any_facets(a, &mut out, ptr, depth, cx);
            }
        }
        annotate(&mut out, data);
        if nullable {
            make_nullable(out)
        } else {
            Value::Object(out)
        }
    }

    /// The free-form schema openapiv3 produces when keywords of several types mix.
    /// Returns whether an explicit `null` enum value makes the schema nullable.
    fn any_facets(
        &mut self,
        a: &'a AnySchema,
        out: &mut Obj,
        ptr: &str,
        depth: usize,
        cx: &mut Cx<'_>,
    ) -> bool {
        let composed = !a.one_of.is_empty() || !a.any_of.is_empty() || !a.all_of.is_empty();
        let ty = match a.typ.as_deref() {
            Some(t @ ("string" | "number" | "integer" | "boolean" | "object" | "array" | "null")) => {
                Some(t)
            }
            Some("file") => {
                out.insert("contentEncoding".into(), "base64".into());
                Some("string")
            }
            Some(other) => {
                cx.warn(
                    &child(ptr, "type"),
                    format!("unknown type `{other}` ignored"),
                );
                None
            }
            None if composed => None,
            None if !a.properties.is_empty() => Some("object"),
            None if a.items.is_some() => Some("array"),
            None => None,
        };
        if let Some(t) = ty {
            set_type(out, t);
        }
        string_facets(
            out,
            a.format.as_deref(),
            a.pattern.as_deref(),
            a.min_length,
            a.max_length,
        );
        number_facets(
            out,
            a.multiple_of.and_then(num),
            a.minimum.and_then(num),
            a.maximum.and_then(num),
            a.exclusive_minimum.unwrap_or(false),
            a.exclusive_maximum.unwrap_or(false),
        );
        self.object_facets(
            out,
            &a.properties,
            &a.required,
            a.additional_properties.as_ref(),
            (a.min_properties, a.max_properties),
            ptr,
            depth,
            cx,
        );
        self.array_facets(
            out,
            a.items.as_ref(),
            (a.min_items, a.max_items),
            a.unique_items.unwrap_or(false),
            ptr,
            depth,
            cx,
        );
        let nullable = set_enum(
            out,
            a.enumeration
                .iter()
                .map(|v| (!v.is_null()).then(|| v.clone())),
        );
        if !a.one_of.is_empty() {
            let list = self.convert_list(&a.one_of, ptr, "oneOf", depth, cx);
            out.insert("oneOf".into(), list);
        }
        if !a.any_of.is_empty() {
            let list = self.convert_list(&a.any_of, ptr, "anyOf", depth, cx);
            out.insert("anyOf".into(), list);
        }
        if let Some(not) = &a.not {
            let n = self.convert(not.as_ref().into(), &child(ptr, "not"), depth + 1, cx);
            out.insert("not".into(), n);
        }
        if !a.all_of.is_empty() {
            // Sibling keywords are one more member of the conjunction.
            let siblings = std::mem::take(out);
            *out = self.all_of(&a.all_of, siblings, ptr, depth, cx);
        }
        nullable
    }

    #[allow(clippy::too_many_arguments)]
    fn object_facets(
        &mut self,
        out: &mut Obj,
        props: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&'a AdditionalProperties>,
        (min, max): (Option<usize>, Option<usize>),
        ptr: &str,
        depth: usize,
        cx: &mut Cx<'_>,
    ) {
        let base = child(ptr, "properties");
        let mut properties = Obj::new();
        let mut dropped: Vec<&str> = Vec::new();
        for (name, p) in props {
            let node: Node<'a> = p.into();
            if self.lookup().is_read_only(node) {
                dropped.push(name);
                continue;
            }
            let converted = self.convert(node, &child(&base, name), depth + 1, cx);
            properties.insert(name.clone(), converted);
        }
        if !properties.is_empty() {
            out.insert("properties".into(), Value::Object(properties));
        }
        let mut req: Vec<Value> = Vec::new();
        for r in required {
            let value = Value::String(r.clone());
            if !dropped.contains(&r.as_str()) && !req.contains(&value) {
                req.push(value);
            }
        }
        if !req.is_empty() {
            out.insert("required".into(), Value::Array(req));
        }
        match additional {
            Some(AdditionalProperties::Any(b)) => {
                out.insert("additionalProperties".into(), Value::Bool(*b));
            }
            Some(AdditionalProperties::Schema(s)) => {
                let ap = self.convert(
                    s.as_ref().into(),
                    &child(ptr, "additionalProperties"),
                    depth + 1,
                    cx,
                );
                out.insert("additionalProperties".into(), ap);
            }
            None => {}
        }
        insert_usize(out, "minProperties", min);
        insert_usize(out, "maxProperties", max);
    }

    #[allow(clippy::too_many_arguments)]
    fn array_facets(
        &mut self,
        out: &mut Obj,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        (min, max): (Option<usize>, Option<usize>),
        unique: bool,
        ptr: &str,
        depth: usize,
        cx: &mut Cx<'_>,
    ) {
        if let Some(items) = items {
            let converted = self.convert(items.into(), &child(ptr, "items"), depth + 1, cx);
            out.insert("items".into(), converted);
        }
        insert_usize(out, "minItems", min);
        insert_usize(out, "maxItems", max);
        if unique {
            out.insert("uniqueItems".into(), Value::Bool(true));
        }
    }

    fn convert_list(
        &mut self,
        list: &'a [ReferenceOr<Schema>],
        ptr: &str,
        keyword: &str,
        depth: usize,
        cx: &mut Cx<'_>,
    ) -> Value {
        let base = child(ptr, keyword);
        Value::Array(
            list.iter()
                .enumerate()
                .map(|(i, m)| self.convert(m.into(), &child(&base, &i.to_string()), depth + 1, cx))
                .collect(),
        )
    }

    /// `allOf` members (plus the schema's own sibling keywords) merged into one schema where
    /// possible; otherwise `allOf` is kept with the siblings alongside.
    fn all_of(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        siblings: Obj,
        ptr: &str,
        depth: usize,
        cx: &mut Cx<'_>,
    ) -> Obj {
        let base = child(ptr, "allOf");
        let mut converted: Vec<Value> = members
            .iter()
            .enumerate()
            .map(|(i, m)| self.convert(m.into(), &child(&base, &i.to_string()), depth + 1, cx))
            .collect();
        let (annotations, constraints): (Obj, Obj) = siblings
            .into_iter()
            .partition(|(k, _)| ANNOTATIONS.contains(&k.as_str()));
        if !constraints.is_empty() {
            converted.push(Value::Object(constraints));
        }
        let mut merged = match converted.as_slice() {
            [] => Obj::new(),
            // `allOf: [$ref]` (the usual way to annotate a reference) stays a reference.
            [only] => only.as_object().cloned().unwrap_or_default(),
            _ => self.merge_members(&converted, cx).unwrap_or_else(|| {
                let mut keep = Obj::new();
                keep.insert("allOf".into(), Value::Array(converted.clone()));
                keep
            }),
        };
        for (k, v) in annotations {
            merged.insert(k, v);
        }
        merged
    }

    /// Inlines referenced members and merges everything, or `None` when that would change the
    /// meaning (conflicting keywords, an `allOf` cycle).
    fn merge_members(&mut self, members: &[Value], cx: &mut Cx<'_>) -> Option<Obj> {
        let mut inlined = members
            .iter()
            .map(|m| self.inline_top_ref(m.clone(), cx.diags));
        let mut acc = inlined.next()?;
        for next in inlined {
            acc = merge_two(&acc, &next, 0)?;
        }
        match acc {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }
}

fn set_type(out: &mut Obj, t: &str) {
    out.insert("type".into(), Value::String(t.to_owned()));
}

fn insert_usize(out: &mut Obj, key: &str, v: Option<usize>) {
    if let Some(v) = v {
        out.insert(key.into(), Value::from(v));
    }
}

/// A JSON number for an OpenAPI bound: integral values print as integers (`1`, not `1.0`) so
/// integer bounds stay integers and hashes do not depend on how the spec spelled them.
fn num(x: f64) -> Option<Value> {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        Some(Value::from(x as i64))
    } else {
        serde_json::Number::from_f64(x).map(Value::Number)
    }
}

fn string_format(f: &VariantOrUnknownOrEmpty<StringFormat>) -> Option<&str> {
    match f {
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date"),
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Password) => Some("password"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Some("byte"),
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Some("binary"),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn number_format(f: &VariantOrUnknownOrEmpty<NumberFormat>) -> Option<&str> {
    match f {
        VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Some("float"),
        VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => Some("double"),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn integer_format(f: &VariantOrUnknownOrEmpty<IntegerFormat>) -> Option<&str> {
    match f {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some("int32"),
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) => Some("int64"),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// `format: binary` means raw bytes on the wire; a tool caller sends them base64-encoded.
fn string_facets(
    out: &mut Obj,
    format: Option<&str>,
    pattern: Option<&str>,
    min: Option<usize>,
    max: Option<usize>,
) {
    match format {
        Some("binary") => {
            out.insert("contentEncoding".into(), "base64".into());
        }
        Some(f) if !f.is_empty() => {
            out.insert("format".into(), f.into());
        }
        _ => {}
    }
    if let Some(p) = pattern {
        out.insert("pattern".into(), p.into());
    }
    insert_usize(out, "minLength", min);
    insert_usize(out, "maxLength", max);
}

/// OpenAPI 3.0's boolean `exclusiveMinimum` modifies `minimum`; 2020-12 puts the bound itself
/// in `exclusiveMinimum`.
fn number_facets(
    out: &mut Obj,
    multiple_of: Option<Value>,
    minimum: Option<Value>,
    maximum: Option<Value>,
    exclusive_min: bool,
    exclusive_max: bool,
) {
    if let Some(m) = multiple_of {
        out.insert("multipleOf".into(), m);
    }
    if let Some(m) = minimum {
        let key = if exclusive_min { "exclusiveMinimum" } else { "minimum" };
        out.insert(key.into(), m);
    }
    if let Some(m) = maximum {
        let key = if exclusive_max { "exclusiveMaximum" } else { "maximum" };
        out.insert(key.into(), m);
    }
}

/// Sets `enum` from values where `None` stands for `null`; returns whether `null` was listed
/// (which makes the schema nullable).
fn set_enum(out: &mut Obj, values: impl Iterator<Item = Option<Value>>) -> bool {
    let mut has_null = false;
    let mut list: Vec<Value> = Vec::new();
    for v in values {
        match v {
            Some(v) => {
                if !list.contains(&v) {
                    list.push(v);
                }
            }
            None => has_null = true,
        }
    }
    if !list.is_empty() || has_null {
        out.insert("enum".into(), Value::Array(list));
    }
    has_null
}

fn annotate(out: &mut Obj, data: &SchemaData) {
    if let Some(d) = data.description.as_deref().map(str::trim)
        && !d.is_empty()
    {
        out.insert("description".into(), d.into());
    }
    if let Some(t) = data.title.as_deref().map(str::trim)
        && !t.is_empty()
    {
        out.insert("title".into(), t.into());
    }
    if let Some(d) = &data.default {
        out.insert("default".into(), d.clone());
    }
    if data.deprecated {
        out.insert("deprecated".into(), Value::Bool(true));
    }
}

/// Adds `null` to what the schema accepts.
fn make_nullable(mut out: Obj) -> Value {
    let null = Value::String("null".into());
    if let Some(list) = out.get_mut("enum").and_then(Value::as_array_mut)
        && !list.contains(&Value::Null)
    {
        list.push(Value::Null);
    }
    match out.get_mut("type") {
        Some(Value::String(t)) => {
            if t != "null" {
                let t = std::mem::take(t);
                out.insert("type".into(), Value::Array(vec![Value::String(t), null]));
            }
            return Value::Object(out);
        }
        Some(Value::Array(list)) => {
            if !list.contains(&null) {
                list.push(null);
            }
            return Value::Object(out);
        }
        _ => {}
    }
    let composed = ["$ref", "allOf", "anyOf", "oneOf", "not"]
        .iter()
        .any(|k| out.contains_key(*k));
    if !composed {
        // No type and no composition: null is already accepted.
        return Value::Object(out);
    }
    if only_annotations_besides(&out, &["anyOf"])
        && let Some(list) = out.get_mut("anyOf").and_then(Value::as_array_mut)
    {
        if !list.iter().any(|m| m.get("type") == Some(&null)) {
            list.push(json!({"type": "null"}));
        }
        return Value::Object(out);
    }
    let (annotations, inner): (Obj, Obj) = out
        .into_iter()
        .partition(|(k, _)| ANNOTATIONS.contains(&k.as_str()));
    let mut wrapped = annotations;
    wrapped.insert(
        "anyOf".into(),
        json!([Value::Object(inner), {"type": "null"}]),
    );
    Value::Object(wrapped)
}
