//! `thematic classify`: a saved model gives the corpus it was fitted on the same themes.

use std::path::Path;

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

/// Fits the seeds with `flags`, classifies them with the saved model and checks that every
/// passage gets the same theme, cluster, confidence and evidence.
fn assert_classify_reproduces(dirs: &RunDirs, classified: &Path, flags: &[&str]) {
    dirs.run_seeds(flags);
    dirs.classify_seeds(classified);

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

#[test]
fn classifying_the_training_corpus_reproduces_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = RunDirs::new(tmp.path());
    assert_classify_reproduces(&dirs, &tmp.path().join("c"), &["--no-charts"]);
}

/// Evidence matches the analyzer's words, not TF-IDF columns: a `--max-df` that prunes the
/// focus from the vocabulary leaves the named themes, in the run and when its model
/// classifies.
#[test]
fn a_focus_pruned_from_the_vocabulary_still_makes_evidence() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = RunDirs::new(tmp.path());
    let flags = ["--no-charts", "--max-df", "0.2"];
    assert_classify_reproduces(&dirs, &tmp.path().join("c"), &flags);
    let model: serde_json::Value = read_json(&dirs.model);
    let vocabulary = model["tfidf"]["vocabulary"]
        .as_array()
        .expect("a vocabulary");
    for pruned in ["russia", "moscow"] {
        assert!(
            !vocabulary.contains(&serde_json::json!(pruned)),
            "--max-df 0.2 should prune {pruned:?} from the seeds' vocabulary"
        );
    }
    let evidence: Vec<String> = dirs
        .passages()
        .into_iter()
        .filter_map(|p| p.evidence.map(|e| e.text))
        .collect();
    assert!(
        evidence.len() >= 10,
        "named passages with a pruned focus: {evidence:?}"
    );
    assert!(
        evidence.iter().any(|e| e.contains("Russia")),
        "no evidence names Russia: {evidence:?}"
    );
}

/// A run with its own boilerplate rules: the model keeps them, so `classify` without
/// `--boilerplate` cuts the documents as the run did and reproduces it; given the built-in
/// rules instead, it keeps what the run's rules dropped.
#[test]
fn the_model_keeps_the_boilerplate_rules_of_its_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = RunDirs::new(tmp.path());
    // The built-in rules plus one that drops every paragraph that opens with "The": many
    // paragraphs of the seeds.
    let rules = tmp.path().join("rules.toml");
    let builtin =
        std::fs::read_to_string(manifest_dir().join("pipeline/segment/boilerplate.toml")).unwrap();
    std::fs::write(
        &rules,
        format!("{builtin}\n[[rule]]\nreason = \"opens with The\"\npattern = '^The '\n"),
    )
    .unwrap();
    let flags = ["--no-charts", "--boilerplate", rules.to_str().unwrap()];
    assert_classify_reproduces(&dirs, &tmp.path().join("c"), &flags);
    let dropped_by_rule = dirs
        .dropped()
        .iter()
        .filter(|d| d.reason == "opens with The")
        .count();
    assert!(
        dropped_by_rule >= 5,
        "the run's rule dropped {dropped_by_rule}"
    );

    let builtin_out = tmp.path().join("b");
    thematic(
        tmp.path(),
        [
            "classify".as_ref(),
            "--model".as_ref(),
            dirs.model.as_os_str(),
            "--boilerplate".as_ref(),
            manifest_dir()
                .join("pipeline/segment/boilerplate.toml")
                .as_os_str(),
            "--out".as_ref(),
            builtin_out.as_os_str(),
            seeds_dir().as_os_str(),
        ],
    )
    .success();
    let kept = read_jsonl::<PassageLine>(&builtin_out.join("passages.jsonl")).len();
    assert_same(
        "passages with the built-in rules",
        &(dirs.passages().len() + dropped_by_rule),
        &kept,
    );
}
