//! Problems are data: one diagnostic type, collected in a bag every stage appends to.
//!
//! Stages record the JSON pointer of the node a problem concerns; the loader later fills in the
//! file, line and column from its source map ([`crate::load::LoadedSpec::locate_all`]). Each
//! front-end (macro, build.rs, CLI) turns the bag into its own form in one place.

use std::fmt;
use std::path::PathBuf;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Nothing is wrong, but something was adapted and a reader may want to know why (a
    /// constraint moved into a description for one provider, say).
    Info,
    /// Something was carried over imperfectly or skipped; the rest of the tool set is usable.
    Warning,
    /// The document (or the part named) cannot be turned into tools.
    Error,
}

/// What kind of problem a diagnostic reports, for front-ends that act on some kinds (the macro
/// turns lock-file changes into compiler warnings) without matching message text. Most
/// diagnostics have no code: the message says it all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// A breaking change against the lock file (see [`crate::lock`]).
    LockBreakingChange,
    /// A provider renderer could not send the tool in strict mode; the message says why.
    StrictModeLost,
    /// A provider renderer changed the schema (dropped or moved a keyword, renamed nothing).
    RenderNote,
    /// A setting of the macro, build.rs or the CLI is invalid (see
    /// [`ConfigError`](crate::ConfigError)); found before any spec is read.
    Config,
}

impl Code {
    /// A stable kebab-case name (`lock-breaking-change`), for machine-readable output.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::LockBreakingChange => "lock-breaking-change",
            Code::StrictModeLost => "strict-mode-lost",
            Code::RenderNote => "render-note",
            Code::Config => "config",
        }
    }
}

/// One problem found in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error, warning or info.
    pub severity: Severity,
    /// What kind of problem this is, when a front-end may act on it.
    pub code: Option<Code>,
    /// A sentence saying what is wrong.
    pub message: String,
    /// The file the problem is in (filled in by the loader's source map when known).
    pub file: Option<PathBuf>,
    /// JSON pointer of the offending node (`/paths/~1pets/get/parameters/0`), in the file named
    /// by [`Diagnostic::file`] once located, else in the bundled document.
    pub pointer: String,
    /// 1-based line, when the parser can tell.
    pub line: Option<usize>,
    /// 1-based column, when the parser can tell.
    pub column: Option<usize>,
    /// The operation concerned (`GET /pets/{id}` or its operationId).
    pub operation: Option<String>,
    /// What to do about it, when there is something to say.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, pointer, message)
    }

    /// A warning at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, pointer, message)
    }

    /// An informational note at `pointer`.
    pub fn info(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Info, pointer, message)
    }

    fn new(severity: Severity, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code: None,
            message: message.into(),
            file: None,
            pointer: pointer.into(),
            line: None,
            column: None,
            operation: None,
            hint: None,
        }
    }

    /// Names the operation the problem concerns.
    pub fn with_operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    /// Sets the kind of problem.
    pub fn with_code(mut self, code: Code) -> Self {
        self.code = Some(code);
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Names the file.
    pub fn with_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `error: spec.yaml:12:5: /paths/~1pets/get: message (operation listPets)`, then the hint.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        write!(f, "{sev}: ")?;
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.column {
                    write!(f, ":{col}")?;
                }
            }
            write!(f, ": ")?;
        }
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{pointer}: {}", self.message)?;
        if let Some(op) = &self.operation {
            write!(f, " (operation {op})")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// The bag of problems found while turning a spec into tools.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty bag.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds an error at `pointer`.
    pub fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::error(pointer, message));
    }

    /// Adds a warning at `pointer`.
    pub fn warning(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::warning(pointer, message));
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// Number of informational notes.
    pub fn info_count(&self) -> usize {
        self.count(Severity::Info)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count()
    }

    /// All problems, in the order they were found.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// All problems, mutably (the loader fills in locations).
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, Diagnostic> {
        self.items.iter_mut()
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the bag is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Moves every problem of `other` into this bag.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Takes the problems out.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// JSON pointer escaping and joining for diagnostics: the runtime's one implementation.
pub use openapi_tools_runtime::pointer::{escape as escape_pointer_token, join as pointer_join};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_pointer_and_operation() {
        let mut d = Diagnostic::error("/paths/~1pets/get", "no responses")
            .with_operation("listPets")
            .with_file("spec.yaml")
            .with_hint("add a responses object");
        d.line = Some(12);
        d.column = Some(5);
        assert_eq!(
            d.to_string(),
            "error: spec.yaml:12:5: /paths/~1pets/get: no responses (operation listPets)\n  hint: add a responses object"
        );
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(pointer_join("/paths", "/a~b/{id}"), "/paths/~1a~0b~1{id}");
    }

    #[test]
    fn counts_errors_and_warnings() {
        let mut bag = Diagnostics::new();
        bag.warning("/a", "w");
        bag.error("/b", "e");
        assert!(bag.has_errors());
        assert_eq!((bag.error_count(), bag.warning_count()), (1, 1));
    }
}
