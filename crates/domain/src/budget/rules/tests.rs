//! The outcome rules on small elections whose outcome can be worked out by hand.

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

const ALL: [Rule; 4] = [
    Rule::Greedy,
    Rule::GreedyNoSkip,
    Rule::EqualShares,
    Rule::EqualSharesComparison,
];

fn sorted(mut chosen: Vec<usize>) -> Vec<usize> {
    chosen.sort_unstable();
    chosen
}

#[test]
fn greedy_breaks_ties_in_votes_by_listed_order() {
    // Both have two votes; p1 is cheaper, but p0 is listed first, so p0 goes first and p1 no
    // longer fits.
    let e = election(10, &[6, 5], &[&[0, 1], &[0, 1]]);
    assert_eq!(outcome(&e, Rule::Greedy), vec![0]);
    assert_eq!(outcome(&e, Rule::GreedyNoSkip), vec![0]);
    // Listed the other way round, the other project wins the tie.
    let e = election(10, &[5, 6], &[&[0, 1], &[0, 1]]);
    assert_eq!(outcome(&e, Rule::Greedy), vec![0]);
}

#[test]
fn equal_shares_breaks_ties_in_price_by_listed_order() {
    // Each voter pays half of either project: both cost 1/2 per unit of satisfaction. p0 is
    // listed first and is funded; p1 no longer fits, before or after any "add1" raise.
    let e = election(10, &[6, 5], &[&[0, 1], &[0, 1]]);
    assert_eq!(outcome(&e, Rule::EqualShares), vec![0]);
    let e = election(10, &[5, 6], &[&[0, 1], &[0, 1]]);
    assert_eq!(outcome(&e, Rule::EqualShares), vec![0]);
}

#[test]
fn zero_cost_projects_are_funded_when_anyone_chose_them() {
    // p0 costs nothing and one voter chose it; p2 costs nothing and no one chose it.
    let e = election(10, &[0, 10, 0], &[&[0, 1], &[1]]);
    for rule in ALL {
        assert_eq!(sorted(outcome(&e, rule)), vec![0, 1], "{rule:?}");
    }
    // Nobody pays for a free project: the kept run leaves every voter the same money.
    let run = equal_shares_run(&e);
    assert!(run.money_left.iter().all(|m| m.is_finite()));
    assert_eq!(run.money_left[0], run.money_left[1]);
    // A budget of nothing still funds a free project, and nothing else.
    let e = election(0, &[0, 5], &[&[0, 1]]);
    for rule in ALL {
        assert_eq!(outcome(&e, rule), vec![0], "{rule:?}");
    }
}

#[test]
fn a_project_costing_the_whole_budget_is_funded_when_everyone_wants_it() {
    let e = election(100, &[100, 10], &[&[0], &[0, 1]]);
    for rule in ALL {
        assert_eq!(outcome(&e, rule), vec![0], "{rule:?}");
    }
    // The kept equal-shares run is the last one before p1 would overspend: per voter 59.
    let run = equal_shares_run(&e);
    assert_eq!(run.per_voter, 59.0);
    assert_eq!(run.money_left, vec![9.0, 9.0]);
}

#[test]
fn a_project_costing_the_whole_budget_that_a_minority_can_not_pay_for() {
    // Three of four voters want p0, which costs the whole budget; one of them and the fourth
    // voter want a small project each. Greedy funds p0 alone. Under equal shares p0's
    // supporters only hold three quarters of the money: the raises make it affordable only
    // when the small project p2 would overspend with it, so the two small ones are kept.
    let e = election(100, &[100, 30, 30], &[&[0], &[0], &[0, 1], &[2]]);
    assert_eq!(outcome(&e, Rule::Greedy), vec![0]);
    assert_eq!(outcome(&e, Rule::GreedyNoSkip), vec![0]);
    assert_eq!(outcome(&e, Rule::EqualShares), vec![1, 2]);
    assert_eq!(equal_shares_run(&e).per_voter, 33.0);
}

#[test]
fn voters_who_chose_nothing_still_hold_a_share() {
    // Two of three voters chose nothing: p0's one supporter holds a third of the money, so
    // the raises go on until a third covers p0 (31 / 3 per voter).
    let e = election(10, &[10], &[&[0], &[], &[]]);
    assert_eq!(outcome(&e, Rule::Greedy), vec![0]);
    let run = equal_shares_run(&e);
    assert_eq!(run.chosen, vec![0]);
    assert_eq!(run.per_voter, 31.0 / 3.0);
    // Only empty ballots, or no ballots at all: nothing is funded.
    for ballots in [&[&[][..], &[]][..], &[]] {
        let e = election(10, &[5], ballots);
        for rule in ALL {
            assert_eq!(outcome(&e, rule), Vec::<usize>::new(), "{rule:?}");
        }
    }
    let run = equal_shares_run(&election(10, &[5], &[]));
    assert!(run.money_left.is_empty());
}

