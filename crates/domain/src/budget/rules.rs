//! The outcome rules: greedy, greedy that stops at the first project that does not fit, the
//! Method of Equal Shares with cost utilities and "add1" completion, and Wieliczka's
//! comparison of equal shares with greedy.
//!
//! Ties: greedy orders projects by votes, and equal votes by their place in the list (for a
//! Pabulib file, the order of its PROJECTS section). Equal shares funds the lowest price per
//! unit of satisfaction; prices within 1e-12 of each other are a tie, which goes to the
//! project with more votes, then to the one listed first.

use super::Election;
use shares::Shares;

mod shares;

#[cfg(test)]
mod reference;

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
    // Membership by lookup, not by searching the sets once per ballot entry.
    let mask = |set: &[usize]| {
        let mut mask = vec![false; election.projects.len()];
        for &p in set {
            if let Some(m) = mask.get_mut(p) {
                *m = true;
            }
        }
        mask
    };
    let (in_a, in_b) = (mask(a), mask(b));
    let count = |ballot: &[usize], set: &[bool]| {
        ballot
            .iter()
            .filter(|&&p| set.get(p).copied().unwrap_or(false))
            .count()
    };
    election
        .ballots
        .iter()
        .filter(|ballot| count(ballot, &in_a) > count(ballot, &in_b))
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

/// Most "add1" raises: real budgets need a few thousand at most; a hostile file (one voter, a
/// budget of 1, a project costing 10^15) would otherwise raise practically forever.
pub const MAX_RAISES: u64 = 100_000;

/// Equal shares, then "add1": the per-voter budget is raised by one unit as long as the
/// outcome still fits the real budget; the last outcome that fits is kept. The raises stop
/// early once every project is funded or would break a category cap (no raise can fund more),
/// and after [`MAX_RAISES`] raises.
///
/// Each run is the Method of Equal Shares with cost utilities: every voter gets an equal share
/// of the money; round by round the project whose supporters can pay for it with the smallest
/// largest payment per unit of satisfaction (`rho`) is funded, its cost split as equally as
/// their money allows. Ties in `rho` (within 1e-12, floating-point noise) go to the project
/// with more votes, then to the one listed first. See `shares` for how a run is kept cheap.
pub fn equal_shares_run(election: &Election) -> EqualSharesRun {
    let voters = election.ballots.len() as u64;
    if voters == 0 {
        return EqualSharesRun {
            chosen: Vec::new(),
            per_voter: 0.0,
            money_left: Vec::new(),
        };
    }
    let shares = Shares::new(election);
    let mut total = election.budget;
    let mut best = shares.run(total as f64);
    for _ in 0..MAX_RAISES {
        total = total.saturating_add(voters);
        let next = shares.run(total as f64);
        if election.cost_of(&next.chosen) > election.budget {
            break;
        }
        let complete = next.complete;
        best = next;
        if complete {
            break;
        }
    }
    EqualSharesRun {
        chosen: best.chosen,
        per_voter: best.per_voter,
        money_left: best.money_left,
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod hostile {
    use super::*;
    use crate::budget::Project;

    #[test]
    fn the_completion_of_a_hostile_election_ends() {
        // One voter with a budget of 1 and a project costing 10^15: add1 would need 10^15
        // raises to fund it; the cap ends the completion with nothing funded.
        let e = Election {
            budget: 1,
            projects: vec![Project {
                id: "p".into(),
                cost: 1_000_000_000_000_000,
            }],
            ballots: vec![vec![0]],
            ..Election::default()
        };
        assert!(equal_shares_run(&e).chosen.is_empty());
    }
}
