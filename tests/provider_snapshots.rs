//! Snapshots of every provider's rendering of every bundled fixture spec, plus the manifest.
//!
//! These are reviewed like code: a change in a snapshot is a change in what every model sees.

use std::path::{Path, PathBuf};

use openapi_tools::runtime::render::{self, Provider, RenderOptions, ToolDef};
use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;
use serde_json::{Map, Value};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/specs")
        .join(name)
}

fn rendered(name: &str, opts: &RenderOptions) -> Value {
    let out = pipeline::manifest_from_file(&fixture(name), &ModelOptions::default());
    assert!(
        !out.diagnostics.has_errors(),
        "{name}: {:#?}",
        out.diagnostics
    );
    let manifest = out.manifest.expect("manifest");
    let mut all = Map::new();
    for p in Provider::ALL {
        let tools = manifest
            .tools
            .iter()
            .map(|t| render::render(p, &ToolDef::from(t), opts).tool)
            .collect();
        all.insert(p.key().to_owned(), Value::Array(tools));
    }
    Value::Object(all)
}

#[test]
fn petstore_all_providers() {
    insta::assert_json_snapshot!(rendered("petstore.yaml", &RenderOptions::default()));
}

#[test]
fn kitchen_sink_all_providers() {
    insta::assert_json_snapshot!(rendered("kitchen-sink.3.1.yaml", &RenderOptions::default()));
}

#[test]
fn kitchen_sink_anthropic_strict() {
    let opts = RenderOptions {
        anthropic_strict: true,
        ..RenderOptions::default()
    };
    insta::assert_json_snapshot!(rendered("kitchen-sink.3.1.yaml", &opts)["anthropic"]);
}

#[test]
fn manifests() {
    for name in ["petstore.yaml", "kitchen-sink.3.1.yaml"] {
        let out = pipeline::manifest_from_file(&fixture(name), &ModelOptions::default());
        let manifest = out.manifest.expect("manifest");
        insta::assert_json_snapshot!(format!("manifest-{name}"), manifest, {
            ".source_hash" => "[sha256]"
        });
        // Diagnostics name the file by the path it was loaded from; keep snapshots independent
        // of where the repository is checked out.
        let root = env!("CARGO_MANIFEST_DIR");
        let warnings: Vec<String> = out
            .diagnostics
            .iter()
            .map(|d| d.to_string().replace(root, "<repo>"))
            .collect();
        insta::assert_debug_snapshot!(format!("diagnostics-{name}"), warnings);
    }
}
