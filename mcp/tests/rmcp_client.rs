//! The MCP server driven in-process by rmcp's own client over an in-memory duplex stream:
//! list (pages, own tools beside the registry's), call (against a real HTTP API on 127.0.0.1),
//! list_changed (installs, disables, rejected installs), cancel, meta-tools, and `Serve`'s one
//! call from a spec file. Needs nothing outside the workspace (no Python, no node).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::routing::get;
use openapi_tools_mcp::rmcp::handler::client::ClientHandler;
use openapi_tools_mcp::rmcp::model::{
    CallToolRequestParams, CallToolResult, PaginatedRequestParams, Tool,
};
use openapi_tools_mcp::rmcp::schemars;
use openapi_tools_mcp::rmcp::service::{NotificationContext, RunningService};
use openapi_tools_mcp::rmcp::{RoleClient, ServiceExt, tool, tool_router};
use openapi_tools_mcp::{McpServer, MetaMode, Serve, ServeError};
use openapi_tools_runtime::Manifest;
use openapi_tools_runtime::exec::Executor;
use openapi_tools_runtime::registry::{InstallOptions, InstallPolicy, Registry};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};

/// A client that counts `notifications/tools/list_changed`.
#[derive(Clone, Default)]
struct Counting {
    changes: Arc<AtomicUsize>,
    seen: Arc<Notify>,
}

impl ClientHandler for Counting {
    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        self.seen.notify_waiters();
    }
}

impl Counting {
    /// Waits until `n` notifications arrived (at most `secs` seconds); the count then.
    async fn wait_for(&self, n: usize, secs: f64) -> usize {
        let deadline = tokio::time::Instant::now() + Duration::from_secs_f64(secs);
        loop {
            let notified = self.seen.notified();
            let count = self.changes.load(Ordering::SeqCst);
            if count >= n {
                return count;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.changes.load(Ordering::SeqCst);
            }
        }
    }
}

type Client = RunningService<RoleClient, Counting>;

/// Connects rmcp's client to `server` over an in-memory duplex stream.
async fn connect(server: McpServer) -> (Client, Counting) {
    let (client_io, server_io) = tokio::io::duplex(1 << 16);
    tokio::spawn(openapi_tools_mcp::serve_on(server, server_io));
    let handler = Counting::default();
    let client = handler.clone().serve(client_io).await.expect("initialize");
    (client, handler)
}

/// What the API saw: `Started` when a slow request came in, `Dropped` when the server
/// abandoned it before it answered.
#[derive(Debug, PartialEq, Eq)]
enum Slow {
    Started,
    Dropped,
}

/// Sends `Slow::Dropped` if dropped before `done` is called.
struct DropProbe(Option<mpsc::UnboundedSender<Slow>>);

impl Drop for DropProbe {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(Slow::Dropped);
        }
    }
}

