//! Request bodies: JSON, form-urlencoded, multipart, text and raw bytes.
//!
//! The body is either one tool property holding it whole ([`ParamLocation::Body`]) or the
//! tool's flattened top-level properties ([`ParamLocation::BodyProperty`]), reassembled under
//! their wire names. Either way nested renames and optional nulls go through [`Wire`].
//!
//! Form fields follow the spec's `encoding` entry for the field (style, explode, content
//! type); without one, primitives are `name=value`, arrays repeat the name (`form`, exploded:
//! the spec default), and objects use `deepObject` brackets (`meta[key]=v`), the only object
//! form servers decode back into an object. Multipart binary fields (`encoding` says binary or
//! the schema has `contentEncoding: base64`) are decoded from base64 into a file part named
//! after the field; objects are JSON parts; arrays become one part per item.

use serde_json::{Map, Value};

use crate::manifest::{BodySpec, ParamLocation, ParamStyle, ToolManifest};
use crate::pointer;
use crate::validate::{ArgProblem, formats, messages};

use super::RequestBody;
use super::encode::{self, COMPONENT, is_json_media, scalar_text};
use super::multipart::{Part, choose_boundary};
use super::query;
use super::wire::Wire;

/// One body field in wire form.
struct Field {
    wire_name: String,
    /// Tool-facing pointer, for problems.
    arg_ptr: String,
    /// Schema pointer inside the input schema.
    schema_ptr: Option<String>,
    value: Value,
}

/// Largest file one base64 argument may carry, decoded (16 MiB).
pub const MAX_FILE_BYTES: usize = 16 << 20;
/// Largest multipart body, all parts together (32 MiB).
pub const MAX_MULTIPART_BYTES: usize = 32 << 20;

/// A base64 file argument decoded, or a problem at `arg_ptr`: not base64, or larger than
/// [`MAX_FILE_BYTES`] (checked on the text's length before decoding anything).
fn decode_file(s: &str, arg_ptr: &str, problems: &mut Vec<ArgProblem>) -> Option<Vec<u8>> {
    let approx = s.len() / 4 * 3;
    if approx > MAX_FILE_BYTES {
        problems.push(ArgProblem::new(
            arg_ptr,
            format!(
                "the file is about {approx} bytes; at most {MAX_FILE_BYTES} bytes are accepted"
            ),
        ));
        return None;
    }
    let data = formats::decode_base64(s);
    if data.is_none() {
        problems.push(ArgProblem::new(
            arg_ptr,
            messages::format_mismatch("base64", &Value::String(s.to_owned())),
        ));
    }
    data
}

