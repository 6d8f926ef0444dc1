//! A district or neighbourhood of the municipality.

use sea_orm::entity::prelude::*;

/// A row of `areas`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "areas")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Stable name in URLs and forms.
    pub slug: String,
    /// The name residents know.
    pub name: String,
    /// Order in lists.
    pub position: i32,
    /// When it was added.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
