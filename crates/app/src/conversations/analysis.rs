//! Background analysis of conversations: every few seconds, each conversation whose votes
//! changed is analysed again, warm-started from its stored state, off the async threads. Page
//! requests only read the stored result, so they never wait for the math. Which
//! conversations changed comes from a change counter (one indexed query), so thousands of
//! quiet conversations cost nothing.

use super::numbering;
use crate::AppError;
use chrono::Utc;
use inspraak_consensus::{Analysis, ConversationState, analyze};
use inspraak_db::{DatabaseConnection, conversations};
use inspraak_domain::conversation::StatementState;
use sea_orm::ConnectionTrait;
use std::collections::BTreeSet;
use std::time::Duration;

/// Runs until the process ends.
pub async fn run(db: DatabaseConnection, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        match conversations::stale(&db).await {
            Ok(stale) => {
                for (id, _) in stale {
                    if let Err(err) = analyse(&db, &id).await {
                        tracing::warn!(conversation = %id, error = %crate::error::chain(&err), "analysis failed");
                    }
                }
            }
            Err(err) => tracing::warn!(error = %err, "cannot look for conversations to analyse"),
        }
    }
}

/// The stored analysis of a conversation, if there is one. A stored result that no longer
/// parses (written by another version) is logged and treated as absent: the worker replaces it.
pub async fn stored(db: &impl ConnectionTrait, id: &str) -> Result<Option<Analysis>, AppError> {
    Ok(stored_with_changes(db, id)
        .await?
        .map(|(analysis, _)| analysis))
}

/// Like [`stored`], with the change count the analysis covered (compare it with the
/// conversation's `analysis_changes` to know whether newer votes exist).
pub async fn stored_with_changes(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<(Analysis, i64)>, AppError> {
    let Some(row) = conversations::analysis(db, id).await? else {
        return Ok(None);
    };
    match serde_json::from_str(&row.analysis_json) {
        Ok(analysis) => Ok(Some((analysis, row.changes_seen))),
        Err(err) => {
            tracing::warn!(conversation = %id, error = %err, "stored analysis does not parse; ignored");
            Ok(None)
        }
    }
}

/// The stored warm-start state, or a cold start when there is none or it does not parse.
async fn previous_state(db: &DatabaseConnection, id: &str) -> Result<ConversationState, AppError> {
    let Some(row) = conversations::analysis(db, id).await? else {
        return Ok(ConversationState::default());
    };
    Ok(serde_json::from_str(&row.state_json).unwrap_or_else(|err| {
        tracing::warn!(conversation = %id, error = %err, "stored analysis state does not parse; starting cold");
        ConversationState::default()
    }))
}

/// Analyses one conversation and stores the result.
pub async fn analyse(db: &DatabaseConnection, id: &str) -> Result<(), AppError> {
    // Read before the votes: a vote that lands while we compute leaves the conversation stale.
    let changes = conversations::changes(db, id).await?;
    let statements = conversations::statements(db, id).await?;
    let previous = previous_state(db, id).await?;
    let numbered = numbering::numbered(db, id, &statements).await?;
    let hidden: BTreeSet<u64> = statements
        .iter()
        .filter(|s| conversations::state_of(s) != StatementState::Published)
        .filter_map(|s| u64::try_from(s.number).ok())
        .collect();
    let count = i64::try_from(numbered.votes.len()).unwrap_or(i64::MAX);
    let events = numbered.votes;
    let (analysis, state) =
        tokio::task::spawn_blocking(move || analyze(&events, &hidden, &BTreeSet::new(), &previous))
            .await
            .map_err(|e| AppError::internal("the analysis task stopped", e))?;
    let state_json = serde_json::to_string(&state)
        .map_err(|e| AppError::internal("serialising the analysis state", e))?;
    let analysis_json = serde_json::to_string(&analysis)
        .map_err(|e| AppError::internal("serialising the analysis", e))?;
    conversations::store_analysis(
        db,
        id,
        count,
        changes,
        state_json,
        analysis_json,
        Utc::now(),
    )
    .await?;
    tracing::info!(conversation = %id, votes = count, groups = analysis.groups.len(), "conversation analysed");
    Ok(())
}
