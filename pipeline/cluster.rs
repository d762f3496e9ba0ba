//! Cluster: linfa's k-means on the reduced passage vectors, started from the named
//! themes' seed vectors so that those clusters grow around what the analyst described.

use linfa::prelude::*;
use linfa::DatasetBase;
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::{Array1, Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The number of clusters when none is asked for.
pub const DEFAULT_K: usize = 8;

/// k-means settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSettings {
    /// Number of clusters, named ones included. `None`: [`DEFAULT_K`], capped at the
    /// number of passages but never below the number of named themes.
    pub k: Option<usize>,
    /// Most Lloyd iterations.
    pub max_iterations: u64,
    /// Stop when the centroids' total squared movement falls below this times the mean
    /// variance of the data's dimensions (scikit-learn's definition, so the same value
    /// means the same thing in both).
    pub tolerance: f64,
}

impl Default for ClusterSettings {
    /// `k = None` (see [`ClusterSettings::k`]), 300 iterations, tolerance 1e-4 (as scikit-learn).
    fn default() -> Self {
        Self {
            k: None,
            max_iterations: 300,
            tolerance: 1e-4,
        }
    }
}

/// The fitted clusters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedClusters {
    /// One centroid per row; rows `0..n_seeded` started at the named themes' seeds.
    pub centroids: Array2<f64>,
    /// How many leading clusters were seeded by named themes.
    pub n_seeded: usize,
}

impl ClusterSettings {
    /// Checks what can be checked without the data: an explicit `k` of at least 1.
    pub fn validate(&self) -> Result<()> {
        if self.k == Some(0) {
            return Err(Error::Setting {
                setting: "--k",
                message: "must be at least 1".into(),
            });
        }
        Ok(())
    }

    /// The number of clusters for `n` passages and `n_named` named themes: `k`, or the
    /// default when it is `None`; an error naming `--k` when it cannot be used. Fewer
    /// passages than named themes with the default k is the themes file's fault, not that of
    /// a `--k` the user never gave: [`Error::FewerPassagesThanThemes`]. Messages count
    /// in `unit` ("passage", or "document" under `--unit document`).
    pub fn resolve_k(&self, n: usize, n_named: usize, unit: &'static str) -> Result<usize> {
        self.validate()?;
        if self.k.is_none() && n_named > n {
            return Err(Error::FewerPassagesThanThemes {
                passages: n,
                unit,
                themes: n_named,
            });
        }
        let k = self.k.unwrap_or(DEFAULT_K.min(n).max(n_named));
        let problem = if k == 0 {
            format!("no {unit} to cluster ({n} {unit}s)")
        } else if k > n {
            format!("k = {k} is larger than the number of {unit}s ({n})")
        } else if n_named > k {
            format!("k = {k} is smaller than the number of named themes ({n_named})")
        } else {
            return Ok(k);
        };
        Err(Error::Setting {
            setting: "--k",
            message: problem,
        })
    }

    /// Clusters `vectors` (unit rows). The first `seeds.nrows()` initial centroids are the
    /// seeds; the rest are drawn k-means++-style (far from the centroids so far, with
    /// probability proportional to squared distance) with `seed`.
    pub fn fit(
        &self,
        vectors: ArrayView2<f64>,
        seeds: ArrayView2<f64>,
        seed: u64,
    ) -> Result<FittedClusters> {
        let n = vectors.nrows();
        let k = self.resolve_k(n, seeds.nrows(), "passage")?;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut init = Array2::zeros((k, vectors.ncols()));
        init.slice_mut(ndarray::s![..seeds.nrows(), ..])
            .assign(&seeds);
        let mut nearest = Array1::from_elem(n, f64::INFINITY);
        let squared = |a: ndarray::ArrayView1<f64>, b: ndarray::ArrayView1<f64>| {
            a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>()
        };
        for c in 0..seeds.nrows() {
            for (i, v) in vectors.outer_iter().enumerate() {
                nearest[i] = nearest[i].min(squared(v, init.row(c)));
            }
        }
        for c in seeds.nrows()..k {
            let total: f64 = nearest.iter().filter(|d| d.is_finite()).sum();
            let pick = if c == 0 || total <= 0.0 {
                rng.gen_range(0..n)
            } else {
                let mut target = rng.gen_range(0.0..total);
                nearest
                    .iter()
                    .position(|&d| {
                        target -= d;
                        target < 0.0
                    })
                    .unwrap_or(n - 1)
            };
            init.row_mut(c).assign(&vectors.row(pick));
            for (i, v) in vectors.outer_iter().enumerate() {
                nearest[i] = nearest[i].min(squared(v, init.row(c)));
            }
        }
        // linfa stops when the (unsquared) L2 distance between successive centroid
        // matrices is below its tolerance.
        let mean_variance = vectors
            .var_axis(ndarray::Axis(0), 0.0)
            .mean()
            .unwrap_or(0.0);
        let linfa_tolerance = (self.tolerance * mean_variance)
            .sqrt()
            .max(f64::MIN_POSITIVE);
        // params_with_rng, not params: linfa's `params` silently fixes its own seed.
        let model = KMeans::params_with_rng(k, Xoshiro256PlusPlus::seed_from_u64(seed))
            .init_method(KMeansInit::Precomputed(init))
            .n_runs(1)
            .max_n_iterations(self.max_iterations)
            .tolerance(linfa_tolerance)
            .fit(&DatasetBase::from(vectors))
            .map_err(Error::Cluster)?;
        Ok(FittedClusters {
            centroids: model.centroids().clone(),
            n_seeded: seeds.nrows(),
        })
    }
}

