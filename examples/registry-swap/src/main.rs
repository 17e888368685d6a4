//! The registry end to end: `cargo run -p example-registry-swap`.
//!
//! 1. Load Petstore v1 at run time (spec file -> manifest) and install it under a namespace.
//! 2. Serve a recorded Anthropic response: parse its tool calls, dispatch them on one
//!    snapshot, "execute" the prepared requests, print the next turn's messages. One call is
//!    fine, one has a bad argument, one names a tool that does not exist: the model gets a
//!    fixable error for each, nothing panics or disappears.
//! 3. Offer v2, which breaks callers, under `RejectBreaking` (refused: the live set and the
//!    history stay as they were), then under `AllowBreaking` (applied).
//! 4. Switch a tool off, show what the model is offered.
//! 5. Roll back to v1 (itself a swap with its own report).
//!
//! A callback listener prints every event as it happens; a channel listener is drained at the
//! end.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;
use openapi_tools_runtime::Manifest;
use openapi_tools_runtime::calls::{complete, dispatch, parse_tool_calls, result_messages};
use openapi_tools_runtime::registry::{
    ChangeEvent, InstallOptions, InstallPolicy, Registry, RegistryError, ToolFilter,
};
use openapi_tools_runtime::render::Provider;
use serde_json::{Value, json};

const SET: &str = "petstore";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/registry")
}

/// Spec file -> manifest, printing the loader's diagnostics.
fn load(file: &str) -> Result<Manifest, String> {
    let path = fixtures().join(file);
    let out = pipeline::manifest_from_file(&path, &ModelOptions::default());
    for d in &out.diagnostics {
        eprintln!("  {d}");
    }
    out.manifest
        .ok_or_else(|| format!("{} could not be loaded", path.display()))
}

fn heading(text: &str) {
    println!("\n=== {text} ===");
}

/// Exported tool names for one provider, as the model would see them.
fn offered(registry: &Registry) -> Vec<String> {
    let tools: Value =
        serde_json::from_str(&registry.export(Provider::Anthropic, &ToolFilter::all()))
            .unwrap_or(Value::Null);
    tools
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let registry = Registry::new();

    // Listeners: a callback (runs while the change commits) and a channel (read later).
    registry.on_change(|event| match event {
        ChangeEvent::Applied(r) => println!("  [listener] applied: {r}"),
        ChangeEvent::Rejected(r) => println!("  [listener] rejected: {r}"),
        ChangeEvent::ToolDisabled { tool, reason, .. } => {
            println!("  [listener] disabled `{tool}`: {reason}")
        }
        ChangeEvent::ToolEnabled { tool, .. } => println!("  [listener] enabled `{tool}`"),
        ChangeEvent::SourceRejected(r) => println!("  [listener] source rejected: {r}"),
        other => println!("  [listener] {other:?}"),
    });
    let events = registry.subscribe();

    // 1. Install v1 under the namespace `petstore` (tools become `petstore_<tool>`).
    heading("1. install Petstore v1");
    let v1 = load("petstore-v1.yaml")?;
    let report = registry
        .install_manifest(SET, v1, InstallOptions::default().namespace("petstore"))
        .map_err(|e| e.to_string())?;
    println!("{report}");
    println!("offered: {:?}", offered(&registry));

    // 2. A recorded model turn with three tool calls.
    heading("2. serve a recorded Anthropic tool call");
    let text = std::fs::read_to_string(fixtures().join("anthropic-response.json"))
        .map_err(|e| format!("reading the recorded response: {e}"))?;
    let response: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let calls = parse_tool_calls(Provider::Anthropic, &response).map_err(|e| e.to_string())?;
    // One snapshot for the whole turn: every call sees the same versions, even if a swap
    // happens meanwhile.
    let snapshot = registry.snapshot();
    let outcomes = dispatch(&snapshot, calls);
    let results = complete(&outcomes, |call, routed| {
        let base = routed.set.toolset().manifest().servers.first().cloned();
        let url = routed.call.request.url(base.as_deref().unwrap_or(""));
        println!(
            "  {} -> {} {url} (on {} #{})",
            call.name,
            routed.call.request.method.as_str(),
            routed.set.version(),
            routed.set.seq()
        );
        // A real application sends the request here; this one answers from a fixture.
        Ok(json!([{"id": 1, "name": "Rex", "tag": "dog"}]))
    });
    let messages = result_messages(Provider::Anthropic, &results);
    println!("next turn's messages:");
    println!(
        "{}",
        serde_json::to_string_pretty(&messages).map_err(|e| e.to_string())?
    );

    // 3. v2 breaks callers: `create_pet` gains a required `species`, `list_pets.limit` max
    //    drops from 100 to 50.
    let v2 = load("petstore-v2.yaml")?;
    heading("3a. install v2 with RejectBreaking");
    match registry.install_manifest(
        SET,
        v2.clone(),
        InstallOptions::default().policy(InstallPolicy::RejectBreaking),
    ) {
        Err(RegistryError::Rejected(report)) => {
            println!("rejected: {report}");
            print!("{}", report.analysis.to_text());
        }
        Err(other) => return Err(other.to_string()),
        Ok(_) => return Err("a breaking install went through under RejectBreaking".into()),
    }
    let live = registry.snapshot();
    let live_set = live.set(SET).ok_or("petstore vanished")?;
    println!(
        "live set untouched: version {} (#{}), history: {} version(s)",
        live_set.version(),
        live_set.seq(),
        registry.history(SET).len()
    );

    heading("3b. install v2 with AllowBreaking");
    let report = registry
        .install_manifest(
            SET,
            v2,
            InstallOptions::default().policy(InstallPolicy::AllowBreaking),
        )
        .map_err(|e| e.to_string())?;
    println!("{report}");
    print!("{}", report.analysis.to_text());
    println!("offered: {:?}", offered(&registry));

    // The call prepared on the old snapshot still holds v1.
    if let Some(Ok(routed)) = outcomes.first().map(|o| &o.result) {
        println!(
            "a call prepared before the swap still runs on version {} (#{})",
            routed.set.version(),
            routed.set.seq()
        );
    }

    // 4. Switch a tool off: it leaves every export; calling it is a fixable error.
    heading("4. disable a tool");
    registry
        .disable(
            "petstore_delete_pet",
            "deletes are paused during the migration",
        )
        .map_err(|e| e.to_string())?;
    println!("offered: {:?}", offered(&registry));
    if let Err(e) = registry.prepare("petstore_delete_pet", &json!({"petId": "7"})) {
        println!("calling it: {e}");
    }

    // 5. Roll back to v1 (sequence number 1).
    heading("5. roll back to v1");
    for entry in registry.history(SET) {
        println!(
            "  kept #{} version {} ({} tools updated)",
            entry.seq,
            entry.version,
            entry.report.updated.len()
        );
    }
    let report = registry.rollback(SET, 1, None).map_err(|e| e.to_string())?;
    println!("{report}");
    print!("{}", report.analysis.to_text());
    println!("offered: {:?}", offered(&registry));

    heading("events received on the channel");
    for event in events.try_iter() {
        match event {
            ChangeEvent::Applied(r) => println!("  applied  {r}"),
            ChangeEvent::Rejected(r) => println!("  rejected {r}"),
            ChangeEvent::ToolDisabled { tool, .. } => println!("  disabled {tool}"),
            ChangeEvent::ToolEnabled { tool, .. } => println!("  enabled  {tool}"),
            ChangeEvent::SourceRejected(r) => println!("  source rejected {r}"),
            other => println!("  {other:?}"),
        }
    }
    Ok(())
}
