//! `thematic classify`: a saved model gives the corpus it was fitted on the same themes.

use crate::util::*;

/// The fields a classification must reproduce, per passage.
fn key(
    p: &PassageLine,
) -> (
    String,
    usize,
    usize,
    String,
    usize,
    f64,
    Option<EvidenceLine>,
) {
    (
        p.doc.clone(),
        p.start,
        p.end,
        p.theme.clone(),
        p.cluster,
        p.confidence,
        p.evidence.clone(),
    )
}

#[test]
fn classifying_the_training_corpus_reproduces_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = RunDirs::new(tmp.path());
    dirs.run_seeds(&["--no-charts"]);
    let classified = tmp.path().join("c");
    dirs.classify_seeds(&classified);

    let expected: Vec<_> = dirs.passages().iter().map(key).collect();
    let actual: Vec<_> = read_jsonl::<PassageLine>(&classified.join("passages.jsonl"))
        .iter()
        .map(key)
        .collect();
    assert_same(
        "number of passages (run, then classify)",
        &expected.len(),
        &actual.len(),
    );
    for (i, (e, a)) in expected.iter().zip(&actual).enumerate() {
        assert_same(
            &format!("passages.jsonl line {} (run, then classify)", i + 1),
            e,
            a,
        );
    }
}
