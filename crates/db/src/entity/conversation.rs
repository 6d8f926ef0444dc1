//! An opinion-mapping conversation in a consultation (pol.is-style).

use sea_orm::entity::prelude::*;

/// A row of `conversations`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The consultation.
    pub consultation_id: String,
    /// What it asks.
    pub question: String,
    /// Participants' statements wait for a moderator.
    pub premoderation: bool,
    /// When.
    pub created_at: DateTimeUtc,
    /// The ActivityPub id.
    pub ap_id: String,
    /// True for conversations of this instance.
    pub local: bool,
    /// Goes up with every change the analysis depends on (votes, imports, moderation).
    pub analysis_changes: i64,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
