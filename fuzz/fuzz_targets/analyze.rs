//! Arbitrary bytes -> lossy UTF-8 -> `Analyzer` (default settings plus aliases) -> tokens.
//!
//! Checks: every token's span satisfies `start <= end <= len`, lies on char boundaries,
//! and tokens come in text order without overlapping; `terms` agrees with the tokens.
#![no_main]

use libfuzzer_sys::fuzz_target;
use thematic::analyze::{Alias, Analyzer, AnalyzerSettings};

fn settings() -> AnalyzerSettings {
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

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // A fresh analyzer per input: its stem cache must not make a crash depend on history.
    let mut analyzer = Analyzer::new(settings()).expect("valid settings");
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
});
