//! Rules for the non-schema objects: parameters, headers, operations, responses, and the
//! document root. Mostly leniency for 3.0 documents in the wild that `openapiv3` would reject or
//! misread, each fixed with a warning.

use serde_json::{Map, Value, json};

use super::Cx;
use crate::diagnostics::escape_pointer_token;

/// Swagger 2.0 parameter fields that belong in a `schema` in OpenAPI 3.
const SCHEMA_FIELDS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
];

/// A Parameter (`is_header == false`) or a Header object.
pub(crate) fn parameter(node: &mut Value, ptr: &str, is_header: bool, cx: &mut Cx<'_>) {
    let Some(obj) = node.as_object_mut() else {
        return;
    };
    if obj.contains_key("$ref") {
        return;
    }
    if !is_header
        && obj.get("in").and_then(Value::as_str) == Some("path")
        && obj.get("required") != Some(&Value::Bool(true))
    {
        obj.insert("required".to_owned(), Value::Bool(true));
        cx.warn(
            format!("{ptr}/required"),
            "path parameters are always required; set `required: true`",
        );
    }
    let noun = if is_header { "header" } else { "parameter" };
    match (obj.contains_key("schema"), obj.contains_key("content")) {
        (true, true) => {
            obj.remove("content");
            cx.warn(
                format!("{ptr}/content"),
                format!("a {noun} has either `schema` or `content`; `content` ignored"),
            );
        }
        (false, false) => {
            let mut schema = Map::new();
            for key in SCHEMA_FIELDS {
                if let Some(v) = obj.remove(*key) {
                    schema.insert((*key).to_owned(), v);
                }
            }
            let message = if schema.is_empty() {
                schema.insert("type".to_owned(), json!("string"));
                format!("{noun} has no `schema`; assumed a string")
            } else {
                format!("{noun} declares its type Swagger-2.0-style; moved into `schema`")
            };
            obj.insert("schema".to_owned(), Value::Object(schema));
            cx.warn(ptr.to_owned(), message);
        }
        _ => {}
    }
}

/// An Operation must have `responses` for `openapiv3`.
pub(crate) fn operation(node: &mut Value, ptr: &str, cx: &mut Cx<'_>) {
    let Some(obj) = node.as_object_mut() else {
        return;
    };
    if !obj.get("responses").is_some_and(Value::is_object) {
        obj.insert("responses".to_owned(), json!({}));
        cx.warn(
            format!("{ptr}/responses"),
            "operation has no `responses` object; assumed none",
        );
    }
    for key in ["summary", "description", "operationId"] {
        stringify(obj, key, ptr, cx);
    }
}

/// A Response must have a description.
pub(crate) fn response(node: &mut Value, ptr: &str, cx: &mut Cx<'_>) {
    let Some(obj) = node.as_object_mut() else {
        return;
    };
    if obj.contains_key("$ref") {
        return;
    }
    if !obj.get("description").is_some_and(Value::is_string) {
        obj.insert("description".to_owned(), json!(""));
        cx.warn(
            format!("{ptr}/description"),
            "response has no description; assumed empty",
        );
    }
}

/// YAML reads `version: 1.0` as a number; OpenAPI means the text.
fn stringify(obj: &mut Map<String, Value>, key: &str, ptr: &str, cx: &mut Cx<'_>) {
    if let Some(v) = obj.get(key)
        && matches!(v, Value::Number(_) | Value::Bool(_))
    {
        let text = v.to_string();
        obj.insert(key.to_owned(), Value::String(text));
        cx.warn(
            format!("{ptr}/{key}"),
            format!("`{key}` should be a string; read as text"),
        );
    }
}

/// Root-level fix-ups and 3.1 root features. Runs before the walk.
pub(crate) fn document(root: &mut Map<String, Value>, cx: &mut Cx<'_>) {
    info(root, cx);
    match root.get("paths") {
        Some(Value::Object(_)) => {}
        None => {
            // 3.1 allows a document without paths (webhooks or components only).
            if !cx.is_31 {
                cx.warn("/paths", "document has no `paths`; assumed none");
            }
            root.insert("paths".to_owned(), json!({}));
        }
        Some(_) => {
            cx.error(
                "/paths",
                "`paths` must be an object; no operation can be read",
            );
            root.insert("paths".to_owned(), json!({}));
        }
    }
    if let Some(Value::Object(paths)) = root.get("paths") {
        for key in paths.keys() {
            if !key.starts_with('/') && !key.starts_with("x-") {
                cx.warn(
                    format!("/paths/{}", escape_pointer_token(key)),
                    "path does not start with `/`; ignored",
                );
            }
        }
    }
    if root.contains_key("webhooks") {
        cx.warn(
            "/webhooks",
            "webhooks describe requests the API sends, not operations a client calls; they yield no tools",
        );
    }
    if let Some(dialect) = root.remove("jsonSchemaDialect")
        && dialect.as_str() != Some("https://spec.openapis.org/oas/3.1/dialect/base")
    {
        cx.warn(
            "/jsonSchemaDialect",
            format!(
                "schema dialect {dialect} is not supported; schemas are read as the OpenAPI dialect"
            ),
        );
    }
    if root.get("components").is_some_and(|c| !c.is_object()) {
        root.remove("components");
        cx.error("/components", "`components` must be an object; ignored");
    }
    for (list, required) in [("servers", "url"), ("tags", "name")] {
        if let Some(Value::Array(items)) = root.get_mut(list) {
            let mut index = 0;
            items.retain(|item| {
                let keep = item.get(required).is_some_and(Value::is_string);
                if !keep {
                    cx.warn(
                        format!("/{list}/{index}"),
                        format!("entry without a `{required}` ignored"),
                    );
                }
                index += 1;
                keep
            });
        }
    }
}

fn info(root: &mut Map<String, Value>, cx: &mut Cx<'_>) {
    if !root.get("info").is_some_and(Value::is_object) {
        cx.warn(
            "/info",
            "document has no `info` object; assumed an empty title and version",
        );
        root.insert("info".to_owned(), json!({}));
    }
    let Some(Value::Object(info)) = root.get_mut("info") else {
        return;
    };
    for key in ["title", "version"] {
        stringify(info, key, "/info", cx);
        if !info.get(key).is_some_and(Value::is_string) {
            info.insert(key.to_owned(), json!(""));
            cx.warn(
                format!("/info/{key}"),
                format!("`info.{key}` is missing; assumed empty"),
            );
        }
    }
    // 3.1 `info.summary`: 3.0 has none; it becomes the description when there is none, else it
    // is kept as the `x-summary` extension.
    if let Some(summary) = info.remove("summary") {
        if info.contains_key("description") {
            info.insert("x-summary".to_owned(), summary);
        } else {
            info.insert("description".to_owned(), summary);
        }
    }
    if let Some(Value::Object(license)) = info.get_mut("license") {
        // 3.1 SPDX `identifier`: kept as `x-identifier`, and names the license when nothing else does.
        if let Some(id) = license.remove("identifier") {
            if !license.get("name").is_some_and(Value::is_string) {
                license.insert("name".to_owned(), id.clone());
            }
            license.insert("x-identifier".to_owned(), id);
        }
        if !license.get("name").is_some_and(Value::is_string) {
            license.insert("name".to_owned(), json!(""));
            cx.warn("/info/license/name", "license has no name; assumed empty");
        }
    }
}
