//! The build-time guard: a lock file holding the last manifest, compared with each new one.
//!
//! The lock file is the tool set's manifest as pretty JSON (stable: same spec and options, same
//! bytes), meant to be committed. On every generation with a lock file configured:
//!
//! | lock file                         | `deny_breaking = false`         | `deny_breaking = true`          |
//! |-----------------------------------|---------------------------------|---------------------------------|
//! | missing                           | written                         | written                         |
//! | same content                      | left alone (not even touched)   | left alone                      |
//! | changed, nothing breaking         | rewritten                       | rewritten                       |
//! | changed, breaking changes         | one warning per change; rewritten | one error per change; left alone, generation fails |
//! | not a manifest (merge conflict…)  | warning; rewritten              | error; left alone               |
//!
//! "Breaking" is [`openapi_tools_runtime::diff`]'s verdict (severity `error` or `warning`:
//! removed tools, new required parameters, narrowed constraints, ...). Writes go to a temporary
//! file in the same directory, then a rename, so a reader (another build, an editor, a second
//! macro expansion by rust-analyzer) never sees half a file. The lock is written only after code
//! was generated, so a spec with errors never replaces a good lock.
//!
//! The lock file itself is not watched by the build (no `rerun-if-changed`, no `include_bytes!`):
//! generation writes it, and watching it would compile the crate a second time after each
//! update. Warnings about an allowed breaking change come from the build that saw the spec
//! change; cargo replays them on later builds until the crate is rebuilt, and the lock's diff in
//! version control is the lasting record. To accept a breaking change while `deny_breaking` is
//! set, delete the lock file (the failed build reruns, writes the new one) and commit it.

use std::io::Write;
use std::path::{Path, PathBuf};

use openapi_tools_runtime::Manifest;
use openapi_tools_runtime::diff::{self, ChangeReport};

use crate::diagnostics::{Code, Diagnostic, Diagnostics};

/// What happened to the lock file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockStatus {
    /// There was none; it was written.
    Created,
    /// Its content was already the new manifest; the file was not touched.
    Unchanged,
    /// It held another manifest; it was rewritten.
    Updated,
    /// Breaking changes with `deny_breaking`, or an unreadable lock with `deny_breaking`: the
    /// file was left as it was and generation failed.
    Refused,
    /// Generation failed for another reason (or the write failed): the file was left as it was.
    NotWritten,
}

/// The guard's result.
#[derive(Debug, Clone)]
pub struct LockReport {
    /// The lock file, as configured (relative to the crate when given so).
    pub path: PathBuf,
    /// What happened to it.
    pub status: LockStatus,
    /// The comparison with the previous manifest, when there was a readable one.
    pub changes: Option<ChangeReport>,
}

/// The guard's decision before code generation; [`LockPlan::finish`] carries it out.
#[derive(Debug)]
pub struct LockPlan {
    path: PathBuf,
    shown: PathBuf,
    /// The new lock content, when the file should be written.
    write: Option<String>,
    status: LockStatus,
    changes: Option<ChangeReport>,
    /// Breaking changes (warnings, or errors when denied) and lock-file read problems.
    pub diagnostics: Diagnostics,
}

/// The lock file content for a manifest: pretty JSON and a final newline.
pub fn render(manifest: &Manifest) -> Result<String, serde_json::Error> {
    serde_json::to_string_pretty(manifest).map(|s| s + "\n")
}

/// Compares the lock file at `path` (shown as `shown` in messages) with `manifest`.
pub fn check(path: &Path, shown: &Path, manifest: &Manifest, deny_breaking: bool) -> LockPlan {
    let mut plan = LockPlan {
        path: path.to_path_buf(),
        shown: shown.to_path_buf(),
        write: None,
        status: LockStatus::NotWritten,
        changes: None,
        diagnostics: Diagnostics::new(),
    };
    let content = match render(manifest) {
        Ok(c) => c,
        Err(e) => {
            plan.diagnostics.push(
                Diagnostic::error("", format!("cannot serialise the manifest: {e}"))
                    .with_file(shown),
            );
            return plan;
        }
    };
    let old_text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            plan.write = Some(content);
            plan.status = LockStatus::Created;
            return plan;
        }
        Err(e) => {
            plan.unreadable(
                format!("cannot read the lock file: {e}"),
                deny_breaking,
                content,
            );
            return plan;
        }
    };
    if old_text == content {
        plan.status = LockStatus::Unchanged;
        return plan;
    }
    let old: Manifest = match serde_json::from_str(&old_text) {
        Ok(m) => m,
        Err(e) => {
            plan.unreadable(
                format!("the lock file is not a manifest: {e}"),
                deny_breaking,
                content,
            );
            return plan;
        }
    };
    let report = diff::diff(&old, manifest);
    let breaking = report.breaking_changes().count();
    // `to_text` lists breaking changes first, one line each, after a summary line: reuse its
    // wording rather than formatting changes a second time.
    let text = report.to_text();
    let lines = text.lines().skip(1).take(breaking);
    for (change, line) in report.breaking_changes().zip(lines) {
        let rest = line
            .trim_start()
            .split_once(' ')
            .map_or(line, |(_, r)| r.trim_start());
        let index = old.tools.iter().position(|t| t.name == change.tool);
        let pointer = index.map_or_else(|| "/tools".to_owned(), |i| format!("/tools/{i}"));
        let some = if change.severity.as_str() == "warning" {
            " (breaks some callers)"
        } else {
            ""
        };
        let message = format!("breaking change since the lock file{some}: {rest}");
        let d = if deny_breaking {
            Diagnostic::error(pointer, message)
        } else {
            Diagnostic::warning(pointer, message)
        };
        plan.diagnostics.push(
            d.with_file(shown)
                .with_operation(&change.tool)
                .with_code(Code::LockBreakingChange),
        );
    }
    if breaking > 0 && deny_breaking {
        if let Some(last) = plan.diagnostics.iter_mut().last() {
            last.hint = Some(format!(
                "to accept these changes, delete {} (the next build writes the new manifest) and commit it",
                shown.display()
            ));
        }
        plan.status = LockStatus::Refused;
    } else {
        plan.write = Some(content);
        plan.status = LockStatus::Updated;
    }
    plan.changes = Some(report);
    plan
}

