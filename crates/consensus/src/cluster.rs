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

/// Cluster centres sorted by x, so a point's nearest centre is found by scanning outwards
/// from its own x and stopping once the x distance alone exceeds the best distance: a few
/// centres per point instead of all of them.
struct Centres {
    /// Centre x coordinates, ascending.
    xs: Vec<f64>,
    /// The cluster index of each entry of `xs`.
    order: Vec<usize>,
    /// Centres by cluster index.
    centres: Vec<[f64; 2]>,
    /// Per centre, a quarter of the squared distance to its nearest other centre, shrunk by a
    /// hair against rounding: a point nearer than that (squared) has this centre as its one
    /// nearest, because every other centre is more than half that distance away from it.
    safe: Vec<f64>,
}

impl Centres {
    fn new(centres: &[[f64; 2]]) -> Centres {
        let centres = centres.to_vec();
        let mut order: Vec<usize> = (0..centres.len()).collect();
        order.sort_by(|&a, &b| centres[a][0].total_cmp(&centres[b][0]));
        let safe = centres
            .iter()
            .enumerate()
            .map(|(a, p)| {
                let gap = centres
                    .iter()
                    .enumerate()
                    .filter(|&(b, _)| b != a)
                    .map(|(_, q)| (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2))
                    .fold(f64::INFINITY, f64::min);
                gap / 4.0 * (1.0 - 1e-9)
            })
            .collect();
        Centres {
            xs: order.iter().map(|&c| centres[c][0]).collect(),
            order,
            centres,
            safe,
        }
    }

    /// The nearest centre's cluster index; on a tie the last cluster, as pol.is's `min-key`
    /// (squared distances order points as distances do). `hint`, the point's cluster last
    /// time, is usually the answer: starting from its distance, the scan stops early. Every
    /// centre at least as near is still visited, so the hint never changes the answer.
    fn nearest(&self, p: [f64; 2], hint: Option<usize>) -> usize {
        let consider = |c: usize, best: &mut (f64, usize)| {
            let q = self.centres[c];
            let d = (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2);
            if d < best.0 || (d == best.0 && c > best.1) {
                *best = (d, c);
            }
        };
        let mut best = (f64::INFINITY, 0usize);
        if let Some(h) = hint.filter(|&h| h < self.centres.len()) {
            consider(h, &mut best);
            if best.0 < self.safe[h] {
                return h;
            }
        }
        let start = self.xs.partition_point(|&x| x < p[0]);
        for i in start..self.xs.len() {
            if (self.xs[i] - p[0]).powi(2) > best.0 {
                break;
            }
            consider(self.order[i], &mut best);
        }
        for i in (0..start).rev() {
            if (p[0] - self.xs[i]).powi(2) > best.0 {
                break;
            }
            consider(self.order[i], &mut best);
        }
        best.1
    }
}

/// Each point's nearest centre (the last one on a tie, as pol.is's `min-key` does), starting
/// from its previous label. Large point sets are assigned on all cores; the result does not
/// depend on the split.
fn assign(points: &[[f64; 2]], centres: &[[f64; 2]], last: &[usize]) -> Vec<usize> {
    let index = Centres::new(centres);
    let nearest = |(p, hint): (&[f64; 2], &usize)| index.nearest(*p, Some(*hint));
    let threads = if points.len() < 50_000 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    };
    if threads <= 1 {
        return points.iter().zip(last).map(nearest).collect();
    }
    let chunk = points.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = points
            .chunks(chunk)
            .zip(last.chunks(chunk))
            .map(|(part, hints)| {
                scope.spawn(move || part.iter().zip(hints).map(nearest).collect::<Vec<_>>())
            })
            .collect();
        handles
            .into_iter()
            // A worker that panicked must not leave points unassigned: pass its panic on.
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// One k-means step on labels: assigns every point, drops clusters left empty, and recentres
/// on the (weighted) mean, summed in point order as [`mean`] does. Returns the surviving
/// clusters' ids and centres, and the labels as indexes into them.
fn step(
    points: &[[f64; 2]],
    weights: Option<&[f64]>,
    ids: &[usize],
    centres: &[[f64; 2]],
    labels: &[usize],
) -> (Vec<usize>, Vec<[f64; 2]>, Vec<usize>) {
    let mut labels = assign(points, centres, labels);
    let mut sums = vec![([0.0, 0.0], 0.0, 0usize); centres.len()];
    for (i, &label) in labels.iter().enumerate() {
        let w = weights.map_or(1.0, |w| w[i]);
        let s = &mut sums[label];
        s.0[0] += w * points[i][0];
        s.0[1] += w * points[i][1];
        s.1 += w;
        s.2 += 1;
    }
    let mut renumber = vec![usize::MAX; centres.len()];
    let (mut next_ids, mut next_centres) = (Vec::new(), Vec::new());
    for (c, (sum, total, count)) in sums.into_iter().enumerate() {
        if count > 0 {
            renumber[c] = next_ids.len();
            next_ids.push(ids[c]);
            next_centres.push(if total == 0.0 {
                [0.0, 0.0]
            } else {
                [sum[0] / total, sum[1] / total]
            });
        }
    }
    labels.iter_mut().for_each(|l| *l = renumber[*l]);
    (next_ids, next_centres, labels)
}