/// A pet API on 127.0.0.1: `GET /pets/{id}` answers `{"id", "name": "Rex"}`, 404 for 404,
/// and sleeps a minute for 999 (reporting start and abandonment on the channel).
async fn pet_api() -> (String, mpsc::UnboundedReceiver<Slow>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = Router::new()
        .route(
            "/pets/{id}",
            get(move |Path(id): Path<String>| {
                let tx = tx.clone();
                async move {
                    let json = [(header::CONTENT_TYPE, "application/json")];
                    let (status, body) = match id.as_str() {
                        "404" => (StatusCode::NOT_FOUND, "no pet 404".to_owned()),
                        "999" => {
                            let _ = tx.send(Slow::Started);
                            let mut probe = DropProbe(Some(tx));
                            tokio::time::sleep(Duration::from_secs(60)).await;
                            probe.0 = None;
                            (StatusCode::OK, "{}".to_owned())
                        }
                        _ => {
                            let id: i64 = id.parse().unwrap_or_default();
                            (StatusCode::OK, json!({"id": id, "name": "Rex"}).to_string())
                        }
                    };
                    (status, json, body)
                }
            }),
        )
        .route("/pets", get(|| async { "[]" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), rx)
}

fn petstore() -> Manifest {
    let text = include_str!("../../fixtures/calls/petstore.manifest.json");
    serde_json::from_str(text).unwrap()
}

fn registry() -> Registry {
    let registry = Registry::new();
    registry
        .install_manifest("pets", petstore(), InstallOptions::default())
        .unwrap();
    registry
}

fn executor(base: &str) -> Executor {
    Executor::builder().base_url(base).build()
}

fn names(tools: &[Tool]) -> Vec<&str> {
    tools.iter().map(|t| t.name.as_ref()).collect()
}

fn call(name: &str, args: Value) -> CallToolRequestParams {
    let Value::Object(args) = args else {
        panic!("arguments must be an object")
    };
    CallToolRequestParams::new(name.to_owned()).with_arguments(args)
}

fn text(result: &CallToolResult) -> &str {
    result
        .content
        .first()
        .and_then(|c| c.as_text())
        .map_or("", |t| t.text.as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_pages_and_calls_a_real_api() {
    let (base, _events) = pet_api().await;
    let server = McpServer::builder(registry(), executor(&base))
        .page_size(3)
        .build();
    let (client, _) = connect(server).await;
    let info = client.peer_info().unwrap();
    assert_eq!(info.server_info.as_ref().unwrap().name, "openapi-tools");
    assert_eq!(
        info.capabilities.tools.as_ref().unwrap().list_changed,
        Some(true)
    );

    let first = client.list_tools(None).await.unwrap();
    assert_eq!(names(&first.tools), ["list_pets", "get_pet", "create_pet"]);
    let cursor = first.next_cursor.expect("a second page");
    let second = client
        .list_tools(Some(
            PaginatedRequestParams::default().with_cursor(Some(cursor)),
        ))
        .await
        .unwrap();
    assert_eq!(names(&second.tools), ["delete_pet"]);
    assert_eq!(second.next_cursor, None);
    let all = client.list_all_tools().await.unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(
        all[1].input_schema.get("required"),
        Some(&json!(["pet_id"]))
    );

    let ok = client
        .call_tool(call("get_pet", json!({"pet_id": "7"})))
        .await
        .unwrap();
    assert_eq!(ok.is_error, Some(false), "{ok:?}");
    assert!(text(&ok).contains("Rex"), "{ok:?}");
    let missing = client
        .call_tool(call("get_pet", json!({"pet_id": "404"})))
        .await
        .unwrap();
    assert_eq!(missing.is_error, Some(true));
    assert!(text(&missing).contains("HTTP 404") && text(&missing).contains("no pet 404"));

    // Every problem at once, each with its pointer.
    let bad = client
        .call_tool(call("list_pets", json!({"limit": "ten", "unknown": 1})))
        .await
        .unwrap();
    assert_eq!(bad.is_error, Some(true));
    assert!(
        text(&bad).contains("2 problems") && text(&bad).contains("/limit"),
        "{bad:?}"
    );

    let unknown = client.call_tool(call("no_such_tool", json!({}))).await;
    let err = unknown.expect_err("unknown tools are a JSON-RPC error");
    assert!(err.to_string().contains("unknown tool"), "{err}");
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_changed_follows_the_registry() {
    let registry = registry();
    let server = McpServer::builder(registry.clone(), executor("http://127.0.0.1:9")).build();
    let (client, seen) = connect(server).await;
    assert_eq!(client.list_all_tools().await.unwrap().len(), 4);

    // A new version with one more tool.
    let mut v2 = petstore();
    let mut health = v2.tools[0].clone();
    health.name = "health".into();
    health.operation_id = Some("health".into());
    health.path = "/health".into();
    v2.tools.push(health);
    registry
        .install_manifest("pets", v2.clone(), InstallOptions::default())
        .unwrap();
    assert_eq!(seen.wait_for(1, 10.0).await, 1);
    assert_eq!(client.list_all_tools().await.unwrap().len(), 5);

    // A breaking version refused by the policy: nothing changes, nothing is sent.
    let mut breaking = v2.clone();
    breaking.tools.retain(|t| t.name != "delete_pet");
    let refused = registry.install_manifest(
        "pets",
        breaking,
        InstallOptions::default().policy(InstallPolicy::RejectBreaking),
    );
    assert!(refused.is_err());
    // Re-installing identical content changes nothing either.
    registry
        .install_manifest("pets", v2, InstallOptions::default())
        .unwrap();
    assert_eq!(seen.wait_for(2, 1.0).await, 1);

    // Disabling takes a tool off the list, enabling puts it back, a rollback is one more.
    registry.disable("delete_pet", "maintenance").unwrap();
    assert_eq!(seen.wait_for(2, 10.0).await, 2);
    let listed = client.list_all_tools().await.unwrap();
    assert!(!names(&listed).contains(&"delete_pet"));
    let disabled = client
        .call_tool(call("delete_pet", json!({"pet_id": "1"})))
        .await
        .unwrap();
    assert_eq!(disabled.is_error, Some(true));
    assert!(text(&disabled).contains("maintenance"), "{disabled:?}");
    registry.enable("delete_pet").unwrap();
    assert_eq!(seen.wait_for(3, 10.0).await, 3);
    registry.rollback("pets", 1, None).unwrap();
    assert_eq!(seen.wait_for(4, 10.0).await, 4);
    assert_eq!(client.list_all_tools().await.unwrap().len(), 4);
    client.cancel().await.unwrap();
}

/// A client that cancels a call (`notifications/cancelled`): the server abandons the HTTP
/// request it was making for it, well before the executor's own timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_call_abandons_its_request() {
    let (base, mut events) = pet_api().await;
    let server = McpServer::builder(registry(), executor(&base)).build();
    let (client, _) = connect(server).await;
    let handle = client
        .send_cancellable_request(
            openapi_tools_mcp::rmcp::model::ClientRequest::CallToolRequest(
                openapi_tools_mcp::rmcp::model::CallToolRequest::new(call(
                    "get_pet",
                    json!({"pet_id": "999"}),
                )),
            ),
            Default::default(),
        )
        .await
        .unwrap();
    let started = tokio::time::timeout(Duration::from_secs(10), events.recv()).await;
    assert_eq!(started.unwrap(), Some(Slow::Started));
    handle
        .cancel(Some("the user gave up".into()))
        .await
        .unwrap();
    let dropped = tokio::time::timeout(Duration::from_secs(10), events.recv()).await;
    assert_eq!(
        dropped.expect("the request was not abandoned"),
        Some(Slow::Dropped)
    );
    // The connection still serves.
    assert_eq!(client.list_all_tools().await.unwrap().len(), 4);
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meta_tools_search_and_call() {
    let (base, _events) = pet_api().await;
    let server = McpServer::builder(registry(), executor(&base))
        .meta_tools(MetaMode::Always)
        .build();
    let (client, _) = connect(server).await;
    let listed = client.list_all_tools().await.unwrap();
    assert_eq!(names(&listed), ["search_tools", "call_tool"]);

    let found = client
        .call_tool(call(
            "search_tools",
            json!({"query": "fetch one pet by its id", "top_k": 2}),
        ))
        .await
        .unwrap();
    assert_eq!(found.is_error, Some(false), "{found:?}");
    let hits = &found.structured_content.as_ref().unwrap()["tools"];
    assert_eq!(hits[0]["name"], "get_pet", "{found:?}");

    let ok = client
        .call_tool(call(
            "call_tool",
            json!({"name": "get_pet", "arguments": {"pet_id": "7"}}),
        ))
        .await
        .unwrap();
    assert_eq!(ok.is_error, Some(false), "{ok:?}");
    assert!(text(&ok).contains("Rex"));
    let wrong = client
        .call_tool(call(
            "call_tool",
            json!({"name": "get_pets", "arguments": {}}),
        ))
        .await
        .unwrap();
    assert_eq!(wrong.is_error, Some(true));
    assert!(text(&wrong).contains("did you mean") && text(&wrong).contains("get_pet"));
    // Offered tools stay callable by name.
    let direct = client
        .call_tool(call("get_pet", json!({"pet_id": "8"})))
        .await
        .unwrap();
    assert_eq!(direct.is_error, Some(false), "{direct:?}");
    client.cancel().await.unwrap();
}

/// The application's own rmcp tools (`#[tool_router]`), served beside the registry's.
#[derive(Clone, Default)]
struct Greeter {
    calls: Arc<Mutex<Vec<String>>>,
}

#[tool_router]
impl Greeter {
    /// Greets someone by name.
    #[tool]
    fn greet(
        &self,
        openapi_tools_mcp::rmcp::handler::server::wrapper::Parameters(who): openapi_tools_mcp::rmcp::handler::server::wrapper::Parameters<Who>,
    ) -> String {
        self.calls.lock().unwrap().push(who.name.clone());
        format!("hello, {}", who.name)
    }

    /// Shadows the registry's `delete_pet`: the application's tool wins.
    #[tool(name = "delete_pet")]
    fn no_deletes(&self) -> String {
        "deleting is not allowed here".into()
    }
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Who {
    /// Whom to greet.
    name: String,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn own_tools_beside_the_registry() {
    let (base, _events) = pet_api().await;
    let registry = registry();
    let greeter = Greeter::default();
    let server = McpServer::builder(registry.clone(), executor(&base))
        .tools(greeter.clone(), Greeter::tool_router())
        .page_size(2)
        .build();
    let (client, seen) = connect(server).await;
    let listed = client.list_all_tools().await.unwrap();
    assert_eq!(
        names(&listed),
        ["delete_pet", "greet", "list_pets", "get_pet", "create_pet"]
    );
    assert_eq!(
        listed[0].description.as_deref(),
        Some("Shadows the registry's `delete_pet`: the application's tool wins.")
    );

    let hello = client
        .call_tool(call("greet", json!({"name": "Ada"})))
        .await
        .unwrap();
    assert_eq!(text(&hello), "hello, Ada");
    assert_eq!(*greeter.calls.lock().unwrap(), ["Ada"]);
    let shadowed = client
        .call_tool(call("delete_pet", json!({})))
        .await
        .unwrap();
    assert_eq!(text(&shadowed), "deleting is not allowed here");
    let bad = client.call_tool(call("greet", json!({}))).await.unwrap();
    assert_eq!(
        bad.is_error,
        Some(true),
        "rmcp's own argument errors: {bad:?}"
    );
    let pet = client
        .call_tool(call("get_pet", json!({"pet_id": "3"})))
        .await
        .unwrap();
    assert!(text(&pet).contains("Rex"), "{pet:?}");

    // Registry changes still reach the client; the own tools stay.
    registry.disable("get_pet", "maintenance").unwrap();
    assert_eq!(seen.wait_for(1, 10.0).await, 1);
    let listed = client.list_all_tools().await.unwrap();
    assert_eq!(
        names(&listed),
        ["delete_pet", "greet", "list_pets", "create_pet"]
    );

    // With the meta-tools, the own tools are listed beside them.
    let server = McpServer::builder(registry, executor(&base))
        .tools(greeter, Greeter::tool_router())
        .meta_tools(MetaMode::Always)
        .build();
    let (meta_client, _) = connect(server).await;
    let listed = meta_client.list_all_tools().await.unwrap();
    assert_eq!(
        names(&listed),
        ["delete_pet", "greet", "search_tools", "call_tool"]
    );
    meta_client.cancel().await.unwrap();
    client.cancel().await.unwrap();
}

fn petstore_yaml(base: &str) -> String {
    include_str!("../../fixtures/registry/petstore-v1.yaml")
        .replace("https://petstore.example.com/v1", base)
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("openapi-tools-mcp-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `Serve`: a spec file to a served client in one call, with `openapi-tools serve`'s
/// defaults (output schemas, calls through the executor to the spec's servers).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_a_spec_file_in_one_call() {
    let (base, _events) = pet_api().await;
    let dir = temp_dir("serve");
    let spec = dir.join("petstore.yaml");
    std::fs::write(&spec, petstore_yaml(&base)).unwrap();

    let (client_io, server_io) = tokio::io::duplex(1 << 16);
    let served = tokio::spawn(Serve::spec(&spec).serve_on(server_io));
    let client = Counting::default()
        .serve(client_io)
        .await
        .expect("initialize");
    let listed = client.list_all_tools().await.unwrap();
    assert_eq!(
        names(&listed),
        ["list_pets", "create_pet", "show_pet_by_id"]
    );
    let show = listed
        .iter()
        .find(|t| t.name == "show_pet_by_id")
        .expect("show_pet_by_id");
    assert!(
        show.output_schema.is_some(),
        "output schemas are on by default"
    );
    let ok = client
        .call_tool(call("show_pet_by_id", json!({"petId": "7"})))
        .await
        .unwrap();
    assert_eq!(ok.is_error, Some(false), "{ok:?}");
    assert_eq!(ok.structured_content, Some(json!({"id": 7, "name": "Rex"})));
    client.cancel().await.unwrap();
    served
        .await
        .unwrap()
        .expect("serving ends cleanly when the client leaves");

    // A spec with errors is not served, and the error lists them.
    let broken = dir.join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.3\ninfo: [broken\n").unwrap();
    let (client_io, server_io) = tokio::io::duplex(1 << 16);
    let served = tokio::spawn(Serve::spec(&broken).serve_on(server_io));
    // The client may or may not finish initializing before the load fails.
    let _client = Counting::default().serve(client_io).await;
    let err = tokio::time::timeout(Duration::from_secs(30), served)
        .await
        .expect("serving ends when the spec does not load")
        .unwrap()
        .expect_err("a broken spec is an error");
    assert!(matches!(err, ServeError::Spec { .. }), "{err}");
    assert!(err.to_string().contains("broken.yaml"), "{err}");

    // A credential for a scheme no spec declares names the ones they have.
    let (_c, server_io) = tokio::io::duplex(1 << 16);
    let err = Serve::spec(&spec)
        .auth("nope", "x")
        .serve_on(server_io)
        .await
        .expect_err("unknown scheme");
    assert!(err.to_string().contains("`nope`"), "{err}");
}

/// Think-augment and the execution log over MCP: `tools/list` offers `toolcall_reason`, a call
/// with a reason reaches the API without it (the API records every request URI and header),
/// and the opt-in resource `openapi-tools://execution-log` lists the call with its reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reason_is_logged_and_offered_as_a_resource_never_sent() {
    use openapi_tools_mcp::log_resource::URI;
    use openapi_tools_mcp::rmcp::model::{ReadResourceRequestParams, ResourceContents};
    use openapi_tools_runtime::exec::ExecutionLog;
    use openapi_tools_runtime::think::ThinkAugment;

    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let app = {
        let seen = Arc::clone(&seen);
        Router::new().fallback(move |request: axum::extract::Request| {
            let seen = Arc::clone(&seen);
            async move {
                let mut line = request.uri().to_string();
                for (name, value) in request.headers() {
                    line.push_str(&format!(" {name}={}", value.to_str().unwrap_or("")));
                }
                seen.lock().unwrap().push(line);
                axum::Json(json!({"id": 1, "name": "Rex"}))
            }
        })
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let registry = Registry::new();
    registry
        .install_manifest(
            "pets",
            petstore(),
            InstallOptions::default().think_augment(ThinkAugment::all()),
        )
        .unwrap();
    let log = Arc::new(ExecutionLog::new(8));
    let executor = Executor::builder()
        .base_url(&base)
        .execution_log(Arc::clone(&log))
        .build();
    let server = McpServer::builder(registry, executor)
        .execution_log(Arc::clone(&log))
        .build();
    let (client, _) = connect(server).await;

    let tools = client.list_all_tools().await.unwrap();
    let get_pet = tools.iter().find(|t| t.name == "get_pet").unwrap();
    assert_eq!(
        get_pet.input_schema["properties"]["toolcall_reason"]["type"],
        "string"
    );
    let reason = "the user asked for pet 1 (toolcall-reason-marker)";
    let result = client
        .call_tool(call(
            "get_pet",
            json!({"pet_id": "1", "toolcall_reason": reason}),
        ))
        .await
        .unwrap();
    assert_ne!(result.is_error, Some(true), "{result:?}");

    let requests = seen.lock().unwrap().clone();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(requests[0].starts_with("/pets/1"), "{requests:?}");
    assert!(
        !requests[0].contains("marker") && !requests[0].contains("toolcall_reason"),
        "the reason reached the API: {requests:?}"
    );

    let resources = client.list_all_resources().await.unwrap();
    assert!(resources.iter().any(|r| r.uri == URI), "{resources:?}");
    let read = client
        .read_resource(ReadResourceRequestParams::new(URI))
        .await
        .unwrap();
    let ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else {
        panic!("{read:?}")
    };
    let body: Value = serde_json::from_str(text).unwrap();
    assert_eq!(body["total"], 1);
    let record = &body["calls"][0];
    assert_eq!(record["tool"], "get_pet");
    assert_eq!(record["reason"], reason);
    assert_eq!(record["status"], 200);
    client.cancel().await.unwrap();
}
