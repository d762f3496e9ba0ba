//! Property tests (proptest) of the pipeline's invariants, on generated text that mixes
//! prose, boilerplate lines, blank lines, every kind of line ending, stray spaces,
//! typographic quotes and non-ASCII letters:
//!
//! 1. segmentation: every kept passage and dropped paragraph slices back out of its
//!    document; spans come in order, never overlap, and cover every non-space byte;
//! 2. TF-IDF: rows are unit length (or empty) with strictly increasing indices, and
//!    transforming the same terms twice gives the same row;
//! 3. classifying the training corpus with the fitted model (also after a save/load
//!    round-trip) reproduces the fit's passages and assignments;
//! 4. determinism: the same seed gives the same fit, and the binary's outputs do not depend
//!    on the number of rayon threads.
//!
//! Failure persistence is off so that a failing case never writes a regressions file into
//! the repository; proptest prints the minimal case instead.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::Config as ProptestConfig;
use thematic::{
    classify, fit, segment, Assignment, Boilerplate, Corpus, Document, RunResult, RunSettings,
    SparseRow, TfIdfSettings, ThemeModel, ThemesFile, Unit,
};

use crate::util::*;

/// `cases` cases, and no regressions file written beside this source.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Text generation
// ---------------------------------------------------------------------------------------

/// Content words: capitalized ones start a paragraph, lowercase ones continue the line
/// before (the segmenter's hard-wrap rule).
const WORDS: &[&str] = &[
    "Russia",
    "Moscow",
    "attack",
    "attacks",
    "attacked",
    "security",
    "services",
    "war",
    "Ukraine",
    "Syria",
    "Taliban",
    "Kabul",
    "government",
    "concert",
    "hall",
    "gunmen",
    "motive",
    "revenge",
    "caliphate",
    "Chechnya",
    "officials",
    "claimed",
    "responsibility",
    "branch",
    "fighters",
    "intervention",
    "propaganda",
    "recruits",
    "Kremlin",
    "intelligence",
    "warning",
    "embassy",
    "Islamic",
    "State",
    "the",
    "of",
    "and",
    "in",
    "a",
    "said",
    "would",
    "its",
    "2024",
    "March",
];

/// Letters outside ASCII, some of which change byte length when lowercased (İ, ẞ, Ⅻ).
const NON_ASCII: &[&str] = &[
    "élan",
    "Müller",
    "naïve",
    "Zürich",
    "straße",
    "Ωmega",
    "Škoda",
    "Łódź",
    "café",
    "Ærø",
    "İstanbul",
    "ẞtraße",
    "ﬁnance",
    "Ⅻ",
    "Дагестан",
    "çà",
    "日本",
];

const PUNCTUATION: &[&str] = &[
    ",", ".", "!", "?", ";", ":", "—", "–", "-", "…", "(", ")", "\"", "'", "’s", "'s",
];

/// Lines the built-in boilerplate rules drop (and a few near misses they keep).
const BOILERPLATE: &[&str] = &[
    "- Advertisement -",
    "Advertisement",
    "Read more: x",
    "Read more: “Extreme brutality” and a long list of enemies.",
    "See also: the attack",
    "Source link",
    "Source: https://www.example.com/world/story-123",
    "Tags: Russia, attack",
    "#Russia #attack",
    "Leave a Reply",
    "01:08",
    "4 min",
    "Sunday, April 21, 2024",
    "2024-03-23 03:12:35",
    "--",
    "1711176789",
    "PREV Macron’s latest statements",
    "Must read",
    "With Reuters and EFE",
    "Read more",
    "Sources say more",
];

/// Short whole lines, picked often enough to repeat within a document (duplicates).
const REPEATED: &[&str] = &[
    "The hall was full.",
    "officials said nothing.",
    "“We will respond,” the Kremlin said.",
    "Müller’s report was cited.",
];

