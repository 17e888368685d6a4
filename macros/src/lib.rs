//! The `openapi_tools!` proc-macro: typed LLM tools from an OpenAPI document at compile time.
//!
//! A thin layer over `openapi-tools-build`: the arguments fill the same
//! [`openapi_tools_build::Settings`] that build.rs's `Builder` and `openapi-tools generate` use,
//! and [`openapi_tools_build::generate_from_settings`] does the work, so the three produce the
//! same code. Use it through the `openapi-tools` crate (`openapi_tools::openapi_tools!`).
//!
//! ```ignore
//! openapi_tools::openapi_tools!("specs/petstore.yaml");
//!
//! mod github {
//!     openapi_tools::openapi_tools!(
//!         spec = "specs/github.json",     // relative to CARGO_MANIFEST_DIR
//!         tags = ["repos", "issues"],      // keep operations with any of these tags
//!         exclude_tags = ["enterprise-admin"],
//!         operations = ["repos/get"],      // ... or these operationIds / tool names
//!         paths = ["/repos/{owner}/{repo}/issues*"], // ... or these paths (`*` = prefix)
//!         namespace = "gh",                // tool names become `gh__...`
//!         rename = { "repos/get" = "get_repo" },
//!         runtime = "::openapi_tools::runtime", // the default
//!         module = "api",                  // wrap the items in `pub mod api`
//!         toolset = "GitHub",              // the tool-set struct (default `Tools`)
//!         lock_file = "github.lock.json",  // breaking-change guard, see below
//!         deny_breaking = true,
//!         strict = true,                   // warnings about the spec are errors
//!     );
//! }
//! ```
//!
//! # Rebuilds
//! The expansion contains `const _: &[u8] = include_bytes!("<absolute path>");` for the spec,
//! and every file it references, so cargo recompiles the crate when any changes. (Not the lock
//! file: the expansion itself writes it, and watching it would compile the crate twice.)
//!
//! Set `OPENAPI_TOOLS_MACRO_TIMINGS=1` to have each expansion print its duration to stderr, and
//! `OPENAPI_TOOLS_MACRO_DUMP=/tmp/out.rs` to have it write the generated items there, formatted
//! (`benches/macro-build.sh` uses both).
//!
//! # Errors and warnings
//! Every error (up to 50, then a count) becomes a `compile_error!` at the spec literal naming
//! file, line:column, JSON pointer and operation. Stable Rust gives proc-macros no way to emit
//! warnings: spec warnings (skipped operations, approximated schemas) are listed by
//! `openapi-tools check SPEC`; breaking changes against the lock file are the exception and
//! appear as `deprecated` warnings at the spec literal. With `strict = true` every warning about
//! the spec (a part salvaged, a schema approximated, a tool skipped) is an error instead.
//!
//! # Lock file
//! With `lock_file`, the expansion compares the new manifest with the one in the lock file and
//! rewrites the lock (atomically, only when its content changed) unless `deny_breaking` refuses
//! a breaking change. Writing a file from a macro expansion is unusual: it happens only when the
//! spec or options changed, the write is idempotent, and rust-analyzer expanding the same call
//! writes the same bytes. See `openapi_tools_build::lock` for the full rules.

mod args;
mod expand;

use proc_macro::TokenStream;

/// Generates typed tools from an OpenAPI document; see the crate docs for the options.
#[proc_macro]
pub fn openapi_tools(input: TokenStream) -> TokenStream {
    expand::expand(input.into()).into()
}
