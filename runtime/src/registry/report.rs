//! Change reports and events: what every install, replace, rollback and removal changed.

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::diff::ChangeReport;

/// What kind of change a report describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// The set was not installed before.
    Install,
    /// A new version replaced the live one.
    Replace,
    /// A kept version was re-installed.
    Rollback {
        /// The history sequence number that was restored.
        to: u64,
    },
    /// The set was removed.
    Remove,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Install => f.write_str("install"),
            Action::Replace => f.write_str("replace"),
            Action::Rollback { to } => write!(f, "rollback to #{to}"),
            Action::Remove => f.write_str("remove"),
        }
    }
}

/// One version of a tool set as the registry numbers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRef {
    /// Registry sequence number, increasing per set (1 for the first install).
    pub seq: u64,
    /// `info.version` of the manifest.
    pub version: String,
}

/// The report every change returns and every listener receives.
#[derive(Debug, Clone)]
pub struct InstallReport {
    /// The tool set's name.
    pub set: String,
    /// What happened.
    pub action: Action,
    /// The version that was live before (`None` for a first install).
    pub from: Option<VersionRef>,
    /// The version live afterwards (`None` after a removal; for a rejected install, the version
    /// that was offered).
    pub to: Option<VersionRef>,
    /// The namespace the tools are exported under.
    pub namespace: Option<String>,
    /// Exported names of tools that are new.
    pub added: Vec<String>,
    /// Exported names of tools that are gone.
    pub removed: Vec<String>,
    /// Exported names of tools whose input schema hash changed.
    pub updated: Vec<String>,
    /// Exported names of tools whose input schema hash did not change.
    pub unchanged: Vec<String>,
    /// Whether the change breaks callers (the analysis says so, or every exported name changed
    /// because the namespace did).
    pub breaking: bool,
    /// The breaking-change analysis from a caller's point of view ([`crate::diff::diff`]).
    pub analysis: ChangeReport,
    /// When the report was made.
    pub at: SystemTime,
}

impl fmt::Display for InstallReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = |r: &Option<VersionRef>| {
            r.as_ref()
                .map_or_else(|| "-".to_owned(), |r| format!("#{} ({})", r.seq, r.version))
        };
        write!(
            f,
            "{} `{}` {} -> {}: {} added, {} removed, {} updated, {} unchanged{}",
            self.action,
            self.set,
            v(&self.from),
            v(&self.to),
            self.added.len(),
            self.removed.len(),
            self.updated.len(),
            self.unchanged.len(),
            if self.breaking { ", BREAKING" } else { "" }
        )
    }
}

/// What listeners receive.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ChangeEvent {
    /// A change was applied (install, replace, rollback or removal).
    Applied(Arc<InstallReport>),
    /// An install was refused by the policy; nothing changed.
    Rejected(Arc<InstallReport>),
    /// A tool was switched off.
    ToolDisabled {
        /// The owning tool set.
        set: String,
        /// The exported tool name.
        tool: String,
        /// Why.
        reason: String,
    },
    /// A tool was switched back on.
    ToolEnabled {
        /// The owning tool set.
        set: String,
        /// The exported tool name.
        tool: String,
    },
    /// A new version offered by a live source (file, URL, text) was refused before it reached
    /// the install: it did not load, or a gate refused it. Nothing changed; the previous version
    /// keeps serving. (A refusal by the breaking-change policy is [`ChangeEvent::Rejected`].)
    SourceRejected(Arc<SourceRejection>),
}

/// Why a version offered by a live source was refused (see [`ChangeEvent::SourceRejected`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRejection {
    /// The tool set the source feeds.
    pub set: String,
    /// Where the version came from (`file /srv/api.yaml`, `url https://...`, `text`).
    pub source: String,
    /// The content-derived version id of what was offered, when it got that far.
    pub version_id: Option<String>,
    /// The step that refused it.
    pub stage: RejectStage,
    /// What was wrong, one line each (located: file, JSON pointer, line:column where known).
    pub diagnostics: Vec<String>,
}

/// The step of a live reload that refused a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RejectStage {
    /// The source could not be read (I/O, HTTP status, size cap, timeout).
    Fetch,
    /// The document did not load without errors.
    Load,
    /// An application gate refused it.
    Gate,
    /// The registry refused it (names, rendering for providers).
    Install,
}

impl fmt::Display for RejectStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RejectStage::Fetch => "fetch",
            RejectStage::Load => "load",
            RejectStage::Gate => "gate",
            RejectStage::Install => "install",
        })
    }
}

impl fmt::Display for SourceRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` from {} refused at {} ({} problem{})",
            self.set,
            self.source,
            self.stage,
            self.diagnostics.len(),
            if self.diagnostics.len() == 1 { "" } else { "s" }
        )?;
        if let Some(first) = self.diagnostics.first() {
            write!(f, ": {first}")?;
        }
        Ok(())
    }
}
