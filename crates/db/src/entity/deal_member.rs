//! A municipality that applied to, belongs to or left one of our deals.

use sea_orm::entity::prelude::*;

/// A row of `deal_members`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deal_members")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The deal.
    pub deal_id: String,
    /// The municipality's `Organization` actor.
    pub organization_ap_id: String,
    /// Its name, as its actor says.
    pub name: String,
    /// Its host.
    pub host: String,
    /// Where it receives activities.
    pub inbox: String,
    /// `pending`, `member`, `rejected`, `left` or `removed`.
    pub state: String,
    /// Its `Join` activity.
    pub join_activity_id: String,
    /// The figures it last sent (the JSON of its `/api/v1/statistics`).
    pub figures: Option<String>,
    /// When they arrived.
    pub figures_at: Option<DateTimeUtc>,
    /// When it applied.
    pub created_at: DateTimeUtc,
    /// When its state last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
