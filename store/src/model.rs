//! What the store keeps, shared by both backends: change and version records, the state a
//! restart restores, manifests split into a header and tools kept by content, and the checks
//! every append makes.

use openapi_tools_runtime::hash::bytes_hash;
use openapi_tools_runtime::manifest::{Manifest, ToolManifest};
use serde::Serialize;
use serde_json::Value;

use crate::StoreError;

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// First version of a tool set.
    Install,
    /// A new version replaced the live one.
    Replace,
    /// A kept version was installed again (as a new version).
    Rollback,
    /// The tool set was removed (its history is kept).
    Remove,
    /// A tool was switched off.
    Disable,
    /// A tool was switched back on.
    Enable,
    /// An operator pinned the tool set.
    Pin,
    /// An operator unpinned it.
    Unpin,
}

impl ChangeKind {
    /// The name stored in `changes.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Install => "install",
            ChangeKind::Replace => "replace",
            ChangeKind::Rollback => "rollback",
            ChangeKind::Remove => "remove",
            ChangeKind::Disable => "disable",
            ChangeKind::Enable => "enable",
            ChangeKind::Pin => "pin",
            ChangeKind::Unpin => "unpin",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<ChangeKind, StoreError> {
        Ok(match s {
            "install" => ChangeKind::Install,
            "replace" => ChangeKind::Replace,
            "rollback" => ChangeKind::Rollback,
            "remove" => ChangeKind::Remove,
            "disable" => ChangeKind::Disable,
            "enable" => ChangeKind::Enable,
            "pin" => ChangeKind::Pin,
            "unpin" => ChangeKind::Unpin,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "unknown change kind `{other}`"
                )));
            }
        })
    }

    /// Whether the change installs a version (and so names the version it replaces).
    pub fn installs(self) -> bool {
        matches!(
            self,
            ChangeKind::Install | ChangeKind::Replace | ChangeKind::Rollback
        )
    }
}

/// A version being recorded with its change.
#[derive(Debug, Clone, Copy)]
pub struct NewVersion<'a> {
    /// The manifest installed.
    pub manifest: &'a Manifest,
    /// The namespace its tools are exported under.
    pub namespace: Option<&'a str>,
    /// For a rollback: the version restored.
    pub rollback_to: Option<u64>,
    /// The change report of the swap.
    pub report: &'a Value,
}

/// A change to record ([`crate::Store::append`]).
#[derive(Debug, Clone, Copy)]
pub struct NewChange<'a> {
    /// The process making it (replicas skip their own changes when following).
    pub origin: &'a str,
    /// The tool set.
    pub set: &'a str,
    /// What it does.
    pub kind: ChangeKind,
    /// The version it installs (install, replace, rollback).
    pub seq: Option<u64>,
    /// The live version it replaces (`None`: the set is not live). Checked for installs and
    /// removals: a mismatch is a [`StoreError::Conflict`].
    pub from_seq: Option<u64>,
    /// The version's content (install, replace, rollback).
    pub version: Option<NewVersion<'a>>,
    /// The exported tool name (disable, enable).
    pub tool: Option<&'a str>,
    /// Why a tool was disabled or a set pinned.
    pub reason: Option<&'a str>,
    /// Who made it.
    pub actor: &'a str,
    /// Why (may be empty).
    pub why: &'a str,
    /// Where the version came from.
    pub source: &'a str,
}

/// A recorded change: one line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeRecord {
    /// Its position in the log (gapless, in commit order).
    pub id: u64,
    /// When, in milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// The process that made it.
    pub origin: String,
    /// The tool set.
    pub set: String,
    /// What it did.
    pub kind: ChangeKind,
    /// The version installed.
    pub seq: Option<u64>,
    /// The version replaced.
    pub from_seq: Option<u64>,
    /// The tool (disable, enable).
    pub tool: Option<String>,
    /// Why a tool was disabled or a set pinned.
    pub reason: Option<String>,
    /// Who.
    pub actor: String,
    /// Why.
    pub why: String,
    /// Where the version came from.
    pub source: String,
}