impl LockPlan {
    fn unreadable(&mut self, message: String, deny_breaking: bool, content: String) {
        if deny_breaking {
            self.diagnostics.push(
                Diagnostic::error("", message)
                    .with_file(&self.shown)
                    .with_hint("delete it to write a new one"),
            );
            self.status = LockStatus::Refused;
        } else {
            self.diagnostics.push(
                Diagnostic::warning("", format!("{message}; it is replaced"))
                    .with_file(&self.shown),
            );
            self.write = Some(content);
            self.status = LockStatus::Updated;
        }
    }

    /// Writes the lock file when the plan says so and code was `generated`; a failed write is a
    /// warning (the guard compares against the old lock next time).
    pub fn finish(self, generated: bool, diags: &mut Diagnostics) -> LockReport {
        let mut status = self.status;
        if let Some(content) = self.write.as_deref() {
            if !generated {
                status = LockStatus::NotWritten;
            } else if let Err(e) = write_atomic(&self.path, content) {
                diags.push(
                    Diagnostic::warning("", format!("cannot write the lock file: {e}"))
                        .with_file(&self.shown),
                );
                status = LockStatus::NotWritten;
            }
        }
        LockReport {
            path: self.shown,
            status,
            changes: self.changes,
        }
    }
}

/// Writes `content` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomic(path: &Path, content: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "lock".to_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(required: &[&str]) -> Manifest {
        serde_json::from_value(serde_json::json!({
            "title": "Pets", "version": "1", "source_hash": "",
            "tools": [{
                "name": "list_pets", "method": "GET", "path": "/pets", "description": "List.",
                "params": [{"name": "limit", "wire_name": "limit", "in": "query"}],
                "input_schema": {"type": "object", "additionalProperties": false,
                    "properties": {"limit": {"type": "integer"}}, "required": required},
                "schema_hash": ""
            }]
        }))
        .unwrap()
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ot-lock-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("tools.lock.json")
    }

    #[test]
    fn breaking_change_is_a_warning_and_rewrites() {
        let path = temp("warn");
        std::fs::write(&path, render(&manifest(&[])).unwrap()).unwrap();
        let plan = check(
            &path,
            Path::new("tools.lock.json"),
            &manifest(&["limit"]),
            false,
        );
        assert_eq!(plan.diagnostics.warning_count(), 1);
        let d = plan.diagnostics.iter().next().unwrap();
        assert_eq!(
            d.to_string(),
            "warning: tools.lock.json: /tools/0: breaking change since the lock file: list_pets: \
             param_became_required `limit` (query `limit`) at /properties/limit: property \
             `limit` became required (operation list_pets)"
        );
        let mut diags = Diagnostics::new();
        let report = plan.finish(true, &mut diags);
        assert_eq!(report.status, LockStatus::Updated);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            render(&manifest(&["limit"])).unwrap()
        );
    }

    #[test]
    fn denied_breaking_change_keeps_the_lock() {
        let path = temp("deny");
        let old = render(&manifest(&[])).unwrap();
        std::fs::write(&path, &old).unwrap();
        let plan = check(&path, Path::new("l.json"), &manifest(&["limit"]), true);
        assert_eq!(plan.diagnostics.error_count(), 1);
        let report = plan.finish(false, &mut Diagnostics::new());
        assert_eq!(report.status, LockStatus::Refused);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), old);
    }

    #[test]
    fn garbage_lock_is_replaced_unless_denied() {
        let path = temp("garbage");
        std::fs::write(&path, "<<<<<<< HEAD").unwrap();
        let denied = check(&path, Path::new("l.json"), &manifest(&[]), true);
        assert!(denied.diagnostics.has_errors());
        let allowed = check(&path, Path::new("l.json"), &manifest(&[]), false);
        assert_eq!(allowed.diagnostics.warning_count(), 1);
        allowed.finish(true, &mut Diagnostics::new());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            render(&manifest(&[])).unwrap()
        );
    }
}
