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

/// An I/O error's own message should appear once. `Error::Read` and `Error::Write`
/// (pipeline/error.rs) put `{source}` in their message and also expose it as the error's
/// source, so `main`'s `{e:#}` prints the chain and repeats it:
/// `cannot read X: No such file or directory (os error 2): No such file or directory (os error 2)`.
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

/// One fit, then two damaged copies of its model: a future format version and a
/// truncated file.
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
        &serde_json::json!(1),
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

    let truncated = tmp.path().join("truncated.json");
    write(&truncated, &model.as_bytes()[..100]);
    let outcome = classify(&truncated, "ctrunc");
    let stderr = outcome.failure();
    assert_contains("stderr names the model", &shown(&truncated), stderr);
    assert_contains("stderr says what is wrong", "truncated", stderr);
}
