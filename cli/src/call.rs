//! `openapi-tools call`: one tool call against the real API (or its preview with `--dry-run`).
//!
//! Arguments go through the same checks as every other front-end (schema validation, wire
//! checks); problems are listed on stderr and exit 1 with nothing sent. Credentials come from
//! `--auth SCHEME=VALUE` and `OPENAPI_TOOLS_AUTH_<SCHEME>` (the flag wins); secrets are never
//! printed. An HTTP error status still prints the result (and exits 1).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use openapi_tools_runtime::Manifest;
use openapi_tools_runtime::exec::{
    Credential, Credentials, ErrorKind, ExecResult, Executor, Target,
};
use openapi_tools_runtime::toolset::{DynamicToolSet, ToolSet};
use serde_json::Value;

use crate::args::{Selection, ThinkArgs};

/// `openapi-tools call SPEC TOOL --args JSON|@FILE ...`
#[derive(Debug, Clone, Args)]
pub struct CallArgs {
    /// The OpenAPI document (YAML or JSON) or a manifest JSON.
    pub spec: PathBuf,
    /// The tool to call (as `openapi-tools schemas` names it).
    pub tool: String,
    /// The arguments: a JSON object, or `@FILE` to read it from a file.
    #[arg(long = "args", value_name = "JSON|@FILE", default_value = "{}")]
    pub args: String,
    /// Send to this base URL instead of the document's servers.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// A server URL variable: `--server-var region=eu` (repeatable).
    #[arg(long = "server-var", value_name = "NAME=VALUE")]
    pub server_vars: Vec<String>,
    /// A credential for a security scheme (repeatable): `user:password` for HTTP basic, the key
    /// or token for every other scheme. Also read from `OPENAPI_TOOLS_AUTH_<SCHEME>`.
    #[arg(long = "auth", value_name = "SCHEME=VALUE")]
    pub auth: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CallFormat::Json)]
    pub format: CallFormat,
    /// Print the request that would be sent (credentials as `***`) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Seconds to wait for one attempt.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    #[command(flatten)]
    pub think: ThinkArgs,
    #[command(flatten)]
    pub select: Selection,
}

/// How `call` prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CallFormat {
    /// `{"status": N, "headers": {...}, "body": <JSON value or string>}`.
    Json,
    /// A status line, the headers, a blank line and the body.
    Text,
}

/// Runs `call`; `Err` is a usage-level failure (exit 2).
pub fn run(
    args: CallArgs,
    load: impl Fn(&Path, &Selection) -> Result<Option<Manifest>, String>,
) -> Result<ExitCode, String> {
    let Some(mut manifest) = load(&args.spec, &args.select)? else {
        return Ok(ExitCode::FAILURE);
    };
    args.think.augment().apply(&mut manifest);
    let call_args = read_args(&args.args)?;
    let credentials = credentials(&manifest, &args.auth, |n| std::env::var(n).ok())?;
    let mut builder = Executor::builder().credentials(credentials);
    if let Some(url) = &args.base_url {
        builder = builder.base_url(url);
    }
    for pair in &args.server_vars {
        let (name, value) = pair
            .split_once('=')
            .ok_or_else(|| format!("--server-var expects NAME=VALUE, got `{pair}`"))?;
        builder = builder.server_variable(name, value);
    }
    if let Some(secs) = args.timeout {
        let t = std::time::Duration::try_from_secs_f64(secs)
            .map_err(|_| format!("--timeout expects a number of seconds, got {secs}"))?;
        builder = builder.policy(openapi_tools_runtime::exec::Policy::default().timeout(t));
    }
    let executor = builder.build();
    let set = DynamicToolSet::new(manifest);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;

    if args.dry_run {
        let prepared = match set.prepare(&args.tool, &call_args) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("{e}");
                return Ok(ExitCode::FAILURE);
            }
        };
        let manifest = set.manifest();
        let Some(tool) = manifest.tool(&prepared.tool) else {
            return Err(format!("unknown tool `{}`", args.tool));
        };
        return match runtime
            .block_on(executor.preview(Target::new(manifest, tool), &prepared.request))
        {
            Ok(preview) => {
                print!("{preview}");
                Ok(ExitCode::SUCCESS)
            }
            Err(refused) => {
                eprintln!("{}", refused.message.unwrap_or_default());
                Ok(ExitCode::FAILURE)
            }
        };
    }

    let result = runtime.block_on(executor.call_tool(&set, &args.tool, &call_args));
    Ok(print_result(&result, args.format))
}

