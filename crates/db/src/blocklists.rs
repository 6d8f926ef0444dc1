//! Shared blocklists: the recommended list we publish, the remote lists we subscribe to, and
//! their entries with what became of each here (applied, suggested, accepted, dismissed).

use crate::entity::{blocklist_entry, blocklist_subscription, recommended_block};
use crate::{DbError, domain_blocks, new_id};
use chrono::{DateTime, Utc};
use inspraak_domain::blocklist::{
    BlockEntry, EntryState, Severity, SubscriptionMode, SyncPlan, plan_sync,
};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};

/// Reads a stored severity; anything unknown counts as the stronger one.
pub fn severity_of(stored: &str) -> Severity {
    stored.parse().unwrap_or(Severity::Suspend)
}

/// Reads a stored entry state; anything unknown counts as a suggestion.
pub fn state_of(entry: &blocklist_entry::Model) -> EntryState {
    entry.state.parse().unwrap_or(EntryState::Suggested)
}

/// Reads a subscription's mode; anything unknown counts as review.
pub fn mode_of(subscription: &blocklist_subscription::Model) -> SubscriptionMode {
    subscription
        .mode
        .parse()
        .unwrap_or(SubscriptionMode::Review)
}

/// Adds a domain to our recommended list, or changes its severity and comment.
pub async fn recommend(
    db: &impl ConnectionTrait,
    entry: &BlockEntry,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let row = recommended_block::ActiveModel {
        host: Set(entry.host.clone()),
        severity: Set(entry.severity.as_str().to_owned()),
        comment: Set(entry.comment.clone()),
        created_at: Set(now),
    };
    recommended_block::Entity::insert(row)
        .on_conflict(
            OnConflict::column(recommended_block::Column::Host)
                .update_columns([
                    recommended_block::Column::Severity,
                    recommended_block::Column::Comment,
                    recommended_block::Column::CreatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Removes a domain from our recommended list; returns whether it was listed.
pub async fn unrecommend(db: &impl ConnectionTrait, host: &str) -> Result<bool, DbError> {
    Ok(
        recommended_block::Entity::delete_by_id(host.to_ascii_lowercase())
            .exec(db)
            .await?
            .rows_affected
            > 0,
    )
}

/// Our recommended list, by host.
pub async fn recommended(
    db: &impl ConnectionTrait,
) -> Result<Vec<recommended_block::Model>, DbError> {
    Ok(recommended_block::Entity::find()
        .order_by_asc(recommended_block::Column::Host)
        .all(db)
        .await?)
}

/// A new subscription.
pub async fn subscribe(
    db: &impl ConnectionTrait,
    url: &str,
    mode: SubscriptionMode,
    now: DateTime<Utc>,
) -> Result<blocklist_subscription::Model, DbError> {
    let id = new_id();
    let row = blocklist_subscription::ActiveModel {
        id: Set(id.clone()),
        url: Set(url.to_owned()),
        mode: Set(mode.as_str().to_owned()),
        last_fetched_at: Set(None),
        last_error: Set(None),
        refresh_requested_at: Set(None),
        created_at: Set(now),
    };
    blocklist_subscription::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    subscription(db, &id).await
}

/// A subscription by id.
pub async fn subscription(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<blocklist_subscription::Model, DbError> {
    blocklist_subscription::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("subscription"))
}

/// The subscription to the list at `url`, if any.
pub async fn subscription_by_url(
    db: &impl ConnectionTrait,
    url: &str,
) -> Result<Option<blocklist_subscription::Model>, DbError> {
    Ok(blocklist_subscription::Entity::find()
        .filter(blocklist_subscription::Column::Url.eq(url))
        .one(db)
        .await?)
}

/// Marks the subscription to the list at `url` as due for a fetch (its publisher said it
/// changed); returns whether we subscribe to it.
pub async fn request_refresh(
    db: &impl ConnectionTrait,
    url: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(blocklist_subscription::Entity::update_many()
        .col_expr(
            blocklist_subscription::Column::RefreshRequestedAt,
            Expr::value(Some(now)),
        )
        .filter(blocklist_subscription::Column::Url.eq(url))
        .exec(db)
        .await?
        .rows_affected
        > 0)
}

/// Subscriptions whose publisher said they changed, oldest request first.
pub async fn refresh_requested(
    db: &impl ConnectionTrait,
) -> Result<Vec<blocklist_subscription::Model>, DbError> {
    Ok(blocklist_subscription::Entity::find()
        .filter(blocklist_subscription::Column::RefreshRequestedAt.is_not_null())
        .order_by_asc(blocklist_subscription::Column::RefreshRequestedAt)
        .all(db)
        .await?)
}

/// Every subscription, oldest first.
pub async fn subscriptions(
    db: &impl ConnectionTrait,
) -> Result<Vec<blocklist_subscription::Model>, DbError> {
    Ok(blocklist_subscription::Entity::find()
        .order_by_asc(blocklist_subscription::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The entries of a subscription, by host.
pub async fn entries(
    db: &impl ConnectionTrait,
    subscription_id: &str,
) -> Result<Vec<blocklist_entry::Model>, DbError> {
    Ok(blocklist_entry::Entity::find()
        .filter(blocklist_entry::Column::SubscriptionId.eq(subscription_id))
        .order_by_asc(blocklist_entry::Column::Host)
        .all(db)
        .await?)
}

/// Every entry waiting for an admin, by host.
pub async fn suggestions(
    db: &impl ConnectionTrait,
) -> Result<Vec<blocklist_entry::Model>, DbError> {
    Ok(blocklist_entry::Entity::find()
        .filter(blocklist_entry::Column::State.eq(EntryState::Suggested.as_str()))
        .order_by_asc(blocklist_entry::Column::Host)
        .all(db)
        .await?)
}

/// An entry by id.
pub async fn entry(db: &impl ConnectionTrait, id: &str) -> Result<blocklist_entry::Model, DbError> {
    blocklist_entry::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("suggestion"))
}

/// Sets an entry's state.
pub async fn set_state(
    db: &impl ConnectionTrait,
    id: &str,
    state: EntryState,
) -> Result<(), DbError> {
    blocklist_entry::Entity::update_many()
        .col_expr(blocklist_entry::Column::State, Expr::value(state.as_str()))
        .filter(blocklist_entry::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Whether any subscription other than `except` still holds a block on `host`.
async fn held_elsewhere(
    db: &impl ConnectionTrait,
    host: &str,
    except: &str,
) -> Result<bool, DbError> {
    Ok(blocklist_entry::Entity::find()
        .filter(blocklist_entry::Column::Host.eq(host))
        .filter(blocklist_entry::Column::SubscriptionId.ne(except))
        .filter(
            blocklist_entry::Column::State
                .is_in([EntryState::Applied.as_str(), EntryState::Accepted.as_str()]),
        )
        .one(db)
        .await?
        .is_some())
}

/// Lifts the block a list entry held, unless an admin made it by hand or another list still
/// holds it; returns whether a block was lifted.
pub async fn release(
    db: &impl ConnectionTrait,
    host: &str,
    subscription_id: &str,
) -> Result<bool, DbError> {
    if held_elsewhere(db, host, subscription_id).await? {
        return Ok(false);
    }
    domain_blocks::lift_from_list(db, host).await
}

/// The reason a block from a list carries.
fn reason(url: &str, comment: &str) -> String {
    let reason = format!("{url}: {comment}");
    reason
        .trim_end_matches([':', ' '])
        .chars()
        .take(500)
        .collect()
}

/// What a sync did, for the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synced {
    /// Hosts blocked now.
    pub blocked: Vec<String>,
    /// Hosts suggested now.
    pub suggested: Vec<String>,
    /// Hosts whose block was lifted.
    pub lifted: Vec<String>,
}

/// Applies what a subscribed list lists now (already checked) to its entries and our domain
/// blocks, and records the fetch; run it in one transaction.
pub async fn sync(
    db: &impl ConnectionTrait,
    subscription: &blocklist_subscription::Model,
    listed: &[BlockEntry],
    now: DateTime<Utc>,
) -> Result<Synced, DbError> {
    let held_rows = entries(db, &subscription.id).await?;
    let held: Vec<(String, EntryState)> = held_rows
        .iter()
        .map(|e| (e.host.clone(), state_of(e)))
        .collect();
    let SyncPlan {
        added,
        kept,
        removed,
    } = plan_sync(&held, listed, mode_of(subscription));
    let mut synced = Synced::default();
    for (entry, state) in added {
        let row = blocklist_entry::ActiveModel {
            id: Set(new_id()),
            subscription_id: Set(subscription.id.clone()),
            host: Set(entry.host.clone()),
            severity: Set(entry.severity.as_str().to_owned()),
            comment: Set(entry.comment.clone()),
            state: Set(state.as_str().to_owned()),
            created_at: Set(now),
        };
        blocklist_entry::Entity::insert(row)
            .exec_without_returning(db)
            .await?;
        if state.blocks() {
            let why = reason(&subscription.url, &entry.comment);
            if domain_blocks::block_from_list(db, &entry.host, &why, entry.severity, now).await? {
                synced.blocked.push(entry.host);
            }
        } else {
            synced.suggested.push(entry.host);
        }
    }
    for entry in kept {
        blocklist_entry::Entity::update_many()
            .col_expr(
                blocklist_entry::Column::Severity,
                Expr::value(entry.severity.as_str()),
            )
            .col_expr(blocklist_entry::Column::Comment, Expr::value(entry.comment))
            .filter(blocklist_entry::Column::SubscriptionId.eq(subscription.id.as_str()))
            .filter(blocklist_entry::Column::Host.eq(entry.host))
            .exec(db)
            .await?;
    }
    for (host, state) in removed {
        blocklist_entry::Entity::delete_many()
            .filter(blocklist_entry::Column::SubscriptionId.eq(subscription.id.as_str()))
            .filter(blocklist_entry::Column::Host.eq(host.as_str()))
            .exec(db)
            .await?;
        if state.blocks() && release(db, &host, &subscription.id).await? {
            synced.lifted.push(host);
        }
    }
    blocklist_subscription::Entity::update_many()
        .col_expr(
            blocklist_subscription::Column::LastFetchedAt,
            Expr::value(now),
        )
        .col_expr(
            blocklist_subscription::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            blocklist_subscription::Column::RefreshRequestedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(blocklist_subscription::Column::Id.eq(subscription.id.as_str()))
        .exec(db)
        .await?;
    Ok(synced)
}

/// Blocks an accepted suggestion's host, as its list says.
pub async fn block_entry(
    db: &impl ConnectionTrait,
    entry: &blocklist_entry::Model,
    url: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    domain_blocks::block_from_list(
        db,
        &entry.host,
        &reason(url, &entry.comment),
        severity_of(&entry.severity),
        now,
    )
    .await
}

/// Records why the last fetch of a list failed.
pub async fn fetch_failed(db: &impl ConnectionTrait, id: &str, error: &str) -> Result<(), DbError> {
    let error: String = error.chars().take(500).collect();
    blocklist_subscription::Entity::update_many()
        .col_expr(
            blocklist_subscription::Column::LastError,
            Expr::value(Some(error)),
        )
        .col_expr(
            blocklist_subscription::Column::RefreshRequestedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(blocklist_subscription::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends a subscription: its entries go, and the blocks only it held are lifted (never those
/// made by hand). Returns the lifted hosts.
pub async fn unsubscribe(db: &impl ConnectionTrait, id: &str) -> Result<Vec<String>, DbError> {
    let held = entries(db, id).await?;
    blocklist_entry::Entity::delete_many()
        .filter(blocklist_entry::Column::SubscriptionId.eq(id))
        .exec(db)
        .await?;
    let mut lifted = Vec::new();
    for entry in held {
        if state_of(&entry).blocks() && release(db, &entry.host, id).await? {
            lifted.push(entry.host);
        }
    }
    blocklist_subscription::Entity::delete_by_id(id)
        .exec(db)
        .await?;
    Ok(lifted)
}
