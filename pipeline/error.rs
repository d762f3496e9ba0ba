//! The library's error type: every failure names the file, line or setting at fault.

use std::path::{Path, PathBuf};

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
        "all {} of {} were dropped (most often as {reason:?}: {}); check the boilerplate rules (--boilerplate)",
        count(*.dropped, "paragraph"),
        count(*.documents, "document"),
        count(*.times, "time"),
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
    /// The corpus has fewer passages than the themes file names themes, and no `--k` was
    /// given: the default k is never below the number of named themes, since each named
    /// theme starts a cluster of its own. (`main` adds the themes file's name.)
    #[error(
        "the corpus has {passages} {unit}{}, fewer than the {themes} named themes of the \
         themes file: each named theme needs a cluster of its own; use `--themes none` for \
         pure discovery, or give more text",
        if *.passages == 1 { "" } else { "s" }
    )]
    FewerPassagesThanThemes {
        /// The number of passages (documents with `--unit document`).
        passages: usize,
        /// What a passage is: "passage", or "document" with `--unit document`.
        unit: &'static str,
        /// The number of named themes.
        themes: usize,
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

impl Error {
    /// A TOML file's syntax or type error as [`Error::Config`]: the line and column, the
    /// parser's message and the text around the column. Not the toml crate's own message:
    /// that quotes the whole line at fault, and a JSON model passed by mistake as a themes
    /// or rules file is one line of 1.8 MB.
    pub(crate) fn toml(path: &Path, text: &str, e: &toml::de::Error) -> Self {
        let message = match e.span() {
            Some(span) => toml_context(text, span, e.message()),
            // Without a position the crate quotes no line either.
            None => e.to_string().trim_end().to_string(),
        };
        Error::Config {
            path: path.to_path_buf(),
            message,
        }
    }
}

/// The most characters of the line at fault that a TOML error quotes.
const SNIPPET_CHARS: usize = 200;

/// "TOML parse error at line L, column C", at most [`SNIPPET_CHARS`] characters of line L
/// around column C (an ellipsis where the line is cut) with carets under the span, and the
/// parser's message: the toml crate's layout, so the error of a short line reads as it
/// always did. Line and column are counted as that crate counts them: an error at the end
/// of the file is one past the end of its last line.
fn toml_context(text: &str, span: std::ops::Range<usize>, message: &str) -> String {
    if text.is_empty() {
        return format!("TOML parse error at line 1, column 1\n{message}");
    }
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    // The byte the error points at, or the last byte (a newline, say) when it points past
    // the end; `past` counts the columns beyond it.
    let at = floor(span.start.min(text.len() - 1));
    let past = span.start.saturating_sub(text.len() - 1);
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = &text[line_start..line_end];
    let line_no = text[..line_start].matches('\n').count() + 1;
    let column = text[line_start..at].chars().count() + past;
    let line_chars = line.chars().count();
    // The window: centred on the column, as long as the line allows.
    let first = column
        .saturating_sub(SNIPPET_CHARS / 2)
        .min(line_chars.saturating_sub(SNIPPET_CHARS));
    let mut snippet: String = line.chars().skip(first).take(SNIPPET_CHARS).collect();
    let cut_before = first > 0;
    if first + SNIPPET_CHARS < line_chars {
        snippet.push('…');
    }
    if cut_before {
        snippet.insert(0, '…');
    }
    let caret_at = column - first + usize::from(cut_before);
    let span_chars = text[floor(span.start)..floor(span.end.min(line_end).max(span.start))]
        .chars()
        .count();
    let carets = span_chars.clamp(1, (SNIPPET_CHARS + first).saturating_sub(column).max(1));
    let gutter = " ".repeat(line_no.to_string().len());
    format!(
        "TOML parse error at line {line_no}, column {}\n{gutter} |\n{line_no} | {}\n{gutter} | {}{}\n{message}",
        column + 1,
        snippet.trim_end_matches('\r'),
        " ".repeat(caret_at),
        "^".repeat(carets),
    )
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// "1 document", "5 documents".
fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
