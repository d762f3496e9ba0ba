//! `thematic run`: the output files, the charts, the spans they report, determinism, pure
//! discovery and document units.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util::*;

const OUTPUTS: [&str; 6] = [
    "passages.jsonl",
    "dropped.jsonl",
    "themes.json",
    "documents.csv",
    "run.json",
    "report.html",
];
const CHARTS: [&str; 7] = [
    "document_shares",
    "theme_distribution",
    "top_terms",
    "passage_map",
    "theme_document_heatmap",
    "confidence",
    "choosing_k",
];
const NAMED: [&str; 4] = ["Syria", "Taliban ties", "Chechnya", "Ukraine distraction"];
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// One run on the seeds, every output checked against the source articles.
#[test]
fn run_on_the_seeds_writes_consistent_outputs_and_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = RunDirs::new(tmp.path());
    dirs.run_seeds(&[]);

    for name in OUTPUTS {
        assert!(
            dirs.out.join(name).is_file(),
            "missing output {name} in {}",
            dirs.out.display()
        );
    }
    assert!(
        dirs.model.is_file(),
        "missing model {}",
        dirs.model.display()
    );
    check_charts(&dirs);
    // The library's list of outputs, which keeps --model off their names, is this one.
    assert_same(
        "OUTPUT_FILES",
        &OUTPUTS.iter().collect::<BTreeSet<_>>(),
        &thematic::OUTPUT_FILES.iter().collect::<BTreeSet<_>>(),
    );
    let run: serde_json::Value = read_json(&dirs.out.join("run.json"));
    assert_same(
        "run.json plots",
        &serde_json::json!(dirs.plots.to_str().unwrap()),
        &run["plots"],
    );

    let themes = dirs.themes();
    let passages = dirs.passages();
    let dropped = dirs.dropped();
    check_passages(&passages, &themes);
    check_dropped(&dropped);
    check_spans_do_not_overlap(&passages, &dropped);
    check_documents_csv(&dirs, &passages, &themes);
    check_themes_json(&themes);
    check_report(&dirs, &themes);
}

/// report.html is one self-contained page: every theme and every exemplar's document is
/// on it, every chart is inlined, and nothing is fetched from the network.
fn check_report(dirs: &RunDirs, themes: &ThemesJson) {
    let html = read_text(&dirs.out.join("report.html"));
    assert!(html.starts_with("<!DOCTYPE html>"), "not an HTML page");
    for theme in &themes.themes {
        let name = theme.name.replace('&', "&amp;").replace('\'', "&#39;");
        assert_contains("report names the theme", &name, &html);
        for e in &theme.exemplars {
            assert_contains("report cites the exemplar's document", &e.doc, &html);
        }
    }
    // Each named theme's exemplar marks its evidence sentence, exactly as themes.json
    // cites it.
    let mut sources = BTreeMap::new();
    let mut marked = 0;
    for e in themes.themes.iter().flat_map(|t| &t.exemplars) {
        if let Some(EvidenceLine { start, end, .. }) = e.evidence {
            let bytes = sources
                .entry(e.doc.clone())
                .or_insert_with(|| seed_bytes(&e.doc));
            let sentence = String::from_utf8_lossy(&bytes[start..end]);
            let escaped = sentence
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;");
            assert_contains(
                "report marks the evidence",
                &format!("<mark>{escaped}</mark>"),
                &html,
            );
            assert!(
                e.start <= start && end <= e.end,
                "evidence outside its exemplar"
            );
            marked += 1;
        }
    }
    assert!(marked > 0, "no exemplar cites evidence");
    assert_same("marked sentences", &marked, &html.matches("<mark>").count());
    assert_same(
        "inlined charts",
        &CHARTS.len(),
        &html.matches("<svg").count(),
    );
    for fetch in ["src=\"http", "href=\"http", "url(http", "<script", "<link"] {
        assert!(
            !html.contains(fetch),
            "report.html loads something: {fetch}"
        );
    }
}

