//! Every operation of the bundled fixtures and of a sample of the corpus, called through the
//! executor with arguments generated from each tool's input schema (`sample::sample_args`) and
//! a credential for every security scheme, validated by Prism (`@stoplight/prism-cli mock`), an
//! independent implementation of OpenAPI request validation (route, parameters, body, media
//! type, security). Prism answers a wrong request with `sl-violations` or a Prism error type;
//! anything else counts as accepted. The test prints the accepted share per spec and overall,
//! and runs `openapi-tools call` itself against Prism once with `--auth`.
//!
//! Needs Node and Prism (`scripts/ci-tools.sh` installs it into
//! `~/.cache/openapi-tools/prism`, or set `PRISM=/path/to/prism`); skips with one line when
//! either is missing. `OPENAPI_TOOLS_PRISM_ALL=1` runs every corpus spec instead of the sample.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;
use openapi_tools_runtime::exec::{
    Credential, Credentials, ErrorKind, ExecResult, Executor, Policy, ResultBody,
};
use openapi_tools_runtime::manifest::{Manifest, ParamLocation, SecurityScheme, ToolManifest};
use openapi_tools_runtime::sample::sample_args;
use openapi_tools_runtime::think::{ThinkAugment, reason_param};
use openapi_tools_runtime::toolset::{DynamicToolSet, ToolSet};
use openapi_tools_runtime::validate::Validator;
use openapi_tools_test_support::skip;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn prism() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PRISM") {
        return Some(PathBuf::from(p));
    }
    let tools = std::env::var_os("OPENAPI_TOOLS_TOOLS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/openapi-tools"))
        })?;
    let p = tools.join("prism/node_modules/.bin/prism");
    p.exists().then_some(p)
}

fn shared() -> Option<PathBuf> {
    openapi_tools_test_support::shared_dir(env!("CARGO_MANIFEST_DIR"))
}

/// A Prism mock server for one document, killed on drop.
struct Mock {
    child: Child,
    url: String,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(4010)
}

fn start_prism(prism: &Path, spec: &Path) -> Result<Mock, String> {
    let port = free_port();
    let mut child = Command::new(prism)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start prism: {e}"))?;
    // Prism logs every request; drain its output so it never blocks on a full pipe.
    if let Some(out) = child.stdout.take() {
        std::thread::spawn(move || for _ in BufReader::new(out).lines() {});
    }
    if let Some(err) = child.stderr.take() {
        std::thread::spawn(move || for _ in BufReader::new(err).lines() {});
    }
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Mock {
                child,
                url: format!("http://127.0.0.1:{port}"),
            });
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("prism exited with {status} for {}", spec.display()));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    Err(format!("prism did not start for {}", spec.display()))
}

/// The `--auth` value used for a scheme.
fn credential_text(scheme: &SecurityScheme) -> &'static str {
    match scheme {
        SecurityScheme::Http { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => "user:pass",
        _ => "test-credential-123",
    }
}

/// A credential for every scheme the document declares.
fn credentials(m: &Manifest) -> Credentials {
    let mut c = Credentials::new();
    for (name, scheme) in &m.security_schemes {
        c.insert(
            name.clone(),
            Credential::from_text(scheme, credential_text(scheme)),
        );
    }
    c
}

/// Why Prism refused the request, if it did.
fn violation(r: &ExecResult) -> Option<String> {
    // Prism also reports its own mock response not matching the document (`location` starting
    // with `response`): that says nothing about our request.
    if let Some(v) = r.header("sl-violations") {
        let about_request = match serde_json::from_str::<serde_json::Value>(v) {
            Ok(serde_json::Value::Array(items)) => items
                .iter()
                .any(|i| i.pointer("/location/0").and_then(|l| l.as_str()) != Some("response")),
            _ => true,
        };
        if about_request {
            return Some(v.chars().take(300).collect());
        }
    }
    let ty = match &r.body {
        ResultBody::Json(v) => v
            .get("type")
            .and_then(|t| t.as_str())
            .unwrap_or("")
            .to_owned(),
        _ => String::new(),
    };
    let refused = [
        "UNPROCESSABLE_ENTITY",
        "UNAUTHORIZED",
        "NO_PATH_MATCHED_ERROR",
        "NO_METHOD_MATCHED_ERROR",
        "INVALID_CONTENT_TYPE",
        "NO_SERVER_MATCHED_ERROR",
    ];
    if refused.iter().any(|k| ty.ends_with(k)) {
        return Some(format!(
            "{ty}: {}",
            r.body_text().chars().take(300).collect::<String>()
        ));
    }
    if r.status.is_none() {
        return Some(format!(
            "no response: {}",
            r.message.clone().unwrap_or_default()
        ));
    }
    None
}

