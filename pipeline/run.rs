//! Run: the stages in order, documents -> passages -> terms -> TF-IDF -> reduced vectors
//! -> clusters -> themes, for fitting a model (`thematic run`) or applying one
//! (`thematic classify`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use ndarray::Array2;
use rayon::prelude::*;
use serde::Serialize;

use crate::analyze::{AnalyzedCorpus, Analyzer, AnalyzerSettings};
use crate::cluster::{ClusterSettings, KScore};
use crate::error::{Error, Result};
use crate::evidence::{split_extra, EvidencePhrases, EvidenceTerms, Phrase};
use crate::ingest::{Corpus, SourceMap};
use crate::model::{Assignment, ThemeModel, FORMAT_VERSION};
use crate::reduce::{cosine, principal_plane, ReductionSettings, MIN_ROWS_PER_TASK};
use crate::segment::{segment, Boilerplate, Dropped, Passage, Unit};
use crate::tfidf::{FittedTfIdf, SparseRow, TfIdfSettings};
use crate::themes::{class_tfidf, TermWeight, Theme, ThemeKind, ThemeSettings, ThemesFile};

/// Every setting of a fit.
#[derive(Debug, Clone, Serialize)]
pub struct RunSettings {
    /// Seed of every random choice.
    pub seed: u64,
    /// Paragraphs or whole documents.
    pub unit: Unit,
    /// Analyzer (its aliases are filled from the themes file).
    pub analyzer: AnalyzerSettings,
    /// TF-IDF pruning and weighting.
    pub tfidf: TfIdfSettings,
    /// LSA dimension.
    pub reduction: ReductionSettings,
    /// k-means.
    pub cluster: ClusterSettings,
    /// Assignment thresholds.
    pub themes: ThemeSettings,
    /// Choose k by silhouette over the sweep (`--k auto`) instead of `cluster.k`.
    pub auto_k: bool,
}

impl Default for RunSettings {
    /// Seed 42, paragraphs, and each part's defaults.
    fn default() -> Self {
        Self {
            seed: 42,
            unit: Unit::Passage,
            analyzer: AnalyzerSettings::default(),
            tfidf: TfIdfSettings::default(),
            reduction: ReductionSettings::default(),
            cluster: ClusterSettings::default(),
            themes: ThemeSettings::default(),
            auto_k: false,
        }
    }
}

impl RunSettings {
    /// Checks every setting that can be checked without the data, so that a bad one stops
    /// a run before any work; errors name the setting as the command line spells it.
    /// (`k` is checked against the number of passages as soon as that is known.)
    pub fn validate(&self) -> Result<()> {
        self.analyzer.validate()?;
        self.themes.validate()?;
        self.tfidf.validate()?;
        self.reduction.validate()?;
        self.cluster.validate()
    }
}

/// One stage's wall time.
#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    /// Stage name.
    pub stage: &'static str,
    /// Milliseconds.
    pub ms: f64,
}

/// A sentence cited as the evidence for a passage's named theme, as `passages.jsonl` and
/// `themes.json` give it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    /// Byte offset of the sentence in its file.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// The sentence.
    pub text: String,
}

impl Citation {
    /// The citation of the byte range `s..e` of passage `p`'s text; `sources` are the
    /// corpus's source maps.
    pub fn of(p: &Passage, (s, e): (usize, usize), sources: &[SourceMap]) -> Self {
        let file = sources[p.doc].file_range(p.source_range(s..e));
        Self {
            start: file.start,
            end: file.end,
            text: p.text[s..e].to_string(),
        }
    }
}

/// An exemplar passage of a theme.
#[derive(Debug, Clone, Serialize)]
pub struct Exemplar {
    /// Document id.
    pub doc: String,
    /// Byte offset of the passage in its file.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// Confidence of the assignment.
    pub confidence: f64,
    /// The passage.
    pub text: String,
    /// For a named theme, the sentence that gave it.
    pub evidence: Option<Citation>,
    /// The same sentence as a byte range of `text` (for highlighting it).
    #[serde(skip)]
    pub evidence_in_text: Option<(usize, usize)>,
}

