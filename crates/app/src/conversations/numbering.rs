//! A conversation's votes as the engine and the openData export see them: participants as
//! numbers, never as accounts. Imported participants keep their numbers; residents of this
//! instance are numbered after them, in the order they first took part (a vote or a
//! statement), so the numbers stay put as the conversation grows.

use chrono::{DateTime, Utc};
use inspraak_consensus::{Vote, VoteEvent};
use inspraak_db::entity::statement;
use inspraak_db::{DbError, conversations};
use sea_orm::ConnectionTrait;
use std::collections::HashMap;

/// A conversation's votes with numbered participants.
pub struct Numbered {
    /// Every vote (the latest per participant and statement), statements by number.
    pub votes: Vec<VoteEvent>,
    /// The number of each resident of this instance who took part, by account id.
    pub residents: HashMap<String, u64>,
}

/// Loads and numbers a conversation's votes.
pub async fn numbered(
    db: &impl ConnectionTrait,
    conversation_id: &str,
    statements: &[statement::Model],
) -> Result<Numbered, DbError> {
    let imported = conversations::imported_votes(db, conversation_id).await?;
    let native = conversations::all_votes(db, conversation_id).await?;
    let offset = imported
        .iter()
        .filter_map(|v| u64::try_from(v.participant).ok())
        .map(|p| p + 1)
        .max()
        .unwrap_or(0);
    let mut first: HashMap<&str, DateTime<Utc>> = HashMap::new();
    for v in &native {
        let at = first.entry(v.user_id.as_str()).or_insert(v.created_at);
        *at = (*at).min(v.created_at);
    }
    for s in statements {
        if let Some(author) = &s.author_id {
            let at = first.entry(author.as_str()).or_insert(s.created_at);
            *at = (*at).min(s.created_at);
        }
    }
    let mut order: Vec<(&str, DateTime<Utc>)> = first.into_iter().collect();
    order.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
    let residents: HashMap<String, u64> = order
        .iter()
        .zip(offset..)
        .map(|((user, _), number)| ((*user).to_owned(), number))
        .collect();
    let event = |pid: u64, number: i32, vote: i32, at: i64| {
        Some(VoteEvent {
            pid,
            tid: u64::try_from(number).ok()?,
            vote: Vote::from_export(i64::from(vote))?,
            at,
        })
    };
    let mut votes: Vec<VoteEvent> = Vec::with_capacity(imported.len() + native.len());
    for v in &imported {
        match u64::try_from(v.participant)
            .ok()
            .and_then(|p| event(p, v.number, v.vote, v.at_ms))
        {
            Some(e) => votes.push(e),
            None => {
                tracing::warn!(conversation = %conversation_id, ?v, "imported vote skipped: not a valid vote")
            }
        }
    }
    for v in &native {
        let Some(&pid) = residents.get(v.user_id.as_str()) else {
            continue; // every voter was numbered above
        };
        match event(pid, v.number, v.vote, v.changed_at.timestamp_millis()) {
            Some(e) => votes.push(e),
            None => {
                tracing::warn!(conversation = %conversation_id, number = v.number, vote = v.vote, "stored vote skipped: not a valid vote")
            }
        }
    }
    Ok(Numbered { votes, residents })
}
