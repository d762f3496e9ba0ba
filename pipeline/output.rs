//! Outputs: the evidence files of a run, put in its output folder as one set.
//!
//! Every file is first written whole to a temporary file and flushed to disk; then the old
//! `run.json` is removed, the other files are renamed into place, and the new `run.json` is
//! renamed last ([`crate::fsio::commit`]). `run.json` is the commit record: when
//! `out/run.json` exists, every output beside it is from that run (its `outputs` lists each
//! one with its size and SHA-256, so a reader can check); when it is missing, the folder
//! holds an interrupted run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::fsio::{self, StagedFile};
use crate::ingest::SkippedFile;
use crate::run::{Citation, Exemplar, RunResult, RunSettings, Timing};
use crate::themes::{TermWeight, ThemeKind};

/// The commit record, renamed into place after every other output.
const RUN_JSON: &str = "run.json";
/// The HTML report, an output of `run` only.
const REPORT_HTML: &str = "report.html";

const PASSAGES_JSONL: &str = "passages.jsonl";
const DROPPED_JSONL: &str = "dropped.jsonl";
const THEMES_JSON: &str = "themes.json";
const DOCUMENTS_CSV: &str = "documents.csv";

/// Every file [`write_outputs`] may write into its folder, so that another output (the
/// model) can be kept from taking one's name.
pub const OUTPUT_FILES: [&str; 6] = [
    PASSAGES_JSONL,
    DROPPED_JSONL,
    THEMES_JSON,
    DOCUMENTS_CSV,
    REPORT_HTML,
    RUN_JSON,
];

/// Four decimals are plenty for a reader and keep the files stable and small.
fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

#[derive(Serialize)]
struct PassageLine<'a> {
    doc: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
    theme: &'a str,
    confidence: f64,
    cluster: usize,
    top_terms: Vec<&'a str>,
    /// The sentence that gave a named theme (`null` otherwise).
    evidence: Option<Citation>,
}

#[derive(Serialize)]
struct DroppedLine<'a> {
    doc: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
    reason: std::borrow::Cow<'a, str>,
}

#[derive(Serialize)]
struct ThemeEntry<'a> {
    name: &'a str,
    kind: ThemeKind,
    description: &'a str,
    size: usize,
    share: f64,
    top_terms: Vec<TermWeight>,
    /// NPMI coherence of the top terms (fits only).
    npmi: Option<f64>,
    exemplars: &'a [Exemplar],
}

#[derive(Serialize)]
struct ThemesJson<'a> {
    themes: Vec<ThemeEntry<'a>>,
    other: usize,
    /// Share of distinct terms among all themes' top terms (fits only).
    topic_diversity: Option<f64>,
}

/// What `run.json` records besides the result.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    /// `run` or `classify`.
    pub command: String,
    /// The corpus paths.
    pub corpus: Vec<PathBuf>,
    /// The themes file, if any.
    pub themes_file: Option<PathBuf>,
    /// The boilerplate rules file, if one was given: else `run` used the built-in rules
    /// and `classify` the model's.
    pub boilerplate_file: Option<PathBuf>,
    /// The model file written or read.
    pub model_file: PathBuf,
    /// The folder the charts were drawn into; none with `--no-charts` (and for
    /// `classify`), when any charts there are an earlier run's.
    pub plots: Option<PathBuf>,
    /// The settings of the fit (for `classify`, of the model's fit are in the model).
    pub settings: Option<RunSettings>,
    /// Files skipped at ingest.
    pub skipped: Vec<SkippedFile>,
    /// The documents read: id, encoding, size.
    pub documents: Vec<DocumentInfo>,
}

/// A document as `run.json` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentInfo {
    /// Document id.
    pub id: String,
    /// The encoding its bytes were decoded from.
    pub encoding: &'static str,
    /// Size of the file in bytes (what every offset of the outputs indexes).
    pub bytes: usize,
    /// In a UTF-8 file, how many bytes were not UTF-8 and were read as Windows-1252.
    #[serde(skip_serializing_if = "is_zero")]
    pub not_utf8_bytes: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl DocumentInfo {
    /// The entries of a corpus's documents.
    pub fn of(corpus: &crate::ingest::Corpus) -> Vec<Self> {
        corpus
            .documents
            .iter()
            .map(|d| Self {
                id: d.id.clone(),
                encoding: d.encoding,
                bytes: crate::ingest::SourceMap::of(d).file_offset(d.text.len()),
                not_utf8_bytes: d.fallback.len(),
            })
            .collect()
    }
}

