//! Bad input: every failure exits non-zero without a panic and names what is at fault;
//! a bad file among good ones is skipped with a warning.

use std::path::Path;

use crate::util::*;

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// `thematic run` on `corpus` with the themes file `themes` (or `none`), the [`FAST`]
/// flags and `extra`.
fn run_fast(dirs: &RunDirs, corpus: &Path, themes: &str, extra: &[&str]) -> Outcome {
    let mut flags = vec!["--themes", themes];
    flags.extend_from_slice(&FAST);
    flags.extend_from_slice(extra);
    dirs.run(corpus, &flags)
}

fn seed_themes_arg() -> String {
    seed_themes().to_str().expect("UTF-8 path").to_string()
}

#[test]
fn a_folder_without_txt_files_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("empty");
    std::fs::create_dir(&corpus).unwrap();
    let outcome = run_fast(&RunDirs::new(tmp.path()), &corpus, "none", &[]);
    let stderr = outcome.failure();
    assert_contains("stderr names the folder", &shown(&corpus), stderr);
    assert_contains("stderr says why", ".txt", stderr);
}

#[test]
fn a_folder_with_only_a_whitespace_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    write(&corpus.join("blank.txt"), " \n\t\n   \r\n\n");
    let outcome = run_fast(&RunDirs::new(tmp.path()), &corpus, "none", &[]);
    let stderr = outcome.failure();
    assert_contains("stderr names the file", "blank.txt", stderr);
}

#[test]
fn a_binary_txt_file_is_skipped_with_a_warning_and_the_rest_is_used() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    write(
        &corpus.join("x.txt"),
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0text after NULs",
    );
    let good = seed_doc_names().last().cloned().unwrap();
    write(&corpus.join("good.txt"), seed_bytes(&good));
    let dirs = RunDirs::new(tmp.path());
    let outcome = run_fast(&dirs, &corpus, &seed_themes_arg(), &[]);
    outcome.success();
    let warning = outcome
        .stderr
        .lines()
        .find(|l| l.contains("x.txt"))
        .unwrap_or_else(|| panic!("no stderr line names x.txt:\n{}", outcome.stderr));
    assert_contains("the line naming x.txt is a warning", "warning", warning);

    let docs: std::collections::BTreeSet<String> =
        dirs.passages().into_iter().map(|p| p.doc).collect();
    assert_same(
        "documents with passages",
        &["good.txt".to_string()].into_iter().collect(),
        &docs,
    );
    let run: serde_json::Value = read_json(&dirs.out.join("run.json"));
    assert_same(
        "run.json counts.skipped_files",
        &serde_json::json!(1),
        &run["counts"]["skipped_files"],
    );
    assert_same(
        "run.json counts.documents",
        &serde_json::json!(1),
        &run["counts"]["documents"],
    );
}

#[test]
fn a_themes_file_with_a_syntax_error_names_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let themes = tmp.path().join("broken.toml");
    write(&themes, "[[theme]]\nname = \"A\"\nseed_terms = [\"x\"\n");
    let outcome = run_fast(
        &RunDirs::new(tmp.path()),
        &seeds_dir(),
        &shown(&themes),
        &[],
    );
    let stderr = outcome.failure();
    assert_contains("stderr names the themes file", &shown(&themes), stderr);
    assert_contains("stderr names the line", "line", stderr);
}

/// Regression: a TOML error quoted the whole line at fault, and a model (JSON, one line of
/// 1.8 MB) passed as a themes or rules file put all of it on stderr.
#[test]
fn a_model_passed_as_a_toml_file_gives_a_short_error_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let model = manifest_dir().join("models/seeds.json");
    for flag in ["--themes", "--boilerplate"] {
        let mut flags = vec![flag, model.to_str().expect("UTF-8 path")];
        if flag == "--boilerplate" {
            flags.extend(["--themes", "none"]);
        }
        flags.extend_from_slice(&FAST);
        let outcome = RunDirs::new(tmp.path()).run(&seeds_dir(), &flags);
        let stderr = outcome.failure();
        assert_contains("stderr names the file", &shown(&model), stderr);
        assert_contains("stderr names line and column", "line 1, column 1", stderr);
        assert!(
            stderr.len() < 1000,
            "{flag}: {} bytes on stderr: {}",
            stderr.len(),
            &stderr[..1000.min(stderr.len())]
        );
    }
}

/// Regression: a rule with an empty pattern was accepted, and dropped every paragraph.
#[test]
fn a_boilerplate_rule_that_matches_every_paragraph_is_refused_naming_the_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules.toml");
    write(
        &rules,
        "[[rule]]\nreason = \"advertisement\"\npattern = '^Advertisement$'\n\n\
         [[rule]]\nreason = \"oops\"\npattern = ''\n",
    );
    for command in ["run", "classify"] {
        let outcome = if command == "run" {
            let mut flags = vec!["--boilerplate", rules.to_str().unwrap(), "--themes", "none"];
            flags.extend_from_slice(&FAST);
            RunDirs::new(tmp.path()).run(&seeds_dir(), &flags)
        } else {
            let model = manifest_dir().join("models/seeds.json");
            thematic(
                tmp.path(),
                [
                    "classify".as_ref(),
                    "--model".as_ref(),
                    model.as_os_str(),
                    "--boilerplate".as_ref(),
                    rules.as_os_str(),
                    "--out".as_ref(),
                    tmp.path().join("c").as_os_str(),
                    seeds_dir().as_os_str(),
                ],
            )
        };
        let stderr = outcome.failure();
        assert_contains("names the file", &shown(&rules), stderr);
        assert_contains("names the rule", "rule 2 (oops)", stderr);
    }
}

