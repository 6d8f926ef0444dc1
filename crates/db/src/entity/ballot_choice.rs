//! One option chosen on a ballot.

use sea_orm::entity::prelude::*;

/// A row of `ballot_choices`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ballot_choices")]
pub struct Model {
    /// The ballot.
    #[sea_orm(primary_key, auto_increment = false)]
    pub ballot_id: String,
    /// The option.
    #[sea_orm(primary_key, auto_increment = false)]
    pub option_id: String,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
