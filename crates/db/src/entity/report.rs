//! Someone's report of a proposal or comment.

use sea_orm::entity::prelude::*;

/// A row of `reports`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// `proposal` or `comment`.
    pub content_kind: String,
    /// Its id.
    pub content_id: String,
    /// Who reported.
    pub reporter_id: String,
    /// `spam`, `offensive`, `off_topic` or `other`.
    pub reason: String,
    /// Their explanation, may be empty.
    pub note: String,
    /// When.
    pub created_at: DateTimeUtc,
    /// When a moderator decided.
    pub resolved_at: Option<DateTimeUtc>,
    /// The moderator.
    pub resolved_by: Option<String>,
    /// `hidden`, `kept` or `dismissed`.
    pub resolution: Option<String>,
    /// When it was forwarded to the content's server.
    pub forwarded_at: Option<DateTimeUtc>,
    /// The host it was forwarded to.
    pub forwarded_to: Option<String>,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
