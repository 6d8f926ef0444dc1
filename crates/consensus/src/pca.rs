//! Two-component PCA on the sparse, centred rating matrix.
//!
//! Missing cells are imputed with their column mean, so after centring they are exactly 0 and
//! the centred matrix stays as sparse as the votes. `XᵀX V` is computed row by row from the
//! stored votes, for a block of four vectors at once.
//!
//! pol.is finds the same two directions by power iteration with deflation and stops when the
//! eigenvalue estimate repeats, which leaves the vectors at about 1e-8 and, on a cold start
//! with close eigenvalues, at 1e-5 after its 100-iteration cap. We use subspace iteration with
//! Rayleigh-Ritz (the same fixed point, reached much faster when the second and third
//! eigenvalues are close) and stop when the vectors no longer move (default 1e-14), which
//! reaches pol.is's converged, warm-started values to about 1e-13 on its own fixtures.

use crate::matrix::VoteMatrix;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The PCA of a conversation: centre and two unit components, indexed like the matrix's
/// columns (`tids`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pca {
    /// The comment id of each entry.
    pub tids: Vec<u64>,
    /// Column means of the rating matrix.
    pub center: Vec<f64>,
    /// The first two principal directions (unit length; sign arbitrary but kept stable by
    /// warm starts).
    pub comps: [Vec<f64>; 2],
}

/// How to run the power iteration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PcaOptions {
    /// Stop when no entry of the vector moves more than this between iterations.
    pub tolerance: f64,
    /// Never more iterations than this per component.
    pub max_iterations: usize,
    /// Also stop when the two leading eigenvalue estimates change by less than this share, as
    /// pol.is's power iteration stops when its estimate repeats (`None`: vectors only).
    pub value_tolerance: Option<f64>,
}

impl Default for PcaOptions {
    fn default() -> Self {
        Self {
            tolerance: 1e-14,
            max_iterations: 10_000,
            value_tolerance: None,
        }
    }
}

/// From this many votes on, one analysis runs its PCA to [`LARGE_TOLERANCE`]: each iteration
/// then costs a pass over millions of votes, and the map cannot show the difference.
pub const LARGE_VOTES: usize = 1_000_000;

/// The PCA tolerance of large conversations (see docs/performance.md for its effect).
pub const LARGE_TOLERANCE: f64 = 1e-7;

impl PcaOptions {
    /// These options, with the tolerance loosened to [`LARGE_TOLERANCE`] for a matrix of
    /// `votes` votes from [`LARGE_VOTES`] on.
    pub fn suited_to(self, votes: usize) -> Self {
        if votes >= LARGE_VOTES {
            Self {
                tolerance: self.tolerance.max(LARGE_TOLERANCE),
                ..self
            }
        } else {
            self
        }
    }

    /// For the updates of a replay before the last: warm-started, at most 100 iterations (as
    /// pol.is's power iteration per update), and stopped once the components move less than
    /// 1e-6 or the two leading eigenvalues change by less than 1e-10 of themselves (pol.is stops
    /// when its estimate repeats). Those updates only carry the components, inclusion and
    /// clusterings forward; on the six openData conversations the groups and their adjusted Rand
    /// index come out exactly as with the default tolerance, in 40 % of the time. The last update
    /// is refined to the default tolerance from there.
    pub fn per_update() -> Self {
        Self {
            tolerance: 1e-6,
            max_iterations: 100,
            value_tolerance: Some(1e-10),
        }
    }
}

