//! Comments on consultations, proposals and budget projects.

use crate::DbError;
use crate::entity::comment::{ActiveModel, Column, Entity, Model};
use chrono::{DateTime, Utc};
use inspraak_domain::comment::{CommentState, Stance};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

/// A comment's state as stored.
pub fn state_of(c: &Model) -> CommentState {
    // An unknown stored state is treated as the safe choice: waiting for a moderator.
    c.state.parse().unwrap_or(CommentState::Pending)
}

/// What is stored for a new comment.
#[derive(Debug, Clone)]
pub struct NewComment {
    /// Its id.
    pub id: String,
    /// Its ActivityPub id.
    pub ap_id: String,
    /// The consultation.
    pub consultation_id: String,
    /// The proposal, if it is about one.
    pub proposal_id: Option<String>,
    /// The budget project, if it is about one.
    pub budget_project_id: Option<String>,
    /// The comment it answers.
    pub parent_id: Option<String>,
    /// Nesting depth.
    pub depth: i32,
    /// The author.
    pub author_id: String,
    /// Markdown.
    pub body: String,
    /// Rendered and sanitised.
    pub body_html: String,
    /// The stance.
    pub stance: Stance,
    /// Waits for a moderator first.
    pub pending: bool,
}

/// Stores a comment.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewComment,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    Ok(ActiveModel {
        id: Set(new.id),
        consultation_id: Set(new.consultation_id),
        proposal_id: Set(new.proposal_id),
        budget_project_id: Set(new.budget_project_id),
        parent_id: Set(new.parent_id),
        author_id: Set(new.author_id),
        body_markdown: Set(new.body),
        body_html: Set(new.body_html),
        stance: Set(new.stance.as_str().to_owned()),
        depth: Set(new.depth),
        state: Set(if new.pending {
            CommentState::Pending.as_str()
        } else {
            CommentState::Published.as_str()
        }
        .to_owned()),
        hidden_at: Set(None),
        hidden_reason: Set(None),
        hidden_by: Set(None),
        created_at: Set(now),
        edited_at: Set(None),
        ap_id: Set(new.ap_id),
        local: Set(true),
    }
    .insert(db)
    .await?)
}

/// The comment with this id.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("comment"))
}

/// Every comment of one thread, oldest first: the consultation's own (`proposal_id` `None`,
/// without those on budget projects) or one proposal's.
pub async fn thread(
    db: &impl ConnectionTrait,
    consultation_id: &str,
    proposal_id: Option<&str>,
) -> Result<Vec<Model>, DbError> {
    let mut select = Entity::find().filter(Column::ConsultationId.eq(consultation_id));
    select = match proposal_id {
        Some(id) => select.filter(Column::ProposalId.eq(id)),
        None => select
            .filter(Column::ProposalId.is_null())
            .filter(Column::BudgetProjectId.is_null()),
    };
    Ok(select
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(db)
        .await?)
}

/// Every comment on one budget project (its thread, replies included), oldest first.
pub async fn project_thread(
    db: &impl ConnectionTrait,
    project_id: &str,
) -> Result<Vec<Model>, DbError> {
    let select = Entity::find().filter(Column::BudgetProjectId.eq(project_id));
    Ok(select
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(db)
        .await?)
}

/// Every comment of a consultation, on it and on its proposals, oldest first.
pub async fn all_of_consultation(
    db: &impl ConnectionTrait,
    consultation_id: &str,
) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::ConsultationId.eq(consultation_id))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(db)
        .await?)
}

/// Replaces the text of a comment.
pub async fn edit(
    db: &impl ConnectionTrait,
    id: &str,
    body: String,
    body_html: String,
    stance: Stance,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.body_markdown = Set(body);
    row.body_html = Set(body_html);
    row.stance = Set(stance.as_str().to_owned());
    row.edited_at = Set(Some(now));
    Ok(row.update(db).await?)
}

/// Deletes a comment for its author: gone when nobody replied, otherwise a placeholder that
/// keeps the replies in their thread. The text goes either way.
pub async fn delete_by_author(
    db: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let replies = Entity::find()
        .filter(Column::ParentId.eq(id))
        .count(db)
        .await?;
    if replies == 0 {
        Entity::delete_by_id(id).exec(db).await?;
        return Ok(());
    }
    let mut row: ActiveModel = find(db, id).await?.into();
    row.state = Set(CommentState::Deleted.as_str().to_owned());
    row.body_markdown = Set(String::new());
    row.body_html = Set(String::new());
    row.edited_at = Set(Some(now));
    row.update(db).await?;
    Ok(())
}

/// Sets the state (a moderator approving a pending comment).
pub async fn set_state(
    db: &impl ConnectionTrait,
    id: &str,
    state: CommentState,
) -> Result<(), DbError> {
    let mut row: ActiveModel = find(db, id).await?.into();
    row.state = Set(state.as_str().to_owned());
    row.update(db).await?;
    Ok(())
}

/// Hides (with a reason and the moderator, or `None` when automatic) or shows again.
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

/// How many comments were written on this instance (for NodeInfo).
pub async fn count_local(db: &impl ConnectionTrait) -> Result<u64, DbError> {
    Ok(Entity::find()
        .filter(Column::Local.eq(true))
        .count(db)
        .await?)
}
