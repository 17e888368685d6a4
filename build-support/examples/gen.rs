//! Generates the Rust code of each spec given, for the corpus compile script
//! (`scripts/corpus-compile.sh`) and for measuring generation time.
//!
//! ```text
//! cargo run --release -p openapi-tools-build --example gen -- OUT_DIR SPEC...
//! ```
//!
//! Writes `OUT_DIR/<module>.rs` per spec (module = the file stem made a Rust identifier), with the
//! code wrapped in `pub mod <module>` and the runtime at `::openapi_tools_runtime`, and prints one
//! tab-separated line per spec: `module tools lines gen_ms warnings status`. A spec that does not
//! load or generate prints `error` in the status column and its diagnostics on stderr; the exit
//! code is 1 when any spec failed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use openapi_tools_build::codegen::{CodegenSettings, generate_pretty};
use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline;

fn module_name(spec: &Path) -> String {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let out: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    // snake_case as rustc's lint sees it: no doubled, leading or trailing underscores.
    let mut out = out
        .split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "spec_");
    }
    out
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(out_dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: gen OUT_DIR SPEC...");
        return ExitCode::from(2);
    };
    if let Err(e) = std::fs::create_dir_all(&out_dir) {
        eprintln!("cannot create {}: {e}", out_dir.display());
        return ExitCode::from(2);
    }
    let mut failed = false;
    for spec in args.map(PathBuf::from) {
        let module = module_name(&spec);
        let start = Instant::now();
        let out = pipeline::manifest_from_file(&spec, &ModelOptions::default());
        let Some(manifest) = out.manifest else {
            for d in &out.diagnostics {
                eprintln!("{module}: {d}");
            }
            println!("{module}\t0\t0\t0\t0\terror");
            failed = true;
            continue;
        };
        let settings = CodegenSettings {
            runtime_path: syn::parse_quote!(::openapi_tools_runtime),
            module_name: Some(module.clone()),
            ..CodegenSettings::default()
        };
        match generate_pretty(&manifest, &settings) {
            Ok((code, warnings)) => {
                let gen_ms = start.elapsed().as_millis();
                let path = out_dir.join(format!("{module}.rs"));
                if let Err(e) = std::fs::write(&path, &code) {
                    eprintln!("cannot write {}: {e}", path.display());
                    failed = true;
                    continue;
                }
                println!(
                    "{module}\t{}\t{}\t{gen_ms}\t{}\tok",
                    manifest.tools.len(),
                    code.lines().count(),
                    warnings.len() + out.diagnostics.len()
                );
            }
            Err(diags) => {
                for d in &diags {
                    eprintln!("{module}: {d}");
                }
                println!("{module}\t{}\t0\t0\t0\terror", manifest.tools.len());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