/// `XᵀX V` for a block of vectors (`block[b]` is vector b), in one pass over the votes; large
/// matrices are split by rows over the available cores and the partial sums added.
fn gram_times_block(matrix: &VoteMatrix, center: &[f64], block: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let k = block.len();
    let m = center.len();
    // Interleaved (column-major by comment), so each vote reads and writes k neighbours.
    let mut interleaved = vec![0.0; m * k];
    for (b, v) in block.iter().enumerate() {
        for (c, x) in v.iter().enumerate() {
            interleaved[c * k + b] = *x;
        }
    }
    let rows = matrix.rows();
    let threads = if matrix.votes() < 200_000 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    };
    let total = if threads <= 1 {
        gram_rows(matrix, center, &interleaved, k, 0..rows)
    } else {
        let chunk = rows.div_ceil(threads);
        let parts: Vec<Vec<f64>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let range = (t * chunk).min(rows)..((t + 1) * chunk).min(rows);
                    let interleaved = &interleaved;
                    scope.spawn(move || gram_rows(matrix, center, interleaved, k, range))
                })
                .collect();
            handles
                .into_iter()
                // A worker that panicked must not leave a partial sum out: pass its panic on.
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let mut sum = vec![0.0; m * k];
        for part in parts {
            for (a, b) in sum.iter_mut().zip(part) {
                *a += b;
            }
        }
        sum
    };
    (0..k)
        .map(|b| (0..m).map(|c| total[c * k + b]).collect())
        .collect()
}

/// `XᵀX V` restricted to some rows, with V and the result interleaved (`v[c * k + b]`).
fn gram_rows(
    matrix: &VoteMatrix,
    center: &[f64],
    v: &[f64],
    k: usize,
    rows: std::ops::Range<usize>,
) -> Vec<f64> {
    if k == BLOCK {
        return gram_rows_fixed::<BLOCK>(matrix, center, v, rows);
    }
    let mut out = vec![0.0; center.len() * k];
    let mut s = vec![0.0; k];
    let mut cells: Vec<(usize, f64)> = Vec::new();
    for row in rows {
        cells.clear();
        cells.extend(matrix.rated_row(row).map(|(c, x)| (c, x - center[c])));
        s.iter_mut().for_each(|x| *x = 0.0);
        for &(c, d) in &cells {
            for b in 0..k {
                s[b] += d * v[c * k + b];
            }
        }
        for &(c, d) in &cells {
            for b in 0..k {
                out[c * k + b] += s[b] * d;
            }
        }
    }
    out
}

/// [`gram_rows`] for a block size known at compile time, so the inner loops unroll.
fn gram_rows_fixed<const K: usize>(
    matrix: &VoteMatrix,
    center: &[f64],
    v: &[f64],
    rows: std::ops::Range<usize>,
) -> Vec<f64> {
    let mut out = vec![0.0; center.len() * K];
    let centred = matrix.centred_values(center);
    for row in rows {
        let (cols, values) = matrix.row_slices(row);
        let mut s = [0.0; K];
        for (&c, &x) in cols.iter().zip(values) {
            let c = c as usize;
            let d = centred[c][(x + 1) as usize];
            let vc = &v[c * K..c * K + K];
            for b in 0..K {
                s[b] += d * vc[b];
            }
        }
        for (&c, &x) in cols.iter().zip(values) {
            let c = c as usize;
            let d = centred[c][(x + 1) as usize];
            let oc = &mut out[c * K..c * K + K];
            for b in 0..K {
                oc[b] += s[b] * d;
            }
        }
    }
    out
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn norm(v: &[f64]) -> f64 {
    dot(v, v).sqrt()
}

/// Orthonormalises the vectors in order (modified Gram-Schmidt, twice for accuracy); a vector
/// that vanishes is replaced by zeros.
fn orthonormalise(vectors: &mut [Vec<f64>]) {
    for i in 0..vectors.len() {
        for _ in 0..2 {
            for j in 0..i {
                let (done, rest) = vectors.split_at_mut(i);
                let p = dot(&rest[0], &done[j]);
                for (a, b) in rest[0].iter_mut().zip(&done[j]) {
                    *a -= p * b;
                }
            }
        }
        let n = norm(&vectors[i]);
        if n > 1e-300 {
            vectors[i].iter_mut().for_each(|x| *x /= n);
        } else {
            vectors[i].iter_mut().for_each(|x| *x = 0.0);
        }
    }
}

/// Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: eigenvalues
/// descending, with the eigenvectors as columns of the returned matrix (row-major).
fn symmetric_eigen(mut a: Vec<Vec<f64>>) -> (Vec<f64>, Vec<Vec<f64>>) {
    let n = a.len();
    let mut v: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    // Converged when the off-diagonal part is negligible next to the whole (relative, so
    // large eigenvalues do not keep it sweeping to the cap), or when rounding stops it
    // shrinking: Jacobi converges quadratically, so that takes a handful of sweeps.
    let total: f64 = a.iter().flatten().map(|x| x * x).sum();
    let mut last_off = f64::INFINITY;
    for _ in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum();
        if off <= total * 1e-32 || off < 1e-300 || off >= last_off {
            break;
        }
        last_off = off;
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q].abs() < 1e-300 {
                    continue;
                }
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for row in a.iter_mut() {
                    let (akp, akq) = (row[p], row[q]);
                    row[p] = c * akp - s * akq;
                    row[q] = s * akp + c * akq;
                }
                let (row_p, row_q) = (a[p].clone(), a[q].clone());
                for (k, (apk, aqk)) in row_p.into_iter().zip(row_q).enumerate() {
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
                for row in v.iter_mut() {
                    let (vp, vq) = (row[p], row[q]);
                    row[p] = c * vp - s * vq;
                    row[q] = s * vp + c * vq;
                }
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| a[j][j].total_cmp(&a[i][i]));
    let values = order.iter().map(|&i| a[i][i]).collect();
    let vectors = (0..n)
        .map(|r| order.iter().map(|&i| v[r][i]).collect())
        .collect();
    (values, vectors)
}

