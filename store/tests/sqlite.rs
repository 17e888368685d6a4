//! The embedded store with real registries on a real SQLite file: restart, conflicts, pins,
//! and a `kill -9` in the middle of a stream of installs.
#![cfg(feature = "sqlite")]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use openapi_tools_live::{LiveOptions, Outcome, load_text};
use openapi_tools_runtime::registry::{Registry, RegistryError};
use openapi_tools_store::{Actor, ChangeKind, SqliteStore, StoreError, Stored};

/// A small spec whose `info.version` is `version`, with `extra` more operations.
fn spec(version: &str, extra: usize) -> String {
    let mut paths = vec![
        r#""/pets": {"get": {"operationId": "listPets", "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}], "responses": {"200": {"description": "ok"}}}}"#.to_owned(),
        r#""/pets/{id}": {"get": {"operationId": "getPet", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "ok"}}}}"#.to_owned(),
    ];
    for i in 0..extra {
        paths.push(format!(
            r#""/extra{i}": {{"get": {{"operationId": "extra{i}", "responses": {{"200": {{"description": "ok"}}}}}}}}"#
        ));
    }
    format!(
        r#"{{"openapi": "3.1.0", "info": {{"title": "Pets", "version": "{version}"}}, "paths": {{{}}}}}"#,
        paths.join(", ")
    )
}

fn attach(path: &std::path::Path) -> Stored {
    let store = Arc::new(SqliteStore::open(path).unwrap());
    Stored::attach(Registry::new(), store).unwrap()
}

fn install(stored: &Stored, version: &str, extra: usize) {
    let outcome = load_text(
        stored.registry(),
        "pets",
        &spec(version, extra),
        &LiveOptions::default(),
    );
    assert!(matches!(outcome, Outcome::Installed(_)), "{outcome:?}");
}

#[test]
fn a_restart_restores_live_versions_disabled_tools_and_history_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tools.db");
    let before = {
        let stored = attach(&db);
        stored.set_actor(Actor {
            who: "ana".into(),
            why: "launch".into(),
            source: "test".into(),
        });
        install(&stored, "1.0", 0);
        install(&stored, "2.0", 1);
        install(&stored, "3.0", 2);
        stored
            .registry()
            .disable("extra1", "flaky upstream")
            .unwrap();
        // #1 is still in the registry's own history; #2 is fetched from the store.
        stored.rollback("pets", 2, None).unwrap();
        let history = stored.history(None).unwrap();
        assert_eq!(history.len(), 4);
        history
    };

    let stored = attach(&db);
    let snapshot = stored.registry().snapshot();
    let live = snapshot.set("pets").unwrap();
    assert_eq!(live.seq(), 4, "the numbering continues");
    assert_eq!(live.version(), "2.0");
    let names: Vec<&str> = live.tool_names().collect();
    assert_eq!(names, ["list_pets", "get_pet", "extra0"]);
    // Disabled before the rollback, and the tool is back in the live version: still off.
    let after = stored.history(None).unwrap();
    assert_eq!(after, before, "history is exactly what was written");
    let seqs: Vec<u64> = after.iter().map(|v| v.seq).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);
    assert_eq!(after[3].action, ChangeKind::Rollback);
    assert_eq!(after[3].rollback_to, Some(2));
    assert!(after[3].live && !after[2].live);
    assert_eq!(
        (after[0].actor.as_str(), after[0].why.as_str()),
        ("ana", "launch")
    );
    assert_eq!(after[1].report["added"], serde_json::json!(["extra0"]));

    // The next install continues at #5 and is recorded.
    install(&stored, "5.0", 3);
    assert_eq!(stored.history(Some("pets")).unwrap().last().unwrap().seq, 5);
    let log = stored.changes(0).unwrap();
    let kinds: Vec<ChangeKind> = log.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        [
            ChangeKind::Install,
            ChangeKind::Replace,
            ChangeKind::Replace,
            ChangeKind::Disable,
            ChangeKind::Rollback,
            ChangeKind::Replace
        ]
    );
    let ids: Vec<u64> = log.iter().map(|c| c.id).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6], "gapless, in commit order");
}

#[test]
fn disabled_tools_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tools.db");
    {
        let stored = attach(&db);
        install(&stored, "1.0", 1);
        stored.registry().disable("extra0", "broken").unwrap();
        stored.registry().disable("get_pet", "slow").unwrap();
        stored.registry().enable("get_pet").unwrap();
    }
    let stored = attach(&db);
    let snapshot = stored.registry().snapshot();
    assert_eq!(snapshot.disabled_reason("extra0"), Some("broken"));
    assert_eq!(snapshot.disabled_reason("get_pet"), None);
    assert_eq!(snapshot.disabled_reason("list_pets"), None);
}

