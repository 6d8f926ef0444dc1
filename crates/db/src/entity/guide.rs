//! A guide: a Markdown page written on a helpdesk (local), or one received from a followed
//! helpdesk as an `Article` (a copy).

use sea_orm::entity::prelude::*;

/// A row of `guides`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guides")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The `Article`'s id.
    pub ap_id: String,
    /// True for guides written here.
    pub local: bool,
    /// The short name in its URL here (`/guides/{slug}`).
    pub slug: String,
    /// The title.
    pub title: String,
    /// A plain-text opening, for lists and the `Article`'s `summary`.
    pub summary: String,
    /// The Markdown as written (empty for a copy).
    pub body_markdown: String,
    /// The body, sanitised HTML.
    pub body_html: String,
    /// The staff member who wrote it (local guides).
    pub author_id: Option<String>,
    /// The `Organization` it is attributed to.
    pub attributed_to: String,
    /// The host (with port) it comes from.
    pub origin_host: String,
    /// When it was first published.
    pub published_at: DateTimeUtc,
    /// The last change.
    pub updated_at: DateTimeUtc,
    /// When this row was made.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
