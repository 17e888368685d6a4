//! Tool sets: a manifest, its pre-rendered provider schemas and dispatch.
