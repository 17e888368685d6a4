//! Snapshots of the generated code for the hand-written manifests in `fixtures/codegen/`.
//!
//! Review every change of a `.snap` file like code: it *is* the generated code. Provider schemas
//! are left out (`renderer: None`): they are the renderers' output, snapshotted in the runtime.

use std::path::PathBuf;

use openapi_tools_build::codegen::{CodegenSettings, generate_pretty};
use openapi_tools_runtime::manifest::Manifest;

fn fixture(name: &str) -> Manifest {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/codegen")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Generated code plus warnings, as one snapshot text.
fn generated(name: &str) -> String {
    let manifest = fixture(name);
    let settings = CodegenSettings {
        renderer: None,
        ..CodegenSettings::default()
    };
    let (code, warnings) = generate_pretty(&manifest, &settings).unwrap();
    let mut out = String::new();
    for w in &warnings {
        out.push_str(&format!("// {w}\n"));
    }
    out.push_str(&code);
    out
}

macro_rules! snapshot_test {
    ($test:ident, $file:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!(generated($file));
        }
    };
}

snapshot_test!(petstore, "petstore.json");
snapshot_test!(enums, "enums.json");
snapshot_test!(unions, "unions.json");
snapshot_test!(recursion, "recursion.json");
snapshot_test!(names, "names.json");
snapshot_test!(maps, "maps.json");

#[test]
fn generation_is_deterministic() {
    for name in ["petstore.json", "unions.json", "names.json"] {
        assert_eq!(generated(name), generated(name));
    }
}
