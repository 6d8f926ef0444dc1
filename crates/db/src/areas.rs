//! The municipality's areas (districts, neighbourhoods).

use crate::entity::area::{ActiveModel, Column, Entity, Model};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};

/// Every area, in their set order.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .order_by_asc(Column::Position)
        .order_by_asc(Column::Name)
        .all(db)
        .await?)
}

/// The area with this id or slug.
pub async fn find(db: &impl ConnectionTrait, id_or_slug: &str) -> Result<Model, DbError> {
    Entity::find()
        .filter(Column::Id.eq(id_or_slug).or(Column::Slug.eq(id_or_slug)))
        .one(db)
        .await?
        .ok_or(DbError::NotFound("area"))
}

/// Adds an area at the end of the list; a slug in use is `Conflict("slug")`.
pub async fn create(
    db: &impl ConnectionTrait,
    slug: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let position = i32::try_from(Entity::find().count(db).await?).unwrap_or(i32::MAX);
    ActiveModel {
        id: Set(new_id()),
        slug: Set(slug.to_owned()),
        name: Set(name.to_owned()),
        position: Set(position),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| DbError::unique(e, "slug"))
}
