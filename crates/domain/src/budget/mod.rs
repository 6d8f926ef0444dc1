//! Participatory budgeting outcomes: which projects a budget funds under a given rule, from
//! approval ballots. Pure: the rules and the Pabulib file format, no I/O.
//!
//! Ties are broken the same way in every rule: more votes first, then the project's place in
//! the list (for a Pabulib file, the order of its PROJECTS section).

pub mod pabulib;
pub mod rules;

pub mod explain;
pub mod method;
pub mod setup;

pub use rules::{EqualSharesRun, Rule, equal_shares_run, outcome};

/// A project on a budget ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Its id (a Pabulib `project_id`).
    pub id: String,
    /// What it costs, in whole currency units.
    pub cost: u64,
}

/// A budget with its projects and approval ballots.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Election {
    /// The money to spend.
    pub budget: u64,
    /// The projects, in their listed order.
    pub projects: Vec<Project>,
    /// Each voter's approved projects, as indexes into `projects`.
    pub ballots: Vec<Vec<usize>>,
    /// Points each voter gave, parallel to `ballots`; empty for approval ballots (one each).
    pub points: Vec<Vec<u64>>,
    /// Projects with fewer votes never count (Pabulib `min_project_score_threshold`).
    pub min_votes: u64,
    /// Category caps: the projects of a category together may cost at most the limit.
    pub caps: Vec<Cap>,
}

/// A limit on what the projects of one category may cost together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cap {
    /// The category's name.
    pub category: String,
    /// The most its funded projects may cost together.
    pub limit: u64,
    /// The projects in the category, as indexes into `projects`.
    pub projects: Vec<usize>,
}

impl Election {
    /// Votes per project: voters who chose it, or for points ballots the points it got.
    pub fn votes(&self) -> Vec<u64> {
        let mut votes = vec![0; self.projects.len()];
        for (i, ballot) in self.ballots.iter().enumerate() {
            let points = self.points.get(i);
            for (j, &p) in ballot.iter().enumerate() {
                let weight = points.and_then(|pts| pts.get(j)).copied().unwrap_or(1);
                if let Some(v) = votes.get_mut(p) {
                    *v += weight;
                }
            }
        }
        votes
    }

    /// The first cap that funding `project` on top of `chosen` would break.
    pub fn broken_cap(&self, chosen: &[usize], project: usize) -> Option<&Cap> {
        self.caps.iter().find(|cap| {
            cap.projects.contains(&project)
                && chosen
                    .iter()
                    .filter(|p| cap.projects.contains(p))
                    .map(|&p| self.projects[p].cost)
                    .sum::<u64>()
                    + self.projects[project].cost
                    > cap.limit
        })
    }

    /// Project indexes by votes (most first), ties in listed order; below `min_votes` left out.
    pub fn by_votes(&self) -> Vec<usize> {
        let votes = self.votes();
        let mut order: Vec<usize> = (0..self.projects.len())
            .filter(|&p| votes[p] >= self.min_votes && votes[p] > 0)
            .collect();
        order.sort_by(|&a, &b| votes[b].cmp(&votes[a]).then(a.cmp(&b)));
        order
    }

    /// What a set of projects costs.
    pub fn cost_of(&self, selected: &[usize]) -> u64 {
        selected.iter().map(|&p| self.projects[p].cost).sum()
    }
}
