//! A follow: a remote actor following one of ours, or ours following a remote one.

use sea_orm::entity::prelude::*;

/// A row of `follows`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follows")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Who follows (ActivityPub id).
    pub follower: String,
    /// Whom (ActivityPub id).
    pub followed: String,
    /// For a remote follower: where to deliver (its shared inbox, else its inbox).
    pub inbox: String,
    /// The remote side's host.
    pub host: String,
    /// The `Follow` activity's id.
    pub activity_id: String,
    /// When it was accepted.
    pub accepted_at: Option<DateTimeUtc>,
    /// When it was made.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
