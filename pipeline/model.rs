//! Model: everything needed to give new passages the run's themes, saved as one JSON file
//! with a format version.

use std::path::Path;
use std::sync::OnceLock;

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};
use unicode_segmentation::UnicodeSegmentation;

use crate::analyze::{Analyzer, AnalyzerSettings};
use crate::cluster::FittedClusters;
use crate::error::{Error, Result};
use crate::evidence::{Evidence, EvidenceTerms, Space};
use crate::reduce::{cosine, FittedReduction};
use crate::segment::{Boilerplate, Passage, RuleSpec, Unit};
use crate::tfidf::{FittedTfIdf, SparseRow};
use crate::themes::{TermWeight, Theme, ThemeSettings};

/// The model file format this build reads and writes.
pub const FORMAT_VERSION: u32 = 10;

/// A fitted theme model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeModel {
    /// [`FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// The analyzer's settings, aliases included.
    pub analyzer: AnalyzerSettings,
    /// Passage or document units.
    pub unit: Unit,
    /// The boilerplate rules the passages were cut with, so that `classify` cuts new
    /// documents the same way whatever rules file the run was given.
    pub boilerplate: Vec<RuleSpec>,
    /// Vocabulary and idf.
    pub tfidf: FittedTfIdf,
    /// Per vocabulary term, the surface form readers know it by (most frequent word).
    pub display: Vec<String>,
    /// The LSA projection.
    pub reduction: FittedReduction,
    /// k-means centroids.
    pub clusters: FittedClusters,
    /// Reduced, unit-length seed vector of each named theme (a zero row when none of its
    /// seed terms is in the vocabulary).
    pub anchors: Array2<f64>,
    /// The focus and seed terms that make a sentence evidence for a named theme, the
    /// exclude terms that make it none, the other reasons, and the markers of stress and
    /// of records.
    pub evidence: EvidenceTerms,
    /// Named themes first (in the themes file's order), then discovered ones.
    pub themes: Vec<Theme>,
    /// Top terms of each theme.
    pub theme_terms: Vec<Vec<TermWeight>>,
    /// The discovered theme of each cluster (`None`: a cluster with no theme of its own,
    /// such as a seeded one, whose passages are `other` unless they take a named theme).
    pub cluster_theme: Vec<Option<usize>>,
    /// Assignment thresholds.
    pub settings: ThemeSettings,
    /// The analyzer `analyzer` makes, built on first use: its stop-word and alias tables
    /// cost as much as analyzing a short article, so they are not rebuilt per call.
    #[serde(skip)]
    pub(crate) built_analyzer: Built<Analyzer>,
    /// The `boilerplate` rules compiled, on first use: `load` compiles them to check them,
    /// and `classify` then uses them.
    #[serde(skip)]
    pub(crate) built_boilerplate: Built<Boilerplate>,
}

/// A cache, not part of what a model is: any two are equal, and a clone starts empty.
pub(crate) struct Built<T>(pub(crate) OnceLock<T>);

impl<T> Default for Built<T> {
    fn default() -> Self {
        Self(OnceLock::new())
    }
}

impl<T> Clone for Built<T> {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl<T> PartialEq for Built<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> std::fmt::Debug for Built<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Built")
    }
}

/// A passage's cluster, theme (`None` = `other`), confidence in [0, 1] and, for a named
/// theme, the sentence that carries it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    /// Nearest k-means centroid.
    pub cluster: usize,
    /// Index into the model's themes, or `None` for `other`.
    pub theme: Option<usize>,
    /// Cosine similarity of the evidence sentence to the theme's seed vector (named
    /// themes) or of the passage to its cluster's centroid, clamped to [0, 1].
    pub confidence: f64,
    /// Byte range, in the passage's text, of the sentence that gave a named theme.
    pub evidence: Option<(usize, usize)>,
}

impl ThemeModel {
    /// Number of named themes.
    pub fn n_named(&self) -> usize {
        self.anchors.nrows()
    }

    /// An analyzer with this model's settings, for one classification.
    pub fn analyzer(&self) -> Result<Analyzer> {
        let built = match self.built_analyzer.0.get() {
            Some(built) => built,
            None => {
                let analyzer = Analyzer::new(self.analyzer.clone())?;
                self.built_analyzer.0.get_or_init(|| analyzer)
            }
        };
        // The settings are a public field: one changed since is built afresh.
        if built.settings() != &self.analyzer {
            return Analyzer::new(self.analyzer.clone());
        }
        Ok(built.fork())
    }

