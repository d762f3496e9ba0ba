//! Reduce: latent semantic analysis. A randomized truncated SVD (Halko, Martinsson and
//! Tropp 2011) of the sparse TF-IDF matrix gives dense, unit-length passage vectors of a
//! few dozen dimensions, which is what linfa's k-means takes.
//!
//! Written here rather than taken from a crate: linfa-reduction's projections and
//! linfa-linalg's SVD take a dense matrix, and a dense passages x vocabulary matrix of a
//! million passages would not fit in memory. Every product below touches the sparse matrix
//! only through its non-zeros, so the cost is linear in them; the only decompositions are
//! of small `l x l` matrices (`l` = dimensions + oversampling), and the largest dense
//! matrices are `terms x l`.

use linfa_linalg::eigh::Eigh;
use ndarray::parallel::prelude::*;
use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, Axis};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::tfidf::SparseRow;

/// The fewest rows [`FittedReduction::transform`] hands to another thread: a row takes a
/// few microseconds, about what waking a thread costs, so one article's dozen passages are
/// projected on the calling thread.
pub const MIN_ROWS_PER_TASK: usize = 64;

/// Settings of the reduction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReductionSettings {
    /// Target dimension; capped at what the data supports (passages and terms - 1).
    pub dimensions: usize,
    /// Extra random directions sampled beyond `dimensions` for accuracy.
    pub oversample: usize,
    /// Power iterations, which sharpen the spectrum of slowly decaying text matrices.
    pub power_iterations: usize,
}

impl Default for ReductionSettings {
    /// 100 dimensions (scikit-learn's advice for LSA), 10 oversamples, 4 power iterations.
    fn default() -> Self {
        Self {
            dimensions: 100,
            oversample: 10,
            power_iterations: 4,
        }
    }
}

/// The fitted projection: `n_terms x dimensions` right singular vectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedReduction {
    /// Right singular vectors, one column per dimension, strongest first.
    pub components: Array2<f64>,
    /// The singular values, strongest first.
    pub singular_values: Vec<f64>,
}

/// Number of partial sums in [`gram_times`]: fixed, not the thread count, so the sum is
/// added in the same order and gives the same bits on one thread or many.
const PARTIALS: usize = 2;

/// `X^T X M` for sparse `X` (rows) and dense `M` (`n_cols x l`), without the `n x l`
/// intermediate: each row's `x M` is used at once and dropped. Memory is
/// `PARTIALS x n_cols x l`, whatever the number of rows.
fn gram_times(rows: &[SparseRow], m: &Array2<f64>) -> Array2<f64> {
    let chunk = rows.len().div_ceil(PARTIALS).max(1);
    let partials: Vec<Array2<f64>> = rows
        .par_chunks(chunk)
        .map(|part| {
            let mut out = Array2::zeros(m.raw_dim());
            let mut projected = Array1::zeros(m.ncols());
            for row in part {
                projected.fill(0.0);
                for (&j, &v) in row.indices.iter().zip(&row.values) {
                    projected.scaled_add(v, &m.row(j as usize));
                }
                for (&j, &v) in row.indices.iter().zip(&row.values) {
                    out.row_mut(j as usize).scaled_add(v, &projected);
                }
            }
            out
        })
        .collect();
    let mut partials = partials.into_iter();
    let mut sum = partials
        .next()
        .unwrap_or_else(|| Array2::zeros(m.raw_dim()));
    for p in partials {
        sum += &p;
    }
    sum
}

/// Eigenpairs of a symmetric matrix, largest first, dropping those below `rel * largest`.
fn top_eigen(m: &Array2<f64>, rel: f64) -> Result<(Vec<f64>, Array2<f64>)> {
    let (values, vectors) = m.eigh().map_err(Error::Linalg)?;
    if values.iter().any(|v| v.is_nan()) {
        return Err(Error::NanEigenvalue);
    }
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    let largest = values[order[0]].max(0.0);
    let keep: Vec<usize> = order
        .into_iter()
        .filter(|&i| largest > 0.0 && values[i] > rel * largest)
        .collect();
    let picked = vectors.select(Axis(1), &keep);
    Ok((keep.iter().map(|&i| values[i]).collect(), picked))
}

