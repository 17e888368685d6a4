//! A fleet: three `openapi-tools serve --transport http --store postgres://...` replicas on one
//! real PostgreSQL server (`scripts/pg-test.sh`), a real MCP client (the Python SDK) on each,
//! and the operator commands (`publish`, `rollback`, `disable`, `history`) as an operator runs
//! them. Every replica must offer the same tools within a bounded time, and every client must
//! get `tools/list_changed`. Then the faults: a replica killed during a publish, PostgreSQL
//! stopped and started again, two operators racing a rollback, every replica restarted.

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use support::{Client, Server, python, tool_names};

const BIN: &str = env!("CARGO_BIN_EXE_openapi-tools");

/// How long every replica has to show a change (notification, then the client's request).
const BOUND: Duration = Duration::from_secs(5);

/// A fresh database on the test server; its URL.
fn fresh_db() -> String {
    let url = std::env::var("OPENAPI_TOOLS_TEST_PG")
        .expect("OPENAPI_TOOLS_TEST_PG (run `eval \"$(bash scripts/pg-test.sh start)\"`)");
    let name = format!(
        "fleet_{}_{}",
        std::process::id(),
        Instant::now().elapsed().as_nanos()
    );
    let out = Command::new("psql")
        .args([url.as_str(), "-qAtc", &format!("CREATE DATABASE {name}")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    format!("{}/{name}", url.rsplit_once('/').unwrap().0)
}

fn pg_ctl(action: &str) {
    let ctl = std::env::var("OPENAPI_TOOLS_TEST_PG_CTL").expect("OPENAPI_TOOLS_TEST_PG_CTL");
    let status = Command::new(ctl).arg(action).status().unwrap();
    assert!(status.success(), "pg_ctl {action}");
}

/// Pets with `extra` more operations, labelled `version`.
fn write_spec(dir: &Path, version: &str, extra: usize) -> std::path::PathBuf {
    let mut paths = vec![
        r#""/pets": {"get": {"operationId": "listPets", "responses": {"200": {"description": "ok"}}}}"#.to_owned(),
        r#""/pets/{id}": {"get": {"operationId": "getPet", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "ok"}}}}"#.to_owned(),
    ];
    for i in 0..extra {
        paths.push(format!(
            r#""/extra{i}": {{"get": {{"operationId": "extra{i}", "responses": {{"200": {{"description": "ok"}}}}}}}}"#
        ));
    }
    let text = format!(
        r#"{{"openapi": "3.1.0", "info": {{"title": "Pets", "version": "{version}"}}, "servers": [{{"url": "http://127.0.0.1:9"}}], "paths": {{{}}}}}"#,
        paths.join(", ")
    );
    let path = dir.join(format!("pets-{version}.json"));
    std::fs::write(&path, text).unwrap();
    path
}

fn cli(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn cli_json(args: &[&str]) -> (bool, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = cli(&all);
    let text = String::from_utf8_lossy(&out.stdout);
    let value = serde_json::from_str(text.trim()).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {text} {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), value)
}

fn replica(url: &str) -> Server {
    Server::start(
        BIN,
        &[
            "serve",
            "--transport",
            "http",
            "--listen",
            "127.0.0.1:0",
            "--store",
            url,
        ],
        &[("RUST_LOG", "info")],
    )
}

fn names(c: &mut Client) -> Vec<String> {
    let list = c.send(json!({"op": "list"}));
    tool_names(&list).into_iter().map(str::to_owned).collect()
}

/// Waits until every client saw `count` list_changed notifications and lists `expected`.
fn converge(clients: &mut [Client], count: u64, expected: &[&str]) -> Duration {
    let start = Instant::now();
    for c in clients.iter_mut() {
        let seen =
            c.send(json!({"op": "wait_changed", "count": count, "timeout": BOUND.as_secs_f64()}));
        assert!(seen["changes"].as_u64().unwrap() >= count, "{seen}");
        assert_eq!(names(c), expected);
    }
    let took = start.elapsed();
    assert!(took < BOUND, "{took:?}");
    took
}

#[test]
#[ignore = "needs PostgreSQL (scripts/pg-test.sh) and the MCP Python SDK (scripts/ci-tools.sh)"]
fn three_replicas_agree_through_publish_rollback_disable_and_faults() {
    let py = python();
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_db();
    let v1 = write_spec(dir.path(), "1.0", 0);
    let v2 = write_spec(dir.path(), "2.0", 2);
    let v3 = write_spec(dir.path(), "3.0", 1);
    let (ok, first) = cli_json(&["publish", "--store", &url, "pets", v1.to_str().unwrap()]);
    assert!(ok, "{first}");
    assert_eq!(first["to"]["seq"], 1);

    let mut servers: Vec<Server> = (0..3).map(|_| replica(&url)).collect();
    let mut clients: Vec<Client> = servers
        .iter()
        .map(|s| {
            let mut c = Client::http(&py, &s.url(), None);
            c.send(json!({"op": "init"}));
            c
        })
        .collect();
    for c in &mut clients {
        assert_eq!(names(c), ["list_pets", "get_pet"]);
    }

    // publish -> every replica, every client.
    let (ok, report) = cli_json(&[
        "publish",
        "--store",
        &url,
        "pets",
        v2.to_str().unwrap(),
        "--why",
        "new endpoints",
    ]);
    assert!(ok, "{report}");
    assert_eq!(report["added"], json!(["extra0", "extra1"]));
    converge(
        &mut clients,
        1,
        &["list_pets", "get_pet", "extra0", "extra1"],
    );

    // rollback (to the version live before) -> every replica.
    let (ok, report) = cli_json(&["rollback", "--store", &url, "pets"]);
    assert!(ok, "{report}");
    assert_eq!(report["action"], "rollback to #1");
    converge(&mut clients, 2, &["list_pets", "get_pet"]);

    // disable -> the tool leaves every replica's list.
    let (ok, report) = cli_json(&[
        "disable",
        "--store",
        &url,
        "get_pet",
        "--reason",
        "upstream down",
    ]);
    assert!(ok, "{report}");
    converge(&mut clients, 3, &["list_pets"]);
    let (ok, _) = cli_json(&["enable", "--store", &url, "get_pet"]);
    assert!(ok);
    converge(&mut clients, 4, &["list_pets", "get_pet"]);

    // Two operators racing a rollback to #2: one wins, one is told about the conflict. A
    // session holding the change log's lock makes both reach the store before either commits.
    let holder = Command::new("psql")
        .args([
            url.as_str(),
            "-qAtc",
            "BEGIN; LOCK TABLE changes IN EXCLUSIVE MODE; SELECT pg_sleep(3); COMMIT;",
        ])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let race: Vec<_> = (0..2)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || cli_json(&["rollback", "--store", &url, "pets", "2"]))
        })
        .collect();
    let results: Vec<(bool, Value)> = race.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(holder.wait_with_output().unwrap().status.success());
    let wins = results.iter().filter(|(ok, _)| *ok).count();
    assert_eq!(wins, 1, "{results:?}");
    let lost = &results.iter().find(|(ok, _)| !*ok).unwrap().1;
    assert_eq!(lost["conflict"], true, "{lost}");
    assert!(
        lost["error"].as_str().unwrap().contains("conflict"),
        "{lost}"
    );
    converge(
        &mut clients,
        5,
        &["list_pets", "get_pet", "extra0", "extra1"],
    );

    // kill -9 a replica while a publish is under way; the others still converge, and the
    // killed one, restarted, restores the published version.
    let publish = Command::new(BIN)
        .args([
            "publish",
            "--store",
            &url,
            "pets",
            v3.to_str().unwrap(),
            "--format",
            "json",
        ])
        .spawn()
        .unwrap();
    drop(servers.remove(0)); // SIGKILL
    drop(clients.remove(0));
    let out = publish.wait_with_output().unwrap();
    assert!(out.status.success());
    converge(&mut clients, 6, &["list_pets", "get_pet", "extra0"]);
    servers.insert(0, replica(&url));
    let mut c0 = Client::http(&py, &servers[0].url(), None);
    c0.send(json!({"op": "init"}));
    assert_eq!(names(&mut c0), ["list_pets", "get_pet", "extra0"]);
    clients.insert(0, c0);

    // PostgreSQL stops: replicas keep serving what they have; operator commands fail cleanly.
    pg_ctl("stop");
    for c in &mut clients {
        assert_eq!(names(c), ["list_pets", "get_pet", "extra0"]);
    }
    let down = cli(&["rollback", "--store", &url, "pets", "1"]);
    assert!(!down.status.success());
    let stderr = String::from_utf8_lossy(&down.stderr);
    assert!(stderr.contains("store"), "{stderr}");
    std::thread::sleep(Duration::from_secs(2));
    pg_ctl("start");
    // Back: a change made now reaches every replica (they reconnected and caught up).
    let (ok, report) = cli_json(&["rollback", "--store", &url, "pets", "1"]);
    assert!(ok, "{report}");
    let counts: Vec<u64> = clients
        .iter_mut()
        .map(|c| {
            c.send(json!({"op": "changes"}))["changes"]
                .as_u64()
                .unwrap()
        })
        .collect();
    for (c, n) in clients.iter_mut().zip(counts) {
        let seen = c.send(json!({"op": "wait_changed", "count": n + 1, "timeout": 10}));
        assert!(seen["changes"].as_u64().unwrap() > n, "{seen}");
        assert_eq!(names(c), ["list_pets", "get_pet"]);
    }

    // Every replica restarted: everything restored.
    drop(clients);
    let logs: Vec<String> = servers.into_iter().map(Server::stop).collect();
    for log in &logs {
        assert!(!log.contains("panicked"), "{log}");
    }
    let restarted: Vec<Server> = (0..3).map(|_| replica(&url)).collect();
    for s in &restarted {
        let mut c = Client::http(&py, &s.url(), None);
        c.send(json!({"op": "init"}));
        assert_eq!(names(&mut c), ["list_pets", "get_pet"]);
        c.close();
    }
    let (ok, history) = cli_json(&["history", "--store", &url, "pets"]);
    assert!(ok);
    let seqs: Vec<u64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 6]);
    assert_eq!(history[1]["why"], "new endpoints");
    assert_eq!(history[5]["live"], true);
}

#[test]
#[ignore = "needs PostgreSQL (scripts/pg-test.sh) and the MCP Python SDK (scripts/ci-tools.sh)"]
fn stateless_replicas_offer_the_same_tools() {
    let py = python();
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_db();
    let v1 = write_spec(dir.path(), "1.0", 0);
    let v2 = write_spec(dir.path(), "2.0", 3);
    assert!(cli_json(&["publish", "--store", &url, "pets", v1.to_str().unwrap()]).0);
    let servers: Vec<Server> = (0..3)
        .map(|_| {
            Server::start(
                BIN,
                &[
                    "serve",
                    "--transport",
                    "http",
                    "--stateless",
                    "--listen",
                    "127.0.0.1:0",
                    "--store",
                    &url,
                ],
                &[],
            )
        })
        .collect();
    assert!(cli_json(&["publish", "--store", &url, "pets", v2.to_str().unwrap()]).0);
    let start = Instant::now();
    for s in &servers {
        loop {
            let mut c = Client::http(&py, &s.url(), None);
            c.send(json!({"op": "init"}));
            if names(&mut c).len() == 5 {
                break;
            }
            assert!(start.elapsed() < BOUND, "{} never offered v2", s.url());
        }
    }
}
