//! Shared parts of the executor tests.
pub mod server;
