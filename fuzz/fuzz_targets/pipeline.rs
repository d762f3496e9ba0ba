//! Arbitrary bytes split on 0xFF into up to 4 files -> `decode` each -> `fit` with an
//! empty themes file (pure discovery) and small settings; `fit` may refuse the corpus with
//! an `Err` but must never panic. The checks are `check_pipeline` in `fuzz/checks.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

// Each target calls one of the shared checks; the others are unused here.
#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

fuzz_target!(|data: &[u8]| checks::check_pipeline(data));
