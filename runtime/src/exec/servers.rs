//! Which server a call goes to: a base-URL override, else the operation's (then path item's,
//! then document's) first server with its variables filled in, resolved against where the
//! document was loaded from when it is relative. The host never comes from tool arguments.

use std::collections::BTreeMap;

use reqwest::Url;

use crate::manifest::{Manifest, ToolManifest, hide_user_info};

/// Server settings of one tool set (or the executor's defaults). `Debug` hides URL user-info.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ServerConfig {
    /// Replaces every server of the document.
    pub base_url: Option<String>,
    /// Values for server URL variables (`{region}`), by variable name; others take their
    /// defaults.
    pub variables: BTreeMap<String, String>,
    /// Where the document was loaded from; relative server URLs resolve against it.
    pub source_url: Option<String>,
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hide = |u: &Option<String>| u.as_deref().map(hide_user_info);
        f.debug_struct("ServerConfig")
            .field("base_url", &hide(&self.base_url))
            .field("variables", &self.variables)
            .field("source_url", &hide(&self.source_url))
            .finish()
    }
}

/// Why no server URL could be chosen (configuration, not the model's fault).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerError {
    /// A relative server URL and no document URL or base URL to resolve it against.
    #[error(
        "the server URL `{0}` is relative and the document was not loaded from a URL; set a base URL"
    )]
    Relative(String),
    /// The document declares no server and none was configured.
    #[error("the document declares no server; set a base URL")]
    None,
    /// Not an http(s) URL after substitution.
    #[error("the server URL `{0}` is not an absolute http or https URL")]
    Invalid(String),
    /// The URL carries user-info (`user:password@host`): it would be sent as
    /// `Authorization: Basic` to wherever the URL points, and printed wherever the URL is.
    #[error(
        "the server URL `{0}` carries user-info (`user:password@`); it is refused so the password is neither sent nor shown: configure HTTP basic credentials for the security scheme instead"
    )]
    UserInfo(String),
    /// A variable value outside the variable's `enum`.
    #[error("server variable `{name}` must be one of {allowed:?}, got `{value}`")]
    Variable {
        /// The variable.
        name: String,
        /// The configured value.
        value: String,
        /// The allowed values.
        allowed: Vec<String>,
    },
}

/// The base URL for `tool` of `manifest` under `config`.
pub(crate) fn base_url(
    config: &ServerConfig,
    manifest: &Manifest,
    tool: &ToolManifest,
) -> Result<Url, ServerError> {
    if let Some(base) = &config.base_url {
        return absolute(base);
    }
    let template = tool
        .servers
        .first()
        .or_else(|| manifest.servers.first())
        .ok_or(ServerError::None)?;
    let url = substitute(template, manifest, config)?;
    if url.contains("://") {
        return absolute(&url);
    }
    let source = config
        .source_url
        .as_deref()
        .and_then(|s| Url::parse(s).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| ServerError::Relative(hide_user_info(&url)))?;
    let joined = source
        .join(&url)
        .map_err(|_| ServerError::Invalid(hide_user_info(&url)))?;
    absolute(joined.as_str())
}

fn absolute(text: &str) -> Result<Url, ServerError> {
    let shown = || hide_user_info(text);
    let url = Url::parse(text).map_err(|_| ServerError::Invalid(shown()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ServerError::UserInfo(shown()));
    }
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ServerError::Invalid(shown()));
    }
    Ok(url)
}

