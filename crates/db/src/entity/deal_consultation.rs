//! A consultation a member announced to one of our deals.

use sea_orm::entity::prelude::*;

/// A row of `deal_consultations`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deal_consultations")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The deal.
    pub deal_id: String,
    /// The member that announced it.
    pub organization_ap_id: String,
    /// The consultation's `Group`.
    pub consultation_ap_id: String,
    /// Its title.
    pub title: String,
    /// Its page.
    pub url: String,
    /// When it was announced.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
