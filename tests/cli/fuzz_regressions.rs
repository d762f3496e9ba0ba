//! The fuzz targets' checks (fuzz/checks.rs, shared with fuzz/fuzz_targets/*.rs) run over
//! every file in fuzz/regressions/<target>/: crash inputs found by `cargo fuzz` and
//! hand-made nasty inputs. CI runs these without nightly or cargo-fuzz.
//!
//! To add a case, drop the file into fuzz/regressions/<target>/ (see fuzz/README.md).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use crate::util::manifest_dir;

#[path = "../../fuzz/checks.rs"]
mod checks;
use checks::{check_analyze, check_pipeline, check_segment};

/// The regression inputs of one fuzz target, sorted by name.
fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = manifest_dir().join("fuzz/regressions").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("regressions entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} holds no inputs", dir.display());
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, bytes)
        })
        .collect()
}

/// Runs `check` on every input of `target`; fails naming every input that panicked.
fn run_all(target: &str, check: fn(&[u8])) {
    let mut failed = Vec::new();
    for (name, bytes) in inputs(target) {
        if catch_unwind(AssertUnwindSafe(|| check(&bytes))).is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "fuzz/regressions/{target}: {} input(s) failed (panic messages above): {failed:?}",
        failed.len()
    );
}

/// Runs `check` on one named input of `target` (for a `#[ignore]`d known bug).
#[allow(dead_code)]
fn run_one(target: &str, name: &str, check: fn(&[u8])) {
    let path = manifest_dir()
        .join("fuzz/regressions")
        .join(target)
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    check(&bytes);
}

#[test]
fn segment_regressions() {
    run_all("segment", check_segment);
}

#[test]
fn analyze_regressions() {
    run_all("analyze", check_analyze);
}

#[test]
fn pipeline_regressions() {
    run_all("pipeline", check_pipeline);
}
