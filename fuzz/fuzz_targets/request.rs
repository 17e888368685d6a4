//! The request builder on untrusted arguments, for every tool of the fixture specs (all
//! parameter locations and styles, JSON, form and multipart bodies): never panics, and what it
//! builds serialises.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;
use openapi_tools_runtime::manifest::ToolManifest;
use openapi_tools_runtime::request::build_request;
use openapi_tools_runtime::validate::parse_args;

static TOOLS: LazyLock<Vec<ToolManifest>> = LazyLock::new(|| {
    let mut tools = Vec::new();
    for (name, text) in [
        (
            "kitchen-sink.3.1.yaml",
            include_str!("../../fixtures/specs/kitchen-sink.3.1.yaml"),
        ),
        (
            "bodies.yaml",
            include_str!("../../fixtures/model/bodies.yaml"),
        ),
        (
            "petstore.yaml",
            include_str!("../../fixtures/specs/petstore.yaml"),
        ),
    ] {
        let out = pipeline::manifest_from_str(text, name, &ModelOptions::default());
        tools.extend(out.manifest.expect("fixture spec loads").tools);
    }
    tools
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(serde_json::Value::Object(args)) = parse_args(&text) else {
        return;
    };
    for tool in TOOLS.iter() {
        if let Ok(req) = build_request(tool, &args) {
            let _ = req.url("http://127.0.0.1:1");
            let _ = req.body_bytes();
            let _ = req.path_and_query();
            let _ = req.multipart_body("boundary");
        }
    }
});
