//! Loading a sentence-transformers directory and embedding texts with it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokenizers::Tokenizer;

use crate::Error;
use crate::cache::{self, Cache};

/// The environment variable naming the model directory ([`Embedder::from_env`]).
pub const MODEL_DIR_ENV: &str = "OPENAPI_TOOLS_MODEL_DIR";

/// Texts run through the model at once. Texts are sorted by length first, so a batch pads
/// little.
const BATCH: usize = 32;

/// How token vectors become one sentence vector (`1_Pooling/config.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    /// The mean of the token vectors (all-MiniLM-L6-v2 and most sentence models).
    Mean,
    /// The first (`[CLS]`) token's vector.
    Cls,
    /// The element-wise maximum of the token vectors.
    Max,
}

#[derive(Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
}

#[derive(Deserialize)]
struct Module {
    #[serde(rename = "type", default)]
    kind: String,
}

#[derive(Deserialize)]
struct SentenceBertConfig {
    max_seq_length: Option<usize>,
}

/// A sentence-embedding model loaded from a sentence-transformers directory, with its vector
/// cache. Cheap to share (`Arc`); embedding can run from several threads at once.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    pooling: Pooling,
    normalize: bool,
    max_tokens: usize,
    dim: usize,
    id: String,
    dir: PathBuf,
    cache: Cache,
    embedded: AtomicUsize,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("dir", &self.dir)
            .field("id", &self.id)
            .field("dim", &self.dim)
            .field("pooling", &self.pooling)
            .field("normalize", &self.normalize)
            .finish_non_exhaustive()
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

