//! The outcome: per area, the rule shown beforehand applied to the ballots, with a reason for
//! every project that was not funded.

use super::{BudgetState, BudgetStatus, load};
use crate::audit::{self, AuditAction};
use crate::{App, AppError, Caller};
use chrono::Utc;
use inspraak_db::budgets::{self, BudgetRecord, StoredBallot};
use inspraak_db::entity::{budget_area, budget_project};
use inspraak_domain::budget::explain::{Explanation, explain};
use inspraak_domain::budget::method::VotingMethod;
use inspraak_domain::budget::{Cap, Election, Project, Rule};
use std::collections::{BTreeMap, HashMap};

/// One area's outcome.
#[derive(Debug, Clone)]
pub struct AreaOutcome {
    /// The area and its money.
    pub area: budget_area::Model,
    /// The projects that took part, in the order the explanation's indexes refer to.
    pub projects: Vec<budget_project::Model>,
    /// Projects that could not be chosen (not feasible), with their note.
    pub infeasible: Vec<budget_project::Model>,
    /// Ballots cast in the area.
    pub voters: usize,
    /// Funded projects and why the others were not.
    pub explanation: Explanation,
}

/// A budget's outcome in every area.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The rule applied.
    pub rule: Rule,
    /// Per area, in the budget's order.
    pub areas: Vec<AreaOutcome>,
}

impl Outcome {
    /// Every funded project's id.
    pub fn funded_ids(&self) -> Vec<String> {
        self.areas
            .iter()
            .flat_map(|a| {
                a.explanation
                    .funded
                    .iter()
                    .map(|&i| a.projects[i].id.clone())
            })
            .collect()
    }
}

/// The `min_project_score_threshold` of an imported file, if it had one.
fn min_votes(record: &BudgetRecord) -> u64 {
    record
        .budget
        .source_meta
        .as_deref()
        .and_then(|m| serde_json::from_str::<BTreeMap<String, String>>(m).ok())
        .and_then(|meta| meta.get("min_project_score_threshold")?.parse().ok())
        .unwrap_or(0)
}

/// Applies `rule` to the ballots, area by area. Ballots naming projects of another area or
/// projects that cannot be chosen are counted without those projects.
pub fn compute_outcome(
    record: &BudgetRecord,
    method: VotingMethod,
    rule: Rule,
    ballots: &[StoredBallot],
) -> Outcome {
    let cumulative = matches!(method, VotingMethod::Cumulative { .. });
    let caps = record.caps();
    let areas = record
        .areas
        .iter()
        .map(|area| {
            let (projects, infeasible): (Vec<_>, Vec<_>) = record
                .projects
                .iter()
                .filter(|p| p.budget_area_id == area.id)
                .cloned()
                .partition(|p| p.feasible);
            let index: HashMap<&str, usize> = projects
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.as_str(), i))
                .collect();
            let money = u64::try_from(area.amount).unwrap_or(0);
            let mut election = Election {
                budget: money,
                projects: projects
                    .iter()
                    .map(|p| Project {
                        id: p.number.clone(),
                        cost: u64::try_from(p.cost).unwrap_or(u64::MAX),
                    })
                    .collect(),
                min_votes: min_votes(record),
                ..Election::default()
            };
            for ballot in ballots.iter().filter(|b| b.budget_area_id == area.id) {
                let chosen: Vec<(usize, u64)> = ballot
                    .choices
                    .iter()
                    .filter_map(|(id, points)| index.get(id.as_str()).map(|&i| (i, *points)))
                    .collect();
                election
                    .ballots
                    .push(chosen.iter().map(|(i, _)| *i).collect());
                if cumulative {
                    election
                        .points
                        .push(chosen.iter().map(|(_, p)| *p).collect());
                }
            }
            election.caps = caps
                .iter()
                .map(|(category, percent)| Cap {
                    category: category.clone(),
                    limit: money.saturating_mul(u64::from(*percent)) / 100,
                    projects: projects
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| BudgetRecord::categories_of(p).contains(category))
                        .map(|(i, _)| i)
                        .collect(),
                })
                .collect();
            AreaOutcome {
                area: area.clone(),
                voters: election.ballots.len(),
                explanation: explain(&election, rule),
                projects,
                infeasible,
            }
        })
        .collect();
    Outcome { rule, areas }
}

/// The outcome, once the public may see it (after voting; staff may look earlier): `None`
/// while voting goes on.
pub async fn outcome(
    app: &App,
    caller: Caller<'_>,
    budget_id: &str,
) -> Result<(BudgetState, Option<Outcome>), AppError> {
    let state = load(app, caller, budget_id).await?;
    if state.status != BudgetStatus::Closed && !caller.is_staff() {
        return Ok((state, None));
    }
    let ballots = budgets::ballots(app.conn(), &state.record.budget.id).await?;
    let outcome = compute_outcome(&state.record, state.method, state.rule, &ballots);
    Ok((state, Some(outcome)))
}

/// Staff publish the outcome after voting: it is recorded and announced by the consultation's
/// group to its followers.
pub async fn publish_outcome(
    app: &App,
    caller: Caller<'_>,
    budget_id: &str,
) -> Result<Outcome, AppError> {
    let admin = caller.require_admin()?;
    let (state, outcome) = outcome(app, caller, budget_id).await?;
    let (BudgetStatus::Closed, Some(outcome)) = (state.status, outcome) else {
        return Err(AppError::BadRequest("voting has not ended yet".into()));
    };
    let now = Utc::now();
    let txn = app.begin().await?;
    let published = budgets::mark_outcome_published(&txn, &state.record.budget.id, now).await?;
    let facts = super::outcome_facts(&state.record, &outcome, now);
    inspraak_federation::publish::budget_outcome(&txn, &app.federation, &published, &facts).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::BudgetOutcomePublish,
        ("budget", &state.record.budget.id),
        format!("{} funded", outcome.funded_ids().len()),
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(outcome)
}
