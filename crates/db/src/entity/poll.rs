//! A poll in a consultation (an ActivityPub `Question`).

use sea_orm::entity::prelude::*;

/// A row of `polls`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "polls")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The consultation.
    pub consultation_id: String,
    /// The question.
    pub question: String,
    /// More than one option may be chosen.
    pub multiple: bool,
    /// When it stops taking ballots.
    pub closes_at: Option<DateTimeUtc>,
    /// `live` or `after_closing`.
    pub results_visibility: String,
    /// The staff member.
    pub created_by: Option<String>,
    /// When.
    pub created_at: DateTimeUtc,
    /// The ActivityPub id.
    pub ap_id: String,
    /// True for polls of this instance.
    pub local: bool,
    /// For a remote poll: its counts as the origin last reported them (JSON).
    pub remote_tally: Option<String>,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
