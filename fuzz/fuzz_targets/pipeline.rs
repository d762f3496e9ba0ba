//! Arbitrary bytes split on 0xFF into up to 4 files -> `decode` each -> `fit` with an
//! empty themes file (pure discovery) and small settings. `fit` may refuse the corpus
//! with an `Err`; it must never panic.
//!
//! The corpus is built the way `ingest::read_corpus` builds it from files: undecodable
//! and whitespace-only files are skipped, and a repeated text is kept once.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use thematic::ingest::{decode, Corpus, Document};
use thematic::reduce::ReductionSettings;
use thematic::segment::Boilerplate;
use thematic::themes::ThemesFile;
use thematic::{fit, RunSettings};

fn boilerplate() -> &'static Boilerplate {
    static B: OnceLock<Boilerplate> = OnceLock::new();
    B.get_or_init(Boilerplate::builtin)
}

fn settings() -> RunSettings {
    let mut s = RunSettings {
        reduction: ReductionSettings {
            dimensions: 5,
            ..Default::default()
        },
        ..Default::default()
    };
    s.cluster.k = None;
    s
}

fuzz_target!(|data: &[u8]| {
    let mut corpus = Corpus::default();
    for (i, part) in data.split(|&b| b == 0xFF).take(4).enumerate() {
        let Ok((text, encoding)) = decode(part) else {
            continue;
        };
        if text.trim().is_empty() || corpus.documents.iter().any(|d| d.text == text) {
            continue;
        }
        corpus.documents.push(Document {
            id: format!("doc{i}.txt"),
            text,
            encoding,
        });
    }
    if corpus.documents.is_empty() {
        return;
    }
    let Ok(result) = fit(&corpus, &ThemesFile::default(), boilerplate(), &settings()) else {
        return;
    };
    // What outputs and charts rely on.
    assert_eq!(result.assignments.len(), result.passages.len());
    assert_eq!(result.passage_terms.len(), result.passages.len());
    assert_eq!(result.exemplars.len(), result.model.themes.len());
    for a in &result.assignments {
        assert!(a.confidence.is_finite(), "confidence {}", a.confidence);
        if let Some(t) = a.theme {
            assert!(t < result.model.themes.len());
        }
    }
});
