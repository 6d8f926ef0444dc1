//! The plain Method of Equal Shares, for tests: every round recomputes every open project,
//! sorting its supporters' money. The fast `shares` module must choose exactly the same.

use super::EqualSharesRun;
use crate::budget::Election;

/// Equal shares with the "add1" completion, the plain way.
pub(super) fn equal_shares_run(election: &Election) -> EqualSharesRun {
    let voters = election.ballots.len() as u64;
    if voters == 0 {
        return EqualSharesRun {
            chosen: Vec::new(),
            per_voter: 0.0,
            money_left: Vec::new(),
        };
    }
    let mut total = election.budget;
    let mut best = equal_shares(election, total as f64);
    loop {
        total += voters;
        let next = equal_shares(election, total as f64);
        if election.cost_of(&next.chosen) > election.budget {
            return best;
        }
        let open = election.by_votes();
        let complete = open
            .iter()
            .all(|p| next.chosen.contains(p) || election.broken_cap(&next.chosen, *p).is_some());
        best = next;
        if complete {
            return best;
        }
    }
}

fn equal_shares(election: &Election, total: f64) -> EqualSharesRun {
    let n = election.ballots.len();
    let per_voter = total / n as f64;
    let mut money = vec![per_voter; n];
    let votes = election.votes();
    let mut supporters: Vec<Vec<usize>> = vec![Vec::new(); election.projects.len()];
    for (voter, ballot) in election.ballots.iter().enumerate() {
        for &p in ballot {
            supporters[p].push(voter);
        }
    }
    let mut open: Vec<usize> = election.by_votes();
    let mut chosen = Vec::new();
    loop {
        let mut best: Option<(usize, f64, f64)> = None;
        open.retain(|&p| {
            if election.broken_cap(&chosen, p).is_some() {
                return false;
            }
            let cost = election.projects[p].cost as f64;
            let mut budgets: Vec<f64> = supporters[p].iter().map(|&v| money[v]).collect();
            let available: f64 = budgets.iter().sum();
            if available + 1e-9 < cost {
                return false;
            }
            budgets.sort_by(f64::total_cmp);
            let mut paid = 0.0;
            // If rounding leaves no one able to pay an equal share, everyone pays all.
            let mut alpha = budgets.last().copied().unwrap_or(0.0);
            for (i, b) in budgets.iter().enumerate() {
                let rest = (budgets.len() - i) as f64;
                let share = (cost - paid) / rest;
                if *b >= share {
                    alpha = share;
                    break;
                }
                paid += b;
            }
            let rho = alpha / cost.max(1.0);
            let better = match best {
                None => true,
                Some((q, best_rho, _)) => {
                    rho < best_rho - 1e-12
                        || ((rho - best_rho).abs() <= 1e-12
                            && (votes[p] > votes[q] || (votes[p] == votes[q] && p < q)))
                }
            };
            if better {
                best = Some((p, rho, alpha));
            }
            true
        });
        let Some((p, _, alpha)) = best else {
            return EqualSharesRun {
                chosen,
                per_voter,
                money_left: money,
            };
        };
        for &v in &supporters[p] {
            money[v] -= money[v].min(alpha);
        }
        chosen.push(p);
        open.retain(|&q| q != p);
    }
}