const INDENT: &[&str] = &["", "", "", " ", "  ", "\t", "\u{a0}", "\u{3000}", " \t "];

const LINE_END: &[&str] = &[
    "\n", "\n", "\n", "\r\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\r\r", "\n \n", "\n\t\n",
];

fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => select(WORDS).prop_map(String::from),
        2 => select(NON_ASCII).prop_map(String::from),
        2 => select(PUNCTUATION).prop_map(String::from),
        1 => select(WORDS).prop_map(|w| format!("“{w}”")),
        1 => select(WORDS).prop_map(|w| format!("‘{w}’")),
        1 => (select(WORDS), select(PUNCTUATION)).prop_map(|(w, p)| format!("{w}{p}")),
        1 => select(WORDS).prop_map(|w| format!("{w}’s")),
    ]
}

/// One line's content (without its ending).
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        12 => prop::collection::vec(token(), 1..14).prop_map(|t| t.join(" ")),
        3 => select(BOILERPLATE).prop_map(String::from),
        2 => select(REPEATED).prop_map(String::from),
        2 => Just(String::new()),
        1 => select(INDENT).prop_map(String::from),
    ]
}

/// A document: lines with stray spaces around them and mixed line endings; the last
/// ending may be missing.
fn document_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            (select(INDENT), line(), select(INDENT), select(LINE_END)),
            0..16,
        ),
        any::<bool>(),
    )
        .prop_map(|(lines, final_end)| {
            let mut text = String::new();
            let n = lines.len();
            for (i, (before, line, after, end)) in lines.into_iter().enumerate() {
                text.push_str(before);
                text.push_str(&line);
                text.push_str(after);
                if i + 1 < n || final_end {
                    text.push_str(end);
                }
            }
            text
        })
}

/// Rarely, a runaway line with no newline (beyond the segmenter's paragraph cap), with or
/// without spaces to cut at.
fn runaway_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (1000usize..4500, select(WORDS)).prop_map(|(n, w)| format!("{w} ").repeat(n)),
        (6000usize..9000).prop_map(|n| "é".repeat(n) + "ü"),
        (document_text(), 3000usize..4000)
            .prop_map(|(t, n)| format!("{t}{}\n{t}", "Zürich ".repeat(n))),
    ]
}

