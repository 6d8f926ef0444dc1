//! The persistent outbox: every activity this instance sends is stored with one delivery row
//! per remote inbox, in the same transaction as the change that caused it, so a crash or a
//! restart loses nothing. Delivery workers take due rows per host.

use crate::DbError;
use crate::entity::delivery;
use crate::entity::outbox_activity::{ActiveModel, Column, Entity, Model};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::BTreeMap;

/// Delivery states.
pub mod state {
    /// Waiting for its (next) attempt.
    pub const PENDING: &str = "pending";
    /// The inbox took it.
    pub const DELIVERED: &str = "delivered";
    /// Given up after the last retry.
    pub const DEAD: &str = "dead";
}

/// An activity to store.
#[derive(Debug, Clone)]
pub struct NewActivity {
    /// Its id.
    pub ap_id: String,
    /// Its type.
    pub kind: String,
    /// The actor sending it.
    pub actor: String,
    /// Its object's id.
    pub object_id: Option<String>,
    /// The activity as JSON.
    pub data: String,
}

/// One inbox to deliver to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    /// The inbox URL.
    pub inbox: String,
    /// Its host (with port, if any).
    pub host: String,
}

/// Stores an activity and a pending delivery per target.
pub async fn record(
    db: &impl ConnectionTrait,
    new: NewActivity,
    targets: &[Target],
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let activity = ActiveModel {
        ap_id: Set(new.ap_id),
        kind: Set(new.kind),
        actor: Set(new.actor),
        object_id: Set(new.object_id),
        data: Set(new.data),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if targets.is_empty() {
        return Ok(activity);
    }
    let rows = targets.iter().map(|t| delivery::ActiveModel {
        activity_id: Set(activity.id),
        inbox: Set(t.inbox.clone()),
        host: Set(t.host.clone()),
        state: Set(state::PENDING.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        delivered_at: Set(None),
        ..Default::default()
    });
    // Large fan-outs are inserted in chunks to stay under bind-parameter limits.
    let rows: Vec<_> = rows.collect();
    for chunk in rows.chunks(500) {
        delivery::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([delivery::Column::ActivityId, delivery::Column::Inbox])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(activity)
}

/// The stored activity with this id.
pub async fn find_by_ap_id(
    db: &impl ConnectionTrait,
    ap_id: &str,
) -> Result<Option<Model>, DbError> {
    Ok(Entity::find()
        .filter(Column::ApId.eq(ap_id))
        .one(db)
        .await?)
}

/// Hosts with a delivery due now.
pub async fn due_hosts(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbError> {
    Ok(delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Host)
        .distinct()
        .filter(delivery::Column::State.eq(state::PENDING))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .into_tuple::<String>()
        .all(db)
        .await?)
}

/// When the next pending delivery falls due, if any.
pub async fn next_due(db: &impl ConnectionTrait) -> Result<Option<DateTime<Utc>>, DbError> {
    Ok(delivery::Entity::find()
        .select_only()
        .column_as(delivery::Column::NextAttemptAt.min(), "next")
        .filter(delivery::Column::State.eq(state::PENDING))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await?
        .flatten())
}

/// Up to `limit` due deliveries to `host`, oldest activity first, with their activities.
pub async fn due_for_host(
    db: &impl ConnectionTrait,
    host: &str,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(delivery::Model, Model)>, DbError> {
    let due = delivery::Entity::find()
        .filter(delivery::Column::Host.eq(host))
        .filter(delivery::Column::State.eq(state::PENDING))
        .filter(delivery::Column::NextAttemptAt.lte(now))
        .order_by_asc(delivery::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let ids: Vec<i32> = due.iter().map(|d| d.activity_id).collect();
    let activities: BTreeMap<i32, Model> = Entity::find()
        .filter(Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    Ok(due
        .into_iter()
        .filter_map(|d| activities.get(&d.activity_id).cloned().map(|a| (d, a)))
        .collect())
}

/// The inbox took the delivery.
pub async fn mark_delivered(
    db: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    delivery::Entity::update_many()
        .col_expr(delivery::Column::State, Expr::value(state::DELIVERED))
        .col_expr(delivery::Column::DeliveredAt, Expr::value(now))
        .col_expr(
            delivery::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .filter(delivery::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The attempt failed: count it, keep the error, and either schedule the next attempt (and
/// hold back the host's other due deliveries until then, since the host is likely down) or
/// give up.
pub async fn mark_failed(
    db: &impl ConnectionTrait,
    failed: &delivery::Model,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbError> {
    let error: String = error.chars().take(500).collect();
    let mut row: delivery::ActiveModel = failed.clone().into();
    row.attempts = Set(failed.attempts + 1);
    row.last_error = Set(Some(error));
    match retry_at {
        Some(at) => {
            row.next_attempt_at = Set(at);
            row.update(db).await?;
            delivery::Entity::update_many()
                .col_expr(delivery::Column::NextAttemptAt, Expr::value(at))
                .filter(delivery::Column::Host.eq(failed.host.as_str()))
                .filter(delivery::Column::State.eq(state::PENDING))
                .filter(delivery::Column::NextAttemptAt.lt(at))
                .exec(db)
                .await?;
        }
        None => {
            row.state = Set(state::DEAD.into());
            row.update(db).await?;
        }
    }
    Ok(())
}

/// Makes a host's dead and waiting deliveries due now (an admin's "retry now").
pub async fn retry_host(
    db: &impl ConnectionTrait,
    host: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbError> {
    Ok(delivery::Entity::update_many()
        .col_expr(delivery::Column::State, Expr::value(state::PENDING))
        .col_expr(delivery::Column::NextAttemptAt, Expr::value(now))
        .filter(delivery::Column::Host.eq(host))
        .filter(delivery::Column::State.is_in([state::PENDING, state::DEAD]))
        .exec(db)
        .await?
        .rows_affected)
}

/// The queue per remote host, for the admin page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostQueue {
    /// The host.
    pub host: String,
    /// Waiting, never failed.
    pub pending: u64,
    /// Waiting after at least one failure.
    pub failing: u64,
    /// Given up.
    pub dead: u64,
    /// Delivered.
    pub delivered: u64,
    /// The soonest next attempt of a waiting delivery.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The latest error.
    pub last_error: Option<String>,
}

/// One group of the queue count: host, state, failed attempts, count, soonest next attempt.
type QueueCount = (String, String, i32, i64, Option<DateTime<Utc>>);

/// Counts per host and state.
pub async fn queue_by_host(db: &impl ConnectionTrait) -> Result<Vec<HostQueue>, DbError> {
    let rows: Vec<QueueCount> = delivery::Entity::find()
        .select_only()
        .column(delivery::Column::Host)
        .column(delivery::Column::State)
        .column(delivery::Column::Attempts)
        .column_as(delivery::Column::Id.count(), "n")
        .column_as(delivery::Column::NextAttemptAt.min(), "next")
        .group_by(delivery::Column::Host)
        .group_by(delivery::Column::State)
        .group_by(delivery::Column::Attempts)
        .into_tuple()
        .all(db)
        .await?;
    let mut hosts: BTreeMap<String, HostQueue> = BTreeMap::new();
    for (host, state_name, attempts, n, next) in rows {
        let failed_before = attempts > 0;
        let entry = hosts.entry(host.clone()).or_insert_with(|| HostQueue {
            host,
            ..Default::default()
        });
        let n = u64::try_from(n).unwrap_or(0);
        match state_name.as_str() {
            state::PENDING if failed_before => entry.failing += n,
            state::PENDING => entry.pending += n,
            state::DEAD => entry.dead += n,
            _ => entry.delivered += n,
        }
        if state_name == state::PENDING {
            entry.next_attempt_at = match (entry.next_attempt_at, next) {
                (Some(a), Some(b)) => Some(std::cmp::min(a, b)),
                (a, b) => a.or(b),
            };
        }
    }
    for entry in hosts.values_mut() {
        entry.last_error = delivery::Entity::find()
            .select_only()
            .column(delivery::Column::LastError)
            .filter(delivery::Column::Host.eq(entry.host.as_str()))
            .filter(delivery::Column::LastError.is_not_null())
            .order_by_desc(delivery::Column::Id)
            .into_tuple::<Option<String>>()
            .one(db)
            .await?
            .flatten();
    }
    Ok(hosts.into_values().collect())
}
