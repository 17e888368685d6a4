//! Per-request selection and meta-tools from the library, on the real GitHub spec (1,223
//! tools, ten times OpenAI's limit): the K tools most relevant to a message, rendered for all
//! five providers; `search_tools` and `call_tool` answering like a model needs them to.
//!
//! Reads the shared corpus (`OPENAPI_TOOLS_SHARED` or `../shared`); prints one skip line when
//! it is absent.

#[path = "../benches/support/discovery_eval.rs"]
mod eval;

use std::sync::Arc;

use openapi_tools::runtime::Manifest;
use openapi_tools::runtime::discovery::{
    MetaCall, MetaTools, OPENAI_MAX_TOOLS, ToolIndex, select_rendered,
};
use openapi_tools::runtime::render::{Provider, RenderOptions};
use openapi_tools::runtime::toolset::DynamicToolSet;
use openapi_tools_test_support::skip;
use serde_json::{Value, json};

fn github() -> Option<Manifest> {
    let Some(shared) = eval::shared_dir() else {
        skip(&openapi_tools_test_support::skip_line(
            "the discovery selection test",
        ));
        return None;
    };
    match eval::load(&shared, "specs/github__api.github.com.json") {
        Ok(m) => Some(m),
        Err(e) => {
            skip(&format!("skipping: {e}"));
            None
        }
    }
}

/// The tool names in a rendered list, wherever the provider puts them.
fn names(provider: Provider, rendered: &[Value]) -> Vec<String> {
    rendered
        .iter()
        .map(|t| {
            let name = match provider {
                Provider::OpenAiChat => &t["function"]["name"],
                _ => &t["name"],
            };
            name.as_str().unwrap_or_default().to_owned()
        })
        .collect()
}

#[test]
fn selection_renders_the_relevant_tools_for_every_provider_within_openai_limit() {
    let Some(manifest) = github() else { return };
    assert!(manifest.tools.len() > OPENAI_MAX_TOOLS);
    let index = ToolIndex::from_manifest(&manifest);
    let message = "Please merge the pull request #42 in octo/hello once checks pass";
    let opts = RenderOptions::default();
    let expected = manifest
        .tools
        .iter()
        .find(|t| t.operation_id.as_deref() == Some("pulls/merge"))
        .map(|t| t.name.clone())
        .expect("pulls/merge");
    for provider in Provider::ALL {
        let few = select_rendered(&index, &manifest.tools, message, 10, provider, &opts);
        let few_names = names(provider, &few);
        assert_eq!(few.len(), 10, "{provider}");
        assert!(
            few_names[..5].contains(&expected),
            "{provider}: {few_names:?}"
        );
        let many = select_rendered(&index, &manifest.tools, message, 1000, provider, &opts);
        match provider {
            Provider::OpenAiChat | Provider::OpenAiResponses => {
                assert_eq!(many.len(), OPENAI_MAX_TOOLS, "{provider}")
            }
            _ => assert!(many.len() > OPENAI_MAX_TOOLS, "{provider}: {}", many.len()),
        }
        let many_names = names(provider, &many);
        assert_eq!(many_names[..10], few_names[..], "{provider}");
        let distinct: std::collections::BTreeSet<&String> = many_names.iter().collect();
        assert_eq!(distinct.len(), many_names.len(), "{provider}: duplicates");
    }
}

#[test]
fn meta_tools_search_then_call_on_a_real_spec() {
    let Some(manifest) = github() else { return };
    let meta = MetaTools::new(Arc::new(DynamicToolSet::new(manifest)));
    for provider in Provider::ALL {
        let rendered = meta.render(provider, &RenderOptions::default());
        assert_eq!(
            names(provider, &rendered),
            ["search_tools", "call_tool"],
            "{provider}"
        );
    }

    let Ok(MetaCall::Search(found)) = meta.handle(
        "search_tools",
        &json!({"query": "open a new issue in a repository", "top_k": 5}),
    ) else {
        panic!("search_tools failed");
    };
    let tools = found["tools"].as_array().expect("tools");
    assert_eq!(tools.len(), 5);
    assert!(tools[..3].iter().all(|t| t.get("input_schema").is_some()));
    assert!(tools[3..].iter().all(|t| t.get("input_schema").is_none()));
    let create = tools
        .iter()
        .find(|t| t["path"] == "/repos/{owner}/{repo}/issues" && t["method"] == "POST")
        .expect("issues/create among the hits");
    let name = create["name"].as_str().unwrap().to_owned();

    let Ok(MetaCall::Search(with_schemas)) = meta.handle(
        "search_tools",
        &json!({"query": "open a new issue", "top_k": 5, "include_schemas": true}),
    ) else {
        panic!("search_tools failed");
    };
    let all = with_schemas["tools"].as_array().unwrap();
    assert!(all.iter().all(|t| t.get("input_schema").is_some()));

    let args = json!({"owner": "octo", "repo": "hello", "title": "Found a bug"});
    match meta.handle("call_tool", &json!({"name": name, "arguments": args})) {
        Ok(MetaCall::Call(prepared)) => {
            let text = format!("{prepared:?}");
            assert!(text.contains("Found a bug"), "{text}");
        }
        other => panic!("call_tool: {other:?}"),
    }

    let missing_title = json!({"owner": "octo", "repo": "hello"});
    let err = meta
        .handle(
            "call_tool",
            &json!({"name": name, "arguments": missing_title}),
        )
        .expect_err("the tool's own checker rejects a call without title");
    assert!(err.to_string().contains("title"), "{err}");

    let typo = name.replacen('_', "", 1);
    let err = meta
        .handle("call_tool", &json!({"name": typo, "arguments": {}}))
        .expect_err("unknown name");
    let text = err.to_string();
    assert!(
        text.contains("did you mean") && text.contains(&name),
        "{text}"
    );
}
