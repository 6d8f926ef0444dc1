//! The id of an activity already received, so a replay changes nothing.

use sea_orm::entity::prelude::*;

/// A row of `received_activities`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "received_activities")]
pub struct Model {
    /// The activity id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub ap_id: String,
    /// When it arrived.
    pub received_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
