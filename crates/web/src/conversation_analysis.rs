//! Background analysis of conversations: every few seconds, each conversation whose votes
//! changed is analysed again, warm-started from its stored state, off the async threads. Page
//! requests only read the stored result, so they never wait for the math.

use chrono::Utc;
use inspraak_consensus::{ConversationState, Vote, VoteEvent, analyze};
use inspraak_db::{DatabaseConnection, DbError, conversations};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

/// Runs until the process ends.
pub async fn run(db: DatabaseConnection, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        match conversations::stale(&db).await {
            Ok(ids) => {
                for id in ids {
                    if let Err(err) = analyse(&db, &id).await {
                        tracing::warn!(conversation = %id, %err, "analysis failed");
                    }
                }
            }
            Err(err) => tracing::warn!(%err, "cannot look for conversations to analyse"),
        }
    }
}

/// Analyses one conversation and stores the result.
pub async fn analyse(db: &DatabaseConnection, id: &str) -> Result<(), DbError> {
    let votes = conversations::all_votes(db, id).await?;
    let statements = conversations::statements(db, id).await?;
    let previous: ConversationState = conversations::analysis(db, id)
        .await?
        .and_then(|a| serde_json::from_str(&a.state_json).ok())
        .unwrap_or_default();
    // Participants are numbered in the order of their first vote, as pol.is numbers them; the
    // numbers stay the same as votes are added, and say nothing about who is who.
    let mut first: HashMap<&str, chrono::DateTime<Utc>> = HashMap::new();
    for (user, _, _, created, _) in &votes {
        let at = first.entry(user.as_str()).or_insert(*created);
        *at = (*at).min(*created);
    }
    let mut order: Vec<(&str, chrono::DateTime<Utc>)> = first.into_iter().collect();
    order.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
    let pid: HashMap<&str, u64> = order
        .iter()
        .enumerate()
        .map(|(i, (user, _))| (*user, i as u64))
        .collect();
    let events: Vec<VoteEvent> = votes
        .iter()
        .filter_map(|(user, number, vote, _, changed)| {
            Some(VoteEvent {
                pid: pid[user.as_str()],
                tid: u64::try_from(*number).ok()?,
                vote: Vote::from_export(i64::from(*vote))?,
                at: changed.timestamp_millis(),
            })
        })
        .collect();
    let hidden: BTreeSet<u64> = statements
        .iter()
        .filter(|s| s.state != conversations::state::PUBLISHED)
        .filter_map(|s| u64::try_from(s.number).ok())
        .collect();
    let count = i64::try_from(votes.len()).unwrap_or(i64::MAX);
    let (analysis, state) =
        tokio::task::spawn_blocking(move || analyze(&events, &hidden, &BTreeSet::new(), &previous))
            .await
            .map_err(|e| DbError::Connect(format!("analysis task: {e}")))?;
    let state_json = serde_json::to_string(&state).unwrap_or_default();
    let analysis_json = serde_json::to_string(&analysis).unwrap_or_default();
    conversations::store_analysis(db, id, count, state_json, analysis_json, Utc::now()).await?;
    tracing::info!(conversation = %id, votes = count, groups = analysis.groups.len(), "conversation analysed");
    Ok(())
}
