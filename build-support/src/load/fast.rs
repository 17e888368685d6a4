//! A direct JSON -> `openapiv3` conversion for the large, nested parts of a document (schemas
//! and the objects that hold them), because `openapiv3`'s own serde path is slow on big specs.
//!
//! Why: every `ReferenceOr<T>` is an untagged enum and `Schema` uses `#[serde(flatten)]` twice,
//! so serde buffers each subtree again at every nesting level. On GitHub's spec that costs ~0.5 s,
//! the whole load budget. Reading the `serde_json::Value` directly is linear.
//!
//! Soundness: each function mirrors the serde derive of the type it builds (required fields,
//! `default` fields, `null` reading as `None` for `Option` fields, unknown keys ignored, `x-*`
//! keys kept as extensions, `openapiv3`'s `SchemaKind` decision table). Whenever a node is not in
//! the plain shape (a wrong type anywhere, a non-object...), the function returns `None` and the
//! caller falls back to serde for that node, so errors and odd cases keep serde's exact meaning.
//! Small or rare objects (parameters, headers, examples, servers, security...) always go through
//! serde. A test compares the result with serde's on every document of the corpus.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, ArrayType, BooleanType, Components, Example, IntegerType,
    MediaType, NumberType, ObjectType, OpenAPI, Operation, PathItem, Paths, ReferenceOr,
    RequestBody, Response, Responses, Schema, SchemaData, SchemaKind, StatusCode, StringType, Type,
};
use serde::Deserialize;
use serde_json::{Map, Number, Value};

type Obj = Map<String, Value>;

/// Stack of the thread that reads the components: as deep as the nesting the parser allows
/// needs, with room to spare (reserved address space; only what is used is ever touched).
const READ_STACK: usize = 64 << 20;

/// The whole document, or `None` when some part needs serde's reading (or its error).
pub(crate) fn openapi(v: &Value) -> Option<OpenAPI> {
    let o = v.as_object()?;
    let read_components = || match o.get("components") {
        None | Some(Value::Null) => Some(None),
        Some(c) => components(c).map(Some),
    };
    // Paths and components are nearly all of a document and independent of each other: they
    // are read side by side, the components on a second thread (inline if it cannot start).
    let (paths, components) = std::thread::scope(|scope| {
        let other = std::thread::Builder::new()
            .name("openapi-tools-read".into())
            .stack_size(READ_STACK)
            .spawn_scoped(scope, read_components);
        let paths = o.get("paths").and_then(paths);
        let components = match other {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => read_components(),
        };
        (paths, components)
    });
    Some(OpenAPI {
        openapi: String::deserialize(o.get("openapi")?).ok()?,
        info: serde(o.get("info")?)?,
        servers: default_serde(o, "servers")?,
        paths: paths?,
        components: components?,
        security: opt_serde(o, "security")?,
        tags: default_serde(o, "tags")?,
        external_docs: opt_serde(o, "externalDocs")?,
        extensions: extensions(o),
    })
}

fn serde<T: for<'a> Deserialize<'a>>(v: &Value) -> Option<T> {
    T::deserialize(v).ok()
}

/// An `Option<T>` field: missing or null is `None`.
fn opt_serde<T: for<'a> Deserialize<'a>>(o: &Obj, key: &str) -> Option<Option<T>> {
    v_serde(o.get(key))
}

fn v_serde<T: for<'a> Deserialize<'a>>(v: Option<&Value>) -> Option<Option<T>> {
    match v {
        None | Some(Value::Null) => Some(None),
        Some(v) => Some(Some(serde(v)?)),
    }
}

/// A `#[serde(default)]` field: missing is the default, anything else must read as `T`.
fn default_serde<T: for<'a> Deserialize<'a> + Default>(o: &Obj, key: &str) -> Option<T> {
    match o.get(key) {
        None => Some(T::default()),
        Some(v) => serde(v),
    }
}

fn opt_string(o: &Obj, key: &str) -> Option<Option<String>> {
    v_string(o.get(key))
}

