//! How residents vote in a budget, and what a ballot must respect.
//!
//! A ballot is checked as a whole and every broken rule is reported at once, so the form can
//! show the total so far, the money left and all problems in one go (no JavaScript needed).

use super::Rule;
use serde::{Deserialize, Serialize};

/// Most points a cumulative ballot may hand out.
pub const POINTS_MAX: u32 = 100;

/// How residents vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VotingMethod {
    /// Choose projects whose total cost fits the area's budget, spending at least a share of it.
    Knapsack {
        /// The least share of the budget a ballot must spend, in whole percent (0 = none).
        min_percent: u32,
    },
    /// Choose between `min` and `max` projects, whatever they cost.
    Approval {
        /// The fewest projects.
        min: u32,
        /// The most projects.
        max: u32,
    },
    /// Choose exactly one project.
    ChooseOne,
    /// Hand out up to `points` points over the projects.
    Cumulative {
        /// Points each resident has.
        points: u32,
    },
}

impl VotingMethod {
    /// The stored name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            VotingMethod::Knapsack { .. } => "knapsack",
            VotingMethod::Approval { .. } => "approval",
            VotingMethod::ChooseOne => "choose_one",
            VotingMethod::Cumulative { .. } => "cumulative",
        }
    }

    /// Builds a method from its stored kind and numbers; `None` for an unknown kind.
    pub fn from_parts(kind: &str, a: u32, b: u32) -> Option<Self> {
        match kind {
            "knapsack" => Some(VotingMethod::Knapsack { min_percent: a }),
            "approval" => Some(VotingMethod::Approval { min: a, max: b }),
            "choose_one" => Some(VotingMethod::ChooseOne),
            "cumulative" => Some(VotingMethod::Cumulative { points: a }),
            _ => None,
        }
    }

    /// The two numbers stored beside the kind (see `from_parts`).
    pub fn parts(self) -> (u32, u32) {
        match self {
            VotingMethod::Knapsack { min_percent } => (min_percent, 0),
            VotingMethod::Approval { min, max } => (min, max),
            VotingMethod::ChooseOne => (0, 0),
            VotingMethod::Cumulative { points } => (points, 0),
        }
    }

    /// The Pabulib `vote_type` of ballots cast this way.
    pub fn pabulib_vote_type(self) -> &'static str {
        match self {
            VotingMethod::Cumulative { .. } => "cumulative",
            VotingMethod::ChooseOne => "choose-1",
            _ => "approval",
        }
    }

    /// Whether an outcome rule fits ballots cast this way: equal shares needs approval sets, so
    /// points ballots are counted with the greedy rules only.
    pub fn allows(self, rule: Rule) -> bool {
        !matches!(self, VotingMethod::Cumulative { .. })
            || matches!(rule, Rule::Greedy | Rule::GreedyNoSkip)
    }
}

/// A project as the ballot check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Its id.
    pub id: String,
    /// What it costs.
    pub cost: u64,
    /// It belongs to the voter's area (or the budget has no areas).
    pub in_voter_area: bool,
    /// It can be carried out; only feasible projects can be chosen.
    pub feasible: bool,
}

/// One broken rule of a ballot; `code()` names it for translations and the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum BallotProblem {
    /// Nothing was chosen.
    Empty,
    /// The chosen projects cost more than the area's budget.
    OverBudget {
        /// What they cost.
        spent: u64,
        /// The budget.
        budget: u64,
    },
    /// The chosen projects spend less than the required share.
    BelowMinimum {
        /// What they cost.
        spent: u64,
        /// The least to spend.
        minimum: u64,
    },
    /// Fewer projects than the method asks.
    TooFew {
        /// The fewest.
        min: u32,
    },
    /// More projects than the method allows.
    TooMany {
        /// The most.
        max: u32,
    },
    /// More points than the resident has.
    TooManyPoints {
        /// Points given.
        given: u64,
        /// Points the resident has.
        max: u32,
    },
    /// A project that is not in the budget.
    UnknownProject {
        /// The id as sent.
        project: String,
    },
    /// A project of another area.
    OutsideArea {
        /// Its id.
        project: String,
    },
    /// A project that cannot be carried out.
    NotFeasible {
        /// Its id.
        project: String,
    },
}

