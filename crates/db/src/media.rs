//! Uploaded images, kept in the database so every process serves the same bytes.

use crate::entity::media::{ActiveModel, Entity, Model};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

/// Stores an image whose type was checked; returns its id.
pub async fn store(
    db: &impl ConnectionTrait,
    content_type: &str,
    bytes: Vec<u8>,
    created_by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, DbError> {
    let id = new_id();
    ActiveModel {
        id: Set(id.clone()),
        content_type: Set(content_type.to_owned()),
        bytes: Set(bytes),
        created_by: Set(created_by.map(str::to_owned)),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// The image with this id.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Model, DbError> {
    Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("media"))
}
