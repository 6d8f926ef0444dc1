//! A consultation: a participation process with phases (an ActivityPub `Group`).

use sea_orm::entity::prelude::*;

/// A row of `consultations`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultations")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Unique short name for URLs and the fediverse handle.
    pub slug: String,
    /// The title.
    pub title: String,
    /// One or two sentences.
    pub summary: String,
    /// The body as the admin wrote it.
    pub body_markdown: String,
    /// The body rendered and sanitised, ready to show.
    pub body_html: String,
    /// File name of the cover image under the media folder.
    pub cover_image: Option<String>,
    /// Alternative text of the cover image.
    pub cover_alt: Option<String>,
    /// `None` while it is a draft only staff see.
    pub published_at: Option<DateTimeUtc>,
    /// The admin who created it.
    pub created_by: Option<String>,
    /// When it was created.
    pub created_at: DateTimeUtc,
    /// The last edit.
    pub updated_at: DateTimeUtc,
    /// The ActivityPub id.
    pub ap_id: String,
    /// True for consultations of this instance.
    pub local: bool,
    /// Supports a proposal needs to be taken up; 0 for none.
    pub support_threshold: i32,
    /// Only verified residents may propose.
    pub verified_to_propose: bool,
    /// Only verified residents may comment.
    pub verified_to_comment: bool,
    /// New proposals and comments wait for a moderator before they are public.
    pub premoderation: bool,
    /// The ActivityPub id of the consultation this one's process was reused from.
    pub derived_from: Option<String>,
    /// The origins before `derived_from`, oldest first, as a JSON array of ids.
    pub ancestry: Option<String>,
    /// Its themes, lowercase, comma-separated (`Hashtag`s in its `Group`).
    pub themes: Option<String>,
    /// For a copy: the province its instance names (`inspraak:province`).
    pub province: Option<String>,
    /// For a copy: the host (with port) of the instance it comes from.
    pub origin_host: Option<String>,
    /// For a copy: the `Organization` it is attributed to.
    pub origin_organization: Option<String>,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
