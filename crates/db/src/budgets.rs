//! Participatory budgets: their areas' money, projects and ballots.

use crate::entity::budget::{ActiveModel, Column, Entity, Model};
use crate::entity::{budget_area, budget_ballot, budget_ballot_choice, budget_project};
use crate::{DbError, new_id};
use chrono::{DateTime, Utc};
use inspraak_domain::budget::method::VotingMethod;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, JoinType,
    QueryFilter, QueryOrder, QuerySelect, RelationDef, Set, TransactionTrait,
};
use std::collections::HashMap;

/// Rows per multi-row insert: well under SQLite's bound-parameter limit.
const CHUNK: usize = 500;

/// A budget with its areas and projects, in their order.
#[derive(Debug, Clone)]
pub struct BudgetRecord {
    /// The budget.
    pub budget: Model,
    /// Its areas' money.
    pub areas: Vec<budget_area::Model>,
    /// Its projects.
    pub projects: Vec<budget_project::Model>,
}

impl BudgetRecord {
    /// The voting method as stored.
    pub fn method(&self) -> Option<VotingMethod> {
        let number = |n: i32| u32::try_from(n).unwrap_or(0);
        VotingMethod::from_parts(
            &self.budget.method,
            number(self.budget.method_a),
            number(self.budget.method_b),
        )
    }

    /// Category caps as (category, percent).
    pub fn caps(&self) -> Vec<(String, u32)> {
        serde_json::from_str(&self.budget.caps).unwrap_or_default()
    }

    /// The projects' categories.
    pub fn categories_of(project: &budget_project::Model) -> Vec<String> {
        serde_json::from_str(&project.categories).unwrap_or_default()
    }
}

/// A new budget.
#[derive(Debug, Clone)]
pub struct NewBudget {
    /// Its id.
    pub id: String,
    /// The consultation.
    pub consultation_id: String,
    /// Its page's URL.
    pub ap_id: String,
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// How residents vote.
    pub method: VotingMethod,
    /// The outcome rule's name.
    pub rule: String,
    /// Category caps.
    pub caps: Vec<(String, u32)>,
    /// Imported from a file.
    pub imported: bool,
    /// An imported file's META as JSON.
    pub source_meta: Option<String>,
    /// Who made it.
    pub created_by: Option<String>,
    /// Areas as (municipality area id, name, money).
    pub areas: Vec<(Option<String>, String, u64)>,
}

fn amount(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn position(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX)
}

/// Stores a budget and its areas (call inside a transaction).
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewBudget,
    now: DateTime<Utc>,
) -> Result<BudgetRecord, DbError> {
    let (a, b) = new.method.parts();
    let budget = ActiveModel {
        id: Set(new.id.clone()),
        consultation_id: Set(new.consultation_id),
        ap_id: Set(new.ap_id),
        title: Set(new.title),
        description: Set(new.description),
        method: Set(new.method.as_str().to_owned()),
        method_a: Set(i32::try_from(a).unwrap_or(i32::MAX)),
        method_b: Set(i32::try_from(b).unwrap_or(i32::MAX)),
        rule: Set(new.rule),
        caps: Set(serde_json::to_string(&new.caps).unwrap_or_else(|_| "[]".into())),
        imported: Set(new.imported),
        source_meta: Set(new.source_meta),
        outcome_published_at: Set(None),
        created_by: Set(new.created_by),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    let mut areas = Vec::new();
    for (i, (area_id, name, money)) in new.areas.into_iter().enumerate() {
        areas.push(
            budget_area::ActiveModel {
                id: Set(new_id()),
                budget_id: Set(new.id.clone()),
                area_id: Set(area_id),
                name: Set(name),
                amount: Set(amount(money)),
                position: Set(position(i)),
            }
            .insert(db)
            .await?,
        );
    }
    Ok(BudgetRecord {
        budget,
        areas,
        projects: Vec::new(),
    })
}

async fn complete(db: &impl ConnectionTrait, budget: Model) -> Result<BudgetRecord, DbError> {
    let areas = budget_area::Entity::find()
        .filter(budget_area::Column::BudgetId.eq(&budget.id))
        .order_by_asc(budget_area::Column::Position)
        .all(db)
        .await?;
    let projects = budget_project::Entity::find()
        .filter(budget_project::Column::BudgetId.eq(&budget.id))
        .order_by_asc(budget_project::Column::Position)
        .all(db)
        .await?;
    Ok(BudgetRecord {
        budget,
        areas,
        projects,
    })
}

/// The budget with this id, with its areas and projects.
pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<BudgetRecord, DbError> {
    let budget = Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("budget"))?;
    complete(db, budget).await
}

/// A consultation's budgets, oldest first.
pub async fn list_for_consultation(
    db: &impl ConnectionTrait,
    consultation_id: &str,
) -> Result<Vec<BudgetRecord>, DbError> {
    let budgets = Entity::find()
        .filter(Column::ConsultationId.eq(consultation_id))
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(budgets.len());
    for budget in budgets {
        out.push(complete(db, budget).await?);
    }
    Ok(out)
}