/// An orthonormal basis of the columns of `y`, through the eigen-decomposition of the
/// small Gram matrix `y^T y`, in `passes` passes: one pass loses some precision on
/// ill-conditioned input, which a second pass restores.
fn orthonormalize(mut y: Array2<f64>, passes: usize) -> Result<Array2<f64>> {
    for _ in 0..passes {
        let gram = y.t().dot(&y);
        let (values, vectors) = top_eigen(&gram, 1e-10)?;
        let scale = Array1::from_iter(values.iter().map(|v| 1.0 / v.sqrt()));
        y = y.dot(&vectors) * &scale;
    }
    Ok(y)
}

impl ReductionSettings {
    /// Checks that at least one dimension is asked for.
    pub fn validate(&self) -> Result<()> {
        if self.dimensions == 0 {
            return Err(Error::Setting {
                setting: "--dimensions",
                message: "must be at least 1".into(),
            });
        }
        Ok(())
    }

    /// Fits the projection on the TF-IDF rows of the training passages. `seed` draws the
    /// random test matrix.
    pub fn fit(&self, rows: &[SparseRow], n_cols: usize, seed: u64) -> Result<FittedReduction> {
        self.validate()?;
        let rank_bound = rows.len().min(n_cols);
        let l = (self.dimensions + self.oversample).min(rank_bound).max(1);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let omega = Array2::from_shape_simple_fn((n_cols, l), || rng.gen_range(-1.0..1.0));
        // Subspace iteration on X^T X (the randomized range finder run on the term side):
        // every step costs two passes over the non-zeros plus work on n_cols x l, and
        // nothing of size passages x l is ever held.
        // Between iterations one pass keeps the basis well enough conditioned; the basis
        // the singular vectors are taken from gets two.
        let mut z = orthonormalize(omega, 1)?;
        for i in 0..self.power_iterations {
            let passes = if i + 1 == self.power_iterations { 2 } else { 1 };
            z = orthonormalize(gram_times(rows, &z), passes)?;
        }
        if self.power_iterations == 0 {
            z = orthonormalize(z, 1)?;
        }
        // Rayleigh-Ritz: the eigenpairs of Z^T X^T X Z are the squared singular values
        // and, through Z, the right singular vectors.
        let gram = z.t().dot(&gram_times(rows, &z));
        let gram = (&gram + &gram.t()) * 0.5;
        let (values, u) = top_eigen(&gram, 1e-12)?;
        let d = self.dimensions.min(values.len());
        let singular_values: Vec<f64> = values[..d].iter().map(|v| v.sqrt()).collect();
        let mut components = z.dot(&u.slice(s![.., ..d]));
        // A singular vector's sign is arbitrary; fix it so the largest entry is positive.
        for mut column in components.columns_mut() {
            let peak = column
                .iter()
                .copied()
                .fold(0.0_f64, |m, v| if v.abs() > m.abs() { v } else { m });
            if peak < 0.0 {
                column.mapv_inplace(|v| -v);
            }
        }
        Ok(FittedReduction {
            components,
            singular_values,
        })
    }
}

impl FittedReduction {
    /// Number of output dimensions.
    pub fn dimensions(&self) -> usize {
        self.components.ncols()
    }

    /// [`FittedReduction::transform`] of one row, for callers that project rows one at a
    /// time (on a worker thread of their own).
    pub fn project(&self, row: &SparseRow) -> Array1<f64> {
        let mut out = Array1::zeros(self.dimensions());
        self.project_into(row, out.view_mut());
        out
    }

    /// Projects TF-IDF rows and scales each result to unit length (an all-zero row stays
    /// zero), so that k-means' Euclidean distance ranks like cosine similarity. Rows are
    /// independent, so they are projected in parallel with the same bits on any number of
    /// threads.
    pub fn transform(&self, rows: &[SparseRow]) -> Array2<f64> {
        let mut out = Array2::zeros((rows.len(), self.dimensions()));
        out.axis_iter_mut(Axis(0))
            .into_par_iter()
            .zip(rows.par_iter())
            .with_min_len(MIN_ROWS_PER_TASK)
            .for_each(|(target, row)| self.project_into(row, target));
        out
    }

    /// One row's projection, scaled to unit length, written into `target` (zeros).
    fn project_into(&self, row: &SparseRow, mut target: ArrayViewMut1<f64>) {
        for (&j, &v) in row.indices.iter().zip(&row.values) {
            target.scaled_add(v, &self.components.row(j as usize));
        }
        let norm = target.dot(&target).sqrt();
        if norm > 0.0 {
            target /= norm;
        }
    }
}

