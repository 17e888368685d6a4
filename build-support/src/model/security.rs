//! What the executor needs from the document besides operations: security schemes (how each
//! credential is sent, never a secret) and the variables of every server URL template.

use std::collections::BTreeMap;

use openapi_tools_runtime::manifest::{ApiKeyLocation, SecurityScheme, ServerVariable};
use openapiv3::{OpenAPI, ReferenceOr};

use crate::diagnostics::{Diagnostics, pointer_join};

/// The document's security schemes by name. A `$ref` to another scheme of the same
/// `components.securitySchemes` is followed (one hop); anything else is reported and skipped.
pub(super) fn security_schemes(
    spec: &OpenAPI,
    diags: &mut Diagnostics,
) -> BTreeMap<String, SecurityScheme> {
    let Some(components) = spec.components.as_ref() else {
        return BTreeMap::new();
    };
    let all = &components.security_schemes;
    let mut out = BTreeMap::new();
    for (name, scheme) in all {
        let item = match scheme {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/securitySchemes/")
                .and_then(|target| all.get(target))
                .and_then(|r| match r {
                    ReferenceOr::Item(item) => Some(item),
                    ReferenceOr::Reference { .. } => None,
                }),
        };
        let Some(item) = item else {
            diags.warning(
                pointer_join("/components/securitySchemes", name),
                format!("security scheme `{name}` is a reference that does not resolve to a scheme; calls needing it send no credential for it"),
            );
            continue;
        };
        out.insert(name.clone(), convert(item));
    }
    out
}

fn convert(s: &openapiv3::SecurityScheme) -> SecurityScheme {
    match s {
        openapiv3::SecurityScheme::APIKey { location, name, .. } => SecurityScheme::ApiKey {
            location: match location {
                openapiv3::APIKeyLocation::Header => ApiKeyLocation::Header,
                openapiv3::APIKeyLocation::Query => ApiKeyLocation::Query,
                openapiv3::APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
            },
            name: name.clone(),
        },
        openapiv3::SecurityScheme::HTTP {
            scheme,
            bearer_format,
            ..
        } => SecurityScheme::Http {
            scheme: scheme.clone(),
            bearer_format: bearer_format.clone(),
        },
        openapiv3::SecurityScheme::OAuth2 { flows, .. } => {
            let mut names = Vec::new();
            if flows.implicit.is_some() {
                names.push("implicit".to_owned());
            }
            if flows.password.is_some() {
                names.push("password".to_owned());
            }
            if flows.client_credentials.is_some() {
                names.push("clientCredentials".to_owned());
            }
            if flows.authorization_code.is_some() {
                names.push("authorizationCode".to_owned());
            }
            SecurityScheme::OAuth2 {
                token_url: flows
                    .client_credentials
                    .as_ref()
                    .map(|f| f.token_url.clone()),
                flows: names,
            }
        }
        openapiv3::SecurityScheme::OpenIDConnect {
            open_id_connect_url,
            ..
        } => SecurityScheme::OpenIdConnect {
            url: open_id_connect_url.clone(),
        },
    }
}

/// Variables of every server template in the document (document, path item, operation
/// servers), keyed by the template. The first declaration of a template wins.
pub(super) fn server_variables(
    spec: &OpenAPI,
) -> BTreeMap<String, BTreeMap<String, ServerVariable>> {
    let mut out = BTreeMap::new();
    let mut add = |servers: &[openapiv3::Server]| {
        for s in servers {
            let Some(vars) = s.variables.as_ref().filter(|v| !v.is_empty()) else {
                continue;
            };
            out.entry(s.url.clone()).or_insert_with(|| {
                vars.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            ServerVariable {
                                default: v.default.clone(),
                                values: v.enumeration.clone(),
                            },
                        )
                    })
                    .collect()
            });
        }
    };
    add(&spec.servers);
    for item in spec.paths.paths.values() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        add(&item.servers);
        for (_, op) in item.iter() {
            add(&op.servers);
        }
    }
    out
}
