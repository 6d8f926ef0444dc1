//! A joint vote a deal invited us to, with the poll our residents vote in and our tally.

use sea_orm::entity::prelude::*;

/// A row of `joint_vote_invites`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "joint_vote_invites")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The organizer's joint vote id.
    pub joint_vote_ap_id: String,
    /// The deal that invited us.
    pub organizer_ap_id: String,
    /// Its name.
    pub organizer_name: String,
    /// Its inbox.
    pub organizer_inbox: String,
    /// The `Invite` we answer.
    pub invite_activity_id: String,
    /// The question.
    pub question: String,
    /// The options, a JSON array of strings in order.
    pub options: String,
    /// Whether more than one option may be chosen.
    pub multiple: bool,
    /// When voting closes.
    pub closes_at: DateTimeUtc,
    /// `invited`, `taking_part` or `declined`.
    pub participation: String,
    /// The local poll our residents vote in.
    pub poll_id: Option<String>,
    /// Our signed tally, as published.
    pub tally: Option<String>,
    /// When we published it.
    pub tally_at: Option<DateTimeUtc>,
    /// When the invitation arrived.
    pub created_at: DateTimeUtc,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
