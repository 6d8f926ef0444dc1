//! The Method of Equal Shares with cost utilities, made cheap enough to run many times (the
//! "add1" completion runs it once per unit raise of the per-voter budget).
//!
//! Each round funds the project with the smallest price per unit of satisfaction (`rho`: the
//! most any supporter pays, divided by the cost). Three things keep a round cheap:
//! - supporter lists are built once per election, not once per run;
//! - lazy evaluation: money only ever goes down, so a project's last `rho` is a lower bound on
//!   its `rho` now. Projects wait in a heap by that bound; a round recomputes them from the
//!   cheapest bound up and stops as soon as the next bound is above the best price found, so
//!   usually only a few projects are recomputed per round;
//! - the price itself is found without sorting all supporters: a few passes move the
//!   supporters who cannot pay an equal share to the front, and only they are sorted.
//!
//! The price is computed with exactly the arithmetic of the plain method (supporters' money
//! summed in supporter order, poorest first when paying), so the outcome is the same.

use crate::budget::Election;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Two prices closer than this are a tie (floating-point noise, not a real difference).
pub(super) const TIE: f64 = 1e-12;

/// Money short of a cost by less than this still pays for it (rounding in the sums).
const SLACK: f64 = 1e-9;

/// How many passes the price search makes before it sorts all supporters instead.
const PASSES: usize = 8;

/// What one run of equal shares chose.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Run {
    /// The funded projects, in the order they were chosen.
    pub chosen: Vec<usize>,
    /// Each voter's share of the money in this run.
    pub per_voter: f64,
    /// What each voter had left at the end.
    pub money_left: Vec<f64>,
    /// Whether every candidate was funded or would break a category cap: no raise of the
    /// per-voter budget can fund more.
    pub complete: bool,
}

/// An election prepared for many runs of equal shares.
pub(super) struct Shares<'a> {
    election: &'a Election,
    /// The projects that can be funded, most votes first, ties in listed order (their rank
    /// breaks ties in price).
    candidates: Vec<usize>,
    /// The supporters (voter indexes) of each candidate, by rank.
    supporters: Vec<Vec<usize>>,
    /// The cost of each candidate, by rank.
    costs: Vec<f64>,
}

/// A candidate waiting in the heap: the lowest price it can have, and its rank.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Waiting {
    bound: f64,
    rank: usize,
}

impl Eq for Waiting {}

impl Ord for Waiting {
    /// Reversed, so that `BinaryHeap` (a max-heap) gives the lowest bound first, then the
    /// lowest rank.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .bound
            .total_cmp(&self.bound)
            .then(other.rank.cmp(&self.rank))
    }
}

impl PartialOrd for Waiting {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<'a> Shares<'a> {
    /// Prepares `election`: its candidates (projects with enough votes) and their supporters.
    pub fn new(election: &'a Election) -> Self {
        let candidates = election.by_votes();
        let mut rank_of = vec![usize::MAX; election.projects.len()];
        for (rank, &p) in candidates.iter().enumerate() {
            rank_of[p] = rank;
        }
        let mut supporters: Vec<Vec<usize>> = vec![Vec::new(); candidates.len()];
        for (voter, ballot) in election.ballots.iter().enumerate() {
            for &p in ballot {
                if let Some(&rank) = rank_of.get(p).filter(|&&r| r != usize::MAX) {
                    supporters[rank].push(voter);
                }
            }
        }
        let costs = candidates
            .iter()
            .map(|&p| election.projects[p].cost as f64)
            .collect();
        Shares {
            election,
            candidates,
            supporters,
            costs,
        }
    }

    /// One run with `total` shared equally among the voters.
    pub fn run(&self, total: f64) -> Run {
        let n = self.election.ballots.len();
        let per_voter = total / n as f64;
        let mut money = vec![per_voter; n];
        let mut chosen = Vec::new();
        let mut budgets: Vec<f64> = Vec::new();
        // With everyone's money equal, a candidate's price is its cost split equally: 1/|S|.
        let mut heap: BinaryHeap<Waiting> = (0..self.candidates.len())
            .map(|rank| {
                let cost = self.costs[rank];
                let share = cost / self.supporters[rank].len().max(1) as f64;
                Waiting {
                    bound: share / cost.max(1.0),
                    rank,
                }
            })
            .collect();
        let mut fresh: Vec<(f64, usize, f64)> = Vec::new();
        loop {
            // Recompute candidates from the lowest bound up, until no other can be as cheap.
            fresh.clear();
            let mut best = f64::INFINITY;
            while let Some(&Waiting { bound, rank }) = heap.peek() {
                // A margin over `TIE`: bounds are this run's exact prices, but the first
                // round's are computed a slightly different way and may be a rounding higher.
                if bound > best + 2.0 * TIE {
                    break;
                }
                heap.pop();
                let p = self.candidates[rank];
                if self.election.broken_cap(&chosen, p).is_some() {
                    continue;
                }
                budgets.clear();
                budgets.extend(self.supporters[rank].iter().map(|&v| money[v]));
                let cost = self.costs[rank];
                let Some(alpha) = price(&mut budgets, cost) else {
                    // Money only goes down: a candidate that cannot be paid for now never can.
                    continue;
                };
                let rho = alpha / cost.max(1.0);
                best = best.min(rho);
                fresh.push((rho, rank, alpha));
            }
            // Among the cheapest (within `TIE`), the one with most votes, then listed first.
            let Some(&(_, rank, alpha)) = fresh
                .iter()
                .filter(|(rho, _, _)| *rho <= best + TIE)
                .min_by_key(|(_, rank, _)| *rank)
            else {
                break;
            };
            for &(rho, other, _) in &fresh {
                if other != rank {
                    heap.push(Waiting {
                        bound: rho,
                        rank: other,
                    });
                }
            }
            for &v in &self.supporters[rank] {
                money[v] -= money[v].min(alpha);
            }
            chosen.push(self.candidates[rank]);
        }
        let complete = chosen.len() == self.candidates.len() || self.blocked_by_caps(&chosen);
        Run {
            chosen,
            per_voter,
            money_left: money,
            complete,
        }
    }
}

impl Shares<'_> {
    /// Whether every candidate not in `chosen` would break a category cap.
    fn blocked_by_caps(&self, chosen: &[usize]) -> bool {
        if self.election.caps.is_empty() {
            return false;
        }
        let mut funded = vec![false; self.election.projects.len()];
        for &p in chosen {
            funded[p] = true;
        }
        self.candidates
            .iter()
            .all(|&p| funded[p] || self.election.broken_cap(chosen, p).is_some())
    }
}

