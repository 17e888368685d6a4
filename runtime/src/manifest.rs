//! The manifest: a serialisable description of a tool set.
//!
//! A [`Manifest`] is what the generator produces from a spec and what the registry installs,
//! diffs and exports. It carries everything downstream stages need (wire names, styles, media
//! types, the canonical input schema), so nothing after the model re-reads the raw spec.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::hash::schema_hash;

/// A tool set: one per loaded spec (or per hand-written collection of tools).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// `info.title` of the spec.
    pub title: String,
    /// `info.version` of the spec.
    pub version: String,
    /// The `openapi` field of the source document (`3.0.3`, `3.1.0`, ...).
    #[serde(default)]
    pub openapi: String,
    /// sha256 (hex) of the source document bytes (and referenced files, in load order).
    pub source_hash: String,
    /// Prefix applied to every tool name, if any (already part of each [`ToolManifest::name`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Servers declared at the document level, as URL templates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<String>,
    /// Variables of every server URL template the document declares (document, path item and
    /// operation servers), keyed by the template as it appears in [`Manifest::servers`] and
    /// [`ToolManifest::servers`]. Templates without variables are absent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub server_variables: BTreeMap<String, BTreeMap<String, ServerVariable>>,
    /// The document's security schemes (`components.securitySchemes`), by name: how a
    /// credential is sent, never the credential itself.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub security_schemes: BTreeMap<String, SecurityScheme>,
    /// One entry per operation, in a stable order (document order of paths, then method order).
    pub tools: Vec<ToolManifest>,
}

impl Manifest {
    /// Looks a tool up by its tool-facing name.
    pub fn tool(&self, name: &str) -> Option<&ToolManifest> {
        self.tools.iter().find(|t| t.name == name)
    }

    /// About how many bytes of heap and inline memory this manifest holds (strings, schemas,
    /// parameters): an estimate for planning replicas, not an allocator's count.
    pub fn approximate_size(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.title.capacity()
            + self.version.capacity()
            + self.openapi.capacity()
            + self.source_hash.capacity()
            + self.servers.iter().map(String::capacity).sum::<usize>()
            + self.tools.capacity() * std::mem::size_of::<ToolManifest>()
            + self
                .tools
                .iter()
                .map(ToolManifest::approximate_heap)
                .sum::<usize>()
    }
}

/// About how many heap bytes a JSON value holds beyond its own inline size (strings, arrays,
/// objects with their keys and index).
pub fn approximate_value_heap(value: &Value) -> usize {
    const VALUE: usize = std::mem::size_of::<Value>();
    match value {
        Value::String(s) => s.capacity(),
        Value::Array(items) => items
            .iter()
            .map(|v| VALUE + approximate_value_heap(v))
            .sum(),
        // Each entry: the key, the value, and the map's index slot and hash.
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                std::mem::size_of::<String>()
                    + k.capacity()
                    + VALUE
                    + 16
                    + approximate_value_heap(v)
            })
            .sum(),
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
    }
}

/// One tool: one OpenAPI operation as a model sees it and as the wire needs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolManifest {
    /// Tool name, valid for every provider at once: `^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$`.
    pub name: String,
    /// The original `operationId`, kept for routing and reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template as written in the spec (`/pets/{petId}`), fragment and query stripped.
    pub path: String,
    /// Operation tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// `summary`, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The description the model sees: summary + description, trimmed to 1,024 characters at a
    /// sentence or word boundary, deprecation noted.
    pub description: String,
    /// `deprecated: true` on the operation.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// Servers that apply to this operation (operation, then path item, then document level).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<String>,
    /// Security requirements (alternatives; each maps scheme name to scopes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security: Vec<BTreeMap<String, Vec<String>>>,
    /// The top-level input properties, each with where it goes on the wire.
    pub params: Vec<InputParam>,
    /// The request body, when the operation has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodySpec>,
    /// Canonical input schema: plain JSON Schema 2020-12, `type: object` at the top, shared
    /// component schemas under `$defs`, no OpenAPI-only keywords.
    pub input_schema: Value,
    /// sha256 (hex) of the canonical input schema, stable under key order.
    pub schema_hash: String,
    /// Wire names of nested properties whose tool-facing name differs, keyed by the JSON pointer
    /// of the property inside [`ToolManifest::input_schema`]
    /// (e.g. `/$defs/Item/properties/hydra_member` -> `hydra:member`). Top-level renames live in
    /// [`InputParam::wire_name`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub wire_names: BTreeMap<String, String>,
    /// What a success answer's JSON body looks like (MCP `outputSchema`): the first 2xx JSON
    /// response schema when it is an object, as JSON Schema 2020-12 with the API's own property
    /// names. Filled only when the model is asked for it (it can be large).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Value>,
}

