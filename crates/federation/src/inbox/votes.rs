//! Fediverse votes on our polls and conversation statements: counted apart from residents,
//! answered with the new counts.

use crate::FederationError;
use crate::context::Fed;
use crate::publish::{self, Change};
use chrono::Utc;
use inspraak_db::{fediverse, polls};
use inspraak_domain::poll::is_open;
use sea_orm::DatabaseTransaction;
use url::Url;

/// A fediverse vote on one of our polls: counted apart, once per account (per option for
/// multiple choice), while the poll is open; the new counts go back out as `Update(Question)`.
pub(super) async fn poll_vote(
    data: &Fed,
    txn: &DatabaseTransaction,
    poll: &inspraak_db::entity::poll::Model,
    voter: &Url,
    choice: &str,
    vote_id: &Url,
) -> Result<(), FederationError> {
    if !is_open(poll.closes_at, Utc::now()) {
        tracing::info!(poll = %poll.ap_id, voter = %voter, "vote after closing ignored");
        return Ok(());
    }
    let name = choice.trim();
    let with_options = polls::find(txn, &poll.id).await?;
    let Some(option) = with_options.options.iter().find(|o| o.label.trim() == name) else {
        return Err(FederationError::Invalid(format!(
            "no option named {name:?}"
        )));
    };
    if !poll.multiple
        && !fediverse::votes_of(txn, &poll.id, voter.as_str())
            .await?
            .is_empty()
    {
        return Ok(());
    }
    if fediverse::add_vote(
        txn,
        &poll.id,
        &option.id,
        voter.as_str(),
        vote_id.as_str(),
        Utc::now(),
    )
    .await?
    {
        publish::poll_changed(txn, data, poll, Change::Updated).await?;
    }
    Ok(())
}

/// A fediverse vote on a conversation statement: counted apart from residents, once per
/// account; the new counts go back out as `Update(Question)`.
pub(super) async fn statement_vote(
    data: &Fed,
    txn: &DatabaseTransaction,
    statement: &inspraak_db::entity::statement::Model,
    voter: &Url,
    choice: &str,
    vote_id: &Url,
) -> Result<(), FederationError> {
    let name = choice.trim().to_lowercase();
    let vote = match name.as_str() {
        "eens" | "agree" => 1,
        "oneens" | "disagree" => -1,
        "overslaan" | "pass" => 0,
        _ => {
            return Err(FederationError::Invalid(format!(
                "no option named {name:?}"
            )));
        }
    };
    let new = inspraak_db::conversations::add_fediverse_vote(
        txn,
        &statement.id,
        voter.as_str(),
        vote,
        vote_id.as_str(),
        Utc::now(),
    )
    .await?;
    if new {
        publish::statement_changed(txn, data, statement, Change::Updated).await?;
    }
    Ok(())
}
