//! Operator commands against a store: `history`, `rollback`, `disable`, `enable`, `pin`,
//! `unpin`, `publish`.
//!
//! Each one restores the store's state into a registry of its own, makes its change through
//! that registry (so the same checks, gates, breaking-change policy and reports apply as in a
//! server), and exits; the store records the change and every server following the store
//! applies it. A change that races another operator's is refused with a conflict (exit 1).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use clap::Args;
use openapi_tools_live::{LiveOptions, Outcome};
use openapi_tools_runtime::registry::{
    ChangeEvent, InstallPolicy, InstallReport, Registry, RegistryConfig, RegistryError,
};
use openapi_tools_runtime::render::Provider;
use openapi_tools_runtime::toolset::Providers;
use openapi_tools_store::{Actor, StoreError, StoreUrl, Stored, VersionRecord};
use serde_json::{Value, json};

use crate::args::{DiffFormat, Selection};
use crate::commands::model_options;

/// What every operator command takes.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// The store: `sqlite:PATH` or `postgres://USER@HOST/DB` (a password in it is never shown).
    #[arg(long, value_name = "URL")]
    pub store: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Who makes the change (recorded; default `$USER`).
    #[arg(long, value_name = "NAME")]
    pub who: Option<String>,
    /// Why (recorded in the audit log).
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub why: String,
}

/// `history` arguments.
#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Only this tool set.
    pub set: Option<String>,
}

/// `rollback` arguments.
#[derive(Debug, Clone, Args)]
pub struct RollbackArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The tool set.
    pub set: String,
    /// The version to restore: its number (`7` or `#7`) or label (`info.version`, newest
    /// first). Default: the version that was live before the live one.
    pub version: Option<String>,
    /// Refuse the rollback if it breaks callers of the live version.
    #[arg(long)]
    pub reject_breaking: bool,
}

/// `disable` / `enable` arguments.
#[derive(Debug, Clone, Args)]
pub struct ToggleArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The exported tool name.
    pub tool: String,
    /// Why it is switched off (`disable`; callers see it).
    #[arg(long, value_name = "TEXT", default_value = "disabled by an operator")]
    pub reason: String,
}

/// `pin` / `unpin` arguments.
#[derive(Debug, Clone, Args)]
pub struct PinArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The tool set.
    pub set: String,
}

/// `publish` arguments.
#[derive(Debug, Clone, Args)]
pub struct PublishArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The tool set.
    pub set: String,
    /// The OpenAPI document (YAML or JSON).
    pub spec: PathBuf,
    /// Refuse the version if it breaks callers of the live one.
    #[arg(long)]
    pub reject_breaking: bool,
    #[command(flatten)]
    pub select: Selection,
}

/// Opens the store named by `url` and restores it into a fresh registry that renders MCP
/// declarations only (what `serve` offers).
pub(crate) fn open(url: &str) -> Result<Stored, String> {
    let url = StoreUrl::parse(url).map_err(|e| e.to_string())?;
    let store = url.open().map_err(|e| format!("{url}: {e}"))?;
    let registry = Registry::with_config(RegistryConfig {
        prerender: Providers::only(Provider::Mcp),
        ..RegistryConfig::default()
    });
    Stored::attach(registry, store).map_err(|e| format!("{url}: {e}"))
}

fn open_as(args: &StoreArgs, source: &str) -> Result<Stored, String> {
    let stored = open(&args.store)?;
    let mut actor = Actor::default();
    if let Some(who) = &args.who {
        actor.who = who.clone();
    }
    actor.why = args.why.clone();
    actor.source = source.to_owned();
    stored.set_actor(actor);
    Ok(stored)
}

fn json_out(format: DiffFormat, value: &Value) -> bool {
    if format == DiffFormat::Json {
        println!("{value}");
        true
    } else {
        false
    }
}

/// `history`.
pub fn history(args: HistoryArgs) -> Result<ExitCode, String> {
    let stored = open(&args.store.store)?;
    let versions = stored
        .history(args.set.as_deref())
        .map_err(|e| e.to_string())?;
    if json_out(args.store.format, &json!(versions)) {
        return Ok(ExitCode::SUCCESS);
    }
    if versions.is_empty() {
        println!(
            "no versions stored{}",
            args.set.map(|s| format!(" for `{s}`")).unwrap_or_default()
        );
    }
    for v in &versions {
        println!("{}", history_line(v));
    }
    Ok(ExitCode::SUCCESS)
}

fn history_line(v: &VersionRecord) -> String {
    let action = match v.rollback_to {
        Some(to) => format!("rollback to #{to}"),
        None => v.action.as_str().to_owned(),
    };
    let breaking = if v.report.get("breaking").and_then(Value::as_bool) == Some(true) {
        ", BREAKING"
    } else {
        ""
    };
    format!(
        "{}{} #{} {} ({} tools) {}{} at {} by {}{}{}",
        if v.live { "* " } else { "  " },
        v.set,
        v.seq,
        v.label,
        v.tools,
        action,
        breaking,
        v.installed_at_ms,
        v.actor,
        if v.why.is_empty() {
            String::new()
        } else {
            format!(": {}", v.why)
        },
        if v.source.is_empty() {
            String::new()
        } else {
            format!(" [{}]", v.source)
        },
    )
}

