//! The executor end to end, against an in-process HTTP server on 127.0.0.1 that answers with
//! bytes the fuzzer chooses: arbitrary argument JSON, status, media type, size cap and response
//! body, in which every `$E` is replaced by the request head as the server received it (so the
//! credentials it carried are echoed at any offset, across any cut). Asserts that no piece of
//! 6 bytes or more of any secret appears in the result, its error text, or a log line of the
//! executor, unless the fuzzer wrote that piece itself.
#![no_main]

use std::io::Write as _;
use std::sync::{Arc, LazyLock, Mutex};

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use openapi_tools_runtime::calls::ToolCall;
use openapi_tools_runtime::exec::{Credential, Credentials, Executor, Policy};
use openapi_tools_runtime::manifest::Manifest;
use openapi_tools_runtime::toolset::DynamicToolSet;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KEY: &str = "hk-SECRET-def4567";
const QUERY_KEY: &str = "qk secret&2/x=y";
const COOKIE_KEY: &str = "ck-SECRET-9876543";
const BEARER: &str = "tok-SECRET-4444";
const PASSWORD: &str = "pw:SECRET-111";

/// Every secret, and the encoded basic credentials made from the password.
static SECRETS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("user:{PASSWORD}"));
    [KEY, QUERY_KEY, COOKIE_KEY, BEARER, PASSWORD]
        .iter()
        .map(|s| (*s).to_owned())
        .chain([basic])
        .collect()
});

/// What the server answers next: status, media type, body template.
static ANSWER: Mutex<(u16, &'static str, Vec<u8>)> = Mutex::new((200, "", Vec::new()));

/// Log lines of the executor (its `tracing` output at every level).
static LOG: LazyLock<Arc<Mutex<Vec<u8>>>> = LazyLock::new(Default::default);

struct Fixture {
    runtime: tokio::runtime::Runtime,
    base: String,
    manifest: Manifest,
}

#[derive(Clone)]
struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOG.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let subscriber = tracing_subscriber::fmt()
        .with_writer(|| LogWriter)
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _ = tracing::subscriber::set_global_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(answer(stream));
        }
    });
    Fixture {
        runtime,
        base: format!("http://{addr}/v1"),
        manifest: manifest(),
    }
});

