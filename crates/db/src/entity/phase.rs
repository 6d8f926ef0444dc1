//! One phase of a consultation.

use sea_orm::entity::prelude::*;

/// A row of `phases`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "phases")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The consultation it belongs to.
    pub consultation_id: String,
    /// Order within the consultation, from 0.
    pub position: i32,
    /// The phase kind's stored name.
    pub kind: String,
    /// Optional custom title.
    pub title: Option<String>,
    /// First day (inclusive, Europe/Amsterdam calendar).
    pub starts_on: Date,
    /// Last day (inclusive).
    pub ends_on: Date,
    /// Residents may propose.
    pub allow_propose: bool,
    /// Residents may comment.
    pub allow_comment: bool,
    /// Residents may support.
    pub allow_support: bool,
    /// Residents may vote.
    pub allow_vote: bool,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
