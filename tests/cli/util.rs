//! Helpers shared by the CLI tests: running the binary, the bundled seed corpus, reading
//! the output files, and assertions that print expected and actual one above the other.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

/// The crate root (where seeds/ and tests/fixtures/ live).
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The seed corpus folder.
pub fn seeds_dir() -> PathBuf {
    manifest_dir().join("seeds")
}

/// The seed themes file.
pub fn seed_themes() -> PathBuf {
    seeds_dir().join("themes.toml")
}

/// The hand labels of the seed corpus.
pub fn seed_labels() -> PathBuf {
    manifest_dir().join("tests/fixtures/seed_labels.csv")
}

/// File names of the seed articles (`*.txt`), sorted.
pub fn seed_doc_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(seeds_dir())
        .expect("read seeds/")
        .map(|e| {
            e.expect("seeds/ entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "seeds/ holds no .txt files");
    names
}

/// The bytes of a seed article, by its document id.
pub fn seed_bytes(doc: &str) -> Vec<u8> {
    let path = seeds_dir().join(doc);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Fails with the expected and the actual value printed one above the other.
#[track_caller]
pub fn assert_same<T: PartialEq + Debug + ?Sized>(what: &str, expected: &T, actual: &T) {
    if expected != actual {
        panic!("{what}\n  expected: {expected:?}\n  actual:   {actual:?}");
    }
}

/// Like [`assert_same`] for file contents: shows the first difference in context rather
/// than both files whole.
#[track_caller]
pub fn assert_same_bytes(what: &str, expected: &[u8], actual: &[u8]) {
    if expected == actual {
        return;
    }
    let at = expected
        .iter()
        .zip(actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    let window = |b: &[u8]| {
        let from = at.saturating_sub(40);
        let to = (at + 40).min(b.len());
        String::from_utf8_lossy(&b[from..to]).into_owned()
    };
    panic!(
        "{what}: first difference at byte {at} (lengths {} and {})\n  expected: {:?}\n  actual:   {:?}",
        expected.len(),
        actual.len(),
        window(expected),
        window(actual)
    );
}

/// Fails unless `haystack` contains `needle`, printing both.
#[track_caller]
pub fn assert_contains(what: &str, needle: &str, haystack: &str) {
    if !haystack.contains(needle) {
        panic!("{what}\n  expected to contain: {needle:?}\n  actual:              {haystack:?}");
    }
}

/// What a finished command printed and returned.
#[derive(Debug)]
pub struct Outcome {
    /// The command line, for messages.
    pub command: String,
    /// Exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Asserts a zero exit code; returns self for further checks.
    #[track_caller]
    pub fn success(&self) -> &Self {
        if self.code != Some(0) {
            panic!(
                "`{}` failed\n  expected exit code: Some(0)\n  actual exit code:   {:?}\nstderr:\n{}",
                self.command, self.code, self.stderr
            );
        }
        self.assert_no_panic();
        self
    }

    /// Asserts a clean failure: a non-zero exit code (not a signal) and no panic. Returns
    /// stderr.
    #[track_caller]
    pub fn failure(&self) -> &str {
        match self.code {
            Some(c) if c != 0 => {}
            other => panic!(
                "`{}` should have failed\n  expected exit code: non-zero\n  actual exit code:   {other:?}\nstderr:\n{}",
                self.command, self.stderr
            ),
        }
        self.assert_no_panic();
        &self.stderr
    }

    #[track_caller]
    fn assert_no_panic(&self) {
        if self.stderr.contains("panicked") {
            panic!("`{}` panicked:\n{}", self.command, self.stderr);
        }
    }
}

/// Runs the `thematic` binary with `args`, in `cwd` (a test's temporary folder, so that a
/// default path can never land in the repository).
pub fn thematic<I, S>(cwd: &Path, args: I) -> Outcome
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let command = std::iter::once("thematic".to_string())
        .chain(args.iter().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ");
    let output = Command::new(env!("CARGO_BIN_EXE_thematic"))
        .args(&args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap_or_else(|e| panic!("cannot start `{command}`: {e}"));
    Outcome {
        command,
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Flags for runs whose point is not the quality of the themes (bad input, error paths):
/// 10 LSA dimensions instead of 100 cut a debug-build fit from seconds to a fraction of one.
pub const FAST: [&str; 3] = ["--dimensions", "10", "--no-charts"];

/// The paths of one `thematic run` inside a temporary folder.
pub struct RunDirs {
    pub root: PathBuf,
    pub out: PathBuf,
    pub plots: PathBuf,
    pub model: PathBuf,
}

impl RunDirs {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            out: root.join("out"),
            plots: root.join("plots"),
            model: root.join("m.json"),
        }
    }

    /// `thematic run` on `corpus` with every output path under `root`, plus `extra` flags.
    pub fn run(&self, corpus: &Path, extra: &[&str]) -> Outcome {
        let mut args: Vec<std::ffi::OsString> =
            vec!["run".into(), "--corpus".into(), corpus.into()];
        for (flag, path) in [
            ("--out", &self.out),
            ("--plots", &self.plots),
            ("--model", &self.model),
        ] {
            args.push(flag.into());
            args.push(path.into());
        }
        args.extend(extra.iter().map(Into::into));
        thematic(&self.root, args)
    }

    /// `thematic run` on the seeds with the seed themes plus `extra` flags; must succeed.
    #[track_caller]
    pub fn run_seeds(&self, extra: &[&str]) -> Outcome {
        let themes = seed_themes();
        let mut flags = vec!["--themes", themes.to_str().expect("UTF-8 path")];
        flags.extend_from_slice(extra);
        let outcome = self.run(&seeds_dir(), &flags);
        outcome.success();
        outcome
    }

    /// `thematic classify` of the seeds with this folder's model, into `out`.
    pub fn classify_seeds(&self, out: &Path) {
        thematic(
            &self.root,
            [
                "classify".as_ref(),
                "--model".as_ref(),
                self.model.as_os_str(),
                "--out".as_ref(),
                out.as_os_str(),
                seeds_dir().as_os_str(),
            ],
        )
        .success();
    }

    pub fn passages(&self) -> Vec<PassageLine> {
        read_jsonl(&self.out.join("passages.jsonl"))
    }

    pub fn dropped(&self) -> Vec<DroppedLine> {
        read_jsonl(&self.out.join("dropped.jsonl"))
    }

    pub fn themes(&self) -> ThemesJson {
        read_json(&self.out.join("themes.json"))
    }
}

/// A line of passages.jsonl.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PassageLine {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub theme: String,
    pub confidence: f64,
    pub cluster: usize,
    pub top_terms: Vec<String>,
    pub evidence: Option<EvidenceLine>,
}

/// The sentence behind a passage's named theme.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct EvidenceLine {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A line of dropped.jsonl.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DroppedLine {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub reason: String,
}

/// themes.json.
#[derive(Debug, Clone, Deserialize)]
pub struct ThemesJson {
    pub themes: Vec<ThemeEntry>,
    pub other: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ThemeEntry {
    pub name: String,
    pub kind: String,
    pub description: String,
    pub size: usize,
    pub share: f64,
    pub exemplars: Vec<Exemplar>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Exemplar {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    pub confidence: f64,
    pub text: String,
    pub evidence: Option<EvidenceLine>,
}

pub fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

pub fn read_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Every non-empty line of a JSONL file, parsed; a bad line names its number.
pub fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Vec<T> {
    read_text(path)
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{}:{}: {e}\n{l}", path.display(), i + 1))
        })
        .collect()
}

pub fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> T {
    serde_json::from_str(&read_text(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// documents.csv as its header and rows.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = reader
        .headers()
        .expect("csv header")
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            r.unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .iter()
                .map(String::from)
                .collect()
        })
        .collect();
    (header, rows)
}

/// Asserts that `text` is exactly the bytes `start..end` of the seed article `doc`.
#[track_caller]
pub fn assert_slices_back(
    what: &str,
    doc: &str,
    start: usize,
    end: usize,
    text: &str,
    sources: &mut BTreeMap<String, Vec<u8>>,
) {
    let bytes = sources
        .entry(doc.to_string())
        .or_insert_with(|| seed_bytes(doc));
    assert!(
        start < end && end <= bytes.len(),
        "{what}: span {start}..{end} of {doc} is empty or past its end ({} bytes)",
        bytes.len()
    );
    let slice = String::from_utf8_lossy(&bytes[start..end]);
    assert_same(
        &format!("{what}: {doc}[{start}..{end}] vs its text"),
        &*slice,
        text,
    );
}
