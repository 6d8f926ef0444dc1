//! A resident's ballot: checked as a whole against the method, their area and feasibility,
//! cast (or changed) only when every rule holds.

use super::{BudgetState, BudgetStatus, load};
use crate::{App, AppError, Caller};
use chrono::Utc;
use inspraak_db::budgets::{self, BudgetRecord};
use inspraak_db::entity::user;
use inspraak_domain::budget::method::{BallotCheck, Candidate, check_ballot as check};
use inspraak_domain::participation::Action;
use inspraak_domain::proposal::ItemRefusal;

/// What a resident submits: project ids with points (approval methods ignore the points).
#[derive(Debug, Clone, Default)]
pub struct BallotRequest {
    /// Project ids with points.
    pub choices: Vec<(String, u64)>,
}

/// Where a resident may vote in a budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoterArea {
    /// In this budget area (their own, or the budget's only one).
    Fixed(String),
    /// Their area is unknown: the ballot's area is the one of the projects they choose.
    Free,
    /// Their area takes no part in this budget.
    Outside,
}

/// Where `resident` may vote in the budget.
pub fn voter_area(record: &BudgetRecord, resident: &user::Model) -> VoterArea {
    if let [only] = record.areas.as_slice() {
        return VoterArea::Fixed(only.id.clone());
    }
    match &resident.area_id {
        None => VoterArea::Free,
        Some(own) => record
            .areas
            .iter()
            .find(|a| a.area_id.as_ref() == Some(own))
            .map_or(VoterArea::Outside, |a| VoterArea::Fixed(a.id.clone())),
    }
}

/// The budget area a ballot falls in: the voter's, or for a free voter the area of the first
/// project they chose.
fn ballot_area(record: &BudgetRecord, area: &VoterArea, request: &BallotRequest) -> Option<String> {
    match area {
        VoterArea::Fixed(id) => Some(id.clone()),
        VoterArea::Outside => None,
        VoterArea::Free => request.choices.iter().find_map(|(id, points)| {
            (*points > 0)
                .then(|| record.projects.iter().find(|p| &p.id == id))
                .flatten()
                .map(|p| p.budget_area_id.clone())
        }),
    }
}

/// The ballot check for `request`, without casting it; with the budget and the ballot's area.
pub async fn check_ballot(
    app: &App,
    caller: Caller<'_>,
    budget_id: &str,
    request: &BallotRequest,
) -> Result<(BudgetState, BallotCheck, Option<String>), AppError> {
    let state = load(app, caller, budget_id).await?;
    if state.status == BudgetStatus::Closed {
        return Err(AppError::ItemClosed(ItemRefusal::Closed));
    }
    state.ctx.check(caller, Action::Vote)?;
    let resident = caller.user()?;
    let area = voter_area(&state.record, resident);
    let ballot_area = ballot_area(&state.record, &area, request);
    let money = state
        .record
        .areas
        .iter()
        .find(|a| Some(&a.id) == ballot_area.as_ref())
        .map_or(0, |a| u64::try_from(a.amount).unwrap_or(0));
    let candidates: Vec<Candidate> = state
        .record
        .projects
        .iter()
        .map(|p| Candidate {
            id: p.id.clone(),
            cost: u64::try_from(p.cost).unwrap_or(u64::MAX),
            in_voter_area: ballot_area.as_ref() == Some(&p.budget_area_id),
            feasible: p.feasible,
        })
        .collect();
    let checked = check(state.method, money, &candidates, &request.choices);
    Ok((state, checked, ballot_area))
}

/// Casts or changes the caller's ballot when it breaks no rule; otherwise nothing changes and
/// the check comes back as `InvalidBallot`.
pub async fn cast_ballot(
    app: &App,
    caller: Caller<'_>,
    budget_id: &str,
    request: &BallotRequest,
) -> Result<BallotCheck, AppError> {
    let (state, checked, area) = check_ballot(app, caller, budget_id, request).await?;
    let (true, Some(area)) = (checked.is_valid(), area) else {
        return Err(AppError::InvalidBallot(Box::new(checked)));
    };
    let resident = caller.user()?;
    budgets::cast(
        app.conn(),
        &state.record.budget.id,
        &resident.id,
        &area,
        &checked.choices,
        Utc::now(),
    )
    .await?;
    Ok(checked)
}
