//! One activity on its way to one remote inbox.

use sea_orm::entity::prelude::*;

/// A row of `deliveries`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deliveries")]
pub struct Model {
    /// Sequence number.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The outbox activity.
    pub activity_id: i32,
    /// Where it goes.
    pub inbox: String,
    /// The inbox's host: one worker per host.
    pub host: String,
    /// `pending`, `delivered` or `dead`.
    pub state: String,
    /// How many attempts failed so far.
    pub attempts: i32,
    /// When to try next.
    pub next_attempt_at: DateTimeUtc,
    /// What went wrong the last time.
    pub last_error: Option<String>,
    /// When the inbox accepted it.
    pub delivered_at: Option<DateTimeUtc>,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
