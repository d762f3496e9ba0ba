//! The fuzz targets' checks (fuzz/fuzz_targets/*.rs), re-implemented on the library API and
//! run over every file in fuzz/regressions/<target>/: crash inputs found by `cargo fuzz`
//! and hand-made nasty inputs. CI runs these without nightly or cargo-fuzz.
//!
//! Keep each check here in step with its fuzz target. To add a case, drop the file into
//! fuzz/regressions/<target>/ (see fuzz/README.md).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use thematic::analyze::{Alias, Analyzer, AnalyzerSettings};
use thematic::ingest::{decode, Corpus, Document};
use thematic::reduce::ReductionSettings;
use thematic::segment::{segment, Boilerplate, Unit, MAX_PARAGRAPH_BYTES};
use thematic::themes::ThemesFile;
use thematic::{fit, RunSettings};

use crate::util::manifest_dir;

/// The regression inputs of one fuzz target, sorted by name.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = manifest_dir().join("fuzz/regressions").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("regressions entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no inputs", dir.display());
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, bytes)
        })
        .collect()
}

/// Runs `check` on every input of `target`; fails naming every input that panicked.
fn run_all(target: &str, check: fn(&[u8])) {
    let mut failed = Vec::new();
    for (name, bytes) in inputs(target) {
        if catch_unwind(AssertUnwindSafe(|| check(&bytes))).is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "fuzz/regressions/{target}: {} input(s) failed (panic messages above): {failed:?}",
        failed.len()
    );
}

/// Runs `check` on one named input of `target` (for a `#[ignore]`d known bug).
#[allow(dead_code)]
fn run_one(target: &str, name: &str, check: fn(&[u8])) {
    let path = manifest_dir()
        .join("fuzz/regressions")
        .join(target)
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    check(&bytes);
}

// ---- segment -------------------------------------------------------------------------

fn check_span(text: &str, start: usize, end: usize, piece: &str, what: &str) {
    assert!(start < end, "{what}: empty span {start}..{end}");
    assert!(end <= text.len(), "{what}: end {end} past {}", text.len());
    assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
    assert_eq!(&text[start..end], piece, "{what} at {start}..{end}");
    assert_eq!(
        piece.trim(),
        piece,
        "{what} at {start}..{end} is not trimmed"
    );
    assert!(
        end - start <= MAX_PARAGRAPH_BYTES,
        "{what} at {start}..{end} longer than MAX_PARAGRAPH_BYTES"
    );
}

/// decode -> segment: passages slice back out of the text, in order, without overlap.
fn check_segment(data: &[u8]) {
    let Ok((text, encoding)) = decode(data) else {
        return;
    };
    let docs = [Document {
        id: "fuzz.txt".into(),
        text,
        encoding,
    }];
    let text = docs[0].text.as_str();
    let boilerplate = Boilerplate::builtin();

    let (kept, dropped) = segment(&docs, &boilerplate, Unit::Passage);
    let mut spans = Vec::with_capacity(kept.len() + dropped.len());
    let mut previous_end = 0;
    for p in &kept {
        assert_eq!(p.doc, 0);
        check_span(text, p.start, p.end, &p.text, "passage");
        assert!(
            p.start >= previous_end,
            "passages out of order or overlapping"
        );
        previous_end = p.end;
        spans.push((p.start, p.end));
    }
    for d in &dropped {
        assert_eq!(d.doc, 0);
        check_span(text, d.start, d.end, &d.text, "dropped paragraph");
        assert!(!d.reason.is_empty());
        spans.push((d.start, d.end));
    }
    spans.sort_unstable();
    for w in spans.windows(2) {
        assert!(
            w[0].1 <= w[1].0,
            "paragraphs {:?} and {:?} overlap",
            w[0],
            w[1]
        );
    }

    let (whole, _) = segment(&docs, &boilerplate, Unit::Document);
    match (kept.first(), kept.last()) {
        (Some(first), Some(last)) => {
            assert_eq!(whole.len(), 1);
            assert_eq!((whole[0].start, whole[0].end), (first.start, last.end));
        }
        _ => assert!(whole.is_empty()),
    }
}

#[test]
fn segment_regressions() {
    run_all("segment", check_segment);
}

// ---- analyze -------------------------------------------------------------------------

fn analyzer_settings() -> AnalyzerSettings {
    AnalyzerSettings {
        ngram_max: 2,
        aliases: vec![
            Alias {
                term: "isis-k".into(),
                variants: vec![
                    "ISIS-K".into(),
                    "IS-K".into(),
                    "Islamic State in Khorasan Province".into(),
                    "Daesh-Khorasan".into(),
                ],
            },
            Alias {
                term: "islamic state".into(),
                variants: vec!["IS".into(), "Islamic State".into(), "Daesh".into()],
            },
        ],
        ..Default::default()
    }
}

/// lossy UTF-8 -> tokens: spans inside the text, on char boundaries, in order.
fn check_analyze(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut analyzer = Analyzer::new(analyzer_settings()).expect("valid settings");
    let tokens = analyzer.tokens(&text);
    let mut previous_end = 0;
    for t in &tokens {
        assert!(
            t.start <= t.end && t.end <= text.len(),
            "token {t:?} outside 0..{}",
            text.len()
        );
        assert!(
            text.is_char_boundary(t.start) && text.is_char_boundary(t.end),
            "token {t:?} not on char boundaries"
        );
        assert!(
            t.start >= previous_end,
            "token {t:?} overlaps the previous one"
        );
        assert!(!t.term.is_empty(), "token {t:?} has an empty term");
        previous_end = t.end;
    }
    let words: Vec<String> = tokens.iter().map(|t| t.term.clone()).collect();
    let terms = analyzer.terms(&text);
    assert_eq!(&terms[..words.len()], &words[..]);
    assert_eq!(terms.len(), words.len() + words.len().saturating_sub(1));
}

#[test]
fn analyze_regressions() {
    run_all("analyze", check_analyze);
}

// ---- pipeline ------------------------------------------------------------------------

/// Up to 4 documents split on 0xFF -> fit (pure discovery): `Err` is fine, a panic is not.
fn check_pipeline(data: &[u8]) {
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
    let mut settings = RunSettings {
        reduction: ReductionSettings {
            dimensions: 5,
            ..Default::default()
        },
        ..Default::default()
    };
    settings.cluster.k = None;
    let Ok(result) = fit(
        &corpus,
        &ThemesFile::default(),
        &Boilerplate::builtin(),
        &settings,
    ) else {
        return;
    };
    assert_eq!(result.assignments.len(), result.passages.len());
    assert_eq!(result.passage_terms.len(), result.passages.len());
    assert_eq!(result.exemplars.len(), result.model.themes.len());
    for a in &result.assignments {
        assert!(a.confidence.is_finite(), "confidence {}", a.confidence);
        if let Some(t) = a.theme {
            assert!(t < result.model.themes.len());
        }
    }
}

#[test]
fn pipeline_regressions() {
    run_all("pipeline", check_pipeline);
}
