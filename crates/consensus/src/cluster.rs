//! k-means as pol.is runs it (`clusters.clj`): deterministic initialisation, warm starts from
//! the previous clustering, weighted means, and a stop when centres move less than 0.01.

use serde::{Deserialize, Serialize};

/// A cluster: its id, its members (indexes into the points) and its centre.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// Stable id.
    pub id: usize,
    /// Indexes of its points.
    pub members: Vec<usize>,
    /// Mean (or weighted mean) of its points.
    pub center: [f64; 2],
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Mean of `members` of `points`, weighted when weights are given.
fn mean(points: &[[f64; 2]], weights: Option<&[f64]>, members: &[usize]) -> [f64; 2] {
    let mut sum = [0.0, 0.0];
    let mut total = 0.0;
    for &i in members {
        let w = weights.map_or(1.0, |w| w[i]);
        sum[0] += w * points[i][0];
        sum[1] += w * points[i][1];
        total += w;
    }
    if total == 0.0 {
        return [0.0, 0.0];
    }
    [sum[0] / total, sum[1] / total]
}

/// The first `k` distinct points, in order, as singleton clusters.
fn initial(points: &[[f64; 2]], k: usize) -> Vec<Cluster> {
    let mut clusters: Vec<Cluster> = Vec::new();
    for (i, &p) in points.iter().enumerate() {
        if clusters.len() == k {
            break;
        }
        if clusters.iter().all(|c| c.center != p) {
            clusters.push(Cluster {
                id: clusters.len(),
                members: vec![i],
                center: p,
            });
        }
    }
    clusters
}

/// Assigns every point to its nearest centre (the last one on a tie, as pol.is's `min-key`
/// does), drops empty clusters, and recentres.
fn step(points: &[[f64; 2]], weights: Option<&[f64]>, clusters: &[Cluster]) -> Vec<Cluster> {
    let nearest = |p: [f64; 2]| {
        let mut best = 0;
        let mut best_distance = f64::INFINITY;
        for (c, cluster) in clusters.iter().enumerate() {
            let d = distance(p, cluster.center);
            if d <= best_distance {
                best = c;
                best_distance = d;
            }
        }
        best
    };
    // Large point sets are assigned on all cores; the result does not depend on the split.
    let threads = if points.len() < 50_000 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    };
    let labels: Vec<usize> = if threads <= 1 {
        points.iter().map(|&p| nearest(p)).collect()
    } else {
        let chunk = points.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = points
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || part.iter().map(|&p| nearest(p)).collect::<Vec<_>>())
                })
                .collect();
            handles
                .into_iter()
                // A worker that panicked must not leave points unassigned: pass its panic on.
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); clusters.len()];
    if !clusters.is_empty() {
        for (i, &label) in labels.iter().enumerate() {
            members[label].push(i);
        }
    }
    clusters
        .iter()
        .zip(members)
        .filter(|(_, m)| !m.is_empty())
        .map(|(c, m)| Cluster {
            id: c.id,
            center: mean(points, weights, &m),
            members: m,
        })
        .collect()
}

/// Whether two clusterings have the same centres (sorted) within 0.01 of each other.
fn settled(a: &[Cluster], b: &[Cluster]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let sorted = |cs: &[Cluster]| {
        let mut centres: Vec<[f64; 2]> = cs.iter().map(|c| c.center).collect();
        centres.sort_by(|x, y| x[0].total_cmp(&y[0]).then(x[1].total_cmp(&y[1])));
        centres
    };
    sorted(a)
        .iter()
        .zip(sorted(b).iter())
        .all(|(x, y)| distance(*x, *y) < 0.01)
}

