//! Outputs: the evidence files of a run, each written to a temporary file and renamed so
//! an interrupted run never leaves a half-written one.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::ingest::SkippedFile;
use crate::run::{Exemplar, RunResult, RunSettings, Timing};
use crate::themes::{TermWeight, ThemeKind};

/// Temporary files start with this, so a run can clear the ones a killed run left.
const TEMP_PREFIX: &str = ".thematic-tmp-";

/// Removes temporary files that an interrupted run left in `dir` (never anything else).
pub fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed to
/// disk, then renamed over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Like [`write_atomic`], with the content streamed by `write` into a buffered writer, so
/// a large output is never held in memory whole.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let error = |cause| Error::Write {
        path: path.to_path_buf(),
        cause,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(error)?;
    // Outputs are for sharing: 0644 like any file a tool writes, not tempfile's 0600.
    #[cfg(unix)]
    let permissions = std::os::unix::fs::PermissionsExt::from_mode(0o644);
    let mut builder = tempfile::Builder::new();
    builder.prefix(TEMP_PREFIX);
    #[cfg(unix)]
    builder.permissions(permissions);
    let tmp = builder.tempfile_in(dir).map_err(error)?;
    let mut writer = std::io::BufWriter::with_capacity(1 << 20, tmp);
    write(&mut writer).map_err(error)?;
    let tmp = writer.into_inner().map_err(|e| error(e.into_error()))?;
    tmp.as_file().sync_all().map_err(error)?;
    tmp.persist(path).map_err(|e| error(e.error))?;
    Ok(())
}

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
}

#[derive(Serialize)]
struct DroppedLine<'a> {
    doc: &'a str,
    start: usize,
    end: usize,
    text: &'a str,
    reason: &'a str,
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
    /// The model file written or read.
    pub model_file: PathBuf,
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
    /// Size of the decoded text in bytes.
    pub bytes: usize,
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
                bytes: d.text.len(),
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

#[derive(Serialize)]
struct Counts {
    documents: usize,
    skipped_files: usize,
    passages: usize,
    dropped: usize,
    themes: usize,
    other: usize,
}

/// Writes one JSON line per item to `path` (atomically, streamed).
fn write_jsonl<T: Serialize>(path: &Path, items: impl Iterator<Item = T>) -> Result<()> {
    write_atomic_with(path, |w| {
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

/// Writes passages.jsonl, dropped.jsonl, themes.json, documents.csv and run.json.
pub fn write_outputs(result: &RunResult, info: &RunInfo, out: &Path) -> Result<()> {
    let model = &result.model;
    write_jsonl(
        &out.join("passages.jsonl"),
        result
            .passages
            .iter()
            .zip(&result.assignments)
            .zip(&result.passage_terms)
            .map(|((p, a), terms)| PassageLine {
                doc: &result.doc_ids[p.doc],
                start: p.start,
                end: p.end,
                text: &p.text,
                theme: model.theme_name(a.theme),
                confidence: round(a.confidence),
                cluster: a.cluster,
                top_terms: terms
                    .iter()
                    .map(|&c| model.display[c as usize].as_str())
                    .collect(),
            }),
    )?;

    write_jsonl(
        &out.join("dropped.jsonl"),
        result.dropped.iter().map(|d| DroppedLine {
            doc: &result.doc_ids[d.doc],
            start: d.start,
            end: d.end,
            text: &d.text,
            reason: &d.reason,
        }),
    )?;

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
    write_atomic(&out.join("themes.json"), &themes_json)?;

    let mut csv = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["doc".to_string(), "passages".to_string()];
    header.extend(model.themes.iter().map(|t| t.name.clone()));
    header.push("other".into());
    let csv_error = |e: csv::Error| Error::Write {
        path: out.join("documents.csv"),
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
    write_atomic(&out.join("documents.csv"), &csv_bytes)?;

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
        warnings: &result.warnings,
        k: model.clusters.centroids.nrows(),
        k_sweep: &result.k_sweep,
        timings: &result.timings,
        peak_memory_kib: peak_memory_kib(),
    };
    write_atomic(
        &out.join("run.json"),
        &serde_json::to_vec_pretty(&run).expect("plain structs serialize"),
    )
}