#[test]
fn a_themes_file_with_an_unknown_key_names_the_file_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let themes = tmp.path().join("unknown.toml");
    write(
        &themes,
        "[[theme]]\nname = \"A\"\nseed_terms = [\"x\"]\ncolour = \"red\"\n",
    );
    let outcome = run_fast(
        &RunDirs::new(tmp.path()),
        &seeds_dir(),
        &shown(&themes),
        &[],
    );
    let stderr = outcome.failure();
    assert_contains("stderr names the themes file", &shown(&themes), stderr);
    assert_contains("stderr names the key", "colour", stderr);
}

/// Out-of-range settings are refused by name before anything is read: the corpus here does
/// not exist, and the error is about the setting, not the corpus.
#[test]
fn out_of_range_settings_are_refused_naming_the_flag_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    for (flag, value) in [
        ("--named-threshold", "1.5"),
        ("--other-threshold", "NaN"),
        ("--dimensions", "0"),
        ("--max-df", "2.0"),
        ("--top-terms", "0"),
        ("--k", "0"),
    ] {
        let outcome = thematic(
            tmp.path(),
            [
                "run",
                "--corpus",
                "no-such-folder",
                "--themes",
                "none",
                "--out",
                "o",
                "--plots",
                "p",
                "--model",
                "m.json",
                flag,
                value,
            ],
        );
        let stderr = outcome.failure();
        assert_contains("stderr names the flag", flag, stderr);
        assert!(
            !stderr.contains("no-such-folder"),
            "{flag} {value}: the corpus was read before the setting was checked: {stderr}"
        );
        assert!(
            !tmp.path().join("o").exists(),
            "{flag}: an output folder was made"
        );
    }
}

#[test]
fn k_larger_than_the_number_of_passages_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let outcome = run_fast(
        &RunDirs::new(tmp.path()),
        &seeds_dir(),
        &seed_themes_arg(),
        &["--k", "500"],
    );
    let stderr = outcome.failure();
    assert_contains("stderr names the setting", "--k", stderr);
    assert_contains("stderr shows the value", "500", stderr);
}

#[test]
fn an_out_folder_under_a_regular_file_is_refused_with_its_path() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file.txt");
    write(&file, "a regular file, not a folder\n");
    let mut dirs = RunDirs::new(tmp.path());
    dirs.out = file.join("out");
    let outcome = run_fast(&dirs, &seeds_dir(), &seed_themes_arg(), &[]);
    let stderr = outcome.failure();
    assert_contains("stderr names the output path", &shown(&dirs.out), stderr);
}

/// Regression: `Error::Read` and `Error::Write` printed the I/O error twice under
/// `main`'s `{e:#}` (once in their message, once as the error's source).
#[test]
fn a_missing_corpus_names_the_path_and_the_os_error_once() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-folder");
    let outcome = run_fast(&RunDirs::new(tmp.path()), &missing, "none", &[]);
    let stderr = outcome.failure();
    assert_contains("stderr names the path", &shown(&missing), stderr);
    let os_error = "No such file or directory";
    assert_same(
        &format!("times {os_error:?} appears in stderr {stderr:?}"),
        &1,
        &stderr.matches(os_error).count(),
    );
}

/// One fit, then damaged copies of its model: a future format version, an empty evidence
/// phrase and a truncated file.
#[test]
fn classify_refuses_a_model_of_another_version_or_truncated() {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = RunDirs::new(tmp.path());
    dirs.run_seeds(&FAST);
    let model = read_text(&dirs.model);
    let classify = |model: &Path, out: &str| {
        thematic(
            tmp.path(),
            [
                "classify".as_ref(),
                "--model".as_ref(),
                model.as_os_str(),
                "--out".as_ref(),
                tmp.path().join(out).as_os_str(),
                seeds_dir().as_os_str(),
            ],
        )
    };

    let mut value: serde_json::Value = serde_json::from_str(&model).unwrap();
    assert_same(
        "format_version of a fresh model",
        // Written out, not read from the crate: a layout change must bump it on purpose.
        &serde_json::json!(10),
        &value["format_version"],
    );
    value["format_version"] = serde_json::json!(999);
    let future = tmp.path().join("future.json");
    write(&future, serde_json::to_vec(&value).unwrap());
    let outcome = classify(&future, "c999");
    let stderr = outcome.failure();
    assert_contains("stderr names the model", &shown(&future), stderr);
    assert_contains("stderr says what is wrong", "format version", stderr);
    assert_contains("stderr shows the version", "999", stderr);
    assert!(
        !tmp.path().join("c999").exists(),
        "classify wrote outputs despite the bad model"
    );

    // An empty phrase among the evidence terms would match (or exclude) every sentence;
    // a theme without its implied-focus flag would panic; a threshold out of range, a
    // theme name given twice, a negative idf or an unsorted vocabulary would give wrong
    // themes without a word. Each error says which part is wrong.
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit, &str); 7] = [
        (
            "exclude",
            |m| m["evidence"]["exclude"] = serde_json::json!([[]]),
            "evidence phrase",
        ),
        (
            "others",
            |m| m["evidence"]["others"] = serde_json::json!([[]]),
            "evidence phrase",
        ),
        (
            "implies_focus",
            |m| m["evidence"]["implies_focus"] = serde_json::json!([true]),
            "implies_focus",
        ),
        (
            "threshold",
            |m| m["settings"]["named_threshold"] = serde_json::json!(5.0),
            "thresholds",
        ),
        (
            "names",
            |m| m["themes"][1]["name"] = m["themes"][0]["name"].clone(),
            "theme name twice",
        ),
        (
            "idf",
            |m| m["tfidf"]["idf"][0] = serde_json::json!(-1e308),
            "idf",
        ),
        (
            "vocabulary",
            |m| m["tfidf"]["vocabulary"].as_array_mut().unwrap().swap(0, 1),
            "sorted vocabulary",
        ),
    ];
    for (key, edit, says) in edits {
        let mut value: serde_json::Value = serde_json::from_str(&model).unwrap();
        edit(&mut value);
        let bad = tmp.path().join(format!("bad_{key}.json"));
        write(&bad, serde_json::to_vec(&value).unwrap());
        let outcome = classify(&bad, &format!("c_{key}"));
        let stderr = outcome.failure();
        assert_contains("stderr names the model", &shown(&bad), stderr);
        assert_contains("stderr says what is wrong", "inconsistent", stderr);
        assert_contains("stderr says which part", says, stderr);
    }

    let truncated = tmp.path().join("truncated.json");
    write(&truncated, &model.as_bytes()[..100]);
    let outcome = classify(&truncated, "ctrunc");
    let stderr = outcome.failure();
    assert_contains("stderr names the model", &shown(&truncated), stderr);
    assert_contains("stderr says what is wrong", "truncated", stderr);
}

