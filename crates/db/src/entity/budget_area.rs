//! An area's own money within a budget (a budget without areas has one, without an area).

use sea_orm::entity::prelude::*;

/// A row of `budget_areas`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_areas")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The budget.
    pub budget_id: String,
    /// The municipality's area, if any.
    pub area_id: Option<String>,
    /// The area's name as shown (copied, so an imported district keeps its name).
    pub name: String,
    /// The money.
    pub amount: i64,
    /// Order in lists.
    pub position: i32,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
