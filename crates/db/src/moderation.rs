//! Reports, automatic hiding, moderator decisions and the queue.

use crate::entity::report::{ActiveModel, Column, Entity, Model};
use crate::entity::{comment, proposal};
use crate::{DbError, comments, new_id, proposals};
use chrono::{DateTime, Utc};
use inspraak_domain::comment::CommentState;
use inspraak_domain::moderation::{ContentKind, ReportReason, should_auto_hide};
use inspraak_domain::proposal::ProposalState;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};

/// The reason stored when reports hid an item before any moderator looked.
pub const AUTO_HIDDEN: &str = "auto:reports";

/// What a report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportOutcome {
    /// False when this person had already reported the item (counted once).
    pub new: bool,
    /// True when this report hid the item.
    pub hid: bool,
}

/// Whether an item is hidden now.
async fn is_hidden(
    db: &impl ConnectionTrait,
    kind: ContentKind,
    id: &str,
) -> Result<bool, DbError> {
    Ok(match kind {
        ContentKind::Proposal => proposals::find(db, id).await?.hidden_at.is_some(),
        ContentKind::Comment => comments::find(db, id).await?.hidden_at.is_some(),
    })
}

async fn set_hidden(
    db: &impl ConnectionTrait,
    kind: ContentKind,
    id: &str,
    hidden: Option<(&str, Option<&str>)>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    match kind {
        ContentKind::Proposal => proposals::set_hidden(db, id, hidden, now).await,
        ContentKind::Comment => comments::set_hidden(db, id, hidden, now).await,
    }
}

/// A report as someone files it.
#[derive(Debug, Clone, Copy)]
pub struct NewReport<'a> {
    /// What kind of content.
    pub kind: ContentKind,
    /// Its id.
    pub content_id: &'a str,
    /// Who reports.
    pub reporter_id: &'a str,
    /// Why.
    pub reason: ReportReason,
    /// Their explanation, may be empty.
    pub note: &'a str,
}

/// Records a report (once per person per item) and hides the item when `threshold` distinct
/// people have open reports on it, all in one transaction.
pub async fn report(
    db: &impl TransactionTrait,
    report: NewReport<'_>,
    threshold: u32,
    now: DateTime<Utc>,
) -> Result<ReportOutcome, DbError> {
    let NewReport {
        kind,
        content_id,
        reporter_id,
        reason,
        note,
    } = report;
    let txn = db.begin().await?;
    let row = ActiveModel {
        id: Set(new_id()),
        content_kind: Set(kind.as_str().to_owned()),
        content_id: Set(content_id.to_owned()),
        reporter_id: Set(reporter_id.to_owned()),
        reason: Set(reason.as_str().to_owned()),
        note: Set(note.to_owned()),
        created_at: Set(now),
        resolved_at: Set(None),
        resolved_by: Set(None),
        resolution: Set(None),
        forwarded_at: Set(None),
        forwarded_to: Set(None),
    };
    let inserted = Entity::insert(row)
        .on_conflict(
            OnConflict::columns([Column::ContentKind, Column::ContentId, Column::ReporterId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    let open = Entity::find()
        .filter(Column::ContentKind.eq(kind.as_str()))
        .filter(Column::ContentId.eq(content_id))
        .filter(Column::ResolvedAt.is_null())
        .count(&txn)
        .await?;
    let mut hid = false;
    if should_auto_hide(open, threshold) && !is_hidden(&txn, kind, content_id).await? {
        set_hidden(&txn, kind, content_id, Some((AUTO_HIDDEN, None)), now).await?;
        hid = true;
    }
    txn.commit().await?;
    Ok(ReportOutcome {
        new: inserted == 1,
        hid,
    })
}

/// What a moderator decides about an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision<'a> {
    /// Hide it, with a reason shown in its place.
    Hide(&'a str),
    /// Show it (again); open reports are closed as dismissed.
    Show,
    /// Approve a pending item: it becomes public.
    Approve,
}

/// Applies a decision and closes the item's open reports, in one transaction.
pub async fn decide(
    db: &impl TransactionTrait,
    kind: ContentKind,
    id: &str,
    decision: Decision<'_>,
    moderator: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let txn = db.begin().await?;
    let resolution = match decision {
        Decision::Hide(reason) => {
            set_hidden(&txn, kind, id, Some((reason, Some(moderator))), now).await?;
            "hidden"
        }
        Decision::Show => {
            set_hidden(&txn, kind, id, None, now).await?;
            "dismissed"
        }
        Decision::Approve => {
            match kind {
                ContentKind::Proposal => {
                    proposals::set_state(&txn, id, ProposalState::Published, now).await?;
                }
                ContentKind::Comment => {
                    comments::set_state(&txn, id, CommentState::Published).await?
                }
            }
            "approved"
        }
    };
    Entity::update_many()
        .col_expr(Column::ResolvedAt, Expr::value(now))
        .col_expr(Column::ResolvedBy, Expr::value(moderator))
        .col_expr(Column::Resolution, Expr::value(resolution))
        .filter(Column::ContentKind.eq(kind.as_str()))
        .filter(Column::ContentId.eq(id))
        .filter(Column::ResolvedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Open reports, oldest first.
pub async fn open_reports(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::ResolvedAt.is_null())
        .order_by_asc(Column::CreatedAt)
        .all(db)
        .await?)
}

/// Proposals waiting for approval, oldest first.
pub async fn pending_proposals(db: &impl ConnectionTrait) -> Result<Vec<proposal::Model>, DbError> {
    Ok(proposal::Entity::find()
        .filter(proposal::Column::State.eq(ProposalState::Pending.as_str()))
        .filter(proposal::Column::HiddenAt.is_null())
        .order_by_asc(proposal::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Comments waiting for approval, oldest first.
pub async fn pending_comments(db: &impl ConnectionTrait) -> Result<Vec<comment::Model>, DbError> {
    Ok(comment::Entity::find()
        .filter(comment::Column::State.eq(CommentState::Pending.as_str()))
        .filter(comment::Column::HiddenAt.is_null())
        .order_by_asc(comment::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Marks the item's open reports as forwarded to `host`; returns how many.
pub async fn mark_forwarded(
    db: &impl ConnectionTrait,
    kind: ContentKind,
    id: &str,
    host: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(Entity::update_many()
        .col_expr(Column::ForwardedAt, Expr::value(now))
        .col_expr(Column::ForwardedTo, Expr::value(host))
        .filter(Column::ContentKind.eq(kind.as_str()))
        .filter(Column::ContentId.eq(id))
        .filter(Column::ResolvedAt.is_null())
        .filter(Column::ForwardedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}
