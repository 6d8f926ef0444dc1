//! The votes of a conversation as the engine and the openData export see them: participants
//! as numbers, never as accounts. Imported participants keep their numbers; residents of this
//! instance are numbered after them, in the order they first took part (a vote or a
//! statement), so the numbers stay put as the conversation grows.

use chrono::{DateTime, Utc};
use inspraak_db::entity::statement;
use inspraak_db::{DbError, conversations};
use sea_orm::ConnectionTrait;
use std::collections::HashMap;

/// One vote: participant number, statement number, vote (1, −1, 0), time in milliseconds.
pub type NumberedVote = (u64, i32, i32, i64);

/// A conversation's votes with numbered participants.
pub struct Numbered {
    /// Every vote (the latest per participant and statement).
    pub votes: Vec<NumberedVote>,
    /// The number of each resident of this instance who took part.
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
        .map(|v| u64::try_from(v.0).unwrap_or(0) + 1)
        .max()
        .unwrap_or(0);
    let mut first: HashMap<&str, DateTime<Utc>> = HashMap::new();
    for (user, _, _, created, _) in &native {
        let at = first.entry(user.as_str()).or_insert(*created);
        *at = (*at).min(*created);
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
        .enumerate()
        .map(|(i, (user, _))| ((*user).to_owned(), offset + i as u64))
        .collect();
    let mut votes: Vec<NumberedVote> = imported
        .iter()
        .filter_map(|&(p, n, v, at)| Some((u64::try_from(p).ok()?, n, v, at)))
        .collect();
    votes.extend(native.iter().map(|(user, n, v, _, changed)| {
        (residents[user.as_str()], *n, *v, changed.timestamp_millis())
    }));
    Ok(Numbered { votes, residents })
}
