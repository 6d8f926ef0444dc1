//! A browser session, stored server-side; the cookie holds only a random token.

use sea_orm::entity::prelude::*;

/// A row of `sessions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// SHA-256 of the cookie token, hex: a stolen database does not yield live cookies.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The logged-in account, or `None` for an anonymous visitor with a form open.
    pub user_id: Option<String>,
    /// The token every form of this session must echo.
    pub csrf_token: String,
    /// When the session began.
    pub created_at: DateTimeUtc,
    /// When it stops being valid.
    pub expires_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