    /// Themes for reduced passage vectors and each passage's evidence
    /// ([`EvidenceTerms::find_all`]).
    ///
    /// A passage whose evidence sentence is close enough to a named theme's seed
    /// (`named_threshold`) takes that theme: this is what lets a paragraph that argues a
    /// motive in one sentence be found even when its cluster is about something broader.
    /// Otherwise it takes its cluster's theme. Either way, below `other_threshold` it is
    /// `other`.
    pub fn assign(
        &self,
        vectors: ArrayView2<f64>,
        evidence: &[Option<Evidence>],
    ) -> Vec<Assignment> {
        let clusters = self.clusters.predict(vectors);
        vectors
            .outer_iter()
            .zip(clusters)
            .zip(evidence)
            .map(|((v, cluster), evidence)| {
                let named = evidence
                    .as_ref()
                    // Evidence too weak to survive `other_threshold` must not keep the
                    // passage from its cluster's theme.
                    .filter(|e| e.score >= self.settings.evidence_threshold());
                let (theme, confidence) = match (named, self.cluster_theme[cluster]) {
                    (Some(e), _) => (Some(e.theme), e.score),
                    (None, Some(t)) => (Some(t), cosine(v, self.clusters.centroids.row(cluster))),
                    // A named theme needs its own evidence: the rest of a seeded cluster
                    // is what the seed did not describe.
                    (None, None) => (None, evidence.as_ref().map_or(0.0, |e| e.score)),
                };
                let confidence = confidence.clamp(0.0, 1.0);
                let theme = theme.filter(|_| confidence >= self.settings.other_threshold);
                Assignment {
                    cluster,
                    theme,
                    confidence,
                    evidence: named
                        .filter(|_| theme.is_some())
                        .map(|e| (e.sentence.start, e.sentence.end)),
                }
            })
            .collect()
    }

    /// Each passage's evidence for a named theme ([`EvidenceTerms::find_all`]
    /// with this model's vocabulary, projection and seed vectors); `rows` are the passages'
    /// TF-IDF rows and `extras` their evidence columns outside the vocabulary.
    pub fn find_evidence(
        &self,
        passages: &[Passage],
        rows: &[SparseRow],
        extras: &[Vec<u32>],
        analyzer: &mut Analyzer,
    ) -> Vec<Option<Evidence>> {
        self.evidence.find_all(
            passages,
            rows,
            extras,
            analyzer,
            Space {
                tfidf: &self.tfidf,
                reduction: &self.reduction,
                anchors: self.anchors.view(),
                threshold: self.settings.evidence_threshold(),
            },
        )
    }

    /// The display name of an assignment's theme.
    pub fn theme_name(&self, theme: Option<usize>) -> &str {
        theme.map_or("other", |t| self.themes[t].name.as_str())
    }

    /// Writes the model as JSON (through a temporary file and a rename).
    pub fn save(&self, path: &Path) -> Result<()> {
        crate::fsio::write_atomic_with(path, |w| {
            serde_json::to_writer(w, self).map_err(std::io::Error::other)
        })
    }

    /// The boilerplate rules of the fit, compiled on the first call and kept (the
    /// `Boilerplate` returned shares the compiled set; a clone of the model starts afresh).
    pub fn segmentation(&self) -> Result<Boilerplate> {
        let compile =
            || Boilerplate::from_rules(self.boilerplate.clone(), Path::new("the model's rules"));
        let built = match self.built_boilerplate.0.get() {
            Some(built) => built,
            None => {
                let rules = compile()?;
                self.built_boilerplate.0.get_or_init(|| rules)
            }
        };
        // The rules are a public field: ones changed since are compiled afresh.
        if built.rules() != self.boilerplate {
            return compile();
        }
        Ok(built.clone())
    }

