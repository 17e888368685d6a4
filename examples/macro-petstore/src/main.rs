//! The `openapi_tools!` macro on a pet store spec (`specs/petstore.yaml`, whose component
//! schemas live in `specs/schemas.yaml`: the crate rebuilds when either changes).
//!
//! The flow an agent runs on every model turn:
//! 1. offer the tools (provider schemas rendered at compile time),
//! 2. read the tool calls out of the model's response (recorded OpenAI and Anthropic responses
//!    below),
//! 3. parse each call into typed arguments (every problem listed when they are wrong),
//! 4. send valid calls over HTTP with the executor (feature `http`) and turn the responses,
//!    and the invalid calls, into results the model can act on in its next turn.
//!
//! The API is a small pet shop the example starts on 127.0.0.1 (`shop` below), so every call
//! makes a real round trip. Run it with `cargo run -p example-macro-petstore`.

mod shop;

use openapi_tools::runtime::calls::{ToolCall, ToolResult, parse_tool_calls, result_messages};
use openapi_tools::runtime::exec::Executor;
use openapi_tools::runtime::render::Provider;
use openapi_tools::runtime::request::{HttpRequest, RequestBody};
use openapi_tools::runtime::toolset::ToolSet;

/// The generated tool set: one typed struct per operation, `Call` over all of them, `Tools`.
mod petstore {
    openapi_tools::openapi_tools!(
        spec = "specs/petstore.yaml",
        // `showPetById` is what the API calls it; the model sees `get_pet`.
        rename = { "showPetById" = "get_pet" },
        // The last manifest, committed: a breaking change in the spec shows up as a warning
        // naming the change (add `deny_breaking = true` to make it an error).
        lock_file = "tools.lock.json",
    );
}

use petstore::{Call, ToolArgs};

/// A recorded OpenAI Chat Completions response: the model lists available dogs and places an
/// order in one turn (arguments arrive as JSON text).
const OPENAI_RESPONSE: &str = r#"{
  "id": "chatcmpl-AbC123",
  "object": "chat.completion",
  "created": 1731600000,
  "model": "gpt-4o-2024-08-06",
  "choices": [{
    "index": 0,
    "message": {
      "role": "assistant",
      "content": null,
      "tool_calls": [
        {"id": "call_9pXq", "type": "function",
         "function": {"name": "list_pets", "arguments": "{\"limit\": 5, \"status\": [\"available\", \"pending\"], \"x_request_id\": \"4f9c1c1e-5a43-4d1e-9f77-1c2b3d4e5f60\"}"}},
        {"id": "call_7KmB", "type": "function",
         "function": {"name": "place_order", "arguments": "{\"petId\": 42, \"quantity\": 1, \"note\": \"Leave at the back door\"}"}}
      ]
    },
    "finish_reason": "tool_calls"
  }],
  "usage": {"prompt_tokens": 812, "completion_tokens": 61, "total_tokens": 873}
}"#;

/// A recorded Anthropic Messages response with two mistakes a model really makes: a number
/// written as a word, an enum value that does not exist, an unknown property, a quantity out
/// of range, plus a tool that does not exist.
const ANTHROPIC_RESPONSE: &str = r#"{
  "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
  "type": "message",
  "role": "assistant",
  "model": "claude-sonnet-4-5",
  "content": [
    {"type": "text", "text": "I'll look up the pet and order two of them."},
    {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9",
     "name": "get_pet", "input": {"petId": 7}},
    {"type": "tool_use", "id": "toolu_01B2",
     "name": "create_pet", "input": {"name": "", "status": "adopted", "colour": "brown"}},
    {"type": "tool_use", "id": "toolu_01C3",
     "name": "place_order", "input": {"petId": "seven", "quantity": 20}},
    {"type": "tool_use", "id": "toolu_01D4",
     "name": "feed_pet", "input": {"petId": 7}}
  ],
  "stop_reason": "tool_use",
  "usage": {"input_tokens": 905, "output_tokens": 118}
}"#;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // The API: the spec says https://pets.example.com/v1; this run points the executor at the
    // local shop instead (the host never comes from the model's arguments).
    let base_url = match shop::start().await {
        Ok(addr) => format!("http://{addr}/v1"),
        Err(e) => {
            eprintln!("cannot start the local pet shop: {e}");
            std::process::exit(1);
        }
    };
    let executor = Executor::builder().base_url(&base_url).build();

    // 1. What the model is offered: rendered at compile time, one JSON array per provider.
    let openai_tools = petstore::Tools::schemas("openai-chat").unwrap_or("[]");
    let manifest = petstore::Tools.manifest();
    let names: Vec<&str> = manifest.tools.iter().map(|t| t.name.as_str()).collect();
    println!(
        "offering {} tools ({} bytes of OpenAI tool JSON): {}\n",
        names.len(),
        openai_tools.len(),
        names.join(", ")
    );

    for (provider, text) in [
        (Provider::OpenAiChat, OPENAI_RESPONSE),
        (Provider::Anthropic, ANTHROPIC_RESPONSE),
    ] {
        println!("=== {} response ===", provider.as_str());
        let response: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("the recorded response is not JSON: {e}");
                continue;
            }
        };
        // 2. The tool calls, in order; none is dropped, even with unreadable arguments.
        let calls = match parse_tool_calls(provider, &response) {
            Ok(calls) => calls,
            Err(e) => {
                eprintln!("{e}");
                continue;
            }
        };
        let mut results: Vec<ToolResult> = Vec::with_capacity(calls.len());
        for call in &calls {
            results.push(handle(&executor, &base_url, call).await);
        }
        // 4. The next turn's messages, in the provider's shape (errors flagged for the model).
        let messages = result_messages(provider, &results);
        println!(
            "next turn ({} message(s)):\n{}\n",
            messages.len(),
            serde_json::to_string_pretty(&messages).unwrap_or_default()
        );
    }

    // Typed arguments can also be used directly, without a response around them.
    match petstore::ListPetsArgs::parse(r#"{"limit": 0, "status": ["lost"]}"#) {
        Ok(args) => println!("unexpectedly valid: {args:?}"),
        Err(errors) => println!("ListPetsArgs::parse says:\n{errors}"),
    }
}

/// Step 3, one call: typed arguments sent over HTTP (one line: `executor.send(&typed)`), or
/// the error the model gets back.
async fn handle(executor: &Executor, base_url: &str, call: &ToolCall) -> ToolResult {
    let args = match &call.arguments {
        Ok(args) => args,
        Err(bad) => return ToolResult::error(call, bad.message.clone()),
    };
    let typed = Call::from_value(&call.name, args).and_then(|typed| {
        println!("{} -> {typed:?}", call.id);
        typed
            .request()
            .map(|request| (typed, request))
            .map_err(openapi_tools::runtime::toolset::CallError::InvalidArguments)
    });
    match typed {
        Ok((typed, request)) => {
            print_request(&request, base_url);
            let result = executor.send(&typed).await;
            println!(
                "  <- HTTP {} {}\n",
                result.status.map_or("-".to_owned(), |s| s.to_string()),
                result.body_text()
            );
            result.into_tool_result(call)
        }
        Err(e) => {
            println!("{} -> rejected, the model is told:\n{e}\n", call.id);
            ToolResult::error(call, e.to_string())
        }
    }
}

fn print_request(r: &HttpRequest, base_url: &str) {
    println!("  {} {}", r.method.as_str(), r.url(base_url));
    for (name, value) in &r.headers {
        println!("  {name}: {value}");
    }
    if let Some(RequestBody::Json(body)) = &r.body {
        println!("  {body}");
    }
    println!();
}