/// Whether two sets of centres are the same (sorted) within 0.01 of each other.
fn settled(a: &[[f64; 2]], b: &[[f64; 2]]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let sorted = |cs: &[[f64; 2]]| {
        let mut centres = cs.to_vec();
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
    // Only whether there are k distinct points matters, so stop counting at k.
    let mut distinct: Vec<[f64; 2]> = Vec::new();
    for &p in points {
        if distinct.len() == k {
            break;
        }
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
    let start = match previous {
        Some(prev) if !prev.is_empty() => clean_start(points, weights, prev, k),
        _ => initial(points, k),
    };
    if start.is_empty() {
        return start;
    }
    let mut ids: Vec<usize> = start.iter().map(|c| c.id).collect();
    let mut centres: Vec<[f64; 2]> = start.iter().map(|c| c.center).collect();
    // Labels only serve as hints for the nearest-centre search; points in no cluster start
    // from the first.
    let mut labels = vec![0usize; points.len()];
    for (c, cluster) in start.iter().enumerate() {
        for &i in &cluster.members {
            if let Some(l) = labels.get_mut(i) {
                *l = c;
            }
        }
    }
    let mut members_known = false;
    for _ in 0..max_iterations {
        let (next_ids, next_centres, next_labels) = step(points, weights, &ids, &centres, &labels);
        let done = settled(&centres, &next_centres);
        (ids, centres, labels) = (next_ids, next_centres, next_labels);
        members_known = true;
        if done {
            break;
        }
    }
    if !members_known {
        return start;
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); ids.len()];
    for (i, &l) in labels.iter().enumerate() {
        members[l].push(i);
    }
    ids.into_iter()
        .zip(centres)
        .zip(members)
        .map(|((id, center), members)| Cluster {
            id,
            members,
            center,
        })
        .collect()
}

/// Mean silhouette of a clustering of `points` (unweighted; a member of a singleton cluster
/// scores 0).
pub fn silhouette(points: &[[f64; 2]], clusters: &[Cluster]) -> f64 {
    silhouette_from(&Distances::between(points), clusters)
}

/// All pairwise distances of a point set (row-major), computed once for every k tried.
pub struct Distances {
    n: usize,
    d: Vec<f64>,
}

impl Distances {
    /// The distances between every two of `points`.
    pub fn between(points: &[[f64; 2]]) -> Distances {
        let n = points.len();
        let mut d = vec![0.0; n * n];
        for i in 0..n {
            for j in i + 1..n {
                let x = distance(points[i], points[j]);
                d[i * n + j] = x;
                d[j * n + i] = x;
            }
        }
        Distances { n, d }
    }
}

/// [`silhouette`] from precomputed distances.
pub fn silhouette_from(distances: &Distances, clusters: &[Cluster]) -> f64 {
    let n = distances.n;
    if n == 0 {
        return 0.0;
    }
    let mut label = vec![usize::MAX; n];
    for (c, cluster) in clusters.iter().enumerate() {
        for &i in &cluster.members {
            label[i] = c;
        }
    }
    let sizes: Vec<usize> = clusters.iter().map(|c| c.members.len()).collect();
    let mut sums = vec![0.0; clusters.len()];
    let mut total = 0.0;
    for i in 0..n {
        let own = label[i];
        if own == usize::MAX || sizes[own] <= 1 {
            continue;
        }
        sums.iter_mut().for_each(|s| *s = 0.0);
        for (j, &d) in distances.d[i * n..(i + 1) * n].iter().enumerate() {
            if j != i && label[j] != usize::MAX {
                sums[label[j]] += d;
            }
        }
        let a = sums[own] / (sizes[own] - 1) as f64;
        let b = (0..clusters.len())
            .filter(|&c| c != own)
            .map(|c| {
                if sizes[c] == 0 {
                    0.0
                } else {
                    sums[c] / sizes[c] as f64
                }
            })
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            let s = (b - a) / a.max(b);
            if s.is_finite() {
                total += s;
            }
        }
    }
    total / n as f64
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

    /// Lloyd's k-means the plain way: every centre checked with square-rooted distances.
    fn plain_kmeans(points: &[[f64; 2]], k: usize, iterations: usize) -> Vec<Cluster> {
        let mut clusters = initial(points, k);
        for _ in 0..iterations {
            let mut members: Vec<Vec<usize>> = vec![Vec::new(); clusters.len()];
            for (i, &p) in points.iter().enumerate() {
                let mut best = (f64::INFINITY, 0);
                for (c, cluster) in clusters.iter().enumerate() {
                    let d = distance(p, cluster.center);
                    if d <= best.0 {
                        best = (d, c);
                    }
                }
                members[best.1].push(i);
            }
            let next: Vec<Cluster> = clusters
                .iter()
                .zip(members)
                .filter(|(_, m)| !m.is_empty())
                .map(|(c, m)| Cluster {
                    id: c.id,
                    center: mean(points, None, &m),
                    members: m,
                })
                .collect();
            let centres = |cs: &[Cluster]| cs.iter().map(|c| c.center).collect::<Vec<_>>();
            let done = settled(&centres(&clusters), &centres(&next));
            clusters = next;
            if done {
                break;
            }
        }
        clusters
    }

    #[test]
    fn the_pruned_search_finds_what_checking_every_centre_finds() {
        let mut state = 11u64;
        let mut unit = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        // Points on a coarse grid, so ties between centres happen.
        let points: Vec<[f64; 2]> = (0..3000)
            .map(|_| [(unit() * 40.0).round() / 4.0, (unit() * 40.0).round() / 4.0])
            .collect();
        for k in [2, 5, 100] {
            assert_eq!(
                kmeans(&points, None, k, None, 100),
                plain_kmeans(&points, k, 100)
            );
        }
    }
}