fn check_charts(dirs: &RunDirs) {
    for stem in CHARTS {
        let png = read_bytes(&dirs.plots.join(format!("{stem}.png")));
        assert_same(
            &format!("{stem}.png: first 8 bytes"),
            PNG_MAGIC,
            &png[..png.len().min(8)],
        );
        let svg = read_text(&dirs.plots.join(format!("{stem}.svg")));
        assert!(
            svg.contains("<svg"),
            "{stem}.svg has no <svg element: {:?}",
            &svg[..svg.len().min(200)]
        );
    }
}

fn check_passages(passages: &[PassageLine], themes: &ThemesJson) {
    assert!(!passages.is_empty(), "passages.jsonl is empty");
    let names: BTreeSet<&str> = themes
        .themes
        .iter()
        .map(|t| t.name.as_str())
        .chain(["other"])
        .collect();
    let mut sources = BTreeMap::new();
    for (i, p) in passages.iter().enumerate() {
        let what = format!("passages.jsonl line {}", i + 1);
        assert_slices_back(&what, &p.doc, p.start, p.end, &p.text, &mut sources);
        assert!(
            (0.0..=1.0).contains(&p.confidence),
            "{what}: confidence {} is outside [0, 1]",
            p.confidence
        );
        assert!(
            names.contains(p.theme.as_str()),
            "{what}: theme {:?} is neither a theme of themes.json nor other: {names:?}",
            p.theme
        );
        check_evidence(&what, p, themes, &mut sources);
    }
    // Document by document (corpus order = sorted ids), each in text order without
    // overlap: the file sorted by (doc, start) must be the file itself, and each passage
    // must end before the next one of its document starts.
    let order: Vec<(&str, usize)> = passages.iter().map(|p| (p.doc.as_str(), p.start)).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_same(
        "passages.jsonl order (sorted by doc, start)",
        &sorted,
        &order,
    );
    for pair in passages.windows(2) {
        if pair[0].doc == pair[1].doc {
            assert!(
                pair[0].end <= pair[1].start,
                "passages of {} overlap: {}..{} and {}..{}",
                pair[0].doc,
                pair[0].start,
                pair[0].end,
                pair[1].start,
                pair[1].end
            );
        }
    }
    let seen: BTreeSet<&str> = passages.iter().map(|p| p.doc.as_str()).collect();
    let seeds = seed_doc_names();
    assert_same(
        "documents with passages",
        &seeds.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        &seen,
    );
}

/// A named theme cites the sentence behind it: a slice of the passage that names Russia
/// (the seed themes' focus) and reads back from the document; other themes cite none.
fn check_evidence(
    what: &str,
    p: &PassageLine,
    themes: &ThemesJson,
    sources: &mut BTreeMap<String, Vec<u8>>,
) {
    let named = themes
        .themes
        .iter()
        .any(|t| t.name == p.theme && t.kind == "seeded");
    match &p.evidence {
        None => assert!(!named, "{what}: named theme {:?} without evidence", p.theme),
        Some(e) => {
            assert!(named, "{what}: evidence for theme {:?}", p.theme);
            assert!(
                p.start <= e.start && e.end <= p.end,
                "{what}: evidence {}..{} outside the passage",
                e.start,
                e.end
            );
            assert_slices_back(
                &format!("{what} evidence"),
                &p.doc,
                e.start,
                e.end,
                &e.text,
                sources,
            );
            // Only a heading, cited whole, may do without a focus term (the heading rule
            // itself is pinned by the evidence module's tests).
            let whole_line = e.text == p.text && !p.text.contains('\n');
            let lower = e.text.to_lowercase();
            assert!(
                whole_line
                    || ["russia", "moscow", "kremlin", "putin"]
                        .iter()
                        .any(|f| lower.contains(f)),
                "{what}: evidence names no focus term: {:?}",
                e.text
            );
        }
    }
}

