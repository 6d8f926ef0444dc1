//! A project residents can choose in a budget.

use sea_orm::entity::prelude::*;

/// A row of `budget_projects`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budget_projects")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The budget.
    pub budget_id: String,
    /// The area it belongs to.
    pub budget_area_id: String,
    /// Its ActivityPub id (a `Page`).
    pub ap_id: String,
    /// Its short number within the budget (the Pabulib `project_id`).
    pub number: String,
    /// The title.
    pub title: String,
    /// What it is (Markdown).
    pub description: String,
    /// What it costs.
    pub cost: i64,
    /// Categories as a JSON array.
    pub categories: String,
    /// Can be carried out.
    pub feasible: bool,
    /// Why (not).
    pub feasibility_note: String,
    /// The image's file name in the media folder (served at `/media/{name}`).
    pub image: Option<String>,
    /// The image's text alternative.
    pub image_alt: String,
    /// The accepted proposal it was promoted from.
    pub proposal_id: Option<String>,
    /// Order in lists.
    pub position: i32,
    /// When it was made.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