/// Runs `thematic run` with the FAST flags on a corpus made of `files` (name, bytes).
fn run_files(
    tmp: &Path,
    files: &[(&str, &[u8])],
    themes: &str,
    extra: &[&str],
) -> (RunDirs, Outcome) {
    let corpus = tmp.join("corpus");
    for (name, bytes) in files {
        write(&corpus.join(name), bytes);
    }
    let dirs = RunDirs::new(tmp);
    let outcome = run_fast(&dirs, &corpus, themes, extra);
    (dirs, outcome)
}

/// Every passage and dropped paragraph slices back to the bytes of its file in `corpus`.
#[track_caller]
fn assert_spans_are_file_offsets(dirs: &RunDirs, corpus: &Path) {
    for p in dirs.passages() {
        let bytes = std::fs::read(corpus.join(&p.doc)).unwrap();
        assert_same(
            &format!("{}[{}..{}]", p.doc, p.start, p.end),
            p.text.as_bytes(),
            &bytes[p.start..p.end],
        );
    }
}

const PROSE: &str =
    "The council voted on the harbour budget after a long debate about ferries.\n\n\
    Fishermen asked the council for a new pier and cheaper moorings in the harbour.\n\n\
    The mayor said the ferries would run twice a day from spring onwards.\n";

#[test]
fn binary_files_of_every_kind_are_skipped_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    // A deterministic pseudo-random byte stream (xorshift), as "random bytes".
    let mut x: u32 = 2463534242;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
    let gzip = b"\x1f\x8b\x08\0\0\0\0\0\0\x03\xcb\x48\xcd\xc9\xc9\x07\0\x86\xa6\x10\x36\x05\0\0\0";
    let files: [(&str, &[u8]); 5] = [
        ("image.txt", png),
        ("archive.txt", gzip),
        ("random.txt", &random),
        (
            "nul.txt",
            b"ordinary words and then a \0 NUL byte in the middle",
        ),
        ("good.txt", PROSE.as_bytes()),
    ];
    let (dirs, outcome) = run_files(tmp.path(), &files, "none", &["--k", "2"]);
    outcome.success();
    for name in ["image.txt", "archive.txt", "random.txt", "nul.txt"] {
        let line = outcome
            .stderr
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no warning names {name}:\n{}", outcome.stderr));
        assert_contains("a warning", "warning", line);
    }
    let run: serde_json::Value = read_json(&dirs.out.join("run.json"));
    assert_same(
        "skipped files",
        &serde_json::json!(4),
        &run["counts"]["skipped_files"],
    );
    assert_same(
        "documents",
        &serde_json::json!(1),
        &run["counts"]["documents"],
    );
}