/// One stored version of a tool set (its manifest is fetched with [`crate::Store::version`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionRecord {
    /// The tool set.
    pub set: String,
    /// Its number, as the registry numbers versions.
    pub seq: u64,
    /// The content-derived id of the spec ([`Manifest::source_hash`]).
    pub content_id: String,
    /// `info.version`.
    pub label: String,
    /// The namespace it was exported under.
    pub namespace: Option<String>,
    /// When it was installed, in milliseconds since the Unix epoch.
    pub installed_at_ms: i64,
    /// `install`, `replace` or `rollback`.
    pub action: ChangeKind,
    /// For a rollback: the version restored.
    pub rollback_to: Option<u64>,
    /// The number of tools.
    pub tools: usize,
    /// The change report of the swap that installed it.
    pub report: Value,
    /// Who installed it.
    pub actor: String,
    /// Why.
    pub why: String,
    /// Where it came from.
    pub source: String,
    /// Whether it is the live version now.
    pub live: bool,
}

/// A tool set's place in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveRow {
    /// The tool set.
    pub set: String,
    /// The live version (`None`: removed).
    pub seq: Option<u64>,
    /// The highest version number stored.
    pub max_seq: u64,
}

/// What a restart restores.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct State {
    /// Every tool set ever installed.
    pub sets: Vec<LiveRow>,
    /// Disabled tools: (exported tool, its set, reason).
    pub disabled: Vec<(String, String, String)>,
    /// Pinned sets: (set, pinned version, reason).
    pub pins: Vec<(String, u64, String)>,
    /// The last change this state includes.
    pub last_change: u64,
}

/// A manifest as stored: the header (no tools) and each tool's (hash, JSON body).
pub(crate) struct Split {
    pub header: String,
    pub tools: Vec<(String, String)>,
}

pub(crate) fn split(manifest: &Manifest) -> Result<Split, StoreError> {
    let header = Manifest {
        tools: Vec::new(),
        ..manifest.clone_header()
    };
    let header = serde_json::to_string(&header).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let tools = manifest
        .tools
        .iter()
        .map(|t| {
            let body = serde_json::to_string(t).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            Ok((bytes_hash(body.as_bytes()), body))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Split { header, tools })
}

pub(crate) fn assemble(header: &str, tools: &[String]) -> Result<Manifest, StoreError> {
    let mut manifest: Manifest =
        serde_json::from_str(header).map_err(|e| StoreError::Corrupt(format!("header: {e}")))?;
    manifest.tools = tools
        .iter()
        .map(|b| serde_json::from_str::<ToolManifest>(b))
        .collect::<Result<_, _>>()
        .map_err(|e| StoreError::Corrupt(format!("tool: {e}")))?;
    Ok(manifest)
}

/// A manifest without its tools (cloning only the header's fields).
trait CloneHeader {
    fn clone_header(&self) -> Manifest;
}

impl CloneHeader for Manifest {
    fn clone_header(&self) -> Manifest {
        Manifest {
            title: self.title.clone(),
            version: self.version.clone(),
            openapi: self.openapi.clone(),
            source_hash: self.source_hash.clone(),
            namespace: self.namespace.clone(),
            servers: self.servers.clone(),
            server_variables: self.server_variables.clone(),
            security_schemes: self.security_schemes.clone(),
            tools: Vec::new(),
        }
    }
}

/// The optimistic-concurrency and pin checks of an append, given what the store holds for the
/// set: its live version and its pin.
pub(crate) fn check(
    change: &NewChange<'_>,
    live: Option<u64>,
    max_seq: u64,
    pin: Option<(u64, String)>,
) -> Result<(), StoreError> {
    let show = |s: Option<u64>| s.map_or_else(|| "nothing".to_owned(), |s| format!("#{s}"));
    let names_version = change.kind.installs() || change.kind == ChangeKind::Remove;
    if names_version && change.from_seq != live {
        return Err(StoreError::Conflict {
            set: change.set.to_owned(),
            expected: show(change.from_seq),
            live: show(live),
        });
    }
    if let Some(seq) = change.seq
        && seq <= max_seq
    {
        // The live version matches but a newer number was used (a removal, then an install
        // another process has not seen yet).
        return Err(StoreError::Conflict {
            set: change.set.to_owned(),
            expected: format!("a version after #{}", seq.saturating_sub(1)),
            live: format!("#{max_seq} (the newest version)"),
        });
    }
    if let Some((seq, reason)) = pin
        && matches!(
            change.kind,
            ChangeKind::Install | ChangeKind::Replace | ChangeKind::Remove
        )
    {
        return Err(StoreError::Pinned {
            set: change.set.to_owned(),
            seq,
            reason,
        });
    }
    Ok(())
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// u64 to the databases' signed 64-bit integers.
pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// And back (negative values do not occur; they read as 0).
pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}
