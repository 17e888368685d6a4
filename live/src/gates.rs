//! Application gates: checks a new version must pass before it is installed, beside the
//! registry's breaking-change policy.
//!
//! A gate is a closure over the live manifest (if any) and the candidate; `Err(reason)` refuses
//! the version, and every refusing gate's reason goes into the `SourceRejected` event. The
//! functions here build common ones. One gate runs by default: [`credential_origins`], which
//! binds credentials to the origins approved at start.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use openapi_tools_runtime::manifest::{
    ApiKeyLocation, Manifest, SecurityScheme, is_plain_remote_url,
};
use openapi_tools_runtime::render::{self, Provider, RenderOptions, ToolDef};

/// What a gate sees.
#[derive(Debug, Clone, Copy)]
pub struct GateInput<'a> {
    /// The tool set's name.
    pub set: &'a str,
    /// The version serving now (`None` for the first install).
    pub current: Option<&'a Manifest>,
    /// The version offered.
    pub candidate: &'a Manifest,
}

/// A gate: `Err(reason)` refuses the version.
pub type Gate = Arc<dyn Fn(&GateInput<'_>) -> Result<(), String> + Send + Sync>;

/// Refuses versions that lack any of `tools` (tool names before any namespace).
pub fn keep_tools<I, S>(tools: I) -> impl Fn(&GateInput<'_>) -> Result<(), String> + Send + Sync
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let tools: Vec<String> = tools.into_iter().map(Into::into).collect();
    move |input| {
        let missing: Vec<&str> = tools
            .iter()
            .filter(|t| !input.candidate.tools.iter().any(|c| &c.name == *t))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!("required tools missing: {}", missing.join(", ")))
        }
    }
}

/// Refuses versions with more than `max` tools.
pub fn max_tools(max: usize) -> impl Fn(&GateInput<'_>) -> Result<(), String> + Send + Sync {
    move |input| {
        let n = input.candidate.tools.len();
        if n > max {
            Err(format!("{n} tools, more than the allowed {max}"))
        } else {
            Ok(())
        }
    }
}

/// Refuses versions in which a tool that renders in strict mode for `provider` now does not
/// (constrained decoding lost: the model may produce arguments the schema rejects).
pub fn keep_strict(
    provider: Provider,
) -> impl Fn(&GateInput<'_>) -> Result<(), String> + Send + Sync {
    let opts = RenderOptions {
        anthropic_strict: true,
        ..RenderOptions::default()
    };
    move |input| {
        let Some(current) = input.current else {
            return Ok(());
        };
        let lost: Vec<String> = input
            .candidate
            .tools
            .iter()
            .filter_map(|new| {
                let old = current.tools.iter().find(|o| o.name == new.name)?;
                let was = render::render(provider, &ToolDef::from(old), &opts);
                let now = render::render(provider, &ToolDef::from(new), &opts);
                (was.strict && !now.strict).then(|| {
                    let why = now.notes.first().map(String::as_str).unwrap_or("");
                    format!(
                        "`{}` loses strict mode for {}: {why}",
                        new.name,
                        provider.as_str()
                    )
                })
            })
            .collect();
        if lost.is_empty() {
            Ok(())
        } else {
            Err(lost.join("; "))
        }
    }
}

/// Where credentials may go, as approved at start: origins (`scheme://host:port`) of servers and
/// token URLs, and where each security scheme puts its credential.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Approved {
    origins: BTreeSet<String>,
    placements: BTreeMap<String, String>,
}

/// The default gate binding credentials to the origins approved at start (see
/// [`credential_origins`]); shared by every version of every set a [`LiveOptions`] loads.
///
/// [`LiveOptions`]: crate::LiveOptions
#[derive(Clone, Default)]
pub struct OriginGate {
    /// An explicit allow-list of origins; `None`: those of each set's first version.
    allow: Option<Arc<BTreeSet<String>>>,
    /// Per set: what was approved.
    approved: Arc<Mutex<HashMap<String, Approved>>>,
    /// Turned off by the application.
    off: bool,
}

impl std::fmt::Debug for OriginGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OriginGate")
            .field("allow", &self.allow)
            .field("off", &self.off)
            .finish_non_exhaustive()
    }
}

impl OriginGate {
    /// The gate with an explicit allow-list (`https://api.example.com`, `http://127.0.0.1:8080`;
    /// default ports may be left out).
    pub fn allow<I, S>(origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let list = origins
            .into_iter()
            .map(|o| origin_of(o.as_ref()).unwrap_or_else(|| o.as_ref().to_owned()))
            .collect();
        OriginGate {
            allow: Some(Arc::new(list)),
            ..OriginGate::default()
        }
    }

    /// No gate: every version's servers, token URLs and placements are trusted.
    pub fn off() -> Self {
        OriginGate {
            off: true,
            ..OriginGate::default()
        }
    }