fn check_dropped(dropped: &[DroppedLine]) {
    let mut sources = BTreeMap::new();
    for (i, d) in dropped.iter().enumerate() {
        let what = format!("dropped.jsonl line {}", i + 1);
        assert_slices_back(&what, &d.doc, d.start, d.end, &d.text, &mut sources);
        assert!(!d.reason.trim().is_empty(), "{what}: empty reason");
    }
}

/// A paragraph is either kept or dropped, never both, and no two spans share a byte.
fn check_spans_do_not_overlap(passages: &[PassageLine], dropped: &[DroppedLine]) {
    let mut spans: Vec<(&str, usize, usize, &str)> = passages
        .iter()
        .map(|p| (p.doc.as_str(), p.start, p.end, "passage"))
        .chain(
            dropped
                .iter()
                .map(|d| (d.doc.as_str(), d.start, d.end, "dropped")),
        )
        .collect();
    spans.sort();
    for pair in spans.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        assert!(
            a.0 != b.0 || a.2 <= b.1,
            "overlapping spans in {}: {} {}..{} and {} {}..{}",
            a.0,
            a.3,
            a.1,
            a.2,
            b.3,
            b.1,
            b.2
        );
    }
}

fn check_documents_csv(dirs: &RunDirs, passages: &[PassageLine], themes: &ThemesJson) {
    let (header, rows) = read_csv(&dirs.out.join("documents.csv"));
    let mut expected_header = vec!["doc".to_string(), "passages".to_string()];
    expected_header.extend(themes.themes.iter().map(|t| t.name.clone()));
    expected_header.push("other".into());
    assert_same("documents.csv header", &expected_header, &header);

    let docs: Vec<String> = rows.iter().map(|r| r[0].clone()).collect();
    assert_same(
        "documents.csv: one row per seed file",
        &seed_doc_names(),
        &docs,
    );
    for row in &rows {
        assert_same(
            &format!("documents.csv row {}: number of fields", row[0]),
            &header.len(),
            &row.len(),
        );
        let count = passages.iter().filter(|p| p.doc == row[0]).count();
        assert_same(
            &format!("documents.csv row {}: passages", row[0]),
            &count.to_string(),
            &row[1],
        );
        let sum: f64 = row[2..]
            .iter()
            .map(|s| {
                s.parse::<f64>()
                    .unwrap_or_else(|e| panic!("documents.csv row {}: share {s:?}: {e}", row[0]))
            })
            .sum();
        assert!(
            (sum - 1.0).abs() <= 1e-3,
            "documents.csv row {}: shares sum to {sum}, not 1\n{row:?}",
            row[0]
        );
    }
}

fn check_themes_json(themes: &ThemesJson) {
    let names: Vec<&str> = themes.themes.iter().map(|t| t.name.as_str()).collect();
    assert_same(
        "themes.json: distinct names",
        &names.iter().collect::<BTreeSet<_>>().len(),
        &names.len(),
    );
    for named in NAMED {
        let theme = themes
            .themes
            .iter()
            .find(|t| t.name == named)
            .unwrap_or_else(|| panic!("themes.json has no theme {named:?}; it has {names:?}"));
        assert_same(
            &format!("themes.json: kind of {named:?}"),
            "seeded",
            theme.kind.as_str(),
        );
    }
    let mut sources = BTreeMap::new();
    for theme in &themes.themes {
        assert!(
            theme.exemplars.len() <= 3,
            "{:?} has {} exemplars",
            theme.name,
            theme.exemplars.len()
        );
        for (i, e) in theme.exemplars.iter().enumerate() {
            let what = format!("themes.json: exemplar {} of {:?}", i + 1, theme.name);
            assert_slices_back(&what, &e.doc, e.start, e.end, &e.text, &mut sources);
        }
    }
}

