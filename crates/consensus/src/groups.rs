//! Opinion groups: base clusters of the participants' positions, then groups of base clusters
//! for k = 2..5 chosen by silhouette and kept steady by the k smoother; and the vote counts per
//! group.

use crate::cluster::{Cluster, Distances, kmeans, silhouette_from};
use crate::matrix::VoteMatrix;
use serde::{Deserialize, Serialize};

/// Base clusters per conversation.
pub const BASE_K: usize = 100;
/// Largest number of groups.
pub const MAX_K: usize = 5;
/// Times in a row a new best k must win before the groups change to it.
pub const K_BUFFER: u32 = 4;

/// The history-dependent clustering state, kept between updates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusterState {
    /// Base clusters (members are participant ids).
    pub base: Vec<IdCluster>,
    /// The grouping of base clusters for each k tried (members are base cluster ids).
    pub groups_by_k: Vec<(usize, Vec<IdCluster>)>,
    /// The k chosen last time by silhouette, and how many times in a row.
    pub last_k: Option<(usize, u32)>,
    /// The k in use after smoothing.
    pub smoothed_k: Option<usize>,
}

/// A cluster whose members are ids (participant ids, or base cluster ids).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdCluster {
    /// Stable id.
    pub id: usize,
    /// Member ids.
    pub members: Vec<u64>,
    /// Centre.
    pub center: [f64; 2],
}

/// Converts index clusters to id clusters.
fn to_ids(clusters: &[Cluster], ids: &[u64]) -> Vec<IdCluster> {
    clusters
        .iter()
        .map(|c| IdCluster {
            id: c.id,
            members: c.members.iter().map(|&i| ids[i]).collect(),
            center: c.center,
        })
        .collect()
}

/// Converts id clusters back to index clusters for the given ids (members no longer present
/// are dropped).
fn to_indexes(clusters: &[IdCluster], ids: &[u64]) -> Vec<Cluster> {
    let position: std::collections::HashMap<u64, usize> =
        ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    clusters
        .iter()
        .map(|c| Cluster {
            id: c.id,
            members: c
                .members
                .iter()
                .filter_map(|m| position.get(m).copied())
                .collect(),
            center: c.center,
        })
        .collect()
}

/// The groups: base clusters of the included participants' positions, groups for every k
/// tried, and the smoothed choice of k. Returns the group clusters (members are base cluster
/// ids) and the new state.
pub fn cluster(
    pids: &[u64],
    positions: &[[f64; 2]],
    previous: &ClusterState,
) -> (Vec<IdCluster>, ClusterState) {
    let base_previous = to_indexes(&previous.base, pids);
    let base = kmeans(
        positions,
        None,
        BASE_K,
        (!base_previous.is_empty()).then_some(base_previous.as_slice()),
        100,
    );
    let base_ids: Vec<u64> = base.iter().map(|c| c.id as u64).collect();
    let centres: Vec<[f64; 2]> = base.iter().map(|c| c.center).collect();
    let weights: Vec<f64> = base.iter().map(|c| c.members.len() as f64).collect();
    let max_k = MAX_K.min(2 + base.len() / 12);
    let distances = Distances::between(&centres);
    let mut groups_by_k = Vec::new();
    let mut best: Option<(usize, f64)> = None;
    for k in 2..=max_k {
        let last = previous
            .groups_by_k
            .iter()
            .find(|(kk, _)| *kk == k)
            .map(|(_, g)| to_indexes(g, &base_ids));
        // pol.is passes its iteration setting under a name k-means does not read, so groups
        // get k-means' default of 20 iterations.
        let groups = kmeans(&centres, Some(&weights), k, last.as_deref(), 20);
        let score = silhouette_from(&distances, &groups);
        // On a tie the larger k wins, as pol.is's `max-key` returns the last.
        if best.is_none_or(|(_, s)| score >= s) {
            best = Some((k, score));
        }
        groups_by_k.push((k, to_ids(&groups, &base_ids)));
    }
    let this_k = best.map(|(k, _)| k);
    let (last_k, smoothed_k) = match this_k {
        None => (None, None),
        Some(k) => {
            let count = match previous.last_k {
                Some((last, n)) if last == k => n + 1,
                _ => 1,
            };
            let smoothed = if count >= K_BUFFER {
                k
            } else {
                previous.smoothed_k.unwrap_or(k)
            };
            (Some((k, count)), Some(smoothed))
        }
    };
    let chosen = smoothed_k
        .and_then(|k| groups_by_k.iter().find(|(kk, _)| *kk == k))
        .map(|(_, g)| g.clone())
        .unwrap_or_default();
    let state = ClusterState {
        base: to_ids(&base, pids),
        groups_by_k,
        last_k,
        smoothed_k,
    };
    (chosen, state)
}

/// Agree, disagree and seen (non-empty, passes included) counts of one group on one comment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Agreed.
    pub agree: u64,
    /// Disagreed.
    pub disagree: u64,
    /// Voted at all.
    pub seen: u64,
}

/// Per group, per column: counts from the raw votes of the group's members (`rows`); a large
/// matrix is counted on all cores, each counting a share of every group's rows.
pub fn group_votes(matrix: &VoteMatrix, groups: &[Vec<usize>]) -> Vec<Vec<Tally>> {
    let threads = if matrix.votes() < 200_000 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    };
    groups
        .iter()
        .map(|rows| {
            if threads <= 1 {
                return count_rows(matrix, rows);
            }
            let chunk = rows.len().div_ceil(threads).max(1);
            let parts: Vec<Vec<Tally>> = std::thread::scope(|scope| {
                let handles: Vec<_> = rows
                    .chunks(chunk)
                    .map(|part| scope.spawn(move || count_rows(matrix, part)))
                    .collect();
                handles
                    .into_iter()
                    // A worker that panicked must not leave votes uncounted: pass its panic on.
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
            let mut total = vec![Tally::default(); matrix.columns()];
            for part in parts {
                for (t, p) in total.iter_mut().zip(part) {
                    t.agree += p.agree;
                    t.disagree += p.disagree;
                    t.seen += p.seen;
                }
            }
            total
        })
        .collect()
}

/// Counts the votes of some rows per column.
fn count_rows(matrix: &VoteMatrix, rows: &[usize]) -> Vec<Tally> {
    let mut tallies = vec![Tally::default(); matrix.columns()];
    for &row in rows {
        let (cols, values) = matrix.row_slices(row);
        for (&c, &v) in cols.iter().zip(values) {
            let t = &mut tallies[c as usize];
            t.seen += 1;
            t.agree += u64::from(v < 0);
            t.disagree += u64::from(v > 0);
        }
    }
    tallies
}

/// Group-aware consensus per column: the product over groups of `(A+1)/(S+2)`, high when
/// every group agrees. `disagree` uses disagreements instead.
pub fn group_aware_consensus(votes: &[Vec<Tally>], columns: usize, disagree: bool) -> Vec<f64> {
    (0..columns)
        .map(|c| {
            votes
                .iter()
                .map(|g| {
                    let t = g[c];
                    let n = if disagree { t.disagree } else { t.agree };
                    (n as f64 + 1.0) / (t.seen as f64 + 2.0)
                })
                .product()
        })
        .collect()
}