/// Reads one request (head and `Content-Length` body) and answers it from [`ANSWER`].
async fn answer(mut stream: tokio::net::TcpStream) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let Ok(n) = stream.read(&mut buf).await else {
            return;
        };
        if n == 0 {
            return;
        }
        seen.extend_from_slice(&buf[..n]);
        if let Some(i) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if seen.len() > 1 << 20 {
            return;
        }
    };
    let head = seen[..head_end].to_vec();
    let (status, media, template) = ANSWER.lock().unwrap().clone();
    let mut body = Vec::with_capacity(template.len());
    let mut i = 0;
    while i < template.len() {
        if template[i..].starts_with(b"$E") {
            body.extend_from_slice(&head);
            i += 2;
        } else {
            body.push(template[i]);
            i += 1;
        }
    }
    let mut out = Vec::new();
    let _ = write!(
        out,
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if !media.is_empty() {
        let _ = write!(out, "Content-Type: {media}\r\n");
    }
    if (300..400).contains(&status) {
        out.extend_from_slice(b"Location: /v1/echo\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&body);
    let _ = stream.write_all(&out).await;
    let _ = stream.shutdown().await;
}

fn manifest() -> Manifest {
    let s = json!({"type": "string"});
    let params = json!([
        {"name": "id", "wire_name": "id", "in": "path", "required": true},
        {"name": "q", "wire_name": "q", "in": "query", "required": false},
        {"name": "filter", "wire_name": "filter", "in": "query", "required": false},
        {"name": "X-Trace", "wire_name": "X-Trace", "in": "header", "required": false},
        {"name": "theme", "wire_name": "theme", "in": "cookie", "required": false},
        {"name": "prefs", "wire_name": "prefs", "in": "cookie", "required": false},
        {"name": "name", "wire_name": "name", "in": "body_property", "required": false}
    ]);
    let props = json!({
        "id": s, "q": s, "X-Trace": s, "theme": s, "name": s,
        "filter": {"type": "object", "additionalProperties": s},
        "prefs": {"type": "object", "additionalProperties": s}
    });
    let tool = |name: &str, security: serde_json::Value| {
        json!({
            "name": name, "method": "POST", "path": "/items/{id}", "description": name,
            "params": params, "security": security, "schema_hash": "",
            "input_schema": {"type": "object", "properties": props, "required": ["id"]},
            "body": {"media_type": "application/json", "required": false, "flattened": true}
        })
    };
    let m = json!({
        "title": "Fuzz", "version": "1", "source_hash": "", "servers": ["http://unused.invalid"],
        "security_schemes": {
            "header_key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
            "query_key": {"type": "apiKey", "in": "query", "name": "api_key"},
            "cookie_key": {"type": "apiKey", "in": "cookie", "name": "session"},
            "bearer": {"type": "http", "scheme": "bearer"},
            "basic": {"type": "http", "scheme": "basic"}
        },
        "tools": [
            tool("all_keys", json!([{"header_key": [], "query_key": [], "cookie_key": []}])),
            tool("bearer", json!([{"bearer": []}])),
            tool("basic", json!([{"basic": []}])),
        ]
    });
    let mut m: Manifest = serde_json::from_value(m).unwrap();
    for t in &mut m.tools {
        t.rehash();
    }
    m
}

const MEDIA: [&str; 6] = [
    "application/json",
    "text/plain",
    "",
    "application/octet-stream",
    "application/problem+json",
    "text/html; charset=utf-8",
];
const STATUS: [u16; 6] = [200, 201, 302, 400, 404, 500];

/// Pieces of `secret` of at least 6 bytes found in `shown` but not in `input`.
fn leaked(secret: &str, shown: &str, input: &str) -> Option<String> {
    let b = secret.as_bytes();
    (0..b.len().saturating_sub(5)).find_map(|start| {
        let piece = std::str::from_utf8(&b[start..start + 6]).ok()?;
        (shown.contains(piece) && !input.contains(piece)).then(|| piece.to_owned())
    })
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let fx = &*FIXTURE;
    let tool = ["all_keys", "bearer", "basic"][usize::from(data[0]) % 3];
    let status = STATUS[usize::from(data[1]) % STATUS.len()];
    let media = MEDIA[usize::from(data[2]) % MEDIA.len()];
    let cap = 16 + usize::from(data[3]) * 4;
    let rest = &data[4..];
    let split = rest.iter().position(|&b| b == 0xff).unwrap_or(rest.len());
    let args_text = String::from_utf8_lossy(&rest[..split]);
    let template = rest.get(split + 1..).unwrap_or_default().to_vec();
    let Ok(args) = serde_json::from_str::<serde_json::Value>(&args_text) else {
        return;
    };
    *ANSWER.lock().unwrap() = (status, media, template);
    LOG.lock().unwrap().clear();

    let creds = Credentials::new()
        .with("header_key", Credential::ApiKey(KEY.into()))
        .with("query_key", Credential::ApiKey(QUERY_KEY.into()))
        .with("cookie_key", Credential::ApiKey(COOKIE_KEY.into()))
        .with("bearer", Credential::Bearer(BEARER.into()))
        .with(
            "basic",
            Credential::Basic {
                username: "user".into(),
                password: PASSWORD.into(),
            },
        );
    let exec = Executor::builder()
        .base_url(&fx.base)
        .credentials(creds)
        .policy(
            Policy::default()
                .retries(0)
                .max_result_text(cap)
                .max_inline_binary(cap)
                .timeout(std::time::Duration::from_secs(5)),
        )
        .build();
    let set = DynamicToolSet::new(fx.manifest.clone());
    let result = fx
        .runtime
        .block_on(exec.call_tool(&set, tool, &args));
    let call = ToolCall {
        id: "c".into(),
        id_synthetic: false,
        name: tool.into(),
        arguments: Ok(args),
        rpc_id: None,
    };
    let shown = format!(
        "{}\n{}\n{:?}\n{:?}\n{}\n{}",
        result.to_json(),
        result.body_text(),
        result,
        exec,
        result.clone().into_tool_result(&call).text(),
        String::from_utf8_lossy(&LOG.lock().unwrap()),
    );
    // Base64 of inlined binary bodies, decoded: the bytes the model would read.
    let decoded = match &result.body {
        openapi_tools_runtime::exec::ResultBody::Binary {
            base64: Some(b), ..
        } => String::from_utf8_lossy(
            &base64::engine::general_purpose::STANDARD
                .decode(b)
                .unwrap_or_default(),
        )
        .into_owned(),
        _ => String::new(),
    };
    let input = String::from_utf8_lossy(data);
    for secret in SECRETS.iter() {
        for text in [&shown, &decoded] {
            if let Some(piece) = leaked(secret, text, &input) {
                panic!("`{piece}` of a secret leaked:\n{text}");
            }
        }
    }
});
