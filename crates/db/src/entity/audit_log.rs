//! What staff did, for accountability.

use sea_orm::entity::prelude::*;

/// A row of `audit_log`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// UUIDv7, so ids sort by time.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Who did it; `None` for the system itself.
    pub actor_id: Option<String>,
    /// What was done, e.g. `consultation.create`.
    pub action: String,
    /// The kind of thing it was done to.
    pub subject_type: String,
    /// Its id.
    pub subject_id: String,
    /// Free text with the particulars.
    pub detail: String,
    /// When.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
