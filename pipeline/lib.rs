//! thematic: named and discovered themes in a folder of articles.
//!
//! The stages, one private module each, in the order data flows through them: `ingest` ->
//! `segment` -> `analyze` -> `tfidf` -> `reduce` -> `cluster` -> `themes` (with `evidence`
//! for the named ones, and `model`) -> `output`, `chart` and `report`. `run` strings them
//! together ([`fit`], [`classify`]); `evaluate` scores a run against hand labels ([`evaluate()`]);
//! `fsio` is the file-system I/O every stage that writes shares: temp file + rename.
//!
//! The public API is flat: each stage's settings and fitted parts are re-exported here, so
//! benchmarks and tools can drive one stage at a time.
#![deny(missing_docs)]
#![warn(unnameable_types)]

mod analyze;
mod chart;
mod cluster;
mod error;
mod evaluate;
mod evidence;
mod fsio;
mod ingest;
mod model;
mod output;
mod reduce;
mod report;
mod run;
mod segment;
mod tfidf;
mod themes;

// The public API, flat, in the order data flows; the modules stay private so that what is
// public is what is listed here.
pub use crate::analyze::{Alias, AnalyzedCorpus, Analyzer, AnalyzerSettings, StemCollision, Token};
pub use crate::chart::draw_charts;
pub use crate::cluster::{ClusterSettings, FittedClusters, KScore, DEFAULT_K};
pub use crate::error::{Error, Result};
pub use crate::evaluate::{evaluate, ClassScore, Evaluation};
pub use crate::evidence::{split_extra, Evidence, EvidencePhrases, EvidenceTerms, Space};
pub use crate::fsio::{prepare_output_dir, remove_stale_temp_files};
pub use crate::ingest::{
    decode, read_corpus, Corpus, Decoded, Document, SkippedFile, SourceMap, UTF_16BE, UTF_16LE,
    UTF_8, UTF_8_BOM, UTF_8_BOM_MIXED, UTF_8_MIXED, WINDOWS_1252,
};
pub use crate::model::{Assignment, ThemeModel, FORMAT_VERSION};
pub use crate::output::{withdraw_record, write_outputs, DocumentInfo, RunInfo, OUTPUT_FILES};
pub use crate::reduce::{FittedReduction, ReductionSettings};
pub use crate::report::render_report;
pub use crate::run::{
    classify, fit, fit_with_progress, Citation, Exemplar, Progress, RunResult, RunSettings, Silent,
    ThemeQuality, Timing,
};
pub use crate::segment::{
    segment, Boilerplate, Dropped, Passage, RuleSpec, Unit, MAX_PARAGRAPH_BYTES,
};
pub use crate::tfidf::{DocFreq, FittedTfIdf, SparseRow, TfIdfSettings};
pub use crate::themes::{TermWeight, Theme, ThemeKind, ThemeSettings, ThemeSpec, ThemesFile};
