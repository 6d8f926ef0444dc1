//! A vote on one of our polls from a fediverse account, counted apart from residents.

use sea_orm::entity::prelude::*;

/// A row of `fediverse_votes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "fediverse_votes")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The poll.
    pub poll_id: String,
    /// The option chosen.
    pub option_id: String,
    /// The voter (ActivityPub id).
    pub actor: String,
    /// The vote `Note`'s id.
    pub activity_id: String,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
