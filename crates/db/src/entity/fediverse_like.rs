//! A `Like` of one of our proposals from the fediverse: a signal, never a support.

use sea_orm::entity::prelude::*;

/// A row of `fediverse_likes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fediverse_likes")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The proposal.
    pub proposal_id: String,
    /// Who liked it (ActivityPub id).
    pub actor: String,
    /// The `Like` activity's id.
    pub activity_id: String,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
