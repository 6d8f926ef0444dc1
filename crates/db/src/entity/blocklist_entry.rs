//! An entry of a subscribed remote blocklist, and what became of it here.

use sea_orm::entity::prelude::*;

/// A row of `blocklist_entries`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "blocklist_entries")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The subscription it came with.
    pub subscription_id: String,
    /// The host, lower case.
    pub host: String,
    /// `suspend` or `silence`, as the list says.
    pub severity: String,
    /// The list's public comment.
    pub comment: String,
    /// `applied`, `suggested`, `accepted` or `dismissed`.
    pub state: String,
    /// When it first appeared.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
