//! Participatory budgeting outcomes: which projects a budget funds under a given rule, from
//! approval ballots. Pure: the rules and the Pabulib file format, no I/O.
//!
//! Ties are broken the same way in every rule: more votes first, then the project's place in
//! the list (for a Pabulib file, the order of its PROJECTS section).

pub mod pabulib;
pub mod rules;

pub use rules::{Rule, outcome};

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
    /// Projects with fewer votes never count (Pabulib `min_project_score_threshold`).
    pub min_votes: u64,
}

impl Election {
    /// Votes per project.
    pub fn votes(&self) -> Vec<u64> {
        let mut votes = vec![0; self.projects.len()];
        for ballot in &self.ballots {
            for &p in ballot {
                if let Some(v) = votes.get_mut(p) {
                    *v += 1;
                }
            }
        }
        votes
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
