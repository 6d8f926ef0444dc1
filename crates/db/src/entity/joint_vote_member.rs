//! A deal member asked to take part in one of our joint votes, with its answer and tally.

use sea_orm::entity::prelude::*;

/// A row of `joint_vote_members`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "joint_vote_members")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The joint vote.
    pub joint_vote_id: String,
    /// The member's `Organization` actor.
    pub organization_ap_id: String,
    /// Its name.
    pub name: String,
    /// Where it receives activities.
    pub inbox: String,
    /// The id of the `Invite` we sent it.
    pub invite_activity_id: String,
    /// `invited`, `taking_part` or `declined`.
    pub participation: String,
    /// `missing`, `valid`, `invalid` or `late`.
    pub tally_state: String,
    /// The counted tally as received, proof included, with the key it verified with:
    /// `{"tally": …, "key": …}` (republished unchanged).
    pub tally: Option<String>,
    /// Voters in the counted tally.
    pub voters: Option<i64>,
    /// Counts of the counted tally, JSON.
    pub counts: Option<String>,
    /// Why the last tally was refused.
    pub tally_note: Option<String>,
    /// When the counted (or last refused) tally arrived.
    pub tally_at: Option<DateTimeUtc>,
    /// Last change.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