/// Same seed, different folders: every output except run.json (timings, paths) is the
/// same byte for byte.
#[test]
fn the_same_seed_gives_byte_identical_outputs() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (RunDirs::new(a.path()), RunDirs::new(b.path()));
    // The two runs are independent processes; run them side by side.
    std::thread::scope(|s| {
        s.spawn(|| a.run_seeds(&["--seed", "7"]));
        b.run_seeds(&["--seed", "7"]);
    });
    let mut files: Vec<(String, std::path::PathBuf, std::path::PathBuf)> = OUTPUTS
        .iter()
        .filter(|n| **n != "run.json")
        .map(|n| (format!("out/{n}"), a.out.join(n), b.out.join(n)))
        .collect();
    files.push(("model".into(), a.model.clone(), b.model.clone()));
    for stem in CHARTS {
        for ext in ["png", "svg"] {
            let name = format!("{stem}.{ext}");
            files.push((
                format!("plots/{name}"),
                a.plots.join(&name),
                b.plots.join(&name),
            ));
        }
    }
    for (what, x, y) in files {
        assert_same_bytes(&what, &read_bytes(&x), &read_bytes(&y));
    }
}

/// `--themes none`: discovery only, at most k themes, all of them discovered.
#[test]
fn themes_none_gives_k_discovered_themes() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = RunDirs::new(tmp.path());
    dirs.run(
        &seeds_dir(),
        &["--themes", "none", "--k", "4", "--no-charts"],
    )
    .success();
    let run: serde_json::Value = read_json(&dirs.out.join("run.json"));
    assert_same(
        "run.json plots with --no-charts",
        &serde_json::Value::Null,
        &run["plots"],
    );
    let themes = dirs.themes();
    assert_same("themes with --k 4", &4, &themes.themes.len());
    for t in &themes.themes {
        assert_same(
            &format!("kind of {:?}", t.name),
            "discovered",
            t.kind.as_str(),
        );
    }
    let names: BTreeSet<&str> = themes
        .themes
        .iter()
        .map(|t| t.name.as_str())
        .chain(["other"])
        .collect();
    for p in dirs.passages() {
        assert!(
            names.contains(p.theme.as_str()),
            "passage {}@{} has theme {:?}, not in {names:?}",
            p.doc,
            p.start,
            p.theme
        );
    }
}

/// `--unit document`: one passage per article.
#[test]
fn document_unit_gives_one_passage_per_document() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = RunDirs::new(tmp.path());
    // Five documents cannot fill the default eight clusters: k must lie between the four
    // named themes and the five documents.
    dirs.run_seeds(&["--unit", "document", "--k", "5", "--no-charts"]);
    let passages = dirs.passages();
    let docs: Vec<String> = passages.iter().map(|p| p.doc.clone()).collect();
    assert_same(
        "passages.jsonl docs with --unit document",
        &seed_doc_names(),
        &docs,
    );
    let mut sources = BTreeMap::new();
    for p in &passages {
        let len = seed_bytes(&p.doc).len();
        assert!(
            p.start < p.end && p.end <= len,
            "{}: span {}..{} outside 0..{len}",
            p.doc,
            p.start,
            p.end
        );
        // A document's text skips its dropped paragraphs, yet the evidence's offsets
        // still point into the file.
        if let Some(e) = &p.evidence {
            assert_slices_back(&p.doc, &p.doc, e.start, e.end, &e.text, &mut sources);
        }
    }
    assert!(
        passages.iter().any(|p| p.evidence.is_some()),
        "no document took a named theme: {passages:?}"
    );
    // Regression (cfa7e73): the discovered cluster whose documents all took named themes
    // was reported as a theme named "empty" with no passage.
    for t in dirs.themes().themes {
        assert!(
            t.kind == "seeded" || t.size > 0,
            "discovered theme {:?} has no passage",
            t.name
        );
    }
    let classified = tmp.path().join("classified");
    dirs.classify_seeds(&classified);
    let again: Vec<PassageLine> = read_jsonl(&classified.join("passages.jsonl"));
    assert_same("classify of the training documents", &passages, &again);
}

