//! Credentials onto a request, per OpenAPI security semantics: the operation lists
//! alternatives (OR), each a set of schemes (AND); the first alternative the credentials
//! satisfy is used; an empty alternative (`{}`) or `security: []` sends none.

use std::time::Instant;

use base64::Engine as _;

use super::credentials::{Credential, Credentials, Secret};
use super::oauth::{TokenCache, TokenRequest};
use super::result::ErrorKind;
use crate::manifest::{ApiKeyLocation, Manifest, SecurityScheme, ToolManifest};

/// Where one credential goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Placement {
    /// A header (`Authorization`, `X-Api-Key`).
    Header(String, Secret),
    /// A query parameter.
    Query(String, Secret),
    /// A cookie.
    Cookie(String, Secret),
}

/// One scheme of the chosen alternative, with its credential, before tokens are fetched.
#[derive(Debug)]
pub(crate) struct Chosen<'a> {
    pub name: &'a str,
    pub scheme: &'a SecurityScheme,
    pub credential: &'a Credential,
    pub scopes: &'a [String],
}

/// The first alternative of `tool`'s requirements that `creds` satisfy. `Ok(empty)` when the
/// operation needs none (or allows anonymous access); `Err` lists what would satisfy it.
pub(crate) fn choose<'a>(
    manifest: &'a Manifest,
    tool: &'a ToolManifest,
    creds: &'a Credentials,
) -> Result<Vec<Chosen<'a>>, String> {
    if tool.security.is_empty() {
        return Ok(Vec::new());
    }
    'alternatives: for alt in &tool.security {
        let mut chosen = Vec::with_capacity(alt.len());
        for (name, scopes) in alt {
            let (Some(scheme), Some(credential)) =
                (manifest.security_schemes.get(name), creds.get(name))
            else {
                continue 'alternatives;
            };
            if !fits(scheme, credential) {
                continue 'alternatives;
            }
            chosen.push(Chosen {
                name,
                scheme,
                credential,
                scopes,
            });
        }
        return Ok(chosen);
    }
    let wanted: Vec<String> = tool
        .security
        .iter()
        .map(|alt| {
            alt.keys()
                .map(|name| {
                    let kind = manifest
                        .security_schemes
                        .get(name)
                        .map_or("undeclared scheme", scheme_kind);
                    format!("`{name}` ({kind})")
                })
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    Err(format!(
        "tool `{}` needs credentials for {}; none were configured (the application sets them by \
         security scheme name); nothing was sent",
        tool.name,
        wanted.join(", or ")
    ))
}

fn scheme_kind(s: &SecurityScheme) -> &'static str {
    match s {
        SecurityScheme::ApiKey { .. } => "api key",
        SecurityScheme::Http { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => "HTTP basic",
        SecurityScheme::Http { .. } => "HTTP bearer",
        SecurityScheme::OAuth2 { .. } => "OAuth 2.0",
        SecurityScheme::OpenIdConnect { .. } => "OpenID Connect",
    }
}

/// Whether `credential` can be sent under `scheme`.
fn fits(scheme: &SecurityScheme, credential: &Credential) -> bool {
    match (scheme, credential) {
        (SecurityScheme::Http { scheme, .. }, Credential::Basic { .. }) => {
            scheme.eq_ignore_ascii_case("basic")
        }
        (SecurityScheme::Http { scheme, .. }, c) => {
            !scheme.eq_ignore_ascii_case("basic") && c.token().is_some()
        }
        (SecurityScheme::OAuth2 { .. }, Credential::ClientCredentials { .. }) => true,
        (_, Credential::ClientCredentials { .. } | Credential::Basic { .. }) => false,
        (_, c) => c.token().is_some(),
    }
}

/// The placements of the chosen schemes; client-credentials tokens are fetched (or taken
/// from the cache) through `tokens`. `dry_run` puts `***` for tokens it would fetch.
/// `derived` receives secrets made here (fetched tokens, encoded basic credentials), so
/// echoes of them can be scrubbed from the result; `fetched` the client-credentials tokens
/// used, by scheme, so a 401 can drop exactly those from the cache. A token not fetched by
/// `deadline` (waiting for another call's fetch included) fails the call as a timeout.
pub(crate) async fn place(
    chosen: &[Chosen<'_>],
    tokens: &TokenCache,
    client: &reqwest::Client,
    dry_run: bool,
    deadline: Instant,
    derived: &mut Vec<String>,
    fetched: &mut Vec<(String, Secret)>,
) -> Result<Vec<Placement>, (ErrorKind, String)> {
    let mut out = Vec::with_capacity(chosen.len());
    for c in chosen {
        let placement = match (c.scheme, c.credential) {
            (SecurityScheme::ApiKey { location, name }, cred) => {
                let value = cred.token().cloned().unwrap_or_else(|| Secret::new(""));
                match location {
                    ApiKeyLocation::Header => Placement::Header(name.clone(), value),
                    ApiKeyLocation::Query => Placement::Query(name.clone(), value),
                    ApiKeyLocation::Cookie => Placement::Cookie(name.clone(), value),
                }
            }
            (_, Credential::Basic { username, password }) => {
                let raw = format!("{username}:{}", password.expose());
                let enc = base64::engine::general_purpose::STANDARD.encode(raw);
                derived.push(enc.clone());
                Placement::Header("Authorization".into(), Secret::new(format!("Basic {enc}")))
            }
            (SecurityScheme::Http { scheme, .. }, cred)
                if !scheme.eq_ignore_ascii_case("bearer") =>
            {
                let token = cred.token().map(Secret::expose).unwrap_or_default();
                Placement::Header(
                    "Authorization".into(),
                    Secret::new(format!("{scheme} {token}")),
                )
            }
            (
                SecurityScheme::OAuth2 { token_url, .. },
                Credential::ClientCredentials {
                    client_id,
                    client_secret,
                    scopes,
                    token_url: override_url,
                },
            ) => {
                let url = override_url.as_ref().or(token_url.as_ref()).ok_or_else(|| {
                    (
                        ErrorKind::Credentials,
                        format!(
                            "security scheme `{}` declares no client-credentials tokenUrl; set one in the credential",
                            c.name
                        ),
                    )
                })?;
                let scopes = if scopes.is_empty() {
                    c.scopes
                } else {
                    scopes.as_slice()
                };
                let token = if dry_run {
                    Secret::new("***")
                } else {
                    let req = TokenRequest {
                        scheme: c.name,
                        token_url: url,
                        client_id,
                        client_secret,
                        scopes,
                    };
                    let token = match tokio::time::timeout_at(
                        deadline.into(),
                        tokens.token(client, &req),
                    )
                    .await
                    {
                        Ok(Ok(token)) => token,
                        Ok(Err(why)) => return Err((ErrorKind::Credentials, why)),
                        Err(_) => {
                            return Err((
                                ErrorKind::Timeout,
                                format!(
                                    "could not get an OAuth 2.0 token for security scheme `{}`: the token endpoint did not answer within the call's time budget; nothing was sent",
                                    c.name
                                ),
                            ));
                        }
                    };
                    fetched.push((c.name.to_owned(), token.clone()));
                    token
                };
                derived.push(token.expose().to_owned());
                Placement::Header(
                    "Authorization".into(),
                    Secret::new(format!("Bearer {}", token.expose())),
                )
            }
            (_, cred) => {
                let token = cred.token().map(Secret::expose).unwrap_or_default();
                Placement::Header(
                    "Authorization".into(),
                    Secret::new(format!("Bearer {token}")),
                )
            }
        };
        out.push(placement);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn manifest() -> Manifest {
        let mut m = Manifest::default();
        m.security_schemes.insert(
            "key".into(),
            SecurityScheme::ApiKey {
                location: ApiKeyLocation::Query,
                name: "api_key".into(),
            },
        );
        m.security_schemes.insert(
            "basic".into(),
            SecurityScheme::Http {
                scheme: "Basic".into(),
                bearer_format: None,
            },
        );
        m.security_schemes.insert(
            "oauth".into(),
            SecurityScheme::OAuth2 {
                token_url: Some("https://auth.example.com/token".into()),
                flows: vec!["clientCredentials".into()],
            },
        );
        m
    }

    fn tool(security: Vec<Vec<&str>>) -> ToolManifest {
        let mut t: ToolManifest = serde_json::from_value(serde_json::json!({
            "name": "t", "method": "GET", "path": "/x", "description": "",
            "params": [], "input_schema": {"type": "object"}, "schema_hash": ""
        }))
        .unwrap();
        t.security = security
            .into_iter()
            .map(|alt| {
                alt.into_iter()
                    .map(|n| (n.to_owned(), vec![]))
                    .collect::<BTreeMap<_, _>>()
            })
            .collect();
        t
    }

    fn names(c: &[Chosen<'_>]) -> Vec<String> {
        c.iter().map(|c| c.name.to_owned()).collect()
    }

    #[test]
    fn first_satisfied_alternative_and_all_of_its_schemes() {
        let m = manifest();
        let creds = Credentials::new()
            .with("key", Credential::ApiKey("k".into()))
            .with(
                "basic",
                Credential::Basic {
                    username: "u".into(),
                    password: "p".into(),
                },
            );
        let t = tool(vec![vec!["oauth"], vec!["key", "basic"], vec!["key"]]);
        assert_eq!(names(&choose(&m, &t, &creds).unwrap()), ["basic", "key"]);
        // `security: []` and an anonymous alternative send nothing.
        assert!(choose(&m, &tool(vec![]), &creds).unwrap().is_empty());
        let anon = tool(vec![vec!["oauth"], vec![]]);
        assert!(choose(&m, &anon, &Credentials::new()).unwrap().is_empty());
        // A credential of the wrong kind does not satisfy a scheme.
        let wrong = Credentials::new().with("basic", Credential::Bearer("t".into()));
        let err = choose(&m, &tool(vec![vec!["basic"], vec!["oauth"]]), &wrong).unwrap_err();
        assert!(
            err.contains("`basic` (HTTP basic), or `oauth` (OAuth 2.0)"),
            "{err}"
        );
        assert!(!err.contains("t\""));
    }

    #[tokio::test]
    async fn placements_by_scheme() {
        let m = manifest();
        let creds = Credentials::new()
            .with("key", Credential::ApiKey("k1".into()))
            .with(
                "basic",
                Credential::Basic {
                    username: "u".into(),
                    password: "p".into(),
                },
            );
        let t = tool(vec![vec!["key", "basic"]]);
        let chosen = choose(&m, &t, &creds).unwrap();
        let client = reqwest::Client::new();
        let mut derived = Vec::new();
        let placed = place(
            &chosen,
            &TokenCache::default(),
            &client,
            false,
            Instant::now() + std::time::Duration::from_secs(5),
            &mut derived,
            &mut Vec::new(),
        )
        .await
        .unwrap();
        assert_eq!(derived, ["dTpw"]);
        assert_eq!(
            placed,
            [
                Placement::Header("Authorization".into(), Secret::new("Basic dTpw")),
                Placement::Query("api_key".into(), Secret::new("k1")),
            ]
        );
    }
}