#[derive(Default)]
struct Tally {
    accepted: usize,
    total: usize,
    sample_invalid: usize,
    crashed: usize,
    /// Refused only because Prism reads every multipart part as a string (see
    /// [`prism_multipart_json_limit`]); counted in `total`, not in `accepted`.
    prism_multipart_json: usize,
}

/// The schema `sample_args` works from: a path parameter fills a path segment, which cannot
/// be empty, so an object there gets at least one property (the input schema allows `{}`,
/// which the executor rightly refuses: `{}` serialises to an empty segment, or to `.` in label
/// style). Arrays are sampled with an item already.
fn sample_schema(tool: &ToolManifest) -> serde_json::Value {
    let mut schema = tool.input_schema.clone();
    for p in tool
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
    {
        if let Some(prop) = schema.pointer_mut(&format!("/properties/{}", p.name))
            && let Some(obj) = prop.as_object_mut()
            && obj.get("type").and_then(|t| t.as_str()) == Some("object")
            && !obj.contains_key("minProperties")
        {
            obj.insert("minProperties".into(), 1.into());
        }
    }
    schema
}

/// Prism 5.16 reads each part of a `multipart/form-data` body as a string
/// (`parseMultipartFormDataParams` in prism-http's `validators/body.js`) and decodes only
/// properties with an `encoding` style, so an object or array property sent as an
/// `application/json` part, as OpenAPI prescribes for multipart, fails its `type` check (and,
/// under `anyOf`/`oneOf`, that check too). True when that is the only thing Prism reports.
/// Checked by hand as well: `curl -F 'media={"type":"photo","media":"x"};type=application/json'`
/// to `prism mock telegram.org.json` gets the same violations.
fn prism_multipart_json_limit(tool: &ToolManifest, r: &ExecResult) -> bool {
    let multipart = tool
        .body
        .as_ref()
        .is_some_and(|b| b.media_type.starts_with("multipart/form-data"));
    let Some(Ok(serde_json::Value::Array(items))) = r
        .header("sl-violations")
        .map(serde_json::from_str::<serde_json::Value>)
    else {
        return false;
    };
    multipart
        && !items.is_empty()
        && items.iter().all(|i| {
            let message = i.get("message").and_then(|m| m.as_str()).unwrap_or("");
            let code = i.get("code").and_then(|c| c.as_str()).unwrap_or("");
            i.pointer("/location/1").and_then(|l| l.as_str()) == Some("body")
                && ((code == "type"
                    && (message.ends_with("must be object") || message.ends_with("must be array")))
                    || code == "anyOf"
                    || code == "oneOf")
        })
}

fn run_spec(
    prism: &Path,
    spec: &Path,
    rt: &tokio::runtime::Runtime,
    show: usize,
) -> Result<Tally, String> {
    run_spec_with(prism, spec, rt, show, false)
}