/// Every budget, oldest first (for open data).
pub async fn list_all(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbError> {
    Ok(Entity::find()
        .order_by_asc(Column::CreatedAt)
        .order_by_asc(Column::Id)
        .all(db)
        .await?)
}

/// A new project.
#[derive(Debug, Clone)]
pub struct NewProject {
    /// Its id.
    pub id: String,
    /// Its `Page` id.
    pub ap_id: String,
    /// Its number in the budget; `None` numbers it after the last.
    pub number: Option<String>,
    /// The budget area.
    pub budget_area_id: String,
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// The cost.
    pub cost: u64,
    /// Categories.
    pub categories: Vec<String>,
    /// Can be carried out.
    pub feasible: bool,
    /// Why (not).
    pub feasibility_note: String,
    /// The image's file name in the media folder.
    pub image: Option<String>,
    /// The image's text alternative.
    pub image_alt: String,
    /// The proposal it came from.
    pub proposal_id: Option<String>,
}

/// Adds projects at the end of a budget's list; a number in use is `Conflict("number")`.
pub async fn add_projects(
    db: &impl ConnectionTrait,
    budget_id: &str,
    projects: Vec<NewProject>,
    now: DateTime<Utc>,
) -> Result<Vec<budget_project::Model>, DbError> {
    let existing = budget_project::Entity::find()
        .filter(budget_project::Column::BudgetId.eq(budget_id))
        .order_by_desc(budget_project::Column::Position)
        .one(db)
        .await?
        .map_or(0, |p| p.position + 1);
    let mut rows = Vec::with_capacity(projects.len());
    for (i, p) in projects.into_iter().enumerate() {
        let at = existing.saturating_add(position(i));
        rows.push(budget_project::ActiveModel {
            id: Set(p.id),
            budget_id: Set(budget_id.to_owned()),
            budget_area_id: Set(p.budget_area_id),
            ap_id: Set(p.ap_id),
            number: Set(p.number.unwrap_or_else(|| (at + 1).to_string())),
            title: Set(p.title),
            description: Set(p.description),
            cost: Set(amount(p.cost)),
            categories: Set(serde_json::to_string(&p.categories).unwrap_or_else(|_| "[]".into())),
            feasible: Set(p.feasible),
            feasibility_note: Set(p.feasibility_note),
            image: Set(p.image),
            image_alt: Set(p.image_alt),
            proposal_id: Set(p.proposal_id),
            position: Set(at),
            created_at: Set(now),
            updated_at: Set(now),
        });
    }
    let mut stored = Vec::with_capacity(rows.len());
    for row in rows {
        stored.push(
            row.insert(db)
                .await
                .map_err(|e| DbError::unique(e, "number"))?,
        );
    }
    Ok(stored)
}

/// The project with this id.
pub async fn find_project(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<budget_project::Model, DbError> {
    budget_project::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("project"))
}

/// The project made from this proposal, if any.
pub async fn project_of_proposal(
    db: &impl ConnectionTrait,
    proposal_id: &str,
) -> Result<Option<budget_project::Model>, DbError> {
    Ok(budget_project::Entity::find()
        .filter(budget_project::Column::ProposalId.eq(proposal_id))
        .one(db)
        .await?)
}

/// Records that the outcome was published.
pub async fn mark_outcome_published(
    db: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Model, DbError> {
    let mut row: ActiveModel = Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(DbError::NotFound("budget"))?
        .into();
    row.outcome_published_at = Set(Some(now));
    Ok(row.update(db).await?)
}

/// A ballot as stored: its area and the chosen projects' ids with points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBallot {
    /// The budget area it was cast in.
    pub budget_area_id: String,
    /// An imported ballot's voter id.
    pub voter_ref: Option<String>,
    /// Project ids with points, in the order stored.
    pub choices: Vec<(String, u64)>,
}

/// Casts or replaces a resident's ballot in one transaction. The first statement writes, so on
/// SQLite the transaction takes the write lock at once; the unique index keeps one ballot per
/// resident whatever arrives together.
pub async fn cast(
    db: &DatabaseConnection,
    budget_id: &str,
    user_id: &str,
    budget_area_id: &str,
    choices: &[(String, u64)],
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let txn = db.begin().await?;
    let row = budget_ballot::ActiveModel {
        id: Set(new_id()),
        budget_id: Set(budget_id.to_owned()),
        budget_area_id: Set(budget_area_id.to_owned()),
        user_id: Set(Some(user_id.to_owned())),
        voter_ref: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    };
    budget_ballot::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                budget_ballot::Column::BudgetId,
                budget_ballot::Column::UserId,
            ])
            .update_columns([
                budget_ballot::Column::UpdatedAt,
                budget_ballot::Column::BudgetAreaId,
            ])
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    let ballot = budget_ballot::Entity::find()
        .filter(budget_ballot::Column::BudgetId.eq(budget_id))
        .filter(budget_ballot::Column::UserId.eq(user_id))
        .one(&txn)
        .await?
        .ok_or(DbError::NotFound("ballot"))?;
    budget_ballot_choice::Entity::delete_many()
        .filter(budget_ballot_choice::Column::BallotId.eq(&ballot.id))
        .exec(&txn)
        .await?;
    insert_choices(&txn, &ballot.id, choices).await?;
    txn.commit().await?;
    Ok(())
}

