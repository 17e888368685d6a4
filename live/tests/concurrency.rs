//! Readers preparing calls while a watched file is reloaded over and over: no call fails, and
//! every prepared request belongs to the version that prepared it.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use openapi_tools_live::{LiveOptions, watch_file};
use openapi_tools_runtime::registry::Registry;
use serde_json::json;
use support::{applied, spec};

#[test]
fn readers_lose_and_misroute_no_call_during_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("api.json");
    std::fs::write(&path, spec("1", &["get_item", "list_items"])).unwrap();
    let registry = Registry::new();
    let events = registry.subscribe();
    let (_, _watch) = watch_file(&registry, "api", &path, LiveOptions::default()).unwrap();
    applied(&events, "1");

    let done = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (registry, done, calls) = (registry.clone(), Arc::clone(&done), Arc::clone(&calls));
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                while !done.load(Ordering::Relaxed) {
                    for tool in ["get_item", "list_items"] {
                        match registry.prepare(tool, &json!({"id": "9"})) {
                            Ok(routed) => {
                                let want = format!("/{}/{tool}/9", routed.set.version());
                                if routed.call.request.path != want {
                                    failures
                                        .push(format!("{} != {want}", routed.call.request.path));
                                }
                            }
                            Err(e) => failures.push(format!("{tool}: {e}")),
                        }
                        calls.fetch_add(1, Ordering::Relaxed);
                    }
                }
                failures
            })
        })
        .collect();

    for v in 2..=15 {
        // Alternate the tool order too, so routing tables really change.
        let tools = if v % 2 == 0 {
            ["list_items", "get_item"]
        } else {
            ["get_item", "list_items"]
        };
        std::fs::write(&path, spec(&v.to_string(), &tools)).unwrap();
        applied(&events, &v.to_string());
    }
    done.store(true, Ordering::Relaxed);
    let failures: Vec<String> = readers
        .into_iter()
        .flat_map(|r| r.join().unwrap())
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures, first: {:?}",
        failures.len(),
        failures.first()
    );
    assert!(calls.load(Ordering::Relaxed) > 0);
    assert_eq!(registry.history("api").last().unwrap().version, "15");
}
