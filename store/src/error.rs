//! Store errors. None of them carries a password: URLs are shown redacted.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process changed the tool set first: the change named a version that is no
    /// longer the live one. Nothing was written.
    #[error(
        "conflict: tool set `{set}` is at {live} in the store, but this change replaces {expected} \
         (another operator or replica changed it first); look at `openapi-tools history` and retry"
    )]
    Conflict {
        /// The tool set.
        set: String,
        /// What the change expected to replace (`#N`, or `nothing` for a first install).
        expected: String,
        /// What the store holds (`#N`, or `nothing`).
        live: String,
    },
    /// The tool set is pinned by an operator: only a rollback or an unpin changes it.
    #[error("tool set `{set}` is pinned at #{seq} ({reason}); unpin it first")]
    Pinned {
        /// The tool set.
        set: String,
        /// The pinned version.
        seq: u64,
        /// Why it was pinned.
        reason: String,
    },
    /// Not a store URL, or a backend this build lacks.
    #[error("{0}")]
    Url(String),
    /// The database failed (I/O, connection, SQL). The message names no password.
    #[error("store: {0}")]
    Database(String),
    /// Stored data that does not decode (written by a newer version, or damaged).
    #[error("store data: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub(crate) fn db(e: impl std::fmt::Display) -> StoreError {
        StoreError::Database(e.to_string())
    }
}