/// Everything a fit or classification produced; outputs and charts only read it.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Document ids, in corpus order.
    pub doc_ids: Vec<String>,
    /// Per document, how offsets in its decoded text map to offsets in its file; outputs
    /// give file offsets.
    pub sources: Vec<SourceMap>,
    /// Kept passages.
    pub passages: Vec<Passage>,
    /// Dropped paragraphs.
    pub dropped: Vec<Dropped>,
    /// One per passage.
    pub assignments: Vec<Assignment>,
    /// Top terms of each passage's TF-IDF row, heaviest first, as vocabulary columns
    /// (`model.display` names them).
    pub passage_terms: Vec<Vec<u32>>,
    /// Up to three exemplars per theme, most confident first.
    pub exemplars: Vec<Vec<Exemplar>>,
    /// The model fitted or applied.
    /// (Shared, not copied: a model is megabytes, and classifying one article must not
    /// copy it.)
    pub model: Arc<ThemeModel>,
    /// Wall time per stage.
    pub timings: Vec<Timing>,
    /// Things the user should know that did not stop the run.
    pub warnings: Vec<String>,
    /// Each passage's place on the plane of the reduced vectors' two main directions.
    pub map: Vec<[f64; 2]>,
    /// Coherence and diversity of the themes' top terms (fits only).
    pub quality: Option<ThemeQuality>,
    /// Silhouette and inertia for each k of the sweep (fits only).
    pub k_sweep: Vec<KScore>,
}

/// The largest k the sweep tries (more themes than a reader can hold apart).
const MAX_SWEEP_K: usize = 12;

/// How much a theme's top terms belong together, and how distinct the themes are.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeQuality {
    /// Per theme, the mean NPMI of its top terms' pairs over the passages, in [-1, 1]
    /// (`None` for a theme with fewer than two top terms).
    pub npmi: Vec<Option<f64>>,
    /// Share of distinct terms among all themes' top terms, in (0, 1].
    pub diversity: f64,
}

