//! The outcome rules: greedy, greedy that stops at the first project that does not fit, the
//! Method of Equal Shares with cost utilities and "add1" completion, and Wieliczka's
//! comparison of equal shares with greedy.

use super::Election;

/// How a budget's outcome is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// By votes, funding each project that still fits, skipping those that do not.
    Greedy,
    /// By votes, stopping at the first project that does not fit.
    GreedyNoSkip,
    /// Equal shares (cost utilities) with the "add1" completion.
    EqualShares,
    /// Equal shares or greedy, whichever more voters prefer (equal shares on a tie).
    EqualSharesComparison,
}

impl Rule {
    /// Reads a Pabulib `rule` value or our short names.
    pub fn parse(text: &str) -> Option<Rule> {
        match text.trim() {
            "greedy" => Some(Rule::Greedy),
            "greedy-no-skip" => Some(Rule::GreedyNoSkip),
            "equalshares/add1" | "equal-shares" | "equalshares" => Some(Rule::EqualShares),
            "equalshares/add1-comparison" | "equal-shares-comparison" => {
                Some(Rule::EqualSharesComparison)
            }
            _ => None,
        }
    }
}

/// The funded projects (indexes, in the order they were chosen).
pub fn outcome(election: &Election, rule: Rule) -> Vec<usize> {
    match rule {
        Rule::Greedy => greedy(election, true),
        Rule::GreedyNoSkip => greedy(election, false),
        Rule::EqualShares => equal_shares_run(election).chosen,
        Rule::EqualSharesComparison => {
            let shares = equal_shares_run(election).chosen;
            let greedy = greedy(election, true);
            if prefer(election, &greedy, &shares) > prefer(election, &shares, &greedy) {
                greedy
            } else {
                shares
            }
        }
    }
}

fn greedy(election: &Election, skip: bool) -> Vec<usize> {
    let mut left = election.budget;
    let mut chosen = Vec::new();
    for p in election.by_votes() {
        let cost = election.projects[p].cost;
        if election.broken_cap(&chosen, p).is_some() {
            continue;
        }
        if cost <= left {
            left -= cost;
            chosen.push(p);
        } else if !skip {
            break;
        }
    }
    chosen
}

/// How many voters approve of more projects in `a` than in `b`.
pub fn prefer(election: &Election, a: &[usize], b: &[usize]) -> usize {
    election
        .ballots
        .iter()
        .filter(|ballot| {
            let count = |set: &[usize]| ballot.iter().filter(|p| set.contains(p)).count();
            count(a) > count(b)
        })
        .count()
}

/// An equal-shares outcome with what explains it.
#[derive(Debug, Clone, PartialEq)]
pub struct EqualSharesRun {
    /// The funded projects, in the order they were chosen.
    pub chosen: Vec<usize>,
    /// Each voter's share of the money in the run that was kept, after the "add1" raises.
    pub per_voter: f64,
    /// What each voter had left at the end of that run.
    pub money_left: Vec<f64>,
}

/// Equal shares, then "add1": the per-voter budget is raised by one unit as long as the
/// outcome still fits the real budget; the last outcome that fits is kept.
pub fn equal_shares_run(election: &Election) -> EqualSharesRun {
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
        let everything = next.chosen.len() == election.by_votes().len();
        best = next;
        if everything {
            return best;
        }
    }
}

/// The Method of Equal Shares with cost utilities: each voter gets an equal share of `total`;
/// repeatedly the project whose supporters can pay for it with the smallest largest payment
/// per unit of their satisfaction is funded, its cost split as equally as their money allows.
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
        // For each open project: the smallest per-supporter cap `alpha` such that supporters
        // paying min(money, alpha) cover the cost; fund the smallest alpha / cost.
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
            let mut alpha = 0.0;
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

#[cfg(test)]
mod tests;