    /// Checks `input` (see [`credential_origins`]).
    pub fn check(&self, input: &GateInput<'_>) -> Result<(), String> {
        if self.off {
            return Ok(());
        }
        let candidate = approved_of(input.candidate);
        let mut approved = self.approved.lock().unwrap_or_else(PoisonError::into_inner);
        let first = match approved.get(input.set) {
            Some(a) => a.clone(),
            None => {
                // Pinned from the version serving now, else from this first one.
                let pinned = input.current.map_or_else(|| candidate.clone(), approved_of);
                if input.current.is_none() && self.allow.is_none() {
                    let plain = plain_token_urls(input.candidate);
                    if !plain.is_empty() {
                        return Err(plain);
                    }
                    approved.insert(input.set.to_owned(), pinned);
                    return Ok(());
                }
                approved.insert(input.set.to_owned(), pinned.clone());
                pinned
            }
        };
        let allowed = self.allow.as_deref().unwrap_or(&first.origins);
        let mut why = Vec::new();
        let plain = plain_token_urls(input.candidate);
        if !plain.is_empty() {
            why.push(plain);
        }
        let new: Vec<&str> = candidate
            .origins
            .iter()
            .filter(|o| !allowed.contains(*o))
            .map(String::as_str)
            .collect();
        if !new.is_empty() {
            why.push(format!(
                "credentials would go to {} not approved at start (approved: {}); the previous version keeps serving (approve origins with `OriginGate::allow`)",
                new.join(", "),
                allowed.iter().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        for (scheme, was) in &first.placements {
            if let Some(now) = candidate.placements.get(scheme)
                && now != was
            {
                why.push(format!(
                    "security scheme `{scheme}` would move its credential from {was} to {now}; the previous version keeps serving"
                ));
            }
        }
        if why.is_empty() {
            Ok(())
        } else {
            Err(why.join("; "))
        }
    }
}

/// The default gate of every live source: each credential is bound to the origins approved at
/// start, and a version that would send one elsewhere is refused.
///
/// Approved are the origins (scheme, host, port) of the servers and OAuth 2.0 token URLs of
/// each set's first loaded version (or of [`OriginGate::allow`]'s list). A later version is
/// refused when a server (with any value its variables may take) or a token URL is on another
/// origin, when a security scheme moves its credential (an API key from a header to a query
/// parameter, another header name, another kind), or when a token URL is plain `http` to a
/// host other than loopback. Relative server URLs resolve against where the spec came from,
/// so they stay on its origin and are not checked here.
///
/// ```
/// use openapi_tools_live::gates::{GateInput, OriginGate};
/// use openapi_tools_runtime::manifest::Manifest;
///
/// let gate = OriginGate::default();
/// let v1 = Manifest { servers: vec!["https://api.example.com/v1".into()], ..Manifest::default() };
/// let v2 = Manifest { servers: vec!["https://evil.example.net/v1".into()], ..Manifest::default() };
/// assert!(gate.check(&GateInput { set: "billing", current: None, candidate: &v1 }).is_ok());
/// let refused = gate.check(&GateInput { set: "billing", current: Some(&v1), candidate: &v2 });
/// assert!(refused.unwrap_err().contains("https://evil.example.net"));
/// ```
pub fn credential_origins(gate: OriginGate) -> impl Fn(&GateInput<'_>) -> Result<(), String> {
    move |input| gate.check(input)
}

fn approved_of(m: &Manifest) -> Approved {
    let mut origins = BTreeSet::new();
    let templates = m
        .servers
        .iter()
        .chain(m.tools.iter().flat_map(|t| t.servers.iter()));
    for template in templates {
        for url in expansions(m, template) {
            if let Some(o) = origin_of(&url) {
                origins.insert(o);
            }
        }
    }
    let mut placements = BTreeMap::new();
    for (name, scheme) in &m.security_schemes {
        let placed = match scheme {
            // Header names are case-insensitive; query and cookie names are not.
            SecurityScheme::ApiKey { location, name } => match location {
                ApiKeyLocation::Header => format!("header `{}`", name.to_ascii_lowercase()),
                ApiKeyLocation::Query => format!("query `{name}`"),
                ApiKeyLocation::Cookie => format!("cookie `{name}`"),
            },
            SecurityScheme::Http { scheme, .. } => format!("http {}", scheme.to_lowercase()),
            SecurityScheme::OAuth2 { token_url, .. } => {
                if let Some(o) = token_url.as_deref().and_then(origin_of) {
                    origins.insert(o);
                }
                "oauth2 bearer".to_owned()
            }
            SecurityScheme::OpenIdConnect { .. } => "openid connect bearer".to_owned(),
        };
        placements.insert(name.clone(), placed);
    }
    Approved {
        origins,
        placements,
    }
}

/// `template` with its variables at their defaults, and at each allowed value of one
/// variable at a time (the executor may be configured with any of them).
fn expansions(m: &Manifest, template: &str) -> Vec<String> {
    let Some(vars) = m.server_variables.get(template) else {
        return vec![template.to_owned()];
    };
    let fill = |over: Option<(&str, &str)>| {
        let mut out = template.to_owned();
        for (name, var) in vars {
            let value = match over {
                Some((n, v)) if n == name => v,
                _ => var.default.as_str(),
            };
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    };
    let mut out = vec![fill(None)];
    for (name, var) in vars {
        for value in &var.values {
            out.push(fill(Some((name, value))));
        }
    }
    out
}

/// `scheme://host:port` of an absolute http(s) URL (default ports included); `None` for
/// relative URLs.
fn origin_of(url: &str) -> Option<String> {
    let u = reqwest::Url::parse(url).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    Some(format!(
        "{}://{}:{}",
        u.scheme(),
        u.host_str()?,
        u.port_or_known_default()?
    ))
}

/// A refusal naming the token URLs that are plain http to a host other than loopback.
fn plain_token_urls(m: &Manifest) -> String {
    let plain: Vec<String> = m
        .security_schemes
        .iter()
        .filter_map(|(name, s)| match s {
            SecurityScheme::OAuth2 {
                token_url: Some(t), ..
            } if is_plain_remote_url(t) => {
                Some(format!("`{name}` ({})", origin_of(t).unwrap_or_default()))
            }
            _ => None,
        })
        .collect();
    if plain.is_empty() {
        String::new()
    } else {
        format!(
            "OAuth 2.0 token URLs must be https (client secrets would cross the network in the clear): {}",
            plain.join(", ")
        )
    }
}
