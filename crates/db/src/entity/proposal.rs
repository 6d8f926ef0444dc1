//! A resident's proposal in a consultation (an ActivityPub `Page`).

use sea_orm::entity::prelude::*;

/// A row of `proposals`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "proposals")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The consultation.
    pub consultation_id: String,
    /// The author.
    pub author_id: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Body as written.
    pub body_markdown: String,
    /// Body rendered and sanitised.
    pub body_html: String,
    /// Themes and areas, comma-separated.
    pub tags: String,
    /// `pending`, `published` or `withdrawn`.
    pub state: String,
    /// The latest official answer's status.
    pub status_key: Option<String>,
    /// When moderation hid it.
    pub hidden_at: Option<DateTimeUtc>,
    /// Why, shown in its place.
    pub hidden_reason: Option<String>,
    /// The moderator; `None` when hidden automatically by reports.
    pub hidden_by: Option<String>,
    /// Submitted.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
    /// When its author withdrew it.
    pub withdrawn_at: Option<DateTimeUtc>,
    /// The ActivityPub id.
    pub ap_id: String,
    /// True for proposals made on this instance.
    pub local: bool,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
