//! Where participants and comments sit on the opinion map.

use crate::matrix::VoteMatrix;
use crate::pca::Pca;

/// Each row's position: its centred votes projected on the two components, scaled by
/// `sqrt(m / n_i)` so that people who voted on few comments are not all drawn to the centre
/// (pol.is's sparsity-aware projection). `n_i` counts moderated-out columns as voted.
pub fn participant_projection(matrix: &VoteMatrix, pca: &Pca) -> Vec<[f64; 2]> {
    let m = matrix.columns() as f64;
    (0..matrix.rows())
        .map(|row| {
            let mut p = [0.0, 0.0];
            for (c, x) in matrix.rated_row(row) {
                let d = x - pca.center[c];
                p[0] += d * pca.comps[0][c];
                p[1] += d * pca.comps[1][c];
            }
            let scale = (m / matrix.rated_count(row).max(1) as f64).sqrt();
            [p[0] * scale, p[1] * scale]
        })
        .collect()
}

/// Each comment's position: a virtual participant who agreed (−1) with it alone.
pub fn comment_projection(pca: &Pca) -> Vec<[f64; 2]> {
    let m = pca.center.len() as f64;
    pca.center
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let d = m.sqrt() * (-1.0 - c);
            [d * pca.comps[0][j], d * pca.comps[1][j]]
        })
        .collect()
}

/// How far each comment sits from the centre of the map.
pub fn comment_extremity(pca: &Pca) -> Vec<f64> {
    comment_projection(pca)
        .iter()
        .map(|[x, y]| (x * x + y * y).sqrt())
        .collect()
}
