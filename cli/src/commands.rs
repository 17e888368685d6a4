//! What each subcommand does. Every command prints its output only when nothing failed
//! (`schemas` streams it tool by tool once the document is modelled).

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use openapi_tools_build::model::ModelOptions;
use openapi_tools_build::pipeline::{self, SpecOutput};
use openapi_tools_build::render_notes;
use openapi_tools_build::settings::{Settings, generate_pretty_from_settings};
use openapi_tools_runtime::Manifest;
use openapi_tools_runtime::diff;
use openapi_tools_runtime::render::{self, Provider, RenderOptions, ToolDef};
use serde_json::Value;

use crate::args::{Cli, Command, DiffFormat, ProviderArg, Selection};

/// Runs a parsed command line; `Err` is a usage-level failure (exit 2).
pub fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Schemas {
            spec,
            provider,
            anthropic_strict,
            think,
            select,
        } => {
            let model = model_options(&select);
            let Some(mut manifest) = load_with(&spec, &model)? else {
                return Ok(ExitCode::FAILURE);
            };
            think.augment().apply(&mut manifest);
            // Gemini's `$ref` inlining stays within the budget the tools were modelled with.
            let opts = RenderOptions {
                anthropic_strict,
                max_schema_nodes: model.schema_budget(),
            };
            // Whole-set rendering: limits that span a request (Anthropic's strict budget)
            // are applied across the set, not per tool. Streamed one tool at a time: a big
            // document's rendered set is many times its size.
            let defs: Vec<ToolDef> = manifest.tools.iter().map(ToolDef::from).collect();
            let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            match provider_of(provider) {
                Some(p) => render::write_set(p, &defs, &opts, &mut stdout),
                None => render::write_providers(&defs, &opts, &mut stdout),
            }
            .and_then(|()| stdout.write_all(b"\n"))
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("cannot write to stdout: {e}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { spec, select } => {
            let model = model_options(&select);
            let mut out = pipeline::manifest_from_file(&spec, &model);
            // What the provider renderers change (lost strict mode, dropped keywords), beside
            // the spec's own problems.
            if let Some(manifest) = &out.manifest {
                let opts = RenderOptions {
                    max_schema_nodes: model.schema_budget(),
                    ..RenderOptions::default()
                };
                let notes = render_notes::explain(manifest, &opts);
                out.diagnostics
                    .extend(notes.into_iter().map(|d| d.with_file(&spec)).collect());
            }
            report(&out, true);
            let tools = out.manifest.as_ref().map_or(0, |m| m.tools.len());
            eprintln!(
                "{}: {} tools, {} errors, {} warnings, {} notes",
                spec.display(),
                tools,
                out.diagnostics.error_count(),
                out.diagnostics.warning_count(),
                out.diagnostics.info_count()
            );
            Ok(if out.diagnostics.has_errors() || out.manifest.is_none() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Manifest { spec, select } => {
            let Some(manifest) = load_or_report(&spec, &select)? else {
                return Ok(ExitCode::FAILURE);
            };
            let value = serde_json::to_value(&manifest).map_err(|e| e.to_string())?;
            print_json(&value)
        }
        Command::Generate {
            spec,
            output,
            select,
            renames,
            runtime,
            module,
            toolset,
            lock_file,
            deny_breaking,
        } => {
            let mut settings = Settings::new(spec);
            settings.model = model_options(&select);
            for r in &renames {
                let Some((op, name)) = r.split_once('=') else {
                    return Err(format!("--rename `{r}`: expected OP=NAME"));
                };
                settings
                    .model
                    .name_overrides
                    .insert(op.trim().to_owned(), name.trim().to_owned());
            }
            settings
                .set_runtime_path(&runtime)
                .map_err(|e| e.to_string())?;
            settings.codegen.module_name = module;
            settings.codegen.toolset_name = toolset;
            settings.lock_file = lock_file;
            settings.deny_breaking = deny_breaking;
            generate(&settings, output.as_deref())
        }
        Command::Call(args) => crate::call::run(args, manifest_or_spec),
        Command::Diff {
            old,
            new,
            format,
            fail_on_breaking,
            select,
        } => {
            let (Some(old_m), Some(new_m)) = (
                manifest_or_spec(&old, &select)?,
                manifest_or_spec(&new, &select)?,
            ) else {
                return Ok(ExitCode::FAILURE);
            };
            let report = diff::diff(&old_m, &new_m);
            let text = match format {
                DiffFormat::Json => {
                    serde_json::to_string_pretty(&report).map_err(|e| e.to_string())? + "\n"
                }
                DiffFormat::Text => report.to_text(),
            };
            write_stdout(&text)?;
            Ok(if fail_on_breaking && report.breaking {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Search(args) => crate::search::run(args),
        Command::Serve(args) => crate::serve::run(args),
        Command::History(args) => crate::operate::history(args),
        Command::Rollback(args) => crate::operate::rollback(args),
        Command::Disable(args) => crate::operate::toggle(args, false),
        Command::Enable(args) => crate::operate::toggle(args, true),
        Command::Publish(args) => crate::operate::publish(args),
        Command::Pin(args) => crate::operate::pin(args, true),
        Command::Unpin(args) => crate::operate::pin(args, false),
    }
}

/// `generate`: the shared generator, paths relative to the working directory; errors (and
/// warnings as a count) to stderr, the code to stdout or `output` only on success.
fn generate(settings: &Settings, output: Option<&Path>) -> Result<ExitCode, String> {
    let (out, text) = generate_pretty_from_settings(settings, Path::new(""));
    let mut stderr = std::io::stderr().lock();
    for d in out.diagnostics.iter().filter(|d| d.is_error()) {
        let _ = writeln!(stderr, "{d}");
    }
    for d in out
        .diagnostics
        .iter()
        .filter(|d| !d.is_error() && d.message.starts_with("breaking change"))
    {
        let _ = writeln!(stderr, "{d}");
    }
    let warnings = out.diagnostics.warning_count();
    if warnings > 0 {
        let _ = writeln!(
            stderr,
            "{warnings} warnings; run `openapi-tools check {}` to list them",
            settings.spec.display()
        );
    }
    let Some(text) = text.filter(|_| !out.diagnostics.has_errors()) else {
        return Ok(ExitCode::FAILURE);
    };
    match output {
        Some(path) => openapi_tools_build::lock::write_atomic(path, &text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => write_stdout(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn provider_of(arg: ProviderArg) -> Option<Provider> {
    match arg {
        ProviderArg::OpenaiChat => Some(Provider::OpenAiChat),
        ProviderArg::OpenaiResponses => Some(Provider::OpenAiResponses),
        ProviderArg::Anthropic => Some(Provider::Anthropic),
        ProviderArg::Gemini => Some(Provider::Gemini),
        ProviderArg::Mcp => Some(Provider::Mcp),
        ProviderArg::All => None,
    }
}

pub(crate) fn model_options(select: &Selection) -> ModelOptions {
    ModelOptions {
        namespace: select.namespace.clone(),
        include_tags: select.tags.clone(),
        exclude_tags: select.exclude_tags.clone(),
        include_operations: select.operations.clone(),
        exclude_operations: select.exclude_operations.clone(),
        include_paths: select.paths.clone(),
        exclude_paths: select.exclude_paths.clone(),
        max_schema_nodes: select
            .max_schema_nodes
            .map(|n| if n == 0 { usize::MAX } else { n }),
        ..ModelOptions::default()
    }
}

/// Loads and models a spec; prints its problems to stderr. `None` when it has errors.
fn load_or_report(spec: &Path, select: &Selection) -> Result<Option<Manifest>, String> {
    load_with(spec, &model_options(select))
}

/// [`load_or_report`] with model options built by the caller.
pub(crate) fn load_with(spec: &Path, opts: &ModelOptions) -> Result<Option<Manifest>, String> {
    checked(spec, pipeline::manifest_from_file(spec, opts))
}

/// The manifest of a load's `out`, after reporting its problems; `None` when it has errors.
pub(crate) fn checked(spec: &Path, out: SpecOutput) -> Result<Option<Manifest>, String> {
    report(&out, false);
    if out.diagnostics.has_errors() {
        eprintln!(
            "{}: {} errors; run `openapi-tools check` for the full list",
            spec.display(),
            out.diagnostics.error_count()
        );
        return Ok(None);
    }
    Ok(out.manifest)
}

/// A manifest JSON file (as `openapi-tools manifest` prints) is used as is; anything else is
/// loaded as an OpenAPI document.
pub(crate) fn manifest_or_spec(
    path: &Path,
    select: &Selection,
) -> Result<Option<Manifest>, String> {
    if let Ok(bytes) = std::fs::read(path)
        && let Ok(value) = serde_json::from_slice::<Value>(&bytes)
        && value.get("tools").is_some()
        && value.get("source_hash").is_some()
    {
        return serde_json::from_value(value)
            .map(Some)
            .map_err(|e| format!("{}: not a valid manifest: {e}", path.display()));
    }
    load_or_report(path, select)
}

/// Prints problems to stderr: all of them for `check`; otherwise errors, and warnings only as a
/// count (a big spec can have hundreds, and they are all in `check`).
fn report(out: &SpecOutput, all: bool) {
    let mut stderr = std::io::stderr().lock();
    for d in out.diagnostics.iter().filter(|d| all || d.is_error()) {
        let _ = writeln!(stderr, "{d}");
    }
    let warnings = out.diagnostics.warning_count();
    if !all && warnings > 0 {
        let _ = writeln!(
            stderr,
            "{warnings} warnings; run `openapi-tools check` to list them"
        );
    }
}

fn print_json(value: &Value) -> Result<ExitCode, String> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    text.push('\n');
    write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn write_stdout(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))
}

#[cfg(test)]
mod generate_tests {
    use super::*;

    #[test]
    fn model_and_render_default_to_one_schema_budget() {
        assert_eq!(
            openapi_tools_build::model::DEFAULT_MAX_SCHEMA_NODES,
            render::DEFAULT_MAX_SCHEMA_NODES
        );
        assert_eq!(
            RenderOptions::default().max_schema_nodes,
            ModelOptions::default().schema_budget()
        );
    }

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("ot-cli-gen-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses: {'200': {description: ok}}\n";

    #[test]
    fn writes_exactly_the_shared_generators_text() {
        let dir = temp("ok");
        let spec = dir.join("spec.yaml");
        std::fs::write(&spec, SPEC).unwrap();
        let out = dir.join("tools.rs");
        let settings = Settings::new(&spec);
        assert_eq!(generate(&settings, Some(&out)).unwrap(), ExitCode::SUCCESS);
        let (_, text) = generate_pretty_from_settings(&settings, Path::new(""));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), text.unwrap());
    }

    #[test]
    fn writes_nothing_on_errors() {
        let dir = temp("err");
        let spec = dir.join("spec.yaml");
        std::fs::write(
            &spec,
            SPEC.replace("responses: {'200'", "responses: [{'200'"),
        )
        .unwrap();
        let out = dir.join("tools.rs");
        assert_eq!(
            generate(&Settings::new(&spec), Some(&out)).unwrap(),
            ExitCode::FAILURE
        );
        assert!(!out.exists());
    }
}
