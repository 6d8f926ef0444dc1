//! The audit log: what staff did.

use crate::entity::audit_log::{ActiveModel, Column, Entity, Model};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect, Set};

/// Appends an entry.
pub async fn record(
    db: &impl ConnectionTrait,
    actor_id: Option<&str>,
    action: &str,
    subject: (&str, &str),
    detail: impl Into<String>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    ActiveModel {
        id: Set(new_id()),
        actor_id: Set(actor_id.map(str::to_owned)),
        action: Set(action.to_owned()),
        subject_type: Set(subject.0.to_owned()),
        subject_id: Set(subject.1.to_owned()),
        detail: Set(detail.into()),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest entries first.
pub async fn recent(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .order_by_desc(Column::CreatedAt)
        .order_by_desc(Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}
