//! A province deal hosted here: a `Group` actor municipalities join.

use sea_orm::entity::prelude::*;

/// A row of `deals`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deals")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Its handle's local part and page path.
    pub slug: String,
    /// Its ActivityPub id.
    pub ap_id: String,
    /// Its name.
    pub name: String,
    /// What it is about, plain text.
    pub summary: String,
    /// When it was made.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
