//! Background analysis of conversations: every few seconds, each conversation whose votes
//! changed is analysed again, warm-started from its stored state, off the async threads. Page
//! requests only read the stored result, so they never wait for the math.

use chrono::Utc;
use inspraak_consensus::{ConversationState, Vote, VoteEvent, analyze};
use inspraak_db::{DatabaseConnection, DbError, conversations};
use std::collections::BTreeSet;
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
    let statements = conversations::statements(db, id).await?;
    let previous: ConversationState = conversations::analysis(db, id)
        .await?
        .and_then(|a| serde_json::from_str(&a.state_json).ok())
        .unwrap_or_default();
    let numbered = crate::conversation_votes::numbered(db, id, &statements).await?;
    let events: Vec<VoteEvent> = numbered
        .votes
        .iter()
        .filter_map(|&(pid, number, vote, at)| {
            Some(VoteEvent {
                pid,
                tid: u64::try_from(number).ok()?,
                vote: Vote::from_export(i64::from(vote))?,
                at,
            })
        })
        .collect();
    let hidden: BTreeSet<u64> = statements
        .iter()
        .filter(|s| s.state != conversations::state::PUBLISHED)
        .filter_map(|s| u64::try_from(s.number).ok())
        .collect();
    let count = i64::try_from(numbered.votes.len()).unwrap_or(i64::MAX);
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
