//! Why each project was or was not funded, in terms a resident can check.
//!
//! The explanation replays the rule: for greedy, the money left when a project's turn came;
//! for equal shares, what its supporters still had of their equal shares. Ties are broken as
//! everywhere in `budget`: more votes first, then the listed order.

use super::rules::{EqualSharesRun, equal_shares_run, outcome, prefer};
use super::{Election, Rule};
use serde::Serialize;

/// Why a project was not funded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// No one chose it.
    NoVotes,
    /// It got fewer votes than the budget's threshold.
    BelowThreshold {
        /// The threshold.
        min: u64,
    },
    /// When its turn came, less money was left than it costs.
    NotEnoughMoney {
        /// Money left at that moment.
        left: u64,
    },
    /// The rule stopped at an earlier project that did not fit (greedy without skipping).
    StoppedEarlier {
        /// Index of the project where it stopped.
        at: usize,
    },
    /// Funding it would have taken its category over the cap.
    CategoryCap {
        /// The category.
        category: String,
        /// The category's cap.
        limit: u64,
    },
    /// Equal shares: its supporters' remaining shares together did not cover its cost.
    NotEnoughSupport {
        /// What its supporters had left together, rounded down.
        supporters_money: u64,
    },
}

impl Reason {
    /// Stable name for translations and the API.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NoVotes => "no_votes",
            Reason::BelowThreshold { .. } => "below_threshold",
            Reason::NotEnoughMoney { .. } => "not_enough_money",
            Reason::StoppedEarlier { .. } => "stopped_earlier",
            Reason::CategoryCap { .. } => "category_cap",
            Reason::NotEnoughSupport { .. } => "not_enough_support",
        }
    }
}

/// One project's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Index into the election's projects.
    pub project: usize,
    /// Its votes (points for points ballots).
    pub votes: u64,
    /// Its place among the funded projects (1 = funded first), if funded.
    pub funded: Option<usize>,
    /// Why not, if not funded.
    pub reason: Option<Reason>,
}

/// How Wieliczka's comparison went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// Voters with more approved projects under equal shares than under greedy.
    pub prefer_equal_shares: usize,
    /// Voters with more approved projects under greedy.
    pub prefer_greedy: usize,
    /// The outcome kept: equal shares unless more voters prefer greedy.
    pub chose_equal_shares: bool,
}

/// A whole outcome with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The funded projects in the order they were chosen.
    pub funded: Vec<usize>,
    /// Every project, most votes first (ties in listed order).
    pub verdicts: Vec<Verdict>,
    /// What the funded projects cost.
    pub spent: u64,
    /// Money not spent.
    pub left: u64,
    /// Equal shares: each voter's starting share, the budget divided by the voters.
    pub share: Option<f64>,
    /// Equal shares: the per-voter budget after the completion raised it to use leftover money.
    pub per_voter: Option<f64>,
    /// Wieliczka's rule: the comparison.
    pub comparison: Option<Comparison>,
}

/// The outcome under `rule` with a reason for every project that was not funded.
pub fn explain(election: &Election, rule: Rule) -> Explanation {
    match rule {
        Rule::Greedy | Rule::GreedyNoSkip => explain_greedy(election, rule),
        Rule::EqualShares => explain_shares(election, &equal_shares_run(election)),
        Rule::EqualSharesComparison => {
            let run = equal_shares_run(election);
            let greedy = outcome(election, Rule::Greedy);
            let prefer_equal_shares = prefer(election, &run.chosen, &greedy);
            let prefer_greedy = prefer(election, &greedy, &run.chosen);
            let comparison = Comparison {
                prefer_equal_shares,
                prefer_greedy,
                chose_equal_shares: prefer_greedy <= prefer_equal_shares,
            };
            let mut explanation = if comparison.chose_equal_shares {
                explain_shares(election, &run)
            } else {
                explain_greedy(election, Rule::Greedy)
            };
            explanation.comparison = Some(comparison);
            explanation
        }
    }
}

/// Projects in the order the page lists them: most votes first, ties in listed order.
fn ranked(election: &Election, votes: &[u64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..election.projects.len()).collect();
    order.sort_by(|&a, &b| votes[b].cmp(&votes[a]).then(a.cmp(&b)));
    order
}

/// The reason that holds before any money is considered, if one does.
fn vote_reason(election: &Election, votes: u64) -> Option<Reason> {
    if votes == 0 {
        Some(Reason::NoVotes)
    } else if votes < election.min_votes {
        Some(Reason::BelowThreshold {
            min: election.min_votes,
        })
    } else {
        None
    }
}

fn cap_reason(election: &Election, chosen: &[usize], p: usize) -> Option<Reason> {
    election
        .broken_cap(chosen, p)
        .map(|cap| Reason::CategoryCap {
            category: cap.category.clone(),
            limit: cap.limit,
        })
}

fn explain_greedy(election: &Election, rule: Rule) -> Explanation {
    let votes = election.votes();
    let mut left = election.budget;
    let mut funded = Vec::new();
    let mut reasons: Vec<Option<Reason>> = vec![None; election.projects.len()];
    let mut stopped_at: Option<usize> = None;
    for p in election.by_votes() {
        if let Some(at) = stopped_at {
            reasons[p] = Some(Reason::StoppedEarlier { at });
            continue;
        }
        if let Some(reason) = cap_reason(election, &funded, p) {
            reasons[p] = Some(reason);
            continue;
        }
        let cost = election.projects[p].cost;
        if cost <= left {
            left -= cost;
            funded.push(p);
        } else {
            reasons[p] = Some(Reason::NotEnoughMoney { left });
            if rule == Rule::GreedyNoSkip {
                stopped_at = Some(p);
            }
        }
    }
    finish(election, &votes, funded, reasons, None, None)
}

