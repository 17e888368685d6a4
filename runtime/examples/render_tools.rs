//! Renders a JSON list of tools (`[{name, title?, description, input_schema, method?,
//! deprecated?}]`, the fixture format of `fixtures/render/`) for every provider and writes the
//! provider checker's input in chunks of at most 128 tools (the per-request cap), timing the
//! rendering on stderr.
//!
//! ```text
//! cargo run -p openapi-tools-runtime --example render_tools -- TOOLS.json OUT_DIR [--anthropic-strict]
//! ../shared/tools/provider_check.py OUT_DIR/chunk-000.json
//! ```

use std::time::Instant;

use openapi_tools_runtime::HttpMethod;
use openapi_tools_runtime::render::{RenderOptions, ToolDef, render_providers};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Tool {
    name: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: String,
    input_schema: Value,
    #[serde(default)]
    method: Option<HttpMethod>,
    #[serde(default)]
    deprecated: bool,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, out_dir, rest @ ..] = args.as_slice() else {
        return Err("usage: render_tools TOOLS.json OUT_DIR [--anthropic-strict]".into());
    };
    let opts = RenderOptions {
        anthropic_strict: rest.iter().any(|a| a == "--anthropic-strict"),
        ..RenderOptions::default()
    };
    let tools: Vec<Tool> = serde_json::from_slice(&std::fs::read(input)?)?;
    let defs: Vec<ToolDef> = tools
        .iter()
        .map(|t| ToolDef {
            name: &t.name,
            title: t.title.as_deref(),
            description: &t.description,
            input_schema: &t.input_schema,
            method: t.method,
            deprecated: t.deprecated,
        })
        .collect();
    std::fs::create_dir_all(out_dir)?;
    let only = std::env::var("RENDER_ONLY").ok();
    for p in openapi_tools_runtime::render::Provider::ALL {
        if only.as_deref().is_some_and(|o| o != p.as_str()) {
            continue;
        }
        // Best of 5: the machine is shared, the minimum is the least noisy estimate.
        let best = (0..5)
            .map(|_| {
                let t = Instant::now();
                for c in defs.chunks(128) {
                    let _ = openapi_tools_runtime::render::render_set(p, c, &opts);
                }
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        eprintln!("  {:<17} {:.1} ms (best of 5)", p.as_str(), best * 1e3);
    }
    let start = Instant::now();
    let chunks: Vec<_> = defs
        .chunks(128)
        .map(|c| render_providers(c, &opts))
        .collect();
    let took = start.elapsed();
    let bytes: usize = chunks
        .iter()
        .map(|c| serde_json::to_string(c).map(|s| s.len()).unwrap_or(0))
        .sum();
    eprintln!(
        "rendered {} tools x 5 providers in {:.1} ms ({} bytes of JSON)",
        defs.len(),
        took.as_secs_f64() * 1e3,
        bytes
    );
    for (i, c) in chunks.iter().enumerate() {
        let path = format!("{out_dir}/chunk-{i:03}.json");
        std::fs::write(path, serde_json::to_vec(c)?)?;
    }
    Ok(())
}
