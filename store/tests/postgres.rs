//! The fleet store on a real PostgreSQL server (`scripts/pg-test.sh` starts one and exports
//! `OPENAPI_TOOLS_TEST_PG`): replicas in one process, each with its own registry, pool and
//! LISTEN connection, exactly as separate servers would have.
#![cfg(feature = "postgres")]

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use openapi_tools_live::{LiveOptions, Outcome, load_text};
use openapi_tools_runtime::registry::{ChangeEvent, Registry, RegistryError};
use openapi_tools_store::{PostgresStore, StoreError, StoreUrl, Stored};

/// A fresh database on the test server; its URL.
fn fresh_db() -> String {
    let url = std::env::var("OPENAPI_TOOLS_TEST_PG")
        .expect("OPENAPI_TOOLS_TEST_PG (run `eval \"$(bash scripts/pg-test.sh start)\"`)");
    let name = format!("t_{:016x}", fastrand::u64(..));
    let out = Command::new("psql")
        .args([url.as_str(), "-qAtc", &format!("CREATE DATABASE {name}")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let base = url.rsplit_once('/').unwrap().0;
    format!("{base}/{name}")
}

fn spec(version: &str, extra: usize) -> String {
    let mut paths = vec![
        r#""/pets": {"get": {"operationId": "listPets", "responses": {"200": {"description": "ok"}}}}"#.to_owned(),
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

/// One replica: a registry bound to the store, following it, counting its change events.
struct Replica {
    stored: Stored,
    events: Arc<AtomicUsize>,
    _follow: openapi_tools_store::Follow,
}

fn replica(url: &str) -> Replica {
    let store = Arc::new(PostgresStore::connect(url).unwrap());
    let stored = Stored::attach(Registry::new(), store).unwrap();
    let events = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&events);
    stored.registry().on_change(move |e| {
        if matches!(
            e,
            ChangeEvent::Applied(_)
                | ChangeEvent::ToolDisabled { .. }
                | ChangeEvent::ToolEnabled { .. }
        ) {
            count.fetch_add(1, Ordering::SeqCst);
        }
    });
    // A long poll: what arrives within the test's bounds came by notification.
    let follow = stored.follow(Duration::from_secs(30)).unwrap();
    Replica {
        stored,
        events,
        _follow: follow,
    }
}

/// Exported tool names and disabled tools of a replica, comparable across replicas.
fn view(r: &Replica) -> (Option<u64>, Vec<String>, Vec<String>) {
    let snapshot = r.stored.registry().snapshot();
    let set = snapshot.set("pets");
    let names: Vec<String> = set
        .map(|s| s.tool_names().map(str::to_owned).collect())
        .unwrap_or_default();
    let disabled = names
        .iter()
        .filter(|n| snapshot.disabled_reason(n).is_some())
        .cloned()
        .collect();
    (set.map(|s| s.seq()), names, disabled)
}

fn wait_until(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ok() {
        assert!(start.elapsed() < limit, "not within {limit:?}: {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn install(r: &Replica, version: &str, extra: usize) {
    let outcome = load_text(
        r.stored.registry(),
        "pets",
        &spec(version, extra),
        &LiveOptions::default(),
    );
    assert!(matches!(outcome, Outcome::Installed(_)), "{outcome:?}");
}

#[test]
#[ignore = "needs PostgreSQL (scripts/pg-test.sh)"]
fn replicas_apply_publish_rollback_and_disable_in_order() {
    let url = fresh_db();
    let replicas: Vec<Replica> = (0..3).map(|_| replica(&url)).collect();
    let agree = |expected: (Option<u64>, Vec<String>, Vec<String>), events: usize| {
        wait_until(
            &format!("every replica at {expected:?}"),
            Duration::from_secs(5),
            || {
                replicas
                    .iter()
                    .all(|r| view(r) == expected && r.events.load(Ordering::SeqCst) >= events)
            },
        );
    };
    let names = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();

    install(&replicas[0], "1.0", 0);
    agree((Some(1), names(&["list_pets", "get_pet"]), vec![]), 1);
    install(&replicas[1], "2.0", 2);
    agree(
        (
            Some(2),
            names(&["list_pets", "get_pet", "extra0", "extra1"]),
            vec![],
        ),
        2,
    );
    replicas[2].stored.rollback("pets", 1, None).unwrap();
    agree((Some(3), names(&["list_pets", "get_pet"]), vec![]), 3);
    replicas[0]
        .stored
        .registry()
        .disable("get_pet", "maintenance")
        .unwrap();
    agree(
        (
            Some(3),
            names(&["list_pets", "get_pet"]),
            names(&["get_pet"]),
        ),
        4,
    );
    // Every replica fired exactly one event per change.
    for r in &replicas {
        assert_eq!(r.events.load(Ordering::SeqCst), 4);
    }
    // A replica started now restores the same state.
    let late = replica(&url);
    assert_eq!(view(&late), view(&replicas[0]));
    let history = late.stored.history(Some("pets")).unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[2].rollback_to, Some(1));
}

#[test]
#[ignore = "needs PostgreSQL (scripts/pg-test.sh)"]
fn two_operators_racing_a_rollback_one_wins_one_gets_a_conflict() {
    let url = fresh_db();
    let first = replica(&url);
    install(&first, "1.0", 0);
    install(&first, "2.0", 1);
    // Two operators, each with the state as it is now.
    let a = replica(&url);
    let b = replica(&url);
    let barrier = Arc::new(Barrier::new(2));
    let race = |op: &Replica, to: u64| {
        let stored = op.stored.clone();
        let barrier = Arc::clone(&barrier);
        std::thread::spawn(move || {
            barrier.wait();
            stored.rollback("pets", to, None)
        })
    };
    let ta = race(&a, 1);
    let tb = race(&b, 1);
    let results = [ta.join().unwrap(), tb.join().unwrap()];
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{results:?}");
    let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    match loser {
        RegistryError::Refused(e) => assert!(
            matches!(
                e.downcast_ref::<StoreError>(),
                Some(StoreError::Conflict { .. })
            ),
            "{e}"
        ),
        other => panic!("expected a conflict, got {other}"),
    }
    assert!(loser.to_string().contains("conflict"), "{loser}");
    // The store holds one rollback; everyone converges on it.
    assert_eq!(first.stored.history(Some("pets")).unwrap().len(), 3);
    wait_until("all at #3", Duration::from_secs(5), || {
        [&first, &a, &b].iter().all(|r| view(r).0 == Some(3))
    });
}

#[test]
#[ignore = "needs PostgreSQL (scripts/pg-test.sh)"]
fn a_replica_that_missed_notifications_catches_up_from_the_table() {
    let url = fresh_db();
    let writer = replica(&url);
    // Not following: every notification is missed.
    let store = Arc::new(PostgresStore::connect(&url).unwrap());
    let behind = Stored::attach(Registry::new(), store).unwrap();
    install(&writer, "1.0", 0);
    install(&writer, "2.0", 3);
    writer.stored.registry().disable("extra2", "x").unwrap();
    writer.stored.rollback("pets", 1, None).unwrap();
    install(&writer, "5.0", 1);
    assert_eq!(behind.catch_up().unwrap(), 5);
    let snapshot = behind.registry().snapshot();
    let set = snapshot.set("pets").unwrap();
    // Four versions (the rollback is one) and a disable: five changes, applied in order.
    assert_eq!((set.seq(), set.version()), (4, "5.0"));
    assert_eq!(view(&writer), {
        let names = set.tool_names().map(str::to_owned).collect();
        (Some(4), names, vec![])
    });
    assert_eq!(behind.catch_up().unwrap(), 0);
}

#[test]
#[ignore = "needs PostgreSQL (scripts/pg-test.sh)"]
fn passwords_are_redacted_in_connection_errors() {
    let url = std::env::var("OPENAPI_TOOLS_TEST_PG").expect("OPENAPI_TOOLS_TEST_PG");
    // A database that does not exist, with a password in the URL.
    let bad = url
        .replacen("postgres@", "postgres:hunter2@", 1)
        .replace("/postgres", "/no_such_db");
    let parsed = StoreUrl::parse(&bad).unwrap();
    let err = parsed.open().unwrap_err();
    let text = format!("{err} {err:?} {parsed} {parsed:?}");
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("no_such_db"), "{text}");
}
