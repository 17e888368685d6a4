//! Parameters: `$ref`s resolved (chains too), path-level merged with operation-level
//! (the operation wins on name + location), each turned into a top-level input property.

use std::collections::HashMap;

use indexmap::IndexMap;
use openapiv3::{
    Parameter, ParameterData, ParameterSchemaOrContent, PathStyle, QueryStyle, ReferenceOr,
};
use openapi_tools_runtime::manifest::{ParamLocation, ParamStyle};
use serde_json::{Map, Value};

use super::schema::{Cx, Node, SchemaSet};
use crate::diagnostics::pointer_join;

/// Reference chains longer than this are reported as unresolvable.
const MAX_HOPS: usize = 16;

/// Prefix of references to component parameters.
const COMPONENT_PARAMETERS: &str = "#/components/parameters/";

/// Headers OpenAPI says a parameter SHALL NOT describe (the body and security own them).
const IGNORED_HEADERS: [&str; 3] = ["accept", "content-type", "authorization"];

/// One parameter of an operation, resolved.
#[derive(Debug, Clone)]
pub(crate) struct ParamIn<'a> {
    pub data: &'a ParameterData,
    /// The name on the wire: the parameter's name, except for path parameters that a path key
    /// binds in its query string (`/history?date_from={from}` sends `from` as `date_from`).
    pub wire_name: String,
    pub location: ParamLocation,
    /// Declared style when it differs from the location's default (openapiv3 cannot tell an
    /// explicit default from an absent one, and they mean the same).
    pub style: Option<ParamStyle>,
    pub allow_reserved: bool,
    /// Pointer of the parameter object (after resolving references).
    pub pointer: String,
    /// Pointer of the component it came from, for caching its schema.
    pub component: Option<String>,
}

impl ParamIn<'_> {
    pub(crate) fn key(&self) -> (String, ParamLocation) {
        (self.data.name.clone(), self.location)
    }
}

/// The parameters an operation takes: path-level ones first (replaced in place by an
/// operation-level one with the same name and location), then the operation's own.
pub(crate) fn merged<'a>(
    path_level: &'a [ReferenceOr<Parameter>],
    op_level: &'a [ReferenceOr<Parameter>],
    path_ptr: &str,
    op_ptr: &str,
    components: Option<&'a IndexMap<String, ReferenceOr<Parameter>>>,
    cx: &mut Cx<'_>,
) -> Vec<ParamIn<'a>> {
    let resolve_all = |list: &'a [ReferenceOr<Parameter>], base: &str, cx: &mut Cx<'_>| {
        let base = pointer_join(base, "parameters");
        let mut out = Vec::new();
        for (i, p) in list.iter().enumerate() {
            if let Some(p) = resolve(p, &pointer_join(&base, &i.to_string()), components, cx)
                && keep(&p, cx)
            {
                out.push(p);
            }
        }
        out
    };
    let mut out = resolve_all(path_level, path_ptr, cx);
    for p in resolve_all(op_level, op_ptr, cx) {
        match out.iter_mut().find(|q| q.key() == p.key()) {
            Some(slot) => *slot = p,
            None => out.push(p),
        }
    }
    // Duplicates within one list are invalid; keep the first, say so.
    let mut seen: Vec<(String, ParamLocation)> = Vec::new();
    out.retain(|p| {
        if seen.contains(&p.key()) {
            cx.warn(
                &p.pointer,
                format!(
                    "parameter `{}` in {} is declared twice; the first declaration is used",
                    p.data.name,
                    p.location.as_in()
                ),
            );
            false
        } else {
            seen.push(p.key());
            true
        }
    });
    out
}

fn keep(p: &ParamIn<'_>, cx: &mut Cx<'_>) -> bool {
    let ignored = p.location == ParamLocation::Header
        && IGNORED_HEADERS.contains(&p.data.name.to_ascii_lowercase().as_str());
    if ignored {
        cx.warn(
            &p.pointer,
            format!(
                "header parameter `{}` is ignored, as OpenAPI requires (the request body and \
                 security schemes set it)",
                p.data.name
            ),
        );
    }
    !ignored
}

