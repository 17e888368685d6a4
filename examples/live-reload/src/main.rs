//! A program whose tools change when you edit its spec.
//!
//! ```text
//! cargo run -p example-live-reload -- path/to/spec.yaml   # watch a spec; edit it, Ctrl-C to end
//! cargo run -p example-live-reload -- --demo              # edits a spec in a temp dir by itself
//! ```
//!
//! Edits that load and pass the policy swap the tools in; a broken edit, or one that breaks
//! callers (the watch uses `RejectBreaking`), is refused and the previous tools keep serving.
//! `--demo` runs the whole story without a person (CI runs it) and fails if any step does not
//! turn out as described.

use std::path::Path;
use std::sync::mpsc::Receiver;
use std::time::Duration;

use openapi_tools::live::{LiveOptions, watch_file};
use openapi_tools::runtime::registry::{ChangeEvent, InstallPolicy, Registry, ToolFilter};
use openapi_tools::runtime::render::Provider;

type Event = ChangeEvent;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("--demo") => demo(),
        Some(path) => watch_forever(Path::new(path)),
        None => Err("usage: example-live-reload <spec file> | --demo".to_owned()),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// The tools the registry exports now (MCP names), in one line.
fn tools(registry: &Registry) -> String {
    let snapshot = registry.snapshot();
    let names: Vec<String> = snapshot
        .tools(&ToolFilter::all())
        .map(|t| t.name.to_owned())
        .collect();
    format!("[{}]", names.join(", "))
}

/// One line per event.
fn describe(event: &Event) -> String {
    match event {
        ChangeEvent::Applied(r) => format!("applied   {r}"),
        ChangeEvent::Rejected(r) => format!("refused   {r} (breaking; policy RejectBreaking)"),
        ChangeEvent::SourceRejected(r) => {
            let mut s = format!("source    {r}");
            for d in r.diagnostics.iter().skip(1) {
                s.push_str("\n          ");
                s.push_str(d);
            }
            s
        }
        other => format!("{other:?}"),
    }
}

fn watch_forever(path: &Path) -> Result<(), String> {
    let registry = Registry::new();
    let events = registry.subscribe();
    let options = LiveOptions::default().policy(InstallPolicy::RejectBreaking);
    let (_, _watch) = watch_file(&registry, "api", path, options).map_err(|e| e.to_string())?;
    println!("watching {} (Ctrl-C to end)", path.display());
    for event in events {
        println!("{}", describe(&event));
        println!("  tools now: {}", tools(&registry));
    }
    Ok(())
}

const V1: &str = "openapi: 3.1.0
info: {title: Pets, version: '1.0'}
paths:
  /pets:
    get:
      operationId: listPets
      responses: {'200': {description: ok}}
";

const V2: &str = "openapi: 3.1.0
info: {title: Pets, version: '1.1'}
paths:
  /pets:
    get:
      operationId: listPets
      responses: {'200': {description: ok}}
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {'200': {description: ok}}
";

/// A typo: a mapping where a list belongs, and an unclosed bracket.
const BROKEN: &str = "openapi: 3.1.0
info: {title: Pets, version: '1.2'}
paths:
  /pets:
    get:
      operationId: listPets
      parameters: [{name: limit, in: query
      responses: {'200': {description: ok}}
";

/// Drops `listPets`: breaks callers.
const BREAKING: &str = "openapi: 3.1.0
info: {title: Pets, version: '2.0'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses: {'200': {description: ok}}
";

/// Waits for the next event that is not a listener detail; generous timeout, no sleeps.
fn next(events: &Receiver<Event>) -> Result<Event, String> {
    events
        .recv_timeout(Duration::from_secs(30))
        .map_err(|_| "no event within 30 s".to_owned())
}

fn step(
    registry: &Registry,
    events: &Receiver<Event>,
    path: &Path,
    what: &str,
    text: &str,
    expect: fn(&Event) -> bool,
    tools_after: &str,
) -> Result<(), String> {
    println!("\n-- {what}");
    std::fs::write(path, text).map_err(|e| e.to_string())?;
    let event = next(events)?;
    println!("{}", describe(&event));
    let now = tools(registry);
    println!("   tools now: {now}");
    if !expect(&event) || now != tools_after {
        return Err(format!("unexpected outcome of `{what}`"));
    }
    Ok(())
}

fn demo() -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("openapi-tools-live-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join("pets.yaml");
    std::fs::write(&path, V1).map_err(|e| e.to_string())?;

    let registry = Registry::new();
    let events = registry.subscribe();
    let options = LiveOptions::default().policy(InstallPolicy::RejectBreaking);
    let (_, watch) = watch_file(&registry, "pets", &path, options).map_err(|e| e.to_string())?;
    println!("-- started on {}", path.display());
    println!("{}", describe(&next(&events)?));
    println!("   tools now: {}", tools(&registry));

    let result = (|| {
        step(
            &registry,
            &events,
            &path,
            "edit: add getPet",
            V2,
            |e| matches!(e, ChangeEvent::Applied(_)),
            "[list_pets, get_pet]",
        )?;
        step(
            &registry,
            &events,
            &path,
            "broken edit",
            BROKEN,
            |e| matches!(e, ChangeEvent::SourceRejected(_)),
            "[list_pets, get_pet]",
        )?;
        step(
            &registry,
            &events,
            &path,
            "breaking edit: drop listPets",
            BREAKING,
            |e| matches!(e, ChangeEvent::Rejected(_)),
            "[list_pets, get_pet]",
        )?;
        // The previous tools still serve calls.
        let routed = registry
            .prepare("get_pet", &serde_json::json!({"id": 7}))
            .map_err(|e| e.to_string())?;
        println!(
            "\n-- a call on the kept version: GET {}",
            routed.call.request.path
        );
        let mcp = registry.export(Provider::Mcp, &ToolFilter::all());
        println!("   MCP tool list: {} bytes", mcp.len());
        Ok(())
    })();
    drop(watch);
    let _ = std::fs::remove_dir_all(&dir);
    result
}
