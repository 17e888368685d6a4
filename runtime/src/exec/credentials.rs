//! Credentials keyed by security scheme name, and the one type secrets travel in.
//!
//! The manifest names which schemes an operation needs ([`SecurityScheme`]); the application
//! supplies the values here. Nothing in this module prints a secret: [`Secret`]'s `Debug` and
//! `Display` show `***`, and [`Credentials`]' `Debug` lists scheme names and kinds only.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::manifest::{Manifest, SecurityScheme};

/// A secret value (key, token, password). Printing it shows `***`; read it with
/// [`Secret::expose`] only where it goes on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::from(value.into()))
    }
    /// The value itself, for the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

/// One credential for one security scheme.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API key (sent where the `apiKey` scheme says; also accepted as a bearer token).
    ApiKey(Secret),
    /// A bearer token (`Authorization: Bearer ...`).
    Bearer(Secret),
    /// HTTP basic authentication.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
    /// A static access token for an OAuth 2.0 or OpenID Connect scheme, sent as a bearer token.
    AccessToken(Secret),
    /// OAuth 2.0 client credentials: the executor fetches a token from the scheme's `tokenUrl`
    /// (or `token_url` when set), caches it and refreshes it before it expires.
    ClientCredentials {
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: Secret,
        /// Scopes to request (none: the scopes the operation's requirement lists).
        scopes: Vec<String>,
        /// Overrides the document's `tokenUrl`.
        token_url: Option<String>,
    },
}

impl Credential {
    /// The credential a plain text value stands for under `scheme` (the CLI's `--auth` and the
    /// `OPENAPI_TOOLS_AUTH_*` variables): `user:password` for HTTP basic, the key or token for
    /// every other scheme.
    pub fn from_text(scheme: &SecurityScheme, value: &str) -> Credential {
        match scheme {
            SecurityScheme::Http { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
                let (user, password) = value.split_once(':').unwrap_or((value, ""));
                Credential::Basic {
                    username: user.to_owned(),
                    password: Secret::new(password),
                }
            }
            SecurityScheme::Http { .. } => Credential::Bearer(Secret::new(value)),
            SecurityScheme::ApiKey { .. } => Credential::ApiKey(Secret::new(value)),
            SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIdConnect { .. } => {
                Credential::AccessToken(Secret::new(value))
            }
        }
    }

    /// The kind, for messages and `Debug` (never the value).
    pub fn kind(&self) -> &'static str {
        match self {
            Credential::ApiKey(_) => "api key",
            Credential::Bearer(_) => "bearer token",
            Credential::Basic { .. } => "basic",
            Credential::AccessToken(_) => "access token",
            Credential::ClientCredentials { .. } => "oauth2 client credentials",
        }
    }

    /// The single secret of a key or token credential.
    pub(crate) fn token(&self) -> Option<&Secret> {
        match self {
            Credential::ApiKey(s) | Credential::Bearer(s) | Credential::AccessToken(s) => Some(s),
            Credential::Basic { .. } | Credential::ClientCredentials { .. } => None,
        }
    }

    /// Every secret value this credential holds (for scrubbing echoes out of results).
    pub(crate) fn secrets(&self) -> Vec<&str> {
        match self {
            Credential::ApiKey(s) | Credential::Bearer(s) | Credential::AccessToken(s) => {
                vec![s.expose()]
            }
            Credential::Basic { password, .. } => vec![password.expose()],
            Credential::ClientCredentials { client_secret, .. } => vec![client_secret.expose()],
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"***")
                .finish(),
            Credential::ClientCredentials {
                client_id,
                scopes,
                token_url,
                ..
            } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .field("client_secret", &"***")
                .field("scopes", scopes)
                .field("token_url", token_url)
                .finish(),
            other => write!(f, "{}(***)", other.kind()),
        }
    }
}

/// Credentials by security scheme name (`components.securitySchemes` keys).
///
/// ```
/// use openapi_tools_runtime::exec::{Credential, Credentials};
/// let creds = Credentials::new()
///     .with("api_key", Credential::ApiKey("k-123".into()))
///     .with("basic", Credential::Basic { username: "me".into(), password: "pw".into() });
/// let shown = format!("{creds:?}");
/// assert!(shown.contains("api_key") && !shown.contains("k-123") && !shown.contains("pw"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    by_scheme: BTreeMap<String, Credential>,
}

/// The environment variable `--auth`-style values for `scheme` are read from:
/// `OPENAPI_TOOLS_AUTH_<SCHEME>`, the scheme name upper-cased, other characters as `_`.
pub fn env_var_name(scheme: &str) -> String {
    let mut out = String::from("OPENAPI_TOOLS_AUTH_");
    out.extend(scheme.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_uppercase()
        } else {
            '_'
        }
    }));
    out
}

impl Credentials {
    /// No credentials.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the credential for `scheme`.
    pub fn with(mut self, scheme: impl Into<String>, credential: Credential) -> Self {
        self.insert(scheme, credential);
        self
    }

    /// Adds (or replaces) the credential for `scheme`.
    pub fn insert(&mut self, scheme: impl Into<String>, credential: Credential) {
        self.by_scheme.insert(scheme.into(), credential);
    }

    /// The credential for `scheme`.
    pub fn get(&self, scheme: &str) -> Option<&Credential> {
        self.by_scheme.get(scheme)
    }

    /// Whether no credential is set.
    pub fn is_empty(&self) -> bool {
        self.by_scheme.is_empty()
    }

    /// Scheme names with a credential.
    pub fn schemes(&self) -> impl Iterator<Item = &str> {
        self.by_scheme.keys().map(String::as_str)
    }

    /// Credentials for the schemes of `manifest` read from the environment
    /// ([`env_var_name`]), each value interpreted by [`Credential::from_text`].
    pub fn from_env(manifest: &Manifest) -> Self {
        Self::from_lookup(manifest, |name| std::env::var(name).ok())
    }

    /// Like [`Credentials::from_env`] with any variable source (tests, config files).
    pub fn from_lookup(manifest: &Manifest, lookup: impl Fn(&str) -> Option<String>) -> Self {
        let mut out = Credentials::new();
        for (name, scheme) in &manifest.security_schemes {
            if let Some(value) = lookup(&env_var_name(name)).filter(|v| !v.is_empty()) {
                out.insert(name.clone(), Credential::from_text(scheme, &value));
            }
        }
        out
    }

    /// Every secret value held (for scrubbing echoes out of results and messages).
    pub(crate) fn secrets(&self) -> impl Iterator<Item = &str> {
        self.by_scheme.values().flat_map(Credential::secrets)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.by_scheme.iter().map(|(k, v)| (k, v.kind())))
            .finish()
    }
}
