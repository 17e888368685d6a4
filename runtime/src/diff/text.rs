//! The report for people: a summary line, then one line per change, breaking ones first.

use std::fmt::Write;

use super::{Change, ChangeReport, ChangeSeverity};

impl ChangeReport {
    /// Renders the report as text: a summary line, then one line per change, errors first,
    /// then warnings, then the rest (each group in the report's own order).
    ///
    /// ```
    /// use openapi_tools_runtime::diff::ChangeReport;
    /// let report = ChangeReport {
    ///     from_version: "1".into(), to_version: "2".into(), added: vec![], removed: vec![],
    ///     updated: vec![], unchanged: 3, breaking: false, changes: vec![],
    /// };
    /// assert_eq!(report.to_text(), "1 -> 2: 0 added, 0 removed, 0 updated, 3 unchanged; no changes\n");
    /// ```
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let breaking = self.changes.iter().filter(|c| c.breaking).count();
        let verdict = match (self.changes.is_empty(), breaking) {
            (true, _) => "no changes".to_owned(),
            (false, 0) => "no breaking changes".to_owned(),
            (false, 1) => "1 breaking change".to_owned(),
            (false, n) => format!("{n} breaking changes"),
        };
        let _ = writeln!(
            out,
            "{} -> {}: {} added, {} removed, {} updated, {} unchanged; {verdict}",
            self.from_version,
            self.to_version,
            self.added.len(),
            self.removed.len(),
            self.updated.len(),
            self.unchanged,
        );
        for severity in [
            ChangeSeverity::Error,
            ChangeSeverity::Warning,
            ChangeSeverity::Info,
        ] {
            for change in self.changes.iter().filter(|c| c.severity == severity) {
                line(&mut out, change);
            }
        }
        out
    }
}

fn line(out: &mut String, c: &Change) {
    let _ = write!(out, "{:<7} {}: {}", c.severity.as_str(), c.tool, c.kind);
    if let Some(param) = &c.param {
        let _ = write!(out, " `{param}`");
        match (&c.location, &c.wire_name) {
            (Some(loc), Some(wire)) => {
                let _ = write!(out, " ({loc} `{wire}`)");
            }
            (Some(loc), None) => {
                let _ = write!(out, " ({loc})");
            }
            _ => {}
        }
    }
    if let Some(ptr) = c.pointer.as_deref().filter(|p| !p.is_empty()) {
        let _ = write!(out, " at {ptr}");
    }
    let _ = writeln!(out, ": {}", c.detail);
}