#[test]
fn encodings_and_line_endings_are_decoded_and_offsets_are_file_offsets() {
    let tmp = tempfile::tempdir().unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for u in
        "Snow fell on the northern passes overnight.\r\n\r\nThe road to the valley stayed closed."
            .encode_utf16()
    {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    // UTF-8 with one pasted Windows-1252 quote pair: only those two bytes are Windows-1252.
    let mut mixed = "The ferry’s timetable changed in Åland and Malmö.\n\nThe captain called it "
        .as_bytes()
        .to_vec();
    mixed.extend_from_slice(b"\x93temporary\x94.");
    let files: [(&str, &[u8]); 6] = [
        ("latin1.txt", b"The caf\xe9 on the square served cr\xeape and \x93strong\x94 coffee.\n\nIts owner, Ren\xe9, opened at dawn.\n\nIts owner, Ren\xe9, opened at dawn."),
        ("utf16.txt", &utf16),
        ("bom.txt", "\u{feff}A byte-order mark starts this file about lighthouse keepers.\n\nKeepers trimmed the lamp wicks nightly.".as_bytes()),
        ("crlf.txt", b"Windows line endings end these lines about tides.\r\n\r\nThe tide tables were printed weekly.\r\n"),
        ("cr.txt", b"Old Mac line endings separate these lines about sails.\r\rSailmakers worked in the loft.\r"),
        ("mixed.txt", &mixed),
    ];
    let (dirs, outcome) = run_files(tmp.path(), &files, "none", &["--k", "3"]);
    let outcome = outcome.success();
    // "The ferry’s ... called it " is 77 bytes of UTF-8.
    assert!(
        outcome.stderr.contains(
            "warning: mixed.txt: 2 bytes are not UTF-8 (the first at byte 77), read as Windows-1252"
        ),
        "{}",
        outcome.stderr
    );
    let passages = dirs.passages();
    let texts: Vec<&str> = passages.iter().map(|p| p.text.as_str()).collect();
    for expected in [
        "The café on the square served crêpe and “strong” coffee.",
        "Snow fell on the northern passes overnight.",
        "A byte-order mark starts this file about lighthouse keepers.",
        "The tide tables were printed weekly.",
        "Sailmakers worked in the loft.",
        "The ferry’s timetable changed in Åland and Malmö.",
        "The captain called it “temporary”.",
    ] {
        assert!(
            texts.contains(&expected),
            "expected passage {expected:?}\n  actual passages: {texts:?}"
        );
    }
    // Offsets are offsets into the file in every encoding: the file's bytes at a
    // passage's span, decoded as the file is, are the passage's text.
    let corpus = tmp.path().join("corpus");
    let decode = |doc: &str, bytes: &[u8]| -> String {
        match doc {
            "latin1.txt" => bytes
                .iter()
                .map(|&b| match b {
                    0x93 => '“',
                    0x94 => '”',
                    b => char::from(b), // Latin-1 agrees with Windows-1252 here
                })
                .collect(),
            // The two quote bytes, and UTF-8 between them.
            "mixed.txt" => bytes
                .split_inclusive(|&b| b == 0x93 || b == 0x94)
                .flat_map(|part| match part.split_last() {
                    Some((0x93, head)) => [std::str::from_utf8(head).unwrap(), "“"],
                    Some((0x94, head)) => [std::str::from_utf8(head).unwrap(), "”"],
                    _ => [std::str::from_utf8(part).unwrap(), ""],
                })
                .collect(),
            "utf16.txt" => char::decode_utf16(
                bytes
                    .chunks(2)
                    .map(|pair| u16::from_le_bytes([pair[0], pair[1]])),
            )
            .map(|c| c.unwrap())
            .collect(),
            _ => String::from_utf8(bytes.to_vec()).unwrap(),
        }
    };
    for p in &passages {
        let bytes = std::fs::read(corpus.join(&p.doc)).unwrap();
        assert_same(
            &format!("{}[{}..{}] decoded", p.doc, p.start, p.end),
            p.text.as_str(),
            &decode(&p.doc, &bytes[p.start..p.end]),
        );
    }
    let latin1: Vec<_> = passages.iter().filter(|p| p.doc == "latin1.txt").collect();
    assert_same(
        "latin1.txt spans (file bytes, not UTF-8 text bytes)",
        &vec![(0, 56), (58, 90)],
        &latin1.iter().map(|p| (p.start, p.end)).collect::<Vec<_>>(),
    );
    // The repeated last paragraph is dropped, and both its span and the paragraph it
    // repeats are given in file bytes.
    let dropped: Vec<_> = dirs
        .dropped()
        .into_iter()
        .filter(|d| d.doc == "latin1.txt")
        .collect();
    assert_same(
        "latin1.txt duplicate",
        &vec![(92, 124, "duplicate of the paragraph at byte 58".to_string())],
        &dropped
            .iter()
            .map(|d| (d.start, d.end, d.reason.clone()))
            .collect::<Vec<_>>(),
    );
    let run: serde_json::Value = read_json(&dirs.out.join("run.json"));
    let encodings: std::collections::BTreeMap<String, String> = run["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_string(),
                d["encoding"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_same("latin1 encoding", "windows-1252", &encodings["latin1.txt"]);
    assert_same("utf16 encoding", "UTF-16LE", &encodings["utf16.txt"]);
    assert_same("bom encoding", "UTF-8 (BOM)", &encodings["bom.txt"]);
    assert_same(
        "mixed encoding",
        "UTF-8, with Windows-1252 for bytes that are not UTF-8",
        &encodings["mixed.txt"],
    );
    let mixed = (run["documents"].as_array().unwrap().iter())
        .find(|d| d["id"] == "mixed.txt")
        .unwrap();
    assert_same(
        "mixed.txt bytes not UTF-8",
        &serde_json::json!(2),
        &mixed["not_utf8_bytes"],
    );
}

#[test]
fn a_50_mb_line_without_newline_is_cut_into_bounded_passages() {
    let tmp = tempfile::tempdir().unwrap();
    let words = [
        "harbour", "ferry", "council", "budget", "pier", "mooring", "tide", "lamp",
    ];
    let mut line = String::with_capacity(50 << 20);
    let mut i = 0usize;
    while line.len() < 50 << 20 {
        line.push_str(words[i % words.len()]);
        line.push_str(if i.is_multiple_of(13) { ". " } else { " " });
        i = i.wrapping_mul(31).wrapping_add(7) % 1_000_003;
    }
    let corpus = tmp.path().join("corpus");
    write(&corpus.join("huge.txt"), line.as_bytes());
    drop(line);
    let dirs = RunDirs::new(tmp.path());
    let outcome = run_fast(&dirs, &corpus, "none", &["--k", "3"]);
    outcome.success();
    let passages = dirs.passages();
    assert!(passages.len() > 3000, "{} passages", passages.len());
    assert!(
        passages.iter().all(|p| p.end - p.start <= 16 * 1024),
        "a passage exceeds 16 KiB"
    );
}

#[test]
fn text_of_only_stop_words_or_numbers_names_the_setting() {
    let tmp = tempfile::tempdir().unwrap();
    let files: [(&str, &[u8]); 2] = [
        (
            "stop.txt",
            b"the and of it was to be or not to be\n\nthey were there then\n",
        ),
        ("numbers.txt", b"12 345 6789\n\n2024 03 22\n"),
    ];
    let (_, outcome) = run_files(tmp.path(), &files, "none", &["--k", "1"]);
    let stderr = outcome.failure();
    assert_contains("names the setting", "min_df", stderr);
    assert_contains("says why", "stop words or numbers", stderr);
}

/// Regression: `--min-df 1000` on 118 passages blamed `--max-df`, which was not given.
#[test]
fn min_df_above_the_number_of_passages_names_min_df() {
    let tmp = tempfile::tempdir().unwrap();
    let outcome = run_fast(
        &RunDirs::new(tmp.path()),
        &seeds_dir(),
        "none",
        &["--min-df", "1000"],
    );
    let stderr = outcome.failure();
    assert_contains("names the setting", "`--min-df`", stderr);
    assert!(!stderr.contains("max"), "blames max_df: {stderr}");
    assert_contains("gives the passage count", "(118)", stderr);
}

#[test]
fn documents_in_other_languages_run_and_stem_with_the_chosen_language() {
    let tmp = tempfile::tempdir().unwrap();
    let files: [(&str, &[u8]); 2] = [
        ("ru.txt", "Москва готовится к зиме. Городские службы проверяют отопление.\n\nЖители Москвы ждут первого снега и морозов.\n".as_bytes()),
        ("es.txt", "Madrid prepara el invierno. Los servicios municipales revisan la calefacción.\n\nLos vecinos de Madrid esperan la primera nevada.\n".as_bytes()),
    ];
    let (dirs, outcome) = run_files(tmp.path(), &files, "none", &["--k", "2"]);
    outcome.success();
    assert_same("passages", &4, &dirs.passages().len());
    let (_, outcome) = run_files(
        &tmp.path().join("ru"),
        &files[..1],
        "none",
        &["--k", "1", "--language", "russian"],
    );
    outcome.success();
    let (_, outcome) = run_files(
        &tmp.path().join("xx"),
        &files[..1],
        "none",
        &["--language", "klingon"],
    );
    assert_contains("names the setting", "--language", outcome.failure());
}

#[test]
fn a_duplicate_document_under_another_name_is_skipped_naming_the_first() {
    let tmp = tempfile::tempdir().unwrap();
    let files: [(&str, &[u8]); 2] = [
        ("a.txt", PROSE.as_bytes()),
        ("b-copy.txt", PROSE.as_bytes()),
    ];
    let (dirs, outcome) = run_files(tmp.path(), &files, "none", &["--k", "2"]);
    outcome.success();
    let line = outcome
        .stderr
        .lines()
        .find(|l| l.contains("b-copy.txt"))
        .unwrap_or_else(|| panic!("{}", outcome.stderr));
    assert_contains("names the first copy", "a.txt", line);
    let docs: std::collections::BTreeSet<String> =
        dirs.passages().into_iter().map(|p| p.doc).collect();
    assert_same(
        "documents",
        &["a.txt".to_string()].into_iter().collect(),
        &docs,
    );
}

#[test]
fn one_passage_and_fewer_passages_than_clusters() {
    let tmp = tempfile::tempdir().unwrap();
    let one: [(&str, &[u8]); 1] = [(
        "one.txt",
        b"A single paragraph about a lighthouse keeper and his lamp.",
    )];
    // Pure discovery: k is capped at the one passage.
    let (dirs, outcome) = run_files(&tmp.path().join("a"), &one, "none", &[]);
    outcome.success();
    assert_same("passages", &1, &dirs.passages().len());
    // Four named themes cannot be four clusters of one passage: a clear error. Without
    // --k, it names the themes file, not the --k the user never gave (regression: it did).
    let (_, outcome) = run_files(&tmp.path().join("b"), &one, &seed_themes_arg(), &[]);
    let stderr = outcome.failure();
    assert!(!stderr.contains("--k"), "blames --k: {stderr}");
    assert_contains("names the themes file", &seed_themes_arg(), stderr);
    assert_contains("gives the passage count", "1 passage", stderr);
    assert_contains("gives the theme count", "4 named themes", stderr);
    assert_contains("says what to do", "--themes none", stderr);
    // An explicit --k is what is at fault when it is given.
    let (_, outcome) = run_files(
        &tmp.path().join("c"),
        &one,
        &seed_themes_arg(),
        &["--k", "4"],
    );
    let stderr = outcome.failure();
    assert_contains("names --k", "`--k`", stderr);
    assert_contains("gives the passage count", "(1)", stderr);
    // Under --unit document the count is in documents: the user gave two articles, not
    // "2 passages" (regression: it said passages).
    let two: [(&str, &[u8]); 2] = [
        (
            "one.txt",
            b"A lighthouse keeper.\n\nHis lamp and his logbook.",
        ),
        ("two.txt", b"A baker.\n\nHer oven and her flour."),
    ];
    let unit = ["--unit", "document"];
    let (_, outcome) = run_files(&tmp.path().join("d"), &two, &seed_themes_arg(), &unit);
    assert_contains("counts documents", "2 documents", outcome.failure());
    let (_, outcome) = run_files(
        &tmp.path().join("e"),
        &two,
        "none",
        &["--unit", "document", "--k", "3"],
    );
    assert_contains(
        "counts documents",
        "number of documents (2)",
        outcome.failure(),
    );
}

#[test]
fn a_theme_whose_seed_terms_never_occur_is_reported_and_takes_no_passage() {
    let tmp = tempfile::tempdir().unwrap();
    let themes = tmp.path().join("themes.toml");
    write(&themes, "[[theme]]\nname = \"Harbour\"\nseed_terms = [\"harbour\", \"pier\"]\n\n[[theme]]\nname = \"Volcanoes\"\nseed_terms = [\"volcano\", \"lava\"]\n");
    let files: [(&str, &[u8]); 1] = [("a.txt", PROSE.as_bytes())];
    let (dirs, outcome) = run_files(tmp.path(), &files, themes.to_str().unwrap(), &[]);
    outcome.success();
    let line = outcome
        .stderr
        .lines()
        .find(|l| l.contains("Volcanoes"))
        .unwrap_or_else(|| panic!("{}", outcome.stderr));
    assert_contains("a warning", "warning", line);
    assert!(dirs.passages().iter().all(|p| p.theme != "Volcanoes"));
    let run: serde_json::Value = read_json(&dirs.out.join("run.json"));
    assert!(
        run["warnings"].to_string().contains("Volcanoes"),
        "{}",
        run["warnings"]
    );
}

/// The same theme takes passages without a focus and none with a focus the corpus never
/// names, which is reported.
#[test]
fn a_focus_that_never_occurs_is_reported_and_no_passage_takes_a_named_theme() {
    let tmp = tempfile::tempdir().unwrap();
    let theme = "[[theme]]\nname = \"Harbour\"\nseed_terms = [\"harbour\", \"pier\"]\n";
    let run = |dir: &str, focus: &str| {
        let themes = tmp.path().join(format!("{dir}.toml"));
        write(&themes, format!("{focus}{theme}"));
        let (dirs, outcome) = run_files(
            &tmp.path().join(dir),
            &[("a.txt", PROSE.as_bytes())],
            themes.to_str().unwrap(),
            &[],
        );
        outcome.success();
        (dirs, outcome)
    };
    let (without, _) = run("without", "");
    assert!(
        without.passages().iter().any(|p| p.theme == "Harbour"),
        "without a focus the harbour passages take the theme"
    );
    let (with, outcome) = run("with", "focus = [\"Atlantis\"]\n");
    let line = outcome
        .stderr
        .lines()
        .find(|l| l.contains("Atlantis"))
        .unwrap_or_else(|| panic!("{}", outcome.stderr));
    assert_contains("a warning", "warning", line);
    assert!(with.passages().iter().all(|p| p.theme != "Harbour"));
    let run_json: serde_json::Value = read_json(&with.out.join("run.json"));
    assert!(
        run_json["warnings"].to_string().contains("Atlantis"),
        "{}",
        run_json["warnings"]
    );
}

#[test]
fn a_themes_entry_of_stop_words_only_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let themes = tmp.path().join("themes.toml");
    write(
        &themes,
        "focus = [\"The\"]\n[[theme]]\nname = \"Harbour\"\nseed_terms = [\"of the\", \"pier\"]\n",
    );
    let (_, outcome) = run_files(
        tmp.path(),
        &[("a.txt", PROSE.as_bytes())],
        themes.to_str().unwrap(),
        &[],
    );
    outcome.success();
    for entry in ["\"The\"", "\"of the\""] {
        let line = outcome
            .stderr
            .lines()
            .find(|l| l.contains(entry) && l.contains("stop words"))
            .unwrap_or_else(|| panic!("no warning naming {entry}: {}", outcome.stderr));
        assert_contains("a warning", "warning", line);
    }
}

#[test]
fn a_seed_word_that_matches_other_words_through_its_stem_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let themes = tmp.path().join("themes.toml");
    // "vote" and "ferry" are other forms of "voted" and "ferries"; "budgeting" of
    // "budget"; "debt" is not in the text; but "moor" matches "moorings" only through the
    // stem they share.
    write(
        &themes,
        "[[theme]]\nname = \"Harbour\"\nseed_terms = [\"vote\", \"ferry\", \"budgeting\", \"debt\", \"moor\"]\n",
    );
    let (dirs, outcome) = run_files(
        tmp.path(),
        &[("a.txt", PROSE.as_bytes())],
        themes.to_str().unwrap(),
        &[],
    );
    outcome.success();
    let warned: Vec<&str> = outcome
        .stderr
        .lines()
        .filter(|l| l.contains("through the stem"))
        .collect();
    assert_eq!(warned.len(), 1, "{}", outcome.stderr);
    for part in ["warning", "\"moor\"", "\"moorings\" (1x)"] {
        assert_contains("the warning", part, warned[0]);
    }
    let run: serde_json::Value = read_json(&dirs.out.join("run.json"));
    assert!(run["warnings"].to_string().contains("through the stem"));
}

#[test]
fn an_empty_list_entry_is_refused_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let themes = tmp.path().join("themes.toml");
    // A themes file with `key = entries` and one theme: the error of a run with it.
    let refused = |key: &str, entries: &str| {
        write(
            &themes,
            format!("{key} = {entries}\n[[theme]]\nname = \"A\"\nseed_terms = [\"pier\"]\n"),
        );
        let (_, outcome) = run_files(
            tmp.path(),
            &[("a.txt", PROSE.as_bytes())],
            themes.to_str().unwrap(),
            &[],
        );
        outcome.failure().to_string()
    };
    for key in [
        "focus",
        "exclude",
        "other_reasons",
        "stress",
        "stress_after",
        "records",
        "yardsticks",
        "questions",
    ] {
        let stderr = refused(key, "[\"harbour\", \"\"]");
        assert_contains("names the file", "themes.toml", &stderr);
        assert_contains("names the entry", &format!("{key}: entry 2"), &stderr);
    }
    // A marker is matched as words: one without any is refused.
    let stderr = refused("stress", "[\"--\"]");
    assert_contains(
        "names the entry",
        "stress: entry 1 (\"--\") has no words",
        &stderr,
    );
}

