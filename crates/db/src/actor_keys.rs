//! Actors' signing keys.

use crate::DbError;
use crate::entity::actor_key::{ActiveModel, Column, Entity, Model};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

/// The stored keys of an actor, if any.
pub async fn find(db: &impl ConnectionTrait, ap_id: &str) -> Result<Option<Model>, DbError> {
    Ok(Entity::find_by_id(ap_id).one(db).await?)
}

/// Stores a key pair unless the actor has one already, and returns the one that is stored:
/// when two requests generate keys for the same actor at once, both end up using the first.
pub async fn store_once(
    db: &impl ConnectionTrait,
    ap_id: &str,
    public_pem: String,
    private_pem: Option<String>,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let row = ActiveModel {
        ap_id: Set(ap_id.to_owned()),
        public_key_pem: Set(public_pem),
        private_key_pem: Set(private_pem),
        created_at: Set(now),
    };
    Entity::insert(row)
        .on_conflict(OnConflict::column(Column::ApId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    find(db, ap_id).await?.ok_or(DbError::NotFound("actor key"))
}
