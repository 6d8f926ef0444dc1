//! A joint vote we organize for a deal's members.

use sea_orm::entity::prelude::*;

/// A row of `joint_votes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "joint_votes")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Its ActivityPub id (`/joint-votes/{id}`).
    pub ap_id: String,
    /// The deal whose members are asked.
    pub deal_id: String,
    /// The question.
    pub question: String,
    /// The options, a JSON array of strings in order.
    pub options: String,
    /// Whether more than one option may be chosen.
    pub multiple: bool,
    /// When voting closes everywhere.
    pub closes_at: DateTimeUtc,
    /// The staff member who opened it.
    pub created_by: Option<String>,
    /// When it was opened.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