/// [`run_spec`]; with `think`, every tool is think-augmented and every call carries a reason,
/// which must not reach Prism.
fn run_spec_with(
    prism: &Path,
    spec: &Path,
    rt: &tokio::runtime::Runtime,
    show: usize,
    think: bool,
) -> Result<Tally, String> {
    let out = pipeline::manifest_from_file(spec, &ModelOptions::default());
    let mut manifest = out
        .manifest
        .ok_or_else(|| format!("{}: no manifest", spec.display()))?;
    if think {
        ThinkAugment::all().apply(&mut manifest);
    }
    let credentials = credentials(&manifest);
    let executor = |url: &str| {
        Executor::builder()
            .base_url(url)
            .credentials(credentials.clone())
            .result_headers(["content-type", "sl-violations"])
            .policy(Policy::default().retries(0))
            .build()
    };
    let mut mock = start_prism(prism, spec)?;
    let mut exec = executor(&mock.url);
    let set = DynamicToolSet::new(manifest);
    let mut tally = Tally::default();
    let mut shown = 0;
    for tool in &set.manifest().tools {
        let mut args = sample_args(&sample_schema(tool));
        if let (true, Some(p), Some(map)) = (think, reason_param(tool), args.as_object_mut()) {
            map.insert(
                p.name.clone(),
                "checking the think-augment reason stays home".into(),
            );
        }
        if !Validator::new(&tool.input_schema)
            .validate(&args)
            .is_empty()
        {
            // Our generator could not satisfy the schema: not Prism's verdict.
            tally.sample_invalid += 1;
            continue;
        }
        let r = rt.block_on(exec.call_tool(&set, &tool.name, &args));
        if r.error == Some(ErrorKind::Network) {
            // Prism itself crashed on this request (it does on some parameter styles): no
            // verdict; start a new one for the next operation.
            eprintln!(
                "  prism crashed on {} {} ({})",
                tool.method, tool.path, tool.name
            );
            tally.crashed += 1;
            mock = start_prism(prism, spec)?;
            exec = executor(&mock.url);
            continue;
        }
        tally.total += 1;
        match violation(&r) {
            None => tally.accepted += 1,
            Some(_) if prism_multipart_json_limit(tool, &r) => {
                tally.prism_multipart_json += 1;
                eprintln!(
                    "  refused by Prism's multipart limit (JSON parts read as strings): {} {} ({})",
                    tool.method, tool.path, tool.name
                );
            }
            Some(why) if shown < show => {
                eprintln!(
                    "  refused {} {} ({}): {why}",
                    tool.method, tool.path, tool.name
                );
                shown += 1;
            }
            Some(_) => {}
        }
    }
    drop(mock);
    Ok(tally)
}

fn tools_or_skip() -> Option<PathBuf> {
    let Some(prism) = prism() else {
        skip("skipping: Prism not found (run scripts/ci-tools.sh or set PRISM)");
        return None;
    };
    if Command::new("node").arg("--version").output().is_err() {
        skip("skipping: node not found (Prism needs it)");
        return None;
    }
    Some(prism)
}

#[test]
fn prism_accepts_think_augmented_calls_without_their_reason() {
    let Some(prism) = tools_or_skip() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for f in [
        "examples/macro-petstore/specs/petstore.yaml",
        "examples/http-credentials/specs/notes.yaml",
        "fixtures/specs/petstore.yaml",
    ] {
        let t = run_spec_with(&prism, &repo().join(f), &rt, 10, true).unwrap();
        println!(
            "prism fixture {f}, think-augmented: {}/{} accepted",
            t.accepted, t.total
        );
        assert!(t.total > 0 && t.sample_invalid == 0, "{f}");
        assert_eq!(
            t.accepted, t.total,
            "{f}: every call with a reason is accepted"
        );
    }
}