#[test]
fn a_stale_process_is_refused_with_a_conflict_and_catches_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tools.db");
    let a = attach(&db);
    install(&a, "1.0", 0);
    let b = attach(&db);
    install(&a, "2.0", 1);

    // `b` still serves #1 and tries to replace it.
    let outcome = load_text(
        b.registry(),
        "pets",
        &spec("3.0", 2),
        &LiveOptions::default(),
    );
    assert!(matches!(outcome, Outcome::Rejected), "{outcome:?}");
    assert_eq!(
        b.registry().snapshot().set("pets").unwrap().version(),
        "1.0"
    );
    match b.rollback("pets", 1, None) {
        Err(RegistryError::Refused(e)) => {
            let store = e.downcast_ref::<StoreError>().unwrap();
            assert!(matches!(store, StoreError::Conflict { .. }), "{store}");
            let text = store.to_string();
            assert!(
                text.contains("is at #2") && text.contains("replaces #1"),
                "{text}"
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    // Nothing half-written: the store still has two versions.
    assert_eq!(a.history(None).unwrap().len(), 2);

    assert_eq!(b.catch_up().unwrap(), 1);
    let snapshot = b.registry().snapshot();
    assert_eq!(snapshot.set("pets").unwrap().version(), "2.0");
    assert_eq!(snapshot.set("pets").unwrap().seq(), 2);
    install(&b, "3.0", 2);
    assert_eq!(a.catch_up().unwrap(), 1);
    assert_eq!(a.registry().snapshot().set("pets").unwrap().seq(), 3);
}

#[test]
fn a_pinned_set_refuses_new_versions_until_unpinned() {
    let dir = tempfile::tempdir().unwrap();
    let stored = attach(&dir.path().join("tools.db"));
    install(&stored, "1.0", 0);
    install(&stored, "2.0", 1);
    stored.pin("pets", "incident 42").unwrap();
    let outcome = load_text(
        stored.registry(),
        "pets",
        &spec("3.0", 2),
        &LiveOptions::default(),
    );
    assert!(matches!(outcome, Outcome::Rejected));
    assert_eq!(
        stored.registry().snapshot().set("pets").unwrap().version(),
        "2.0"
    );
    // An operator's rollback still goes through.
    stored.rollback("pets", 1, None).unwrap();
    stored.unpin("pets").unwrap();
    install(&stored, "3.0", 2);
    assert_eq!(stored.registry().snapshot().set("pets").unwrap().seq(), 4);
}

/// The child of `kill_9_during_installs_loses_nothing_acknowledged`: installs version after
/// version and prints `acked N` once the install returned.
#[test]
fn child_installs_until_killed() {
    let Some(db) = std::env::var_os("STORE_TEST_CHILD_DB") else {
        return;
    };
    let stored = attach(std::path::Path::new(&db));
    for n in 1.. {
        install(&stored, &format!("{n}.0"), n % 7);
        println!("acked {n}");
    }
}

#[test]
fn kill_9_during_installs_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tools.db");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_installs_until_killed",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("STORE_TEST_CHILD_DB", &db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut acked = 0u64;
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // Kill at an arbitrary point once a few dozen versions are acknowledged.
    let kill_after = 20 + fastrand::u64(0..17);
    while let Some(Ok(line)) = lines.next() {
        if let Some(n) = line.strip_prefix("acked ") {
            acked = n.parse().unwrap();
            if acked >= kill_after {
                break;
            }
        }
    }
    // SIGKILL while it is in the middle of the next install.
    std::thread::sleep(Duration::from_millis(3));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(acked >= kill_after, "the child stopped early");

    let stored = attach(&db);
    let history = stored.history(Some("pets")).unwrap();
    let seqs: Vec<u64> = history.iter().map(|v| v.seq).collect();
    let expected: Vec<u64> = (1..=seqs.len() as u64).collect();
    assert_eq!(seqs, expected, "no gap, nothing half-written");
    assert!(
        seqs.len() as u64 >= acked,
        "{} versions stored, {acked} acknowledged",
        seqs.len()
    );
    // Every stored version is whole: its manifest loads with every tool.
    for v in &history {
        let (_, manifest) = stored.store().version("pets", v.seq).unwrap().unwrap();
        assert_eq!(manifest.version, format!("{}.0", v.seq));
        assert_eq!(manifest.tools.len(), 2 + (v.seq as usize % 7));
    }
    let live = stored.registry().snapshot();
    assert_eq!(live.set("pets").unwrap().seq(), *seqs.last().unwrap());
}
