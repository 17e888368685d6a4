//! The HTTP request a tool call maps to, with OpenAPI parameter serialisation.
//!
//! [`build_request`] turns a tool's (validated) arguments, keyed by tool-facing names, into a
//! plain [`HttpRequest`]: method, encoded path, encoded query pairs, headers (including
//! `Content-Type` when there is a body) and the body. No HTTP client is involved; an executor
//! or the caller sends it. Generated code and runtime-loaded tool sets both call this, so the
//! serialisation rules exist once:
//!
//! - **Path** ([`path`](self) rules): each value is percent-encoded as a path segment (`/`, `?`,
//!   `#`, `%` always encoded; whole `.`/`..` segments written `%2E`), styles `simple`, `label`,
//!   `matrix` with `explode`, per the OpenAPI 3.0.3 style-examples table (label arrays/objects
//!   `.`-separated as that table shows; 3.0.4 later changed non-exploded label to commas).
//!   Fragments in templates are dropped and a literal query in a template becomes query pairs.
//!   An empty or missing path value is a problem.
//! - **Query**: `form`, `spaceDelimited`, `pipeDelimited`, `deepObject`; values strictly
//!   encoded (unreserved characters only), `allowReserved` keeps RFC 3986 reserved characters
//!   except `&`, `#` and `%`; numbers and booleans as JSON text; null or absent -> omitted;
//!   parameters declared with `content: application/json` are sent as JSON text.
//! - **Headers**: `simple` style, not encoded; CR, LF, NUL and other controls refused (header
//!   injection), names must be HTTP tokens. A `Content-Type` header parameter is ignored when
//!   the operation has a body (the body sets it, as OpenAPI prescribes). **Cookies**: `form`
//!   style, one `Cookie: a=b; c=d` header, values encoded outside RFC 6265 cookie-octets.
//! - **Body**: see [`RequestBody`]; details of form and multipart defaults in the `body`
//!   module docs.
//!
//! ```
//! use openapi_tools_runtime::{HttpMethod, InputParam, ParamLocation, ToolManifest};
//! use openapi_tools_runtime::request::build_request;
//! use serde_json::json;
//!
//! let param = |name: &str, location| InputParam { required: true, ..InputParam::new(name, location) };
//! let tool = ToolManifest {
//!     name: "get_file".into(), operation_id: None, method: HttpMethod::Get,
//!     path: "/repos/{owner}/contents/{path}".into(), tags: vec![], summary: None,
//!     description: String::new(), deprecated: false, servers: vec![], security: vec![],
//!     params: vec![param("owner", ParamLocation::Path), param("path", ParamLocation::Path),
//!                  param("ref", ParamLocation::Query)],
//!     body: None, input_schema: json!({"type": "object"}), schema_hash: String::new(),
//!     wire_names: Default::default(),
//!     output_schema: None,
//! };
//! let args = json!({"owner": "me", "path": "../admin", "ref": "a b&c"});
//! let req = build_request(&tool, args.as_object().unwrap()).unwrap();
//! assert_eq!(req.path_and_query(), "/repos/me/contents/..%2Fadmin?ref=a%20b%26c");
//! assert_eq!(req.url("https://api.example.com/"),
//!            "https://api.example.com/repos/me/contents/..%2Fadmin?ref=a%20b%26c");
//! ```

mod body;
mod encode;
mod headers;
mod multipart;
mod path;
mod query;
mod wire;

use serde_json::{Map, Value};

use crate::manifest::{HttpMethod, InputParam, ParamLocation, ToolManifest};
use crate::pointer;
use crate::validate::{ArgProblem, messages};

pub use body::{MAX_FILE_BYTES, MAX_MULTIPART_BYTES};
pub use encode::is_json_media;
pub use headers::forbidden_header;
pub use multipart::{Part, choose_boundary, encode_multipart};

use encode::{COMPONENT, PATH_LITERAL, QUERY_RESERVED, enc, scalar_text};