    /// Reads a model, refusing another format version with a clear message.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|cause| Error::Read {
            path: path.to_path_buf(),
            cause,
        })?;
        let error = |message: String| Error::Model {
            path: path.to_path_buf(),
            message,
        };
        #[derive(Deserialize)]
        struct Header {
            format_version: Option<u32>,
        }
        let header: Header = serde_json::from_slice(&bytes)
            .map_err(|e| error(format!("not a thematic model (truncated or not JSON): {e}")))?;
        match header.format_version {
            Some(FORMAT_VERSION) => {}
            Some(v) => {
                return Err(error(format!(
                    "format version {v}, but this build reads version {FORMAT_VERSION}; refit with `thematic run`"
                )))
            }
            None => return Err(error("no format_version: not a thematic model".into())),
        }
        let model: ThemeModel =
            serde_json::from_slice(&bytes).map_err(|e| error(format!("malformed model: {e}")))?;
        let tfidf = FittedTfIdf::new(
            model.tfidf.settings.clone(),
            model.tfidf.vocabulary.clone(),
            model.tfidf.idf.clone(),
        );
        let vocabulary = model.tfidf.vocabulary.len();
        let dimensions = model.reduction.dimensions();
        let evidence = &model.evidence;
        let mut names = std::collections::HashSet::new();
        // What a sound model has, as the error says it, and whether this one has it.
        let checks = [
            (
                "a sorted vocabulary without repeats",
                model.tfidf.vocabulary.windows(2).all(|w| w[0] < w[1]),
            ),
            (
                "one idf per vocabulary term, each finite and at least 1",
                model.tfidf.idf.len() == vocabulary
                    && model.tfidf.idf.iter().all(|x| x.is_finite() && *x >= 1.0),
            ),
            (
                "one display form per vocabulary term",
                model.display.len() == vocabulary,
            ),
            (
                "one finite row of the reduction per vocabulary term",
                model.reduction.components.nrows() == vocabulary
                    && model.reduction.components.iter().all(|x| x.is_finite()),
            ),
            (
                "finite centroids and seed vectors of the reduction's dimensions",
                model.clusters.centroids.ncols() == dimensions
                    && model.anchors.ncols() == dimensions
                    && model.clusters.centroids.iter().all(|x| x.is_finite())
                    && model.anchors.iter().all(|x| x.is_finite()),
            ),
            (
                "one seed vector per seeded cluster, and no more seeded clusters than themes or clusters",
                model.anchors.nrows() == model.clusters.n_seeded
                    && model.clusters.n_seeded <= model.themes.len()
                    && model.clusters.n_seeded <= model.clusters.centroids.nrows(),
            ),
            (
                "one theme or none per cluster, each a discovered theme",
                model.cluster_theme.len() == model.clusters.centroids.nrows()
                    && (model.cluster_theme.iter().flatten())
                        .all(|&t| model.anchors.nrows() <= t && t < model.themes.len()),
            ),
            (
                "top terms for every theme, and no theme name twice",
                model.theme_terms.len() == model.themes.len()
                    && model.themes.iter().all(|t| names.insert(t.name.as_str())),
            ),
            (
                "thresholds in [0, 1] and at least one top term",
                model.settings.validate().is_ok(),
            ),
            (
                "seed terms and an implies_focus flag for every named theme",
                evidence.seeds.len() == model.anchors.nrows()
                    && evidence.implies_focus.len() == evidence.seeds.len(),
            ),
            (
                "words in every evidence phrase, each a vocabulary term or an extra word",
                (evidence.seeds.iter())
                    .chain([&evidence.focus, &evidence.exclude, &evidence.others])
                    .flatten()
                    // An empty phrase would match every sentence.
                    .all(|p| {
                        !p.is_empty()
                            && p.iter().all(|&c| (c as usize) < vocabulary + evidence.extra.len())
                    }),
            ),
            (
                "sorted extra words, none of them in the vocabulary",
                evidence.extra.windows(2).all(|w| w[0] < w[1])
                    && (evidence.extra.iter())
                        .all(|w| model.tfidf.vocabulary.binary_search(w).is_err()),
            ),
            (
                "a word in every marker of stress or of a record",
                (evidence.stress.iter())
                    .chain(&evidence.stress_after)
                    .chain(&evidence.records)
                    .chain(&evidence.yardsticks)
                    .chain(&evidence.questions)
                    .all(|m| m.unicode_words().next().is_some()),
            ),
        ];
        if let Some((expected, _)) = checks.iter().find(|(_, holds)| !holds) {
            return Err(error(format!("inconsistent parts: expected {expected}")));
        }
        // Its rules must compile: a model edited by hand may hold a bad pattern.
        model.segmentation().map_err(|e| match e {
            Error::Config { message, .. } => error(format!("its boilerplate {message}")),
            other => other,
        })?;
        // Its analyzer must be one this build can make (a known Snowball language...).
        model
            .analyzer()
            .map_err(|e| error(format!("its analyzer settings are unusable: {e}")))?;
        Ok(Self { tfidf, ..model })
    }
}