fn corpus_of(texts: Vec<String>) -> Corpus {
    Corpus {
        documents: texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| Document::utf8(format!("d{i:02}.txt"), text))
            .collect(),
        skipped: Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// 1. Segmentation
// ---------------------------------------------------------------------------------------

/// Checks every segmentation invariant on one corpus; `Err` says which failed.
fn check_segmentation(corpus: &Corpus) -> Result<(), TestCaseError> {
    let rules = Boilerplate::builtin();
    let docs = &corpus.documents;
    let (kept, dropped) = segment(docs, &rules, Unit::Passage);

    // Kept passages: slices of their document, non-empty and trimmed, in order, apart.
    let mut previous: Option<(usize, usize)> = None; // (doc, end)
    for p in &kept {
        prop_assert!(
            p.doc < docs.len(),
            "passage of doc {} of {}",
            p.doc,
            docs.len()
        );
        let text = &docs[p.doc].text;
        prop_assert!(
            p.start < p.end && p.end <= text.len(),
            "passage span {}..{} in {} bytes",
            p.start,
            p.end,
            text.len()
        );
        prop_assert!(text.is_char_boundary(p.start) && text.is_char_boundary(p.end));
        prop_assert_eq!(&text[p.start..p.end], p.text.as_str());
        prop_assert_eq!(p.text.trim(), p.text.as_str(), "passage is not trimmed");
        if let Some((doc, end)) = previous {
            prop_assert!(
                doc < p.doc || (doc == p.doc && end <= p.start),
                "passage {}:{}..{} comes before or overlaps the one ending at {}:{}",
                p.doc,
                p.start,
                p.end,
                doc,
                end
            );
        }
        previous = Some((p.doc, p.end));
    }

    // Dropped paragraphs: slices too, each with a reason.
    for d in &dropped {
        prop_assert!(d.doc < docs.len());
        let text = &docs[d.doc].text;
        prop_assert!(d.start < d.end && d.end <= text.len());
        prop_assert!(text.is_char_boundary(d.start) && text.is_char_boundary(d.end));
        prop_assert_eq!(&text[d.start..d.end], d.text.as_str());
        prop_assert!(!d.reason.is_empty());
    }

    // Kept and dropped together: no overlap, and every non-whitespace character of every
    // document lies in one of them (nothing is silently lost).
    for (doc, document) in docs.iter().enumerate() {
        let mut spans: Vec<(usize, usize, &str)> = kept
            .iter()
            .filter(|p| p.doc == doc)
            .map(|p| (p.start, p.end, "kept"))
            .chain(
                dropped
                    .iter()
                    .filter(|d| d.doc == doc)
                    .map(|d| (d.start, d.end, "dropped")),
            )
            .collect();
        spans.sort();
        for w in spans.windows(2) {
            prop_assert!(
                w[0].1 <= w[1].0,
                "doc {}: {} {}..{} overlaps {} {}..{}",
                doc,
                w[0].2,
                w[0].0,
                w[0].1,
                w[1].2,
                w[1].0,
                w[1].1
            );
        }
        let mut covered = 0;
        for (start, end, _) in &spans {
            let gap = &document.text[covered..*start];
            prop_assert!(
                gap.trim().is_empty(),
                "doc {}: text outside every span at {}..{}: {:?}",
                doc,
                covered,
                start,
                gap
            );
            covered = *end;
        }
        prop_assert!(
            document.text[covered..].trim().is_empty(),
            "doc {}: text after the last span: {:?}",
            doc,
            &document.text[covered..]
        );
    }

    // Unit::Document: one passage per document with kept text, from its first kept
    // paragraph to its last, joining the kept paragraphs.
    let (whole, dropped_whole) = segment(docs, &rules, Unit::Document);
    prop_assert_eq!(&dropped_whole, &dropped);
    let mut expected = Vec::new();
    for doc in 0..docs.len() {
        let parts: Vec<_> = kept.iter().filter(|p| p.doc == doc).collect();
        if let (Some(first), Some(last)) = (parts.first(), parts.last()) {
            let text = parts
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n\n");
            expected.push((doc, first.start, last.end, text));
        }
    }
    let actual: Vec<_> = whole
        .iter()
        .map(|p| (p.doc, p.start, p.end, p.text.clone()))
        .collect();
    prop_assert_eq!(actual, expected);
    Ok(())
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn segmentation_spans_slice_back_in_order_without_overlap(
        texts in prop::collection::vec(document_text(), 1..5),
    ) {
        check_segmentation(&corpus_of(texts))?;
    }
}

proptest! {
    #![proptest_config(config(8))]

    #[test]
    fn segmentation_of_runaway_lines_slices_back(
        texts in prop::collection::vec(runaway_text(), 1..3),
    ) {
        check_segmentation(&corpus_of(texts))?;
    }
}

// ---------------------------------------------------------------------------------------
// 2. TF-IDF
// ---------------------------------------------------------------------------------------

const TERMS: &[&str] = &[
    "attack",
    "russia",
    "syria",
    "taliban",
    "war",
    "hall",
    "élan",
    "zürich",
    "日本",
    "isis-k",
    "islamic state",
    "a b",
];

fn check_row(row: &SparseRow, n_terms: usize) -> Result<(), TestCaseError> {
    prop_assert_eq!(row.indices.len(), row.values.len());
    prop_assert!(
        row.indices.windows(2).all(|w| w[0] < w[1]),
        "indices not strictly increasing: {:?}",
        row.indices
    );
    prop_assert!(row.indices.iter().all(|&i| (i as usize) < n_terms));
    prop_assert!(
        row.values.iter().all(|v| v.is_finite() && *v > 0.0),
        "{:?}",
        row.values
    );
    if !row.indices.is_empty() {
        let norm = row.values.iter().map(|v| v * v).sum::<f64>().sqrt();
        prop_assert!((norm - 1.0).abs() < 1e-9, "norm {} of {:?}", norm, row);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn tfidf_rows_are_unit_length_sorted_and_repeatable(
        docs in prop::collection::vec(
            prop::collection::vec(select(TERMS).prop_map(String::from), 0..20),
            1..24,
        ),
        unseen in prop::collection::vec(
            prop_oneof![
                select(TERMS).prop_map(String::from),
                "[a-zß-ü]{1,6}".prop_map(|s| format!("new-{s}")),
            ],
            0..20,
        ),
    ) {
        let fitted = TfIdfSettings::default().fit(&docs);
        let any_term = docs.iter().any(|d| !d.is_empty());
        prop_assert_eq!(fitted.is_ok(), any_term, "fit: {:?}", fitted.as_ref().err());
        let Ok(fitted) = fitted else { return Ok(()) };
        let n = fitted.vocabulary.len();
        prop_assert!(fitted.vocabulary.windows(2).all(|w| w[0] < w[1]), "vocabulary not sorted");
        prop_assert_eq!(fitted.idf.len(), n);
        prop_assert!(fitted.idf.iter().all(|&v| v.is_finite() && v >= 1.0), "{:?}", fitted.idf);
        for terms in docs.iter().chain(std::iter::once(&unseen)) {
            let row = fitted.transform(terms);
            check_row(&row, n)?;
            // Empty exactly when none of the terms is in the vocabulary.
            prop_assert_eq!(
                row.indices.is_empty(),
                terms.iter().all(|t| fitted.column(t).is_none())
            );
            prop_assert_eq!(&fitted.transform(terms), &row, "second transform differs");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 3 and 4. Fits: classify reproduces the fit, and the same seed gives the same fit
// ---------------------------------------------------------------------------------------

/// Seed words of the generated themes files (all in [`WORDS`]).
const SEED_WORDS: &[&str] = &[
    "Syria",
    "caliphate",
    "revenge",
    "Taliban",
    "Kabul",
    "Ukraine",
    "war",
    "Chechnya",
    "security",
    "Kremlin",
];

/// A themes file of one to three named themes, with global and per-theme aliases.
fn themes_toml(themes: &[Vec<&str>]) -> String {
    let mut toml = String::from("[aliases]\n\"islamic state\" = [\"Islamic State\", \"IS\"]\n");
    for (i, seeds) in themes.iter().enumerate() {
        let seeds: Vec<String> = seeds.iter().map(|s| format!("{s:?}")).collect();
        toml.push_str(&format!(
            "\n[[theme]]\nname = \"Theme {i}\"\ndescription = \"generated\"\nseed_terms = [{}]\n",
            seeds.join(", ")
        ));
        if i == 0 {
            toml.push_str("aliases = { \"kremlin\" = [\"Moscow\"] }\n");
        }
    }
    toml
}

/// No themes (pure discovery), or a small themes file.
fn themes() -> impl Strategy<Value = ThemesFile> {
    prop::option::of(prop::collection::vec(subsequence(SEED_WORDS, 1..4), 1..4)).prop_map(
        |themes| match themes {
            None => ThemesFile::default(),
            Some(mut themes) => {
                // A themes file refuses two themes with the same seed terms.
                let mut seen = std::collections::HashSet::new();
                themes.retain(|seeds| seen.insert(seeds.clone()));
                ThemesFile::parse(&themes_toml(&themes), Path::new("gen.toml"))
                    .expect("generated themes file parses")
            }
        },
    )
}

/// A document with enough words to fit on: at least four lines of prose among the noise.
fn fit_document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(
            (
                select(INDENT),
                prop::collection::vec(select(WORDS), 4..14).prop_map(|w| w.join(" ")),
                select(LINE_END),
            ),
            4..10,
        ),
        document_text(),
    )
        .prop_map(|(prose, noise)| {
            let mut text = String::new();
            for (indent, line, end) in prose {
                text.push_str(indent);
                text.push_str(&line);
                text.push_str(end);
            }
            text.push_str(&noise);
            text
        })
}

fn fit_corpus() -> impl Strategy<Value = Corpus> {
    prop::collection::vec(fit_document(), 3..7).prop_map(corpus_of)
}

fn settings(seed: u64) -> RunSettings {
    RunSettings {
        seed,
        ..RunSettings::default()
    }
}

/// What a fit or classification decided for each passage.
fn decisions(result: &RunResult) -> Vec<(usize, usize, usize, Assignment)> {
    result
        .passages
        .iter()
        .zip(&result.assignments)
        .map(|(p, a)| (p.doc, p.start, p.end, *a))
        .collect()
}

/// Asserts that `classified` gives the fit's passages, dropped paragraphs and
/// assignments.
/// `tolerance` is the largest difference of confidence allowed: 0 (bit for bit) in memory;
/// after a save/load round-trip see [`bug_a_saved_model_does_not_load_back_bit_for_bit`].
fn check_same_run(
    what: &str,
    fitted: &RunResult,
    classified: &RunResult,
    tolerance: f64,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(&classified.passages, &fitted.passages, "{}: passages", what);
    prop_assert_eq!(&classified.dropped, &fitted.dropped, "{}: dropped", what);
    prop_assert_eq!(
        classified.assignments.len(),
        fitted.assignments.len(),
        "{}: number of assignments",
        what
    );
    for (i, (c, f)) in classified
        .assignments
        .iter()
        .zip(&fitted.assignments)
        .enumerate()
    {
        let same_confidence = if tolerance == 0.0 {
            c.confidence.to_bits() == f.confidence.to_bits()
        } else {
            (c.confidence - f.confidence).abs() <= tolerance
        };
        prop_assert!(
            (c.cluster, c.theme) == (f.cluster, f.theme) && same_confidence,
            "{}: assignment of passage {} ({:?})\n  fitted:     {:?}\n  classified: {:?}",
            what,
            i,
            fitted.passages[i].text,
            f,
            c
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(12))]

    #[test]
    fn classifying_the_training_corpus_reproduces_the_fit(
        corpus in fit_corpus(),
        themes in themes(),
        seed in 0u64..1000,
    ) {
        let rules = Boilerplate::builtin();
        let fitted = fit(&corpus, &themes, &rules, &settings(seed));
        prop_assume!(fitted.is_ok(), "fit failed: {:?}", fitted.err());
        let fitted = fitted.unwrap();
        for a in &fitted.assignments {
            prop_assert!((0.0..=1.0).contains(&a.confidence), "confidence {:?}", a);
            prop_assert!(a.cluster < fitted.model.cluster_theme.len());
            prop_assert!(a.theme.is_none_or(|t| t < fitted.model.themes.len()));
        }

        let classified = classify(&corpus, &fitted.model, &rules).expect("classify");
        check_same_run("classify with the fitted model", &fitted, &classified, 0.0)?;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.json");
        fitted.model.save(&path).expect("save the model");
        let loaded = ThemeModel::load(&path).expect("load the model");
        let reloaded = classify(&corpus, &loaded.into(), &rules).expect("classify");
        check_same_run("classify with the saved and loaded model", &fitted, &reloaded, 0.0)?;
    }

    #[test]
    fn the_same_seed_gives_the_same_fit(
        corpus in fit_corpus(),
        themes in themes(),
        seed in 0u64..1000,
    ) {
        let rules = Boilerplate::builtin();
        let first = fit(&corpus, &themes, &rules, &settings(seed));
        prop_assume!(first.is_ok(), "fit failed: {:?}", first.err());
        let first = first.unwrap();
        let second = fit(&corpus, &themes, &rules, &settings(seed)).expect("second fit");
        prop_assert_eq!(decisions(&second), decisions(&first));
        prop_assert!(second.model == first.model, "the two fits' models differ");
    }
}

/// A one-document-per-text corpus, as the fit properties build it.
fn corpus_of_strs(texts: &[&str]) -> Corpus {
    corpus_of(texts.iter().map(|t| t.to_string()).collect())
}

/// Fits `texts` with the default settings and no themes, then saves and loads the model.
fn fit_save_load(texts: &[&str]) -> (Corpus, RunResult, ThemeModel) {
    let corpus = corpus_of_strs(texts);
    let fitted = fit(
        &corpus,
        &ThemesFile::default(),
        &Boilerplate::builtin(),
        &RunSettings::default(),
    )
    .expect("fit");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    fitted.model.save(&path).expect("save the model");
    let loaded = ThemeModel::load(&path).expect("load the model");
    (corpus, fitted, loaded)
}

/// Regression: serde_json without its `float_roundtrip` feature parsed about one f64 in
/// ten one ulp off what it wrote (0.009465742276341825 read back as
/// 0.009465742276341824), so a loaded model was never the model that was saved.
#[test]
fn a_saved_model_loads_back_bit_for_bit() {
    let (_, fitted, loaded) = fit_save_load(&["Russia attack", "Syria revenge"]);
    assert!(
        loaded == *fitted.model,
        "the loaded model differs from the saved one"
    );
}

/// The same regression seen through `classify`: the reloaded model gave a passage
/// confidence 0.9999999999999999 where the fit gave 1.0.
#[test]
fn classify_after_save_and_load_keeps_every_confidence() {
    let (corpus, fitted, loaded) = fit_save_load(&[
        "Kabul\nRussia war Russia\nattack",
        "Kremlin\ncaliphate",
        "Syria",
    ]);
    let reloaded = classify(&corpus, &loaded.into(), &Boilerplate::builtin()).expect("classify");
    assert_same(
        "assignments (fit, then classify with the reloaded model)",
        &fitted.assignments,
        &reloaded.assignments,
    );
}

/// The binary on the seeds, with one and with two rayon threads: the evidence files and
/// the model are byte for byte the same.
#[test]
fn run_outputs_do_not_depend_on_the_number_of_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let mut files: BTreeMap<&str, Vec<Vec<u8>>> = BTreeMap::new();
    for threads in ["1", "2"] {
        let dirs = RunDirs::new(&tmp.path().join(format!("threads-{threads}")));
        std::fs::create_dir_all(&dirs.root).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_thematic"))
            .args(["run", "--corpus"])
            .arg(seeds_dir())
            .arg("--themes")
            .arg(seed_themes())
            .arg("--out")
            .arg(&dirs.out)
            .arg("--plots")
            .arg(&dirs.plots)
            .arg("--model")
            .arg(&dirs.model)
            .arg("--no-charts")
            .current_dir(&dirs.root)
            .env("RAYON_NUM_THREADS", threads)
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("start thematic");
        assert!(
            output.status.success(),
            "thematic run with RAYON_NUM_THREADS={threads} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        for (name, path) in [
            ("passages.jsonl", dirs.out.join("passages.jsonl")),
            ("dropped.jsonl", dirs.out.join("dropped.jsonl")),
            ("themes.json", dirs.out.join("themes.json")),
            ("documents.csv", dirs.out.join("documents.csv")),
            ("model", dirs.model.clone()),
        ] {
            files.entry(name).or_default().push(read_bytes(&path));
        }
    }
    for (name, versions) in &files {
        assert_same_bytes(
            &format!("{name} (RAYON_NUM_THREADS=1, then 2)"),
            &versions[0],
            &versions[1],
        );
    }
}
