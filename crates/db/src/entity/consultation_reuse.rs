//! A published reuse of one of this instance's consultations (a copy of its process).

use sea_orm::entity::prelude::*;

/// A row of `consultation_reuses`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consultation_reuses")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The ActivityPub id of the origin (one of ours).
    pub origin_ap_id: String,
    /// The ActivityPub id of the copy.
    pub copy_ap_id: String,
    /// The copy's title.
    pub copy_title: String,
    /// The copy's page.
    pub copy_url: String,
    /// When we learnt of it.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
