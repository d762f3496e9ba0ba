//! The library's error type: every failure names the file, line or setting at fault.

use std::path::PathBuf;

/// Everything that can stop a run. Each variant carries the offending value so the
/// message can name it; `main` maps any of them to a non-zero exit code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {cause}")]
    Read {
        /// The path that failed.
        path: PathBuf,
        /// The underlying I/O error (in the message, so not also a `source`).
        cause: std::io::Error,
    },
    /// An output could not be written.
    #[error("cannot write {path}: {cause}")]
    Write {
        /// The path that failed.
        path: PathBuf,
        /// The underlying I/O error (in the message, so not also a `source`).
        cause: std::io::Error,
    },
    /// The corpus holds no usable text.
    #[error("no usable documents in {path}: {reason}")]
    EmptyCorpus {
        /// The corpus root or file list.
        path: PathBuf,
        /// Why nothing was usable.
        reason: String,
    },
    /// Every paragraph of the corpus was dropped: most likely a boilerplate rule that
    /// matches prose.
    #[error(
        "all {dropped} paragraphs of the {documents} documents were dropped (most often as {reason:?}, {times} times); check the boilerplate rules (--boilerplate)"
    )]
    AllDropped {
        /// Documents read.
        documents: usize,
        /// Paragraphs dropped.
        dropped: usize,
        /// The reason given most often.
        reason: String,
        /// How often it was given.
        times: usize,
    },
    /// A TOML settings file (themes, boilerplate rules) is malformed.
    #[error("{path}: {message}")]
    Config {
        /// The file at fault.
        path: PathBuf,
        /// What is wrong, with the line when the parser knows it.
        message: String,
    },
    /// A setting is out of range or inconsistent with the data.
    #[error("invalid setting `{setting}`: {message}")]
    Setting {
        /// The name of the setting, as the user spells it.
        setting: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A saved model cannot be used.
    #[error("model {path}: {message}")]
    Model {
        /// The model file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A labels file for `evaluate` is malformed.
    #[error("{path}:{line}: {message}")]
    Labels {
        /// The labels file.
        path: PathBuf,
        /// The 1-based line at fault.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// No label of a labels file for `evaluate` matches a paragraph of the run.
    #[error("{labels}: none of its {count} label{s} matches a passage of {passages}; are they for this run?", s = if *.count == 1 { "" } else { "s" })]
    LabelsMatchNothing {
        /// The labels file.
        labels: PathBuf,
        /// How many labels it holds.
        count: usize,
        /// The run's passages file.
        passages: PathBuf,
    },
    /// Every label of a labels file for `evaluate` that matches a paragraph of the run is
    /// boilerplate or a repeated paragraph, so no paragraph can be scored.
    #[error("{labels}: every label that matches a paragraph of {passages} is boilerplate, a duplicate or a pull quote: no content paragraph to evaluate")]
    NoContentLabels {
        /// The labels file.
        labels: PathBuf,
        /// The run's passages file.
        passages: PathBuf,
    },
    /// The reduction's eigen-decomposition failed (the error is in the message, so not
    /// also a `source`).
    #[error("reduction failed: {0}")]
    Linalg(linfa_linalg::LinalgError),
    /// The reduction's eigen-decomposition gave NaN: the TF-IDF rows held a NaN or an
    /// infinity.
    #[error("reduction failed: the eigen-decomposition gave NaN")]
    NanEigenvalue,
    /// linfa's k-means failed (the error is in the message, so not also a `source`).
    #[error("clustering failed: {0}")]
    Cluster(linfa_clustering::KMeansError),
    /// A chart could not be drawn.
    #[error("chart {path}: {message}")]
    Chart {
        /// The chart file.
        path: PathBuf,
        /// What the drawing backend reported.
        message: String,
    },
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