async fn insert_choices(
    db: &impl ConnectionTrait,
    ballot_id: &str,
    choices: &[(String, u64)],
) -> Result<(), DbError> {
    if choices.is_empty() {
        return Ok(());
    }
    let rows = choices
        .iter()
        .map(|(project, points)| budget_ballot_choice::ActiveModel {
            ballot_id: Set(ballot_id.to_owned()),
            project_id: Set(project.clone()),
            points: Set(amount(*points)),
        });
    budget_ballot_choice::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Stores imported ballots (call inside a transaction).
pub async fn insert_ballots(
    db: &impl ConnectionTrait,
    budget_id: &str,
    ballots: Vec<StoredBallot>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let mut choices: Vec<budget_ballot_choice::ActiveModel> = Vec::new();
    for chunk in ballots.chunks(CHUNK) {
        let mut rows = Vec::with_capacity(chunk.len());
        for ballot in chunk {
            let id = new_id();
            for (project, points) in &ballot.choices {
                choices.push(budget_ballot_choice::ActiveModel {
                    ballot_id: Set(id.clone()),
                    project_id: Set(project.clone()),
                    points: Set(amount(*points)),
                });
            }
            rows.push(budget_ballot::ActiveModel {
                id: Set(id),
                budget_id: Set(budget_id.to_owned()),
                budget_area_id: Set(ballot.budget_area_id.clone()),
                user_id: Set(None),
                voter_ref: Set(ballot.voter_ref.clone()),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
        budget_ballot::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    while !choices.is_empty() {
        let rest = choices.split_off(choices.len().min(CHUNK));
        budget_ballot_choice::Entity::insert_many(std::mem::replace(&mut choices, rest))
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// A resident's ballot in a budget, if they cast one.
pub async fn ballot_of(
    db: &impl ConnectionTrait,
    budget_id: &str,
    user_id: &str,
) -> Result<Option<StoredBallot>, DbError> {
    let Some(ballot) = budget_ballot::Entity::find()
        .filter(budget_ballot::Column::BudgetId.eq(budget_id))
        .filter(budget_ballot::Column::UserId.eq(user_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let choices: Vec<(String, i64)> = budget_ballot_choice::Entity::find()
        .select_only()
        .column(budget_ballot_choice::Column::ProjectId)
        .column(budget_ballot_choice::Column::Points)
        .filter(budget_ballot_choice::Column::BallotId.eq(&ballot.id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(Some(StoredBallot {
        budget_area_id: ballot.budget_area_id,
        voter_ref: ballot.voter_ref,
        choices: choices
            .into_iter()
            .map(|(p, n)| (p, u64::try_from(n).unwrap_or(0)))
            .collect(),
    }))
}

fn choice_to_ballot() -> RelationDef {
    budget_ballot_choice::Entity::belongs_to(budget_ballot::Entity)
        .from(budget_ballot_choice::Column::BallotId)
        .to(budget_ballot::Column::Id)
        .into()
}

/// Every ballot of a budget, in the order they were first cast (anonymous: no accounts).
pub async fn ballots(
    db: &impl ConnectionTrait,
    budget_id: &str,
) -> Result<Vec<StoredBallot>, DbError> {
    let heads: Vec<(String, String, Option<String>)> = budget_ballot::Entity::find()
        .select_only()
        .column(budget_ballot::Column::Id)
        .column(budget_ballot::Column::BudgetAreaId)
        .column(budget_ballot::Column::VoterRef)
        .filter(budget_ballot::Column::BudgetId.eq(budget_id))
        .order_by_asc(budget_ballot::Column::CreatedAt)
        .order_by_asc(budget_ballot::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let rows: Vec<(String, String, i64)> = budget_ballot_choice::Entity::find()
        .select_only()
        .column(budget_ballot_choice::Column::BallotId)
        .column(budget_ballot_choice::Column::ProjectId)
        .column(budget_ballot_choice::Column::Points)
        .join(JoinType::InnerJoin, choice_to_ballot())
        .filter(budget_ballot::Column::BudgetId.eq(budget_id))
        .into_tuple()
        .all(db)
        .await?;
    let mut by_ballot: HashMap<String, Vec<(String, u64)>> = HashMap::new();
    for (ballot, project, points) in rows {
        by_ballot
            .entry(ballot)
            .or_default()
            .push((project, u64::try_from(points).unwrap_or(0)));
    }
    Ok(heads
        .into_iter()
        .map(|(id, budget_area_id, voter_ref)| StoredBallot {
            budget_area_id,
            voter_ref,
            choices: by_ballot.remove(&id).unwrap_or_default(),
        })
        .collect())
}