impl BallotProblem {
    /// Stable name for translations and the API.
    pub fn code(&self) -> &'static str {
        match self {
            BallotProblem::Empty => "empty",
            BallotProblem::OverBudget { .. } => "over_budget",
            BallotProblem::BelowMinimum { .. } => "below_minimum",
            BallotProblem::TooFew { .. } => "too_few",
            BallotProblem::TooMany { .. } => "too_many",
            BallotProblem::TooManyPoints { .. } => "too_many_points",
            BallotProblem::UnknownProject { .. } => "unknown_project",
            BallotProblem::OutsideArea { .. } => "outside_area",
            BallotProblem::NotFeasible { .. } => "not_feasible",
        }
    }

    /// The project the problem is about, for a field error beside it.
    pub fn project(&self) -> Option<&str> {
        match self {
            BallotProblem::UnknownProject { project }
            | BallotProblem::OutsideArea { project }
            | BallotProblem::NotFeasible { project } => Some(project),
            _ => None,
        }
    }
}

/// A ballot after checking: the totals the form shows, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BallotCheck {
    /// The chosen project ids with their points (1 each unless cumulative), without repeats.
    pub choices: Vec<(String, u64)>,
    /// What the chosen projects cost together.
    pub spent: u64,
    /// The area's budget.
    pub budget: u64,
    /// Points handed out (cumulative ballots).
    pub points: u64,
    /// Every rule the ballot breaks; empty when it may be cast.
    pub problems: Vec<BallotProblem>,
}

impl BallotCheck {
    /// Money left in the area's budget after these choices (0 when over).
    pub fn left(&self) -> u64 {
        self.budget.saturating_sub(self.spent)
    }

