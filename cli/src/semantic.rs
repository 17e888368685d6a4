//! `--model DIR` and `--vector-cache DIR` of `search` and `serve`: discovery by meaning with a
//! local sentence-embedding model (built with the default feature `semantic`).

use std::path::PathBuf;
#[cfg(feature = "semantic")]
use std::sync::Arc;

use clap::Args;
#[cfg(feature = "semantic")]
use openapi_tools_runtime::discovery::Embedder;

/// The embedding model flags.
#[derive(Debug, Clone, Default, Args)]
pub struct ModelArgs {
    /// A sentence-transformers model directory (config.json, tokenizer.json,
    /// model.safetensors; all-MiniLM-L6-v2 is the tested one, see docs/discovery.md): search
    /// by meaning and words together. Default: `$OPENAPI_TOOLS_MODEL_DIR` when set; without
    /// either, words alone. Nothing is downloaded.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Where tool vectors are kept between runs (one file per model; only new or changed
    /// tools are embedded again). Default: `$XDG_CACHE_HOME/openapi-tools/vectors` or
    /// `~/.cache/openapi-tools/vectors`.
    #[arg(long, value_name = "DIR", requires = "model")]
    pub vector_cache: Option<PathBuf>,
}

/// The default vector cache directory, if a home or cache directory is known.
#[cfg(feature = "semantic")]
fn default_cache() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("openapi-tools").join("vectors"))
}

/// The model the flags (or `OPENAPI_TOOLS_MODEL_DIR`) name, with its vector cache; `None`
/// when neither names one.
#[cfg(feature = "semantic")]
pub fn load(args: &ModelArgs) -> Result<Option<Arc<Embedder>>, String> {
    let loaded = match &args.model {
        Some(dir) => Embedder::load(dir),
        None => match Embedder::from_env() {
            Some(m) => m,
            None => return Ok(None),
        },
    };
    let model = loaded.map_err(|e| format!("--model: {e}"))?;
    let cache = args.vector_cache.clone().or_else(default_cache);
    let model = match cache {
        Some(dir) => match model.with_cache_dir(&dir) {
            Ok(m) => m,
            Err(e) => {
                return Err(format!("--vector-cache {}: {e}", dir.display()));
            }
        },
        None => model,
    };
    Ok(Some(model.shared()))
}

/// Without the `semantic` feature a model cannot be used: say so instead of ignoring it.
#[cfg(not(feature = "semantic"))]
pub fn check_unsupported(args: &ModelArgs) -> Result<(), String> {
    if args.model.is_some() {
        return Err("--model: this openapi-tools was built without the `semantic` feature".into());
    }
    Ok(())
}
