//! Personal API tokens.

use crate::entity::api_token::{ActiveModel, Column, Entity, Model};
use crate::entity::user;
use crate::{DbError, new_id, users};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// Stores a token's hash for an account.
pub async fn create(
    db: &impl ConnectionTrait,
    user_id: &str,
    name: &str,
    token_hash: String,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    Ok(ActiveModel {
        id: Set(new_id()),
        user_id: Set(user_id.to_owned()),
        name: Set(name.to_owned()),
        token_hash: Set(token_hash),
        created_at: Set(now),
        last_used_at: Set(None),
    }
    .insert(db)
    .await?)
}

/// An account's tokens, newest first.
pub async fn list(db: &impl ConnectionTrait, user_id: &str) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::UserId.eq(user_id))
        .order_by_desc(Column::CreatedAt)
        .all(db)
        .await?)
}

/// Revokes one of an account's tokens; `NotFound` when it is not theirs.
pub async fn revoke(db: &impl ConnectionTrait, user_id: &str, id: &str) -> Result<(), DbError> {
    let removed = Entity::delete_many()
        .filter(Column::Id.eq(id))
        .filter(Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected;
    if removed == 0 {
        Err(DbError::NotFound("token"))
    } else {
        Ok(())
    }
}

/// The account a token belongs to, noting the use.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<user::Model>, DbError> {
    let Some(token) = Entity::find()
        .filter(Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Entity::update_many()
        .col_expr(Column::LastUsedAt, Expr::value(now))
        .filter(Column::Id.eq(&token.id))
        .exec(db)
        .await?;
    Ok(Some(users::find(db, &token.user_id).await?))
}
