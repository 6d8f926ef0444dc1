//! An uploaded image, served at `/media/{id}`.

use sea_orm::entity::prelude::*;

/// A row of `media`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The checked content type (`image/png`, `image/jpeg`, `image/webp`, `image/gif`).
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Who uploaded it.
    pub created_by: Option<String>,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
