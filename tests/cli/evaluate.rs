//! `thematic evaluate`: the seed run scored against the hand labels.

use std::path::Path;

use serde::Deserialize;

use crate::util::*;

#[derive(Debug, Deserialize)]
struct Report {
    evaluated: usize,
    macro_f1: f64,
    boilerplate_as_named: usize,
    classes: Vec<serde_json::Value>,
}

/// Regression floors just under the macro-F1 measured with the default settings (see the
/// README). The target is 0.90, which the pipeline does not reach.
const SEED_FLOOR: f64 = 0.85;

/// The articles written for evaluation after the seeds (`tests/fixtures/LABELLING.md`),
/// with floors just under the macro-F1 of a run fitted on the set itself, and of the set
/// classified by a model fitted on the seeds (as `models/seeds.json` classifies new
/// articles), and how many boilerplate paragraphs may take a motive.
const LATER_SETS: [(&str, f64, f64, usize); 32] = [
    ("unseen_dev", 0.78, 0.78, 0),
    ("unseen_test", 0.86, 0.83, 0),
    ("unseen_test2", 0.82, 0.81, 0),
    ("unseen_test3", 0.83, 0.81, 0),
    // A reader's comment under a blog post asks about "the Taliban angle" and whether
    // Moscow moves closer to Kabul: the pipeline cannot tell a comment from the article.
    ("unseen_test4", 0.80, 0.80, 1),
    ("unseen_test5", 0.76, 0.69, 0),
    // No paragraph argues Chechnya, and the attack's record against the Beslan siege no
    // longer reads as the motive. "a security apparatus pointed at Ukraine and at domestic
    // dissent -- mattered, but it was not the reason" reads as Ukraine distraction.
    ("unseen_test6", 0.82, 0.82, 0),
    ("unseen_test7", 0.65, 0.69, 0),
    // "ISKP has been unusually attentive to Tajik speakers": "attentive" stems as
    // "attention" does, and reads as Ukraine distraction since the dissent terms moved
    // the theme's seed vector.
    ("unseen_test8", 0.69, 0.62, 0),
    // No paragraph argues Chechnya; the seeds model gives one Chechnya (F1 0).
    ("unseen_test9", 0.91, 0.66, 0),
    ("unseen_test10", 0.66, 0.66, 0),
    ("unseen_test11", 0.69, 0.69, 0),
    ("unseen_test12", 0.73, 0.72, 0),
    // One paragraph argues Chechnya, in a list that opens with the Soviet war in
    // Afghanistan: its annotators read the first motive of the guideline's list (Chechnya),
    // the adjudicators of unseen_test6 to unseen_test9 the first reason named (`other`),
    // as the themes file's `other_reasons` does. Chechnya's F1 is 0 here.
    ("unseen_test13", 0.63, 0.62, 0),
    ("unseen_test14", 0.78, 0.76, 0),
    ("unseen_test15", 0.86, 0.86, 0),
    // A memoir's author note ("served in Moscow, Kabul and Central Asia") reads as
    // Taliban ties; the pipeline cannot tell it from the essay.
    ("unseen_test16", 0.73, 0.73, 1),
    ("unseen_test17", 0.64, 0.64, 0),
    // An open letter's signatories are dropped as affiliations, but not one whose
    // institution is a "Research Network", nor the site's tagline ("A forum for research on
    // Russia, Central Asia and the Caucasus"): both read as Chechnya.
    ("unseen_test18", 0.59, 0.59, 2),
    ("unseen_test19", 0.67, 0.69, 0),
    // A chart's source note that explains the chart ("... alongside the Syrian
    // government") reads as Syria.
    ("unseen_test20", 0.62, 0.60, 1),
    // Its reference list ("... (2024) 'From Grozny to Raqqa: ...'") is dropped as
    // citations.
    ("unseen_test21", 0.82, 0.79, 0),
    ("unseen_test22", 0.72, 0.67, 0),
    ("unseen_test23", 0.80, 0.83, 0),
    ("unseen_test24", 0.69, 0.71, 0),
    ("unseen_test25", 0.72, 0.76, 0),
    ("unseen_test26", 0.74, 0.73, 0),
    // One paragraph argues Chechnya.
    ("unseen_test27", 0.63, 0.63, 0),
    ("unseen_test28", 0.70, 0.68, 0),
    ("unseen_test29", 0.65, 0.65, 0),
    ("unseen_test30", 0.82, 0.81, 0),
    // Two entries of a wiki-style reference list without authors ("10. "Taliban condemn
    // attack near Moscow". Kabul Dispatch. 23 March 2024.") read as Taliban ties when
    // first scored; they are dropped as citations now.
    ("unseen_test31", 0.72, 0.73, 0),
];