/// Block size of the subspace iteration: two components plus two guard vectors, so that the
/// convergence rate is set by the fifth eigenvalue rather than the third.
const BLOCK: usize = 4;

/// The top two eigenvectors of `XᵀX` by subspace iteration with Rayleigh-Ritz, starting from
/// `start` (two or more vectors; the rest of the block is filled with fixed pseudo-random
/// vectors). Converged when neither Ritz vector moves more than the tolerance.
fn top_two(
    matrix: &VoteMatrix,
    center: &[f64],
    start: Vec<Vec<f64>>,
    options: PcaOptions,
) -> [Vec<f64>; 2] {
    let m = center.len();
    let k = BLOCK.min(m.max(1));
    let mut block = start;
    let mut seed = 1u64;
    while block.len() < k {
        block.push(cold_start(m, seed));
        seed += 1;
    }
    block.truncate(k);
    orthonormalise(&mut block);
    let mut previous: Option<[Vec<f64>; 2]> = None;
    let mut previous_values: Option<[f64; 2]> = None;
    let mut top: [Vec<f64>; 2] = [vec![0.0; m], vec![0.0; m]];
    for _ in 0..options.max_iterations {
        let w = gram_times_block(matrix, center, &block);
        // Rayleigh-Ritz on the current block: H = Vᵀ XᵀX V.
        let h: Vec<Vec<f64>> = (0..k)
            .map(|i| (0..k).map(|j| dot(&block[i], &w[j])).collect())
            .collect();
        let (values, vectors) = symmetric_eigen(h);
        let mut next: Vec<Vec<f64>> = (0..k)
            .map(|e| {
                let mut v = vec![0.0; m];
                for (b, wb) in w.iter().enumerate() {
                    let coefficient = vectors[b][e];
                    for (x, y) in v.iter_mut().zip(wb) {
                        *x += coefficient * y;
                    }
                }
                v
            })
            .collect();
        orthonormalise(&mut next);
        // Ritz vectors of (numerically) zero eigenvalues are not directions of the data.
        let largest = values.first().copied().unwrap_or(0.0).max(0.0);
        for (e, v) in next.iter_mut().enumerate().take(2) {
            if values.get(e).copied().unwrap_or(0.0) <= largest * 1e-12 {
                v.iter_mut().for_each(|x| *x = 0.0);
            }
        }
        top = [next[0].clone(), next[1].clone()];
        // Signs of Ritz vectors are arbitrary: keep them facing the previous iteration's.
        if let Some(prev) = &previous {
            for c in 0..2 {
                if dot(&top[c], &prev[c]) < 0.0 {
                    top[c].iter_mut().for_each(|x| *x = -*x);
                    next[c].iter_mut().for_each(|x| *x = -*x);
                }
            }
            let moved = (0..2)
                .flat_map(|c| top[c].iter().zip(&prev[c]).map(|(a, b)| (a - b).abs()))
                .fold(0.0, f64::max);
            if moved < options.tolerance {
                break;
            }
        }
        let leading = [
            values.first().copied().unwrap_or(0.0),
            values.get(1).copied().unwrap_or(0.0),
        ];
        if let (Some(share), Some(before)) = (options.value_tolerance, previous_values)
            && leading
                .iter()
                .zip(before)
                .all(|(now, was)| (now - was).abs() <= share * now.abs().max(f64::MIN_POSITIVE))
        {
            break;
        }
        previous_values = Some(leading);
        previous = Some(top.clone());
        block = next;
    }
    top
}

