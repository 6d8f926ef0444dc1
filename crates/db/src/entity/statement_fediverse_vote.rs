//! A fediverse account's vote on a conversation statement: counted apart from residents.

use sea_orm::entity::prelude::*;

/// A row of `statement_fediverse_votes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "statement_fediverse_votes")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The statement.
    pub statement_id: String,
    /// The voter (ActivityPub id).
    pub actor: String,
    /// 1 agree, −1 disagree, 0 pass.
    pub vote: i32,
    /// The vote `Note`'s id.
    pub activity_id: String,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
