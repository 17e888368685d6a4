//! Round trips against recorded responses in each provider's documented shape
//! (`fixtures/calls/*.json`), dispatched through a registry holding a hand-written manifest.

use serde_json::{Value, json};

use super::*;
use crate::manifest::Manifest;
use crate::registry::{InstallOptions, Registry, Routed};
use crate::render::Provider;
use crate::request::RequestBody;
use crate::toolset::CallError;

fn fixture(name: &str) -> Value {
    let path = format!("{}/../fixtures/calls/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn petstore() -> Registry {
    let mut manifest: Manifest = serde_json::from_value(fixture("petstore.manifest.json")).unwrap();
    for t in &mut manifest.tools {
        t.rehash();
    }
    let reg = Registry::new();
    reg.install_manifest("petstore", manifest, InstallOptions::default())
        .unwrap();
    reg.disable("delete_pet", "deletes need a human's approval")
        .unwrap();
    reg
}

/// Stands in for the HTTP client: echoes the request it was given.
fn echo(_: &ToolCall, routed: &Routed) -> Result<Value, String> {
    let req = &routed.call.request;
    let body = match &req.body {
        Some(RequestBody::Json(v)) => v.clone(),
        _ => Value::Null,
    };
    Ok(json!({
        "method": req.method.as_str(),
        "path": req.path,
        "query": req.query,
        "body": body,
    }))
}

fn kind(outcome: &CallOutcome) -> &'static str {
    match &outcome.result {
        Ok(_) => "ok",
        Err(CallError::UnknownTool { .. }) => "unknown",
        Err(CallError::Disabled { .. }) => "disabled",
        Err(CallError::UnparsableArguments { .. }) => "unparsable",
        Err(CallError::InvalidArguments(_)) => "invalid",
    }
}

/// Parses, dispatches, "executes" and answers one recorded response.
fn round_trip(provider: Provider, file: &str) -> (Vec<CallOutcome>, Vec<Value>) {
    let reg = petstore();
    let calls = parse_tool_calls(provider, &fixture(file)).unwrap();
    let outcomes = dispatch(&reg.snapshot(), calls);
    let results = complete(&outcomes, echo);
    assert_eq!(results.len(), outcomes.len(), "one result per call");
    (outcomes, result_messages(provider, &results))
}

const ALL_KINDS: [&str; 5] = ["ok", "ok", "invalid", "disabled", "unknown"];

