//! The `openapi-tools` command: provider schemas, checks, manifests, generated code and diffs
//! from OpenAPI documents.
//!
//! Output is written only once everything succeeded, so a failing run never leaves half a JSON
//! document on stdout; problems go to stderr, one per line, with file, line:column and pointer.

mod args;
mod call;
mod commands;
mod operate;
mod search;
mod serve;
mod serve_store;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: loading and rendering a big document (Microsoft
/// Graph: 11,422 tools) allocates and frees millions of small JSON values, and glibc's malloc
/// spent about 40% of such a run in allocation, free and heap consolidation.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
