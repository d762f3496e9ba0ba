//! TF-IDF: a fitted vocabulary and idf, and sparse L2-normalized rows, with the exact
//! semantics of scikit-learn's `TfidfVectorizer(smooth_idf=True, norm="l2")`.
//!
//! linfa-preprocessing's vectorizer is not used: it recomputes idf from whatever batch
//! `transform` receives (a single new document gets idf 1 for every term) and orders its
//! vocabulary by a HashMap. Here the idf is fitted once and belongs to the model.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A document-frequency bound: an absolute count of documents, or a fraction of them
/// (scikit-learn's int-vs-float convention; in TOML `2` is a count and `0.9` a fraction).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DocFreq {
    /// At least/at most this many documents.
    Count(usize),
    /// At least/at most this fraction of the documents, in [0, 1].
    Fraction(f64),
}

impl DocFreq {
    fn resolve(self, n_docs: usize) -> f64 {
        match self {
            DocFreq::Count(c) => c as f64,
            DocFreq::Fraction(f) => f * n_docs as f64,
        }
    }
}

/// TF-IDF settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TfIdfSettings {
    /// Ignore terms in fewer documents than this.
    pub min_df: DocFreq,
    /// Ignore terms in more documents than this.
    pub max_df: DocFreq,
    /// Use `1 + ln(tf)` instead of the raw count.
    pub sublinear_tf: bool,
}

impl Default for TfIdfSettings {
    /// `min_df = 1`, `max_df = 1.0`, `sublinear_tf = true`.
    fn default() -> Self {
        Self {
            min_df: DocFreq::Count(1),
            max_df: DocFreq::Fraction(1.0),
            sublinear_tf: true,
        }
    }
}

/// A sparse row: strictly increasing column indices and their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SparseRow {
    /// Column (term) indices, increasing.
    pub indices: Vec<u32>,
    /// Values, one per index.
    pub values: Vec<f64>,
}

/// The fitted vectorizer: sorted vocabulary and per-term idf.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedTfIdf {
    /// The settings it was fitted with.
    pub settings: TfIdfSettings,
    /// Terms in sorted order; a term's index is its column.
    pub vocabulary: Vec<String>,
    /// `ln((1 + n) / (1 + df)) + 1` per term.
    pub idf: Vec<f64>,
    /// Term -> column. (FxHash: looked up for every term of every classified sentence.)
    #[serde(skip)]
    index: FxHashMap<String, u32>,
}

impl TfIdfSettings {
    /// Learns the vocabulary and idf from the documents' terms.
    pub fn fit(&self, documents: &[Vec<String>]) -> Result<FittedTfIdf> {
        let mut terms: Vec<String> = documents.iter().flatten().cloned().collect();
        terms.sort_unstable();
        terms.dedup();
        let ids: Vec<Vec<u32>> = documents
            .iter()
            .map(|d| {
                d.iter()
                    .map(|t| terms.binary_search(t).unwrap() as u32)
                    .collect()
            })
            .collect();
        Ok(self.fit_ids(&terms, &ids)?.0)
    }

    /// Checks that fractional `min_df`/`max_df` lie in [0, 1] (NaN does not).
    pub fn validate(&self) -> Result<()> {
        for (setting, bound) in [("--min-df", self.min_df), ("--max-df", self.max_df)] {
            if let DocFreq::Fraction(f) = bound {
                if !(0.0..=1.0).contains(&f) {
                    return Err(Error::Setting {
                        setting,
                        message: format!("a fraction must be in [0, 1], got {f}"),
                    });
                }
            }
        }
        Ok(())
    }