/// The previous clustering made fit for the current points (`clean-start-clusters`): recentred
/// on surviving members, identical centres merged, and split until there are
/// `min(k, distinct points)` clusters by taking the point farthest from its nearest centre.
fn clean_start(
    points: &[[f64; 2]],
    weights: Option<&[f64]>,
    previous: &[Cluster],
    k: usize,
) -> Vec<Cluster> {
    let mut clusters: Vec<Cluster> = previous
        .iter()
        .map(|c| {
            let members: Vec<usize> = c
                .members
                .iter()
                .copied()
                .filter(|&i| i < points.len())
                .collect();
            let center = if members.is_empty() {
                c.center
            } else {
                mean(points, weights, &members)
            };
            Cluster {
                id: c.id,
                members,
                center,
            }
        })
        .collect();
    let mut merged: Vec<Cluster> = Vec::new();
    for c in clusters.drain(..) {
        match merged.iter_mut().find(|m| m.center == c.center) {
            Some(m) => m.members.extend(c.members),
            None => merged.push(c),
        }
    }
    let mut distinct: Vec<[f64; 2]> = Vec::new();
    for &p in points {
        if !distinct.contains(&p) {
            distinct.push(p);
        }
    }
    let target = k.min(distinct.len());
    let mut next_id = merged.iter().map(|c| c.id + 1).max().unwrap_or(0);
    while merged.len() < target {
        let farthest = points
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                let nearest = merged
                    .iter()
                    .map(|c| distance(p, c.center))
                    .fold(f64::INFINITY, f64::min);
                (i, nearest)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((i, _)) = farthest else { break };
        merged.push(Cluster {
            id: next_id,
            members: vec![i],
            center: points[i],
        });
        next_id += 1;
    }
    merged
        .into_iter()
        .map(|mut c| {
            if !c.members.is_empty() {
                c.center = mean(points, weights, &c.members);
            }
            c
        })
        .collect()
}

/// k-means of `points` (optionally weighted), warm-started from `previous` when given.
pub fn kmeans(
    points: &[[f64; 2]],
    weights: Option<&[f64]>,
    k: usize,
    previous: Option<&[Cluster]>,
    max_iterations: usize,
) -> Vec<Cluster> {
    if points.is_empty() || k == 0 {
        return Vec::new();
    }
    let mut clusters = match previous {
        Some(prev) if !prev.is_empty() => clean_start(points, weights, prev, k),
        _ => initial(points, k),
    };
    for _ in 0..max_iterations {
        let next = step(points, weights, &clusters);
        let done = settled(&clusters, &next);
        clusters = next;
        if done {
            break;
        }
    }
    clusters
}

/// Mean silhouette of a clustering of `points` (unweighted; a member of a singleton cluster
/// scores 0).
pub fn silhouette(points: &[[f64; 2]], clusters: &[Cluster]) -> f64 {
    if points.is_empty() {
        return 0.0;
    }
    let mut label = vec![usize::MAX; points.len()];
    for (c, cluster) in clusters.iter().enumerate() {
        for &i in &cluster.members {
            label[i] = c;
        }
    }
    let mut total = 0.0;
    for (i, &p) in points.iter().enumerate() {
        let own = label[i];
        if own == usize::MAX || clusters[own].members.len() <= 1 {
            continue;
        }
        let mean_to = |c: usize| {
            let others: Vec<usize> = clusters[c]
                .members
                .iter()
                .copied()
                .filter(|&j| j != i)
                .collect();
            if others.is_empty() {
                return 0.0;
            }
            others.iter().map(|&j| distance(p, points[j])).sum::<f64>() / others.len() as f64
        };
        let a = mean_to(own);
        let b = (0..clusters.len())
            .filter(|&c| c != own)
            .map(mean_to)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            let s = (b - a) / a.max(b);
            if s.is_finite() {
                total += s;
            }
        }
    }
    total / points.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_clouds_become_two_clusters_with_a_high_silhouette() {
        let points = [
            [0.0, 0.0],
            [0.1, 0.0],
            [0.0, 0.1],
            [5.0, 5.0],
            [5.1, 5.0],
            [5.0, 5.1],
        ];
        let clusters = kmeans(&points, None, 2, None, 20);
        assert_eq!(clusters.len(), 2);
        let sizes: Vec<usize> = clusters.iter().map(|c| c.members.len()).collect();
        assert_eq!(sizes, vec![3, 3]);
        assert!(silhouette(&points, &clusters) > 0.9);
        let warm = kmeans(&points, None, 2, Some(&clusters), 20);
        assert_eq!(warm, clusters, "a warm start from the answer stays put");
    }
}