/// Regression: each of these was accepted (an empty seed term with only a warning).
#[test]
fn inconsistent_aliases_and_themes_are_refused_naming_the_file_and_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let themes = tmp.path().join("themes.toml");
    let refused = |text: &str| {
        write(&themes, text);
        let (_, outcome) = run_files(
            tmp.path(),
            &[("a.txt", PROSE.as_bytes())],
            themes.to_str().unwrap(),
            &[],
        );
        outcome.failure().to_string()
    };
    let theme = "[[theme]]\nname = \"A\"\nseed_terms = [\"pier\"]\n";
    for (text, entry) in [
        (
            format!("[aliases]\n\"a\" = [\"Syria\"]\n\"b\" = [\"Syria\"]\n{theme}"),
            "\"Syria\"",
        ),
        (
            format!("[aliases]\n\"a\" = []\n{theme}"),
            "aliases: \"a\" has no variants",
        ),
        (
            format!("[aliases]\n\"\" = [\"x\"]\n{theme}"),
            "aliases: an empty key",
        ),
        (
            format!("{theme}[[theme]]\nname = \"B\"\nseed_terms = [\"pier\"]\n"),
            "theme 2 (\"B\"): the same seed_terms as theme 1 (\"A\")",
        ),
        (
            format!("{theme}[[theme]]\nname = \"a \"\nseed_terms = [\"harbour\"]\n"),
            "theme 2 (\"a \"): the name is used twice",
        ),
        (
            "[[theme]]\nname = \"A\"\nseed_terms = [\"pier\", \"\"]\n".to_string(),
            "theme 1 (\"A\"): seed_terms: entry 2 is empty",
        ),
    ] {
        let stderr = refused(&text);
        assert_contains("names the file", &shown(&themes), &stderr);
        assert_contains("names the entry", entry, &stderr);
    }
}