impl ToolManifest {
    /// About how many heap bytes this tool holds (see [`Manifest::approximate_size`]).
    fn approximate_heap(&self) -> usize {
        let text = |s: &String| s.capacity();
        text(&self.name)
            + self.operation_id.as_ref().map_or(0, text)
            + text(&self.path)
            + self.tags.iter().map(text).sum::<usize>()
            + self.summary.as_ref().map_or(0, text)
            + text(&self.description)
            + self.servers.iter().map(text).sum::<usize>()
            + self.params.capacity() * std::mem::size_of::<InputParam>()
            + self
                .params
                .iter()
                .map(|p| text(&p.name) + text(&p.wire_name))
                .sum::<usize>()
            + self
                .body
                .as_ref()
                .map_or(0, |_| std::mem::size_of::<BodySpec>())
            + approximate_value_heap(&self.input_schema)
            + text(&self.schema_hash)
            + self
                .wire_names
                .iter()
                .map(|(k, v)| 48 + text(k) + text(v))
                .sum::<usize>()
            + self
                .output_schema
                .as_ref()
                .map_or(0, approximate_value_heap)
    }

    /// Looks an input property up by its tool-facing name.
    pub fn param(&self, name: &str) -> Option<&InputParam> {
        self.params.iter().find(|p| p.name == name)
    }

    /// Recomputes [`ToolManifest::schema_hash`] from [`ToolManifest::input_schema`].
    pub fn rehash(&mut self) {
        self.schema_hash = schema_hash(&self.input_schema);
    }
}

/// HTTP methods OpenAPI operations can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl HttpMethod {
    /// All methods, in the order OpenAPI path items list them.
    pub const ALL: [HttpMethod; 8] = [
        HttpMethod::Get,
        HttpMethod::Put,
        HttpMethod::Post,
        HttpMethod::Delete,
        HttpMethod::Options,
        HttpMethod::Head,
        HttpMethod::Patch,
        HttpMethod::Trace,
    ];

    /// Upper-case wire form (`GET`).
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }

    /// Lower-case form used as the key in an OpenAPI path item (`get`).
    pub fn key(self) -> &'static str {
        match self {
            HttpMethod::Get => "get",
            HttpMethod::Put => "put",
            HttpMethod::Post => "post",
            HttpMethod::Delete => "delete",
            HttpMethod::Options => "options",
            HttpMethod::Head => "head",
            HttpMethod::Patch => "patch",
            HttpMethod::Trace => "trace",
        }
    }

    /// Safe methods only read (RFC 9110 §9.2.1).
    pub fn is_read_only(self) -> bool {
        matches!(
            self,
            HttpMethod::Get | HttpMethod::Head | HttpMethod::Options | HttpMethod::Trace
        )
    }

    /// Idempotent methods (RFC 9110 §9.2.2).
    pub fn is_idempotent(self) -> bool {
        !matches!(self, HttpMethod::Post | HttpMethod::Patch)
    }

    /// Methods that may destroy or overwrite state.
    pub fn is_destructive(self) -> bool {
        matches!(self, HttpMethod::Delete | HttpMethod::Put)
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an input property goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// A `{name}` segment of the path template.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie in the `Cookie` header.
    Cookie,
    /// The whole request body (union, array, primitive, or a body whose properties clash with
    /// parameters).
    Body,
    /// One top-level property of an object request body, flattened to the tool's top level.
    BodyProperty,
    /// Nowhere: the model's reason for the call (think-augment, see [`crate::think`]),
    /// validated and recorded by the executor, never sent.
    Reason,
}

impl ParamLocation {
    /// The `in` value used in reports: `path | query | header | cookie | body | reason`.
    pub fn as_in(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
            ParamLocation::Body | ParamLocation::BodyProperty => "body",
            ParamLocation::Reason => "reason",
        }
    }
}

/// OpenAPI parameter serialisation styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ParamStyle {
    /// `;name=value` path style.
    Matrix,
    /// `.value` path style.
    Label,
    /// `name=value&...` (query, cookie default).
    Form,
    /// `a,b,c` (path, header default).
    Simple,
    /// `a b c` arrays in the query.
    SpaceDelimited,
    /// `a|b|c` arrays in the query.
    PipeDelimited,
    /// `name[key]=value` objects in the query.
    DeepObject,
}

/// One top-level input property of a tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputParam {
    /// The name the model sees (valid for every provider).
    pub name: String,
    /// The name on the wire (parameter name, header name, body property name).
    pub wire_name: String,
    /// Where the value goes.
    #[serde(rename = "in")]
    pub location: ParamLocation,
    /// Whether the tool input requires it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// `deprecated: true` on the parameter or body property.
    #[serde(default, skip_serializing_if = "is_false")]
    pub deprecated: bool,
    /// Serialisation style (parameters only; defaults per location when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<ParamStyle>,
    /// `explode` (parameters only; defaults per style when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explode: Option<bool>,
    /// `allowReserved` for query parameters.
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_reserved: bool,
    /// For parameters declared with `content` instead of `schema`: the media type the value is
    /// serialised as (usually `application/json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
}