/// One k of a sweep: how well k clusters separate the passages.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KScore {
    /// Number of clusters.
    pub k: usize,
    /// Mean silhouette (Euclidean on the unit vectors), in [-1, 1]; higher is better.
    pub silhouette: f64,
    /// Mean squared distance to the nearest centroid; falls as k grows.
    pub inertia: f64,
}

/// Passages a sweep fits on: a seeded sample keeps the sweep's cost flat in corpus size.
const SWEEP_SAMPLE: usize = 2000;
/// Passages whose silhouette is averaged (it costs their number squared).
const SILHOUETTE_SAMPLE: usize = 500;

impl ClusterSettings {
    /// Fits k-means for every k in `ks` on a seeded sample of `vectors` and scores each
    /// by silhouette and inertia (for `--k auto` and the chart of choosing k).
    pub fn sweep(
        &self,
        vectors: ArrayView2<f64>,
        seeds: ArrayView2<f64>,
        seed: u64,
        ks: std::ops::RangeInclusive<usize>,
    ) -> Result<Vec<KScore>> {
        let n = vectors.nrows();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let sample: Vec<usize> = if n <= SWEEP_SAMPLE {
            (0..n).collect()
        } else {
            let mut picked = rand::seq::index::sample(&mut rng, n, SWEEP_SAMPLE).into_vec();
            picked.sort_unstable();
            picked
        };
        let sample = vectors.select(ndarray::Axis(0), &sample);
        // Silhouette needs all pairwise distances: computed once, on at most
        // SILHOUETTE_SAMPLE of the sampled passages, for every k.
        let m = sample.nrows().min(SILHOUETTE_SAMPLE);
        let mut distances = vec![0.0; m * m];
        for i in 0..m {
            for j in i + 1..m {
                let d = squared_distance(sample.row(i), sample.row(j)).sqrt();
                distances[i * m + j] = d;
                distances[j * m + i] = d;
            }
        }
        let mut scores = Vec::new();
        for k in ks.filter(|&k| k >= 2 && k < sample.nrows() && k >= seeds.nrows()) {
            let fitted = ClusterSettings {
                k: Some(k),
                ..self.clone()
            }
            .fit(sample.view(), seeds, seed)?;
            let labels = fitted.predict(sample.view());
            let inertia = sample
                .outer_iter()
                .zip(&labels)
                .map(|(v, &c)| squared_distance(v, fitted.centroids.row(c)))
                .sum::<f64>()
                / sample.nrows() as f64;
            scores.push(KScore {
                k,
                silhouette: silhouette(&distances, &labels[..m]),
                inertia,
            });
        }
        Ok(scores)
    }
}

