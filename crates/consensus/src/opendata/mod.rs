//! The pol.is openData export format (compdemocracy/openData): `comments.csv`,
//! `participants-votes.csv` and, when present, `votes.csv`. Parsing here, writing in
//! [`export`]; the caller reads and writes the files. Votes use the export sign (agree +1).

pub mod export;

use crate::matrix::{Vote, VoteEvent};
use std::collections::{BTreeMap, BTreeSet};

/// A problem in an input file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}: {message}")]
pub struct FormatError {
    /// The file name.
    pub file: &'static str,
    /// The line (1-based; the header is line 1).
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

/// A comment as exported.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// Its id.
    pub id: u64,
    /// When it was written (ms).
    pub timestamp: i64,
    /// Its author's participant id (unknown for some imports).
    pub author: Option<u64>,
    /// 1 accepted, 0 unmoderated, −1 moderated out.
    pub moderated: i64,
    /// The text.
    pub body: String,
}

/// A conversation in the openData format.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenData {
    /// The comments.
    pub comments: Vec<Comment>,
    /// The vote events (from `votes.csv`, or one per cell of `participants-votes.csv`).
    pub events: Vec<VoteEvent>,
    /// pol.is's own group per participant (`None`: not clustered), for comparison.
    pub polis_groups: BTreeMap<u64, Option<u64>>,
}

impl OpenData {
    /// Comments moderated out.
    pub fn moderated_out(&self) -> BTreeSet<u64> {
        self.comments
            .iter()
            .filter(|c| c.moderated == -1)
            .map(|c| c.id)
            .collect()
    }
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    // Spreadsheet-friendly exports start with a byte-order mark.
    csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
}

fn headers(file: &'static str, r: &mut csv::Reader<&[u8]>) -> Result<Vec<String>, FormatError> {
    Ok(r.headers()
        .map_err(|e| FormatError {
            file,
            line: 1,
            message: e.to_string(),
        })?
        .iter()
        .map(str::to_owned)
        .collect())
}

fn column(file: &'static str, headers: &[String], name: &str) -> Result<usize, FormatError> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| FormatError {
            file,
            line: 1,
            message: format!("no column `{name}`"),
        })
}

fn field<T: std::str::FromStr>(
    file: &'static str,
    record: &csv::StringRecord,
    index: usize,
    name: &str,
) -> Result<T, FormatError> {
    let line = record.position().map_or(0, |p| p.line());
    let text = record.get(index).unwrap_or("").trim();
    text.parse().map_err(|_| FormatError {
        file,
        line,
        message: format!("`{name}` is {text:?}, not a number"),
    })
}

fn records(
    file: &'static str,
    r: &mut csv::Reader<&[u8]>,
) -> Result<Vec<csv::StringRecord>, FormatError> {
    r.records()
        .map(|rec| {
            rec.map_err(|e| FormatError {
                file,
                line: e.position().map_or(0, |p| p.line()),
                message: e.to_string(),
            })
        })
        .collect()
}

fn vote(file: &'static str, record: &csv::StringRecord, value: i64) -> Result<Vote, FormatError> {
    Vote::from_export(value).ok_or_else(|| FormatError {
        file,
        line: record.position().map_or(0, |p| p.line()),
        message: format!("a vote must be 1, 0 or -1, not {value}"),
    })
}

/// Parses `comments.csv`.
pub fn parse_comments(text: &str) -> Result<Vec<Comment>, FormatError> {
    const FILE: &str = "comments.csv";
    let mut r = reader(text);
    let h = headers(FILE, &mut r)?;
    let (ts, id, author, moderated, body) = (
        column(FILE, &h, "timestamp")?,
        column(FILE, &h, "comment-id")?,
        column(FILE, &h, "author-id")?,
        column(FILE, &h, "moderated")?,
        column(FILE, &h, "comment-body")?,
    );
    records(FILE, &mut r)?
        .iter()
        .map(|rec| {
            Ok(Comment {
                timestamp: field(FILE, rec, ts, "timestamp")?,
                id: field(FILE, rec, id, "comment-id")?,
                author: match rec.get(author).unwrap_or("").trim() {
                    "" => None,
                    _ => Some(field(FILE, rec, author, "author-id")?),
                },
                moderated: field(FILE, rec, moderated, "moderated")?,
                body: rec.get(body).unwrap_or("").to_owned(),
            })
        })
        .collect()
}