impl InputParam {
    /// An optional parameter at `location`, sent under its own `name`, with the location's
    /// default style and explode (what a hand-written manifest or a test usually wants; set
    /// the other fields with struct update syntax).
    ///
    /// ```
    /// use openapi_tools_runtime::{InputParam, ParamLocation};
    ///
    /// let id = InputParam { required: true, ..InputParam::new("id", ParamLocation::Path) };
    /// assert_eq!((id.wire_name.as_str(), id.required), ("id", true));
    /// ```
    pub fn new(name: impl Into<String>, location: ParamLocation) -> Self {
        let name = name.into();
        InputParam {
            wire_name: name.clone(),
            name,
            location,
            required: false,
            deprecated: false,
            style: None,
            explode: None,
            allow_reserved: false,
            content_type: None,
        }
    }

    /// The style in effect: the declared one or the location's default.
    pub fn effective_style(&self) -> ParamStyle {
        self.style.unwrap_or(match self.location {
            ParamLocation::Query | ParamLocation::Cookie => ParamStyle::Form,
            _ => ParamStyle::Simple,
        })
    }

    /// `explode` in effect: the declared one or the style's default (true only for form).
    pub fn effective_explode(&self) -> bool {
        self.explode
            .unwrap_or(self.effective_style() == ParamStyle::Form)
    }
}

/// How the request body is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BodySpec {
    /// The media type chosen among those the operation offers (JSON preferred, then
    /// form-urlencoded, then multipart, then the first listed).
    pub media_type: String,
    /// `requestBody.required`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// `true` when the body's object properties are top-level tool properties
    /// ([`ParamLocation::BodyProperty`]); `false` when the whole body is one `body` property.
    pub flattened: bool,
    /// Per-property encodings for form and multipart bodies (`encoding` in the spec), keyed by
    /// wire name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub encoding: BTreeMap<String, PartEncoding>,
}

/// Encoding of one form or multipart part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartEncoding {
    /// Content type of the part (`image/png`, `application/json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// `true` when the part carries binary data (`format: binary`); the tool input then takes a
    /// base64 string (see the crate docs on file uploads).
    #[serde(default, skip_serializing_if = "is_false")]
    pub binary: bool,
    /// Serialisation style for form fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<ParamStyle>,
    /// `explode` for form fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explode: Option<bool>,
}

/// A server URL template variable (`{region}` in `https://{region}.api.example.com`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerVariable {
    /// The value used when the application supplies none.
    pub default: String,
    /// The allowed values, when the document restricts them.
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// How a security scheme sends its credential (OpenAPI `securitySchemes`). Secrets are never
/// part of a manifest: applications supply them to the executor keyed by scheme name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum SecurityScheme {
    /// An API key in a header, query parameter or cookie.
    #[serde(rename = "apiKey")]
    ApiKey {
        /// Where the key goes.
        #[serde(rename = "in")]
        location: ApiKeyLocation,
        /// The header, query parameter or cookie name.
        name: String,
    },
    /// HTTP authentication (`Authorization: <scheme> <credentials>`): `bearer`, `basic`, ...
    #[serde(rename = "http")]
    Http {
        /// The scheme name as declared (compare case-insensitively).
        scheme: String,
        /// A hint at the bearer token's format (`JWT`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bearer_format: Option<String>,
    },
    /// OAuth 2.0: the executor fetches tokens itself for the client-credentials flow, and sends
    /// a token the application supplies for any flow.
    #[serde(rename = "oauth2")]
    OAuth2 {
        /// `tokenUrl` of the `clientCredentials` flow, when the document declares one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_url: Option<String>,
        /// The flows the document declares (`clientCredentials`, `authorizationCode`, ...).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        flows: Vec<String>,
    },
    /// OpenID Connect discovery; the application supplies the access token.
    #[serde(rename = "openIdConnect")]
    OpenIdConnect {
        /// The discovery document URL.
        url: String,
    },
}

/// `url` with any user-info (`user:password@`) replaced by `***@`, for messages and `Debug`.
/// Works on text that does not parse as a URL too (a template, a typo).
pub fn hide_user_info(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..scheme_end], &rest[at..]),
        None => url.to_owned(),
    }
}

/// Whether `url` sends what it carries in the clear across the network: `http://` to a host
/// other than `localhost` or a loopback address. (Client secrets go only over https, except
/// to a token endpoint on this machine.)
pub fn is_plain_remote_url(url: &str) -> bool {
    let Some(rest) = url
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("http://"))
        .map(|_| &url[7..])
    else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    !loopback
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

fn is_false(b: &bool) -> bool {
    !*b
}
