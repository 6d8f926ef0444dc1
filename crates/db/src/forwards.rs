//! Forwarded proposals, both ways, with their history (`forward_events`).

use crate::entity::forward::{ActiveModel, Column, Entity, Model};
use crate::entity::{forward_event, proposal};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use inspraak_domain::forward::{Direction, EventKind, ForwardState};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// A forward to store.
#[derive(Debug, Clone)]
pub struct NewForward<'a> {
    /// Which way.
    pub direction: Direction,
    /// The `Offer`'s id.
    pub offer_ap_id: &'a str,
    /// Sent: our proposal.
    pub proposal_id: Option<&'a str>,
    /// The forwarded `Page`.
    pub proposal_ap_id: &'a str,
    /// The other side's `Organization`.
    pub organization_ap_id: &'a str,
    /// Its name.
    pub organization_name: &'a str,
    /// Its inbox.
    pub inbox: &'a str,
    /// The note.
    pub note: &'a str,
    /// The proposal's title.
    pub title: &'a str,
    /// Its text, sanitised HTML.
    pub body_html: &'a str,
    /// Its web page.
    pub url: &'a str,
    /// Its supports, when declared.
    pub supports: Option<i64>,
    /// The staff member who forwarded it.
    pub created_by: Option<&'a str>,
}

/// Stores a new forward in its first state, with its first history entry.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewForward<'_>,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let row = ActiveModel {
        id: Set(new_id()),
        direction: Set(new.direction.as_str().to_owned()),
        state: Set(ForwardState::initial(new.direction).as_str().to_owned()),
        offer_ap_id: Set(new.offer_ap_id.to_owned()),
        proposal_id: Set(new.proposal_id.map(str::to_owned)),
        proposal_ap_id: Set(new.proposal_ap_id.to_owned()),
        organization_ap_id: Set(new.organization_ap_id.to_owned()),
        organization_name: Set(new.organization_name.to_owned()),
        inbox: Set(new.inbox.to_owned()),
        note: Set(new.note.to_owned()),
        title: Set(new.title.to_owned()),
        body_html: Set(new.body_html.to_owned()),
        url: Set(new.url.to_owned()),
        supports: Set(new.supports),
        result_ap_id: Set(None),
        reason: Set(None),
        status: Set(None),
        answer_html: Set(None),
        created_by: Set(new.created_by.map(str::to_owned)),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let saved = row
        .insert(db)
        .await
        .map_err(|e| DbError::unique(e, "offer"))?;
    let kind = match new.direction {
        Direction::Sent => EventKind::Sent,
        Direction::Received => EventKind::Received,
    };
    let note = (!new.note.is_empty()).then_some(new.note);
    event(db, &saved.id, kind, None, note, now).await?;
    Ok(saved)
}

/// Adds a step to a forward's history.
pub async fn event(
    db: &impl ConnectionTrait,
    forward_id: &str,
    kind: EventKind,
    status: Option<&str>,
    text: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    forward_event::ActiveModel {
        id: Set(new_id()),
        forward_id: Set(forward_id.to_owned()),
        kind: Set(kind.as_str().to_owned()),
        status: Set(status.map(str::to_owned)),
        text_html: Set(text.map(str::to_owned)),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// When the latest status in a forward's history was given (on the side that gave it).
pub async fn last_status_at(
    db: &impl ConnectionTrait,
    forward_id: &str,
) -> Result<Option<DateTime<Utc>>, DbError> {
    use sea_orm::QuerySelect;
    Ok(forward_event::Entity::find()
        .select_only()
        .column_as(forward_event::Column::CreatedAt.max(), "at")
        .filter(forward_event::Column::ForwardId.eq(forward_id))
        .filter(forward_event::Column::Kind.eq(EventKind::Status.as_str()))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await?
        .flatten())
}

/// A forward by id.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Model, DbError> {
    Entity::find_by_id(id.to_owned())
        .one(db)
        .await?
        .ok_or(DbError::NotFound("forward"))
}

/// A forward by direction and `Offer` id.
pub async fn find_by_offer(
    db: &impl ConnectionTrait,
    direction: Direction,
    offer_ap_id: &str,
) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::Direction.eq(direction.as_str()))
        .filter(Column::OfferApId.eq(offer_ap_id))
        .one(db)
        .await?)
}

