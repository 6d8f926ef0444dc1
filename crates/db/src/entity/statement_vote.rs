//! A resident's vote on a statement: 1 agree, −1 disagree, 0 pass (the export sign).

use sea_orm::entity::prelude::*;

/// A row of `statement_votes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "statement_votes")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The conversation.
    pub conversation_id: String,
    /// The statement.
    pub statement_id: String,
    /// The voter.
    pub user_id: String,
    /// 1, −1 or 0.
    pub vote: i32,
    /// First vote.
    pub created_at: DateTimeUtc,
    /// Last change: the latest vote counts.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
