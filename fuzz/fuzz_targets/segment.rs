//! Arbitrary file bytes -> `ingest::decode` -> `segment` with the built-in boilerplate.
//!
//! Checks: every kept passage (and every dropped paragraph) slices back out of the
//! document (`text[start..end] == passage.text`), is trimmed, non-empty and at most
//! `MAX_PARAGRAPH_BYTES`; kept and dropped paragraphs together are in order and never
//! overlap. With `Unit::Document` the single passage spans first..last kept paragraph.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use thematic::ingest::{decode, Document};
use thematic::segment::{segment, Boilerplate, Unit, MAX_PARAGRAPH_BYTES};

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

fuzz_target!(|data: &[u8]| {
    let Ok((text, encoding)) = decode(data) else {
        return;
    };
    let docs = [Document {
        id: "fuzz.txt".into(),
        text,
        encoding,
    }];
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
        }
        _ => assert!(whole.is_empty()),
    }
});
