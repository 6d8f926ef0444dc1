//! Polls, their options, and ballots.

use crate::entity::ballot;
use crate::entity::ballot_choice;
use crate::entity::poll::{ActiveModel, Column, Entity, Model};
use crate::entity::poll_option;
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use inspraak_domain::poll::ValidPoll;
use sea_orm::sea_query::{Expr, Func, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationDef, Set, TransactionSession,
    TransactionTrait,
};
use std::collections::HashMap;

/// A poll with its options in order.
#[derive(Debug, Clone)]
pub struct PollWithOptions {
    /// The poll.
    pub poll: Model,
    /// Its options.
    pub options: Vec<poll_option::Model>,
}

/// Stores a poll and its options in one transaction.
pub async fn create(
    db: &impl TransactionTrait,
    id: String,
    ap_id: String,
    consultation_id: &str,
    valid: ValidPoll,
    created_by: &str,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let txn = db.begin().await?;
    let poll = ActiveModel {
        id: Set(id.clone()),
        consultation_id: Set(consultation_id.to_owned()),
        question: Set(valid.question),
        multiple: Set(valid.multiple),
        closes_at: Set(valid.closes_at),
        results_visibility: Set(valid.results.as_str().to_owned()),
        created_by: Set(Some(created_by.to_owned())),
        created_at: Set(now),
        ap_id: Set(ap_id),
        local: Set(true),
        remote_tally: Set(None),
    }
    .insert(&txn)
    .await?;
    for (position, label) in valid.options.into_iter().enumerate() {
        poll_option::ActiveModel {
            id: Set(new_id()),
            poll_id: Set(id.clone()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            label: Set(label),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(poll)
}

/// The poll with this id and its options.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<PollWithOptions, DbError> {
    let poll = Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("poll"))?;
    let options = poll_option::Entity::find()
        .filter(poll_option::Column::PollId.eq(id))
        .order_by_asc(poll_option::Column::Position)
        .all(db)
        .await?;
    Ok(PollWithOptions { poll, options })
}

/// A consultation's polls, oldest first, with their options.
pub async fn list_for_consultation(
    db: &impl ConnectionTrait,
    consultation_id: &str,
) -> Result<Vec<PollWithOptions>, DbError> {
    let polls = Entity::find()
        .filter(Column::ConsultationId.eq(consultation_id))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(db)
        .await?;
    let ids: Vec<String> = polls.iter().map(|p| p.id.clone()).collect();
    let mut options: HashMap<String, Vec<poll_option::Model>> = HashMap::new();
    if !ids.is_empty() {
        for option in poll_option::Entity::find()
            .filter(poll_option::Column::PollId.is_in(ids))
            .order_by_asc(poll_option::Column::Position)
            .all(db)
            .await?
        {
            options
                .entry(option.poll_id.clone())
                .or_default()
                .push(option);
        }
    }
    Ok(polls
        .into_iter()
        .map(|poll| {
            let options = options.remove(&poll.id).unwrap_or_default();
            PollWithOptions { poll, options }
        })
        .collect())
}

/// Casts or replaces an account's ballot, in one transaction. The first statement writes, so
/// on SQLite the transaction takes the write lock at once and waits its turn instead of failing
/// on a lock upgrade; the unique index keeps one ballot per account whatever arrives together.
pub async fn cast(
    db: &DatabaseConnection,
    poll_id: &str,
    user_id: &str,
    option_ids: &[String],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let txn = db.begin().await?;
    let row = ballot::ActiveModel {
        id: Set(new_id()),
        poll_id: Set(poll_id.to_owned()),
        user_id: Set(user_id.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    ballot::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([ballot::Column::PollId, ballot::Column::UserId])
                .update_column(ballot::Column::UpdatedAt)
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    let ballot = ballot::Entity::find()
        .filter(ballot::Column::PollId.eq(poll_id))
        .filter(ballot::Column::UserId.eq(user_id))
        .one(&txn)
        .await?
        .ok_or(DbError::NotFound("ballot"))?;
    ballot_choice::Entity::delete_many()
        .filter(ballot_choice::Column::BallotId.eq(&ballot.id))
        .exec(&txn)
        .await?;
    for option_id in option_ids {
        ballot_choice::ActiveModel {
            ballot_id: Set(ballot.id.clone()),
            option_id: Set(option_id.clone()),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The options an account chose, if it voted.
pub async fn ballot_of(
    db: &impl ConnectionTrait,
    poll_id: &str,
    user_id: &str,
) -> Result<Option<Vec<String>>, DbError> {
    let Some(ballot) = ballot::Entity::find()
        .filter(ballot::Column::PollId.eq(poll_id))
        .filter(ballot::Column::UserId.eq(user_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let chosen: Vec<String> = ballot_choice::Entity::find()
        .select_only()
        .column(ballot_choice::Column::OptionId)
        .filter(ballot_choice::Column::BallotId.eq(ballot.id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(Some(chosen))
}

/// Counted results: voters, and ballots per option id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Results {
    /// Residents who cast a ballot.
    pub voters: u64,
    /// Ballots choosing each option.
    pub per_option: HashMap<String, u64>,
}

fn choice_to_ballot() -> RelationDef {
    ballot_choice::Entity::belongs_to(ballot::Entity)
        .from(ballot_choice::Column::BallotId)
        .to(ballot::Column::Id)
        .into()
}

/// Counts a poll's ballots.
pub async fn results(db: &impl ConnectionTrait, poll_id: &str) -> Result<Results, DbError> {
    let voters = ballot::Entity::find()
        .filter(ballot::Column::PollId.eq(poll_id))
        .count(db)
        .await?;
    let rows: Vec<(String, i64)> = ballot_choice::Entity::find()
        .select_only()
        .column(ballot_choice::Column::OptionId)
        .column_as(
            Expr::from(Func::count(Expr::col(ballot_choice::Column::BallotId))),
            "n",
        )
        .join(JoinType::InnerJoin, choice_to_ballot())
        .filter(ballot::Column::PollId.eq(poll_id))
        .group_by(ballot_choice::Column::OptionId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(Results {
        voters,
        per_option: rows
            .into_iter()
            .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
            .collect(),
    })
}
