//! thematic: named and discovered themes in a folder of articles.
//!
//! The stages, one module each, in the order data flows through them:
//! [`ingest`] -> [`segment`] -> [`analyze`] -> [`tfidf`] -> [`reduce`] -> [`cluster`] ->
//! [`themes`] (with [`evidence`] for the named ones, and [`model`]) -> [`output`], [`chart`]
//! and [`report`]. [`run`] strings them together; [`evaluate`] scores a run against hand
//! labels. [`fsio`] is the file-system I/O every stage that writes shares: temp file + rename.
#![deny(missing_docs)]

pub mod analyze;
pub mod chart;
pub mod cluster;
pub mod error;
pub mod evaluate;
pub mod evidence;
pub mod fsio;
pub mod ingest;
pub mod model;
pub mod output;
pub mod reduce;
pub mod report;
pub mod run;
pub mod segment;
pub mod tfidf;
pub mod themes;

pub use crate::error::{Error, Result};
pub use crate::model::ThemeModel;
pub use crate::run::{classify, fit, RunResult, RunSettings};
