//! A project on a budget ballot, with the points given (1 unless the method is cumulative).

use sea_orm::entity::prelude::*;

/// A row of `budget_ballot_choices`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_ballot_choices")]
pub struct Model {
    /// The ballot.
    #[sea_orm(primary_key, auto_increment = false)]
    pub ballot_id: String,
    /// The project.
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: String,
    /// Points given.
    pub points: i64,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