/// NPMI coherence (Bouma 2009; as topic-model papers use it, with passages as the
/// co-occurrence window) of each theme's top terms, and topic diversity.
fn theme_quality(top: &[Vec<(u32, f64)>], passages: &[Vec<u32>]) -> ThemeQuality {
    let mut slot: BTreeMap<u32, usize> = BTreeMap::new();
    for &(c, _) in top.iter().flatten() {
        let next = slot.len();
        slot.entry(c).or_insert(next);
    }
    // Which passages hold each top term (as sorted passage indices).
    let mut holders: Vec<Vec<u32>> = vec![Vec::new(); slot.len()];
    for (i, terms) in passages.iter().enumerate() {
        let mut seen: Vec<usize> = terms.iter().filter_map(|c| slot.get(c).copied()).collect();
        seen.sort_unstable();
        seen.dedup();
        for s in seen {
            holders[s].push(i as u32);
        }
    }
    let n = passages.len().max(1) as f64;
    let both = |a: &[u32], b: &[u32]| {
        let (mut i, mut j, mut count) = (0, 0, 0usize);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    count += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        count as f64
    };
    let npmi = top
        .iter()
        .map(|terms| {
            let mut scores = Vec::new();
            for (x, &(a, _)) in terms.iter().enumerate() {
                for &(b, _) in &terms[x + 1..] {
                    let (ha, hb) = (&holders[slot[&a]], &holders[slot[&b]]);
                    let joint = both(ha, hb) / n;
                    scores.push(if joint == 0.0 {
                        -1.0
                    } else if joint == 1.0 {
                        1.0
                    } else {
                        (joint / (ha.len() as f64 / n * hb.len() as f64 / n)).ln() / -joint.ln()
                    });
                }
            }
            (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
        })
        .collect();
    let total = top.iter().map(Vec::len).sum::<usize>().max(1);
    ThemeQuality {
        npmi,
        diversity: slot.len() as f64 / total as f64,
    }
}

impl RunResult {
    /// Gathers a fit's or classification's parts, adding the per-passage top terms and the
    /// exemplars that outputs and charts read.
    fn new(
        corpus: &Corpus,
        passages: Vec<Passage>,
        dropped: Vec<Dropped>,
        rows: &[SparseRow],
        assignments: Vec<Assignment>,
        model: Arc<ThemeModel>,
        timings: Vec<Timing>,
    ) -> Self {
        let doc_ids: Vec<String> = corpus.documents.iter().map(|d| d.id.clone()).collect();
        let sources: Vec<SourceMap> = corpus.documents.iter().map(SourceMap::of).collect();
        Self {
            passage_terms: rows.iter().map(|r| row_terms(r, 5)).collect(),
            exemplars: exemplars(
                &passages,
                &doc_ids,
                &sources,
                &assignments,
                model.themes.len(),
            ),
            doc_ids,
            sources,
            passages,
            dropped,
            assignments,
            model,
            timings,
            warnings: Vec::new(),
            map: Vec::new(),
            quality: None,
            k_sweep: Vec::new(),
        }
    }
}

/// Told when each stage of a run starts and ends; the command line draws progress bars
/// with it. Every method does nothing by default.
pub trait Progress {
    /// A stage starts.
    fn start(&self, _stage: &'static str) {}
    /// A stage ended after `ms` milliseconds.
    fn finish(&self, _stage: &'static str, _ms: f64) {}
}

/// A [`Progress`] that reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// Times the stages and tells `progress` about them.
struct Clock<'a> {
    progress: &'a dyn Progress,
    current: Option<(&'static str, Instant)>,
    timings: Vec<Timing>,
}

impl<'a> Clock<'a> {
    fn new(progress: &'a dyn Progress) -> Self {
        Self {
            progress,
            current: None,
            timings: Vec::new(),
        }
    }

    /// Ends the current stage, if any, and starts `stage`.
    fn begin(&mut self, stage: &'static str) {
        self.end();
        self.progress.start(stage);
        self.current = Some((stage, Instant::now()));
    }

    fn end(&mut self) {
        if let Some((stage, started)) = self.current.take() {
            let ms = started.elapsed().as_secs_f64() * 1e3;
            self.progress.finish(stage, ms);
            self.timings.push(Timing { stage, ms });
        }
    }

    fn timings(mut self) -> Vec<Timing> {
        self.end();
        self.timings
    }
}

/// The display terms of a TF-IDF row, heaviest first.
fn row_terms(row: &SparseRow, top: usize) -> Vec<u32> {
    let mut pairs: Vec<(u32, f64)> = row
        .indices
        .iter()
        .copied()
        .zip(row.values.iter().copied())
        .collect();
    pairs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    pairs.into_iter().take(top).map(|(i, _)| i).collect()
}

fn exemplars(
    result_passages: &[Passage],
    doc_ids: &[String],
    sources: &[SourceMap],
    assignments: &[Assignment],
    n_themes: usize,
) -> Vec<Vec<Exemplar>> {
    (0..n_themes)
        .map(|t| {
            let mut members: Vec<usize> = (0..assignments.len())
                .filter(|&i| assignments[i].theme == Some(t))
                .collect();
            members.sort_by(|&a, &b| {
                assignments[b]
                    .confidence
                    .total_cmp(&assignments[a].confidence)
                    .then(a.cmp(&b))
            });
            members
                .into_iter()
                .take(3)
                .map(|i| {
                    let p = &result_passages[i];
                    let span = sources[p.doc].file_range(p.start..p.end);
                    let evidence = assignments[i].evidence;
                    Exemplar {
                        evidence_in_text: evidence,
                        evidence: evidence.map(|range| Citation::of(p, range, sources)),
                        doc: doc_ids[p.doc].clone(),
                        start: span.start,
                        end: span.end,
                        confidence: assignments[i].confidence,
                        text: p.text.clone(),
                    }
                })
                .collect()
        })
        .collect()
}

/// Warnings for the themes file's entries that match other words of the corpus through
/// their stem ("busy" matches "business"): the analyst may want another term.
fn stem_collisions(
    themes: &ThemesFile,
    analyzer: &mut Analyzer,
    analyzed: &AnalyzedCorpus,
) -> Vec<String> {
    let entries: Vec<&str> = themes.analyzed_entries().map(String::as_str).collect();
    analyzer
        .stem_collisions(&entries, analyzed)
        .into_iter()
        .map(|c| {
            let shown: Vec<String> = c
                .others
                .iter()
                .take(3)
                .map(|(word, count)| format!("{word:?} ({count}x)"))
                .collect();
            let more = if c.others.len() > 3 { ", ..." } else { "" };
            format!(
                "themes file entry {:?} also matches {}{more} in the corpus, through the stem {:?}",
                c.entry,
                shown.join(", "),
                c.stem
            )
        })
        .collect()
}

/// A fit's passages (as the analyzed corpus's term ids) as vocabulary columns and TF-IDF
/// rows; `columns` maps a term id to its column (`None`: pruned, dropped). A classification
/// gets its columns from [`Analyzer::analyze_columns`]: both tokenize the same way and
/// weigh with `transform_columns`, so a model gives its training passages the same rows.
fn features(
    passages: Vec<Vec<u32>>,
    columns: &[Option<u32>],
    tfidf: &FittedTfIdf,
) -> (Vec<Vec<u32>>, Vec<SparseRow>, Vec<Vec<u32>>) {
    let (term_columns, extras): (Vec<Vec<u32>>, Vec<Vec<u32>>) = passages
        .into_par_iter()
        .map(|ids| {
            let columns = ids.into_iter().filter_map(|id| columns[id as usize]);
            split_extra(columns.collect(), tfidf.vocabulary.len())
        })
        .unzip();
    let rows = term_columns
        .par_iter()
        .map(|c| tfidf.transform_columns(c.clone()))
        .collect();
    (term_columns, rows, extras)
}

/// Fits a model on a corpus and assigns its passages.
pub fn fit(
    corpus: &Corpus,
    themes: &ThemesFile,
    boilerplate: &Boilerplate,
    settings: &RunSettings,
) -> Result<RunResult> {
    fit_with_progress(corpus, themes, boilerplate, settings, &Silent)
}

/// [`fit`], telling `progress` as each stage starts and ends.
pub fn fit_with_progress(
    corpus: &Corpus,
    themes: &ThemesFile,
    boilerplate: &Boilerplate,
    settings: &RunSettings,
    progress: &dyn Progress,
) -> Result<RunResult> {
    settings.validate()?;
    let mut clock = Clock::new(progress);
    clock.begin("segment");
    let (passages, dropped) = segment(&corpus.documents, boilerplate, settings.unit);
    if passages.is_empty() {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &dropped {
            *counts.entry(d.reason.as_str()).or_default() += 1;
        }
        // The most frequent reason (ties: the first alphabetically), which names the rule
        // at fault.
        let (reason, times) = (counts.into_iter())
            .max_by_key(|&(reason, n)| (n, std::cmp::Reverse(reason)))
            .unwrap_or_default();
        return Err(Error::AllDropped {
            documents: corpus.documents.len(),
            dropped: dropped.len(),
            reason: reason.to_string(),
            times,
        });
    }
    // Checked now rather than after the reduction, minutes into a large run, and in the
    // unit the user chose ("2 documents" under `--unit document`). With `auto_k` the sweep
    // picks k, so only the passages' count against the named themes is checked.
    let mut check = settings.cluster.clone();
    if settings.auto_k {
        check.k = None;
    }
    check.resolve_k(passages.len(), themes.themes.len(), settings.unit.noun())?;
    clock.begin("analyze");

    let mut analyzer_settings = settings.analyzer.clone();
    analyzer_settings.aliases = themes.all_aliases();
    let mut analyzer = Analyzer::new(analyzer_settings)?;
    let texts: Vec<&str> = passages.iter().map(Passage::content).collect();
    let analyzed = analyzer.analyze_corpus(&texts);
    clock.begin("tfidf");

    let (tfidf, mut columns) = settings
        .tfidf
        .fit_ids(&analyzed.terms, &analyzed.passages)?;
    let display: Vec<String> = analyzed
        .display
        .iter()
        .zip(&columns)
        .filter_map(|(d, c)| c.map(|_| d.clone()))
        .collect();
    let seed_terms: Vec<&[String]> = themes.themes.iter().map(|t| &t.seed_terms[..]).collect();
    let implies_focus: Vec<bool> = themes.themes.iter().map(|t| t.implies_focus).collect();
    let evidence_terms = EvidenceTerms::new(
        EvidencePhrases {
            focus: &themes.focus,
            exclude: &themes.exclude,
            others: &themes.other_reasons,
            seeds: &seed_terms,
            implies_focus: &implies_focus,
            stress: &themes.stress,
            stress_after: &themes.stress_after,
            records: &themes.records,
            yardsticks: &themes.yardsticks,
            questions: &themes.questions,
        },
        &mut analyzer,
        &tfidf,
    );
    // A focus, exclude or seed word pruned by --min-df/--max-df still makes evidence.
    let vocabulary = tfidf.vocabulary.len();
    for (column, term) in columns.iter_mut().zip(&analyzed.terms) {
        if column.is_none() {
            *column = evidence_terms.extra_column(term, vocabulary);
        }
    }
    let collisions = stem_collisions(themes, &mut analyzer, &analyzed);
    // The term columns are kept for the themes' class-based TF-IDF below.
    let (term_ids, rows, extras) = features(analyzed.passages, &columns, &tfidf);
    clock.begin("reduce");

    let reduction = settings
        .reduction
        .fit(&rows, tfidf.vocabulary.len(), settings.seed)?;
    let vectors = reduction.transform(&rows);
    let seed_rows: Vec<SparseRow> = themes
        .themes
        .iter()
        .map(|t| {
            let seed_terms: Vec<String> = t
                .seed_terms
                .iter()
                .flat_map(|s| analyzer.terms(s))
                .collect();
            tfidf.transform(&seed_terms)
        })
        .collect();
    // Why an entry of the themes file can match nothing, so that the user can fix it.
    let mut warnings: Vec<String> = themes
        .analyzed_entries()
        .filter(|entry| analyzer.tokens(entry).is_empty())
        .map(|entry| {
            format!("themes file entry {entry:?} has no words once stop words are removed, so it matches nothing")
        })
        .collect();
    warnings.extend(collisions);
    // Whether every word of a phrase occurs somewhere in the corpus.
    let in_corpus = |phrase: &Phrase| {
        phrase.iter().all(|&c| {
            let c = c as usize;
            c < vocabulary
                || analyzed
                    .terms
                    .binary_search(&evidence_terms.extra[c - vocabulary])
                    .is_ok()
        })
    };
    const LATER: &str =
        "a model saved from this run still finds them in the articles it classifies";
    for (t, phrases) in themes.themes.iter().zip(&evidence_terms.seeds) {
        if !phrases.iter().any(in_corpus) {
            warnings.push(format!(
                "theme {:?}: none of its seed terms occurs in the corpus, so no passage takes it ({LATER})",
                t.name
            ));
        }
    }
    if !themes.focus.is_empty() && evidence_terms.focus.is_empty() {
        warnings.push(format!(
            "focus {:?}: none of its terms has a word left once stop words are removed, so no passage takes a named theme",
            themes.focus
        ));
    } else if !themes.focus.is_empty() && !evidence_terms.focus.iter().any(in_corpus) {
        warnings.push(format!(
            "focus {:?}: none of its terms occurs in the corpus, so no passage but a heading takes a named theme ({LATER})",
            themes.focus
        ));
    }
    let anchors = if seed_rows.is_empty() {
        Array2::zeros((0, reduction.dimensions()))
    } else {
        reduction.transform(&seed_rows)
    };
    clock.begin("cluster");

    let n_named = anchors.nrows();
    // The sweep over k feeds `--k auto` and the chart of choosing k; it runs on a sample,
    // so its cost does not grow with the corpus.
    let lo = n_named.max(2);
    let sweep = settings.cluster.sweep(
        vectors.view(),
        anchors.view(),
        settings.seed,
        lo..=lo.max(MAX_SWEEP_K),
    )?;
    let mut cluster_settings = settings.cluster.clone();
    if settings.auto_k {
        // Ties go to the smaller k: fewer themes to read.
        let best = sweep
            .iter()
            .fold(None, |best: Option<&KScore>, s| match best {
                Some(b) if b.silhouette >= s.silhouette => best,
                _ => Some(s),
            });
        cluster_settings.k = best.map(|s| s.k).or(cluster_settings.k);
    }
    let clusters = cluster_settings.fit(vectors.view(), anchors.view(), settings.seed)?;
    clock.begin("themes");

    // A seeded cluster whose centroid stays near its seed has no theme of its own: its
    // passages take the named theme through their own evidence, or are `other`. Every
    // other cluster is a discovered theme, named below by its members' top terms.
    let mut theme_list: Vec<Theme> = themes
        .themes
        .iter()
        .map(|t| Theme {
            name: t.name.clone(),
            kind: ThemeKind::Seeded,
            description: t.description.clone(),
        })
        .collect();
    let mut cluster_theme = Vec::with_capacity(clusters.centroids.nrows());
    for (c, centroid) in clusters.centroids.outer_iter().enumerate() {
        if c < n_named && cosine(centroid, anchors.row(c)) >= settings.themes.named_threshold {
            cluster_theme.push(None);
        } else {
            cluster_theme.push(Some(theme_list.len()));
            theme_list.push(Theme {
                name: String::new(),
                kind: ThemeKind::Discovered,
                description: String::new(),
            });
        }
    }
    let mut model = ThemeModel {
        format_version: FORMAT_VERSION,
        analyzer: analyzer.settings().clone(),
        unit: settings.unit,
        boilerplate: boilerplate.rules().to_vec(),
        tfidf,
        display,
        reduction,
        clusters,
        anchors,
        evidence: evidence_terms,
        themes: theme_list,
        theme_terms: Vec::new(),
        cluster_theme,
        settings: settings.themes.clone(),
        built_analyzer: Default::default(),
        built_boilerplate: Default::default(),
    };
    let evidence = model.find_evidence(&passages, &rows, &extras, &mut analyzer);
    let mut assignments = model.assign(vectors.view(), &evidence);
    // A discovered cluster whose passages all took named themes (or fell below
    // `other_threshold`) has nothing to name: its theme is dropped, and passages that fall
    // in it are `other`, now and when the model classifies. The assignments are made again
    // rather than renumbered because a passage of such a cluster below `other_threshold`
    // had its centroid's cosine as confidence, and a cluster without a theme gives another.
    let mut used = vec![false; model.themes.len()];
    for t in assignments.iter().filter_map(|a| a.theme) {
        used[t] = true;
    }
    if used[n_named..].contains(&false) {
        let mut index = Vec::with_capacity(used.len());
        let mut kept = Vec::new();
        for (t, theme) in std::mem::take(&mut model.themes).into_iter().enumerate() {
            index.push((t < n_named || used[t]).then_some(kept.len()));
            if t < n_named || used[t] {
                kept.push(theme);
            }
        }
        model.themes = kept;
        for c in &mut model.cluster_theme {
            *c = c.and_then(|t| index[t]);
        }
        assignments = model.assign(vectors.view(), &evidence);
    }
    let theme_of: Vec<Option<usize>> = assignments.iter().map(|a| a.theme).collect();
    let top_columns = class_tfidf(
        &theme_of,
        &term_ids,
        model.themes.len(),
        settings.themes.top_terms,
    );
    let quality = theme_quality(&top_columns, &term_ids);
    model.theme_terms = top_columns
        .into_iter()
        .map(|top| {
            top.into_iter()
                .map(|(t, weight)| TermWeight {
                    term: model.display[t as usize].clone(),
                    weight,
                })
                .collect()
        })
        .collect();
    // Discovered themes are named by their three top terms, as BERTopic does.
    for t in n_named..model.themes.len() {
        let terms: Vec<&str> = model.theme_terms[t]
            .iter()
            .take(3)
            .map(|w| w.term.as_str())
            .collect();
        let mut name = if terms.is_empty() {
            "empty".to_string()
        } else {
            terms.join(", ")
        };
        if model.themes[..t].iter().any(|other| other.name == name) {
            name = format!("{name} ({t})");
        }
        model.themes[t].name = name;
    }

    let mut result = RunResult::new(
        corpus,
        passages,
        dropped,
        &rows,
        assignments,
        Arc::new(model),
        clock.timings(),
    );
    result.warnings = warnings;
    result.k_sweep = sweep;
    result.quality = Some(quality);
    result.map = principal_plane(vectors.view())?;
    Ok(result)
}

/// Applies a fitted model to new documents.
pub fn classify(
    corpus: &Corpus,
    model: &Arc<ThemeModel>,
    boilerplate: &Boilerplate,
) -> Result<RunResult> {
    let mut clock = Clock::new(&Silent);
    clock.begin("segment");
    let (passages, dropped) = segment(&corpus.documents, boilerplate, model.unit);
    clock.begin("analyze");
    let mut analyzer = model.analyzer()?;
    let texts: Vec<&str> = passages.iter().map(Passage::content).collect();
    let vocabulary = model.tfidf.vocabulary.len();
    let term_columns =
        analyzer.analyze_columns(&texts, &|t| model.evidence.column(t, &model.tfidf));
    clock.begin("tfidf");
    let (rows, extras): (Vec<SparseRow>, Vec<Vec<u32>>) = term_columns
        .into_par_iter()
        // Cheaper per row than a projection: one article's rows stay on this thread.
        .with_min_len(MIN_ROWS_PER_TASK)
        .map(|c| {
            let (columns, extra) = split_extra(c, vocabulary);
            (model.tfidf.transform_columns(columns), extra)
        })
        .unzip();
    clock.begin("reduce");
    let vectors = model.reduction.transform(&rows);
    clock.begin("themes");
    let evidence = model.find_evidence(&passages, &rows, &extras, &mut analyzer);
    let assignments = model.assign(vectors.view(), &evidence);
    Ok(RunResult::new(
        corpus,
        passages,
        dropped,
        &rows,
        assignments,
        Arc::clone(model),
        clock.timings(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Document;

    fn corpus(paragraphs: usize) -> Corpus {
        let text: String = (0..paragraphs)
            .map(|i| format!("Paragraph {i} about ferries, harbours and piers number {i}.\n\n"))
            .collect();
        Corpus {
            documents: vec![Document::utf8("a.txt", text)],
            skipped: Vec::new(),
        }
    }

    fn setting_error(settings: &RunSettings, paragraphs: usize) -> &'static str {
        let err = fit(
            &corpus(paragraphs),
            &ThemesFile::default(),
            &Boilerplate::builtin(),
            settings,
        )
        .unwrap_err();
        match err {
            Error::Setting { setting, .. } => setting,
            other => panic!("not a setting error: {other}"),
        }
    }

    #[test]
    fn bad_settings_are_refused_naming_the_flag() {
        let mut nan = RunSettings::default();
        nan.themes.named_threshold = f64::NAN;
        assert_eq!(setting_error(&nan, 5), "--named-threshold");
        let mut above = RunSettings::default();
        above.themes.other_threshold = 1.5;
        assert_eq!(setting_error(&above, 5), "--other-threshold");
        let mut zero = RunSettings::default();
        zero.reduction.dimensions = 0;
        assert_eq!(setting_error(&zero, 5), "--dimensions");
        let mut fraction = RunSettings::default();
        fraction.tfidf.max_df = crate::tfidf::DocFreq::Fraction(f64::NAN);
        assert_eq!(setting_error(&fraction, 5), "--max-df");
        let mut k = RunSettings::default();
        k.cluster.k = Some(6);
        assert_eq!(setting_error(&k, 5), "--k");
        k.cluster.k = Some(5);
        assert!(fit(
            &corpus(5),
            &ThemesFile::default(),
            &Boilerplate::builtin(),
            &k
        )
        .is_ok());
    }

    /// A model fitted on five paragraphs, with k = 2.
    fn small_model() -> ThemeModel {
        let mut settings = RunSettings::default();
        settings.cluster.k = Some(2);
        let fitted = fit(
            &corpus(5),
            &ThemesFile::default(),
            &Boilerplate::builtin(),
            &settings,
        )
        .unwrap();
        (*fitted.model).clone()
    }

    #[test]
    fn the_model_builds_its_analyzer_again_when_its_settings_change() {
        let mut model = small_model();
        assert_eq!(model.analyzer().unwrap().terms("about ferries"), ["ferri"]);
        model.analyzer.stop_words = false;
        assert_eq!(
            model.analyzer().unwrap().terms("about ferries"),
            ["about", "ferri"]
        );
    }

    #[test]
    fn the_model_compiles_its_rules_once_and_again_when_they_change() {
        let mut model = small_model();
        assert!(model.built_boilerplate.0.get().is_none());
        let rules = model.segmentation().unwrap();
        assert_eq!(rules.rules(), Boilerplate::builtin().rules());
        assert!(model.built_boilerplate.0.get().is_some(), "kept");
        model.boilerplate.truncate(1);
        assert_eq!(
            model.segmentation().unwrap().rules(),
            &model.boilerplate[..]
        );
    }

    /// Four passages; theme 0's top terms 1 and 2 always occur together, theme 1's
    /// terms 3 and 4 never do. By hand: NPMI(1, 2) = ln(0.5 / 0.25) / -ln(0.5) = 1;
    /// NPMI(3, 4) = -1; 4 distinct of 4 top terms.
    #[test]
    fn npmi_and_diversity_by_hand() {
        let passages = vec![vec![1, 2], vec![1, 2, 3], vec![4], vec![5]];
        let top = vec![
            vec![(1, 1.0), (2, 0.5)],
            vec![(3, 1.0), (4, 0.5)],
            vec![(5, 1.0)],
        ];
        let q = theme_quality(&top, &passages);
        assert!((q.npmi[0].unwrap() - 1.0).abs() < 1e-12, "{q:?}");
        assert_eq!(q.npmi[1], Some(-1.0));
        assert_eq!(q.npmi[2], None);
        assert!((q.diversity - 1.0).abs() < 1e-12);
        let shared = vec![vec![(1, 1.0), (2, 0.5)], vec![(1, 1.0), (3, 0.5)]];
        assert!((theme_quality(&shared, &passages).diversity - 0.75).abs() < 1e-12);
    }
}