/// A fixed pseudo-random start in [0.5, 1.5): deterministic, so a cold run is reproducible,
/// and, unlike all ones, not orthogonal to the answer in symmetric cases (two camps voting
/// exactly opposite on two comments).
fn cold_start(m: usize, seed: u64) -> Vec<f64> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_mul(0xD1B5_4A32_D192_ED03);
    (0..m)
        .map(|_| {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            0.5 + (z >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// The PCA of `matrix`, warm-started from `previous` when given (entries matched by comment
/// id; new comments start at 1), otherwise from a fixed start, so a cold run is reproducible.
pub fn pca(matrix: &VoteMatrix, previous: Option<&Pca>, options: PcaOptions) -> Pca {
    let center = matrix.column_means();
    let m = matrix.columns();
    let start = |k: usize| -> Vec<f64> {
        match previous {
            Some(prev) => {
                let old: HashMap<u64, f64> = prev
                    .tids
                    .iter()
                    .copied()
                    .zip(prev.comps[k].iter().copied())
                    .collect();
                let v: Vec<f64> = matrix
                    .tids
                    .iter()
                    .map(|t| old.get(t).copied().unwrap_or(1.0))
                    .collect();
                if norm(&v) == 0.0 {
                    cold_start(m, k as u64 + 100)
                } else {
                    v
                }
            }
            None => cold_start(m, k as u64 + 100),
        }
    };
    let comps = top_two(matrix, &center, vec![start(0), start(1)], options);
    Pca {
        tids: matrix.tids.clone(),
        center,
        comps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::{Vote, VoteEvent};
    use std::collections::BTreeSet;

    #[test]
    fn two_opinion_camps_give_a_first_component_that_separates_them() {
        let mut events = Vec::new();
        for pid in 0..10u64 {
            let (a, b) = if pid < 5 {
                (Vote::Agree, Vote::Disagree)
            } else {
                (Vote::Disagree, Vote::Agree)
            };
            events.push(VoteEvent {
                pid,
                tid: 0,
                vote: a,
                at: 0,
            });
            events.push(VoteEvent {
                pid,
                tid: 1,
                vote: b,
                at: 0,
            });
        }
        let m = VoteMatrix::from_events(&events, &BTreeSet::new());
        let p = pca(&m, None, PcaOptions::default());
        assert_eq!(p.center, vec![0.0, 0.0]);
        let c = &p.comps[0];
        assert!((c[0].abs() - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-12);
        assert!(
            (c[0] + c[1]).abs() < 1e-12,
            "the comments pull in opposite directions"
        );
        assert!(norm(&p.comps[1]) < 1e-12, "rank one: no second direction");
    }
}
