//! A statement in a conversation, voted on with agree, disagree or pass.

use sea_orm::entity::prelude::*;

/// A row of `statements`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "statements")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The conversation.
    pub conversation_id: String,
    /// Its number in the conversation (pol.is's comment id).
    pub number: i32,
    /// The text (plain).
    pub body: String,
    /// Who wrote it (none for imported ones).
    pub author_id: Option<String>,
    /// Written by staff to start the conversation.
    pub seed: bool,
    /// `published`, `pending` or `hidden`.
    pub state: String,
    /// When.
    pub created_at: DateTimeUtc,
    /// The ActivityPub id.
    pub ap_id: String,
    /// True for statements of this instance.
    pub local: bool,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
