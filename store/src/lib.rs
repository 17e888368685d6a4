//! Durable history and fleets for the openapi-tools registry.
//!
//! The registry keeps its tool sets in memory. A [`Store`] makes every change durable before it
//! is served (one transaction per change) and lets several processes agree on the live
//! versions:
//!
//! - **SQLite** (feature `sqlite`): one file, for one server. A restart restores the live
//!   versions, the disabled tools and the pins exactly; `history` lists every version.
//! - **PostgreSQL** (feature `postgres`): the same tables, for a fleet. Every change is
//!   published with `LISTEN/NOTIFY`; each replica applies the changes of the others in order
//!   and, after a lost connection, catches up from the `changes` table.
//!
//! [`Stored::attach`] binds a store to a registry: it restores the store's state into it, and
//! from then on every install, replace, rollback, removal and enable/disable of the registry
//! is recorded in the store first (a store that refuses, e.g. because another operator changed
//! the tool set first, leaves the registry unchanged). [`Stored::follow`] applies what other
//! processes record, firing the registry's listeners like a local change would.
//!
//! ```no_run
//! # #[cfg(feature = "sqlite")] {
//! use std::sync::Arc;
//! use openapi_tools_runtime::registry::Registry;
//! use openapi_tools_store::{Stored, StoreUrl};
//!
//! let registry = Registry::new();
//! let store = StoreUrl::parse("sqlite:tools.db").unwrap().open().unwrap();
//! let stored = Stored::attach(registry.clone(), store).unwrap();
//! // Installs through `registry` are now recorded; a restart restores them.
//! # let _ = stored; }
//! ```
//!
//! Secrets are never stored: manifests describe how a credential is sent, never its value. A
//! store URL's password is redacted wherever the URL is shown ([`StoreUrl`]).

mod attach;
mod error;
mod model;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;
mod url;

pub use attach::{Actor, Follow, Stored};
pub use error::StoreError;
pub use model::{ChangeKind, ChangeRecord, NewChange, NewVersion, State, VersionRecord};
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use url::StoreUrl;

use openapi_tools_runtime::manifest::Manifest;

/// Where the registry's changes are kept. Two implementations: [`SqliteStore`] (one file) and
/// [`PostgresStore`] (a fleet). Every method is blocking; the PostgreSQL store runs its async
/// client on a runtime of its own, so it may be called from any thread.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Records one change in one transaction and returns its change id (ids are gapless and
    /// increase in commit order). Refused with [`StoreError::Conflict`] when the change replaces
    /// a version that is no longer the live one, and with [`StoreError::Pinned`] when it
    /// replaces a pinned tool set.
    fn append(&self, change: &NewChange<'_>) -> Result<u64, StoreError>;

    /// The changes with an id above `after`, in id order.
    fn changes_since(&self, after: u64) -> Result<Vec<ChangeRecord>, StoreError>;

    /// The live versions, disabled tools and pins, and the id of the last change they include
    /// (read in one consistent view).
    fn state(&self) -> Result<State, StoreError>;

    /// Version `seq` of `set`, with its manifest (`None` if it was never stored).
    fn version(&self, set: &str, seq: u64)
    -> Result<Option<(VersionRecord, Manifest)>, StoreError>;

    /// The versions of `set` (of every set for `None`), oldest first per set.
    fn versions(&self, set: Option<&str>) -> Result<Vec<VersionRecord>, StoreError>;

    /// Calls `wake` whenever another process may have recorded changes (PostgreSQL: on every
    /// notification and after every reconnection). The default does nothing: followers poll.
    fn on_remote_change(&self, wake: Box<dyn Fn() + Send + Sync>) {
        drop(wake);
    }
}
