//! Real MCP clients and servers for the tests: the Python SDK driver, the Inspector CLI,
//! `openapi-tools serve` as a child process, raw HTTP probes.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;
use openapi_tools_runtime::Manifest;
use serde_json::Value;

/// The workspace root (the CLI crate's parent).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A Python with the `mcp` SDK. Tests that need it are `#[ignore = "needs ..."]` and run by
/// CI with `--include-ignored`, so a missing SDK fails them instead of passing silently.
pub fn python() -> PathBuf {
    let candidates = std::env::var_os("OPENAPI_TOOLS_MCP_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([workspace().join(".tools/mcp-venv/bin/python")]);
    for py in candidates {
        let ok = Command::new(&py)
            .args(["-c", "import mcp, httpx2"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return py;
        }
    }
    panic!("no Python with the MCP SDK: run scripts/ci-tools.sh or set OPENAPI_TOOLS_MCP_PYTHON");
}

/// The Inspector CLI entry point (`node <it> <server command> --method ...`); like
/// [`python`], its tests are ignored unless asked for, and fail when it is missing.
pub fn inspector() -> PathBuf {
    let js = workspace()
        .join(".tools/inspector/node_modules/@modelcontextprotocol/inspector-cli/build/index.js");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        node && js.exists(),
        "MCP Inspector CLI not installed: run scripts/ci-tools.sh (needs node)"
    );
    js
}

/// Runs the Inspector CLI against a stdio server command and parses its JSON output.
pub fn run_inspector(js: &Path, args: &[&str]) -> Value {
    // Run from the script's folder: inspector-cli 1.0.3 finds its package.json relative to the
    // working directory.
    let child = Command::new("node")
        .arg(js)
        .current_dir(js.parent().unwrap())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = wait_output(child, Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "inspector output is not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A fresh directory under the system temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ot-mcp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A small pet store whose server is `base`.
pub fn petstore_text(base: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{title: Petstore, version: 1.0.0}}
servers:
  - url: {base}
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      parameters:
        - {{name: limit, in: query, schema: {{type: integer, minimum: 1, maximum: 100}}}}
      responses:
        '200':
          description: Pets.
          content:
            application/json:
              schema: {{type: array, items: {{$ref: '#/components/schemas/Pet'}}}}
    post:
      operationId: createPet
      summary: Create a pet
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/NewPet'}}
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Pet'}}
  /pets/{{petId}}:
    parameters:
      - {{name: petId, in: path, required: true, schema: {{type: integer}}}}
    get:
      operationId: getPet
      summary: Get a pet
      responses:
        '200':
          description: The pet.
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Pet'}}
    delete:
      operationId: deletePet
      summary: Delete a pet
      responses:
        '204': {{description: Deleted.}}
components:
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        name: {{type: string, maxLength: 64}}
        tag: {{type: string}}
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {{type: integer}}
        name: {{type: string}}
        tag: {{type: string}}
"#
    )
}

/// Writes [`petstore_text`] to `dir/petstore.yaml`.
pub fn petstore_spec(dir: &Path, base: &str) -> PathBuf {
    let path = dir.join("petstore.yaml");
    std::fs::write(&path, petstore_text(base)).unwrap();
    path
}

/// The manifest of a spec text (the pipeline the CLI uses).
pub fn manifest(text: &str) -> Manifest {
    let out = pipeline::manifest_from_str(text, "petstore.yaml", &ModelOptions::default());
    assert!(!out.diagnostics.has_errors(), "{:?}", out.diagnostics);
    out.manifest.unwrap()
}

/// Waits for a child with a deadline (killed and reported when it is exceeded).
pub fn wait_output(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("still running after {limit:?}: {out:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The lines of a child's output, read on a thread.
fn lines_of(out: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// The Python client driver (`tests/mcp_client.py`), one JSON command per line.
pub struct Client {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
}

impl Client {
    fn spawn(py: &Path, args: &[&str]) -> Client {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mcp_client.py");
        let mut child = Command::new(py)
            .arg(script)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines = lines_of(stdout);
        Client {
            child,
            stdin,
            lines,
        }
    }

    /// A client that starts `command args` and talks to it over stdio.
    pub fn stdio(py: &Path, command: &str, args: &[&str]) -> Client {
        let mut all = vec!["stdio", command];
        all.extend_from_slice(args);
        Client::spawn(py, &all)
    }

    /// A client of a Streamable HTTP endpoint.
    pub fn http(py: &Path, url: &str, token: Option<&str>) -> Client {
        let mut all = vec!["http", url];
        all.extend(token);
        Client::spawn(py, &all)
    }

    /// Sends one command and returns its answer (60 s at most).
    pub fn send(&mut self, cmd: Value) -> Value {
        writeln!(self.stdin, "{cmd}").unwrap();
        self.stdin.flush().unwrap();
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|e| panic!("no answer to {cmd}: {e}"));
        serde_json::from_str(&line).unwrap()
    }

    /// Ends the session and checks the client exited cleanly.
    pub fn close(mut self) {
        let bye = self.send(serde_json::json!({"op": "close"}));
        assert_eq!(bye["ok"], true);
        let start = Instant::now();
        while self.child.try_wait().unwrap().is_none() {
            assert!(start.elapsed() < Duration::from_secs(30), "client hangs");
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(self.child.wait().unwrap().success());
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `openapi-tools serve --transport http` as a child; its address read from the log line.
pub struct Server {
    child: Child,
    addr: SocketAddr,
    log: mpsc::Receiver<String>,
}

impl Server {
    /// Starts the server and waits for its "listening on" line (30 s at most).
    pub fn start(bin: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(bin);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let log = lines_of(child.stderr.take().unwrap());
        // Owned by `server` from here on, so any panic below kills the child.
        let mut server = Server {
            child,
            addr: SocketAddr::from(([0, 0, 0, 0], 0)),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = server
                .log
                .recv_timeout(left)
                .expect("the server never said where it listens");
            if let Some(rest) = line.split("listening on http://").nth(1) {
                server.addr = rest.split('/').next().unwrap().parse().unwrap();
                return server;
            }
        }
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The MCP endpoint URL.
    pub fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    /// Stops the server and returns what it logged.
    pub fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut text = String::new();
        while let Ok(line) = self.log.recv_timeout(Duration::from_millis(200)) {
            text.push_str(&line);
            text.push('\n');
        }
        text
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 POST with a JSON body; returns the status and the whole response text.
/// `Host` defaults to the address; a `Host` in `headers` replaces it.
pub fn raw_post(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let host = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("host"))
        .map_or_else(|| addr.to_string(), |(_, v)| (*v).to_owned());
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("host"))
    {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).unwrap();
    let mut text = String::new();
    let _ = stream.read_to_string(&mut text);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// [`pet_api`] on a runtime of its own (keep the runtime: dropping it stops the API).
pub fn pet_api_running() -> (
    tokio::runtime::Runtime,
    SocketAddr,
    mpsc::Receiver<SlowCall>,
) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (api, events) = runtime.block_on(pet_api());
    (runtime, api, events)
}

/// The tool names of a `list` answer of the Python client, in order.
pub fn tool_names(list: &Value) -> Vec<&str> {
    list["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect()
}

/// What the pet API's slow operation went through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlowCall {
    /// `GET /pets/999` arrived.
    Started,
    /// Its handler was dropped before answering: the caller closed the connection.
    Abandoned,
}

/// A pet API on 127.0.0.1 (ephemeral port): `GET /pets/{id}` answers `{"id", "name": "Rex"}`,
/// or 404 with a text body for id 404, or for id 422 a 200 whose body breaks the `Pet` schema
/// (`id` a string, `name` null); for id 999 it answers only after 120 s, reporting on
/// the receiver when the request arrives and when it is abandoned. Runs on the caller's
/// runtime.
pub async fn pet_api() -> (SocketAddr, mpsc::Receiver<SlowCall>) {
    use axum::extract::{Path as UrlPath, State};
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Response};

    /// Reports `Abandoned` when dropped before `done` is set.
    struct Guard(mpsc::Sender<SlowCall>, bool);
    impl Drop for Guard {
        fn drop(&mut self) {
            if !self.1 {
                let _ = self.0.send(SlowCall::Abandoned);
            }
        }
    }

    async fn get_pet(
        State(events): State<mpsc::Sender<SlowCall>>,
        UrlPath(id): UrlPath<i64>,
    ) -> Response {
        if id == 404 {
            return (StatusCode::NOT_FOUND, format!("no pet {id}")).into_response();
        }
        if id == 422 {
            return axum::Json(serde_json::json!({"id": "422", "name": null})).into_response();
        }
        if id == 999 {
            let _ = events.send(SlowCall::Started);
            let mut guard = Guard(events, false);
            tokio::time::sleep(Duration::from_secs(120)).await;
            guard.1 = true;
        }
        axum::Json(serde_json::json!({"id": id, "name": "Rex"})).into_response()
    }
    let (tx, rx) = mpsc::channel();
    let app = axum::Router::new()
        .route("/pets/{id}", axum::routing::get(get_pet))
        .with_state(tx);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, rx)
}
