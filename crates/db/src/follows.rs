//! Follows in both directions: remote actors following ours (their inboxes are where our
//! activities go) and our organization following remote actors (what fills "nearby").

use crate::entity::follow::{ActiveModel, Column, Entity, Model};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// A follow to store.
#[derive(Debug, Clone)]
pub struct NewFollow {
    /// Who follows.
    pub follower: String,
    /// Whom.
    pub followed: String,
    /// Where the follower receives activities (for remote followers).
    pub inbox: String,
    /// The remote side's host.
    pub host: String,
    /// The `Follow` activity's id.
    pub activity_id: String,
    /// Accepted already (incoming follows are accepted at once).
    pub accepted: bool,
}

/// Stores a follow, or refreshes it when the pair exists (a repeated `Follow`).
pub async fn upsert(
    db: &impl ConnectionTrait,
    new: NewFollow,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let row = ActiveModel {
        id: Set(new_id()),
        follower: Set(new.follower),
        followed: Set(new.followed),
        inbox: Set(new.inbox),
        host: Set(new.host),
        activity_id: Set(new.activity_id),
        accepted_at: Set(new.accepted.then_some(now)),
        created_at: Set(now),
    };
    Entity::insert(row)
        .on_conflict(
            OnConflict::columns([Column::Follower, Column::Followed])
                .update_columns([Column::Inbox, Column::ActivityId, Column::AcceptedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Removes a follow; returns whether there was one.
pub async fn remove(
    db: &impl ConnectionTrait,
    follower: &str,
    followed: &str,
) -> Result<bool, DbError> {
    let result = Entity::delete_many()
        .filter(Column::Follower.eq(follower))
        .filter(Column::Followed.eq(followed))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Marks our follow as accepted, found by its `Follow` activity id.
pub async fn accept(
    db: &impl ConnectionTrait,
    activity_id: &str,
    followed: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let result = Entity::update_many()
        .col_expr(Column::AcceptedAt, sea_orm::sea_query::Expr::value(now))
        .filter(Column::ActivityId.eq(activity_id))
        .filter(Column::Followed.eq(followed))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// The distinct inboxes of the followers of any of `followed` (shared inboxes where known).
pub async fn follower_inboxes(
    db: &impl ConnectionTrait,
    followed: &[&str],
) -> Result<Vec<String>, DbError> {
    Ok(Entity::find()
        .select_only()
        .column(Column::Inbox)
        .distinct()
        .filter(Column::Followed.is_in(followed.iter().copied()))
        .filter(Column::AcceptedAt.is_not_null())
        .order_by_asc(Column::Inbox)
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// How many accept a follow of `followed`.
pub async fn count_followers(db: &impl ConnectionTrait, followed: &str) -> Result<u64, DbError> {
    Ok(Entity::find()
        .filter(Column::Followed.eq(followed))
        .filter(Column::AcceptedAt.is_not_null())
        .count(db)
        .await?)
}

/// The follows made by `follower` (ours of remote actors), newest first.
pub async fn following(db: &impl ConnectionTrait, follower: &str) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::Follower.eq(follower))
        .order_by_desc(Column::CreatedAt)
        .all(db)
        .await?)
}

/// Whether `follower` follows `followed` (accepted or not).
pub async fn find(
    db: &impl ConnectionTrait,
    follower: &str,
    followed: &str,
) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::Follower.eq(follower))
        .filter(Column::Followed.eq(followed))
        .one(db)
        .await?)
}

/// Removes a follow by its `Follow` activity id, only when `follower` made it.
pub async fn remove_by_activity(
    db: &impl ConnectionTrait,
    follower: &str,
    activity_id: &str,
) -> Result<bool, DbError> {
    let result = Entity::delete_many()
        .filter(Column::Follower.eq(follower))
        .filter(Column::ActivityId.eq(activity_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Removes our follow of `followed` by its `Follow` activity id (a `Reject`).
pub async fn remove_by_followed_activity(
    db: &impl ConnectionTrait,
    followed: &str,
    activity_id: &str,
) -> Result<bool, DbError> {
    let result = Entity::delete_many()
        .filter(Column::Followed.eq(followed))
        .filter(Column::ActivityId.eq(activity_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

/// Whether `follower` follows anything on `host` (accepted or not).
pub async fn follows_host(
    db: &impl ConnectionTrait,
    follower: &str,
    host: &str,
) -> Result<bool, DbError> {
    Ok(Entity::find()
        .filter(Column::Follower.eq(follower))
        .filter(Column::Host.eq(host))
        .count(db)
        .await?
        > 0)
}

/// Removes every follow by a remote actor (it was deleted).
pub async fn remove_follower(db: &impl ConnectionTrait, follower: &str) -> Result<u64, DbError> {
    Ok(Entity::delete_many()
        .filter(Column::Follower.eq(follower))
        .exec(db)
        .await?
        .rows_affected)
}

/// Accepted followers per followed actor, leaving out follows made by `ours` (our own
/// follows of others).
pub async fn follower_counts(
    db: &impl ConnectionTrait,
    ours: &str,
) -> Result<Vec<(String, i64)>, DbError> {
    Ok(Entity::find()
        .select_only()
        .column(Column::Followed)
        .column_as(Column::Id.count(), "n")
        .filter(Column::Follower.ne(ours))
        .filter(Column::AcceptedAt.is_not_null())
        .group_by(Column::Followed)
        .order_by_asc(Column::Followed)
        .into_tuple()
        .all(db)
        .await?)
}
