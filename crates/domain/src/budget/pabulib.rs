//! The Pabulib `.pb` format (pabulib.org/format): META `key;value` lines, then PROJECTS and
//! VOTES sections, each with a header line, `;` between fields and `,` between approved ids.
//! Fields may be quoted as Python's `csv` module quotes them (`"a;b"`, `""` for a quote).
//!
//! Reading never panics and never takes memory out of proportion to the input: the text may be
//! at most [`MAX_BYTES`], and every problem is a [`PbError`] naming its line.

mod fields;
mod read;
mod write;

#[cfg(test)]
mod tests;

use super::Election;
use std::collections::BTreeMap;

pub use read::{parse, parse_bytes};
pub use write::write;

/// The largest file read, in bytes (64 MiB); a larger one is refused on line 1 before any work.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// The most projects a file may list.
pub const MAX_PROJECTS: usize = 10_000;
/// The most ballots a file may hold.
pub const MAX_BALLOTS: usize = 2_000_000;
/// The most fields one line may hold.
pub const MAX_COLUMNS: usize = 1_000;
/// The largest cost or budget: with at most [`MAX_PROJECTS`] projects, no sum of costs
/// overflows.
pub const MAX_AMOUNT: u64 = 1_000_000_000_000_000;
/// The most points one ballot may give one project: no project's total overflows.
pub const MAX_POINTS: u64 = 1_000_000_000;

/// A `.pb` file, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PbFile {
    /// The budget, projects and ballots (with points when the file has a `points` column).
    pub election: Election,
    /// The `rule` in META, as written.
    pub rule: Option<String>,
    /// The projects' `selected` column (the official outcome), by project index.
    pub selected: Vec<bool>,
    /// Every META pair, keys and values trimmed.
    pub meta: BTreeMap<String, String>,
    /// The projects' `name` column, by project index (empty when there is none).
    pub names: Vec<String>,
    /// The projects' `category` column split at commas, by project index.
    pub categories: Vec<Vec<String>>,
    /// Each ballot's `voter_id`, parallel to the ballots (the ballot's 1-based place when the
    /// file has no `voter_id` column).
    pub voter_ids: Vec<String>,
}

/// Why a `.pb` file cannot be read; the message names the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct PbError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl PbError {
    /// An error on the 1-based `line`.
    fn new(line: usize, message: impl Into<String>) -> Self {
        PbError {
            line,
            message: message.into(),
        }
    }
}

/// A `.pb` file to write.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PbDocument {
    /// The META pairs, in the order written (`budget` and `rule` among them).
    pub meta: Vec<(String, String)>,
    /// The projects, in the order written.
    pub projects: Vec<PbProject>,
    /// The ballots, in the order written.
    pub votes: Vec<PbVote>,
}

/// A project row of a [`PbDocument`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PbProject {
    /// Its id; must not hold a comma, since votes list ids separated by commas.
    pub id: String,
    /// What it costs, in whole currency units.
    pub cost: u64,
    /// Its name.
    pub name: String,
    /// Its categories; a category must not hold a comma.
    pub categories: Vec<String>,
    /// Votes it got (voters, or points on points ballots).
    pub votes: u64,
    /// Whether the outcome funds it.
    pub selected: bool,
}

/// A ballot row of a [`PbDocument`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PbVote {
    /// The voter's id.
    pub voter_id: String,
    /// The project ids chosen.
    pub vote: Vec<String>,
    /// Points per chosen project, parallel to `vote`; empty for approval ballots.
    pub points: Vec<u64>,
}

impl From<&PbFile> for PbDocument {
    /// The document that writes `file` back: its META pairs, projects with their votes and
    /// official outcome, and ballots.
    fn from(file: &PbFile) -> Self {
        let election = &file.election;
        let votes = election.votes();
        let projects = election
            .projects
            .iter()
            .enumerate()
            .map(|(p, project)| PbProject {
                id: project.id.clone(),
                cost: project.cost,
                name: file.names.get(p).cloned().unwrap_or_default(),
                categories: file.categories.get(p).cloned().unwrap_or_default(),
                votes: votes.get(p).copied().unwrap_or(0),
                selected: file.selected.get(p).copied().unwrap_or(false),
            })
            .collect();
        let ballots = election
            .ballots
            .iter()
            .enumerate()
            .map(|(i, ballot)| PbVote {
                voter_id: file
                    .voter_ids
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| (i + 1).to_string()),
                vote: ballot
                    .iter()
                    .filter_map(|&p| election.projects.get(p).map(|x| x.id.clone()))
                    .collect(),
                points: election.points.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        PbDocument {
            meta: file
                .meta
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            projects,
            votes: ballots,
        }
    }
}
