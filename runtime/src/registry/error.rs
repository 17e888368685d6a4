//! Registry errors. Every failed change leaves the live tool sets and the history as they were.

use super::report::InstallReport;

/// Why a registry change was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Two installed sets would export the same tool name.
    #[error(
        "tool `{tool}` of tool set `{set}` clashes with tool `{tool}` of tool set `{other_set}`; \
         nothing was changed (install one of the sets under a namespace)"
    )]
    NameClash {
        /// The exported name both would use.
        tool: String,
        /// The set being installed.
        set: String,
        /// The installed set that already exports the name.
        other_set: String,
    },
    /// The manifest lists two tools under one exported name.
    #[error("tool set `{set}` has more than one tool named `{tool}`; nothing was changed")]
    DuplicateTool {
        /// The set being installed.
        set: String,
        /// The repeated name.
        tool: String,
    },
    /// A tool name no provider accepts.
    #[error("tool `{tool}` of tool set `{set}` is not a valid tool name: {reason}")]
    InvalidToolName {
        /// The set being installed.
        set: String,
        /// The offending name.
        tool: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A namespace that cannot prefix provider-valid names.
    #[error("namespace `{namespace}` of tool set `{set}` is not valid: {reason}")]
    InvalidNamespace {
        /// The set being installed.
        set: String,
        /// The offending namespace.
        namespace: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Tool set names must be non-empty.
    #[error("a tool set name must not be empty")]
    EmptySetName,
    /// The install breaks callers and the policy rejects breaking changes.
    #[error(
        "install of tool set `{}` rejected: it has breaking changes and the policy is \
         RejectBreaking; the live version and history are unchanged ({})", .0.set, .0
    )]
    Rejected(Box<InstallReport>),
    /// No tool set of that name is installed (or kept in history, for rollbacks).
    #[error("no tool set named `{set}`")]
    UnknownSet {
        /// The name asked for.
        set: String,
    },
    /// The version is not (or no longer) kept in the set's history.
    #[error("tool set `{set}` keeps no version #{seq} (kept: {kept:?})")]
    UnknownVersion {
        /// The set.
        set: String,
        /// The sequence number asked for.
        seq: u64,
        /// The sequence numbers still kept.
        kept: Vec<u64>,
    },
    /// No installed set exports the tool.
    #[error("no installed tool set exports a tool named `{tool}`")]
    UnknownTool {
        /// The exported name asked for.
        tool: String,
    },
    /// A tool's declaration could not be serialised.
    #[error("tool `{tool}` of tool set `{set}` could not be rendered: {message}")]
    Render {
        /// The set being installed.
        set: String,
        /// The tool.
        tool: String,
        /// The serialiser's message.
        message: String,
    },
    /// The commit hook (a durable store) refused the change, e.g. because another process
    /// changed the tool set first.
    #[error("{0}; nothing was changed")]
    Refused(#[source] super::CommitError),
    /// A change listener tried to change the registry while being notified.
    #[error("a change listener may read the registry but not change it")]
    Reentrant,
}