/// Whether `url` stays where credentials for `base` may go: the same origin, and a path at or
/// under the base path (segment by segment: `/v1` covers `/v1` and `/v1/x`, not `/v10`).
pub(crate) fn within(base: &Url, url: &Url) -> bool {
    let prefix = base.path().trim_end_matches('/');
    let path = url.path();
    url.origin() == base.origin()
        && path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Fills `{name}` variables: configured value (checked against the enum), else the default.
fn substitute(
    template: &str,
    manifest: &Manifest,
    config: &ServerConfig,
) -> Result<String, ServerError> {
    let declared = manifest.server_variables.get(template);
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = &rest[open + 1..close];
        let var = declared.and_then(|d| d.get(name));
        let value = match (config.variables.get(name), var) {
            (Some(v), Some(var)) if !var.values.is_empty() && !var.values.contains(v) => {
                return Err(ServerError::Variable {
                    name: name.to_owned(),
                    value: v.clone(),
                    allowed: var.values.clone(),
                });
            }
            (Some(v), _) => v.clone(),
            (None, Some(var)) => var.default.clone(),
            (None, None) => {
                return Err(ServerError::Invalid(hide_user_info(template)));
            }
        };
        out.push_str(&value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `base` joined with the request's encoded `path?query`, refusing any result that leaves the
/// base's origin or path prefix.
pub(crate) fn join(base: &Url, path_and_query: &str) -> Option<Url> {
    if !path_and_query.starts_with('/') {
        return None;
    }
    let text = format!("{}{}", base.as_str().trim_end_matches('/'), path_and_query);
    let url = Url::parse(&text).ok()?;
    within(base, &url).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::ServerVariable;

    fn manifest(servers: &[&str]) -> Manifest {
        let mut m = Manifest {
            servers: servers.iter().map(|s| s.to_string()).collect(),
            ..Manifest::default()
        };
        m.server_variables.insert(
            "https://{region}.example.com/{version}".into(),
            BTreeMap::from([
                (
                    "region".to_owned(),
                    ServerVariable {
                        default: "eu".into(),
                        values: vec!["eu".into(), "us".into()],
                    },
                ),
                (
                    "version".to_owned(),
                    ServerVariable {
                        default: "v1".into(),
                        values: vec![],
                    },
                ),
            ]),
        );
        m
    }

    fn tool(servers: &[&str]) -> ToolManifest {
        let mut t: ToolManifest = serde_json::from_value(serde_json::json!({
            "name": "t", "method": "GET", "path": "/x", "description": "",
            "params": [], "input_schema": {"type": "object"}, "schema_hash": ""
        }))
        .unwrap();
        t.servers = servers.iter().map(|s| s.to_string()).collect();
        t
    }

    #[test]
    fn variables_defaults_overrides_and_enums() {
        let m = manifest(&["https://{region}.example.com/{version}"]);
        let t = tool(&[]);
        let mut cfg = ServerConfig::default();
        assert_eq!(
            base_url(&cfg, &m, &t).unwrap().as_str(),
            "https://eu.example.com/v1"
        );
        cfg.variables.insert("region".into(), "us".into());
        cfg.variables.insert("version".into(), "v2".into());
        assert_eq!(
            base_url(&cfg, &m, &t).unwrap().as_str(),
            "https://us.example.com/v2"
        );
        cfg.variables.insert("region".into(), "evil.com/".into());
        assert!(matches!(
            base_url(&cfg, &m, &t),
            Err(ServerError::Variable { .. })
        ));
    }

    #[test]
    fn operation_servers_first_relative_resolved_override_wins() {
        let m = manifest(&["https://doc.example.com"]);
        let cfg = ServerConfig::default();
        assert_eq!(
            base_url(&cfg, &m, &tool(&["https://op.example.com/a"]))
                .unwrap()
                .as_str(),
            "https://op.example.com/a"
        );
        let rel = tool(&["/api/v3"]);
        assert_eq!(
            base_url(&cfg, &m, &rel),
            Err(ServerError::Relative("/api/v3".into()))
        );
        let cfg = ServerConfig {
            source_url: Some("https://specs.example.com/pets/openapi.yaml".into()),
            ..ServerConfig::default()
        };
        assert_eq!(
            base_url(&cfg, &m, &rel).unwrap().as_str(),
            "https://specs.example.com/api/v3"
        );
        let cfg = ServerConfig {
            base_url: Some("http://127.0.0.1:9/base".into()),
            ..cfg
        };
        assert_eq!(
            base_url(&cfg, &m, &rel).unwrap().as_str(),
            "http://127.0.0.1:9/base"
        );
        assert_eq!(
            base_url(&ServerConfig::default(), &Manifest::default(), &tool(&[])),
            Err(ServerError::None)
        );
    }

    #[test]
    fn join_stays_on_the_base_origin_and_prefix() {
        let base = Url::parse("https://api.example.com/v1/").unwrap();
        assert_eq!(
            join(&base, "/pets/1?x=2").unwrap().as_str(),
            "https://api.example.com/v1/pets/1?x=2"
        );
        assert_eq!(
            join(&base, "//evil.com/x").unwrap().host_str(),
            Some("api.example.com")
        );
        assert!(join(&base, "/../../admin").is_none());
        assert!(join(&base, "@evil.com/x").is_none());
        assert!(join(&base, "/%2e%2e/%2e%2e/admin").is_none());
        let v1 = Url::parse("https://api.example.com/v1").unwrap();
        let at = |u: &str| within(&v1, &Url::parse(u).unwrap());
        assert!(at("https://api.example.com/v1") && at("https://api.example.com/v1/x?q"));
        assert!(!at("https://api.example.com/v10") && !at("https://api.example.com/admin"));
        assert!(!at("http://api.example.com/v1/x") && !at("https://api.example.com:8443/v1"));
    }

    #[test]
    fn user_info_is_refused_and_hidden() {
        let cfg = ServerConfig {
            base_url: Some("https://me:pw-9@api.example.com/v1".into()),
            ..ServerConfig::default()
        };
        let err = base_url(&cfg, &Manifest::default(), &tool(&[])).unwrap_err();
        assert_eq!(
            err,
            ServerError::UserInfo("https://***@api.example.com/v1".into())
        );
        assert!(!err.to_string().contains("pw-9"));
        assert!(!format!("{cfg:?}").contains("pw-9"));
        assert_eq!(hide_user_info("http://a@b@h:1/x@y"), "http://***@h:1/x@y");
        assert_eq!(hide_user_info("/v1/a@b"), "/v1/a@b");
        assert_eq!(hide_user_info("http://h/p?u=a@b"), "http://h/p?u=a@b");
    }
}
