//! The `search_tools` / `call_tool` meta-tools, rendered for all five providers, pass the
//! provider checker (`../shared/tools/provider_check.py`: each provider's SDK models and
//! documented rules). Needs the checker's venv (`PROVIDER_CHECK_VENV`, default
//! `/tmp/provider-check`, set up by `scripts/provider-check.sh`); skips with one line without it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use openapi_tools::runtime::discovery::MetaTools;
use openapi_tools::runtime::render::{Provider, RenderOptions};
use openapi_tools::runtime::toolset::DynamicToolSet;
use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;
use serde_json::Value;

fn checker() -> Option<(PathBuf, PathBuf)> {
    let venv = std::env::var_os("PROVIDER_CHECK_VENV")
        .map_or_else(|| PathBuf::from("/tmp/provider-check"), PathBuf::from);
    let python = venv.join("bin/python");
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("shared/tools/provider_check.py"))
        .find(|p| p.is_file())?;
    python.is_file().then_some((python, script))
}

#[test]
fn meta_tools_pass_the_provider_checker() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/specs/petstore.yaml");
    let manifest = pipeline::manifest_from_file(&spec, &ModelOptions::default())
        .manifest
        .expect("petstore manifest");
    let meta = MetaTools::new(Arc::new(DynamicToolSet::new(manifest)));
    for strict in [false, true] {
        let opts = RenderOptions {
            anthropic_strict: strict,
            ..RenderOptions::default()
        };
        let all = meta.render_providers(&opts);
        assert_eq!(all.len(), Provider::ALL.len());
        let Some((python, script)) = checker() else {
            openapi_tools_test_support::skip(
                "skipping: provider checker venv or ../shared/tools not found",
            );
            return;
        };
        let file = std::env::temp_dir().join(format!(
            "ot-meta-tools-{}-{strict}.json",
            std::process::id()
        ));
        std::fs::write(&file, Value::Object(all).to_string()).unwrap();
        let out = Command::new(&python)
            .arg(&script)
            .arg(&file)
            .arg("--quiet")
            .output()
            .expect("run provider_check.py");
        let _ = std::fs::remove_file(&file);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains(" 0 violations"),
            "strict={strict}:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
