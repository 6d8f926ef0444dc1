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

/// The numbers of a conversation's residents, kept so later votes are numbered as a fresh
/// numbering of everything would number them.
#[derive(Debug, Clone, Default)]
pub struct Residents {
    /// The number of each resident who took part, by account id.
    pub numbers: HashMap<String, u64>,
    /// The first resident's number: imported participants are numbered below it.
    pub first: u64,
    /// The next number to give.
    next: u64,
}

impl Residents {
    /// No residents yet; the first gets `first` (after every imported participant).
    fn starting_at(first: u64) -> Residents {
        Residents {
            numbers: HashMap::new(),
            first,
            next: first,
        }
    }

    /// Numbers newcomers in the order they first took part (ties by account id), after
    /// everyone numbered before: the numbers of earlier residents never change.
    fn admit<'a>(&mut self, first_taken_part: impl Iterator<Item = (&'a str, DateTime<Utc>)>) {
        let mut first: HashMap<&str, DateTime<Utc>> = HashMap::new();
        for (user, at) in first_taken_part {
            if self.numbers.contains_key(user) {
                continue;
            }
            let earliest = first.entry(user).or_insert(at);
            *earliest = (*earliest).min(at);
        }
        let mut order: Vec<(&str, DateTime<Utc>)> = first.into_iter().collect();
        order.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
        for (user, _) in order {
            self.numbers.insert(user.to_owned(), self.next);
            self.next += 1;
        }
    }

    /// Residents' votes as engine events (after numbering any newcomer among their voters or
    /// the statements' authors).
    pub fn events(
        &mut self,
        conversation_id: &str,
        votes: &[conversations::ResidentVote],
        statements: &[statement::Model],
    ) -> Vec<VoteEvent> {
        self.admit(
            votes
                .iter()
                .map(|v| (v.user_id.as_str(), v.created_at))
                .chain(
                    statements.iter().filter_map(|s| {
                        s.author_id.as_deref().map(|author| (author, s.created_at))
                    }),
                ),
        );
        let mut events = Vec::with_capacity(votes.len());
        for v in votes {
            let Some(&pid) = self.numbers.get(v.user_id.as_str()) else {
                continue; // every voter was numbered above
            };
            match event(pid, v.number, v.vote, v.changed_at.timestamp_millis()) {
                Some(e) => events.push(e),
                None => {
                    tracing::warn!(conversation = %conversation_id, number = v.number, vote = v.vote, "stored vote skipped: not a valid vote")
                }
            }
        }
        events
    }
}

fn event(pid: u64, number: i32, vote: i32, at: i64) -> Option<VoteEvent> {
    Some(VoteEvent {
        pid,
        tid: u64::try_from(number).ok()?,
        vote: Vote::from_export(i64::from(vote))?,
        at,
    })
}

/// Loads and numbers a conversation's votes; the residents' numbering comes back for later
/// votes.
pub async fn numbered_with_residents(
    db: &impl ConnectionTrait,
    conversation_id: &str,
    statements: &[statement::Model],
) -> Result<(Numbered, Residents), DbError> {
    let imported = conversations::imported_votes(db, conversation_id).await?;
    let native = conversations::all_votes(db, conversation_id).await?;
    let offset = imported
        .iter()
        .filter_map(|v| u64::try_from(v.participant).ok())
        .map(|p| p + 1)
        .max()
        .unwrap_or(0);
    let mut residents = Residents::starting_at(offset);
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
    votes.extend(residents.events(conversation_id, &native, statements));
    let numbered = Numbered {
        votes,
        residents: residents.numbers.clone(),
    };
    Ok((numbered, residents))
}

/// Loads and numbers a conversation's votes.
pub async fn numbered(
    db: &impl ConnectionTrait,
    conversation_id: &str,
    statements: &[statement::Model],
) -> Result<Numbered, DbError> {
    Ok(numbered_with_residents(db, conversation_id, statements)
        .await?
        .0)
}
