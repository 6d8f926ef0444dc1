//! Proposals, supports and official answers.

use crate::entity::custom_status;
use crate::entity::proposal::{ActiveModel, Column, Entity, Model};
use crate::entity::proposal_answer;
use crate::entity::support;
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use inspraak_domain::proposal::{ProposalState, ValidProposal};
use sea_orm::sea_query::{Expr, Func, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionSession, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// What is stored for a new proposal.
#[derive(Debug, Clone)]
pub struct NewProposal {
    /// Its id (chosen by the caller so the ActivityPub id can contain it).
    pub id: String,
    /// Its ActivityPub id.
    pub ap_id: String,
    /// The consultation.
    pub consultation_id: String,
    /// The author.
    pub author_id: String,
    /// The checked fields.
    pub fields: ValidProposal,
    /// The body rendered and sanitised.
    pub body_html: String,
    /// Waits for a moderator first.
    pub pending: bool,
}

/// Stores a new proposal.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewProposal,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let state = if new.pending {
        ProposalState::Pending
    } else {
        ProposalState::Published
    };
    Ok(ActiveModel {
        id: Set(new.id),
        consultation_id: Set(new.consultation_id),
        author_id: Set(new.author_id),
        title: Set(new.fields.title),
        summary: Set(new.fields.summary),
        body_markdown: Set(new.fields.body),
        body_html: Set(new.body_html),
        tags: Set(new.fields.tags.join(",")),
        state: Set(state.as_str().to_owned()),
        status_key: Set(None),
        hidden_at: Set(None),
        hidden_reason: Set(None),
        hidden_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        withdrawn_at: Set(None),
        ap_id: Set(new.ap_id),
        local: Set(true),
    }
    .insert(db)
    .await?)
}

/// The proposal with this id.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("proposal"))
}

/// The stored state, read leniently (unknown counts as pending: shown to nobody but staff).
pub fn state_of(p: &Model) -> ProposalState {
    p.state.parse().unwrap_or(ProposalState::Pending)
}

/// The tags as a list.
pub fn tags_of(p: &Model) -> Vec<String> {
    p.tags
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// All proposals of a consultation, newest first (callers filter what a visitor may see).
pub async fn list_for_consultation(
    db: &impl ConnectionTrait,
    consultation_id: &str,
) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::ConsultationId.eq(consultation_id))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .all(db)
        .await?)
}

