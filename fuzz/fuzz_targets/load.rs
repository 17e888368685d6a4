//! The loader and model on arbitrary bytes (read as YAML or JSON text): problems become
//! diagnostics, never panics; whatever manifest comes out renders for every provider.
#![no_main]

use libfuzzer_sys::fuzz_target;
use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;
use openapi_tools_runtime::render::{self, Provider, RenderOptions, ToolDef};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let out = pipeline::manifest_from_str(&text, "fuzz.yaml", &ModelOptions::default());
    for d in &out.diagnostics {
        let _ = d.to_string();
    }
    if let Some(manifest) = out.manifest {
        let defs: Vec<ToolDef> = manifest.tools.iter().map(ToolDef::from).collect();
        for p in Provider::ALL {
            let _ = render::render_set(p, &defs, &RenderOptions::default());
        }
    }
});
