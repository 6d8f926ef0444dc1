//! A remote blocklist this instance subscribes to.

use sea_orm::entity::prelude::*;

/// A row of `blocklist_subscriptions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "blocklist_subscriptions")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The collection's URL (unique).
    pub url: String,
    /// `auto` or `review`.
    pub mode: String,
    /// When it was last fetched successfully.
    pub last_fetched_at: Option<DateTimeUtc>,
    /// Why the last fetch failed; `None` after a success.
    pub last_error: Option<String>,
    /// When the list's publisher said it changed (`Update`); cleared by the next fetch.
    pub refresh_requested_at: Option<DateTimeUtc>,
    /// When the admin subscribed.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