fn explain_shares(election: &Election, run: &EqualSharesRun) -> Explanation {
    let votes = election.votes();
    let mut reasons: Vec<Option<Reason>> = vec![None; election.projects.len()];
    for p in election.by_votes() {
        if run.chosen.contains(&p) {
            continue;
        }
        reasons[p] = cap_reason(election, &run.chosen, p).or_else(|| {
            let money: f64 = election
                .ballots
                .iter()
                .enumerate()
                .filter(|(_, ballot)| ballot.contains(&p))
                .map(|(voter, _)| run.money_left.get(voter).copied().unwrap_or(0.0))
                .sum();
            Some(Reason::NotEnoughSupport {
                supporters_money: money.max(0.0).floor() as u64,
            })
        });
    }
    let voters = election.ballots.len();
    let share = (voters > 0).then(|| election.budget as f64 / voters as f64);
    let per_voter = (voters > 0).then_some(run.per_voter);
    finish(
        election,
        &votes,
        run.chosen.clone(),
        reasons,
        share,
        per_voter,
    )
}

fn finish(
    election: &Election,
    votes: &[u64],
    funded: Vec<usize>,
    mut reasons: Vec<Option<Reason>>,
    share: Option<f64>,
    per_voter: Option<f64>,
) -> Explanation {
    let verdicts = ranked(election, votes)
        .into_iter()
        .map(|p| {
            let place = funded.iter().position(|&f| f == p).map(|i| i + 1);
            let reason = match place {
                Some(_) => None,
                None => vote_reason(election, votes[p]).or_else(|| reasons[p].take()),
            };
            Verdict {
                project: p,
                votes: votes[p],
                funded: place,
                reason,
            }
        })
        .collect();
    let spent = election.cost_of(&funded);
    Explanation {
        left: election.budget.saturating_sub(spent),
        spent,
        funded,
        verdicts,
        share,
        per_voter,
        comparison: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::{Cap, Project};

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

    fn reason_of(explanation: &Explanation, p: usize) -> Option<&Reason> {
        explanation
            .verdicts
            .iter()
            .find(|v| v.project == p)
            .and_then(|v| v.reason.as_ref())
    }

    #[test]
    fn greedy_says_how_much_was_left_and_no_skip_where_it_stopped() {
        // Votes: p0 3, p1 2, p2 1, p3 0.
        let e = election(10, &[6, 6, 4, 1], &[&[0, 1], &[0, 1], &[0, 2]]);
        let greedy = explain(&e, Rule::Greedy);
        assert_eq!(greedy.funded, [0, 2]);
        assert_eq!(
            reason_of(&greedy, 1),
            Some(&Reason::NotEnoughMoney { left: 4 })
        );
        assert_eq!(reason_of(&greedy, 3), Some(&Reason::NoVotes));
        assert_eq!((greedy.spent, greedy.left), (10, 0));
        let no_skip = explain(&e, Rule::GreedyNoSkip);
        assert_eq!(no_skip.funded, [0]);
        assert_eq!(
            reason_of(&no_skip, 2),
            Some(&Reason::StoppedEarlier { at: 1 })
        );
        let order: Vec<usize> = no_skip.verdicts.iter().map(|v| v.project).collect();
        assert_eq!(order, [0, 1, 2, 3]);
    }

    #[test]
    fn a_category_cap_is_named() {
        let mut e = election(100, &[30, 30, 30], &[&[0, 1, 2], &[0, 1, 2], &[0, 1]]);
        e.caps.push(Cap {
            category: "groen".into(),
            limit: 50,
            projects: vec![0, 1],
        });
        let x = explain(&e, Rule::Greedy);
        assert_eq!(x.funded, [0, 2]);
        assert_eq!(
            reason_of(&x, 1),
            Some(&Reason::CategoryCap {
                category: "groen".into(),
                limit: 50
            })
        );
    }

    #[test]
    fn equal_shares_shows_the_share_and_what_supporters_had_left() {
        // Voters 0 and 1 want p0; voter 2 wants p1 and p2. Each has 10 of 30.
        let e = election(30, &[20, 10, 10], &[&[0], &[0], &[1, 2]]);
        let x = explain(&e, Rule::EqualShares);
        assert_eq!(x.share, Some(10.0));
        assert!(x.per_voter.is_some_and(|p| p >= 10.0));
        assert!(x.funded.contains(&0) && x.funded.contains(&1));
        assert!(matches!(
            reason_of(&x, 2),
            Some(Reason::NotEnoughSupport { supporters_money }) if *supporters_money < 10
        ));
    }

    #[test]
    fn the_comparison_reports_both_sides() {
        let e = election(30, &[20, 10, 10], &[&[0], &[0], &[1, 2]]);
        let x = explain(&e, Rule::EqualSharesComparison);
        let c = x.comparison.expect("a comparison");
        assert_eq!(
            c.chose_equal_shares,
            c.prefer_greedy <= c.prefer_equal_shares
        );
        assert_eq!(x.funded, outcome(&e, Rule::EqualSharesComparison));
    }

    #[test]
    fn explanations_agree_with_the_rules() {
        let e = election(
            25,
            &[10, 8, 7, 5, 12],
            &[&[0, 1], &[1, 2], &[0, 3], &[4], &[4, 0], &[2, 3]],
        );
        for rule in [
            Rule::Greedy,
            Rule::GreedyNoSkip,
            Rule::EqualShares,
            Rule::EqualSharesComparison,
        ] {
            let x = explain(&e, rule);
            assert_eq!(x.funded, outcome(&e, rule), "{rule:?}");
            for v in &x.verdicts {
                assert_eq!(v.funded.is_some(), v.reason.is_none(), "{rule:?} {v:?}");
            }
        }
    }
}
