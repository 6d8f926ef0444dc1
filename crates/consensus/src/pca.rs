//! Two-component PCA by power iteration on the sparse, centred rating matrix.
//!
//! Missing cells are imputed with their column mean, so after centring they are exactly 0 and
//! the centred matrix stays as sparse as the votes. `XᵀX v` is computed row by row from the
//! stored votes. The second component is found on the deflated matrix `X(I − v₁v₁ᵀ)` without
//! materialising it: `(I − v₁v₁ᵀ) XᵀX (I − v₁v₁ᵀ) v`.
//!
//! pol.is stops when the eigenvalue estimate repeats, which leaves the vectors at about 1e-8
//! and, on a cold start with close eigenvalues, at 1e-5 after its 100-iteration cap. We stop
//! when the vector itself no longer moves (default 1e-14), which reaches pol.is's converged,
//! warm-started values to about 1e-13 on its own fixtures.

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
}

impl Default for PcaOptions {
    fn default() -> Self {
        Self {
            tolerance: 1e-14,
            max_iterations: 10_000,
        }
    }
}

/// `XᵀX v` for the centred rating matrix.
fn gram_times(matrix: &VoteMatrix, center: &[f64], v: &[f64]) -> Vec<f64> {
    let mut w = vec![0.0; v.len()];
    for row in 0..matrix.rows() {
        let s: f64 = matrix
            .rated_row(row)
            .map(|(c, x)| (x - center[c]) * v[c])
            .sum();
        if s != 0.0 {
            for (c, x) in matrix.rated_row(row) {
                w[c] += s * (x - center[c]);
            }
        }
    }
    w
}

/// Removes the parts of `v` along the (unit) vectors `found`.
fn orthogonalise(v: &mut [f64], found: &[Vec<f64>]) {
    for u in found {
        let dot: f64 = v.iter().zip(u).map(|(a, b)| a * b).sum();
        for (a, b) in v.iter_mut().zip(u) {
            *a -= dot * b;
        }
    }
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// One component: power iteration from `start`, deflated against `found`.
fn component(
    matrix: &VoteMatrix,
    center: &[f64],
    found: &[Vec<f64>],
    start: Vec<f64>,
    options: PcaOptions,
) -> Vec<f64> {
    let mut v = start;
    orthogonalise(&mut v, found);
    let n = norm(&v);
    if n == 0.0 {
        return vec![0.0; v.len()];
    }
    v.iter_mut().for_each(|x| *x /= n);
    for _ in 0..options.max_iterations {
        let mut w = gram_times(matrix, center, &v);
        orthogonalise(&mut w, found);
        let n = norm(&w);
        if n == 0.0 {
            return vec![0.0; v.len()];
        }
        w.iter_mut().for_each(|x| *x /= n);
        let moved = w
            .iter()
            .zip(&v)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        v = w;
        if moved < options.tolerance {
            break;
        }
    }
    v
}

/// A fixed pseudo-random start in [0.5, 1.5): deterministic, so a cold run is reproducible,
/// and, unlike all ones, not orthogonal to the answer in symmetric cases (two camps voting
/// exactly opposite on two comments).
fn cold_start(m: usize) -> Vec<f64> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
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
                if norm(&v) == 0.0 { cold_start(m) } else { v }
            }
            None => cold_start(m),
        }
    };
    let first = component(matrix, &center, &[], start(0), options);
    let second = component(
        matrix,
        &center,
        std::slice::from_ref(&first),
        start(1),
        options,
    );
    Pca {
        tids: matrix.tids.clone(),
        center,
        comps: [first, second],
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