/// The body and its `Content-Type` header value, or `None` when no body is sent.
pub(crate) fn build(
    tool: &ToolManifest,
    args: &Map<String, Value>,
    wire: &Wire<'_>,
    problems: &mut Vec<ArgProblem>,
) -> Option<(RequestBody, String)> {
    let spec = tool.body.as_ref()?;
    let media = encode::essence(&spec.media_type);
    let whole = tool
        .params
        .iter()
        .find(|p| p.location == ParamLocation::Body);
    let (fields, whole_value) = match whole {
        Some(p) => {
            let raw = args.get(&p.name).filter(|v| !v.is_null());
            let Some(raw) = raw else {
                if spec.required && !args.contains_key(&p.name) {
                    problems.push(ArgProblem::new("/", messages::missing_required(&p.name)));
                }
                return None;
            };
            let ptr = format!("/properties/{}", pointer::escape(&p.name));
            let arg_ptr = format!("/{}", pointer::escape(&p.name));
            let fields = match raw {
                Value::Object(map) if !is_json_media(&media) => {
                    Some(object_fields(map, &ptr, &arg_ptr, wire))
                }
                _ => None,
            };
            (fields, Some((raw, ptr, arg_ptr)))
        }
        None => {
            let fields = flattened_fields(tool, args, wire);
            if fields.is_empty() && !spec.required {
                return None;
            }
            (Some(fields), None)
        }
    };

    let content_type = spec.media_type.clone();
    if is_json_media(&media) {
        let value = match (&whole_value, fields) {
            (Some((raw, ptr, _)), _) => wire.value(raw, ptr),
            (None, Some(fields)) => {
                Value::Object(fields.into_iter().map(|f| (f.wire_name, f.value)).collect())
            }
            (None, None) => Value::Object(Map::new()),
        };
        return Some((RequestBody::Json(value), content_type));
    }
    if media == "application/x-www-form-urlencoded" || media.starts_with("multipart/") {
        let Some(fields) = fields else {
            let at = whole_value.map_or("/".to_owned(), |w| w.2);
            problems.push(ArgProblem::new(
                at,
                format!("expected an object (the {media} body's fields)"),
            ));
            return None;
        };
        if media.starts_with("multipart/") {
            let parts = multipart_parts(fields, spec, wire, problems);
            let total: usize = parts.iter().map(|p| p.data.len()).sum();
            if total > MAX_MULTIPART_BYTES {
                problems.push(ArgProblem::new(
                    "/",
                    format!(
                        "the multipart body would be {total} bytes; at most {MAX_MULTIPART_BYTES} bytes are sent"
                    ),
                ));
                return None;
            }
            let header = format!("{media}; boundary={}", choose_boundary(&parts));
            return Some((RequestBody::Multipart(parts), header));
        }
        return Some((RequestBody::Form(form_pairs(&fields, spec)), content_type));
    }
    // Raw bodies: text, XML, octet-stream, images, ...
    let (raw, ptr, arg_ptr) = match &whole_value {
        Some((raw, ptr, arg_ptr)) => ((*raw).clone(), Some(ptr.clone()), arg_ptr.clone()),
        None => (
            Value::Object(
                fields
                    .unwrap_or_default()
                    .into_iter()
                    .map(|f| (f.wire_name, f.value))
                    .collect(),
            ),
            None,
            "/".to_owned(),
        ),
    };
    let textual = media.starts_with("text/") || media.ends_with("xml") || media.ends_with("+xml");
    let base64 = ptr
        .as_deref()
        .is_some_and(|p| has_keyword(wire, p, "contentEncoding", "base64"));
    match raw {
        Value::String(s) if base64 => decode_file(&s, &arg_ptr, problems).map(|data| {
            (
                RequestBody::Bytes {
                    content_type: content_type.clone(),
                    data,
                },
                content_type,
            )
        }),
        Value::String(s) if textual => Some((
            RequestBody::Text {
                content_type: content_type.clone(),
                text: s,
            },
            content_type,
        )),
        other => {
            let data = match other {
                Value::String(s) => s.into_bytes(),
                v => v.to_string().into_bytes(),
            };
            let body = if textual {
                RequestBody::Text {
                    content_type: content_type.clone(),
                    text: String::from_utf8_lossy(&data).into_owned(),
                }
            } else {
                RequestBody::Bytes {
                    content_type: content_type.clone(),
                    data,
                }
            };
            Some((body, content_type))
        }
    }
}

/// Whether any schema at `ptr` (through refs and branches) has `key: value`.
fn has_keyword(wire: &Wire<'_>, ptr: &str, key: &str, value: &str) -> bool {
    wire.candidates(ptr).iter().any(|c| {
        wire.root
            .pointer(c)
            .and_then(|s| s.get(key))
            .and_then(Value::as_str)
            == Some(value)
    })
}

fn keyword<'a>(wire: &Wire<'a>, ptr: &str, key: &str) -> Option<&'a str> {
    wire.candidates(ptr)
        .iter()
        .find_map(|c| wire.root.pointer(c)?.get(key)?.as_str())
}

fn flattened_fields(tool: &ToolManifest, args: &Map<String, Value>, wire: &Wire<'_>) -> Vec<Field> {
    let mut out = Vec::new();
    for p in tool
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::BodyProperty)
    {
        let Some(v) = args.get(&p.name) else { continue };
        let token = pointer::escape(&p.name);
        let ptr = format!("/properties/{token}");
        if v.is_null() && !p.required && !wire.allows_null(&ptr) {
            continue;
        }
        out.push(Field {
            wire_name: p.wire_name.clone(),
            arg_ptr: format!("/{token}"),
            value: wire.value(v, &ptr),
            schema_ptr: Some(ptr),
        });
    }
    out
}