/// `evaluate` (in JSON, or as text) of a finished run's passages against `labels`.
fn evaluate(dirs: &RunDirs, labels: &Path, json: bool) -> Outcome {
    let mut args = vec![
        "evaluate".into(),
        "--labels".into(),
        labels.as_os_str().to_owned(),
        "--passages".into(),
        dirs.out.join("passages.jsonl").into_os_string(),
    ];
    if json {
        args.push("--json".into());
    }
    let outcome = thematic(&dirs.root, args);
    outcome.success();
    outcome
}

/// Fits `corpus` with the seed themes file and scores it against `labels` ([`check`]).
fn score(
    dirs: &RunDirs,
    corpus: &Path,
    labels: &Path,
    floor: f64,
    boilerplate_named: usize,
) -> Report {
    let themes = seed_themes();
    dirs.run(
        corpus,
        &[
            "--themes",
            themes.to_str().expect("UTF-8 path"),
            "--no-charts",
        ],
    )
    .success();
    let what = corpus.display().to_string();
    check(dirs, labels, floor, boilerplate_named, &what)
}

/// Scores the passages in `dirs.out` against `labels`: above `floor`, and at most
/// `boilerplate_named` boilerplate paragraphs given a motive.
fn check(
    dirs: &RunDirs,
    labels: &Path,
    floor: f64,
    boilerplate_named: usize,
    what: &str,
) -> Report {
    let json = evaluate(dirs, labels, true);
    let report: Report = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|e| panic!("evaluate --json: {e}\n{}", json.stdout));
    assert!(report.evaluated > 0, "nothing evaluated: {report:?}");
    // The motives the labels use, and any other the run gave a labelled paragraph (a
    // false alarm for a motive the articles never argue counts as F1 0).
    let labelled: std::collections::BTreeSet<String> = read_text(labels)
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(3).map(str::to_string))
        .filter(|l| l != "other" && l != "boilerplate")
        .collect();
    let scored: Vec<&str> = report
        .classes
        .iter()
        .map(|c| c["theme"].as_str().expect("a theme name"))
        .collect();
    for theme in &labelled {
        assert!(
            scored.contains(&theme.as_str()),
            "{what}: {theme} not scored"
        );
    }
    for class in &report.classes {
        if !labelled.contains(class["theme"].as_str().unwrap()) {
            assert_eq!(class["support"], 0, "{what}: {class}");
            assert_eq!(class["f1"], 0.0, "{what}: {class}");
        }
    }
    assert!(
        report.macro_f1 >= floor,
        "{what}: macro-F1 {} is below the floor {floor}\n{report:?}",
        report.macro_f1
    );
    assert!(
        report.boilerplate_as_named <= boilerplate_named,
        "{what}: {} boilerplate paragraphs given a named theme",
        report.boilerplate_as_named
    );
    report
}

#[test]
fn the_seed_run_scores_above_the_floor_in_json_and_text() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = RunDirs::new(tmp.path());
    let report = score(&dirs, &seeds_dir(), &seed_labels(), SEED_FLOOR, 0);
    let text = evaluate(&dirs, &seed_labels(), false);
    assert_contains("evaluate text report", "macro-F1", &text.stdout);
    assert_contains(
        "evaluate text report",
        &format!("{:.3}", report.macro_f1),
        &text.stdout,
    );
}

