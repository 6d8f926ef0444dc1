//! One step in a forward's history.

use sea_orm::entity::prelude::*;

/// A row of `forward_events`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forward_events")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The forward.
    pub forward_id: String,
    /// `sent`, `received`, `accepted`, `declined` or `status`.
    pub kind: String,
    /// The status, in words, when there is one.
    pub status: Option<String>,
    /// A note, reason or official answer, sanitised HTML or plain text.
    pub text_html: Option<String>,
    /// When it happened.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
