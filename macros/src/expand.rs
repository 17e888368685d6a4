//! From parsed arguments to tokens: the shared generator, files to watch, errors as
//! `compile_error!`s, breaking-change warnings through `#[deprecated]`.

use std::path::PathBuf;

use openapi_tools_build::diagnostics::{Code, Diagnostic};
use openapi_tools_build::settings::{MAX_REPORTED, generate_from_settings};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};

use crate::args::MacroArgs;

/// Overrides `CARGO_MANIFEST_DIR` as the base of relative paths. For the macro's own trybuild
/// tests, whose test crates live under `target/`; not meant for users.
const BASE_DIR_OVERRIDE: &str = "OPENAPI_TOOLS_MACRO_BASE_DIR";

/// When set, each expansion prints its duration to stderr (for measuring big specs).
const TIMINGS: &str = "OPENAPI_TOOLS_MACRO_TIMINGS";

/// When set to a file path, each expansion writes its generated items there, formatted (for
/// measuring the size of generated code and reading it; the last expansion wins).
const DUMP: &str = "OPENAPI_TOOLS_MACRO_DUMP";

/// Expands one macro call.
pub fn expand(input: TokenStream) -> TokenStream {
    let started = std::time::Instant::now();
    let tokens = expand_inner(input);
    if std::env::var_os(TIMINGS).is_some() {
        eprintln!(
            "openapi_tools!: expanded in {:.3} s",
            started.elapsed().as_secs_f64()
        );
    }
    tokens
}

fn expand_inner(input: TokenStream) -> TokenStream {
    let args = match crate::args::parse(input) {
        Ok(a) => a,
        Err(e) => return e.to_compile_error(),
    };
    let Some(base_dir) = std::env::var_os(BASE_DIR_OVERRIDE)
        .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR"))
        .map(PathBuf::from)
    else {
        return syn::Error::new(
            args.spec_span,
            "CARGO_MANIFEST_DIR is not set: openapi_tools! resolves the spec path against it",
        )
        .to_compile_error();
    };
    generate(&args, &base_dir)
}

fn generate(args: &MacroArgs, base_dir: &std::path::Path) -> TokenStream {
    let out = generate_from_settings(&args.settings, base_dir);
    let span = args.spec_span;

    // Rebuild when any file read changes: rustc records `include_bytes!` files in the crate's
    // dep-info, which cargo watches. Only existing files (a missing one is already an error).
    // Not the lock file: it is written during this expansion, and watching it would compile the
    // crate a second time after every update (a refused build recompiles anyway).
    let watched: Vec<PathBuf> = out.files.iter().filter(|f| f.is_file()).cloned().collect();
    let includes = watched.iter().filter_map(|f| {
        let path = f.to_str()?;
        Some(quote_spanned!(span=> const _: &[u8] = ::core::include_bytes!(#path);))
    });
    let includes: TokenStream = includes.collect();

    if out.has_errors() {
        let errors: Vec<&Diagnostic> = out.diagnostics.iter().filter(|d| d.is_error()).collect();
        let mut tokens = includes;
        for d in errors.iter().take(MAX_REPORTED) {
            // rustc prints its own `error: ` before the message.
            let text = d.to_string();
            let text = text.strip_prefix("error: ").unwrap_or(&text);
            tokens.extend(syn::Error::new(span, text).to_compile_error());
        }
        if errors.len() > MAX_REPORTED {
            let more = format!(
                "... and {} more errors; run `openapi-tools check {}` to list them all",
                errors.len() - MAX_REPORTED,
                args.settings.spec.display()
            );
            tokens.extend(syn::Error::new(span, more).to_compile_error());
        }
        if errors.is_empty() {
            tokens.extend(
                syn::Error::new(span, "openapi-tools: generation failed").to_compile_error(),
            );
        }
        return tokens;
    }

    let lock_warnings = lock_warnings(&out.diagnostics, span);
    let generated = out.tokens.unwrap_or_default();
    if let Some(path) = std::env::var_os(DUMP).filter(|p| !p.is_empty()) {
        dump(&generated, PathBuf::from(path).as_path());
    }
    quote! {
        #includes
        #lock_warnings
        #generated
    }
}

/// Writes the formatted items to `path`; problems go to stderr (a measuring aid, never fatal).
fn dump(tokens: &TokenStream, path: &std::path::Path) {
    let text = match openapi_tools_build::codegen::format_tokens(tokens.clone()) {
        Ok(text) => text,
        Err(e) => format!("// does not parse: {e}\n{tokens}"),
    };
    if let Err(e) = std::fs::write(path, text) {
        eprintln!("openapi_tools!: cannot write {}: {e}", path.display());
    }
}

/// Stable Rust has no way for a proc-macro to emit a warning, except a lint it triggers: each
/// breaking change against the lock file becomes a use of a `#[deprecated]` item whose note is
/// the change, at the spec literal. Spec warnings (often hundreds on big real-world documents)
/// are not emitted this way: `openapi-tools check` lists them.
fn lock_warnings(diags: &openapi_tools_build::Diagnostics, span: Span) -> TokenStream {
    let changes: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| !d.is_error() && d.code == Some(Code::LockBreakingChange))
        .collect();
    let mut notes: Vec<String> = changes
        .iter()
        .take(MAX_REPORTED)
        .map(|d| {
            let text = d.to_string();
            text.strip_prefix("warning: ").unwrap_or(&text).to_owned()
        })
        .collect();
    if changes.len() > MAX_REPORTED {
        notes.push(format!(
            "... and {} more breaking changes",
            changes.len() - MAX_REPORTED
        ));
    }
    notes
        .iter()
        .map(|note| {
            quote_spanned! {span=>
                const _: () = {
                    #[deprecated(note = #note)]
                    #[allow(non_camel_case_types)]
                    struct openapi_tools_breaking_change;
                    let _ = openapi_tools_breaking_change;
                };
            }
        })
        .collect()
}