#[derive(Serialize)]
struct RunJson<'a> {
    thematic_version: &'a str,
    model_format_version: u32,
    #[serde(flatten)]
    info: &'a RunInfo,
    counts: Counts,
    /// Every other output of the run, by file name: what a reader checks it against.
    outputs: BTreeMap<String, OutputEntry>,
    warnings: &'a [String],
    /// k used by k-means.
    k: usize,
    /// The sweep over k: silhouette and inertia per k.
    k_sweep: &'a [crate::cluster::KScore],
    timings: &'a [Timing],
    peak_memory_kib: Option<u64>,
}

/// The process's peak resident memory so far in KiB (Linux's `VmHWM`), if known.
pub fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// An output as `run.json` lists it.
#[derive(Serialize)]
struct OutputEntry {
    bytes: u64,
    /// Lowercase hex, as `sha256sum` prints it.
    sha256: String,
}

#[derive(Serialize)]
struct Counts {
    documents: usize,
    skipped_files: usize,
    passages: usize,
    dropped: usize,
    themes: usize,
    other: usize,
}

/// Stages one JSON line per item for `path` (streamed).
fn stage_jsonl<T: Serialize>(path: &Path, items: impl Iterator<Item = T>) -> Result<StagedFile> {
    fsio::stage(path, |w| {
        for item in items {
            serde_json::to_writer(&mut *w, &item)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })
}

/// Per document, the share of its passages in each theme (the model's themes, then
/// `other`).
pub fn document_shares(result: &RunResult) -> Vec<Vec<f64>> {
    let n_themes = result.model.themes.len();
    let mut counts = vec![vec![0usize; n_themes + 1]; result.doc_ids.len()];
    for (p, a) in result.passages.iter().zip(&result.assignments) {
        counts[p.doc][a.theme.unwrap_or(n_themes)] += 1;
    }
    counts
        .into_iter()
        .map(|row| {
            let total: usize = row.iter().sum();
            row.iter()
                .map(|&c| {
                    if total == 0 {
                        0.0
                    } else {
                        c as f64 / total as f64
                    }
                })
                .collect()
        })
        .collect()
}

/// Withdraws the commit record of `out` (its run.json) before a run writes anything
/// outside it (the model, the charts): a run that fails part way must not leave an old
/// run.json beside a model or charts it did not write.
pub fn withdraw_record(out: &Path) -> Result<()> {
    let record = out.join(RUN_JSON);
    match std::fs::remove_file(&record) {
        Ok(()) => fsio::sync_dir(out),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(cause) => Err(Error::Write {
            path: record,
            cause,
        }),
    }
}

/// Writes passages.jsonl, dropped.jsonl, themes.json, documents.csv, report.html (when
/// `report` is given) and run.json into `out` as one set: see the module doc. A
/// report.html of an earlier run is removed when `report` is `None`, so it cannot pass
/// for this run's.
pub fn write_outputs(
    result: &RunResult,
    info: &RunInfo,
    report: Option<&str>,
    out: &Path,
) -> Result<()> {
    let model = &result.model;
    let mut staged = Vec::new();
    staged.push(stage_jsonl(
        &out.join(PASSAGES_JSONL),
        result
            .passages
            .iter()
            .zip(&result.assignments)
            .zip(&result.passage_terms)
            .map(|((p, a), terms)| {
                let file = &result.sources[p.doc];
                let span = file.file_range(p.start..p.end);
                PassageLine {
                    doc: &result.doc_ids[p.doc],
                    start: span.start,
                    end: span.end,
                    text: &p.text,
                    theme: model.theme_name(a.theme),
                    confidence: round(a.confidence),
                    cluster: a.cluster,
                    top_terms: terms
                        .iter()
                        .map(|&c| model.display[c as usize].as_str())
                        .collect(),
                    evidence: a
                        .evidence
                        .map(|range| Citation::of(p, range, &result.sources)),
                }
            }),
    )?);

    staged.push(stage_jsonl(
        &out.join(DROPPED_JSONL),
        result.dropped.iter().map(|d| {
            let file = &result.sources[d.doc];
            let span = file.file_range(d.start..d.end);
            DroppedLine {
                doc: &result.doc_ids[d.doc],
                start: span.start,
                end: span.end,
                text: &d.text,
                reason: match d.duplicate_of {
                    // "duplicate of ...", "pull quote of ...".
                    Some(first) => format!(
                        "{} of the paragraph at byte {}",
                        d.reason,
                        file.file_offset(first)
                    )
                    .into(),
                    None => d.reason.as_str().into(),
                },
            }
        }),
    )?);

    let n = result.passages.len().max(1) as f64;
    let size = |t: Option<usize>| result.assignments.iter().filter(|a| a.theme == t).count();
    let themes = ThemesJson {
        themes: model
            .themes
            .iter()
            .enumerate()
            .map(|(t, theme)| ThemeEntry {
                name: &theme.name,
                kind: theme.kind,
                description: &theme.description,
                size: size(Some(t)),
                share: round(size(Some(t)) as f64 / n),
                top_terms: model.theme_terms[t]
                    .iter()
                    .map(|w| TermWeight {
                        term: w.term.clone(),
                        weight: round(w.weight),
                    })
                    .collect(),
                npmi: result.quality.as_ref().and_then(|q| q.npmi[t]).map(round),
                exemplars: &result.exemplars[t],
            })
            .collect(),
        other: size(None),
        topic_diversity: result.quality.as_ref().map(|q| round(q.diversity)),
    };
    let themes_json = serde_json::to_vec_pretty(&themes).expect("plain structs serialize");
    staged.push(fsio::stage(&out.join(THEMES_JSON), |w| {
        w.write_all(&themes_json)
    })?);

    let mut csv = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["doc".to_string(), "passages".to_string()];
    header.extend(model.themes.iter().map(|t| t.name.clone()));
    header.push("other".into());
    let csv_error = |e: csv::Error| Error::Write {
        path: out.join(DOCUMENTS_CSV),
        cause: std::io::Error::other(e),
    };
    csv.write_record(&header).map_err(csv_error)?;
    let mut counts = vec![0usize; result.doc_ids.len()];
    for p in &result.passages {
        counts[p.doc] += 1;
    }
    for ((doc, shares), count) in result
        .doc_ids
        .iter()
        .zip(document_shares(result))
        .zip(counts)
    {
        let mut record = vec![doc.clone(), count.to_string()];
        record.extend(shares.iter().map(|s| format!("{:.4}", s)));
        csv.write_record(&record).map_err(csv_error)?;
    }
    let csv_bytes = csv
        .into_inner()
        .map_err(|e| csv_error(e.into_error().into()))?;
    staged.push(fsio::stage(&out.join(DOCUMENTS_CSV), |w| {
        w.write_all(&csv_bytes)
    })?);

    let report_path = out.join(REPORT_HTML);
    let mut remove = Vec::new();
    match report {
        Some(html) => staged.push(fsio::stage(&report_path, |w| w.write_all(html.as_bytes()))?),
        None => remove.push(report_path),
    }
    let outputs = staged
        .iter()
        .map(|f| {
            let name = f.target().file_name().expect("an output has a file name");
            let entry = OutputEntry {
                bytes: f.size(),
                sha256: f.sha256().to_string(),
            };
            (name.to_string_lossy().into_owned(), entry)
        })
        .collect();

    let run = RunJson {
        thematic_version: env!("CARGO_PKG_VERSION"),
        model_format_version: crate::model::FORMAT_VERSION,
        info,
        counts: Counts {
            documents: result.doc_ids.len(),
            skipped_files: info.skipped.len(),
            passages: result.passages.len(),
            dropped: result.dropped.len(),
            themes: model.themes.len(),
            other: size(None),
        },
        outputs,
        warnings: &result.warnings,
        k: model.clusters.centroids.nrows(),
        k_sweep: &result.k_sweep,
        timings: &result.timings,
        peak_memory_kib: peak_memory_kib(),
    };
    let run_json = serde_json::to_vec_pretty(&run).expect("plain structs serialize");
    let record = fsio::stage(&out.join(RUN_JSON), |w| w.write_all(&run_json))?;
    fsio::commit(staged, record, &remove)
}