#[test]
fn an_empty_theme_list_is_refused_pointing_to_themes_none() {
    let tmp = tempfile::tempdir().unwrap();
    let themes = tmp.path().join("themes.toml");
    write(&themes, "# no themes\n[aliases]\n\"x\" = [\"y\"]\n");
    let (_, outcome) = run_files(
        tmp.path(),
        &[("a.txt", PROSE.as_bytes())],
        themes.to_str().unwrap(),
        &[],
    );
    let stderr = outcome.failure();
    assert_contains("names the file", "themes.toml", stderr);
    assert_contains("points to the way out", "--themes none", stderr);
}

#[test]
fn a_model_of_an_unknown_analyzer_is_refused_naming_the_setting() {
    let tmp = tempfile::tempdir().unwrap();
    let (dirs, outcome) = run_files(
        tmp.path(),
        &[("a.txt", PROSE.as_bytes())],
        "none",
        &["--k", "2"],
    );
    outcome.success();
    let mut model: serde_json::Value = read_json(&dirs.model);
    model["analyzer"]["language"] = serde_json::json!("klingon");
    let other = tmp.path().join("other.json");
    write(&other, serde_json::to_vec(&model).unwrap());
    let outcome = thematic(
        tmp.path(),
        [
            "classify".as_ref(),
            "--model".as_ref(),
            other.as_os_str(),
            "--out".as_ref(),
            tmp.path().join("c").as_os_str(),
            tmp.path().join("corpus").as_os_str(),
        ],
    );
    let stderr = outcome.failure();
    assert_contains("names the model", "other.json", stderr);
    assert_contains("names the analyzer", "analyzer", stderr);
    assert_contains("shows the value", "klingon", stderr);
}

