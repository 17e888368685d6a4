//! The model: one tool per operation, names decided once, canonical input schemas.

pub mod names;
pub(crate) mod schema;
