//! A watched spec file in a temp dir: edits, rename-over, delete and recreate, broken and
//! breaking edits, a referenced file changed, gates. Every step waits on registry events.

mod support;

use openapi_tools_live::{LiveOptions, Outcome, gates, watch_file};
use openapi_tools_runtime::registry::{ChangeEvent, InstallPolicy, Registry, RejectStage};
use serde_json::json;
use support::{applied, rejected, source_hash, spec, wait_for, write_renaming};

fn call_path(registry: &Registry, tool: &str) -> Option<String> {
    registry
        .prepare(tool, &json!({"id": "7"}))
        .ok()
        .map(|r| r.call.request.path)
}

#[test]
fn edits_rename_over_and_delete_recreate_swap_versions_and_broken_edits_keep_the_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("api.json");
    std::fs::write(&path, spec("1", &["get_item"])).unwrap();
    let registry = Registry::new();
    let events = registry.subscribe();

    let (first, watch) = watch_file(&registry, "api", &path, LiveOptions::default()).unwrap();
    assert!(matches!(first, Outcome::Installed(_)), "{first:?}");
    applied(&events, "1");
    assert_eq!(
        call_path(&registry, "get_item").as_deref(),
        Some("/1/get_item/7")
    );
    let id1 = source_hash(&registry, "api");

    // Plain in-place edit.
    std::fs::write(&path, spec("2", &["get_item", "list_items"])).unwrap();
    applied(&events, "2");
    assert_eq!(
        call_path(&registry, "list_items").as_deref(),
        Some("/2/list_items/7")
    );

    // An editor's temp file renamed over the spec.
    write_renaming(&path, &spec("3", &["get_item", "list_items"]));
    applied(&events, "3");
    assert_eq!(
        call_path(&registry, "get_item").as_deref(),
        Some("/3/get_item/7")
    );

    // A broken edit: refused with located diagnostics; version 3 keeps serving.
    std::fs::write(&path, "{\n  \"openapi\": \"3.1.0\",\n  \"info\": [oops\n").unwrap();
    let why = rejected(&events, "rejection of the broken edit", |r| {
        r.diagnostics.iter().any(|d| d.contains("api.json:3:"))
    });
    assert_eq!(why.stage, RejectStage::Load);
    assert!(
        why.diagnostics.iter().any(|d| d.contains("api.json:3:")),
        "{why:#?}"
    );
    assert_eq!(
        call_path(&registry, "get_item").as_deref(),
        Some("/3/get_item/7")
    );

    // Deleted: refused (cannot read), still serving; recreated: installed.
    std::fs::remove_file(&path).unwrap();
    let why = rejected(&events, "rejection of the deleted file", |r| {
        r.diagnostics.iter().any(|d| d.contains("cannot read"))
    });
    assert!(
        why.diagnostics.iter().any(|d| d.contains("cannot read")),
        "{why:#?}"
    );
    assert_eq!(
        call_path(&registry, "get_item").as_deref(),
        Some("/3/get_item/7")
    );
    std::fs::write(&path, spec("4", &["get_item"])).unwrap();
    applied(&events, "4");
    assert_eq!(call_path(&registry, "list_items"), None);

    // Back to version 1's exact bytes: the same content-derived id as the first install.
    std::fs::write(&path, spec("1", &["get_item"])).unwrap();
    applied(&events, "1");
    let again = source_hash(&registry, "api");
    assert_eq!(again, id1);

    assert!(watch.is_running());
    drop(watch);
}

#[test]
fn a_breaking_edit_under_reject_breaking_and_a_gate_refusal_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("api.json");
    std::fs::write(&path, spec("1", &["get_item", "list_items", "delete_item"])).unwrap();
    let registry = Registry::new();
    let events = registry.subscribe();
    let options = LiveOptions::default()
        .policy(InstallPolicy::RejectBreaking)
        .gate(gates::max_tools(3));
    let (_, _watch) = watch_file(&registry, "api", &path, options).unwrap();
    applied(&events, "1");

    // Removing a tool breaks callers: the policy refuses it.
    std::fs::write(&path, spec("2", &["get_item", "list_items"])).unwrap();
    wait_for(
        &events,
        "policy rejection",
        |e| matches!(e, ChangeEvent::Rejected(r) if r.removed == ["delete_item"]),
    );
    assert_eq!(
        call_path(&registry, "delete_item").as_deref(),
        Some("/1/delete_item/7")
    );

    // Adding a fourth tool is not breaking, but the gate allows three.
    std::fs::write(
        &path,
        spec("3", &["get_item", "list_items", "delete_item", "put_item"]),
    )
    .unwrap();
    let why = rejected(&events, "gate rejection", |_| true);
    assert_eq!(why.stage, RejectStage::Gate);
    assert_eq!(why.diagnostics, ["4 tools, more than the allowed 3"]);
    assert!(why.version_id.is_some());
    assert_eq!(call_path(&registry, "put_item"), None);
    assert_eq!(registry.history("api").len(), 1);

    // A compatible edit still goes through.
    std::fs::write(&path, spec("4", &["get_item", "list_items", "delete_item"])).unwrap();
    applied(&events, "4");
}

#[test]
fn a_change_to_a_referenced_file_reloads_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("schemas")).unwrap();
    let pet = dir.path().join("schemas/pet.yaml");
    std::fs::write(&pet, "type: object\nproperties:\n  name: {type: string}\n").unwrap();
    let path = dir.path().join("api.yaml");
    std::fs::write(
        &path,
        "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    post:\n      \
         operationId: add_pet\n      requestBody:\n        required: true\n        content:\n          \
         application/json:\n            schema: {$ref: 'schemas/pet.yaml'}\n      responses:\n        \
         '200': {description: ok}\n",
    )
    .unwrap();
    let registry = Registry::new();
    let events = registry.subscribe();
    let (first, _watch) = watch_file(&registry, "pets", &path, LiveOptions::default()).unwrap();
    assert!(matches!(first, Outcome::Installed(_)), "{first:?}");
    let before = source_hash(&registry, "pets");
    applied(&events, "1");

    write_renaming(
        &pet,
        "type: object\nproperties:\n  name: {type: string}\n  age: {type: integer}\n",
    );
    let e = wait_for(
        &events,
        "reload after the referenced file changed",
        |e| matches!(e, ChangeEvent::Applied(r) if r.updated == ["add_pet"]),
    );
    drop(e);
    // Same info.version, new content: a new version id.
    assert_ne!(source_hash(&registry, "pets"), before);
    let schema = registry
        .snapshot()
        .set("pets")
        .unwrap()
        .toolset()
        .manifest()
        .tools[0]
        .input_schema
        .to_string();
    assert!(schema.contains("\"age\""), "{schema}");
}