#[test]
fn articles_written_after_the_seeds_score_above_their_floors() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs_in = |name: &str| {
        let root = tmp.path().join(name);
        std::fs::create_dir_all(&root).unwrap();
        RunDirs::new(&root)
    };
    let seeds = dirs_in("seeds");
    seeds.run_seeds(&["--no-charts"]);
    for (set, fitted_floor, classified_floor, boilerplate_named) in LATER_SETS {
        let fixtures = manifest_dir().join("tests/fixtures").join(set);
        let (articles, labels) = (fixtures.join("articles"), fixtures.join("labels.csv"));
        let dirs = dirs_in(set);
        score(&dirs, &articles, &labels, fitted_floor, boilerplate_named);
        thematic(
            &dirs.root,
            [
                "classify".as_ref(),
                "--model".as_ref(),
                seeds.model.as_os_str(),
                "--out".as_ref(),
                dirs.out.as_os_str(),
                articles.as_os_str(),
            ],
        )
        .success();
        let classified = check(
            &dirs,
            &labels,
            classified_floor,
            boilerplate_named,
            &format!("{set} classified"),
        );
        if set == "unseen_test9" {
            // A motive nobody labelled is still scored when the run used it.
            assert!(
                classified.classes.iter().any(|c| c["theme"] == "Chechnya"),
                "{classified:?}"
            );
        }
    }
}

/// Labels that cannot be scored are refused, naming the labels file (and line).
/// Regressions: labels that matched nothing printed "evaluated 0" and NMI = ARI = 1.000
/// with exit code 0; a typo ("Syrai") was scored as a theme of its own; a paragraph
/// labelled twice counted twice.
#[test]
fn labels_that_cannot_be_scored_are_refused_naming_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = RunDirs::new(tmp.path());
    dirs.run_seeds(&FAST);
    let first = dirs.passages().into_iter().next().expect("a passage");
    let (doc, start) = (first.doc.as_str(), first.start);
    let inside = start + 1;
    let starts: Vec<usize> = dirs
        .passages()
        .iter()
        .filter(|p| p.doc == doc)
        .map(|p| p.start)
        .chain(
            dirs.dropped()
                .iter()
                .filter(|d| d.doc == doc)
                .map(|d| d.start),
        )
        .collect();
    assert!(!starts.contains(&inside), "{inside} starts a paragraph");
    let labels = tmp.path().join("labels.csv");
    let passages = dirs.out.join("passages.jsonl");
    let evaluate_rows = |rows: String| -> Outcome {
        std::fs::write(&labels, rows).unwrap();
        thematic(
            &dirs.root,
            [
                "evaluate".as_ref(),
                "--labels".as_ref(),
                labels.as_os_str(),
                "--passages".as_ref(),
                passages.as_os_str(),
            ],
        )
    };
    let refused = |rows: String| evaluate_rows(rows).failure().to_string();
    let matches_nothing = |n: &str| {
        format!(
            "error: {}: none of its {n} matches a passage of {}; are they for this run?",
            labels.display(),
            passages.display()
        )
    };
    // Another document, and an offset inside a paragraph.
    let err = refused(format!(
        "doc,start,label\nnosuch.txt,0,Syria\n{doc},{inside},other\n"
    ));
    assert_contains(
        "labels matching nothing",
        &matches_nothing("2 labels"),
        &err,
    );
    let err = refused("doc,label\nnosuch.txt,Syria\n".into());
    assert_contains(
        "document labels matching nothing",
        &matches_nothing("1 label"),
        &err,
    );
    let err = refused(format!(
        "doc,start,label\n{doc},{start},Syria\n{doc},{inside},Syrai\n"
    ));
    assert_contains(
        "a label that is no theme",
        &format!(
            "error: {}:3: label \"Syrai\" is not a named theme",
            labels.display()
        ),
        &err,
    );
    let err = refused(format!(
        "doc,start,label\n{doc},{start},Syria\n{doc},{start},Chechnya\n"
    ));
    assert_contains(
        "a paragraph labelled twice",
        &format!("{}:3: {doc} at byte {start}", labels.display()),
        &err,
    );
    assert_contains("a paragraph labelled twice", "on line 2", &err);
    // Without themes.json the run's themes are unknown: a label no passage takes is only
    // warned about.
    std::fs::remove_file(dirs.out.join("themes.json")).unwrap();
    let warned = evaluate_rows(format!("doc,start,label\n{doc},{start},Syrai\n"));
    assert_contains(
        "a label no passage takes, without themes.json",
        &format!("warning: {}:2: label \"Syrai\"", labels.display()),
        &warned.success().stderr,
    );
    std::fs::write(&passages, "").unwrap();
    let err = refused(format!("doc,start,label\n{doc},{start},Syria\n"));
    assert_contains("an empty passages.jsonl", &matches_nothing("1 label"), &err);
}
