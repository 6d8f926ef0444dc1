//! The Pabulib `.pb` format (pabulib.org/format): META `key;value` lines, then PROJECTS and
//! VOTES sections, each with a header line, `;` between fields and `,` between approved ids.

use super::{Election, Project};
use std::collections::HashMap;

/// A `.pb` file, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PbFile {
    /// The budget, projects and ballots.
    pub election: Election,
    /// The `rule` in META, as written.
    pub rule: Option<String>,
    /// The projects' `selected` column (the official outcome), by project index.
    pub selected: Vec<bool>,
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

fn error(line: usize, message: impl Into<String>) -> PbError {
    PbError {
        line: line + 1,
        message: message.into(),
    }
}

/// Reads a `.pb` file.
pub fn parse(text: &str) -> Result<PbFile, PbError> {
    let mut section = "";
    let mut header: Vec<String> = Vec::new();
    let mut meta: HashMap<String, String> = HashMap::new();
    let mut election = Election::default();
    let mut selected = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut expect_header = false;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if matches!(line.trim(), "META" | "PROJECTS" | "VOTES") {
            section = match line.trim() {
                "META" => "META",
                "PROJECTS" => "PROJECTS",
                _ => "VOTES",
            };
            expect_header = true;
            continue;
        }
        let fields: Vec<&str> = line.split(';').collect();
        if expect_header {
            header = fields.iter().map(|f| f.trim().to_owned()).collect();
            expect_header = false;
            continue;
        }
        let field = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| fields.get(i))
                .map(|f| f.trim())
        };
        match section {
            "META" => {
                if let [key, value, ..] = fields.as_slice() {
                    meta.insert(key.trim().to_owned(), value.trim().to_owned());
                }
            }
            "PROJECTS" => {
                let id = field("project_id").ok_or_else(|| error(n, "no project_id"))?;
                let cost = field("cost")
                    .and_then(|c| c.parse::<u64>().ok())
                    .ok_or_else(|| error(n, "the cost is not a whole number"))?;
                index.insert(id.to_owned(), election.projects.len());
                election.projects.push(Project {
                    id: id.to_owned(),
                    cost,
                });
                selected.push(field("selected") == Some("1"));
            }
            "VOTES" => {
                let vote = field("vote").ok_or_else(|| error(n, "no vote column"))?;
                let mut ballot = Vec::new();
                for id in vote.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let p = *index
                        .get(id)
                        .ok_or_else(|| error(n, format!("unknown project {id}")))?;
                    if !ballot.contains(&p) {
                        ballot.push(p);
                    }
                }
                election.ballots.push(ballot);
            }
            _ => return Err(error(n, "text before the META section")),
        }
    }
    election.budget = meta
        .get("budget")
        .and_then(|b| b.split(['.', ',']).next())
        .and_then(|b| b.parse().ok())
        .ok_or_else(|| error(0, "META has no whole-number budget"))?;
    election.min_votes = meta
        .get("min_project_score_threshold")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    Ok(PbFile {
        election,
        rule: meta.get("rule").cloned(),
        selected,
    })
}
