//! Blocked remote hosts.

use crate::DbError;
use crate::entity::domain_block::{ActiveModel, Column, Entity, Model};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

/// Blocks a host (lower case); blocking again updates the reason.
pub async fn block(
    db: &impl ConnectionTrait,
    host: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let row = ActiveModel {
        host: Set(host.to_ascii_lowercase()),
        reason: Set(reason.to_owned()),
        created_at: Set(now),
    };
    Entity::insert(row)
        .on_conflict(
            OnConflict::column(Column::Host)
                .update_column(Column::Reason)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Lifts a block; returns whether there was one.
pub async fn unblock(db: &impl ConnectionTrait, host: &str) -> Result<bool, DbError> {
    Ok(Entity::delete_by_id(host.to_ascii_lowercase())
        .exec(db)
        .await?
        .rows_affected
        > 0)
}

/// Every block, by host.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find().order_by_asc(Column::Host).all(db).await?)
}

/// Whether `host` or a parent domain of it is blocked (`example.org` blocks `a.example.org`).
pub async fn is_blocked(db: &impl ConnectionTrait, host: &str) -> Result<bool, DbError> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let mut candidates = vec![host.clone()];
    let mut rest = host.as_str();
    while let Some((_, parent)) = rest.split_once('.') {
        candidates.push(parent.to_owned());
        rest = parent;
    }
    Ok(Entity::find()
        .filter(Column::Host.is_in(candidates))
        .count(db)
        .await?
        > 0)
}
