//! Our organization's application to, or membership of, a province deal elsewhere.

use sea_orm::entity::prelude::*;

/// A row of `memberships`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The deal's `Group` actor.
    pub deal_ap_id: String,
    /// The deal's name.
    pub deal_name: String,
    /// The deal's page.
    pub deal_url: String,
    /// Where the deal receives activities.
    pub deal_inbox: String,
    /// The province's host.
    pub host: String,
    /// `applied`, `member`, `rejected`, `left` or `removed`.
    pub state: String,
    /// Our `Join` activity.
    pub join_activity_id: String,
    /// The figures we last sent (JSON), to send only changes.
    pub figures_sent: Option<String>,
    /// When we last sent them.
    pub figures_sent_at: Option<DateTimeUtc>,
    /// When we applied.
    pub created_at: DateTimeUtc,
    /// When the state last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
