//! The `openapi_tools!` proc-macro (thin layer over `openapi-tools-build`).
