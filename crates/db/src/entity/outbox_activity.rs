//! An activity this instance sent (or will send), kept so it can be delivered and dereferenced.

use sea_orm::entity::prelude::*;

/// A row of `outbox_activities`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_activities")]
pub struct Model {
    /// Sequence number: delivery follows it.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The activity's id.
    pub ap_id: String,
    /// `Create`, `Update`, `Delete`, `Announce`, `Follow`, `Accept`, `Undo`.
    pub kind: String,
    /// The actor that sends it.
    pub actor: String,
    /// The id of its object, when it has one.
    pub object_id: Option<String>,
    /// The activity as JSON.
    pub data: String,
    /// When it was made.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