    /// Learns the vocabulary and idf from documents given as ids into `terms`, which must
    /// be sorted. Also returns, per term id, its column (`None` when pruned).
    pub fn fit_ids(
        &self,
        terms: &[String],
        documents: &[Vec<u32>],
    ) -> Result<(FittedTfIdf, Vec<Option<u32>>)> {
        self.validate()?;
        let n = documents.len();
        let (low, high) = (self.min_df.resolve(n), self.max_df.resolve(n));
        // max_df cannot exceed the documents (its default is all of them), so a min_df above
        // them is min_df's fault, whatever max_df is.
        if low > n as f64 {
            return Err(Error::Setting {
                setting: "--min-df",
                message: format!(
                    "min_df ({low} documents) is more than the number of documents ({n}), \
                     so no term can be kept (documents are passages, or articles with \
                     `--unit document`)"
                ),
            });
        }
        if high < low {
            return Err(Error::Setting {
                setting: "--max-df",
                message: format!("max_df ({high} documents) is below min_df ({low} documents)"),
            });
        }
        // Document frequency without sorting each document: a term counts once per
        // document by remembering the last document it was seen in.
        let mut df = vec![0usize; terms.len()];
        let mut last_seen = vec![usize::MAX; terms.len()];
        for (d, ids) in documents.iter().enumerate() {
            for &id in ids {
                let id = id as usize;
                if last_seen[id] != d {
                    last_seen[id] = d;
                    df[id] += 1;
                }
            }
        }
        // `terms` is sorted, so the kept terms come out sorted, as scikit-learn's do.
        let mut columns = vec![None; terms.len()];
        let mut vocabulary = Vec::new();
        let mut idf = Vec::new();
        for (id, &d) in df.iter().enumerate() {
            if d > 0 && (d as f64) >= low && (d as f64) <= high {
                columns[id] = Some(vocabulary.len() as u32);
                vocabulary.push(terms[id].clone());
                idf.push(((1.0 + n as f64) / (1.0 + d as f64)).ln() + 1.0);
            }
        }
        if vocabulary.is_empty() {
            return Err(Error::Setting {
                setting: "--min-df",
                message: format!(
                    "no term is left after pruning by min_df/max_df over {n} passages \
                     (is the text all stop words or numbers?)"
                ),
            });
        }
        Ok((FittedTfIdf::new(self.clone(), vocabulary, idf), columns))
    }
}

impl FittedTfIdf {
    /// Builds the term index for a vocabulary and idf (after fitting or loading).
    pub fn new(settings: TfIdfSettings, vocabulary: Vec<String>, idf: Vec<f64>) -> Self {
        let index = vocabulary
            .iter()
            .enumerate()
            .map(|(i, t)| (t.clone(), i as u32))
            .collect();
        Self {
            settings,
            vocabulary,
            idf,
            index,
        }
    }

    /// The column of a term, if it is in the vocabulary.
    pub fn column(&self, term: &str) -> Option<u32> {
        self.index.get(term).copied()
    }

    /// The L2-normalized TF-IDF row of one document's terms; terms outside the
    /// vocabulary are ignored, and a document with none gives an empty row.
    pub fn transform(&self, terms: &[String]) -> SparseRow {
        let columns: Vec<u32> = terms.iter().filter_map(|t| self.column(t)).collect();
        self.transform_columns(columns)
    }

