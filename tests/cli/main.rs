//! End-to-end tests of the `thematic` binary: each module drives one command or feature
//! through the real executable, with every output in its own temporary folder.

mod util;

mod bad_input;
mod classify;
mod evaluate;
mod fuzz_regressions;
mod properties;
mod report;
mod run;