/// Parses `votes.csv` (an event log; a later vote on the same comment replaces an earlier one).
pub fn parse_votes(text: &str) -> Result<Vec<VoteEvent>, FormatError> {
    const FILE: &str = "votes.csv";
    let mut r = reader(text);
    let h = headers(FILE, &mut r)?;
    let (ts, tid, pid, value) = (
        column(FILE, &h, "timestamp")?,
        column(FILE, &h, "comment-id")?,
        column(FILE, &h, "voter-id")?,
        column(FILE, &h, "vote")?,
    );
    records(FILE, &mut r)?
        .iter()
        .map(|rec| {
            Ok(VoteEvent {
                at: field(FILE, rec, ts, "timestamp")?,
                tid: field(FILE, rec, tid, "comment-id")?,
                pid: field(FILE, rec, pid, "voter-id")?,
                vote: vote(FILE, rec, field(FILE, rec, value, "vote")?)?,
            })
        })
        .collect()
}

/// pol.is's group per participant (`None`: not clustered).
pub type PolisGroups = BTreeMap<u64, Option<u64>>;

/// Parses `participants-votes.csv`: pol.is's group per participant, and the final votes (used
/// as events when there is no `votes.csv`, in participant order).
pub fn parse_participants_votes(text: &str) -> Result<(PolisGroups, Vec<VoteEvent>), FormatError> {
    const FILE: &str = "participants-votes.csv";
    let mut r = reader(text);
    let h = headers(FILE, &mut r)?;
    let participant = column(FILE, &h, "participant")?;
    let group = column(FILE, &h, "group-id")?;
    let first_comment = column(FILE, &h, "n-disagree")? + 1;
    let tids: Vec<u64> = h[first_comment..]
        .iter()
        .map(|t| {
            t.trim().parse().map_err(|_| FormatError {
                file: FILE,
                line: 1,
                message: format!("comment column {t:?} is not a comment id"),
            })
        })
        .collect::<Result<_, _>>()?;
    let mut groups = BTreeMap::new();
    let mut events = Vec::new();
    for (n, rec) in records(FILE, &mut r)?.iter().enumerate() {
        let pid: u64 = field(FILE, rec, participant, "participant")?;
        let g = rec.get(group).unwrap_or("").trim();
        groups.insert(
            pid,
            if g.is_empty() {
                None
            } else {
                Some(field(FILE, rec, group, "group-id")?)
            },
        );
        for (i, tid) in tids.iter().enumerate() {
            let cell = rec.get(first_comment + i).unwrap_or("").trim();
            if cell.is_empty() {
                continue;
            }
            let value: i64 = field(FILE, rec, first_comment + i, &format!("comment {tid}"))?;
            events.push(VoteEvent {
                pid,
                tid: *tid,
                vote: vote(FILE, rec, value)?,
                at: i64::try_from(n).unwrap_or(i64::MAX),
            });
        }
    }
    Ok((groups, events))
}

/// Parses a conversation from the three files' texts (`votes` optional).
pub fn parse(
    comments: &str,
    participants_votes: &str,
    votes: Option<&str>,
) -> Result<OpenData, FormatError> {
    let comments = parse_comments(comments)?;
    let (polis_groups, matrix_events) = parse_participants_votes(participants_votes)?;
    let events = match votes {
        Some(text) => parse_votes(text)?,
        None => matrix_events,
    };
    Ok(OpenData {
        comments,
        events,
        polis_groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file_and_line() {
        let err =
            parse_votes("timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,0,1,7\n")
                .expect_err("bad vote");
        assert_eq!(err.file, "votes.csv");
        assert_eq!(err.line, 3);
        let err = parse_comments("timestamp,comment-id\n").expect_err("missing column");
        assert!(err.message.contains("author-id"));
    }

    #[test]
    fn the_export_sign_becomes_the_internal_one() {
        let events =
            parse_votes("timestamp,datetime,comment-id,voter-id,vote\n5,x,3,9,1\n").expect("ok");
        assert_eq!(events[0].vote, Vote::Agree);
        assert_eq!(events[0].vote.internal(), -1.0);
    }
}
