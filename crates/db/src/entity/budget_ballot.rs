//! A ballot in a budget: a resident's (changeable until voting ends) or an imported one.

use sea_orm::entity::prelude::*;

/// A row of `budget_ballots`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_ballots")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The budget.
    pub budget_id: String,
    /// The area it was cast in.
    pub budget_area_id: String,
    /// The resident; none for an imported ballot.
    pub user_id: Option<String>,
    /// An imported ballot's `voter_id`.
    pub voter_ref: Option<String>,
    /// First cast.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
