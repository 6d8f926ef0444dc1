//! A vote that came with an imported pol.is conversation: a numbered participant, no account.

use sea_orm::entity::prelude::*;

/// A row of `imported_votes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imported_votes")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The conversation.
    pub conversation_id: String,
    /// The participant's number in the imported conversation.
    pub participant: i64,
    /// The statement number.
    pub number: i32,
    /// 1 agree, −1 disagree, 0 pass.
    pub vote: i32,
    /// When (milliseconds since 1970).
    pub at: i64,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
