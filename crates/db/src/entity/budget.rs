//! A participatory budget in a consultation.

use sea_orm::entity::prelude::*;

/// A row of `budgets`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "budgets")]
pub struct Model {
    /// UUIDv7.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The consultation.
    pub consultation_id: String,
    /// Its ActivityPub id (the budget's page).
    pub ap_id: String,
    /// The title.
    pub title: String,
    /// What the money is for (Markdown).
    pub description: String,
    /// The voting method's kind (`knapsack`, `approval`, `choose_one`, `cumulative`).
    pub method: String,
    /// The method's first number (minimum percent, fewest projects, points).
    pub method_a: i32,
    /// The method's second number (most projects).
    pub method_b: i32,
    /// The outcome rule's name.
    pub rule: String,
    /// Category caps as JSON `[[category, percent], ...]`.
    pub caps: String,
    /// Imported from a Pabulib file: closed from the start, ballots without accounts.
    pub imported: bool,
    /// An imported file's META section as JSON.
    pub source_meta: Option<String>,
    /// When staff published (and federated) the outcome.
    pub outcome_published_at: Option<DateTimeUtc>,
    /// The staff member who made it.
    pub created_by: Option<String>,
    /// When it was made.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm; queries join explicitly.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
