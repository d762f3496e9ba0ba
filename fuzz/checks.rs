//! What must hold for any input, one check per fuzz target. Shared, as a `#[path]` module,
//! by the targets in `fuzz_targets/` and by `tests/cli/fuzz_regressions.rs`, which replays
//! `fuzz/regressions/` on stable without cargo-fuzz: so CI checks exactly what fuzzing does.
//! A check panics (an assertion) when something does not hold.

use std::sync::OnceLock;

use thematic::{
    decode, fit, segment, Alias, Analyzer, AnalyzerSettings, Boilerplate, Citation, Corpus,
    Document, ReductionSettings, RunResult, RunSettings, SourceMap, ThemesFile, Unit,
    MAX_PARAGRAPH_BYTES, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252,
};

/// Named themes with a focus, so that the evidence stage runs too (on inputs that hold
/// these words; the regression inputs do).
fn themes() -> &'static ThemesFile {
    static T: OnceLock<ThemesFile> = OnceLock::new();
    T.get_or_init(|| {
        ThemesFile::parse(
            "focus = [\"Russia\", \"Moscow\"]\n\
             [[theme]]\nname = \"Syria\"\nseed_terms = [\"Syria\", \"civil war\"]\n\
             [[theme]]\nname = \"Taliban\"\nseed_terms = [\"Taliban\", \"Kabul\"]\n",
            std::path::Path::new("fuzz-themes.toml"),
        )
        .expect("the fuzz themes parse")
    })
}

// Built once: compiling the rules for every input would dominate a fuzzing run.
fn boilerplate() -> &'static Boilerplate {
    static B: OnceLock<Boilerplate> = OnceLock::new();
    B.get_or_init(Boilerplate::builtin)
}

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

/// File bytes -> `decode` -> `segment` with the built-in boilerplate: every kept passage
/// (and every dropped paragraph) slices back out of the document, is trimmed, non-empty and
/// at most `MAX_PARAGRAPH_BYTES`; kept and dropped paragraphs together are in order and
/// never overlap. With `Unit::Document` the single passage spans first..last kept paragraph.
pub fn check_segment(data: &[u8]) {
    let Ok(decoded) = decode(data) else {
        return;
    };
    let docs = [Document::decoded("fuzz.txt", decoded)];
    let text = docs[0].text.as_str();

    let (kept, dropped) = segment(&docs, boilerplate(), Unit::Passage);
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(kept.len() + dropped.len());
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

    let (whole, _) = segment(&docs, boilerplate(), Unit::Document);
    match (kept.first(), kept.last()) {
        (Some(first), Some(last)) => {
            assert_eq!(whole.len(), 1);
            assert_eq!((whole[0].start, whole[0].end), (first.start, last.end));
            // Each kept paragraph sits in the joined text where `pieces` says, and maps
            // back to its own bytes of the document.
            assert_eq!(whole[0].pieces.len(), kept.len());
            for (&(at, _), p) in whole[0].pieces.iter().zip(&kept) {
                let range = at..at + p.text.len();
                assert_eq!(&whole[0].text[range.clone()], p.text);
                assert_eq!(whole[0].source_range(range), p.start..p.end);
            }
        }
        _ => assert!(whole.is_empty()),
    }

    // File offsets: strictly increasing over the characters, ending at the file's length,
    // and each character takes as many file bytes as its encoding says.
    // In UTF-8 with stray bytes, each stray byte is one character.
    let map = SourceMap::of(&docs[0]);
    let width = |at: usize, c: char| match docs[0].encoding {
        WINDOWS_1252 => 1,
        UTF_16LE | UTF_16BE => 2 * c.len_utf16(),
        _ if docs[0].fallback.binary_search(&at).is_ok() => 1,
        _ => c.len_utf8(),
    };
    let mut expected = match docs[0].encoding {
        UTF_16LE | UTF_16BE => 2,
        _ => 0,
    };
    for (at, c) in text.char_indices() {
        assert_eq!(map.file_offset(at), expected, "char at {at}");
        expected += width(at, c);
    }
    assert_eq!(map.file_offset(text.len()), data.len());
}

fn analyzer_settings() -> AnalyzerSettings {
    AnalyzerSettings {
        // Two n-gram sizes so that `terms` exercises the n-gram step as well.
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

/// Bytes -> lossy UTF-8 -> `Analyzer` (default settings plus aliases) -> tokens: every
/// token's span satisfies `start <= end <= len`, lies on char boundaries, and tokens come in
/// text order without overlapping; `terms` agrees with the tokens.
pub fn check_analyze(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    // A fresh analyzer per input: its stem cache must not make a crash depend on history.
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

fn run_settings() -> RunSettings {
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

/// Bytes split on 0xFF into up to 4 files -> `decode` each -> `fit` with an empty themes
/// file (pure discovery) and small settings. `fit` may refuse the corpus with an `Err`; it
/// must never panic, and a result has what outputs and charts rely on.
///
/// The corpus is built the way `ingest::read_corpus` builds it from files: undecodable and
/// whitespace-only files are skipped, and a repeated text is kept once.
pub fn check_pipeline(data: &[u8]) {
    let mut corpus = Corpus::default();
    for (i, part) in data.split(|&b| b == 0xFF).take(4).enumerate() {
        let Ok(decoded) = decode(part) else {
            continue;
        };
        let text = &decoded.text;
        if text.trim().is_empty() || corpus.documents.iter().any(|d| &d.text == text) {
            continue;
        }
        corpus
            .documents
            .push(Document::decoded(format!("doc{i}.txt"), decoded));
    }
    if corpus.documents.is_empty() {
        return;
    }
    for unit in [Unit::Passage, Unit::Document] {
        let settings = RunSettings {
            unit,
            ..run_settings()
        };
        if let Ok(result) = fit(&corpus, themes(), boilerplate(), &settings) {
            check_result(&corpus, &result);
        }
    }
}

/// What outputs and charts rely on in a fit's result.
fn check_result(corpus: &Corpus, result: &RunResult) {
    assert_eq!(result.assignments.len(), result.passages.len());
    // Evidence is a non-empty sentence of its passage, and cited inside the passage's
    // bytes of the file: the very bytes, where file and text offsets agree (plain UTF-8).
    for (p, a) in result.passages.iter().zip(&result.assignments) {
        let Some((s, e)) = a.evidence else { continue };
        assert!(a.theme.is_some_and(|t| t < result.model.n_named()));
        assert!(
            s < e && e <= p.text.len(),
            "evidence {s}..{e} of {}",
            p.text.len()
        );
        assert!(p.text.is_char_boundary(s) && p.text.is_char_boundary(e));
        let cited = Citation::of(p, (s, e), &result.sources);
        let passage = result.sources[p.doc].file_range(p.start..p.end);
        assert!(passage.start <= cited.start && cited.end <= passage.end);
        assert_eq!(cited.text, &p.text[s..e]);
        let doc = &corpus.documents[p.doc];
        if doc.encoding == UTF_8 {
            assert_eq!(&doc.text[cited.start..cited.end], cited.text);
        }
    }
    assert_eq!(result.passage_terms.len(), result.passages.len());
    assert_eq!(result.exemplars.len(), result.model.themes.len());
    for a in &result.assignments {
        assert!(a.confidence.is_finite(), "confidence {}", a.confidence);
        if let Some(t) = a.theme {
            assert!(t < result.model.themes.len());
        }
    }
}