/// The accepted forward we sent whose answer made `result_ap_id`.
pub async fn find_sent_by_result(
    db: &impl ConnectionTrait,
    result_ap_id: &str,
) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::Direction.eq(Direction::Sent.as_str()))
        .filter(Column::State.eq(ForwardState::Accepted.as_str()))
        .filter(Column::ResultApId.eq(result_ap_id))
        .one(db)
        .await?)
}

/// The accepted received forward our local proposal stands for.
pub async fn find_received_by_proposal(
    db: &impl ConnectionTrait,
    proposal_id: &str,
) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::Direction.eq(Direction::Received.as_str()))
        .filter(Column::ProposalId.eq(proposal_id))
        .one(db)
        .await?)
}

/// The forwards we sent of one of our proposals, oldest first.
pub async fn sent_of_proposal(
    db: &impl ConnectionTrait,
    proposal_id: &str,
) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::Direction.eq(Direction::Sent.as_str()))
        .filter(Column::ProposalId.eq(proposal_id))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(db)
        .await?)
}

/// The forwards we sent of proposals by one author, newest first.
pub async fn sent_for_author(
    db: &impl ConnectionTrait,
    author_id: &str,
) -> Result<Vec<Model>, DbError> {
    let ids: Vec<String> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Id)
        .filter(proposal::Column::AuthorId.eq(author_id))
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(Entity::find()
        .filter(Column::Direction.eq(Direction::Sent.as_str()))
        .filter(Column::ProposalId.is_in(ids))
        .order_by_desc(Column::CreatedAt)
        .all(db)
        .await?)
}

/// Every forward one way, newest first.
pub async fn list(db: &impl ConnectionTrait, direction: Direction) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::Direction.eq(direction.as_str()))
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .all(db)
        .await?)
}

/// A forward's history, oldest first.
pub async fn events(
    db: &impl ConnectionTrait,
    forward_id: &str,
) -> Result<Vec<forward_event::Model>, DbError> {
    Ok(forward_event::Entity::find()
        .filter(forward_event::Column::ForwardId.eq(forward_id))
        .order_by_asc(forward_event::Column::CreatedAt)
        .order_by_asc(forward_event::Column::Id)
        .all(db)
        .await?)
}

/// Marks a forward accepted: `proposal_id` is the local proposal made (received side),
/// `result_ap_id` the accepting side's proposal.
pub async fn accepted(
    db: &impl ConnectionTrait,
    forward: &Model,
    proposal_id: Option<&str>,
    result_ap_id: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut row: ActiveModel = forward.clone().into();
    row.state = Set(ForwardState::Accepted.as_str().to_owned());
    if let Some(id) = proposal_id {
        row.proposal_id = Set(Some(id.to_owned()));
    }
    row.result_ap_id = Set(Some(result_ap_id.to_owned()));
    row.updated_at = Set(now);
    row.update(db).await?;
    event(db, &forward.id, EventKind::Accepted, None, None, now).await
}

/// Marks a forward declined, with the reason.
pub async fn declined(
    db: &impl ConnectionTrait,
    forward: &Model,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut row: ActiveModel = forward.clone().into();
    row.state = Set(ForwardState::Declined.as_str().to_owned());
    row.reason = Set(Some(reason.to_owned()));
    row.updated_at = Set(now);
    row.update(db).await?;
    event(
        db,
        &forward.id,
        EventKind::Declined,
        None,
        Some(reason),
        now,
    )
    .await
}

/// Records a new status and official answer from the accepting side.
pub async fn status(
    db: &impl ConnectionTrait,
    forward: &Model,
    status: Option<&str>,
    answer_html: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut row: ActiveModel = forward.clone().into();
    row.status = Set(status.map(str::to_owned));
    row.answer_html = Set(answer_html.map(str::to_owned));
    row.updated_at = Set(now);
    row.update(db).await?;
    event(db, &forward.id, EventKind::Status, status, answer_html, now).await
}