fn resolve<'a>(
    p: &'a ReferenceOr<Parameter>,
    pointer: &str,
    components: Option<&'a IndexMap<String, ReferenceOr<Parameter>>>,
    cx: &mut Cx<'_>,
) -> Option<ParamIn<'a>> {
    let mut current = p;
    let mut at = pointer.to_owned();
    let mut component = None;
    for _ in 0..MAX_HOPS {
        match current {
            ReferenceOr::Item(param) => return Some(param_in(param, at, component)),
            ReferenceOr::Reference { reference } => {
                let target = reference
                    .strip_prefix(COMPONENT_PARAMETERS)
                    .map(super::schema::decode_token)
                    .and_then(|name| Some((components?.get(&name)?, name)));
                let Some((next, name)) = target else {
                    cx.warn(
                        &at,
                        format!(
                            "parameter `$ref: {reference}` does not resolve; the parameter is \
                             skipped"
                        ),
                    );
                    return None;
                };
                at = pointer_join("/components/parameters", &name);
                component = Some(at.clone());
                current = next;
            }
        }
    }
    cx.warn(
        pointer,
        "parameter `$ref` chain is too long or cyclic; the parameter is skipped",
    );
    None
}

fn param_in(param: &Parameter, pointer: String, component: Option<String>) -> ParamIn<'_> {
    let (location, style, allow_reserved) = match param {
        Parameter::Query {
            style,
            allow_reserved,
            ..
        } => (
            ParamLocation::Query,
            match style {
                QueryStyle::Form => None,
                QueryStyle::SpaceDelimited => Some(ParamStyle::SpaceDelimited),
                QueryStyle::PipeDelimited => Some(ParamStyle::PipeDelimited),
                QueryStyle::DeepObject => Some(ParamStyle::DeepObject),
            },
            *allow_reserved,
        ),
        Parameter::Header { .. } => (ParamLocation::Header, None, false),
        Parameter::Path { style, .. } => (
            ParamLocation::Path,
            match style {
                PathStyle::Simple => None,
                PathStyle::Matrix => Some(ParamStyle::Matrix),
                PathStyle::Label => Some(ParamStyle::Label),
            },
            false,
        ),
        Parameter::Cookie { .. } => (ParamLocation::Cookie, None, false),
    };
    ParamIn {
        data: param.parameter_data_ref(),
        wire_name: param.parameter_data_ref().name.clone(),
        location,
        style,
        allow_reserved,
        pointer,
        component,
    }
}

/// The schema node of a parameter (for `content` parameters, the first media type's schema)
/// and its pointer.
fn schema_node<'a>(p: &ParamIn<'a>, cx: &mut Cx<'_>) -> (Option<Node<'a>>, String) {
    match &p.data.format {
        ParameterSchemaOrContent::Schema(s) => (Some(s.into()), pointer_join(&p.pointer, "schema")),
        ParameterSchemaOrContent::Content(content) => match content.iter().next() {
            Some((media_type, media)) => {
                let content_ptr = pointer_join(&p.pointer, "content");
                let ptr = pointer_join(&pointer_join(&content_ptr, media_type), "schema");
                (media.schema.as_ref().map(Node::from), ptr)
            }
            None => {
                cx.warn(&p.pointer, "parameter has an empty `content`; accepting any value");
                (None, p.pointer.clone())
            }
        },
    }
}

/// Converted (wire-space) schemas of component parameters, shared by every operation using
/// them (GitHub references `owner` and `repo` hundreds of times).
#[derive(Default)]
pub(crate) struct ParamSchemas {
    cache: HashMap<String, Value>,
}

impl ParamSchemas {
    /// The wire-space property schema of one parameter: its schema plus the parameter's
    /// description and deprecation.
    pub(crate) fn property<'a>(
        &mut self,
        p: &ParamIn<'a>,
        schemas: &mut SchemaSet<'a>,
        cx: &mut Cx<'_>,
    ) -> (Value, Option<String>) {
        let content_type = match &p.data.format {
            ParameterSchemaOrContent::Content(c) => c.keys().next().cloned(),
            ParameterSchemaOrContent::Schema(_) => None,
        };
        if let Some(hit) = p.component.as_ref().and_then(|c| self.cache.get(c)) {
            return (hit.clone(), content_type);
        }
        let (node, ptr) = schema_node(p, cx);
        let mut schema = match node {
            Some(node) => schemas.wire_form(node, &ptr, cx),
            None => Value::Object(Map::new()),
        };
        if let Some(obj) = schema.as_object_mut() {
            if let Some(d) = p.data.description.as_deref().map(str::trim)
                && !d.is_empty()
            {
                obj.insert("description".into(), d.into());
            }
            if p.data.deprecated == Some(true) {
                obj.insert("deprecated".into(), Value::Bool(true));
            }
        }
        if let Some(c) = &p.component {
            self.cache.insert(c.clone(), schema.clone());
        }
        (schema, content_type)
    }
}