/// Two corpus folders may each hold a file of the same name; the outputs must still tell
/// the two documents apart. Ids are the path relative to each corpus root
/// (pipeline/ingest.rs, `read_corpus`), so both become `article.txt`: passages.jsonl
/// cannot say which article a passage is from, and documents.csv has two `article.txt`
/// rows, each counting the passages of both.
#[test]

fn same_file_names_in_two_corpus_folders_stay_distinct_documents() {
    let tmp = tempfile::tempdir().unwrap();
    let names = seed_doc_names();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for (dir, source) in [(&a, &names[3]), (&b, &names[4])] {
        std::fs::create_dir(dir).unwrap();
        std::fs::write(dir.join("article.txt"), seed_bytes(source)).unwrap();
    }
    let dirs = RunDirs::new(tmp.path());
    let mut flags = vec![
        "--corpus",
        b.to_str().unwrap(),
        "--themes",
        "none",
        "--k",
        "4",
    ];
    flags.extend_from_slice(&FAST);
    dirs.run(&a, &flags).success();

    let (_, rows) = read_csv(&dirs.out.join("documents.csv"));
    let ids: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    let distinct: BTreeSet<&str> = ids.iter().copied().collect();
    assert_same(
        "documents.csv: number of distinct document ids",
        &ids.len(),
        &distinct.len(),
    );
    let passages = dirs.passages();
    let counted: usize = rows.iter().map(|r| r[1].parse::<usize>().unwrap()).sum();
    assert_same(
        "passages in documents.csv vs passages.jsonl",
        &passages.len(),
        &counted,
    );
}

/// A corpus of `n` documents, each a deterministic shuffle of seed paragraphs, so the fit
/// takes long enough to be interrupted at several points.
fn shuffled_corpus(dir: &Path, n: usize) {
    let paragraphs: Vec<String> = seed_doc_names()
        .iter()
        .flat_map(|d| {
            String::from_utf8(seed_bytes(d))
                .unwrap()
                .split('\n')
                .filter(|l| l.trim().len() > 40)
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect();
    std::fs::create_dir_all(dir).unwrap();
    let mut x: u64 = 0x9E3779B97F4A7C15;
    for d in 0..n {
        let mut text = String::new();
        for _ in 0..30 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            text.push_str(&paragraphs[(x % paragraphs.len() as u64) as usize]);
            text.push_str("\n\n");
        }
        std::fs::write(dir.join(format!("doc{d:04}.txt")), text).unwrap();
    }
}

/// Every output file is whole: JSON parses, each JSONL line parses, the CSV has equal
/// rows, each PNG ends with its IEND chunk, each SVG is closed, the model loads. And the
/// output folder is one run's: run.json, the commit record, is either missing (a run was
/// interrupted) or lists every other output with the size and SHA-256 it has.
#[track_caller]
fn assert_outputs_whole(dirs: &RunDirs, when: &str) {
    for name in ["passages.jsonl", "dropped.jsonl"] {
        for (i, line) in read_text(&dirs.out.join(name)).lines().enumerate() {
            serde_json::from_str::<serde_json::Value>(line)
                .unwrap_or_else(|e| panic!("{when}: {name}:{} does not parse: {e}", i + 1));
        }
    }
    serde_json::from_str::<serde_json::Value>(&read_text(&dirs.out.join("themes.json")))
        .unwrap_or_else(|e| panic!("{when}: themes.json does not parse: {e}"));
    match std::fs::read_to_string(dirs.out.join("run.json")) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => panic!("{when}: run.json: {e}"),
        Ok(text) => assert_run_json_vouches_for_its_outputs(dirs, &text, when),
    }
    let (header, rows) = read_csv(&dirs.out.join("documents.csv"));
    assert!(
        rows.iter().all(|r| r.len() == header.len()),
        "{when}: ragged documents.csv"
    );
    for chart in CHARTS {
        let png = read_bytes(&dirs.plots.join(format!("{chart}.png")));
        assert!(
            png.ends_with(b"IEND\xaeB`\x82"),
            "{when}: {chart}.png is cut short"
        );
        let svg = read_text(&dirs.plots.join(format!("{chart}.svg")));
        assert!(
            svg.trim_end().ends_with("</svg>"),
            "{when}: {chart}.svg is cut short"
        );
    }
    thematic::ThemeModel::load(&dirs.model).unwrap_or_else(|e| panic!("{when}: model: {e}"));
}