/// A registry error as the operator sees it, and the exit code (1: refused, e.g. a conflict).
fn refused(e: RegistryError, format: DiffFormat) -> Result<ExitCode, String> {
    let conflict = matches!(&e, RegistryError::Refused(inner)
        if matches!(inner.downcast_ref::<StoreError>(), Some(StoreError::Conflict { .. })));
    if !json_out(
        format,
        &json!({"ok": false, "conflict": conflict, "error": e.to_string()}),
    ) {
        eprintln!("error: {e}");
    }
    Ok(ExitCode::FAILURE)
}

fn report_out(report: &InstallReport, format: DiffFormat) {
    let json = json!({
        "ok": true,
        "set": report.set,
        "action": report.action.to_string(),
        "from": report.from.as_ref().map(|v| json!({"seq": v.seq, "version": v.version})),
        "to": report.to.as_ref().map(|v| json!({"seq": v.seq, "version": v.version})),
        "added": report.added,
        "removed": report.removed,
        "updated": report.updated,
        "unchanged": report.unchanged.len(),
        "breaking": report.breaking,
        "analysis": report.analysis,
    });
    if !json_out(format, &json) {
        println!("{report}");
    }
}

/// `rollback`.
pub fn rollback(args: RollbackArgs) -> Result<ExitCode, String> {
    let stored = open_as(&args.store, "rollback")?;
    let seq = match &args.version {
        Some(v) => stored
            .resolve(&args.set, v)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("tool set `{}` has no stored version `{v}`", args.set))?,
        None => stored
            .previous(&args.set)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| {
                format!(
                    "tool set `{}` has no earlier version to roll back to (see `openapi-tools history`)",
                    args.set
                )
            })?,
    };
    let policy = args
        .reject_breaking
        .then_some(InstallPolicy::RejectBreaking);
    match stored.rollback(&args.set, seq, policy) {
        Ok(report) => {
            report_out(&report, args.store.format);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => refused(e, args.store.format),
    }
}

/// `disable` (`on == false`) and `enable`.
pub fn toggle(args: ToggleArgs, on: bool) -> Result<ExitCode, String> {
    let stored = open_as(&args.store, if on { "enable" } else { "disable" })?;
    let registry = stored.registry();
    let result = if on {
        registry.enable(&args.tool)
    } else {
        registry.disable(&args.tool, &args.reason)
    };
    match result {
        Ok(changed) => {
            let what = if on { "enabled" } else { "disabled" };
            if !json_out(
                args.store.format,
                &json!({"ok": true, "tool": args.tool, "changed": changed, "state": what}),
            ) {
                match changed {
                    true => println!("tool `{}` {what}", args.tool),
                    false => println!("tool `{}` was already {what}", args.tool),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => refused(e, args.store.format),
    }
}

/// `pin` (`pin == true`) and `unpin`.
pub fn pin(args: PinArgs, pin: bool) -> Result<ExitCode, String> {
    let stored = open_as(&args.store, if pin { "pin" } else { "unpin" })?;
    let result = if pin {
        stored.pin(&args.set, &args.store.why)
    } else {
        stored.unpin(&args.set)
    };
    match result {
        Ok(id) => {
            let what = if pin { "pinned" } else { "unpinned" };
            if !json_out(
                args.store.format,
                &json!({"ok": true, "set": args.set, "state": what, "change": id}),
            ) {
                println!("tool set `{}` {what}", args.set);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let conflict = matches!(e, StoreError::Conflict { .. });
            if !json_out(
                args.store.format,
                &json!({"ok": false, "conflict": conflict, "error": e.to_string()}),
            ) {
                eprintln!("error: {e}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `publish`.
pub fn publish(args: PublishArgs) -> Result<ExitCode, String> {
    let stored = open_as(&args.store, &format!("publish {}", args.spec.display()))?;
    let registry = stored.registry();
    // What refused the version, for the operator.
    let problems = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&problems);
    registry.on_change(move |event| {
        let mut sink = sink
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match event {
            ChangeEvent::SourceRejected(r) => {
                sink.push(format!("refused at {}", r.stage));
                sink.extend(r.diagnostics.iter().cloned());
            }
            ChangeEvent::Rejected(report) => {
                sink.push(format!("refused by the breaking-change policy: {report}"));
                for c in report.analysis.breaking_changes() {
                    sink.push(format!("  {}: {}", c.tool, c.detail));
                }
            }
            _ => {}
        }
    });
    let mut options = LiveOptions::default().model(model_options(&args.select));
    if args.reject_breaking {
        options = options.policy(InstallPolicy::RejectBreaking);
    }
    let outcome = openapi_tools_live::publish_file(registry, &args.set, &args.spec, &options);
    let problems = std::mem::take(
        &mut *problems
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    match outcome {
        Outcome::Installed(report) => {
            report_out(&report, args.store.format);
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Unchanged => {
            if !json_out(
                args.store.format,
                &json!({"ok": true, "set": args.set, "unchanged": true}),
            ) {
                println!(
                    "`{}`: this version is already live; nothing to do",
                    args.set
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Rejected => {
            let conflict = problems.iter().any(|p| p.contains("conflict:"));
            if !json_out(
                args.store.format,
                &json!({"ok": false, "conflict": conflict, "problems": problems}),
            ) {
                eprintln!(
                    "`{}`: not published; the live version is unchanged",
                    args.set
                );
                for p in &problems {
                    eprintln!("  {p}");
                }
            }
            Ok(ExitCode::FAILURE)
        }
    }
}