/// A request ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// HTTP method.
    pub method: HttpMethod,
    /// Encoded path, starting with `/`, without query.
    pub path: String,
    /// Query pairs, already percent-encoded, in order (template literals first, then
    /// parameters in declaration order).
    pub query: Vec<(String, String)>,
    /// Header and cookie parameters, then `Content-Type` when a body is sent.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<RequestBody>,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestBody {
    /// A JSON body (media type in the request's `Content-Type` header).
    Json(Value),
    /// `application/x-www-form-urlencoded` pairs, already percent-encoded.
    Form(Vec<(String, String)>),
    /// `multipart/form-data` parts (boundary in the request's `Content-Type` header).
    Multipart(Vec<Part>),
    /// Raw bytes (octet-stream, images, base64-decoded from the tool input).
    Bytes {
        /// Media type.
        content_type: String,
        /// The bytes.
        data: Vec<u8>,
    },
    /// Text (`text/*`, XML).
    Text {
        /// Media type.
        content_type: String,
        /// The text.
        text: String,
    },
}

impl RequestBody {
    /// The body's bytes; `boundary` is used for multipart bodies only.
    pub fn to_bytes(&self, boundary: &str) -> Vec<u8> {
        match self {
            RequestBody::Json(v) => v.to_string().into_bytes(),
            RequestBody::Form(pairs) => query::to_string(pairs).into_bytes(),
            RequestBody::Multipart(parts) => encode_multipart(parts, boundary),
            RequestBody::Bytes { data, .. } => data.clone(),
            RequestBody::Text { text, .. } => text.clone().into_bytes(),
        }
    }
}

impl HttpRequest {
    /// `path?query` (no `?` when there is no query).
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, query::to_string(&self.query))
        }
    }

    /// The full URL under `base` (a server URL), joined without a doubled `/`.
    pub fn url(&self, base: &str) -> String {
        format!("{}{}", base.trim_end_matches('/'), self.path_and_query())
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The multipart body encoded with `boundary`; empty when the body is not multipart.
    /// [`HttpRequest::body_bytes`] uses the boundary already in the `Content-Type` header.
    pub fn multipart_body(&self, boundary: &str) -> Vec<u8> {
        match &self.body {
            Some(RequestBody::Multipart(parts)) => encode_multipart(parts, boundary),
            _ => Vec::new(),
        }
    }

    /// The body's bytes as they go on the wire, matching the `Content-Type` header.
    pub fn body_bytes(&self) -> Option<Vec<u8>> {
        let body = self.body.as_ref()?;
        let boundary = match body {
            RequestBody::Multipart(parts) => self
                .header("content-type")
                .and_then(|ct| ct.split_once("boundary="))
                .map(|(_, b)| b.trim_matches('"').to_owned())
                .unwrap_or_else(|| choose_boundary(parts)),
            _ => String::new(),
        };
        Some(body.to_bytes(&boundary))
    }
}

