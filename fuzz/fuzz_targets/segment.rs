//! Arbitrary file bytes -> `ingest::decode` -> `segment` with the built-in boilerplate;
//! the checks are `check_segment` in `fuzz/checks.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

// Each target calls one of the shared checks; the others are unused here.
#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check_segment(data));