#[test]
fn prism_accepts_every_generated_call() {
    let Some(prism) = tools_or_skip() else {
        return;
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fixtures = [
        "examples/macro-petstore/specs/petstore.yaml",
        "examples/http-credentials/specs/notes.yaml",
        "fixtures/specs/petstore.yaml",
    ];
    let mut fixture_total = Tally::default();
    for f in fixtures {
        let t = run_spec(&prism, &repo().join(f), &rt, 10).unwrap();
        println!(
            "prism fixture {f}: {}/{} accepted ({} samples not generated)",
            t.accepted, t.total, t.sample_invalid
        );
        fixture_total.accepted += t.accepted;
        fixture_total.total += t.total;
    }
    assert_eq!(
        fixture_total.accepted, fixture_total.total,
        "every call of the bundled fixtures is accepted"
    );

    let Some(shared) = shared() else {
        skip(&openapi_tools_test_support::skip_line(
            "the corpus part of the Prism test",
        ));
        return;
    };
    let sample = [
        "oai__petstore.yaml",
        "oai__petstore-expanded.yaml",
        "readme__petstore.3.1.yaml",
        "readme__parameters-style.3.1.yaml",
        "discourse.local.json",
        "twilio.com__api.json",
        "telegram.org.json",
        "slack.com.json",
    ];
    let mut names: Vec<String> = if std::env::var_os("OPENAPI_TOOLS_PRISM_ALL").is_some() {
        let mut v: Vec<String> = std::fs::read_dir(shared.join("specs"))
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.retain(|n| n.ends_with(".json") || n.ends_with(".yaml"));
        v.sort();
        v
    } else {
        sample.iter().map(|s| (*s).to_owned()).collect()
    };
    names.retain(|n| shared.join("specs").join(n).exists());
    let mut total = Tally::default();
    for name in &names {
        match run_spec(&prism, &shared.join("specs").join(name), &rt, 20) {
            Ok(t) => {
                println!(
                    "prism corpus {name}: {}/{} accepted ({} samples not generated, prism crashed on {}, {} refused for Prism's multipart limit)",
                    t.accepted, t.total, t.sample_invalid, t.crashed, t.prism_multipart_json
                );
                total.prism_multipart_json += t.prism_multipart_json;
                total.accepted += t.accepted;
                total.total += t.total;
                total.sample_invalid += t.sample_invalid;
                total.crashed += t.crashed;
            }
            Err(e) => println!("prism corpus {name}: not run ({e})"),
        }
    }
    println!(
        "prism corpus sample: {}/{} calls accepted ({:.1}%), {} samples not generated, prism crashed on {}, {} refused only for Prism's multipart limit",
        total.accepted,
        total.total,
        100.0 * total.accepted as f64 / total.total.max(1) as f64,
        total.sample_invalid,
        total.crashed,
        total.prism_multipart_json
    );
    assert!(total.total > 0, "the corpus sample made calls");
}

/// `openapi-tools call` end to end: `--auth` for the document's scheme, JSON output, and a
/// dry run that shows `***` for the key.
#[test]
fn cli_call_against_prism_with_auth() {
    let Some(prism) = tools_or_skip() else {
        return;
    };
    let spec = repo().join("examples/http-credentials/specs/notes.yaml");
    let mock = start_prism(&prism, &spec).unwrap();
    // `openapi-tools call <spec> ARGS...` with the credential variables set as given.
    let call = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_openapi-tools"));
        cmd.arg("call").arg(&spec).args(args);
        cmd.args(["--base-url", &mock.url]);
        for var in ["OPENAPI_TOOLS_AUTH_API_KEY", "OPENAPI_TOOLS_AUTH_BEARER"] {
            cmd.env_remove(var);
        }
        cmd.envs(env.iter().copied());
        cmd.output().unwrap()
    };
    let out = call(
        &[
            "list_notes",
            "--args",
            r#"{"q":"milk"}"#,
            "--auth",
            "api_key=k-secret-42",
        ],
        &[],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["status"], 200, "{v}");
    assert!(v.get("headers").is_some() && v.get("body").is_some());
    // An HTTP error status still prints the result, and exits 1: a base path Prism has no
    // route under answers 404.
    let out = Command::new(env!("CARGO_BIN_EXE_openapi-tools"))
        .arg("call")
        .arg(&spec)
        .args([
            "list_notes",
            "--args",
            "{}",
            "--auth",
            "api_key=k-secret-42",
        ])
        .args(["--base-url", &format!("{}/nowhere", mock.url)])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["status"], 404, "{v}");
    assert!(v["body"].is_object(), "{v}");
    assert!(!stdout.contains("k-secret-42"), "{stdout}");
    // Without credentials: refused before anything is sent, the schemes named (exit 1).
    let out = call(&["list_notes", "--format", "text"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("needs credentials for `api_key` (api key), or `bearer` (HTTP bearer)"),
        "{stderr}"
    );
    // From the environment, dry run: nothing sent, the key shown as ***.
    let out = call(
        &["list_notes", "--args", "{}", "--dry-run"],
        &[("OPENAPI_TOOLS_AUTH_API_KEY", "env-secret-7")],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.starts_with(&format!("GET {}/notes", mock.url)),
        "{stdout}"
    );
    assert!(
        stdout.contains("X-API-Key: ***") && !stdout.contains("env-secret-7"),
        "{stdout}"
    );
    // Argument problems: exit 1, every problem listed, nothing sent.
    let out = call(&["list_notes", "--args", r#"{"q": 5, "extra": true}"#], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("2 problems") && stderr.contains("/q") && stderr.contains("\"extra\""),
        "{stderr}"
    );
}
