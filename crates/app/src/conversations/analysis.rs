//! Background analysis of conversations: every few seconds, each conversation whose votes
//! changed is analysed again, warm-started from its stored state, off the async threads. Page
//! requests only read the stored result, so they never wait for the math. Which
//! conversations changed comes from a change counter (one indexed query), so thousands of
//! quiet conversations cost nothing. The worker keeps each conversation's vote matrix between
//! analyses and merges only the votes that changed since (see [`LiveMatrices`]).

use super::numbering;
use crate::AppError;
use chrono::Utc;
use inspraak_consensus::{Analysis, ConversationState, VoteMatrix, analyze_matrix};
use inspraak_db::{DatabaseConnection, conversations};
use inspraak_domain::conversation::StatementState;
use sea_orm::ConnectionTrait;
use std::collections::BTreeSet;
use std::collections::HashMap;
use std::time::Duration;

/// Runs until the process ends.
pub async fn run(db: DatabaseConnection, every: Duration) {
    let mut tick = tokio::time::interval(every);
    let mut live = LiveMatrices::default();
    loop {
        tick.tick().await;
        match conversations::stale(&db).await {
            Ok(stale) => {
                for (id, _) in stale {
                    if let Err(err) = analyse(&db, &id, &mut live).await {
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

/// How far back a merge re-reads votes: a vote whose transaction began before the last read
/// but committed after it carries an earlier time, and must not be missed. Re-reading a vote
/// is harmless (the latest per cell wins).
const REREAD_SECONDS: i64 = 60;

/// A conversation's vote matrix as the worker last built it.
struct Live {
    matrix: VoteMatrix,
    /// The statements hidden when it was built (they are zero columns).
    hidden: BTreeSet<u64>,
    /// Imported votes when it was built.
    imported: u64,
    /// How many of its cells are imported votes.
    imported_cells: usize,
    residents: numbering::Residents,
    /// The latest change time among the residents' votes read.
    read_until: chrono::DateTime<Utc>,
}

/// The vote matrices the analysis worker keeps between analyses, so that an analysis after a
/// few new votes merges them (`VoteMatrix::apply`) instead of reading and rebuilding every
/// vote. A change of moderation or an import rebuilds; so does any doubt (the residents' vote
/// count not matching the matrix).
#[derive(Default)]
pub struct LiveMatrices(HashMap<String, Live>);

impl LiveMatrices {
    /// The conversation's current matrix, merged from the last one when it can be.
    async fn current(
        &mut self,
        db: &DatabaseConnection,
        id: &str,
        statements: &[inspraak_db::entity::statement::Model],
        hidden: &BTreeSet<u64>,
    ) -> Result<VoteMatrix, AppError> {
        let imported = conversations::imported_count(db, id).await?;
        if let Some(live) = self.0.get_mut(id)
            && live.hidden == *hidden
            && live.imported == imported
        {
            let since = live.read_until - chrono::Duration::seconds(REREAD_SECONDS);
            let recent = conversations::votes_changed_since(db, id, since).await?;
            let events = live.residents.events(id, &recent, statements);
            live.matrix.apply(&events);
            if let Some(latest) = recent.iter().map(|v| v.changed_at).max() {
                live.read_until = live.read_until.max(latest);
            }
            let native = usize::try_from(conversations::vote_count(db, id).await?).unwrap_or(0);
            if live.matrix.votes() == live.imported_cells + native {
                tracing::debug!(conversation = %id, merged = events.len(), "votes merged into the kept matrix");
                return Ok(live.matrix.clone());
            }
            tracing::info!(conversation = %id, "kept matrix does not match the stored votes; rebuilding");
        }
        let (numbered, residents) = numbering::numbered_with_residents(db, id, statements).await?;
        // Residents' events carry their votes' change times.
        let read_until = numbered
            .votes
            .iter()
            .filter(|e| e.pid >= residents.first)
            .map(|e| e.at)
            .max()
            .and_then(chrono::DateTime::from_timestamp_millis)
            .unwrap_or_else(Utc::now);
        let matrix = VoteMatrix::from_events(&numbered.votes, hidden);
        let imported_cells = (0..matrix.rows())
            .filter(|&r| matrix.pids[r] < residents.first)
            .map(|r| matrix.row(r).count())
            .sum();
        self.0.insert(
            id.to_owned(),
            Live {
                matrix: matrix.clone(),
                hidden: hidden.clone(),
                imported,
                imported_cells,
                residents,
                read_until,
            },
        );
        Ok(matrix)
    }
}

/// Analyses one conversation and stores the result.
async fn analyse(
    db: &DatabaseConnection,
    id: &str,
    live: &mut LiveMatrices,
) -> Result<(), AppError> {
    // Read before the votes: a vote that lands while we compute leaves the conversation stale.
    let changes = conversations::changes(db, id).await?;
    let statements = conversations::statements(db, id).await?;
    let previous = previous_state(db, id).await?;
    let hidden: BTreeSet<u64> = statements
        .iter()
        .filter(|s| conversations::state_of(s) != StatementState::Published)
        .filter_map(|s| u64::try_from(s.number).ok())
        .collect();
    let matrix = live.current(db, id, &statements, &hidden).await?;
    let count = i64::try_from(matrix.votes()).unwrap_or(i64::MAX);
    let (analysis, state) =
        tokio::task::spawn_blocking(move || analyze_matrix(matrix, &BTreeSet::new(), &previous))
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