fn check_common(outcomes: &[CallOutcome]) {
    let kinds: Vec<&str> = outcomes.iter().map(kind).collect();
    assert_eq!(kinds.get(..5), Some(&ALL_KINDS[..]));
    let Err(invalid) = &outcomes[2].result else {
        panic!("create_pet must fail")
    };
    let text = invalid.to_string();
    assert!(text.contains("`create_pet`: 2 problems"), "{text}");
    assert!(
        text.contains(r#"- /: missing required property "name""#),
        "{text}"
    );
    assert!(text.contains("- /tag: expected a string, got 5"), "{text}");
    let Ok(get) = &outcomes[1].result else {
        panic!("get_pet must succeed")
    };
    assert_eq!(get.call.request.path, "/pets/7");
    assert_eq!(get.set.name(), "petstore");
}

#[test]
fn openai_chat_round_trip() {
    let (outcomes, messages) = round_trip(Provider::OpenAiChat, "openai_chat.json");
    check_common(&outcomes);
    assert_eq!(kind(&outcomes[5]), "unparsable");
    let ids: Vec<&str> = messages
        .iter()
        .map(|m| m["tool_call_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "call_list01",
            "call_get02",
            "call_create03",
            "call_delete04",
            "call_adopt05",
            "call_broken06"
        ]
    );
    insta::assert_json_snapshot!("openai_chat_round_trip", messages);
}

#[test]
fn openai_responses_round_trip() {
    let (outcomes, messages) = round_trip(Provider::OpenAiResponses, "openai_responses.json");
    check_common(&outcomes);
    assert_eq!(kind(&outcomes[5]), "unparsable");
    assert_eq!(
        outcomes[0].call.id, "call_list01",
        "call_id, not the item id"
    );
    insta::assert_json_snapshot!("openai_responses_round_trip", messages);
}

#[test]
fn anthropic_round_trip() {
    let (outcomes, messages) = round_trip(Provider::Anthropic, "anthropic.json");
    check_common(&outcomes);
    assert_eq!(outcomes.len(), 5);
    assert_eq!(
        messages.len(),
        1,
        "one user message holding every tool_result"
    );
    let flags: Vec<bool> = messages[0]["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["is_error"].as_bool().unwrap())
        .collect();
    assert_eq!(flags, [false, false, true, true, true]);
    insta::assert_json_snapshot!("anthropic_round_trip", messages);
}

#[test]
fn gemini_round_trip_in_call_order_with_made_up_ids_kept_private() {
    let (outcomes, messages) = round_trip(Provider::Gemini, "gemini.json");
    check_common(&outcomes);
    let ids: Vec<&str> = outcomes.iter().map(|o| o.call.id.as_str()).collect();
    assert_eq!(ids, ["call_0", "call_1", "call_2", "call_3", "call_4"]);
    assert!(outcomes.iter().all(|o| o.call.id_synthetic));
    assert_eq!(messages.len(), 1);
    let parts = messages[0]["parts"].as_array().unwrap();
    let names: Vec<&str> = parts
        .iter()
        .map(|p| p["functionResponse"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "list_pets",
            "get_pet",
            "create_pet",
            "delete_pet",
            "adopt_pet"
        ]
    );
    assert!(
        parts
            .iter()
            .all(|p| p["functionResponse"].get("id").is_none())
    );
    insta::assert_json_snapshot!("gemini_round_trip", messages);
}

#[test]
fn mcp_round_trip_echoes_json_rpc_ids() {
    let (outcomes, messages) = round_trip(Provider::Mcp, "mcp.json");
    check_common(&outcomes);
    assert_eq!(outcomes.len(), 5, "the notification is not a call");
    let ids: Vec<&Value> = messages.iter().map(|m| &m["id"]).collect();
    assert_eq!(
        ids,
        [&json!(1), &json!("req-2"), &json!(3), &json!(4), &json!(5)]
    );
    insta::assert_json_snapshot!("mcp_round_trip", messages);
}

#[test]
fn a_fixed_call_succeeds_on_retry() {
    let reg = petstore();
    let retry = json!({"content": [{"type": "tool_use", "id": "toolu_09", "name": "create_pet",
                                     "input": {"name": "Rex", "tag": "dog"}}]});
    let calls = parse_tool_calls(Provider::Anthropic, &retry).unwrap();
    let outcomes = dispatch(&reg.snapshot(), calls);
    let Ok(routed) = &outcomes[0].result else {
        panic!("retry must succeed: {:?}", outcomes[0].result)
    };
    assert_eq!(
        routed.call.request.body,
        Some(RequestBody::Json(json!({"name": "Rex", "tag": "dog"})))
    );
}

#[test]
fn unknown_tool_wins_over_unparsable_arguments() {
    let reg = petstore();
    let resp = json!({"choices": [{"message": {"tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "nope", "arguments": "{"}},
        {"id": "c2", "type": "function", "function": {"name": "delete_pet", "arguments": "{"}}
    ]}}]});
    let outcomes = dispatch(
        &reg.snapshot(),
        parse_tool_calls(Provider::OpenAiChat, &resp).unwrap(),
    );
    assert_eq!(kind(&outcomes[0]), "unknown");
    assert_eq!(kind(&outcomes[1]), "disabled");
}

// ---- parser edge cases ---------------------------------------------------------------------

fn parse(provider: Provider, v: Value) -> Vec<ToolCall> {
    parse_tool_calls(provider, &v).unwrap()
}

#[test]
fn responses_without_calls_parse_to_nothing() {
    assert!(parse(Provider::OpenAiChat, json!({"choices": []})).is_empty());
    assert!(
        parse(
            Provider::OpenAiChat,
            json!({"choices": [{"message": {"content": "hi"}}]})
        )
        .is_empty()
    );
    assert!(parse(Provider::OpenAiResponses, json!({"output": []})).is_empty());
    assert!(
        parse(
            Provider::Anthropic,
            json!({"content": [{"type": "text", "text": "hi"}]})
        )
        .is_empty()
    );
    assert!(
        parse(
            Provider::Gemini,
            json!({"candidates": [{"finishReason": "SAFETY"}]})
        )
        .is_empty()
    );
    assert!(
        parse(
            Provider::Mcp,
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
        )
        .is_empty()
    );
}

#[test]
fn wrong_containers_are_shape_errors_with_a_pointer() {
    let e = parse_tool_calls(Provider::OpenAiChat, &json!({"choices": {}})).unwrap_err();
    assert_eq!((e.pointer.as_str(), e.expected), ("/choices", "an array"));
    let e = parse_tool_calls(
        Provider::OpenAiChat,
        &json!({"choices": [{"message": {"tool_calls": "x"}}]}),
    )
    .unwrap_err();
    assert_eq!(e.pointer, "/choices/0/message/tool_calls");
    let e = parse_tool_calls(
        Provider::Gemini,
        &json!({"candidates": [{"content": {"parts": 1}}]}),
    )
    .unwrap_err();
    assert_eq!(e.pointer, "/candidates/0/content/parts");
    assert!(parse_tool_calls(Provider::Anthropic, &json!("text")).is_err());
    assert!(parse_tool_calls(Provider::Mcp, &json!([1])).is_err());
}

#[test]
fn malformed_calls_are_kept_not_dropped() {
    let calls = parse(
        Provider::OpenAiChat,
        json!({"tool_calls": [
            {"type": "function", "function": {"arguments": "{}"}},
            7,
            {"id": "c3", "type": "function", "function": {"name": "t", "arguments": ""}},
            {"id": "c4", "type": "function", "function": {"name": "t", "arguments": {"a": 1}}},
            {"id": "c5", "type": "function", "function": {"name": "t", "arguments": "[1, 2]"}}
        ]}),
    );
    assert_eq!(calls.len(), 5);
    assert_eq!(
        (calls[0].id.as_str(), calls[0].id_synthetic),
        ("call_0", true)
    );
    assert_eq!(calls[0].name, "");
    assert_eq!(calls[1].id, "call_1");
    assert_eq!(calls[2].arguments, Ok(json!({})));
    assert_eq!(calls[3].arguments, Ok(json!({"a": 1})));
    assert_eq!(
        calls[4].arguments,
        Ok(json!([1, 2])),
        "the checker reports non-objects"
    );

    let bad = parse(
        Provider::OpenAiResponses,
        json!([{"type": "function_call", "call_id": "c", "name": "t", "arguments": "{\"a\": }"}]),
    );
    let err = bad[0].arguments.as_ref().unwrap_err();
    assert_eq!(err.raw, "{\"a\": }");
    assert!(err.message.contains("column"), "{}", err.message);
}

#[test]
fn unwrapped_shapes_and_provider_ids_are_accepted() {
    let blocks = parse(
        Provider::Anthropic,
        json!([{"type": "tool_use", "id": "toolu_1", "name": "t"}]),
    );
    assert_eq!(blocks[0].arguments, Ok(json!({})));
    let gemini = parse(
        Provider::Gemini,
        json!({"role": "model", "parts": [{"functionCall": {"id": "fc-9", "name": "t", "args": {"x": 1}}}]}),
    );
    assert_eq!(
        (gemini[0].id.as_str(), gemini[0].id_synthetic),
        ("fc-9", false)
    );
    let results = [ToolResult::success(&gemini[0], json!({"ok": true}))];
    let msgs = result_messages(Provider::Gemini, &results);
    assert_eq!(msgs[0]["parts"][0]["functionResponse"]["id"], "fc-9");
    assert_eq!(
        msgs[0]["parts"][0]["functionResponse"]["response"],
        json!({"output": {"ok": true}})
    );
    let mcp = parse(
        Provider::Mcp,
        json!({"jsonrpc": "2.0", "id": 42, "method": "tools/call", "params": {"name": "t", "arguments": {"a": 1}}}),
    );
    assert_eq!(
        (mcp[0].id.as_str(), mcp[0].rpc_id.clone()),
        ("42", Some(json!(42)))
    );
}

#[test]
fn no_results_means_no_messages() {
    for p in Provider::ALL {
        assert!(result_messages(p, &[]).is_empty(), "{p:?}");
    }
}

#[test]
fn mcp_success_with_an_object_also_carries_structured_content() {
    let call = parse(
        Provider::Mcp,
        json!({"jsonrpc": "2.0", "id": "a", "method": "tools/call", "params": {"name": "t"}}),
    )
    .remove(0);
    let ok = result_messages(
        Provider::Mcp,
        &[ToolResult::success(&call, json!({"n": 1}))],
    );
    assert_eq!(ok[0]["result"]["structuredContent"], json!({"n": 1}));
    assert_eq!(ok[0]["result"]["content"][0]["text"], "{\"n\":1}");
    let text = result_messages(Provider::Mcp, &[ToolResult::success(&call, "plain")]);
    assert!(text[0]["result"].get("structuredContent").is_none());
    assert_eq!(text[0]["result"]["content"][0]["text"], "plain");
}

#[test]
fn oversized_arguments_are_refused_on_every_provider_path() {
    let big = "x".repeat(33 << 20);
    let text_args = serde_json::to_string(&json!({"q": big})).unwrap();
    let chat = json!({"tool_calls": [{"id": "c1", "type": "function",
        "function": {"name": "list_pets", "arguments": text_args}}]});
    let calls = parse_tool_calls(Provider::OpenAiChat, &chat).unwrap();
    let err = calls[0].arguments.as_ref().unwrap_err();
    assert!(
        err.message.contains("at most 33554432 bytes"),
        "{}",
        err.message
    );
    assert!(
        err.raw.is_empty(),
        "the oversized text is not copied into the error"
    );
    let anthropic = json!({"content": [{"type": "tool_use", "id": "t1", "name": "list_pets",
        "input": {"q": big}}]});
    let calls = parse_tool_calls(Provider::Anthropic, &anthropic).unwrap();
    assert!(calls[0].arguments.is_err());
    let small = json!({"content": [{"type": "tool_use", "id": "t1", "name": "list_pets",
        "input": {"q": "cats"}}]});
    assert!(
        parse_tool_calls(Provider::Anthropic, &small).unwrap()[0]
            .arguments
            .is_ok()
    );
}
