//! Server-side sessions.

use crate::DbError;
use crate::entity::session::{ActiveModel, Column, Entity, Model};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// Stores a session under the hash of its cookie token.
pub async fn create(
    db: &impl ConnectionTrait,
    token_hash: String,
    user_id: Option<String>,
    csrf_token: String,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<Model, DbError> {
    let row = ActiveModel {
        id: Set(token_hash),
        user_id: Set(user_id),
        csrf_token: Set(csrf_token),
        created_at: Set(now),
        expires_at: Set(expires_at),
    };
    Ok(row.insert(db).await?)
}

/// The session with this token hash, if it exists and has not expired.
pub async fn find_valid(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Model>, DbError> {
    Ok(Entity::find_by_id(token_hash)
        .filter(Column::ExpiresAt.gt(now))
        .one(db)
        .await?)
}

/// Ends a session.
pub async fn delete(db: &impl ConnectionTrait, token_hash: &str) -> Result<(), DbError> {
    Entity::delete_by_id(token_hash).exec(db).await?;
    Ok(())
}

/// Ends every session of an account (after a password change, a block or a role change).
pub async fn delete_for_user(db: &impl ConnectionTrait, user_id: &str) -> Result<u64, DbError> {
    Ok(Entity::delete_many()
        .filter(Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Removes expired sessions; returns how many.
pub async fn purge_expired(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbError> {
    Ok(Entity::delete_many()
        .filter(Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}
