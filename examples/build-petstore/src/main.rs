//! Tools generated from build.rs (`build.rs` -> `$OUT_DIR/clinic.rs`), served through the
//! runtime registry: the flow an agent runs on each model turn.
//!
//! 1. install the generated tool set in a registry and export it for the provider,
//! 2. read the tool calls out of a recorded OpenAI Responses and a recorded Anthropic response,
//! 3. dispatch them: typed arguments and an HTTP request per valid call, every problem of an
//!    invalid one,
//! 4. build the next turn's messages (errors flagged, for the model to fix).
//!
//! Run it with `cargo run -p example-build-petstore`.

use std::sync::Arc;

use openapi_tools::runtime::calls::{complete, dispatch, parse_tool_calls, result_messages};
use openapi_tools::runtime::registry::{InstallOptions, Registry, ToolFilter};
use openapi_tools::runtime::render::Provider;
use openapi_tools::runtime::request::{HttpRequest, RequestBody};

// The generated code: `pub mod clinic { ... }` (the build script sets `.module("clinic")`).
// Generated items carry the spec's descriptions where it has them; not every field does.
#[allow(missing_docs)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/clinic.rs"));
}
use generated::clinic;

/// A recorded OpenAI Responses API response: two `function_call` items. The second one carries
/// a pet name that is also a path traversal attempt; it stays one path segment.
const OPENAI_RESPONSE: &str = r#"{
  "id": "resp_67ccd2bed1ec8190",
  "object": "response",
  "created_at": 1741476542,
  "status": "completed",
  "model": "gpt-4.1-2025-04-14",
  "output": [
    {"type": "function_call", "id": "fc_12345xyz", "call_id": "call_12345xyz",
     "name": "list_owner_pets",
     "arguments": "{\"username\":\"maria\",\"filter\":{\"species\":\"cat\",\"vaccinated\":true},\"sort\":[\"-age\",\"name\"],\"accept_language\":\"pt-BR\"}"},
    {"type": "function_call", "id": "fc_67890abc", "call_id": "call_67890abc",
     "name": "book_visit",
     "arguments": "{\"username\":\"maria\",\"petName\":\"../admin?x=1#Tom\",\"date\":\"2025-03-14\",\"reason\":\"Annual check-up and vaccines\",\"vet\":null,\"weightKg\":4.2}"}
  ],
  "usage": {"input_tokens": 1204, "output_tokens": 88, "total_tokens": 1292}
}"#;

/// A recorded Anthropic response: an upload that is fine, and a booking with several mistakes
/// at once (wrong date format, reason too short, a slot that does not exist, weight out of
/// range): every problem is listed, so the model can fix them in one go.
const ANTHROPIC_RESPONSE: &str = r#"{
  "id": "msg_01Aq9w938a90dw8q",
  "type": "message",
  "role": "assistant",
  "model": "claude-sonnet-4-5",
  "content": [
    {"type": "text", "text": "Uploading the X-ray, then booking the follow-up."},
    {"type": "tool_use", "id": "toolu_01XRAY", "name": "upload_x_ray",
     "input": {"recordId": "0b7f4c4e-2f49-4a59-8f0a-9d7c1e2b3a4d", "image": "iVBORw0KGgo=", "caption": "Left hind leg"}},
    {"type": "tool_use", "id": "toolu_02BOOK", "name": "book_visit",
     "input": {"username": "maria", "petName": "Tom", "date": "14/03/2025", "reason": "ok",
               "slot": "evening", "weightKg": 250}}
  ],
  "stop_reason": "tool_use"
}"#;

const BASE_URL: &str = "https://clinic.example.com/api";

fn main() {
    // 1. Install the generated tool set; the registry pre-renders each provider's schemas.
    let registry = Registry::new();
    if let Err(e) = registry.install(
        "clinic",
        Arc::new(clinic::Clinic),
        InstallOptions::default(),
    ) {
        eprintln!("install failed: {e}");
        std::process::exit(1);
    }
    let exported = registry.export(Provider::OpenAiResponses, &ToolFilter::all());
    println!(
        "offering the clinic tools to OpenAI ({} bytes of tool JSON)\n",
        exported.len()
    );

    for (provider, text) in [
        (Provider::OpenAiResponses, OPENAI_RESPONSE),
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
        // 2. + 3. Every call parsed and prepared on the live version of its tool set.
        let calls = match parse_tool_calls(provider, &response) {
            Ok(calls) => calls,
            Err(e) => {
                eprintln!("{e}");
                continue;
            }
        };
        let outcomes = dispatch(&registry.snapshot(), calls);
        let results = complete(&outcomes, |call, routed| {
            // The typed arguments, for application logic that wants them.
            if let Some(typed) = routed.call.args.downcast_ref::<clinic::Call>() {
                println!("{} -> {typed:?}", call.id);
            }
            print_request(&routed.call.request);
            // A real agent sends the request here; the example pretends it worked.
            Ok(serde_json::json!({"status": "ok"}))
        });
        for (outcome, result) in outcomes.iter().zip(&results) {
            if result.is_error {
                println!(
                    "{} -> rejected, the model is told:\n{}\n",
                    outcome.call.id,
                    result.text()
                );
            }
        }
        // 4. The next turn's messages in the provider's shape.
        let messages = result_messages(provider, &results);
        println!(
            "next turn:\n{}\n",
            serde_json::to_string_pretty(&messages).unwrap_or_default()
        );
    }
}

fn print_request(r: &HttpRequest) {
    println!("  {} {}", r.method.as_str(), r.url(BASE_URL));
    for (name, value) in &r.headers {
        println!("  {name}: {value}");
    }
    match &r.body {
        Some(RequestBody::Json(body)) => println!("  {body}"),
        Some(other) => {
            if let Some(bytes) = r.body_bytes() {
                println!(
                    "  ({} bytes) {}",
                    bytes.len(),
                    String::from_utf8_lossy(&bytes)
                );
            } else {
                println!("  {other:?}");
            }
        }
        None => {}
    }
    println!();
}
