//! The latest analysis of a conversation, and the state the next one starts from.

use sea_orm::entity::prelude::*;

/// A row of `conversation_analyses`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation_analyses")]
pub struct Model {
    /// The conversation.
    #[sea_orm(primary_key, auto_increment = false)]
    pub conversation_id: String,
    /// How many votes it covered (to see whether it is stale).
    pub votes_seen: i64,
    /// The conversation's `analysis_changes` when this analysis read its votes.
    pub changes_seen: i64,
    /// The engine's warm-start state (JSON).
    pub state_json: String,
    /// The result (JSON).
    pub analysis_json: String,
    /// When it ran.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
