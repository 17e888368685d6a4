//! Vectors by (model, text), in memory and optionally in one append-only file per model.
//!
//! A record on disk is the 32-byte SHA-256 key followed by `dim` little-endian `f32`s; a
//! partial record at the end (a process stopped mid-write) is ignored. Keys include the model
//! hash and the token limit, so a cache directory can be shared by models and settings.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

/// The cache key of one text under one model and token limit.
pub(crate) type Key = [u8; 32];

pub(crate) fn key(model: &str, max_tokens: usize, text: &str) -> Key {
    let mut h = Sha256::new();
    h.update(model.as_bytes());
    h.update([0]);
    h.update((max_tokens as u64).to_le_bytes());
    h.update(text.as_bytes());
    h.finalize().into()
}

#[derive(Debug, Default)]
pub(crate) struct Cache {
    dim: usize,
    vectors: Mutex<HashMap<Key, Arc<[f32]>>>,
    file: Option<PathBuf>,
}

impl Cache {
    pub(crate) fn in_memory(dim: usize) -> Self {
        Cache {
            dim,
            ..Cache::default()
        }
    }

    /// A cache backed by `dir/<model>.vectors`, with what the file already holds.
    pub(crate) fn on_disk(dim: usize, dir: &Path, model: &str) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let file = dir.join(format!("{model}.vectors"));
        let mut map = HashMap::new();
        if let Ok(mut f) = File::open(&file) {
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes)?;
            let record = 32 + 4 * dim;
            for chunk in bytes.chunks_exact(record) {
                let (k, v) = chunk.split_at(32);
                let mut key = [0u8; 32];
                key.copy_from_slice(k);
                let vector: Arc<[f32]> = v
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                map.insert(key, vector);
            }
        }
        Ok(Cache {
            dim,
            vectors: Mutex::new(map),
            file: Some(file),
        })
    }

    pub(crate) fn get(&self, key: &Key) -> Option<Arc<[f32]>> {
        self.lock().get(key).cloned()
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Stores new vectors, appending them to the file when there is one. A failed write only
    /// costs a re-embedding next time, so it is reported and not fatal.
    pub(crate) fn insert(&self, entries: Vec<(Key, Arc<[f32]>)>) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        if self.file.is_some() {
            for (k, v) in &entries {
                if v.len() != self.dim {
                    continue;
                }
                bytes.extend_from_slice(k);
                for x in v.iter() {
                    bytes.extend_from_slice(&x.to_le_bytes());
                }
            }
        }
        self.lock().extend(entries);
        if let Some(path) = &self.file
            && !bytes.is_empty()
        {
            let mut f = OpenOptions::new().create(true).append(true).open(path)?;
            f.write_all(&bytes)?;
        }
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<[f32]>>> {
        self.vectors.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_survive_a_reopen_and_a_torn_tail_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let c = Cache::on_disk(2, dir.path(), "m").unwrap();
        let (a, b) = (key("m", 8, "a"), key("m", 8, "b"));
        c.insert(vec![
            (a, Arc::from([1.0f32, 2.0])),
            (b, Arc::from([3.0f32, 4.0])),
        ])
        .unwrap();
        let file = dir.path().join("m.vectors");
        let mut f = OpenOptions::new().append(true).open(&file).unwrap();
        f.write_all(&[7u8; 20]).unwrap();
        let c = Cache::on_disk(2, dir.path(), "m").unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(&*c.get(&b).unwrap(), &[3.0, 4.0]);
        assert_ne!(key("m", 8, "a"), key("m", 16, "a"));
        assert_ne!(key("m", 8, "a"), key("n", 8, "a"));
    }
}
