//! The execution log holds 100,000 calls in constant memory: bytes live on the heap, counted
//! exactly by a counting global allocator (`stats_alloc`, which holds the `unsafe` a global
//! allocator needs), are the same after the ring filled up and after 100,000 more calls.
//!
//! One test in its own binary: the allocator counts every thread of the process, so no other
//! test may run beside it.

use std::alloc::System;
use std::sync::Arc;

use openapi_tools_runtime::exec::{
    CallRecord, ExecutionLog, Executor, MAX_CONTENT_BYTES, Payload, Rule,
};
use openapi_tools_runtime::manifest::Manifest;
use openapi_tools_runtime::think::ThinkAugment;
use openapi_tools_runtime::toolset::DynamicToolSet;
use serde_json::json;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[global_allocator]
static ALLOC: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn live_bytes() -> i64 {
    let s = ALLOC.stats();
    s.bytes_allocated as i64 - s.bytes_deallocated as i64
}

const CAPACITY: usize = 1024;
const CALLS: usize = 100_000;
/// One call in this many goes over HTTP to the local server; the others are refused by an
/// access rule before sending (the same path through spans and the log, without a socket).
const HTTP_EVERY: usize = 500;

/// An API on 127.0.0.1 that answers every request with a small JSON object and keeps nothing
/// (the shared test server records every request line, which would grow the heap itself).
async fn api() -> String {
    let app = axum::Router::new().fallback(|| async { axum::Json(json!({"ok": true})) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

fn manifest() -> Manifest {
    let s = json!({"type": "string"});
    let mut m: Manifest = serde_json::from_value(json!({
        "title": "Items", "version": "1", "source_hash": "abc",
        "tools": (["get_item", "denied_item"].map(|name| json!({
            "name": name, "method": "GET", "path": "/items/{id}", "description": name,
            "params": [{"name": "id", "wire_name": "id", "in": "path", "required": true}],
            "input_schema": {"type": "object", "properties": {"id": s}, "required": ["id"]},
            "schema_hash": ""
        })))
    }))
    .unwrap();
    ThinkAugment::all().apply(&mut m);
    m
}

#[tokio::test(flavor = "current_thread")]
#[ignore = "about 2.5 minutes in a debug build (100,000 calls); run with --include-ignored"]
async fn the_execution_log_keeps_100000_calls_in_constant_memory() {
    let server = api().await;
    // Contents on and reasons at their cap: the largest records the log can hold.
    let log = Arc::new(ExecutionLog::new(CAPACITY).with_contents(true));
    let exec = Executor::builder()
        .base_url(&server)
        .deny(Rule::Tool("denied_item".into()))
        .execution_log(Arc::clone(&log))
        .build();
    let set = DynamicToolSet::new(manifest());
    let reason = "r".repeat(1100);
    let id = "i".repeat(MAX_CONTENT_BYTES);

    let run = |n: usize| {
        let exec = &exec;
        let set = &set;
        let (reason, id) = (&reason, &id);
        async move {
            for i in 0..n {
                let tool = if i % HTTP_EVERY == 0 {
                    "get_item"
                } else {
                    "denied_item"
                };
                let args = json!({"id": format!("{i}-{id}"), "toolcall_reason": reason});
                let r = exec.call_tool(set, tool, &args).await;
                assert!(r.status.is_some() || r.message.is_some());
            }
        }
    };

    // Fill the ring twice over, so every slot holds a full-size record and the HTTP client,
    // its pool and the server are warm.
    run(2 * CAPACITY).await;
    let full = live_bytes();
    run(CALLS).await;
    let after = live_bytes();

    assert_eq!(log.total(), (2 * CAPACITY + CALLS) as u64);
    let records = log.recent(usize::MAX);
    assert_eq!(records.len(), CAPACITY);
    assert!(
        records
            .iter()
            .all(|r| r.reason.as_deref().is_some_and(|t| t.len() == 1024))
    );
    assert!(records.iter().all(|r| {
        r.arguments
            .text
            .as_deref()
            .is_some_and(|t| t.len() == MAX_CONTENT_BYTES)
    }));
    let growth = after - full;
    eprintln!(
        "execution log: capacity {CAPACITY}, {} calls ({} over HTTP); live heap {full} bytes \
         with the ring full, {after} after {CALLS} more calls (growth {growth} bytes)",
        log.total(),
        log.total() as usize / HTTP_EVERY,
    );
    // Constant: the growth is noise (allocator-independent counts; the HTTP pool may keep a
    // connection more or less), far below one record per call (100,000 x 5 KB = 500 MB).
    assert!(
        growth.abs() < 256 * 1024,
        "the heap grew by {growth} bytes over {CALLS} calls"
    );

    // The ring on its own: filled with maximal records, then 100,000 more of them.
    drop(records);
    let big = "x".repeat(10 * MAX_CONTENT_BYTES);
    let push = |i: usize| {
        log.push(CallRecord {
            tool: format!("tool_{:06}", i % 1_000_000),
            reason: Some(big.clone()),
            call_id: Some(big.clone()),
            arguments: Payload {
                bytes: big.len() as u64,
                text: Some(big.clone()),
            },
            answer: Payload {
                bytes: big.len() as u64,
                text: Some(big.clone()),
            },
            ..CallRecord::default()
        })
    };
    (0..CAPACITY).for_each(push);
    let full = live_bytes();
    (0..CALLS).for_each(push);
    let growth = live_bytes() - full;
    eprintln!(
        "execution log: ring of {CAPACITY} maximal records: live heap {full} bytes; \
         {CALLS} more pushes changed it by {growth} bytes"
    );
    assert!(growth.abs() < 4 * 1024, "the ring grew by {growth} bytes");
}