/// An integer that orders like `f64::total_cmp`: sorting by it is cheaper than comparing
/// floats, and equal amounts (the only ones whose order could matter) have equal keys.
fn order_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// The most any supporter pays when supporters with `budgets` (in supporter order) pay `cost`
/// as equally as their money allows; `None` when together they cannot pay it. The result is
/// the plain method's: sort the money, and let the poorest pay all they have until the rest
/// can split what is left equally. `budgets` is reordered.
fn price(budgets: &mut [f64], cost: f64) -> Option<f64> {
    let m = budgets.len();
    let available: f64 = budgets.iter().sum();
    if available + SLACK < cost {
        return None;
    }
    // Find who cannot pay an equal share without sorting: move them to the front, raise the
    // share of the others, repeat until no one else falls short.
    let mut poor = 0;
    let mut poor_money = 0.0;
    let mut stable = false;
    for _ in 0..PASSES {
        if poor == m {
            break;
        }
        let share = (cost - poor_money) / (m - poor) as f64;
        let before = poor;
        let mut front = poor;
        for j in before..m {
            if budgets[j] < share {
                poor_money += budgets[j];
                budgets.swap(front, j);
                front += 1;
            }
        }
        poor = front;
        if poor == before {
            stable = true;
            break;
        }
    }
    if stable {
        // The plain method's steps over the poor, poorest first, then the first who can pay.
        budgets[..poor].sort_unstable_by_key(|&b| order_key(b));
        let least_rich = budgets[poor..]
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min);
        let mut paid = 0.0;
        for (i, &b) in budgets[..poor].iter().enumerate() {
            let share = (cost - paid) / (m - i) as f64;
            if b >= share {
                return Some(share);
            }
            paid += b;
        }
        let share = (cost - paid) / (m - poor) as f64;
        if least_rich >= share {
            return Some(share);
        }
    }
    // Rounding put someone on the other side, or the passes ran out: sort everyone.
    budgets.sort_unstable_by_key(|&b| order_key(b));
    let mut paid = 0.0;
    for (i, &b) in budgets.iter().enumerate() {
        let share = (cost - paid) / (m - i) as f64;
        if b >= share {
            return Some(share);
        }
        paid += b;
    }
    // Together they have the cost only up to rounding: each pays all they have.
    Some(budgets.last().copied().unwrap_or(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain method: sort everyone.
    fn plain(budgets: &[f64], cost: f64) -> Option<f64> {
        let mut sorted = budgets.to_vec();
        let available: f64 = budgets.iter().sum();
        if available + SLACK < cost {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let mut paid = 0.0;
        for (i, &b) in sorted.iter().enumerate() {
            let share = (cost - paid) / (sorted.len() - i) as f64;
            if b >= share {
                return Some(share);
            }
            paid += b;
        }
        sorted.last().copied()
    }

    #[test]
    fn the_price_is_the_plain_methods_to_the_bit() {
        let mut seed = 7u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2_000 {
            let m = 1 + (next() % 40) as usize;
            // Few distinct amounts, as in a real run, or all different.
            let levels = 1 + next() % 6;
            let budgets: Vec<f64> = (0..m)
                .map(|_| match next() % 2 {
                    0 => (next() % levels) as f64 * 7.25,
                    _ => (next() % 10_000) as f64 / 37.0,
                })
                .collect();
            let cost = (next() % 500) as f64;
            let mut scratch = budgets.clone();
            assert_eq!(
                price(&mut scratch, cost),
                plain(&budgets, cost),
                "{budgets:?} {cost}"
            );
        }
    }

    #[test]
    fn the_order_key_orders_like_total_cmp() {
        let xs = [
            -3.5,
            -0.0,
            0.0,
            1e-300,
            0.25,
            7.0,
            f64::INFINITY,
            -f64::INFINITY,
        ];
        for a in xs {
            for b in xs {
                assert_eq!(order_key(a).cmp(&order_key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    #[test]
    fn a_price_nobody_can_pay_is_none_and_a_free_project_costs_nothing() {
        assert_eq!(price(&mut [1.0, 2.0], 4.0), None);
        assert_eq!(price(&mut [1.0, 2.0], 0.0), Some(0.0));
        assert_eq!(price(&mut [1.0, 5.0, 5.0], 7.0), Some(3.0));
        assert_eq!(price(&mut [], 0.0), Some(0.0));
    }
}