fn parse<T: serde::de::DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::Config {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

impl Embedder {
    /// Loads the model in `dir` (see the crate docs for the layout). Reads about 90 MB for
    /// all-MiniLM-L6-v2; takes well under a second in a release build.
    pub fn load(dir: &Path) -> Result<Self, Error> {
        let config_path = dir.join("config.json");
        let config_bytes = read(&config_path)?;
        let config: Config = parse(&config_path, &config_bytes)?;
        let tokenizer_path = dir.join("tokenizer.json");
        let tokenizer_bytes = read(&tokenizer_path)?;
        let mut tokenizer = Tokenizer::from_bytes(&tokenizer_bytes)
            .map_err(|e| Error::Tokenizer(format!("{}: {e}", tokenizer_path.display())))?;
        // Batches are padded and truncated here, not by the tokenizer's own settings.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(None)
            .map_err(|e| Error::Tokenizer(e.to_string()))?;
        let weights_path = dir.join("model.safetensors");
        let weights = read(&weights_path)?;

        let pooling_path = dir.join("1_Pooling/config.json");
        let (pooling, pooling_bytes) = match std::fs::read(&pooling_path) {
            Ok(bytes) => {
                let p: PoolingConfig = parse(&pooling_path, &bytes)?;
                let pooling = if p.pooling_mode_cls_token {
                    Pooling::Cls
                } else if p.pooling_mode_max_tokens {
                    Pooling::Max
                } else {
                    Pooling::Mean
                };
                (pooling, bytes)
            }
            Err(_) => (Pooling::Mean, Vec::new()),
        };
        let modules_path = dir.join("modules.json");
        let normalize = match std::fs::read(&modules_path) {
            Ok(bytes) => parse::<Vec<Module>>(&modules_path, &bytes)?
                .iter()
                .any(|m| m.kind.ends_with("Normalize")),
            Err(_) => false,
        };
        let st_path = dir.join("sentence_bert_config.json");
        let max_seq = std::fs::read(&st_path)
            .ok()
            .and_then(|b| serde_json::from_slice::<SentenceBertConfig>(&b).ok())
            .and_then(|c| c.max_seq_length)
            .unwrap_or(config.max_position_embeddings);
        let max_tokens = max_seq.min(config.max_position_embeddings).max(2);

        let mut h = Sha256::new();
        for part in [&config_bytes, &tokenizer_bytes, &weights, &pooling_bytes] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part);
        }
        h.update([u8::from(normalize)]);
        let id: String = h.finalize()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();

        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)?;
        let model = BertModel::load(vb, &config)?;
        let dim = config.hidden_size;
        Ok(Embedder {
            model,
            tokenizer,
            device,
            pooling,
            normalize,
            max_tokens,
            dim,
            id,
            dir: dir.to_owned(),
            cache: Cache::in_memory(dim),
            embedded: AtomicUsize::new(0),
        })
    }

    /// The model named by [`MODEL_DIR_ENV`], or `None` when the variable is unset or empty.
    pub fn from_env() -> Option<Result<Self, Error>> {
        let dir = std::env::var_os(MODEL_DIR_ENV).filter(|d| !d.is_empty())?;
        Some(Self::load(Path::new(&dir)))
    }

    /// Keeps vectors in `dir` too (one file per model), so the next process finds them.
    pub fn with_cache_dir(mut self, dir: &Path) -> Result<Self, Error> {
        self.cache = Cache::on_disk(self.dim, dir, &self.id).map_err(|source| Error::Io {
            path: dir.display().to_string(),
            source,
        })?;
        Ok(self)
    }

    /// Wraps the model for sharing between tool indexes and threads.
    pub fn shared(self) -> Arc<Self> {
        Arc::new(self)
    }

    /// Vector length (384 for all-MiniLM-L6-v2).
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The model's identity: a hash of its configuration, tokenizer and weights. Cache keys
    /// include it, so vectors of another model are never mixed in.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The directory the model was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// How the token vectors are pooled.
    pub fn pooling(&self) -> Pooling {
        self.pooling
    }

    /// The most tokens of a text the model reads (`max_seq_length`); longer texts are cut.
    pub fn max_tokens(&self) -> usize {
        self.max_tokens
    }

    /// How many texts this embedder has run through the model (cache hits not counted).
    pub fn embedded_count(&self) -> usize {
        self.embedded.load(Ordering::Relaxed)
    }

    /// How many vectors the cache holds.
    pub fn cached_count(&self) -> usize {
        self.cache.len()
    }

    /// Embeds `texts`, each cut to [`Embedder::max_tokens`] tokens.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, Error> {
        self.embed_limited(texts, self.max_tokens)
    }

    /// Embeds `texts`, each cut to `max_tokens` tokens (special tokens included; at most the
    /// model's own limit).
    pub fn embed_limited(&self, texts: &[&str], max_tokens: usize) -> Result<Vec<Vec<f32>>, Error> {
        let limit = max_tokens.clamp(2, self.max_tokens);
        let mut encoded = Vec::with_capacity(texts.len());
        for t in texts {
            let enc = self
                .tokenizer
                .encode(*t, true)
                .map_err(|e| Error::Tokenizer(e.to_string()))?;
            let mut ids = enc.get_ids().to_vec();
            if ids.len() > limit {
                // Keep the closing special token ([SEP]), as the tokenizer's own truncation does.
                let last = ids[ids.len() - 1];
                ids.truncate(limit - 1);
                ids.push(last);
            }
            encoded.push(ids);
        }
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| encoded[i].len());
        let mut out = vec![Vec::new(); texts.len()];
        for batch in order.chunks(BATCH) {
            let seqs: Vec<&[u32]> = batch.iter().map(|&i| encoded[i].as_slice()).collect();
            let vectors = self.run(&seqs)?;
            for (&i, v) in batch.iter().zip(vectors) {
                out[i] = v;
            }
        }
        self.embedded.fetch_add(texts.len(), Ordering::Relaxed);
        Ok(out)
    }

    /// Embeds `texts` through the cache: only texts it has not seen under this model and token
    /// limit run through the model.
    pub fn embed_cached(
        &self,
        texts: &[&str],
        max_tokens: usize,
    ) -> Result<Vec<Arc<[f32]>>, Error> {
        let keys: Vec<cache::Key> = texts
            .iter()
            .map(|t| cache::key(&self.id, max_tokens, t))
            .collect();
        let mut out: Vec<Option<Arc<[f32]>>> = keys.iter().map(|k| self.cache.get(k)).collect();
        let missing: Vec<usize> = (0..texts.len()).filter(|&i| out[i].is_none()).collect();
        if !missing.is_empty() {
            let todo: Vec<&str> = missing.iter().map(|&i| texts[i]).collect();
            let vectors = self.embed_limited(&todo, max_tokens)?;
            let mut fresh = Vec::with_capacity(missing.len());
            for (&i, v) in missing.iter().zip(vectors) {
                let v: Arc<[f32]> = v.into();
                out[i] = Some(v.clone());
                fresh.push((keys[i], v));
            }
            // A cache file that cannot be written costs a re-embedding next time, nothing more.
            let _ = self.cache.insert(fresh);
        }
        Ok(out.into_iter().flatten().collect())
    }

    /// One padded batch through the model, pooled (and normalised when the model says so).
    fn run(&self, seqs: &[&[u32]]) -> Result<Vec<Vec<f32>>, Error> {
        let len = seqs.iter().map(|s| s.len()).max().unwrap_or(0).max(1);
        let mut ids = Vec::with_capacity(seqs.len() * len);
        let mut mask = Vec::with_capacity(seqs.len() * len);
        for s in seqs {
            ids.extend_from_slice(s);
            ids.extend(std::iter::repeat_n(0u32, len - s.len()));
            mask.extend(std::iter::repeat_n(1u32, s.len()));
            mask.extend(std::iter::repeat_n(0u32, len - s.len()));
        }
        let shape = (seqs.len(), len);
        let ids = Tensor::from_vec(ids, shape, &self.device)?;
        let mask = Tensor::from_vec(mask, shape, &self.device)?;
        let types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?;
        let m = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
        let pooled = match self.pooling {
            Pooling::Mean => hidden
                .broadcast_mul(&m)?
                .sum(1)?
                .broadcast_div(&m.sum(1)?.clamp(1e-9f32, f32::MAX)?)?,
            Pooling::Cls => hidden.narrow(1, 0, 1)?.squeeze(1)?,
            Pooling::Max => {
                // Padding must never win the maximum.
                let neg = ((m.ones_like()? - &m)? * -1e9f64)?;
                hidden.broadcast_add(&neg)?.max(1)?
            }
        };
        let pooled = if self.normalize {
            let norm = pooled
                .sqr()?
                .sum_keepdim(1)?
                .sqrt()?
                .clamp(1e-12f32, f32::MAX)?;
            pooled.broadcast_div(&norm)?
        } else {
            pooled
        };
        Ok(pooled.to_vec2::<f32>()?)
    }
}
