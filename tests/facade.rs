//! The facade's jobs as a user writes them: load (every problem in one `Err`), a model's turn
//! against a real HTTP server on 127.0.0.1, a watched file, and schema snapshots.
#![cfg(all(feature = "http", feature = "live", feature = "testing"))]

use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use openapi_tools::exec::Executor;
use openapi_tools::{Loader, Provider};
use serde_json::json;

fn pets(version: &str, extra: &str) -> String {
    format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "Pets", "version": "{version}"}},
            "servers": [{{"url": "http://127.0.0.1:9"}}],
            "paths": {{"/pets/{{petId}}": {{"get": {{"operationId": "showPetById",
                "parameters": [{{"name": "petId", "in": "path", "required": true,
                                 "schema": {{"type": "integer"}}}}],
                "responses": {{"200": {{"description": "ok"}}}}}}}}{extra}}}}}"#
    )
}

#[test]
fn a_spec_with_errors_is_an_err_listing_every_one() {
    let broken = r##"{"openapi": "3.0.3", "info": {"title": "Broken", "version": "1"},
        "paths": {
          "/a": {"get": {"operationId": "a", "parameters": [{"$ref": "#/components/parameters/Missing"}],
                 "responses": {"200": {"description": "ok"}}}},
          "/b": {"get": {"operationId": "b", "requestBody": {"$ref": "#/components/requestBodies/Gone"},
                 "responses": {"200": {"description": "ok"}}}}}}"##;
    let err = Loader::new().text(broken).unwrap_err();
    let errors: Vec<String> = err.errors().map(|d| d.to_string()).collect();
    assert!(errors.len() >= 2, "{errors:#?}");
    let text = err.to_string();
    assert!(text.contains("Missing") && text.contains("Gone"), "{text}");
}

#[test]
fn a_turn_runs_against_the_real_api_and_answers_in_the_provider_shape() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new().route(
        "/pets/{id}",
        get(|Path(id): Path<i64>| async move { axum::Json(json!({"id": id, "name": "Rex"})) }),
    );
    rt.spawn(async move { axum::serve(listener, app).await });

    let tools = Loader::new()
        .executor(Executor::builder().base_url(&base).build())
        .text(&pets("1", ""))
        .unwrap();
    assert_eq!(tools.names(), ["show_pet_by_id"]);
    let response = json!({"choices": [{"message": {"role": "assistant", "tool_calls": [
        {"id": "call_1", "type": "function",
         "function": {"name": "show_pet_by_id", "arguments": "{\"petId\": 7}"}},
        {"id": "call_2", "type": "function",
         "function": {"name": "show_pet_by_id", "arguments": "{\"petId\": \"seven\"}"}}
    ]}}]});
    let messages = rt
        .block_on(tools.run_turn(Provider::OpenAiChat, &response))
        .unwrap();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert_eq!(messages[0]["role"], "tool");
    assert_eq!(messages[0]["tool_call_id"], "call_1");
    let first = messages[0]["content"].as_str().unwrap();
    assert!(first.contains("Rex"), "{first}");
    // Wrong arguments come back as a result the model can fix, not as an `Err`.
    let second = messages[1]["content"].as_str().unwrap();
    assert!(second.contains("petId"), "{second}");

    // Not the provider's shape at all: the one `Err`.
    assert!(
        rt.block_on(tools.run_turn(Provider::OpenAiChat, &json!({"choices": "none"})))
            .is_err()
    );
}

#[test]
fn a_watched_file_swaps_and_schema_snapshots_catch_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("pets.json");
    std::fs::write(&spec, pets("1", "")).unwrap();
    let tools = Loader::new().watch(&spec).unwrap();
    assert_eq!(tools.names(), ["show_pet_by_id"]);

    let snapshots = dir.path().join("schemas");
    openapi_tools::testing::assert_schemas(&snapshots, &tools);
    for provider in Provider::ALL {
        assert!(openapi_tools::testing::snapshot_path(&snapshots, provider).exists());
    }
    openapi_tools::testing::assert_schemas(&snapshots, &tools);

    let more = r#", "/pets": {"get": {"operationId": "listPets",
        "responses": {"200": {"description": "ok"}}}}"#;
    let tmp = dir.path().join("pets.json.tmp");
    std::fs::write(&tmp, pets("2", more)).unwrap();
    std::fs::rename(&tmp, &spec).unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while tools.names().len() < 2 {
        assert!(Instant::now() < deadline, "the watch never swapped");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(tools.names(), ["show_pet_by_id", "list_pets"]);
    let changed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        openapi_tools::testing::assert_schemas(&snapshots, &tools);
    }))
    .unwrap_err();
    let message = changed
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(
        message.contains("+") && message.contains("list_pets"),
        "{message}"
    );
}
