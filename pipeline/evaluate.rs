//! Evaluate: compare a run's passage themes with hand-written labels.
//!
//! Labels are a CSV with the columns `doc,start,label` (more columns are ignored), one
//! row per paragraph, keyed by document id and start byte. A label is a named theme,
//! `other`, or `boilerplate`, and any other label is refused (only warned about when no
//! `themes.json` says what the run's themes are). Discovered themes and `other` both count
//! as "not a named theme", since the labels cannot name themes nobody knew in advance. The
//! named themes scored are those the labels use and, when `themes.json` lies beside the
//! passages, every seeded theme the run gave a labelled paragraph: a motive that a set of
//! articles never argues still has its false alarms counted (F1 0), not read as `other`.
//! Labels per document (`doc,label`) may be any categories: they score the clusters only.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::themes::ThemeKind;

const OTHER: &str = "other";
const BOILERPLATE: &str = "boilerplate";

#[derive(Deserialize)]
struct LabelRow {
    doc: String,
    /// Absent in a file of labels per document.
    #[serde(default)]
    start: Option<usize>,
    label: String,
    /// The row's line in the file, for messages.
    #[serde(skip)]
    line: usize,
}

#[derive(Deserialize)]
struct PassageRow {
    doc: String,
    start: usize,
    theme: String,
    cluster: usize,
}

/// The part of `themes.json` evaluation reads.
#[derive(Deserialize)]
struct ThemesJson {
    themes: Vec<ThemeEntry>,
}

#[derive(Deserialize)]
struct ThemeEntry {
    name: String,
    kind: ThemeKind,
}

#[derive(Deserialize)]
struct DroppedRow {
    doc: String,
    start: usize,
    reason: String,
}

/// Precision, recall and F1 of one named theme.
#[derive(Debug, Clone, Serialize)]
pub struct ClassScore {
    /// Theme name.
    pub theme: String,
    /// Share of passages predicted as the theme that are labelled so.
    pub precision: f64,
    /// Share of passages labelled with the theme that are predicted so.
    pub recall: f64,
    /// Harmonic mean of the two.
    pub f1: f64,
    /// Passages labelled with the theme.
    pub support: usize,
}

/// The evaluation of a run against labels.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evaluation {
    /// Labelled content paragraphs compared.
    pub evaluated: usize,
    /// Labelled paragraphs skipped as repeats of another one, which is scored: duplicates
    /// and pull quotes.
    pub duplicates: usize,
    /// Content paragraphs (not labelled boilerplate) that the run dropped.
    pub content_dropped: usize,
    /// Labelled rows that match no passage and no dropped paragraph of the run (a label
    /// file for other documents, or offsets from another segmentation); for labels per
    /// document, rows that name no document of the passages.
    pub unmatched: usize,
    /// Paragraphs labelled boilerplate that the run gave a named theme.
    pub boilerplate_as_named: usize,
    /// Paragraphs labelled boilerplate that the run kept as passages.
    pub boilerplate_kept: usize,
    /// Per named theme.
    pub classes: Vec<ClassScore>,
    /// Mean F1 over the named themes.
    pub macro_f1: f64,
    /// Share of evaluated paragraphs whose predicted class (a named theme or other) is right.
    pub accuracy: f64,
    /// Class names of the confusion matrix: the named themes, then `other`.
    pub confusion_labels: Vec<String>,
    /// `confusion[label][predicted]`.
    pub confusion: Vec<Vec<usize>>,
    /// Passages whose k-means cluster was compared with a label (boilerplate aside).
    pub clustered: usize,
    /// Normalized mutual information of clusters and labels (arithmetic mean of the
    /// entropies, scikit-learn's default); `None` over fewer than 2 passages.
    pub nmi: Option<f64>,
    /// Adjusted Rand index of clusters and labels; `None` over fewer than 2 passages.
    pub ari: Option<f64>,
    /// What is doubtful in the labels but did not stop the evaluation (for stderr).
    pub warnings: Vec<String>,
}

/// The rows of a labels file, each with its line: an excerpt in quotes may span lines, so
/// a row's line is not its index plus 2.
fn read_labels(path: &Path) -> Result<Vec<LabelRow>> {
    let error = |line: usize, e: csv::Error| Error::Labels {
        path: path.to_path_buf(),
        line,
        message: e.to_string(),
    };
    // Spaces around the header and the other fields are trimmed, so `doc, start, label` is
    // read as meant; a document id is kept as written, as a file name may hold spaces.
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_path(path)
        .map_err(|e| error(1, e))?;
    let headers = reader.headers().map_err(|e| error(1, e))?.clone();
    let doc = headers.iter().position(|h| h == "doc");
    reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let line_of = |p: Option<&csv::Position>| p.map_or(i + 2, |p| p.line() as usize);
            let record = record.map_err(|e| error(line_of(e.position()), e))?;
            let line = line_of(record.position());
            let record: csv::StringRecord = (record.iter().enumerate())
                .map(|(i, field)| if Some(i) == doc { field } else { field.trim() })
                .collect();
            let row: LabelRow = record
                .deserialize(Some(&headers))
                .map_err(|e| error(line, e))?;
            Ok(LabelRow { line, ..row })
        })
        .collect()
}

fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Vec<T>> {
    let text = crate::fsio::read_text(path)?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| Error::Labels {
                path: path.to_path_buf(),
                line: i + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

/// Compares `passages.jsonl` (and `dropped.jsonl` beside it, when present) with labels:
/// per passage (`doc,start,label`: classification numbers and cluster agreement) or per
/// document (`doc,label`: cluster agreement of the documents' passages).
pub fn evaluate(labels_path: &Path, passages_path: &Path) -> Result<Evaluation> {
    let labels = read_labels(labels_path)?;
    if labels.is_empty() {
        return Err(Error::Labels {
            path: labels_path.to_path_buf(),
            line: 1,
            message: "no labels (expected a header doc,start,label or doc,label and rows)".into(),
        });
    }
    let passages: Vec<PassageRow> = read_jsonl(passages_path)?;
    let per_document = labels.iter().all(|l| l.start.is_none());
    if !per_document {
        if let Some(row) = labels.iter().find(|l| l.start.is_none()) {
            return Err(Error::Labels {
                path: labels_path.to_path_buf(),
                line: row.line,
                message: "no start offset, but other rows have one".into(),
            });
        }
    }
    // A paragraph (or document) labelled twice would be counted twice, once wrong.
    let mut first_row: HashMap<(&str, Option<usize>), &LabelRow> = HashMap::new();
    for row in &labels {
        if let Some(first) = first_row.insert((row.doc.as_str(), row.start), row) {
            let what = match row.start {
                Some(start) => format!("{} at byte {start}", row.doc),
                None => row.doc.clone(),
            };
            return Err(Error::Labels {
                path: labels_path.to_path_buf(),
                line: row.line,
                message: format!(
                    "{what} is labelled {:?} here and {:?} on line {}; give it one label",
                    row.label, first.label, first.line
                ),
            });
        }
    }
    // Scores over no paragraph would still read as a result (macro-F1 0.000): labels for
    // another run, or offsets of another segmentation, must not pass for one.
    let matches_nothing = || Error::LabelsMatchNothing {
        labels: labels_path.to_path_buf(),
        count: labels.len(),
        passages: passages_path.to_path_buf(),
    };
    if per_document {
        let report = evaluate_documents(&labels, &passages);
        if report.clustered == 0 {
            return Err(matches_nothing());
        }
        return Ok(report);
    }
    let dropped_path = passages_path.with_file_name("dropped.jsonl");
    let has_dropped = dropped_path.exists();
    let dropped: Vec<DroppedRow> = if has_dropped {
        read_jsonl(&dropped_path)?
    } else {
        Vec::new()
    };
    let predicted: HashMap<(&str, usize), (&str, usize)> = passages
        .iter()
        .map(|p| ((p.doc.as_str(), p.start), (p.theme.as_str(), p.cluster)))
        .collect();
    let dropped: HashMap<(&str, usize), &str> = dropped
        .iter()
        .map(|d| ((d.doc.as_str(), d.start), d.reason.as_str()))
        .collect();
    let themes_path = passages_path.with_file_name("themes.json");
    // `None` without themes.json: the run's themes are then unknown.
    let seeded: Option<Vec<String>> = if themes_path.exists() {
        let text = crate::fsio::read_text(&themes_path)?;
        let themes: ThemesJson = serde_json::from_str(&text).map_err(|e| Error::Labels {
            path: themes_path.clone(),
            line: e.line(),
            message: e.to_string(),
        })?;
        Some(
            themes
                .themes
                .into_iter()
                .filter(|t| t.kind == ThemeKind::Seeded)
                .map(|t| t.name)
                .collect(),
        )
    } else {
        None
    };
    let warnings = check_label_names(
        labels_path,
        &labels,
        &themes_path,
        seeded.as_deref(),
        &passages,
    )?;
    let seeded = seeded.unwrap_or_default();
    let mut named: BTreeSet<&str> = labels
        .iter()
        .map(|l| l.label.as_str())
        .filter(|l| *l != OTHER && *l != BOILERPLATE)
        .collect();
    named.extend(
        labels
            .iter()
            .filter(|l| l.label != BOILERPLATE)
            .filter_map(|l| predicted.get(&(l.doc.as_str(), l.start.unwrap_or_default())))
            .map(|p| p.0)
            .filter(|theme| seeded.iter().any(|s| s == theme)),
    );
    let mut classes: Vec<&str> = named.iter().copied().collect();
    classes.push(OTHER);
    let class_index: BTreeMap<&str, usize> =
        classes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let mut confusion = vec![vec![0usize; classes.len()]; classes.len()];
    let mut report = Evaluation {
        confusion_labels: classes.iter().map(|c| c.to_string()).collect(),
        warnings,
        ..Default::default()
    };
    let mut pairs: Vec<(&str, usize)> = Vec::new();
    for row in &labels {
        let key = (row.doc.as_str(), row.start.unwrap_or_default());
        let prediction = predicted.get(&key).map(|p| p.0);
        if let (Some(&(_, cluster)), true) = (predicted.get(&key), row.label != BOILERPLATE) {
            pairs.push((row.label.as_str(), cluster));
        }
        if row.label == BOILERPLATE {
            if let Some(theme) = prediction {
                report.boilerplate_kept += 1;
                if named.contains(theme) || seeded.iter().any(|s| s == theme) {
                    report.boilerplate_as_named += 1;
                }
            }
            continue;
        }
        let predicted_class = match (prediction, dropped.get(&key)) {
            (Some(theme), _) => class_index
                .get(theme)
                .copied()
                .unwrap_or(class_index[OTHER]),
            (None, Some(reason))
                if reason.starts_with("duplicate") || reason.starts_with("pull quote") =>
            {
                report.duplicates += 1;
                continue;
            }
            (None, Some(_)) => {
                report.content_dropped += 1;
                class_index[OTHER]
            }
            (None, None) => {
                report.unmatched += 1;
                continue;
            }
        };
        confusion[class_index[row.label.as_str()]][predicted_class] += 1;
        report.evaluated += 1;
    }
    if report.unmatched > 0 && !has_dropped {
        report.warnings.push(format!(
            "{} is missing: the {} that match{} no passage may be paragraphs the run dropped (boilerplate, duplicates), which cannot be told from offsets of another segmentation; copy dropped.jsonl beside the passages",
            dropped_path.display(),
            if report.unmatched == 1 { "labelled paragraph".to_string() } else { format!("{} labelled paragraphs", report.unmatched) },
            if report.unmatched == 1 { "es" } else { "" }
        ));
    }
    if report.evaluated == 0 {
        let matched = labels.iter().any(|l| {
            let key = (l.doc.as_str(), l.start.unwrap_or_default());
            predicted.contains_key(&key) || dropped.contains_key(&key)
        });
        return Err(if matched {
            Error::NoContentLabels {
                labels: labels_path.to_path_buf(),
                passages: passages_path.to_path_buf(),
            }
        } else {
            matches_nothing()
        });
    }
    for (i, theme) in named.iter().enumerate() {
        let tp = confusion[i][i] as f64;
        let predicted_total: usize = confusion.iter().map(|r| r[i]).sum();
        let support: usize = confusion[i].iter().sum();
        let precision = if predicted_total == 0 {
            0.0
        } else {
            tp / predicted_total as f64
        };
        let recall = if support == 0 {
            0.0
        } else {
            tp / support as f64
        };
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        report.classes.push(ClassScore {
            theme: theme.to_string(),
            precision,
            recall,
            f1,
            support,
        });
    }
    if !report.classes.is_empty() {
        report.macro_f1 =
            report.classes.iter().map(|c| c.f1).sum::<f64>() / report.classes.len() as f64;
    }
    let correct: usize = (0..classes.len()).map(|i| confusion[i][i]).sum();
    report.accuracy = if report.evaluated == 0 {
        0.0
    } else {
        correct as f64 / report.evaluated as f64
    };
    report.confusion = confusion;
    report.clustered = pairs.len();
    (report.nmi, report.ari) = agreement(&pairs).unzip();
    Ok(report)
}

/// Refuses a label that is no named (seeded) theme of the run, nor `other` or
/// `boilerplate`, naming its line. A typo ("Syrai") would otherwise be scored as a theme
/// of its own with F1 0, its paragraph a miss of the theme meant: macro-F1 falls by a
/// whole class and nothing says why. A demanding user would rather fix one line than
/// report that number, so this is an error, not a warning. Discovered themes are no
/// labels either: their names are one run's top terms, known to nobody in advance. A
/// labelled motive the run never gave is still in themes.json (with size 0), so it passes
/// and scores F1 0, as it must. Without themes.json (`seeded` is `None`) the run's themes
/// are unknown and a label no passage takes may be just such a motive: refusing it would
/// refuse good labels, so each such label gets a warning instead. (Labels per document
/// are not checked: they may be any categories.)
fn check_label_names(
    labels_path: &Path,
    labels: &[LabelRow],
    themes_path: &Path,
    seeded: Option<&[String]>,
    passages: &[PassageRow],
) -> Result<Vec<String>> {
    let given: HashSet<&str> = passages.iter().map(|p| p.theme.as_str()).collect();
    let mut warned: HashSet<&str> = HashSet::new();
    let mut warnings = Vec::new();
    for row in labels {
        let label = row.label.as_str();
        if label == OTHER || label == BOILERPLATE {
            continue;
        }
        match seeded {
            Some(seeded) if !seeded.iter().any(|s| s == label) => {
                return Err(Error::Labels {
                    path: labels_path.to_path_buf(),
                    line: row.line,
                    message: format!(
                        "label {label:?} is not a named theme of {} ({}), nor `other` or `boilerplate`",
                        themes_path.display(),
                        if seeded.is_empty() {
                            "it has none".to_string()
                        } else {
                            seeded.join(", ")
                        }
                    ),
                });
            }
            None if !given.contains(label) && warned.insert(label) => warnings.push(format!(
                "{}:{}: label {label:?} is the theme of no passage, and without {} the run's themes are unknown: it is scored as a theme the run never gave (F1 0); is it a typo?",
                labels_path.display(),
                row.line,
                themes_path.display()
            )),
            _ => {}
        }
    }
    Ok(warnings)
}

fn evaluate_documents(labels: &[LabelRow], passages: &[PassageRow]) -> Evaluation {
    let label_of: HashMap<&str, &str> = labels
        .iter()
        .map(|l| (l.doc.as_str(), l.label.as_str()))
        .collect();
    let pairs: Vec<(&str, usize)> = passages
        .iter()
        .filter_map(|p| label_of.get(p.doc.as_str()).map(|&l| (l, p.cluster)))
        .collect();
    let documents: HashSet<&str> = passages.iter().map(|p| p.doc.as_str()).collect();
    let (nmi, ari) = agreement(&pairs).unzip();
    Evaluation {
        unmatched: labels
            .iter()
            .filter(|l| !documents.contains(l.doc.as_str()))
            .count(),
        clustered: pairs.len(),
        nmi,
        ari,
        ..Default::default()
    }
}

/// (NMI, ARI) of labels against clusters, as scikit-learn's
/// `normalized_mutual_info_score` and `adjusted_rand_score` compute them; `None` for
/// fewer than 2 pairs, which any clustering agrees with (scikit-learn's 1.0 would read as
/// a perfect score).
fn agreement(pairs: &[(&str, usize)]) -> Option<(f64, f64)> {
    let n = pairs.len();
    if n < 2 {
        return None;
    }
    let mut table: BTreeMap<(&str, usize), f64> = BTreeMap::new();
    let mut rows: BTreeMap<&str, f64> = BTreeMap::new();
    let mut cols: BTreeMap<usize, f64> = BTreeMap::new();
    for &(label, cluster) in pairs {
        *table.entry((label, cluster)).or_default() += 1.0;
        *rows.entry(label).or_default() += 1.0;
        *cols.entry(cluster).or_default() += 1.0;
    }
    if rows.len() <= 1 && cols.len() <= 1 {
        return Some((1.0, 1.0));
    }
    let nf = n as f64;
    let comb2 = |x: f64| x * (x - 1.0) / 2.0;
    let sum_cells: f64 = table.values().map(|&v| comb2(v)).sum();
    let sum_rows: f64 = rows.values().map(|&v| comb2(v)).sum();
    let sum_cols: f64 = cols.values().map(|&v| comb2(v)).sum();
    let expected = sum_rows * sum_cols / comb2(nf);
    let max_index = (sum_rows + sum_cols) / 2.0;
    let ari = if max_index == expected {
        1.0
    } else {
        (sum_cells - expected) / (max_index - expected)
    };
    let entropy = |counts: Vec<f64>| -> f64 {
        counts
            .iter()
            .filter(|&&c| c > 0.0)
            .map(|&c| -(c / nf) * (c / nf).ln())
            .sum()
    };
    let mutual: f64 = table
        .iter()
        .map(|(&(label, cluster), &v)| (v / nf) * ((v * nf) / (rows[label] * cols[&cluster])).ln())
        .sum();
    let mean_entropy = (entropy(rows.values().copied().collect())
        + entropy(cols.values().copied().collect()))
        / 2.0;
    let nmi = if mean_entropy <= 0.0 {
        1.0
    } else {
        (mutual / mean_entropy).max(0.0)
    };
    Some((nmi, ari))
}

impl Evaluation {
    /// The report as a plain-text table.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = match (self.nmi, self.ari) {
            (Some(nmi), Some(ari)) => writeln!(
                s,
                "clusters against labels over {} passages: NMI {nmi:.3}, ARI {ari:.3}",
                self.clustered
            ),
            _ => writeln!(
                s,
                "clusters against labels over {} passage{}: no NMI or ARI (they need 2 passages or more)",
                self.clustered,
                if self.clustered == 1 { "" } else { "s" }
            ),
        };
        if self.unmatched > 0 {
            let _ = writeln!(
                s,
                "warning: {} labelled rows match no paragraph of the run (other documents, or other offsets)",
                self.unmatched
            );
        }
        // Labels per document give cluster agreement only.
        if self.classes.is_empty() && self.evaluated == 0 {
            return s;
        }
        let _ = writeln!(
            s,
            "evaluated {} labelled paragraphs ({} duplicates or pull quotes skipped, {} content paragraphs dropped by the run)",
            self.evaluated, self.duplicates, self.content_dropped
        );
        let _ = writeln!(
            s,
            "{:<24} {:>9} {:>7} {:>6} {:>8}",
            "theme", "precision", "recall", "f1", "support"
        );
        for c in &self.classes {
            let _ = writeln!(
                s,
                "{:<24} {:>9.3} {:>7.3} {:>6.3} {:>8}",
                c.theme, c.precision, c.recall, c.f1, c.support
            );
        }
        let _ = writeln!(s, "macro-F1 (named themes): {:.3}", self.macro_f1);
        let _ = writeln!(s, "accuracy (named themes + other): {:.3}", self.accuracy);
        let _ = writeln!(
            s,
            "boilerplate kept as passages: {}; boilerplate given a named theme: {}",
            self.boilerplate_kept, self.boilerplate_as_named
        );
        let _ = writeln!(s, "confusion matrix (rows: label, columns: predicted):");
        let width = self
            .confusion_labels
            .iter()
            .map(|l| l.len())
            .max()
            .unwrap_or(5)
            .max(5);
        let _ = write!(s, "{:<width$}", "");
        for l in &self.confusion_labels {
            let _ = write!(s, " {:>w$}", l, w = l.len().max(5));
        }
        let _ = writeln!(s);
        for (l, row) in self.confusion_labels.iter().zip(&self.confusion) {
            let _ = write!(s, "{:<width$}", l);
            for (c, v) in self.confusion_labels.iter().zip(row) {
                let _ = write!(s, " {:>w$}", v, w = c.len().max(5));
            }
            let _ = writeln!(s);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// `labels.csv` and a `passages.jsonl` of document "a" with `(start, theme)` rows,
    /// in `dir`.
    fn write_run(dir: &Path, labels: &str, passages: &[(usize, &str)]) -> (PathBuf, PathBuf) {
        let (labels_path, passages_path) = (dir.join("labels.csv"), dir.join("passages.jsonl"));
        std::fs::write(&labels_path, labels).unwrap();
        let lines: String = passages
            .iter()
            .map(|(start, theme)| {
                format!("{{\"doc\":\"a\",\"start\":{start},\"theme\":\"{theme}\",\"cluster\":0}}\n")
            })
            .collect();
        std::fs::write(&passages_path, lines).unwrap();
        (labels_path, passages_path)
    }

    /// `themes.json` beside `passages` with the seeded themes A, B and C and the
    /// discovered "x, y".
    fn write_themes(passages: &Path) {
        let kind = |name: &str, kind: &str| format!("{{\"name\":\"{name}\",\"kind\":\"{kind}\"}}");
        std::fs::write(
            passages.with_file_name("themes.json"),
            format!(
                "{{\"themes\":[{},{},{},{}]}}",
                kind("A", "seeded"),
                kind("B", "seeded"),
                kind("C", "seeded"),
                kind("x, y", "discovered")
            ),
        )
        .unwrap();
    }

    #[test]
    fn scores_a_small_run_computed_by_hand() {
        let dir = tempfile::tempdir().unwrap();
        let (labels, passages) = write_run(
            dir.path(),
            "doc,start,end,label\na,0,5,A\na,6,9,A\na,10,12,B\na,13,15,other\na,16,18,boilerplate\n",
            &[(0, "A"), (6, "B"), (10, "B"), (13, "x, y, z"), (16, "A")],
        );
        let r = evaluate(&labels, &passages).unwrap();
        // A: tp 1, fp 0 -> p 1, r 0.5, f1 2/3. B: tp 1, fp 1 -> p 0.5, r 1, f1 2/3.
        assert!((r.macro_f1 - 2.0 / 3.0).abs() < 1e-12, "{r:?}");
        assert!((r.accuracy - 0.75).abs() < 1e-12);
        assert_eq!(r.boilerplate_as_named, 1);
        assert_eq!(
            r.confusion,
            vec![vec![1, 1, 0], vec![0, 1, 0], vec![0, 0, 1]]
        );
    }

    #[test]
    fn a_seeded_theme_no_paragraph_is_labelled_with_still_counts_its_false_alarms() {
        let dir = tempfile::tempdir().unwrap();
        // B is a seeded theme nobody labelled; "x, y" a discovered one; C seeded, unused.
        let (labels, passages) = write_run(
            dir.path(),
            "doc,start,label\na,0,A\na,5,other\na,9,other\na,12,other\na,20,boilerplate\n",
            &[(0, "A"), (5, "B"), (9, "x, y"), (12, "other"), (20, "B")],
        );
        // Without themes.json, B's false alarm reads as `other`, which is right.
        let r = evaluate(&labels, &passages).unwrap();
        assert_eq!(r.classes.len(), 1);
        assert_eq!((r.macro_f1, r.accuracy), (1.0, 1.0));
        assert_eq!(r.boilerplate_as_named, 0);
        write_themes(&passages);
        let r = evaluate(&labels, &passages).unwrap();
        let names: Vec<&str> = r.classes.iter().map(|c| c.theme.as_str()).collect();
        assert_eq!(
            names,
            ["A", "B"],
            "C was never predicted, x, y is discovered"
        );
        assert_eq!((r.classes[1].support, r.classes[1].f1), (0, 0.0));
        assert_eq!(r.macro_f1, 0.5);
        assert_eq!(r.accuracy, 0.75);
        assert_eq!(r.boilerplate_as_named, 1, "boilerplate given the seeded B");
        std::fs::write(dir.path().join("themes.json"), "{\"themes\": [").unwrap();
        let err = evaluate(&labels, &passages).unwrap_err().to_string();
        assert!(err.contains("themes.json"), "{err}");
    }

    /// Expected values from scikit-learn:
    /// `adjusted_rand_score(a, b)`, `normalized_mutual_info_score(a, b)` with
    /// a = [0,0,0,1,1,1,2,2], b = [0,0,1,1,1,2,2,2] and a = list("xxyyz"), b = [1,1,1,0,0].
    #[test]
    fn nmi_and_ari_match_scikit_learn() {
        let pairs: Vec<(&str, usize)> = ["0", "0", "0", "1", "1", "1", "2", "2"]
            .into_iter()
            .zip([0, 0, 1, 1, 1, 2, 2, 2])
            .collect();
        let (nmi, ari) = agreement(&pairs).unwrap();
        assert!((ari - 0.23809523809523808).abs() < 1e-12, "{ari}");
        assert!((nmi - 0.5588730382170324).abs() < 1e-12, "{nmi}");
        let pairs: Vec<(&str, usize)> = ["x", "x", "y", "y", "z"]
            .into_iter()
            .zip([1, 1, 1, 0, 0])
            .collect();
        let (nmi, ari) = agreement(&pairs).unwrap();
        assert!((ari - 0.09090909090909091).abs() < 1e-12, "{ari}");
        assert!((nmi - 0.4580652856440157).abs() < 1e-12, "{nmi}");
    }

    #[test]
    fn labels_per_document_score_the_clusters_of_their_passages() {
        let dir = tempfile::tempdir().unwrap();
        let labels = dir.path().join("labels.csv");
        std::fs::write(&labels, "doc,label\na,sport\nb,sport\nc,politics\n").unwrap();
        let passages = dir.path().join("passages.jsonl");
        let line = |doc: &str, cluster: usize| {
            format!("{{\"doc\":\"{doc}\",\"start\":0,\"theme\":\"t\",\"cluster\":{cluster}}}\n")
        };
        std::fs::write(
            &passages,
            [line("a", 0), line("b", 0), line("c", 1), line("c", 1)].concat(),
        )
        .unwrap();
        let r = evaluate(&labels, &passages).unwrap();
        assert_eq!((r.clustered, r.nmi, r.ari), (4, Some(1.0), Some(1.0)));
        assert!(r.classes.is_empty());
        std::fs::write(
            &passages,
            [line("a", 0), line("b", 1), line("c", 0), line("c", 1)].concat(),
        )
        .unwrap();
        let r = evaluate(&labels, &passages).unwrap();
        assert!(r.nmi.unwrap() < 0.01 && r.ari.unwrap() < 0.0, "{r:?}");
    }

    #[test]
    fn repeats_are_skipped_and_other_drops_of_content_count_as_other() {
        let dir = tempfile::tempdir().unwrap();
        let (labels, passages) = write_run(
            dir.path(),
            "doc,start,end,label\na,0,5,A\na,6,9,A\na,10,12,A\na,13,15,A\n",
            &[(0, "A")],
        );
        let dropped = [
            (6, "duplicate of the paragraph at byte 0"),
            (10, "pull quote of the paragraph at byte 0"),
            (13, "navigation"),
        ]
        .map(|(start, reason)| {
            format!("{{\"doc\":\"a\",\"start\":{start},\"reason\":\"{reason}\"}}\n")
        });
        std::fs::write(dir.path().join("dropped.jsonl"), dropped.concat()).unwrap();
        let r = evaluate(&labels, &passages).unwrap();
        assert_eq!((r.evaluated, r.duplicates, r.content_dropped), (2, 2, 1));
        // A: tp 1, fn 1 (the navigation drop read as `other`).
        assert!((r.macro_f1 - 2.0 / 3.0).abs() < 1e-12, "{r:?}");
    }

    /// Regression: a header spaced as `doc, start, label` gave "missing field label".
    #[test]
    fn spaces_around_fields_are_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let (labels, passages) = write_run(
            dir.path(),
            "doc, start, label\na, 0, A\n\" a\",0,A\n",
            &[(0, "A")],
        );
        let r = evaluate(&labels, &passages).unwrap();
        // A document id is kept as written: " a" is another file than "a".
        assert_eq!((r.evaluated, r.unmatched, r.macro_f1), (1, 1, 1.0));
    }

    #[test]
    fn labels_matching_nothing_are_counted_apart_and_an_empty_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let labels = dir.path().join("labels.csv");
        std::fs::write(&labels, "doc,start,label\na,0,A\nnosuch.txt,0,A\n").unwrap();
        let passages = dir.path().join("passages.jsonl");
        std::fs::write(
            &passages,
            "{\"doc\":\"a\",\"start\":0,\"theme\":\"A\",\"cluster\":0}\n",
        )
        .unwrap();
        let r = evaluate(&labels, &passages).unwrap();
        assert_eq!((r.evaluated, r.unmatched, r.content_dropped), (1, 1, 0));
        assert!(r.to_text().contains("match no paragraph"));
        // Without dropped.jsonl, an unmatched label may be a dropped paragraph: said.
        let missing = |r: &Evaluation| {
            r.warnings
                .iter()
                .any(|w| w.contains("dropped.jsonl is missing"))
        };
        assert!(missing(&r), "{:?}", r.warnings);
        std::fs::write(dir.path().join("dropped.jsonl"), "").unwrap();
        assert!(!missing(&evaluate(&labels, &passages).unwrap()));
        std::fs::write(&labels, "doc,start,label\n").unwrap();
        let err = evaluate(&labels, &passages).unwrap_err().to_string();
        assert!(err.contains("no labels"), "{err}");
    }

    /// Regression: labels that matched nothing gave "evaluated 0", macro-F1 0 and
    /// NMI = ARI = 1, with exit code 0.
    #[test]
    fn labels_that_match_no_paragraph_of_the_run_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        // Another document, and an offset inside a paragraph rather than at its start.
        let (labels, passages) = write_run(
            dir.path(),
            "doc,start,label\nnosuch.txt,0,A\na,3,A\n",
            &[(0, "A")],
        );
        let refused = |labels: &Path, passages: &Path| {
            let err = evaluate(labels, passages).unwrap_err().to_string();
            assert!(
                err.contains(&labels.display().to_string())
                    && err.contains(&passages.display().to_string())
                    && err.contains("none of its 2 labels matches a passage"),
                "{err}"
            );
        };
        refused(&labels, &passages);
        std::fs::write(&passages, "").unwrap();
        std::fs::write(&labels, "doc,start,label\na,0,A\na,3,other\n").unwrap();
        refused(&labels, &passages);
        std::fs::write(
            &passages,
            "{\"doc\":\"a\",\"start\":0,\"theme\":\"A\",\"cluster\":0}\n",
        )
        .unwrap();
        std::fs::write(&labels, "doc,label\nnosuch.txt,sport\nother.txt,politics\n").unwrap();
        refused(&labels, &passages);
    }

    #[test]
    fn labels_that_match_only_boilerplate_and_repeats_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (labels, passages) = write_run(
            dir.path(),
            "doc,start,label\na,0,boilerplate\na,6,A\n",
            &[(0, "A")],
        );
        std::fs::write(
            dir.path().join("dropped.jsonl"),
            "{\"doc\":\"a\",\"start\":6,\"reason\":\"duplicate of the paragraph at byte 0\"}\n",
        )
        .unwrap();
        let err = evaluate(&labels, &passages).unwrap_err().to_string();
        assert!(
            err.contains("labels.csv") && err.contains("no content paragraph"),
            "{err}"
        );
    }

    #[test]
    fn nmi_and_ari_over_fewer_than_two_passages_are_not_given() {
        let dir = tempfile::tempdir().unwrap();
        let (labels, passages) = write_run(dir.path(), "doc,start,label\na,0,A\n", &[(0, "A")]);
        let r = evaluate(&labels, &passages).unwrap();
        assert_eq!((r.evaluated, r.clustered), (1, 1));
        assert_eq!((r.nmi, r.ari), (None, None));
        let text = r.to_text();
        assert!(!text.contains("NMI 1.000"), "{text}");
        assert!(text.contains("need 2"), "{text}");
        std::fs::write(&labels, "doc,label\na,sport\n").unwrap();
        let r = evaluate(&labels, &passages).unwrap();
        assert_eq!((r.clustered, r.nmi, r.ari), (1, None, None));
    }

    /// Regression: labels per document for unknown documents were not reported at all.
    #[test]
    fn labels_per_document_naming_no_document_of_the_run_are_warned_about() {
        let dir = tempfile::tempdir().unwrap();
        let (labels, passages) = write_run(
            dir.path(),
            "doc,label\na,sport\nnosuch.txt,sport\n",
            &[(0, "A"), (5, "A")],
        );
        let r = evaluate(&labels, &passages).unwrap();
        assert_eq!((r.clustered, r.unmatched), (2, 1));
        assert!(r.to_text().contains("1 labelled rows match no paragraph"));
    }

    /// Regression: a typo ("Syrai") became a theme of its own, with F1 0.
    #[test]
    fn a_label_that_names_no_theme_of_the_run_is_refused_naming_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let (labels, passages) = write_run(
            dir.path(),
            "doc,start,label\na,0,A\na,5,Syrai\na,9,other\n",
            &[(0, "A"), (5, "B"), (9, "other")],
        );
        write_themes(&passages);
        let err = evaluate(&labels, &passages).unwrap_err().to_string();
        assert!(
            err.contains("labels.csv:3:")
                && err.contains("(A, B, C)")
                && err.contains("\"Syrai\"")
                && err.contains("themes.json"),
            "{err}"
        );
        // A discovered theme's name is one run's top terms: no label either.
        std::fs::write(&labels, "doc,start,label\na,0,A\na,5,\"x, y\"\n").unwrap();
        let err = evaluate(&labels, &passages).unwrap_err().to_string();
        assert!(
            err.contains("labels.csv:3:") && err.contains("\"x, y\""),
            "{err}"
        );
    }

    #[test]
    fn a_labelled_theme_the_run_never_gave_is_scored_with_f1_0() {
        let dir = tempfile::tempdir().unwrap();
        // C is seeded, but no passage takes it.
        let (labels, passages) = write_run(
            dir.path(),
            "doc,start,label\na,0,A\na,5,C\n",
            &[(0, "A"), (5, "other")],
        );
        write_themes(&passages);
        let r = evaluate(&labels, &passages).unwrap();
        let c = r.classes.iter().find(|c| c.theme == "C").expect("C scored");
        assert_eq!((c.support, c.f1), (1, 0.0));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }

    #[test]
    fn without_themes_json_a_label_no_passage_takes_is_only_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let (labels, passages) = write_run(
            dir.path(),
            "doc,start,label\na,0,A\na,5,Syrai\na,9,Syrai\na,12,B\n",
            &[(0, "A"), (5, "B"), (9, "B"), (12, "B")],
        );
        let r = evaluate(&labels, &passages).unwrap();
        assert_eq!(
            r.warnings.len(),
            1,
            "one per label, not per row: {:?}",
            r.warnings
        );
        let w = &r.warnings[0];
        assert!(
            w.contains("labels.csv:3:") && w.contains("\"Syrai\"") && w.contains("themes.json"),
            "{w}"
        );
        assert!(r.classes.iter().any(|c| c.theme == "Syrai" && c.f1 == 0.0));
    }

    /// Regression: both labels of a paragraph were counted, as if it were two paragraphs.
    #[test]
    fn a_paragraph_labelled_twice_is_refused_naming_both_lines() {
        let dir = tempfile::tempdir().unwrap();
        // The first row's excerpt spans lines 2 and 3, so the second row is on line 4.
        let (labels, passages) = write_run(
            dir.path(),
            "doc,start,label,excerpt\na,0,Syria,\"two\nlines\"\na,0,Chechnya,x\n",
            &[(0, "Syria")],
        );
        let err = evaluate(&labels, &passages).unwrap_err().to_string();
        assert!(err.contains("labels.csv:4:"), "{err}");
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("Syria") && err.contains("Chechnya"), "{err}");
        std::fs::write(&labels, "doc,label\na,sport\nb,sport\na,politics\n").unwrap();
        let err = evaluate(&labels, &passages).unwrap_err().to_string();
        assert!(
            err.contains("labels.csv:4:") && err.contains("line 2"),
            "{err}"
        );
    }

    #[test]
    fn a_malformed_label_row_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let labels = dir.path().join("labels.csv");
        std::fs::write(&labels, "doc,start,label\na,0,A\na,notanumber,B\n").unwrap();
        let passages = dir.path().join("passages.jsonl");
        std::fs::write(&passages, "").unwrap();
        let err = evaluate(&labels, &passages).unwrap_err().to_string();
        assert!(err.contains("labels.csv:3"), "{err}");
    }
}
