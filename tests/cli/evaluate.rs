//! `thematic evaluate`: the seed run scored against the hand labels.

use serde::Deserialize;

use crate::util::*;

#[derive(Debug, Deserialize)]
struct Report {
    evaluated: usize,
    macro_f1: f64,
    boilerplate_as_named: usize,
    classes: Vec<serde_json::Value>,
}

/// A regression floor just under the 0.799 measured with the default settings (see the
/// README). The target is 0.90, which the pipeline does not reach yet.
const MACRO_F1_FLOOR: f64 = 0.78;

#[test]
fn the_seed_run_scores_above_the_floor_in_json_and_text() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = RunDirs::new(tmp.path());
    dirs.run_seeds(&["--no-charts"]);
    let passages = dirs.out.join("passages.jsonl");
    let labels = seed_labels();
    let args = |json: bool| {
        let mut a = vec![
            "evaluate".into(),
            "--labels".into(),
            labels.clone().into_os_string(),
            "--passages".into(),
            passages.clone().into_os_string(),
        ];
        if json {
            a.push("--json".into());
        }
        a
    };

    let json = thematic(tmp.path(), args(true));
    json.success();
    let report: Report = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|e| panic!("evaluate --json: {e}\n{}", json.stdout));
    assert!(report.evaluated > 0, "nothing evaluated: {report:?}");
    assert_same("named themes scored", &4, &report.classes.len());
    assert!(
        report.macro_f1 >= MACRO_F1_FLOOR,
        "macro-F1 {} is below the floor {MACRO_F1_FLOOR}\n{report:?}",
        report.macro_f1
    );
    assert!(
        report.boilerplate_as_named == 0,
        "{} boilerplate paragraphs given a named theme",
        report.boilerplate_as_named
    );

    let text = thematic(tmp.path(), args(false));
    text.success();
    assert_contains("evaluate text report", "macro-F1", &text.stdout);
    assert_contains(
        "evaluate text report",
        &format!("{:.3}", report.macro_f1),
        &text.stdout,
    );
}