#[test]
fn symlink_loops_and_dangling_links_are_skipped_with_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    write(&corpus.join("a.txt"), PROSE);
    std::os::unix::fs::symlink(&corpus, corpus.join("loop")).unwrap();
    std::os::unix::fs::symlink(corpus.join("missing.txt"), corpus.join("dangling.txt")).unwrap();
    let dirs = RunDirs::new(tmp.path());
    let outcome = run_fast(&dirs, &corpus, "none", &["--k", "2"]);
    outcome.success();
    assert_contains("warns about the loop", "loop", &outcome.stderr);
    assert_contains(
        "warns about the dangling link",
        "dangling.txt",
        &outcome.stderr,
    );
    assert_spans_are_file_offsets(&dirs, &corpus);
}

/// Regression: a file reached twice (here through a link) was read once and the second
/// path passed over in silence; two names that differ only in a byte that is not UTF-8
/// got one lossy id ("n\u{FFFD}.txt"). (Linux: macOS refuses names that are not UTF-8.)
#[cfg(target_os = "linux")]
#[test]
fn a_file_reached_twice_is_reported_and_names_that_are_not_utf8_stay_apart() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    write(&corpus.join("a.txt"), PROSE);
    // The link sorts before the file it points to; the file is still the one read.
    std::os::unix::fs::symlink(corpus.join("a.txt"), corpus.join("0-link.txt")).unwrap();
    // A link to a file that is skipped names it as skipped.
    write(&corpus.join("empty.txt"), "  \n");
    std::os::unix::fs::symlink(corpus.join("empty.txt"), corpus.join("e-link.txt")).unwrap();
    let texts = [
        "The orchard keeper counted apples and pears at the autumn market.",
        "A violinist tuned her strings before the evening concert in the hall.",
    ];
    for (byte, text) in [0xE9u8, 0xE8].into_iter().zip(texts) {
        let name = [b'n', byte, b'.', b't', b'x', b't'];
        write(&corpus.join(std::ffi::OsStr::from_bytes(&name)), text);
    }
    let dirs = RunDirs::new(tmp.path());
    let outcome = run_fast(&dirs, &corpus, "none", &["--k", "2"]);
    outcome.success();
    let line = |name: &str| {
        (outcome.stderr.lines())
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not reported: {}", outcome.stderr))
    };
    assert_contains(
        "names the file read",
        "same file as a.txt",
        line("0-link.txt"),
    );
    assert_contains(
        "says the file was skipped",
        "same file as empty.txt, which was skipped",
        line("e-link.txt"),
    );
    let docs: std::collections::BTreeSet<String> =
        dirs.passages().into_iter().map(|p| p.doc).collect();
    let expected: std::collections::BTreeSet<String> = ["a.txt", "n\\xE8.txt", "n\\xE9.txt"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_same("documents", &expected, &docs);
}

