//! Ids of received activities: the first arrival is processed, a replay changes nothing.

use crate::DbError;
use crate::entity::received_activity::{ActiveModel, Column, Entity};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// Records an activity id; `true` the first time, `false` for a replay.
pub async fn first_arrival(
    db: &impl ConnectionTrait,
    ap_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let row = ActiveModel {
        ap_id: Set(ap_id.to_owned()),
        received_at: Set(now),
    };
    let inserted = Entity::insert(row)
        .on_conflict(OnConflict::column(Column::ApId).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    Ok(inserted > 0)
}

/// Forgets ids older than `before`; the signature time window keeps older replays out.
pub async fn purge_before(
    db: &impl ConnectionTrait,
    before: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(Entity::delete_many()
        .filter(Column::ReceivedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Whether an activity id was received before.
pub async fn seen(db: &impl ConnectionTrait, ap_id: &str) -> Result<bool, DbError> {
    Ok(Entity::find_by_id(ap_id).one(db).await?.is_some())
}