/// run.json's `outputs` names every other output of the folder, each with the size and
/// SHA-256 (as `sha256sum` prints it) of the file beside it.
#[track_caller]
fn assert_run_json_vouches_for_its_outputs(dirs: &RunDirs, run_json: &str, when: &str) {
    use sha2::Digest;
    let run: serde_json::Value = serde_json::from_str(run_json)
        .unwrap_or_else(|e| panic!("{when}: run.json does not parse: {e}"));
    let listed = run["outputs"]
        .as_object()
        .unwrap_or_else(|| panic!("{when}: run.json has no `outputs` object"));
    let expected: BTreeSet<&str> = OUTPUTS.into_iter().filter(|n| *n != "run.json").collect();
    assert_same(
        &format!("{when}: outputs listed in run.json"),
        &expected,
        &listed.keys().map(String::as_str).collect(),
    );
    for (name, entry) in listed {
        let bytes = std::fs::read(dirs.out.join(name))
            .unwrap_or_else(|e| panic!("{when}: {name}, listed in run.json: {e}"));
        let sha256: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_same(
            &format!("{when}: {name} (size, sha256) beside run.json"),
            &(entry["bytes"].as_u64(), entry["sha256"].as_str()),
            &(Some(bytes.len() as u64), Some(sha256.as_str())),
        );
    }
}

/// Interrupted runs lose nothing: a complete run, then runs killed with SIGKILL at
/// several points; after each, the outputs, charts and model are still whole, and run.json
/// is either missing or vouches for every output beside it (before run.json was the
/// commit record, a kill between two files left passages.jsonl of one run beside
/// themes.json of another).
#[test]
fn a_run_killed_at_any_point_leaves_every_output_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    shuffled_corpus(&corpus, 120);
    let dirs = RunDirs::new(tmp.path());
    let args = |seed: &str| -> Vec<std::ffi::OsString> {
        let mut a: Vec<std::ffi::OsString> =
            vec!["run".into(), "--corpus".into(), corpus.clone().into()];
        for (flag, path) in [
            ("--out", &dirs.out),
            ("--plots", &dirs.plots),
            ("--model", &dirs.model),
        ] {
            a.push(flag.into());
            a.push(path.into());
        }
        for s in ["--themes", "none", "--dimensions", "20", "--seed", seed] {
            a.push(s.into());
        }
        a
    };
    thematic(tmp.path(), args("1")).success();
    assert!(
        dirs.out.join("run.json").is_file(),
        "a complete run wrote no run.json"
    );
    assert_outputs_whole(&dirs, "after the complete run");
    let started = std::time::Instant::now();
    thematic(tmp.path(), args("2")).success();
    let full = started.elapsed();
    // Most kills land in the last fifth, where the files are written.
    let fractions = [0.05, 0.3, 0.6]
        .into_iter()
        .chain((0..10).map(|i| 0.8 + 0.02 * i as f64));
    for fraction in fractions {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_thematic"))
            .args(args("3"))
            .current_dir(tmp.path())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full.mul_f64(fraction));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        assert_outputs_whole(
            &dirs,
            &format!("after a kill at {:.0}% of a run", fraction * 100.0),
        );
    }
    // The next run clears what the killed ones left behind.
    thematic(tmp.path(), args("1")).success();
    assert!(
        dirs.out.join("run.json").is_file(),
        "a complete run after the kills wrote no run.json"
    );
    assert_outputs_whole(&dirs, "after the complete run that followed the kills");
    for dir in [&dirs.out, &dirs.plots] {
        let leftovers: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert_same("temporary files left", &Vec::<String>::new(), &leftovers);
    }
}
