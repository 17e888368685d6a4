//! Shared by the live tests: spec texts and waiting on registry events (no sleeps).

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use openapi_tools_runtime::registry::{ChangeEvent, Registry, SourceRejection};
use serde_json::{Value, json};

/// Generous: a loaded CI machine may take seconds to deliver a file event.
pub const WAIT: Duration = Duration::from_secs(30);

/// A spec with `info.version = version` and one GET tool per name in `tools`, each at
/// `/{version}/{tool}/{id}` (so a prepared request shows which version built it).
pub fn spec(version: &str, tools: &[&str]) -> String {
    let mut paths = serde_json::Map::new();
    for t in tools {
        paths.insert(
            format!("/{version}/{t}/{{id}}"),
            json!({"get": {
                "operationId": t,
                "parameters": [{"name": "id", "in": "path", "required": true,
                                "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}}
            }}),
        );
    }
    let doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "Live", "version": version},
        "paths": Value::Object(paths),
    });
    serde_json::to_string_pretty(&doc).unwrap()
}

/// Receives events until one satisfies `want`; panics with every event seen after [`WAIT`].
pub fn wait_for(
    rx: &Receiver<ChangeEvent>,
    what: &str,
    want: impl Fn(&ChangeEvent) -> bool,
) -> ChangeEvent {
    let deadline = Instant::now() + WAIT;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(e) if want(&e) => return e,
            Ok(e) => seen.push(format!("{e:?}")),
            Err(_) => panic!("no {what} within {WAIT:?}; events seen: {seen:#?}"),
        }
    }
}

/// Waits for the install of `version`.
pub fn applied(rx: &Receiver<ChangeEvent>, version: &str) {
    wait_for(
        rx,
        &format!("install of {version}"),
        |e| matches!(e, ChangeEvent::Applied(r) if r.to.as_ref().is_some_and(|t| t.version == version)),
    );
}

/// Writes `text` to `path` the way careful editors do: a temporary file renamed over it.
pub fn write_renaming(path: &std::path::Path, text: &str) {
    let tmp = path.with_extension("tmp~");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// Waits for a live source's refusal that satisfies `want` and returns it.
pub fn rejected(
    rx: &Receiver<ChangeEvent>,
    what: &str,
    want: impl Fn(&SourceRejection) -> bool,
) -> Arc<SourceRejection> {
    match wait_for(
        rx,
        what,
        |e| matches!(e, ChangeEvent::SourceRejected(r) if want(r)),
    ) {
        ChangeEvent::SourceRejected(r) => r,
        other => unreachable!("wait_for returned {other:?}"),
    }
}

/// The content-derived version id (`source_hash`) of the set installed as `set`.
pub fn source_hash(registry: &Registry, set: &str) -> String {
    registry
        .snapshot()
        .set(set)
        .unwrap()
        .toolset()
        .manifest()
        .source_hash
        .clone()
}
