//! A domain on the recommended blocklist this instance publishes (a province or the helpdesk).

use sea_orm::entity::prelude::*;

/// A row of `recommended_blocks`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "recommended_blocks")]
pub struct Model {
    /// The host, lower case.
    #[sea_orm(primary_key, auto_increment = false)]
    pub host: String,
    /// `suspend` or `silence`.
    pub severity: String,
    /// Why, public.
    pub comment: String,
    /// When it was listed (or last changed).
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
