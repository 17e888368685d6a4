//! The HTTP request a tool call maps to, with OpenAPI parameter serialisation.
