//! One official answer in a proposal's history.

use sea_orm::entity::prelude::*;

/// A row of `proposal_answers`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposal_answers")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The proposal.
    pub proposal_id: String,
    /// A standard status or `custom:<id>`.
    pub status_key: String,
    /// The answer as written.
    pub answer_markdown: String,
    /// The answer rendered and sanitised.
    pub answer_html: String,
    /// The staff member.
    pub answered_by: Option<String>,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
