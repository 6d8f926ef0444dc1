//! A one-time resident verification code, as printed on a letter.

use sea_orm::entity::prelude::*;

/// A row of `verification_codes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "verification_codes")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// SHA-256 of the normalised code, hex; the plain code exists only on paper.
    pub code_hash: String,
    /// A label for the mailing the code was printed for.
    pub batch: String,
    /// The admin who generated it.
    pub created_by: Option<String>,
    /// When it was generated.
    pub created_at: DateTimeUtc,
    /// After this it is refused.
    pub expires_at: DateTimeUtc,
    /// The account that redeemed it.
    pub used_by: Option<String>,
    /// When it was redeemed.
    pub used_at: Option<DateTimeUtc>,
    /// The area the code verifies residents of (a batch printed for a district).
    pub area_id: Option<String>,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
