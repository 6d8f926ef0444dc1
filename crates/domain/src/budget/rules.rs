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
    /// Every rule, in the order forms list them.
    pub const ALL: [Rule; 4] = [
        Rule::Greedy,
        Rule::GreedyNoSkip,
        Rule::EqualShares,
        Rule::EqualSharesComparison,
    ];

    /// Our short name (stored, in forms and the API).
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Greedy => "greedy",
            Rule::GreedyNoSkip => "greedy-no-skip",
            Rule::EqualShares => "equal-shares",
            Rule::EqualSharesComparison => "equal-shares-comparison",
        }
    }

    /// The Pabulib `rule` value.
    pub fn pabulib_name(self) -> &'static str {
        match self {
            Rule::Greedy => "greedy",
            Rule::GreedyNoSkip => "greedy-no-skip",
            Rule::EqualShares => "equalshares/add1",
            Rule::EqualSharesComparison => "equalshares/add1-comparison",
        }
    }

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
mod tests {
    use super::*;
    use crate::budget::Project;

    fn election(budget: u64, costs: &[u64], ballots: &[&[usize]]) -> Election {
        Election {
            budget,
            projects: costs
                .iter()
                .enumerate()
                .map(|(i, &cost)| Project {
                    id: format!("p{i}"),
                    cost,
                })
                .collect(),
            ballots: ballots.iter().map(|b| b.to_vec()).collect(),
            ..Election::default()
        }
    }

    #[test]
    fn greedy_skips_what_does_not_fit_and_no_skip_stops_there() {
        // Votes: p0 3, p1 2, p2 1. p1 does not fit after p0.
        let e = election(10, &[6, 6, 4], &[&[0, 1], &[0, 1], &[0, 2]]);
        assert_eq!(outcome(&e, Rule::Greedy), vec![0, 2]);
        assert_eq!(outcome(&e, Rule::GreedyNoSkip), vec![0]);
    }

    #[test]
    fn equal_shares_gives_a_minority_its_share() {
        // Two voters want the expensive p0, one voter wants p1 and p2; greedy funds only p0.
        let e = election(30, &[20, 10, 10], &[&[0], &[0], &[1, 2]]);
        assert_eq!(outcome(&e, Rule::Greedy), vec![0, 1]);
        let shares = outcome(&e, Rule::EqualShares);
        assert!(shares.contains(&0) && shares.contains(&1), "{shares:?}");
        assert!(e.cost_of(&shares) <= e.budget);
    }

    #[test]
    fn rules_are_read_from_pabulib_names() {
        assert_eq!(Rule::parse("equalshares/add1"), Some(Rule::EqualShares));
        assert_eq!(
            Rule::parse("equalshares/add1-comparison"),
            Some(Rule::EqualSharesComparison)
        );
        assert_eq!(Rule::parse("greedy-no-skip"), Some(Rule::GreedyNoSkip));
        assert_eq!(Rule::parse("borda"), None);
    }
}