    /// The L2-normalized TF-IDF row of a document given as vocabulary columns (in any
    /// order, repeated as often as the term occurs).
    pub fn transform_columns(&self, mut columns: Vec<u32>) -> SparseRow {
        columns.sort_unstable();
        let mut row = SparseRow::default();
        for run in columns.chunk_by(|a, b| a == b) {
            let tf = run.len() as f64;
            let tf = if self.settings.sublinear_tf {
                1.0 + tf.ln()
            } else {
                tf
            };
            row.indices.push(run[0]);
            row.values.push(tf * self.idf[run[0] as usize]);
        }
        let norm = row.values.iter().map(|v| v * v).sum::<f64>().sqrt();
        if norm > 0.0 {
            row.values.iter_mut().for_each(|v| *v /= norm);
        }
        row
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs() -> Vec<Vec<String>> {
        [
            "apple banana apple fig",
            "banana cherry apple",
            "cherry cherry cherry date apple",
            "apple date egg",
            "egg banana apple",
        ]
        .iter()
        .map(|d| d.split(' ').map(String::from).collect())
        .collect()
    }

    fn dense(t: &FittedTfIdf, row: &SparseRow) -> Vec<f64> {
        let mut v = vec![0.0; t.vocabulary.len()];
        for (&i, &x) in row.indices.iter().zip(&row.values) {
            v[i as usize] = x;
        }
        v
    }

    fn assert_close(actual: &[f64], expected: &[f64]) {
        assert_eq!(
            actual.len(),
            expected.len(),
            "expected {expected:?}\n  actual {actual:?}"
        );
        for (a, e) in actual.iter().zip(expected) {
            assert!(
                (a - e).abs() < 1e-12,
                "expected {expected:?}\n  actual {actual:?}"
            );
        }
    }

    /// Expected values from scikit-learn 1.x:
    /// ```python
    /// v = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, min_df=2, max_df=0.9)
    /// X = v.fit_transform(docs); v.get_feature_names_out(), v.idf_, X.toarray()
    /// v.transform(["banana banana fig date zzz"]).toarray()
    /// ```
    #[test]
    #[allow(clippy::approx_constant)] // 1/sqrt(2) as scikit-learn printed it
    fn matches_scikit_learn_sublinear_with_pruning() {
        let t = TfIdfSettings {
            min_df: DocFreq::Count(2),
            max_df: DocFreq::Fraction(0.9),
            sublinear_tf: true,
        }
        .fit(&docs())
        .unwrap();
        assert_eq!(t.vocabulary, ["banana", "cherry", "date", "egg"]);
        assert_close(
            &t.idf,
            &[
                1.4054651081081644,
                1.6931471805599454,
                1.6931471805599454,
                1.6931471805599454,
            ],
        );
        let expected = [
            [1.0, 0.0, 0.0, 0.0],
            [0.6387105775654869, 0.7694470729725092, 0.0, 0.0],
            [0.0, 0.9027501480103622, 0.430165282498796, 0.0],
            [0.0, 0.0, 0.7071067811865476, 0.7071067811865476],
            [0.6387105775654869, 0.0, 0.0, 0.7694470729725092],
        ];
        for (doc, want) in docs().iter().zip(expected) {
            assert_close(&dense(&t, &t.transform(doc)), &want);
        }
        let new: Vec<String> = "banana banana fig date zzz"
            .split(' ')
            .map(String::from)
            .collect();
        assert_close(
            &dense(&t, &t.transform(&new)),
            &[0.8148024746671689, 0.0, 0.5797386715376657, 0.0],
        );
    }

    /// `TfidfVectorizer(analyzer=str.split)` (raw counts, no pruning) on the same docs.
    #[test]
    fn matches_scikit_learn_defaults() {
        let t = TfIdfSettings {
            sublinear_tf: false,
            ..Default::default()
        }
        .fit(&docs())
        .unwrap();
        assert_close(
            &t.idf,
            &[
                1.0,
                1.4054651081081644,
                1.6931471805599454,
                1.6931471805599454,
                1.6931471805599454,
                2.09861228866811,
            ],
        );
        assert_close(
            &dense(&t, &t.transform(&docs()[2])),
            &[
                0.18359452107480753,
                0.0,
                0.9325576371721915,
                0.31085254572406384,
                0.0,
                0.0,
            ],
        );
        let new: Vec<String> = "banana banana fig date zzz"
            .split(' ')
            .map(String::from)
            .collect();
        assert_close(
            &dense(&t, &t.transform(&new)),
            &[
                0.0,
                0.7216474390261912,
                0.0,
                0.43468006416402155,
                0.0,
                0.5387747354556464,
            ],
        );
    }

    #[test]
    fn pruning_everything_is_an_error_naming_the_setting() {
        let err = TfIdfSettings {
            min_df: DocFreq::Count(9),
            ..Default::default()
        }
        .fit(&docs())
        .unwrap_err();
        assert!(err.to_string().contains("min_df"), "{err}");
    }

    /// Regression: `--min-df 1000` on fewer documents blamed `--max-df`, whose default (all
    /// documents) is then below it.
    #[test]
    fn min_df_above_the_number_of_documents_blames_min_df() {
        let err = TfIdfSettings {
            min_df: DocFreq::Count(1000),
            ..Default::default()
        }
        .fit(&docs())
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("invalid setting `--min-df`"), "{err}");
        assert!(err.contains("1000") && err.contains("(5)"), "{err}");
        // Both within the documents, max_df below min_df is max_df's fault.
        let err = TfIdfSettings {
            min_df: DocFreq::Count(4),
            max_df: DocFreq::Count(2),
            ..Default::default()
        }
        .fit(&docs())
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("invalid setting `--max-df`"), "{err}");
    }
}