/// Prints the result; exit 0 only for a successful response.
fn print_result(result: &ExecResult, format: CallFormat) -> ExitCode {
    if result.status.is_none() {
        // Nothing came back: argument problems, refusals, network failures.
        eprintln!("{}", result.message.as_deref().unwrap_or("the call failed"));
        return ExitCode::FAILURE;
    }
    match format {
        CallFormat::Json => {
            let mut v = result.to_json();
            if let Some(o) = v.as_object_mut() {
                o.remove("error");
            }
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
        CallFormat::Text => {
            println!("HTTP {}", result.status.unwrap_or_default());
            for (k, v) in &result.headers {
                println!("{k}: {v}");
            }
            println!();
            let body = match &result.body {
                openapi_tools_runtime::exec::ResultBody::Json(v) => {
                    serde_json::to_string_pretty(v).unwrap_or_default()
                }
                _ => result.body_text(),
            };
            println!("{body}");
        }
    }
    if let Some(note) = &result.truncated {
        eprintln!("note: {note}");
    }
    match result.error {
        None => ExitCode::SUCCESS,
        Some(kind) => {
            if kind != ErrorKind::Status {
                eprintln!("{}", result.message.as_deref().unwrap_or_default());
            }
            ExitCode::FAILURE
        }
    }
}

/// The `--args` value: inline JSON or `@FILE`.
fn read_args(text: &str) -> Result<Value, String> {
    let (source, json) = match text.strip_prefix('@') {
        Some(path) => (
            path.to_owned(),
            std::fs::read_to_string(path).map_err(|e| format!("--args {text}: {e}"))?,
        ),
        None => ("--args".to_owned(), text.to_owned()),
    };
    serde_json::from_str(&json).map_err(|e| format!("{source}: not valid JSON: {e}"))
}

/// Credentials from `--auth` (winning) and the environment.
pub(crate) fn credentials(
    manifest: &Manifest,
    auth: &[String],
    env: impl Fn(&str) -> Option<String>,
) -> Result<Credentials, String> {
    let mut creds = Credentials::from_lookup(manifest, env);
    for pair in auth {
        let Some((scheme, value)) = pair.split_once('=') else {
            return Err("--auth expects SCHEME=VALUE".to_owned());
        };
        let Some(declared) = manifest.security_schemes.get(scheme) else {
            let known: Vec<&str> = manifest
                .security_schemes
                .keys()
                .map(String::as_str)
                .collect();
            return Err(format!(
                "--auth: the document has no security scheme `{scheme}` (it has: {})",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ));
        };
        creds.insert(scheme, Credential::from_text(declared, value));
    }
    Ok(creds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openapi_tools_runtime::manifest::{ApiKeyLocation, SecurityScheme};

    #[test]
    fn auth_flags_win_over_the_environment_and_unknown_schemes_are_named() {
        let mut m = Manifest::default();
        m.security_schemes.insert(
            "api_key".into(),
            SecurityScheme::ApiKey {
                location: ApiKeyLocation::Header,
                name: "X-Key".into(),
            },
        );
        m.security_schemes.insert(
            "basic".into(),
            SecurityScheme::Http {
                scheme: "basic".into(),
                bearer_format: None,
            },
        );
        let env = |n: &str| match n {
            "OPENAPI_TOOLS_AUTH_API_KEY" => Some("from-env".to_owned()),
            "OPENAPI_TOOLS_AUTH_BASIC" => Some("u:p".to_owned()),
            _ => None,
        };
        let c = credentials(&m, &["api_key=from-flag".into()], env).unwrap();
        assert_eq!(
            c.get("api_key"),
            Some(&Credential::ApiKey("from-flag".into()))
        );
        assert_eq!(
            c.get("basic"),
            Some(&Credential::Basic {
                username: "u".into(),
                password: "p".into()
            })
        );
        let err = credentials(&m, &["nope=x".into()], env).unwrap_err();
        assert!(err.contains("no security scheme `nope`") && err.contains("api_key, basic"));
        assert_eq!(
            openapi_tools_runtime::exec::env_var_name("petstore-auth.v2"),
            "OPENAPI_TOOLS_AUTH_PETSTORE_AUTH_V2"
        );
    }

    #[test]
    fn args_inline_or_from_a_file() {
        assert_eq!(
            read_args(r#"{"a":1}"#).unwrap(),
            serde_json::json!({"a": 1})
        );
        let err = read_args("{oops").unwrap_err();
        assert!(err.starts_with("--args: not valid JSON"), "{err}");
        assert!(
            read_args("@/nonexistent/args.json")
                .unwrap_err()
                .contains("/nonexistent/args.json")
        );
    }
}
