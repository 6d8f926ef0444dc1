//! The Ed25519 keys our actors sign objects with (FEP-8b32).

use crate::DbError;
use crate::entity::assertion_key::{ActiveModel, Column, Entity, Model};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// The key an actor signs with, if it has one.
pub async fn of_controller(
    db: &impl ConnectionTrait,
    controller: &str,
) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::Controller.eq(controller))
        .one(db)
        .await?)
}

/// Stores a key unless one with this id exists, and returns the stored one: two processes
/// that make a key at once both end up signing with the first.
pub async fn store_once(
    db: &impl ConnectionTrait,
    key_id: &str,
    controller: &str,
    public_key_multibase: String,
    private_seed: Option<String>,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let row = ActiveModel {
        key_id: Set(key_id.to_owned()),
        controller: Set(controller.to_owned()),
        public_key_multibase: Set(public_key_multibase),
        private_seed: Set(private_seed),
        created_at: Set(now),
    };
    Entity::insert(row)
        .on_conflict(OnConflict::column(Column::KeyId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Entity::find_by_id(key_id.to_owned())
        .one(db)
        .await?
        .ok_or(DbError::NotFound("assertion key"))
}
