use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::discovery::testing::petstore;
use crate::manifest::Manifest;
use crate::toolset::DynamicToolSet;

fn meta() -> MetaTools {
    let manifest = Manifest {
        title: "Pets".into(),
        version: "1".into(),
        tools: petstore(),
        ..Manifest::default()
    };
    MetaTools::new(Arc::new(DynamicToolSet::new(manifest)))
}

fn problems(err: CallError) -> Vec<String> {
    match err {
        CallError::InvalidArguments(e) => e.problems.iter().map(ToString::to_string).collect(),
        other => panic!("expected invalid arguments, got {other:?}"),
    }
}

#[test]
fn rendered_for_every_provider_under_their_names() {
    let m = meta();
    let all = m.render_providers(&RenderOptions::default());
    assert_eq!(all.len(), Provider::ALL.len());
    for p in Provider::ALL {
        let tools = m.render(p, &RenderOptions::default());
        assert_eq!(tools.len(), 2);
        assert_eq!(Value::Array(tools.clone()), all[p.key()], "{p}");
        let text = Value::Array(tools).to_string();
        assert!(text.contains("\"search_tools\"") && text.contains("\"call_tool\""));
    }
    let mcp = m.render(Provider::Mcp, &RenderOptions::default());
    assert_eq!(mcp[0]["annotations"]["readOnlyHint"], true);
    assert!(m.defs()[0].description.contains("10 tools"));
}

#[test]
fn search_returns_names_descriptions_and_the_first_schemas() {
    let m = meta();
    let MetaCall::Search(out) = m
        .handle(SEARCH_TOOLS, &json!({"query": "list events", "top_k": 4}))
        .unwrap()
    else {
        panic!("expected a search result");
    };
    let tools = out["tools"].as_array().unwrap();
    assert!(!tools.is_empty() && tools.len() <= 4);
    assert_eq!(tools[0]["name"], "me_ListEvents");
    assert_eq!(tools[0]["method"], "GET");
    assert_eq!(tools[0]["path"], "/me/events");
    assert_eq!(tools[0]["description"], "List events");
    assert_eq!(
        tools[0]["variants"],
        json!(["users_ListEvents", "groups_ListEvents"])
    );
    for (i, t) in tools.iter().enumerate() {
        assert_eq!(t.get("input_schema").is_some(), i < SCHEMAS_BY_DEFAULT);
    }
    let all = m
        .search(&json!({"query": "pet", "top_k": 5, "include_schemas": true}))
        .unwrap();
    let all = all["tools"].as_array().unwrap();
    assert_eq!(all.len(), 5);
    assert!(all.iter().all(|t| t.get("input_schema").is_some()));
}

#[test]
fn search_nulls_mean_absent_and_no_matching_word_still_answers() {
    let m = meta();
    let out = m
        .search(&json!({"query": "zebra", "top_k": null, "include_schemas": null}))
        .unwrap();
    // No tool uses the word: the best partial matches come back (#24: never an empty answer
    // while the set has tools), with schemas only for the first few (the null defaults).
    let tools = out["tools"].as_array().unwrap();
    assert!(!tools.is_empty(), "{out}");
    for (i, t) in tools.iter().enumerate() {
        assert_eq!(
            t.get("input_schema").is_some(),
            i < SCHEMAS_BY_DEFAULT,
            "{out}"
        );
    }
}

#[test]
fn search_arguments_are_checked() {
    let m = meta();
    let p = problems(m.search(&json!({"top_k": 0, "extra": true})).unwrap_err());
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p.iter().any(|l| l.contains("\"query\"")));
    assert!(p.iter().any(|l| l.starts_with("/top_k")));
    assert!(p.iter().any(|l| l.contains("\"extra\"")));
    assert!(m.search(&json!({"query": "pets", "top_k": 51})).is_err());
    assert!(m.search(&json!("pets")).is_err());
}

#[test]
fn call_prepares_the_inner_call_with_its_own_checker() {
    let m = meta();
    let MetaCall::Call(call) = m
        .handle(
            CALL_TOOL,
            &json!({"name": "deletePet", "arguments": {"petId": "7"}}),
        )
        .unwrap()
    else {
        panic!("expected a call");
    };
    assert_eq!(call.tool, "deletePet");
    assert_eq!(call.request.method, crate::manifest::HttpMethod::Delete);
    assert_eq!(call.request.path, "/pets/7");

    let err = m
        .call(&json!({"name": "deletePet", "arguments": {"petId": 7, "x": 1}}))
        .unwrap_err();
    assert_eq!(err.tool(), "deletePet");
    let p = problems(err);
    assert!(p.iter().any(|l| l.starts_with("/petId")), "{p:?}");
    assert!(p.iter().any(|l| l.contains("\"x\"")), "{p:?}");
}

#[test]
fn stringified_arguments_are_accepted_and_broken_ones_reported() {
    let m = meta();
    let call = m
        .call(&json!({"name": "getPet", "arguments": "{\"petId\": \"3\"}"}))
        .unwrap();
    assert_eq!(call.request.path, "/pets/3");
    let err = m
        .call(&json!({"name": "getPet", "arguments": "{petId"}))
        .unwrap_err();
    assert!(matches!(err, CallError::UnparsableArguments { ref tool, .. } if tool == CALL_TOOL));
    let p = problems(m.call(&json!({"name": "getPet"})).unwrap_err());
    assert!(p.iter().any(|l| l.contains("\"arguments\"")), "{p:?}");
}

#[test]
fn wrong_names_get_did_you_mean() {
    let m = meta();
    let err = m
        .call(&json!({"name": "delete_pets", "arguments": {}}))
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("/name: unknown tool \"delete_pets\"; did you mean \"deletePet\""),
        "{text}"
    );
    assert!(text.contains("search_tools finds tools"));
    let p = problems(
        m.call(&json!({"name": "search_tools", "arguments": {"query": "x"}}))
            .unwrap_err(),
    );
    assert!(p[0].contains("meta-tool"));
    assert!(matches!(
        m.handle("listPets", &json!({})),
        Err(CallError::UnknownTool { .. })
    ));
}

#[test]
fn an_operation_named_like_a_meta_tool_is_reached_through_call_tool() {
    let mut tools = petstore();
    let renamed = tools.iter_mut().find(|t| t.name == "getPet").unwrap();
    renamed.name = SEARCH_TOOLS.into();
    let manifest = Manifest {
        title: "Pets".into(),
        version: "1".into(),
        tools,
        ..Manifest::default()
    };
    let m = MetaTools::new(Arc::new(DynamicToolSet::new(manifest)));
    let call = m
        .call(&json!({"name": SEARCH_TOOLS, "arguments": {"petId": "3"}}))
        .unwrap();
    assert_eq!(call.tool, SEARCH_TOOLS);
    assert_eq!(call.request.path, "/pets/3");
    // The other meta name is no operation here: still refused.
    let p = problems(
        m.call(&json!({"name": CALL_TOOL, "arguments": {}}))
            .unwrap_err(),
    );
    assert!(p[0].contains("meta-tool"), "{p:?}");
}