/// Support counts for several proposals in one query.
pub async fn support_counts(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<HashMap<String, u64>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(String, i64)> = support::Entity::find()
        .select_only()
        .column(support::Column::ProposalId)
        .column_as(Expr::from(Func::count(Expr::col(support::Column::Id))), "n")
        .filter(support::Column::ProposalId.is_in(ids.iter().cloned()))
        .group_by(support::Column::ProposalId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// How many supports one proposal has.
pub async fn support_count(db: &impl ConnectionTrait, id: &str) -> Result<u64, DbError> {
    Ok(support::Entity::find()
        .filter(support::Column::ProposalId.eq(id))
        .count(db)
        .await?)
}

/// Which of these proposals the account supports.
pub async fn supported_by(
    db: &impl ConnectionTrait,
    user_id: &str,
    ids: &[String],
) -> Result<HashSet<String>, DbError> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let rows: Vec<String> = support::Entity::find()
        .select_only()
        .column(support::Column::ProposalId)
        .filter(support::Column::UserId.eq(user_id))
        .filter(support::Column::ProposalId.is_in(ids.iter().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Adds a support. Supporting twice is not an error: the unique index keeps one, and the
/// answer says whether this call added it. Safe under any concurrency, on both databases.
pub async fn add_support(
    db: &impl ConnectionTrait,
    proposal_id: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let row = support::ActiveModel {
        id: Set(new_id()),
        proposal_id: Set(proposal_id.to_owned()),
        user_id: Set(user_id.to_owned()),
        created_at: Set(now),
    };
    let inserted = support::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([support::Column::ProposalId, support::Column::UserId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// Withdraws a support; true when there was one.
pub async fn remove_support(
    db: &impl ConnectionTrait,
    proposal_id: &str,
    user_id: &str,
) -> Result<bool, DbError> {
    let removed = support::Entity::delete_many()
        .filter(support::Column::ProposalId.eq(proposal_id))
        .filter(support::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected;
    Ok(removed > 0)
}

/// Marks a proposal withdrawn by its author.
pub async fn withdraw(
    db: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.state = Set(ProposalState::Withdrawn.as_str().to_owned());
    row.withdrawn_at = Set(Some(now));
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

/// Sets the life state (a moderator approving a pending proposal).
pub async fn set_state(
    db: &impl ConnectionTrait,
    id: &str,
    state: ProposalState,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.state = Set(state.as_str().to_owned());
    row.updated_at = Set(now);
    Ok(row.update(db).await?)
}

/// Hides (with a reason and the moderator, or `None` for automatic hiding) or shows again.
pub async fn set_hidden(
    db: &impl ConnectionTrait,
    id: &str,
    hidden: Option<(&str, Option<&str>)>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.hidden_at = Set(hidden.map(|_| now));
    row.hidden_reason = Set(hidden.map(|(reason, _)| reason.to_owned()));
    row.hidden_by = Set(hidden.and_then(|(_, by)| by.map(str::to_owned)));
    row.update(db).await?;
    Ok(())
}

/// An official answer to store.
#[derive(Debug, Clone)]
pub struct NewAnswer {
    /// A standard status or `custom:<id>`.
    pub status_key: String,
    /// The answer as written.
    pub markdown: String,
    /// Rendered and sanitised.
    pub html: String,
    /// The staff member.
    pub answered_by: String,
}

/// Records an answer and makes its status the proposal's current one, in one transaction.
pub async fn answer(
    db: &impl TransactionTrait,
    proposal_id: &str,
    answer: NewAnswer,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let txn = db.begin().await?;
    let mut row: ActiveModel = find(&txn, proposal_id).await?.into();
    row.status_key = Set(Some(answer.status_key.clone()));
    row.updated_at = Set(now);
    row.update(&txn).await?;
    proposal_answer::ActiveModel {
        id: Set(new_id()),
        proposal_id: Set(proposal_id.to_owned()),
        status_key: Set(answer.status_key),
        answer_markdown: Set(answer.markdown),
        answer_html: Set(answer.html),
        answered_by: Set(Some(answer.answered_by)),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A proposal's answers, oldest first: its history.
pub async fn answers(
    db: &impl ConnectionTrait,
    proposal_id: &str,
) -> Result<Vec<proposal_answer::Model>, DbError> {
    Ok(proposal_answer::Entity::find()
        .filter(proposal_answer::Column::ProposalId.eq(proposal_id))
        .order_by_asc(proposal_answer::Column::CreatedAt)
        .order_by_asc(proposal_answer::Column::Id)
        .all(db)
        .await?)
}

/// The latest answer of several proposals, for exports and lists.
pub async fn latest_answers(
    db: &impl ConnectionTrait,
    ids: &[String],
) -> Result<HashMap<String, proposal_answer::Model>, DbError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = proposal_answer::Entity::find()
        .filter(proposal_answer::Column::ProposalId.is_in(ids.iter().cloned()))
        .order_by_asc(proposal_answer::Column::CreatedAt)
        .order_by_asc(proposal_answer::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|a| (a.proposal_id.clone(), a))
        .collect())
}

/// A consultation's own answer statuses, in order.
pub async fn custom_statuses(
    db: &impl ConnectionTrait,
    consultation_id: &str,
) -> Result<Vec<custom_status::Model>, DbError> {
    Ok(custom_status::Entity::find()
        .filter(custom_status::Column::ConsultationId.eq(consultation_id))
        .order_by_asc(custom_status::Column::Position)
        .all(db)
        .await?)
}

/// Adds an answer status to a consultation.
pub async fn add_custom_status(
    db: &impl ConnectionTrait,
    consultation_id: &str,
    label: &str,
) -> Result<custom_status::Model, DbError> {
    let position =
        i32::try_from(custom_statuses(db, consultation_id).await?.len()).unwrap_or(i32::MAX);
    Ok(custom_status::ActiveModel {
        id: Set(new_id()),
        consultation_id: Set(consultation_id.to_owned()),
        label: Set(label.to_owned()),
        position: Set(position),
    }
    .insert(db)
    .await?)
}

/// How many proposals were written on this instance (for NodeInfo).
pub async fn count_local(db: &impl ConnectionTrait) -> Result<u64, DbError> {
    Ok(Entity::find()
        .filter(Column::Local.eq(true))
        .count(db)
        .await?)
}