/// Each row's coordinates on the two directions of largest variance of `vectors` (its
/// first two principal components), for drawing passages on a plane.
pub fn principal_plane(vectors: ArrayView2<f64>) -> Result<Vec<[f64; 2]>> {
    let n = vectors.nrows();
    let Some(mean) = vectors.mean_axis(Axis(0)) else {
        return Ok(Vec::new());
    };
    // Covariance as E[x x^T] - mean mean^T: no centred copy of a large matrix.
    let outer = mean
        .view()
        .insert_axis(Axis(1))
        .dot(&mean.view().insert_axis(Axis(0)));
    let covariance = vectors.t().dot(&vectors) / n as f64 - outer;
    let (_, directions) = top_eigen(&covariance, 0.0)?;
    let mut plane = Array2::zeros((vectors.ncols(), 2));
    for c in 0..directions.ncols().min(2) {
        let mut column = directions.column(c).to_owned();
        // Fix the arbitrary sign so the picture is the same on every run.
        let peak = column
            .iter()
            .copied()
            .fold(0.0_f64, |m, v| if v.abs() > m.abs() { v } else { m });
        if peak < 0.0 {
            column.mapv_inplace(|v| -v);
        }
        plane.column_mut(c).assign(&column);
    }
    let offset = mean.dot(&plane);
    let projected = vectors.dot(&plane);
    Ok(projected
        .outer_iter()
        .map(|r| [r[0] - offset[0], r[1] - offset[1]])
        .collect())
}

/// Cosine similarity of two vectors (0 when either is zero).
pub fn cosine(a: ArrayView1<f64>, b: ArrayView1<f64>) -> f64 {
    let norms = a.dot(&a).sqrt() * b.dot(&b).sqrt();
    if norms > 0.0 {
        a.dot(&b) / norms
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(pairs: &[(u32, f64)]) -> SparseRow {
        SparseRow {
            indices: pairs.iter().map(|p| p.0).collect(),
            values: pairs.iter().map(|p| p.1).collect(),
        }
    }

    /// A rank-2 matrix: its two singular values are those of the dense matrix, computed
    /// independently with numpy: `np.linalg.svd([[3,0,0,1],[0,2,0,0],[3,0,0,1],[0,4,0,0]])`
    /// gives 4.47213595..., 4.47213595... (and zeros).
    #[test]
    fn recovers_singular_values_of_a_low_rank_matrix() {
        let rows = vec![
            row(&[(0, 3.0), (3, 1.0)]),
            row(&[(1, 2.0)]),
            row(&[(0, 3.0), (3, 1.0)]),
            row(&[(1, 4.0)]),
        ];
        let fitted = ReductionSettings {
            dimensions: 3,
            ..Default::default()
        }
        .fit(&rows, 4, 7)
        .unwrap();
        assert_eq!(
            fitted.singular_values.len(),
            2,
            "rank 2: {:?}",
            fitted.singular_values
        );
        for s in &fitted.singular_values {
            assert!((s - 20f64.sqrt()).abs() < 1e-9, "{s}");
        }
        // Components are orthonormal.
        let gram = fitted.components.t().dot(&fitted.components);
        for ((i, j), v) in gram.indexed_iter() {
            assert!((v - if i == j { 1.0 } else { 0.0 }).abs() < 1e-9);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_projection() {
        let rows: Vec<SparseRow> = (0..30u32)
            .map(|i| row(&[(i % 7, 1.0), ((i * 3) % 11, 0.5), (11 + i % 5, 0.25)]))
            .collect();
        let s = ReductionSettings {
            dimensions: 5,
            ..Default::default()
        };
        assert_eq!(s.fit(&rows, 16, 1).unwrap(), s.fit(&rows, 16, 1).unwrap());
    }

    #[test]
    fn projecting_one_row_is_transforming_it() {
        let rows: Vec<SparseRow> = (0..30u32)
            .map(|i| row(&[(i % 7, 1.0), ((i * 3) % 11, 0.5), (11 + i % 5, 0.25)]))
            .chain(std::iter::once(SparseRow::default()))
            .collect();
        let fitted = ReductionSettings {
            dimensions: 5,
            ..Default::default()
        }
        .fit(&rows, 16, 1)
        .unwrap();
        let all = fitted.transform(&rows);
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(fitted.project(r), all.row(i), "row {i}");
        }
        assert!(fitted
            .project(&SparseRow::default())
            .iter()
            .all(|&x| x == 0.0));
    }
}
