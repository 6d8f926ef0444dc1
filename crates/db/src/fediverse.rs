//! Participation from the fediverse: votes on our polls and likes of our proposals. Both are
//! shown beside the residents' figures and never count towards them.

use crate::entity::{fediverse_like, fediverse_vote};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use std::collections::HashMap;

/// Records a vote for one option; `false` when this actor already chose it.
pub async fn add_vote(
    db: &impl ConnectionTrait,
    poll_id: &str,
    option_id: &str,
    actor: &str,
    activity_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let row = fediverse_vote::ActiveModel {
        id: Set(new_id()),
        poll_id: Set(poll_id.to_owned()),
        option_id: Set(option_id.to_owned()),
        actor: Set(actor.to_owned()),
        activity_id: Set(activity_id.to_owned()),
        created_at: Set(now),
    };
    let inserted = fediverse_vote::Entity::insert(row)
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// The options this actor voted for in a poll.
pub async fn votes_of(
    db: &impl ConnectionTrait,
    poll_id: &str,
    actor: &str,
) -> Result<Vec<String>, DbError> {
    Ok(fediverse_vote::Entity::find()
        .select_only()
        .column(fediverse_vote::Column::OptionId)
        .filter(fediverse_vote::Column::PollId.eq(poll_id))
        .filter(fediverse_vote::Column::Actor.eq(actor))
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// Fediverse votes per option of a poll, and how many distinct accounts voted.
pub async fn tally(
    db: &impl ConnectionTrait,
    poll_id: &str,
) -> Result<(HashMap<String, u64>, u64), DbError> {
    let rows: Vec<(String, i64)> = fediverse_vote::Entity::find()
        .select_only()
        .column(fediverse_vote::Column::OptionId)
        .column_as(fediverse_vote::Column::Id.count(), "n")
        .filter(fediverse_vote::Column::PollId.eq(poll_id))
        .group_by(fediverse_vote::Column::OptionId)
        .into_tuple()
        .all(db)
        .await?;
    let voters = fediverse_vote::Entity::find()
        .select_only()
        .column(fediverse_vote::Column::Actor)
        .distinct()
        .filter(fediverse_vote::Column::PollId.eq(poll_id))
        .into_tuple::<String>()
        .all(db)
        .await?
        .len();
    Ok((
        rows.into_iter()
            .map(|(k, n)| (k, u64::try_from(n).unwrap_or(0)))
            .collect(),
        voters as u64,
    ))
}

/// Records a like; `false` when this actor liked it already.
pub async fn add_like(
    db: &impl ConnectionTrait,
    proposal_id: &str,
    actor: &str,
    activity_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let row = fediverse_like::ActiveModel {
        id: Set(new_id()),
        proposal_id: Set(proposal_id.to_owned()),
        actor: Set(actor.to_owned()),
        activity_id: Set(activity_id.to_owned()),
        created_at: Set(now),
    };
    let inserted = fediverse_like::Entity::insert(row)
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// Removes a like by its activity id (an `Undo`), only when `actor` made it.
pub async fn remove_like(
    db: &impl ConnectionTrait,
    activity_id: &str,
    actor: &str,
) -> Result<bool, DbError> {
    Ok(fediverse_like::Entity::delete_many()
        .filter(fediverse_like::Column::ActivityId.eq(activity_id))
        .filter(fediverse_like::Column::Actor.eq(actor))
        .exec(db)
        .await?
        .rows_affected
        > 0)
}

/// How many fediverse accounts like a proposal.
pub async fn like_count(db: &impl ConnectionTrait, proposal_id: &str) -> Result<u64, DbError> {
    Ok(fediverse_like::Entity::find()
        .filter(fediverse_like::Column::ProposalId.eq(proposal_id))
        .count(db)
        .await?)
}

/// Likes per proposal, for lists.
pub async fn like_counts(
    db: &impl ConnectionTrait,
    proposal_ids: &[String],
) -> Result<HashMap<String, u64>, DbError> {
    let rows: Vec<(String, i64)> = fediverse_like::Entity::find()
        .select_only()
        .column(fediverse_like::Column::ProposalId)
        .column_as(fediverse_like::Column::Id.count(), "n")
        .filter(fediverse_like::Column::ProposalId.is_in(proposal_ids.iter().cloned()))
        .group_by(fediverse_like::Column::ProposalId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(k, n)| (k, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// The fediverse accounts that voted in a poll.
pub async fn voters(db: &impl ConnectionTrait, poll_id: &str) -> Result<Vec<String>, DbError> {
    Ok(fediverse_vote::Entity::find()
        .select_only()
        .column(fediverse_vote::Column::Actor)
        .distinct()
        .filter(fediverse_vote::Column::PollId.eq(poll_id))
        .into_tuple::<String>()
        .all(db)
        .await?)
}