/// Root reads files whatever their mode, so this only bites for other users; as root the
/// test checks that the run still succeeds.
#[test]
fn an_unreadable_file_is_skipped_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    write(&corpus.join("a.txt"), PROSE);
    write(
        &corpus.join("secret.txt"),
        "The secret plans of the harbour board.",
    );
    std::fs::set_permissions(
        corpus.join("secret.txt"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let readable = std::fs::read(corpus.join("secret.txt")).is_ok();
    let dirs = RunDirs::new(tmp.path());
    let outcome = run_fast(&dirs, &corpus, "none", &["--k", "2"]);
    outcome.success();
    if !readable {
        let line = outcome
            .stderr
            .lines()
            .find(|l| l.contains("secret.txt"))
            .unwrap_or_else(|| panic!("{}", outcome.stderr));
        assert_contains("a warning", "unreadable", line);
    }
}

/// A full disk: a tiny tmpfs as the output folder (needs permission to mount; skipped
/// with a message where the sandbox forbids it). The run fails naming the file it could
/// not write, and nothing half-written is left under the final names.
#[test]
fn a_full_disk_fails_cleanly_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let mount = tmp.path().join("tiny");
    std::fs::create_dir(&mount).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16k", "tmpfs"])
        .arg(&mount)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    let mut dirs = RunDirs::new(tmp.path());
    dirs.out = mount.join("out");
    let outcome = run_fast(&dirs, &seeds_dir(), &seed_themes_arg(), &[]);
    let stderr = outcome.failure().to_string();
    assert_contains("names the output folder", &shown(&dirs.out), &stderr);
    assert_contains("says why", "No space left", &stderr);
    for entry in std::fs::read_dir(&dirs.out).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.is_empty() || text.ends_with('\n'),
                "{} is half-written",
                path.display()
            );
        }
    }
    let _ = std::process::Command::new("umount").arg(&mount).status();
}

/// `--model` is written over whatever it names: the run refuses, before the fit, a path
/// that is another output of the run, one of its inputs, or a folder, and writes nothing.
#[test]
fn the_model_may_not_take_the_path_of_another_output_or_an_input() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    write(&corpus.join("a.txt"), PROSE);
    let themes = tmp.path().join("th.toml");
    std::fs::copy(seed_themes(), &themes).unwrap();
    let themes_before = std::fs::read(&themes).unwrap();
    let mut dirs = RunDirs::new(tmp.path());
    let rules = tmp.path().join("rules.toml");
    std::fs::copy(
        manifest_dir().join("pipeline/segment/boilerplate.toml"),
        &rules,
    )
    .unwrap();
    let linked = tmp.path().join("linked.toml");
    std::os::unix::fs::symlink(&themes, &linked).unwrap();
    // Other spellings of the same files, which must compare equal.
    let cases = [
        (dirs.out.join(".").join("themes.json"), "themes.json"),
        (tmp.path().join("sub/../th.toml"), "--themes"),
        (linked, "--themes"),
        (rules.clone(), "--boilerplate"),
        (dirs.plots.join("top_terms.png"), "charts folder"),
        (corpus.clone(), "is a folder"),
        (corpus.join("model.txt"), "in the corpus"),
    ];
    for (model, says) in cases {
        dirs.model = model;
        let outcome = dirs.run(
            &corpus,
            &[
                "--themes",
                themes.to_str().unwrap(),
                "--boilerplate",
                rules.to_str().unwrap(),
            ],
        );
        let stderr = outcome.failure();
        assert_contains("names --model", "--model", stderr);
        assert_contains("says why", says, stderr);
        assert!(
            !dirs.out.exists() && !dirs.plots.exists(),
            "{says}: nothing is written, no folder made"
        );
    }
    assert_same(
        "the themes file is left alone",
        &themes_before,
        &std::fs::read(&themes).unwrap(),
    );
    assert!(!corpus.join("model.txt").exists());
    // A model beside the outputs under a name of its own is fine.
    dirs.model = dirs.out.join("model.json");
    run_fast(&dirs, &corpus, "none", &["--k", "2"]).success();
    assert!(dirs.model.exists() && dirs.out.join("themes.json").exists());
}

/// An output folder that cannot be written is found before the fit: neither the model
/// nor any chart of the failed run is left behind.
#[test]
fn an_output_folder_that_cannot_be_written_fails_before_anything_is_written() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    write(&corpus.join("a.txt"), PROSE);
    let mut dirs = RunDirs::new(tmp.path());
    // A file where the folder should be.
    dirs.out = tmp.path().join("taken");
    write(&dirs.out, "not a folder");
    let outcome = dirs.run(&corpus, &["--themes", "none", "--k", "2"]);
    assert_contains("names the folder", &shown(&dirs.out), outcome.failure());
    assert!(!dirs.model.exists(), "no model of the failed run");
    assert!(!dirs.plots.exists(), "no charts of the failed run");
    // A folder without write permission (root writes anyway: then the run succeeds).
    dirs.out = tmp.path().join("read-only");
    std::fs::create_dir(&dirs.out).unwrap();
    std::fs::set_permissions(&dirs.out, std::fs::Permissions::from_mode(0o555)).unwrap();
    let writable = std::fs::write(dirs.out.join("probe"), "x").is_ok();
    let outcome = dirs.run(&corpus, &["--themes", "none", "--k", "2"]);
    if writable {
        outcome.success();
    } else {
        assert_contains("names the folder", &shown(&dirs.out), outcome.failure());
        assert!(!dirs.model.exists(), "no model of the failed run");
        assert!(!dirs.plots.exists(), "no charts of the failed run");
    }
}

/// A boilerplate rule that matches prose drops every paragraph: the error names the rule's
/// reason and the setting to check, not a document.
#[test]
fn a_rule_that_drops_every_paragraph_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules.toml");
    // Each pattern alone is accepted (it needs a character); together they take every
    // paragraph.
    write(
        &rules,
        "[[rule]]\nreason = \"too greedy\"\npattern = '[a-z]'\n\n\
         [[rule]]\nreason = \"no lower case\"\npattern = '^[^a-z]+$'\n",
    );
    let dirs = RunDirs::new(tmp.path());
    let outcome = run_fast(
        &dirs,
        &seeds_dir(),
        "none",
        &["--boilerplate", rules.to_str().unwrap()],
    );
    let stderr = outcome.failure();
    assert_contains("names the reason", "\"too greedy\"", stderr);
    assert_contains("names the setting", "--boilerplate", stderr);
    assert_contains("counts the documents", "of 5 documents", stderr);
}