fn v_string(v: Option<&Value>) -> Option<Option<String>> {
    match v {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => None,
    }
}

fn default_bool(o: &Obj, key: &str) -> Option<bool> {
    v_default_bool(o.get(key))
}

fn v_default_bool(v: Option<&Value>) -> Option<bool> {
    match v {
        None => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => None,
    }
}

fn v_bool(v: Option<&Value>) -> Option<Option<bool>> {
    match v {
        None | Some(Value::Null) => Some(None),
        Some(Value::Bool(b)) => Some(Some(*b)),
        Some(_) => None,
    }
}

fn v_usize(v: Option<&Value>) -> Option<Option<usize>> {
    match v {
        None | Some(Value::Null) => Some(None),
        Some(Value::Number(n)) => Some(Some(usize::try_from(n.as_u64()?).ok()?)),
        Some(_) => None,
    }
}

fn v_number(v: Option<&Value>) -> Option<Option<Number>> {
    match v {
        None | Some(Value::Null) => Some(None),
        Some(Value::Number(n)) => Some(Some(n.clone())),
        Some(_) => None,
    }
}

fn extensions(o: &Obj) -> IndexMap<String, Value> {
    o.iter()
        .filter(|(k, _)| k.starts_with("x-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A `ReferenceOr<T>`: an object whose `$ref` is a string is a reference (whatever else it has).
fn ref_or<T>(v: &Value, item: impl FnOnce(&Obj) -> Option<T>) -> Option<ReferenceOr<T>> {
    let o = v.as_object()?;
    match o.get("$ref") {
        Some(Value::String(r)) => Some(ReferenceOr::Reference {
            reference: r.clone(),
        }),
        _ => item(o).map(ReferenceOr::Item),
    }
}

/// A `#[serde(default)]` map field whose values are read by `f`.
fn map_of<T>(o: &Obj, key: &str, f: impl Fn(&Value) -> Option<T>) -> Option<IndexMap<String, T>> {
    match o.get(key) {
        None => Some(IndexMap::new()),
        Some(Value::Object(m)) => m.iter().map(|(k, v)| Some((k.clone(), f(v)?))).collect(),
        Some(_) => None,
    }
}

fn paths(v: &Value) -> Option<Paths> {
    let o = v.as_object()?;
    let mut paths = IndexMap::new();
    for (k, v) in o.iter().filter(|(k, _)| k.starts_with('/')) {
        paths.insert(k.clone(), ref_or(v, path_item)?);
    }
    Some(Paths {
        paths,
        extensions: extensions(o),
    })
}

fn path_item(o: &Obj) -> Option<PathItem> {
    let op = |key: &str| match o.get(key) {
        None | Some(Value::Null) => Some(None),
        Some(v) => Some(Some(operation(v.as_object()?)?)),
    };
    Some(PathItem {
        summary: opt_string(o, "summary")?,
        description: opt_string(o, "description")?,
        get: op("get")?,
        put: op("put")?,
        post: op("post")?,
        delete: op("delete")?,
        options: op("options")?,
        head: op("head")?,
        patch: op("patch")?,
        trace: op("trace")?,
        servers: default_serde(o, "servers")?,
        parameters: default_serde(o, "parameters")?,
        extensions: extensions(o),
    })
}

fn operation(o: &Obj) -> Option<Operation> {
    Some(Operation {
        tags: default_serde(o, "tags")?,
        summary: opt_string(o, "summary")?,
        description: opt_string(o, "description")?,
        external_docs: opt_serde(o, "externalDocs")?,
        operation_id: opt_string(o, "operationId")?,
        parameters: default_serde(o, "parameters")?,
        request_body: match o.get("requestBody") {
            None | Some(Value::Null) => None,
            Some(v) => Some(ref_or(v, request_body)?),
        },
        responses: responses(o.get("responses")?)?,
        callbacks: default_serde(o, "callbacks")?,
        deprecated: default_bool(o, "deprecated")?,
        security: opt_serde(o, "security")?,
        servers: default_serde(o, "servers")?,
        extensions: extensions(o),
    })
}

fn request_body(o: &Obj) -> Option<RequestBody> {
    Some(RequestBody {
        description: opt_string(o, "description")?,
        content: map_of(o, "content", media_type)?,
        required: default_bool(o, "required")?,
        extensions: extensions(o),
    })
}

fn responses(v: &Value) -> Option<Responses> {
    let o = v.as_object()?;
    let mut responses = IndexMap::new();
    for (k, v) in o.iter().filter(|(k, _)| k.as_str() != "default") {
        let de =
            serde::de::IntoDeserializer::<serde::de::value::Error>::into_deserializer(k.as_str());
        // Keys that are not status codes are ignored, as `openapiv3` does.
        if let Ok(code) = StatusCode::deserialize(de) {
            responses.insert(code, ref_or(v, response)?);
        }
    }
    Some(Responses {
        default: match o.get("default") {
            None | Some(Value::Null) => None,
            Some(v) => Some(ref_or(v, response)?),
        },
        responses,
        extensions: extensions(o),
    })
}

fn response(o: &Obj) -> Option<Response> {
    Some(Response {
        description: o.get("description")?.as_str()?.to_owned(),
        headers: default_serde(o, "headers")?,
        content: map_of(o, "content", media_type)?,
        links: default_serde(o, "links")?,
        extensions: extensions(o),
    })
}

fn media_type(v: &Value) -> Option<MediaType> {
    let o = v.as_object()?;
    Some(MediaType {
        schema: match o.get("schema") {
            None | Some(Value::Null) => None,
            Some(v) => Some(schema_ref(v)?),
        },
        example: o.get("example").filter(|v| !v.is_null()).cloned(),
        examples: map_of(o, "examples", |v| ref_or(v, example))?,
        encoding: default_serde(o, "encoding")?,
        extensions: extensions(o),
    })
}

/// Examples are data, often large (GitHub's are a ninth of the document): serde's reading goes
/// through its untagged-enum buffer, copying each one twice.
fn example(o: &Obj) -> Option<Example> {
    Some(Example {
        summary: opt_string(o, "summary")?,
        description: opt_string(o, "description")?,
        value: o.get("value").filter(|v| !v.is_null()).cloned(),
        external_value: opt_string(o, "externalValue")?,
        extensions: extensions(o),
    })
}

fn components(v: &Value) -> Option<Components> {
    let o = v.as_object()?;
    Some(Components {
        schemas: map_of(o, "schemas", schema_ref)?,
        responses: map_of(o, "responses", |v| ref_or(v, response))?,
        parameters: default_serde(o, "parameters")?,
        examples: map_of(o, "examples", |v| ref_or(v, example))?,
        request_bodies: map_of(o, "requestBodies", |v| ref_or(v, request_body))?,
        headers: default_serde(o, "headers")?,
        security_schemes: default_serde(o, "securitySchemes")?,
        links: default_serde(o, "links")?,
        callbacks: default_serde(o, "callbacks")?,
        extensions: extensions(o),
    })
}

fn schema_ref(v: &Value) -> Option<ReferenceOr<Schema>> {
    ref_or(v, schema)
}

fn boxed_schema_ref(v: &Value) -> Option<ReferenceOr<Box<Schema>>> {
    ref_or(v, |o| schema(o).map(Box::new))
}

fn v_list(v: Option<&Value>) -> Option<Option<Vec<ReferenceOr<Schema>>>> {
    match v {
        None | Some(Value::Null) => Some(None),
        Some(Value::Array(items)) => {
            Some(Some(items.iter().map(schema_ref).collect::<Option<_>>()?))
        }
        Some(_) => None,
    }
}

/// The keywords a schema object may hold, found in one pass over its entries (schemas are most
/// of a document; one hash lookup per known keyword would dominate the reading).
#[derive(Default)]
struct Keywords<'a> {
    nullable: Option<&'a Value>,
    read_only: Option<&'a Value>,
    write_only: Option<&'a Value>,
    deprecated: Option<&'a Value>,
    external_docs: Option<&'a Value>,
    example: Option<&'a Value>,
    title: Option<&'a Value>,
    description: Option<&'a Value>,
    discriminator: Option<&'a Value>,
    default: Option<&'a Value>,
    typ: Option<&'a Value>,
    pattern: Option<&'a Value>,
    multiple_of: Option<&'a Value>,
    exclusive_minimum: Option<&'a Value>,
    exclusive_maximum: Option<&'a Value>,
    minimum: Option<&'a Value>,
    maximum: Option<&'a Value>,
    properties: Option<&'a Value>,
    required: Option<&'a Value>,
    additional_properties: Option<&'a Value>,
    min_properties: Option<&'a Value>,
    max_properties: Option<&'a Value>,
    items: Option<&'a Value>,
    min_items: Option<&'a Value>,
    max_items: Option<&'a Value>,
    unique_items: Option<&'a Value>,
    enumeration: Option<&'a Value>,
    format: Option<&'a Value>,
    min_length: Option<&'a Value>,
    max_length: Option<&'a Value>,
    one_of: Option<&'a Value>,
    all_of: Option<&'a Value>,
    any_of: Option<&'a Value>,
    not: Option<&'a Value>,
    has_extensions: bool,
}

impl<'a> Keywords<'a> {
    fn of(o: &'a Obj) -> Self {
        let mut k = Keywords::default();
        for (key, v) in o {
            let slot = match key.as_str() {
                "nullable" => &mut k.nullable,
                "readOnly" => &mut k.read_only,
                "writeOnly" => &mut k.write_only,
                "deprecated" => &mut k.deprecated,
                "externalDocs" => &mut k.external_docs,
                "example" => &mut k.example,
                "title" => &mut k.title,
                "description" => &mut k.description,
                "discriminator" => &mut k.discriminator,
                "default" => &mut k.default,
                "type" => &mut k.typ,
                "pattern" => &mut k.pattern,
                "multipleOf" => &mut k.multiple_of,
                "exclusiveMinimum" => &mut k.exclusive_minimum,
                "exclusiveMaximum" => &mut k.exclusive_maximum,
                "minimum" => &mut k.minimum,
                "maximum" => &mut k.maximum,
                "properties" => &mut k.properties,
                "required" => &mut k.required,
                "additionalProperties" => &mut k.additional_properties,
                "minProperties" => &mut k.min_properties,
                "maxProperties" => &mut k.max_properties,
                "items" => &mut k.items,
                "minItems" => &mut k.min_items,
                "maxItems" => &mut k.max_items,
                "uniqueItems" => &mut k.unique_items,
                "enum" => &mut k.enumeration,
                "format" => &mut k.format,
                "minLength" => &mut k.min_length,
                "maxLength" => &mut k.max_length,
                "oneOf" => &mut k.one_of,
                "allOf" => &mut k.all_of,
                "anyOf" => &mut k.any_of,
                "not" => &mut k.not,
                other => {
                    k.has_extensions |= other.starts_with("x-");
                    continue;
                }
            };
            *slot = Some(v);
        }
        k
    }
}

fn schema(o: &Obj) -> Option<Schema> {
    let k = Keywords::of(o);
    let schema_data = SchemaData {
        nullable: v_default_bool(k.nullable)?,
        read_only: v_default_bool(k.read_only)?,
        write_only: v_default_bool(k.write_only)?,
        deprecated: v_default_bool(k.deprecated)?,
        external_docs: v_serde(k.external_docs)?,
        example: k.example.filter(|v| !v.is_null()).cloned(),
        title: v_string(k.title)?,
        description: v_string(k.description)?,
        discriminator: v_serde(k.discriminator)?,
        default: k.default.filter(|v| !v.is_null()).cloned(),
        extensions: if k.has_extensions {
            extensions(o)
        } else {
            IndexMap::new()
        },
    };
    Some(Schema {
        schema_data,
        schema_kind: schema_kind(&k)?,
    })
}

/// Mirrors `openapiv3`'s `SchemaKind` deserializer: read every keyword it knows, then pick the
/// variant from which keywords are present.
fn schema_kind(k: &Keywords<'_>) -> Option<SchemaKind> {
    let typ = v_string(k.typ)?;
    let pattern = v_string(k.pattern)?;
    let multiple_of = v_number(k.multiple_of)?;
    let exclusive_minimum = v_bool(k.exclusive_minimum)?;
    let exclusive_maximum = v_bool(k.exclusive_maximum)?;
    let minimum = v_number(k.minimum)?;
    let maximum = v_number(k.maximum)?;
    let properties = match k.properties {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(
            m.iter()
                .map(|(k, v)| Some((k.clone(), boxed_schema_ref(v)?)))
                .collect::<Option<IndexMap<_, _>>>()?,
        ),
        Some(_) => return None,
    };
    let required: Option<Vec<String>> = v_serde(k.required)?;
    let additional_properties = match k.additional_properties {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(AdditionalProperties::Any(*b)),
        Some(v) => Some(AdditionalProperties::Schema(Box::new(schema_ref(v)?))),
    };
    let min_properties = v_usize(k.min_properties)?;
    let max_properties = v_usize(k.max_properties)?;
    let items = match k.items {
        None | Some(Value::Null) => None,
        Some(v) => Some(boxed_schema_ref(v)?),
    };
    let min_items = v_usize(k.min_items)?;
    let max_items = v_usize(k.max_items)?;
    let unique_items = v_bool(k.unique_items)?;
    let enumeration: Option<Vec<Value>> = match k.enumeration {
        None | Some(Value::Null) => None,
        Some(Value::Array(values)) => Some(values.clone()),
        Some(_) => return None,
    };
    let format = v_string(k.format)?;
    let min_length = v_usize(k.min_length)?;
    let max_length = v_usize(k.max_length)?;
    let one_of = v_list(k.one_of)?;
    let all_of = v_list(k.all_of)?;
    let any_of = v_list(k.any_of)?;
    let not = match k.not {
        None | Some(Value::Null) => None,
        Some(v) => Some(Box::new(schema_ref(v)?)),
    };

    let numeric = multiple_of.is_some()
        || exclusive_minimum.is_some()
        || exclusive_maximum.is_some()
        || minimum.is_some()
        || maximum.is_some();
    let object = properties.is_some()
        || required.is_some()
        || additional_properties.is_some()
        || min_properties.is_some()
        || max_properties.is_some();
    let array =
        items.is_some() || min_items.is_some() || max_items.is_some() || unique_items.is_some();
    let string = pattern.is_some() || min_length.is_some() || max_length.is_some();
    let composed = [
        one_of.is_some(),
        all_of.is_some(),
        any_of.is_some(),
        not.is_some(),
    ];
    let no_composition = !composed.contains(&true);
    let enum_ok = |check: fn(&Value) -> bool| {
        enumeration
            .as_ref()
            .is_none_or(|vs| vs.iter().all(|v| v.is_null() || check(v)))
    };
    let int_ok = |n: &Option<Number>| n.as_ref().is_none_or(Number::is_i64);
    let as_f64 = |n: &Option<Number>| n.as_ref().and_then(Number::as_f64);
    let as_i64 = |n: &Option<Number>| n.as_ref().and_then(Number::as_i64);

    let kind = match typ.as_deref() {
        Some("string")
            if !numeric && !object && !array && no_composition && enum_ok(Value::is_string) =>
        {
            SchemaKind::Type(Type::String(StringType {
                format: format.into(),
                pattern,
                enumeration: enum_values(enumeration, |v| v.as_str().map(str::to_owned)),
                min_length,
                max_length,
            }))
        }
        Some("number")
            if !string && !object && !array && no_composition && enum_ok(Value::is_number) =>
        {
            SchemaKind::Type(Type::Number(NumberType {
                format: format.into(),
                multiple_of: as_f64(&multiple_of),
                exclusive_minimum: exclusive_minimum.unwrap_or_default(),
                exclusive_maximum: exclusive_maximum.unwrap_or_default(),
                minimum: as_f64(&minimum),
                maximum: as_f64(&maximum),
                enumeration: enum_values(enumeration, Value::as_f64),
            }))
        }
        Some("integer")
            if !string
                && !object
                && !array
                && no_composition
                && enum_ok(Value::is_i64)
                && int_ok(&multiple_of)
                && int_ok(&minimum)
                && int_ok(&maximum) =>
        {
            SchemaKind::Type(Type::Integer(IntegerType {
                format: format.into(),
                multiple_of: as_i64(&multiple_of),
                exclusive_minimum: exclusive_minimum.unwrap_or_default(),
                exclusive_maximum: exclusive_maximum.unwrap_or_default(),
                minimum: as_i64(&minimum),
                maximum: as_i64(&maximum),
                enumeration: enum_values(enumeration, Value::as_i64),
            }))
        }
        Some("boolean")
            if !string
                && !numeric
                && !object
                && !array
                && no_composition
                && format.is_none()
                && enum_ok(Value::is_boolean) =>
        {
            SchemaKind::Type(Type::Boolean(BooleanType {
                enumeration: enum_values(enumeration, Value::as_bool),
            }))
        }
        Some("object")
            if !string
                && !numeric
                && !array
                && no_composition
                && enumeration.is_none()
                && format.is_none() =>
        {
            SchemaKind::Type(Type::Object(ObjectType {
                properties: properties.unwrap_or_default(),
                required: required.unwrap_or_default(),
                additional_properties,
                min_properties,
                max_properties,
            }))
        }
        Some("array")
            if !string
                && !numeric
                && !object
                && no_composition
                && enumeration.is_none()
                && format.is_none() =>
        {
            SchemaKind::Type(Type::Array(ArrayType {
                items,
                min_items,
                max_items,
                unique_items: unique_items.unwrap_or_default(),
            }))
        }
        None if !string
            && !numeric
            && !object
            && !array
            && enumeration.is_none()
            && format.is_none() =>
        {
            match (one_of, all_of, any_of, not) {
                (Some(one_of), None, None, None) => SchemaKind::OneOf { one_of },
                (None, Some(all_of), None, None) => SchemaKind::AllOf { all_of },
                (None, None, Some(any_of), None) => SchemaKind::AnyOf { any_of },
                (None, None, None, Some(not)) => SchemaKind::Not { not },
                (one_of, all_of, any_of, not) => SchemaKind::Any(AnySchema {
                    one_of: one_of.unwrap_or_default(),
                    all_of: all_of.unwrap_or_default(),
                    any_of: any_of.unwrap_or_default(),
                    not,
                    ..AnySchema::default()
                }),
            }
        }
        _ => SchemaKind::Any(AnySchema {
            typ,
            pattern,
            multiple_of: as_f64(&multiple_of),
            exclusive_minimum,
            exclusive_maximum,
            minimum: as_f64(&minimum),
            maximum: as_f64(&maximum),
            properties: properties.unwrap_or_default(),
            required: required.unwrap_or_default(),
            additional_properties,
            min_properties,
            max_properties,
            items,
            min_items,
            max_items,
            unique_items,
            enumeration: enumeration.unwrap_or_default(),
            format,
            min_length,
            max_length,
            one_of: one_of.unwrap_or_default(),
            all_of: all_of.unwrap_or_default(),
            any_of: any_of.unwrap_or_default(),
            not,
        }),
    };
    Some(kind)
}

fn enum_values<T>(values: Option<Vec<Value>>, f: impl Fn(&Value) -> Option<T>) -> Vec<Option<T>> {
    values
        .map(|vs| {
            vs.iter()
                .map(|v| if v.is_null() { None } else { f(v) })
                .collect()
        })
        .unwrap_or_default()
}
