//! An account: a local resident or staff member, or (later) a remote fediverse actor.

use sea_orm::entity::prelude::*;

/// A row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Unique, lowercase; the local part of `@username@host`.
    pub username: String,
    /// The public name.
    pub display_name: String,
    /// Optional; never shown publicly.
    pub email: Option<String>,
    /// Argon2id PHC string; `None` for remote actors.
    pub password_hash: Option<String>,
    /// `admin`, `moderator` or `resident`.
    pub role: String,
    /// When the account was verified as a resident.
    pub verified_at: Option<DateTimeUtc>,
    /// How it was verified (`letter_code`, `manual`).
    pub verification_method: Option<String>,
    /// The admin who verified it, for manual verification.
    pub verified_by: Option<String>,
    /// The area (district) the resident lives in, as their verification says.
    pub area_id: Option<String>,
    /// Preferred interface language.
    pub locale: Option<String>,
    /// The ActivityPub id.
    pub ap_id: String,
    /// True for accounts of this instance.
    pub local: bool,
    /// When the account was made.
    pub created_at: DateTimeUtc,
    /// The last successful log-in.
    pub last_login_at: Option<DateTimeUtc>,
    /// When a moderator blocked the account; blocked accounts read but cannot take part.
    pub blocked_at: Option<DateTimeUtc>,
    /// Why, as the moderator wrote it.
    pub blocked_reason: Option<String>,
    /// The moderator.
    pub blocked_by: Option<String>,
    /// The resident chose to appear by name in the fediverse (as a `Person`).
    pub fediverse_visible: bool,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
