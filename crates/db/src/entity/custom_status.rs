//! An answer status a consultation defines besides the standard ones.

use sea_orm::entity::prelude::*;

/// A row of `custom_statuses`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "custom_statuses")]
pub struct Model {
    /// UUIDv7; the status key is `custom:<id>`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The consultation.
    pub consultation_id: String,
    /// The name shown.
    pub label: String,
    /// Order in the list.
    pub position: i32,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