#[test]
fn projects_no_one_chose_are_never_funded() {
    // p1 is free and p2 fits the money left, but no one chose them.
    let e = election(100, &[10, 0, 20], &[&[0], &[0]]);
    for rule in ALL {
        assert_eq!(outcome(&e, rule), vec![0], "{rule:?}");
    }
}

#[test]
fn greedy_skips_a_project_that_would_break_its_category_cap() {
    // Votes: p0 4, p1 3, p2 2, p3 1. Everything fits the budget, but p0 and p1 together
    // break the "groen" cap of 50: p1 is skipped and the next ones are funded.
    let ballots: &[&[usize]] = &[&[0, 1, 2, 3], &[0, 1, 2], &[0, 1], &[0]];
    let mut e = election(100, &[40, 30, 20, 10], ballots);
    assert_eq!(outcome(&e, Rule::Greedy), vec![0, 1, 2, 3]);
    e.caps.push(Cap {
        category: "groen".into(),
        limit: 50,
        projects: vec![0, 1],
    });
    assert_eq!(outcome(&e, Rule::Greedy), vec![0, 2, 3]);
}

#[test]
fn greedy_orders_points_ballots_by_points() {
    // p0 has two voters but 3 points; p1 one voter and 5 points: p1 goes first.
    let mut e = election(10, &[6, 6], &[&[0, 1], &[0]]);
    assert_eq!(outcome(&e, Rule::Greedy), vec![0]);
    e.points = vec![vec![1, 5], vec![2]];
    assert_eq!(e.votes(), vec![3, 5]);
    assert_eq!(outcome(&e, Rule::Greedy), vec![1]);
}

#[test]
fn equal_shares_respects_category_caps_and_stops_raising() {
    // p0 and p1 together break the cap; with them both out of reach, the raises would never
    // overspend the budget, so they stop once only capped projects are left.
    let ballots: &[&[usize]] = &[&[0, 1, 2, 3], &[0, 1, 2], &[0, 1], &[0]];
    let mut e = election(100, &[40, 30, 20, 10], ballots);
    e.caps.push(Cap {
        category: "groen".into(),
        limit: 50,
        projects: vec![0, 1],
    });
    let chosen = outcome(&e, Rule::EqualShares);
    assert_eq!(sorted(chosen.clone()), vec![0, 2, 3]);
    assert!(e.broken_cap(&chosen, 1).is_some());
    assert_eq!(equal_shares_run(&e), reference::equal_shares_run(&e));
}

/// A small generator for the random elections below.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn random_election(rng: &mut Rng) -> Election {
    let projects = 1 + rng.below(10) as usize;
    // Few distinct costs and small electorates make ties in votes and in price common.
    let costs: Vec<u64> = (0..projects)
        .map(|_| match rng.below(8) {
            0 => 0,
            1 => 100,
            _ => 10 * (1 + rng.below(12)),
        })
        .collect();
    let voters = rng.below(25) as usize;
    let ballots: Vec<Vec<usize>> = (0..voters)
        .map(|_| {
            let mut ballot: Vec<usize> = (0..projects).filter(|_| rng.below(3) == 0).collect();
            if rng.below(4) == 0 {
                ballot.reverse();
            }
            ballot
        })
        .collect();
    let mut e = Election {
        budget: 20 * (1 + rng.below(10)),
        projects: costs
            .iter()
            .enumerate()
            .map(|(i, &cost)| Project {
                id: format!("p{i}"),
                cost,
            })
            .collect(),
        ballots,
        min_votes: rng.below(3),
        ..Election::default()
    };
    if rng.below(3) == 0 {
        e.caps.push(Cap {
            category: "c".into(),
            limit: 10 * rng.below(8),
            projects: (0..projects).filter(|_| rng.below(2) == 0).collect(),
        });
    }
    e
}

#[test]
fn fast_equal_shares_chooses_exactly_what_the_plain_method_chooses() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut funded = 0;
    for _ in 0..3_000 {
        let e = random_election(&mut rng);
        let fast = equal_shares_run(&e);
        assert_eq!(fast, reference::equal_shares_run(&e), "{e:?}");
        funded += fast.chosen.len();
    }
    assert!(funded > 1_000, "the elections fund something: {funded}");
}