    /// Whether the ballot may be cast.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks a ballot: `chosen` are project ids with the points given (approval methods ignore
/// the points; zero points mean "not chosen"), `projects` the budget's projects and `budget`
/// the voter's area's money.
pub fn check_ballot(
    method: VotingMethod,
    budget: u64,
    projects: &[Candidate],
    chosen: &[(String, u64)],
) -> BallotCheck {
    let mut problems = Vec::new();
    let mut choices: Vec<(String, u64)> = Vec::new();
    let mut spent = 0u64;
    for (id, points) in chosen {
        let points = match method {
            VotingMethod::Cumulative { .. } => *points,
            _ => 1,
        };
        if points == 0 || choices.iter().any(|(c, _)| c == id) {
            continue;
        }
        let Some(project) = projects.iter().find(|p| &p.id == id) else {
            problems.push(BallotProblem::UnknownProject {
                project: id.clone(),
            });
            continue;
        };
        if !project.in_voter_area {
            problems.push(BallotProblem::OutsideArea {
                project: id.clone(),
            });
        } else if !project.feasible {
            problems.push(BallotProblem::NotFeasible {
                project: id.clone(),
            });
        }
        spent = spent.saturating_add(project.cost);
        choices.push((id.clone(), points));
    }
    let count = u32::try_from(choices.len()).unwrap_or(u32::MAX);
    let given: u64 = choices.iter().map(|(_, p)| p).sum();
    if choices.is_empty() && problems.is_empty() {
        problems.push(BallotProblem::Empty);
    }
    match method {
        VotingMethod::Knapsack { min_percent } => {
            if spent > budget {
                problems.push(BallotProblem::OverBudget { spent, budget });
            }
            let minimum = budget.saturating_mul(u64::from(min_percent)).div_ceil(100);
            if count > 0 && spent < minimum {
                problems.push(BallotProblem::BelowMinimum { spent, minimum });
            }
        }
        VotingMethod::Approval { min, max } => {
            if count > 0 && count < min {
                problems.push(BallotProblem::TooFew { min });
            }
            if count > max {
                problems.push(BallotProblem::TooMany { max });
            }
        }
        VotingMethod::ChooseOne => {
            if count > 1 {
                problems.push(BallotProblem::TooMany { max: 1 });
            }
        }
        VotingMethod::Cumulative { points } => {
            if given > u64::from(points) {
                problems.push(BallotProblem::TooManyPoints { given, max: points });
            }
        }
    }
    BallotCheck {
        choices,
        spent,
        budget,
        points: given,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn projects() -> Vec<Candidate> {
        let p = |id: &str, cost, in_voter_area, feasible| Candidate {
            id: id.into(),
            cost,
            in_voter_area,
            feasible,
        };
        vec![
            p("a", 40, true, true),
            p("b", 50, true, true),
            p("c", 30, true, true),
            p("far", 10, false, true),
            p("no", 10, true, false),
        ]
    }

    fn ids(list: &[&str]) -> Vec<(String, u64)> {
        list.iter().map(|id| ((*id).to_owned(), 1)).collect()
    }

    fn codes(check: &BallotCheck) -> Vec<&'static str> {
        check.problems.iter().map(BallotProblem::code).collect()
    }

    #[test]
    fn knapsack_keeps_within_the_budget_and_above_the_minimum_share() {
        let method = VotingMethod::Knapsack { min_percent: 50 };
        let ok = check_ballot(method, 100, &projects(), &ids(&["a", "b"]));
        assert!(ok.is_valid(), "{:?}", ok.problems);
        assert_eq!((ok.spent, ok.left()), (90, 10));
        let over = check_ballot(method, 100, &projects(), &ids(&["a", "b", "c"]));
        assert_eq!(codes(&over), ["over_budget"]);
        assert_eq!(over.left(), 0);
        let low = check_ballot(method, 100, &projects(), &ids(&["c"]));
        assert_eq!(
            low.problems,
            [BallotProblem::BelowMinimum {
                spent: 30,
                minimum: 50
            }]
        );
    }

    #[test]
    fn every_broken_rule_is_reported_at_once() {
        let method = VotingMethod::Approval { min: 1, max: 2 };
        let check = check_ballot(method, 100, &projects(), &ids(&["far", "no", "zzz", "a"]));
        assert_eq!(
            codes(&check),
            [
                "outside_area",
                "not_feasible",
                "unknown_project",
                "too_many"
            ]
        );
        assert_eq!(check.problems[0].project(), Some("far"));
    }

    #[test]
    fn approval_counts_and_choose_one() {
        let approval = VotingMethod::Approval { min: 2, max: 3 };
        assert_eq!(
            codes(&check_ballot(approval, 0, &projects(), &ids(&["a"]))),
            ["too_few"]
        );
        assert!(check_ballot(approval, 0, &projects(), &ids(&["a", "b", "a"])).is_valid());
        assert_eq!(
            codes(&check_ballot(approval, 0, &projects(), &[])),
            ["empty"]
        );
        let one = VotingMethod::ChooseOne;
        assert!(check_ballot(one, 0, &projects(), &ids(&["c"])).is_valid());
        assert_eq!(
            codes(&check_ballot(one, 0, &projects(), &ids(&["a", "c"]))),
            ["too_many"]
        );
    }

    #[test]
    fn cumulative_points_add_up_to_at_most_the_allowance() {
        let method = VotingMethod::Cumulative { points: 10 };
        let mut chosen = ids(&["a", "b"]);
        chosen[0].1 = 6;
        chosen[1].1 = 4;
        let check = check_ballot(method, 0, &projects(), &chosen);
        assert!(check.is_valid());
        assert_eq!(check.points, 10);
        chosen[1].1 = 5;
        assert_eq!(
            check_ballot(method, 0, &projects(), &chosen).problems,
            [BallotProblem::TooManyPoints { given: 11, max: 10 }]
        );
        assert!(!method.allows(Rule::EqualShares) && method.allows(Rule::Greedy));
    }

    #[test]
    fn methods_round_trip_through_their_stored_parts() {
        for method in [
            VotingMethod::Knapsack { min_percent: 20 },
            VotingMethod::Approval { min: 1, max: 5 },
            VotingMethod::ChooseOne,
            VotingMethod::Cumulative { points: 10 },
        ] {
            let (a, b) = method.parts();
            assert_eq!(
                VotingMethod::from_parts(method.as_str(), a, b),
                Some(method)
            );
        }
        assert_eq!(VotingMethod::from_parts("borda", 0, 0), None);
    }
}