fn squared_distance(a: ndarray::ArrayView1<f64>, b: ndarray::ArrayView1<f64>) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Mean silhouette (Rousseeuw 1987) of `labels` given their pairwise `distances`
/// (row-major, `labels.len()` squared): for each point, (b - a) / max(a, b) with `a` its
/// mean distance to its own cluster and `b` to the nearest other; 0 for a point alone.
fn silhouette(distances: &[f64], labels: &[usize]) -> f64 {
    let n = labels.len();
    let k = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut sizes = vec![0usize; k];
    for &l in labels {
        sizes[l] += 1;
    }
    let mut total = 0.0;
    let mut sums = vec![0.0; k];
    for i in 0..n {
        sums.fill(0.0);
        for j in 0..n {
            sums[labels[j]] += distances[i * n + j];
        }
        let own = labels[i];
        if sizes[own] <= 1 {
            continue;
        }
        let a = sums[own] / (sizes[own] - 1) as f64;
        let b = (0..k)
            .filter(|&c| c != own && sizes[c] > 0)
            .map(|c| sums[c] / sizes[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() && a.max(b) > 0.0 {
            total += (b - a) / a.max(b);
        }
    }
    total / n.max(1) as f64
}

impl FittedClusters {
    /// The nearest centroid of each row (ties go to the lower index).
    pub fn predict(&self, vectors: ArrayView2<f64>) -> Vec<usize> {
        vectors
            .outer_iter()
            .map(|v| {
                let mut best = (0, f64::INFINITY);
                for (c, centroid) in self.centroids.outer_iter().enumerate() {
                    let d: f64 = v.iter().zip(centroid).map(|(x, y)| (x - y) * (x - y)).sum();
                    if d < best.1 {
                        best = (c, d);
                    }
                }
                best.0
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn seeded_clusters_start_at_their_seed_and_separate_groups() {
        let v = array![[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [0.7, 0.7]];
        let seeds = array![[0.0, 1.0]];
        let fitted = ClusterSettings {
            k: Some(2),
            ..Default::default()
        }
        .fit(v.view(), seeds.view(), 3)
        .unwrap();
        let labels = fitted.predict(v.view());
        assert_eq!(
            labels[2], 0,
            "the seeded cluster keeps the points near its seed"
        );
        assert_eq!(labels[3], 0);
        assert_eq!(labels[0], 1);
        assert_eq!(labels[1], 1);
    }

    /// By hand: two tight pairs far apart. Point (0,0): a = 0.1, b = mean(10, 10.0005)
    /// so s is nearly 1; the mean is close to 1. Merged into one cluster, s = 0.
    #[test]
    fn silhouette_of_separated_pairs_is_near_one() {
        let v = array![[0.0, 0.0], [0.1, 0.0], [10.0, 0.0], [10.1, 0.0]];
        let mut d = vec![0.0; 16];
        for i in 0..4 {
            for j in 0..4 {
                d[i * 4 + j] = squared_distance(v.row(i), v.row(j)).sqrt();
            }
        }
        let s = silhouette(&d, &[0, 0, 1, 1]);
        let by_hand = {
            let a = 0.1;
            let b = (10.0 + 10.1) / 2.0;
            (b - a) / b
        };
        assert!((s - by_hand).abs() < 1e-3, "{s} vs {by_hand}");
        assert!(silhouette(&d, &[0, 1, 0, 1]) < 0.0);
    }

    #[test]
    fn the_sweep_prefers_the_k_of_the_data() {
        let mut rows = Vec::new();
        for c in 0..3 {
            for i in 0..10 {
                let angle = c as f64 * 2.1 + i as f64 * 0.01;
                rows.extend([angle.cos(), angle.sin()]);
            }
        }
        let v = Array2::from_shape_vec((30, 2), rows).unwrap();
        let scores = ClusterSettings::default()
            .sweep(v.view(), Array2::zeros((0, 2)).view(), 1, 2..=6)
            .unwrap();
        let best = scores
            .iter()
            .max_by(|a, b| a.silhouette.total_cmp(&b.silhouette))
            .unwrap();
        assert_eq!(best.k, 3, "{scores:?}");
        assert!(
            scores
                .windows(2)
                .all(|w| w[1].inertia <= w[0].inertia + 1e-9),
            "{scores:?}"
        );
    }

    #[test]
    fn k_larger_than_the_passages_is_a_setting_error() {
        let v = array![[1.0, 0.0], [0.0, 1.0]];
        let err = ClusterSettings {
            k: Some(3),
            ..Default::default()
        }
        .fit(v.view(), Array2::zeros((0, 2)).view(), 1)
        .unwrap_err();
        assert!(
            err.to_string().contains("--k") && err.to_string().contains("(2)"),
            "{err}"
        );
    }

    /// Regression: with the default k, too few passages for the named themes blamed
    /// `--k`, which the user never gave.
    #[test]
    fn too_few_passages_for_the_named_themes_blames_the_themes_unless_k_was_given() {
        let err = ClusterSettings::default()
            .resolve_k(2, 4, "passage")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("--k"), "{err}");
        assert!(
            err.contains("2 passages") && err.contains("4 named themes"),
            "{err}"
        );
        assert!(err.contains("--themes none"), "{err}");
        let err = ClusterSettings::default()
            .resolve_k(1, 2, "passage")
            .unwrap_err()
            .to_string();
        assert!(err.contains("1 passage,"), "{err}");
        let err = ClusterSettings {
            k: Some(4),
            ..Default::default()
        }
        .resolve_k(2, 4, "passage")
        .unwrap_err()
        .to_string();
        assert!(err.contains("`--k`") && err.contains("(2)"), "{err}");
        assert_eq!(
            ClusterSettings::default()
                .resolve_k(4, 4, "passage")
                .unwrap(),
            4
        );
        assert_eq!(
            ClusterSettings::default()
                .resolve_k(5, 0, "passage")
                .unwrap(),
            5
        );
    }
}