/// Builds the request for `tool` from arguments keyed by tool-facing names (as validated).
/// Returns every problem the arguments cause on the wire (missing or empty path values,
/// header injection, undecodable base64 files, unknown properties).
pub fn build_request(
    tool: &ToolManifest,
    args: &Map<String, Value>,
) -> Result<HttpRequest, Vec<ArgProblem>> {
    let wire = wire::Wire {
        root: &tool.input_schema,
        names: &tool.wire_names,
    };
    let mut problems = Vec::new();

    for key in args.keys() {
        if tool.param(key).is_none() {
            let allowed: Vec<&str> = tool.params.iter().map(|p| p.name.as_str()).collect();
            problems.push(ArgProblem::new(
                "/",
                messages::unknown_property(key, &allowed),
            ));
        }
    }
    for p in &tool.params {
        let located = matches!(
            p.location,
            ParamLocation::Query | ParamLocation::Header | ParamLocation::Cookie
        );
        if located && p.required && !args.contains_key(&p.name) {
            problems.push(ArgProblem::new("/", messages::missing_required(&p.name)));
        }
    }

    let template = path::parse(&tool.path);
    let mut query_pairs = Vec::new();
    let path = build_path(tool, &template, args, &wire, &mut problems);
    if let Some(q) = template.query {
        template_query(tool, q, args, &wire, &mut query_pairs);
    }

    let mut headers = Vec::new();
    let mut cookies: Vec<String> = Vec::new();
    for p in &tool.params {
        let Some(raw) = args.get(&p.name).filter(|v| !v.is_null()) else {
            continue;
        };
        match p.location {
            ParamLocation::Query => {
                let v = param_value(p, raw, &wire);
                let set = if p.allow_reserved {
                    QUERY_RESERVED
                } else {
                    COMPONENT
                };
                let before = query_pairs.len();
                query::pairs(
                    p.effective_style(),
                    p.effective_explode(),
                    &p.wire_name,
                    &v,
                    set,
                    &mut query_pairs,
                );
                // An exploded form object spreads its keys into the query: none may pose as
                // another declared parameter.
                if v.is_object() {
                    let own = enc(&p.wire_name, set);
                    for (k, _) in query_pairs.get(before..).unwrap_or_default() {
                        let other = tool.params.iter().find(|o| {
                            o.location == ParamLocation::Query
                                && o.name != p.name
                                && enc(&o.wire_name, COMPONENT) == *k
                        });
                        if let Some(o) = other.filter(|_| *k != own) {
                            problems.push(ArgProblem::new(
                                pointer(p),
                                format!(
                                    "key {} of this object would be sent as the query parameter {}, which belongs to `{}`; rename the key or use that argument",
                                    messages::quote(k),
                                    messages::quote(&o.wire_name),
                                    o.name
                                ),
                            ));
                        }
                    }
                }
            }
            ParamLocation::Header => {
                if tool.body.is_some() && p.wire_name.eq_ignore_ascii_case("content-type") {
                    continue;
                }
                if !headers::is_token(&p.wire_name) {
                    problems.push(ArgProblem::new(
                        pointer(p),
                        format!(
                            "header name {} is not a valid HTTP header name",
                            messages::quote(&p.wire_name)
                        ),
                    ));
                    continue;
                }
                if headers::forbidden_header(&p.wire_name) {
                    problems.push(ArgProblem::new(
                        pointer(p),
                        format!(
                            "the header {} is set by the HTTP client, not by tool arguments; leave this argument out",
                            messages::quote(&p.wire_name)
                        ),
                    ));
                    continue;
                }
                let v = param_value(p, raw, &wire);
                let Some(text) = headers::header_value(p.effective_explode(), &v) else {
                    continue;
                };
                match headers::forbidden_char(&text) {
                    Some(c) => problems.push(ArgProblem::new(
                        pointer(p),
                        format!(
                            "expected a header value without line breaks or control characters, got {} (contains {})",
                            messages::quote(&text),
                            headers::char_name(c)
                        ),
                    )),
                    None => headers.push((p.wire_name.clone(), text)),
                }
            }
            ParamLocation::Cookie => {
                if !headers::is_token(&p.wire_name) {
                    problems.push(ArgProblem::new(
                        pointer(p),
                        format!(
                            "cookie name {} is not a valid cookie name",
                            messages::quote(&p.wire_name)
                        ),
                    ));
                    continue;
                }
                let v = param_value(p, raw, &wire);
                cookies.extend(headers::cookie_pairs(
                    &p.wire_name,
                    p.effective_explode(),
                    &v,
                ));
            }
            // Path values go through the template, bodies below; the think-augment reason is
            // for the executor's records and never goes on the wire.
            ParamLocation::Path
            | ParamLocation::Body
            | ParamLocation::BodyProperty
            | ParamLocation::Reason => {}
        }
    }
    if !cookies.is_empty() {
        headers.push(("Cookie".to_owned(), cookies.join("; ")));
    }

    let body = body::build(tool, args, &wire, &mut problems).map(|(body, content_type)| {
        headers.push(("Content-Type".to_owned(), content_type));
        body
    });

    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(HttpRequest {
        method: tool.method,
        path,
        query: query_pairs,
        headers,
        body,
    })
}

/// Tool-facing pointer of a parameter (`/owner`).
fn pointer(p: &InputParam) -> String {
    format!("/{}", pointer::escape(&p.name))
}

