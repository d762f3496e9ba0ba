//! Arbitrary bytes -> lossy UTF-8 -> `Analyzer` (default settings plus aliases) -> tokens;
//! the checks are `check_analyze` in `fuzz/checks.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

// Each target calls one of the shared checks; the others are unused here.
#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check_analyze(data));
