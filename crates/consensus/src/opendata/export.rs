//! Writing a conversation in pol.is's openData format (`comments.csv`, `votes.csv`,
//! `participants-votes.csv`), so that any pol.is tool, and [`super::parse`], can read it.
//! The tables are returned as cells; the caller writes them as CSV (quoting, byte-order mark).

use crate::matrix::VoteEvent;
use std::collections::HashMap;

/// A table: a header row and data rows, all as text cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Data rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    fn new(header: &[&str]) -> Self {
        Table {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }
}

/// A comment (statement) as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportComment {
    /// pol.is's comment id (the statement's number).
    pub tid: u64,
    /// When it was written, in milliseconds since 1970.
    pub created_ms: i64,
    /// The author's participant number, when a participant wrote it (seeds have none).
    pub author: Option<u64>,
    /// 1 allowed, 0 not yet moderated, −1 moderated out.
    pub moderated: i8,
    /// The text.
    pub body: String,
}

/// pol.is's human-readable date column.
fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%a %b %d %H:%M:%S UTC %Y")
        .to_string()
}

/// `comments.csv`: every comment with its agree and disagree counts.
pub fn comments_table(comments: &[ExportComment], votes: &[VoteEvent]) -> Table {
    let mut table = Table::new(&[
        "timestamp",
        "datetime",
        "comment-id",
        "author-id",
        "agrees",
        "disagrees",
        "moderated",
        "comment-body",
    ]);
    for c in comments {
        let on_it = votes.iter().filter(|v| v.tid == c.tid);
        let agrees = on_it.clone().filter(|v| v.vote.to_export() == 1).count();
        let disagrees = on_it.filter(|v| v.vote.to_export() == -1).count();
        table.rows.push(vec![
            c.created_ms.to_string(),
            date(c.created_ms),
            c.tid.to_string(),
            c.author.map_or(String::new(), |a| a.to_string()),
            agrees.to_string(),
            disagrees.to_string(),
            c.moderated.to_string(),
            c.body.clone(),
        ]);
    }
    table
}

/// `votes.csv`: every vote in time order.
pub fn votes_table(votes: &[VoteEvent]) -> Table {
    let mut table = Table::new(&["timestamp", "datetime", "comment-id", "voter-id", "vote"]);
    let mut sorted: Vec<&VoteEvent> = votes.iter().collect();
    sorted.sort_by_key(|v| (v.at, v.pid, v.tid));
    for v in sorted {
        table.rows.push(vec![
            v.at.to_string(),
            date(v.at),
            v.tid.to_string(),
            v.pid.to_string(),
            v.vote.to_export().to_string(),
        ]);
    }
    table
}

/// `participants-votes.csv`: one row per participant (those who voted and `also`, e.g. authors
/// without votes) with their group, counts and a column per comment.
pub fn participants_votes_table(
    comments: &[ExportComment],
    votes: &[VoteEvent],
    also: &[u64],
    groups: &HashMap<u64, usize>,
) -> Table {
    let mut participants: Vec<u64> = votes
        .iter()
        .map(|v| v.pid)
        .chain(also.iter().copied())
        .collect();
    participants.sort_unstable();
    participants.dedup();
    let mut authored: HashMap<u64, usize> = HashMap::new();
    for author in comments.iter().filter_map(|c| c.author) {
        *authored.entry(author).or_default() += 1;
    }
    let tids: Vec<u64> = comments.iter().map(|c| c.tid).collect();
    let mut header: Vec<String> = [
        "participant",
        "group-id",
        "n-comments",
        "n-votes",
        "n-agree",
        "n-disagree",
    ]
    .iter()
    .map(|h| (*h).to_owned())
    .collect();
    header.extend(tids.iter().map(ToString::to_string));
    let mut by_participant: HashMap<u64, HashMap<u64, i64>> = HashMap::new();
    for v in votes {
        by_participant
            .entry(v.pid)
            .or_default()
            .insert(v.tid, v.vote.to_export());
    }
    let empty = HashMap::new();
    let rows = participants
        .into_iter()
        .map(|p| {
            let mine = by_participant.get(&p).unwrap_or(&empty);
            let mut row = vec![
                p.to_string(),
                groups.get(&p).map_or(String::new(), ToString::to_string),
                authored.get(&p).copied().unwrap_or(0).to_string(),
                mine.len().to_string(),
                mine.values().filter(|v| **v == 1).count().to_string(),
                mine.values().filter(|v| **v == -1).count().to_string(),
            ];
            row.extend(
                tids.iter()
                    .map(|t| mine.get(t).map_or(String::new(), ToString::to_string)),
            );
            row
        })
        .collect();
    Table { header, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::Vote;

    fn vote(pid: u64, tid: u64, vote: Vote, at: i64) -> VoteEvent {
        VoteEvent { pid, tid, vote, at }
    }

    #[test]
    fn tables_count_votes_and_number_participants() {
        let comments = [
            ExportComment {
                tid: 0,
                created_ms: 1_700_000_000_000,
                author: None,
                moderated: 1,
                body: "Meer bomen".into(),
            },
            ExportComment {
                tid: 1,
                created_ms: 1_700_000_100_000,
                author: Some(2),
                moderated: -1,
                body: "Minder auto's".into(),
            },
        ];
        let votes = [
            vote(0, 0, Vote::Agree, 20),
            vote(1, 0, Vote::Disagree, 10),
            vote(1, 1, Vote::Pass, 30),
        ];
        let c = comments_table(&comments, &votes);
        assert_eq!(c.rows[0][2..7], ["0", "", "1", "1", "1"]);
        assert_eq!(c.rows[1][3], "2");
        assert_eq!(c.rows[0][1], "Tue Nov 14 22:13:20 UTC 2023");
        let v = votes_table(&votes);
        let order: Vec<&str> = v.rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(order, ["10", "20", "30"]);
        let groups = HashMap::from([(0, 1)]);
        let p = participants_votes_table(&comments, &votes, &[2], &groups);
        assert_eq!(p.header.len(), 8);
        assert_eq!(p.rows.len(), 3, "two voters and one author without votes");
        assert_eq!(p.rows[0], ["0", "1", "0", "1", "1", "0", "1", ""]);
        assert_eq!(p.rows[2], ["2", "", "1", "0", "0", "0", "", ""]);
    }
}
