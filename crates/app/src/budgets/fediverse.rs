//! What the fediverse hears of a budget's outcome: the facts the federation crate renders as
//! the group's `Article` (the outcome's rules live here, not there).

use super::{Outcome, outcome};
use crate::{App, AppError, Caller};
use chrono::{DateTime, Utc};
use inspraak_db::budgets::{self, BudgetRecord};
use inspraak_db::entity::budget;
use inspraak_federation::budgets::{AreaOutcomeFacts, FundedProject, OutcomeFacts};

/// The outcome as the federation crate renders it: per area its money, ballots and funded
/// projects (id, title, cost), in the outcome's order.
pub fn outcome_facts(
    record: &BudgetRecord,
    outcome: &Outcome,
    published: DateTime<Utc>,
) -> OutcomeFacts {
    let areas = outcome
        .areas
        .iter()
        .map(|a| AreaOutcomeFacts {
            name: a.area.name.clone(),
            amount: u64::try_from(a.area.amount).unwrap_or(0),
            voters: a.voters,
            funded: a
                .explanation
                .funded
                .iter()
                .filter_map(|&i| a.projects.get(i))
                .map(|p| FundedProject {
                    id: p.ap_id.clone(),
                    title: p.title.clone(),
                    cost: u64::try_from(p.cost).unwrap_or(0),
                })
                .collect(),
        })
        .collect();
    OutcomeFacts {
        budget: record.budget.ap_id.clone(),
        title: record.budget.title.clone(),
        areas,
        published,
    }
}

/// A budget's outcome as the public may see it, once staff published it: `None` before (or
/// while the budget is not public), so its `Article` is served only after its `Announce`.
pub async fn published_outcome(
    app: &App,
    budget_id: &str,
) -> Result<Option<(budget::Model, OutcomeFacts)>, AppError> {
    let record = budgets::find(app.conn(), budget_id).await?;
    let Some(published) = record.budget.outcome_published_at else {
        return Ok(None);
    };
    let (state, computed) = outcome(app, Caller::anonymous(), budget_id).await?;
    Ok(computed.map(|o| {
        let facts = outcome_facts(&state.record, &o, published);
        (state.record.budget, facts)
    }))
}
