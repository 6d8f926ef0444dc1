//! A comment on a consultation, a proposal or a budget project (an ActivityPub `Note`).

use sea_orm::entity::prelude::*;

/// A row of `comments`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The consultation.
    pub consultation_id: String,
    /// The proposal, for comments on one.
    pub proposal_id: Option<String>,
    /// The budget project, for comments on one.
    pub budget_project_id: Option<String>,
    /// The comment replied to.
    pub parent_id: Option<String>,
    /// The author.
    pub author_id: String,
    /// The text as written.
    pub body_markdown: String,
    /// The text rendered and sanitised.
    pub body_html: String,
    /// `for`, `against` or `neutral`.
    pub stance: String,
    /// 0 for top-level comments.
    pub depth: i32,
    /// `pending`, `published` or `deleted`.
    pub state: String,
    /// When moderation hid it.
    pub hidden_at: Option<DateTimeUtc>,
    /// Why, shown in its place.
    pub hidden_reason: Option<String>,
    /// The moderator; `None` when hidden automatically.
    pub hidden_by: Option<String>,
    /// Written.
    pub created_at: DateTimeUtc,
    /// Last edit.
    pub edited_at: Option<DateTimeUtc>,
    /// The ActivityPub id.
    pub ap_id: String,
    /// True for comments written on this instance.
    pub local: bool,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