fn object_fields(
    map: &Map<String, Value>,
    ptr: &str,
    arg_ptr: &str,
    wire: &Wire<'_>,
) -> Vec<Field> {
    let cands = wire.candidates(ptr);
    let mut out = Vec::new();
    for (key, v) in map {
        let child = wire.property(&cands, key);
        if v.is_null()
            && let Some((p, required)) = &child
            && !required
            && !wire.allows_null(p)
        {
            continue;
        }
        let (wire_name, value, schema_ptr) = match child {
            Some((p, _)) => (
                wire.names.get(&p).cloned().unwrap_or_else(|| key.clone()),
                wire.value(v, &p),
                Some(p),
            ),
            None => (key.clone(), v.clone(), None),
        };
        out.push(Field {
            wire_name,
            arg_ptr: format!("{arg_ptr}/{}", pointer::escape(key)),
            schema_ptr,
            value,
        });
    }
    out
}

fn form_pairs(fields: &[Field], spec: &BodySpec) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for f in fields {
        let enc = spec.encoding.get(&f.wire_name);
        if let Some(ct) = enc.and_then(|e| e.content_type.as_deref())
            && is_json_media(ct)
        {
            out.push((
                encode::enc(&f.wire_name, COMPONENT),
                encode::enc(&f.value.to_string(), COMPONENT),
            ));
            continue;
        }
        let nested = match &f.value {
            Value::Object(_) => true,
            Value::Array(items) => items.iter().any(|i| i.is_object() || i.is_array()),
            _ => false,
        };
        let style = enc.and_then(|e| e.style).unwrap_or(if nested {
            ParamStyle::DeepObject
        } else {
            ParamStyle::Form
        });
        let explode = enc
            .and_then(|e| e.explode)
            .unwrap_or(matches!(style, ParamStyle::Form | ParamStyle::DeepObject));
        query::pairs(style, explode, &f.wire_name, &f.value, COMPONENT, &mut out);
    }
    out
}

fn multipart_parts(
    fields: Vec<Field>,
    spec: &BodySpec,
    wire: &Wire<'_>,
    problems: &mut Vec<ArgProblem>,
) -> Vec<Part> {
    let mut parts = Vec::new();
    for f in fields {
        let enc = spec.encoding.get(&f.wire_name);
        let declared_ct = enc
            .and_then(|e| e.content_type.as_deref())
            .and_then(|ct| ct.split(',').next())
            .map(|ct| ct.trim().to_owned());
        let schema_ptr = f.schema_ptr.as_deref();
        let (items, item_ptr): (Vec<(Value, String)>, Option<String>) = match f.value {
            // An array is one part per item, unless its declared content type is JSON.
            Value::Array(list) if !declared_ct.as_deref().is_some_and(is_json_media) => (
                list.into_iter()
                    .enumerate()
                    .map(|(i, v)| (v, format!("{}/{i}", f.arg_ptr)))
                    .collect(),
                schema_ptr.map(|p| format!("{p}/items")),
            ),
            v => (vec![(v, f.arg_ptr.clone())], schema_ptr.map(str::to_owned)),
        };
        let binary = enc.is_some_and(|e| e.binary)
            || item_ptr
                .as_deref()
                .is_some_and(|p| has_keyword(wire, p, "contentEncoding", "base64"));
        let media_hint = item_ptr
            .as_deref()
            .and_then(|p| keyword(wire, p, "contentMediaType"))
            .map(str::to_owned);
        for (v, arg_ptr) in items {
            if v.is_null() {
                continue;
            }
            if binary && let Value::String(s) = &v {
                if let Some(data) = decode_file(s, &arg_ptr, problems) {
                    parts.push(Part {
                        name: f.wire_name.clone(),
                        filename: Some(f.wire_name.clone()),
                        content_type: Some(
                            declared_ct
                                .clone()
                                .or_else(|| media_hint.clone())
                                .unwrap_or_else(|| "application/octet-stream".to_owned()),
                        ),
                        data,
                    });
                }
                continue;
            }
            let (data, ct) = match &v {
                Value::Object(_) | Value::Array(_) => (
                    v.to_string().into_bytes(),
                    Some(
                        declared_ct
                            .clone()
                            .unwrap_or_else(|| "application/json".to_owned()),
                    ),
                ),
                other => (
                    scalar_text(other).into_bytes(),
                    declared_ct.clone().filter(|ct| ct != "text/plain"),
                ),
            };
            parts.push(Part {
                name: f.wire_name.clone(),
                filename: None,
                content_type: ct,
                data,
            });
        }
    }
    parts
}
