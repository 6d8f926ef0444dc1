//! Blocked remote hosts: by hand (`manual`) or from a subscribed blocklist.

use crate::DbError;
use crate::entity::domain_block::{ActiveModel, Column, Entity, Model};
use chrono::{DateTime, Utc};
use inspraak_domain::blocklist::Severity;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};

/// Blocks a host (lower case) by hand; blocking again updates the reason and severity, and a
/// block that came from a list becomes the admin's own.
pub async fn block(
    db: &impl ConnectionTrait,
    host: &str,
    reason: &str,
    severity: Severity,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let row = ActiveModel {
        host: Set(host.to_ascii_lowercase()),
        reason: Set(reason.to_owned()),
        created_at: Set(now),
        severity: Set(severity.as_str().to_owned()),
        manual: Set(true),
    };
    Entity::insert(row)
        .on_conflict(
            OnConflict::column(Column::Host)
                .update_columns([Column::Reason, Column::Severity, Column::Manual])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Blocks a host because a subscribed list says so; an existing block (by hand or from
/// another list) is left as it is. Returns whether a block was added.
pub async fn block_from_list(
    db: &impl ConnectionTrait,
    host: &str,
    reason: &str,
    severity: Severity,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let row = ActiveModel {
        host: Set(host.to_ascii_lowercase()),
        reason: Set(reason.to_owned()),
        created_at: Set(now),
        severity: Set(severity.as_str().to_owned()),
        manual: Set(false),
    };
    let inserted = Entity::insert(row)
        .on_conflict(OnConflict::column(Column::Host).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

/// Lifts a block that a list made (never one made by hand); returns whether there was one.
pub async fn lift_from_list(db: &impl ConnectionTrait, host: &str) -> Result<bool, DbError> {
    Ok(Entity::delete_many()
        .filter(Column::Host.eq(host.to_ascii_lowercase()))
        .filter(Column::Manual.eq(false))
        .exec(db)
        .await?
        .rows_affected
        > 0)
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

/// Whether `host` or a parent domain of it is suspended (`example.org` blocks
/// `a.example.org`); a silenced domain is not refused.
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
        .filter(Column::Severity.eq(Severity::Suspend.as_str()))
        .count(db)
        .await?
        > 0)
}