/// The wire form of a parameter value: nested renames applied, and a `content`-typed parameter
/// turned into its serialised text.
fn param_value(p: &InputParam, raw: &Value, wire: &wire::Wire<'_>) -> Value {
    let v = if raw.is_object() || raw.is_array() {
        wire.value(raw, &format!("/properties/{}", pointer::escape(&p.name)))
    } else {
        raw.clone()
    };
    match p.content_type.as_deref() {
        Some(ct) if is_json_media(ct) => Value::String(v.to_string()),
        Some(_) => Value::String(scalar_text(&v)),
        None => v,
    }
}

/// The path parameter a template variable names: by wire name (with or without AWS's `+`),
/// then by tool-facing name.
fn path_param<'a>(tool: &'a ToolManifest, var: &str) -> Option<&'a InputParam> {
    let plus = format!("{var}+");
    let path_params = || {
        tool.params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
    };
    path_params()
        .find(|p| p.wire_name == var || p.wire_name == plus)
        .or_else(|| path_params().find(|p| p.name == var))
}

fn build_path(
    tool: &ToolManifest,
    template: &path::Template<'_>,
    args: &Map<String, Value>,
    wire: &wire::Wire<'_>,
    problems: &mut Vec<ArgProblem>,
) -> String {
    let mut out = String::new();
    for piece in &template.pieces {
        match piece {
            path::Piece::Lit(text) => out.push_str(&path::literal(text)),
            path::Piece::Var { name, greedy } => {
                let Some(p) = path_param(tool, name) else {
                    problems.push(ArgProblem::new(
                        "/",
                        format!(
                            "the path template {} names {{{name}}}, but the tool has no such path parameter",
                            messages::quote(&tool.path)
                        ),
                    ));
                    continue;
                };
                let raw = args.get(&p.name).filter(|v| !v.is_null());
                let Some(raw) = raw else {
                    problems.push(ArgProblem::new("/", messages::missing_required(&p.name)));
                    continue;
                };
                let v = param_value(p, raw, wire);
                let text = path::serialize(
                    p.effective_style(),
                    p.effective_explode(),
                    &p.wire_name,
                    &v,
                    *greedy,
                )
                .unwrap_or_default();
                if text.is_empty() {
                    problems.push(ArgProblem::new(
                        pointer(p),
                        messages::type_mismatch("a non-empty value (it fills a path segment)", raw),
                    ));
                    continue;
                }
                let start = out.len();
                out.push_str(&text);
                if let Some(why) = path::unsafe_segments(&out, start, *greedy) {
                    problems.push(ArgProblem::new(
                        pointer(p),
                        format!("{why}, got {}", messages::quote(&scalar_text(raw))),
                    ));
                }
            }
        }
    }
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

/// Literal query text from a template (`?uploads`, `?date_from={date_from}`). Pairs naming a
/// path parameter get its value; pairs naming any other parameter are left to that parameter's
/// own serialisation.
fn template_query(
    tool: &ToolManifest,
    q: &str,
    args: &Map<String, Value>,
    wire: &wire::Wire<'_>,
    out: &mut Vec<(String, String)>,
) {
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if !pair.contains('{') {
            out.push((enc(k, PATH_LITERAL), enc(v, PATH_LITERAL)));
            continue;
        }
        let mut value = String::new();
        let mut keep = true;
        for piece in path::pieces(v) {
            match piece {
                path::Piece::Lit(t) => value.push_str(&enc(t, PATH_LITERAL)),
                path::Piece::Var { name, .. } => {
                    let p = path_param(tool, name);
                    match p.and_then(|p| args.get(&p.name).filter(|v| !v.is_null()).map(|v| (p, v)))
                    {
                        Some((p, raw)) => {
                            value.push_str(&enc(
                                &scalar_text(&param_value(p, raw, wire)),
                                COMPONENT,
                            ));
                        }
                        None => keep = false,
                    }
                }
            }
        }
        if keep && !k.contains('{') {
            out.push((enc(k, PATH_LITERAL), value));
        }
    }
}

#[cfg(test)]
mod tests;
