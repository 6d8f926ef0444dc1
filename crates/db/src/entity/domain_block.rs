//! A blocked remote host: nothing is received from it, fetched from it or sent to it.

use sea_orm::entity::prelude::*;

/// A row of `domain_blocks`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "domain_blocks")]
pub struct Model {
    /// The host, lower case.
    #[sea_orm(primary_key, auto_increment = false)]
    pub host: String,
    /// Why, as the admin wrote it.
    pub reason: String,
    /// When.
    pub created_at: DateTimeUtc,
    /// `suspend` (enforced) or `silence` (recorded and shared).
    pub severity: String,
    /// Whether an admin made it by hand (a subscribed list never lifts those).
    pub manual: bool,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
