//! Participatory budgets for residents: the budget with its projects and the ballot form, the
//! confirmation step, the outcome with its explanation, and each project's page. Everything
//! works without JavaScript: the form posts and the page answers with the totals and every
//! broken rule; `budget.js` only updates the totals while ticking.

use super::budget_views::{self, AreaView, BudgetHead, OutcomeAreaView, ProjectView};
use super::comments::{self, CommentView};
use crate::csrf::CsrfForm;
use crate::form::FormData;
use crate::page::{Page, render, render_status};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::AppError;
use inspraak_app::budgets::{
    self, BallotRequest, BudgetState, BudgetStatus, VoterArea, voter_area,
};
use inspraak_db::budgets as stored;
use inspraak_domain::budget::method::{BallotCheck, VotingMethod};
use inspraak_domain::participation::Action;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/budgets/{id}", get(detail))
        .route("/budgets/{id}/ballot", post(ballot))
        .route("/budgets/{id}/outcome", get(outcome))
        .route("/projects/{id}", get(project))
}

/// The totals and problems of a ballot as the form shows them.
pub struct TotalsView {
    /// Money spent, formatted.
    pub spent: String,
    /// Money left, formatted.
    pub left: String,
    /// The area's money, formatted.
    pub budget: String,
    /// Points handed out.
    pub points: u64,
    /// Over the budget.
    pub over: bool,
    /// Each problem: its code, the field id it belongs to, and the sentence.
    pub problems: Vec<(&'static str, String, String)>,
}

#[derive(Template)]
#[template(path = "budgets/detail.html")]
struct Detail {
    page: Page,
    b: BudgetHead,
    areas: Vec<AreaView>,
    /// The visitor may cast or change a ballot now.
    can_vote: bool,
    /// Why not, when logged in.
    refusal: Option<String>,
    /// Voting runs now (a visitor is invited to log in).
    open: bool,
    /// The visitor has a stored ballot.
    voted: bool,
    /// Totals after a submitted form, or of the stored ballot.
    totals: Option<TotalsView>,
    /// `budget.js`'s hashed URL.
    script: &'static str,
}

#[derive(Template)]
#[template(path = "budgets/review.html")]
struct Review {
    page: Page,
    b: BudgetHead,
    chosen: Vec<ProjectView>,
    totals: TotalsView,
}

#[derive(Template)]
#[template(path = "budgets/outcome.html")]
struct Outcome {
    page: Page,
    b: BudgetHead,
    areas: Vec<OutcomeAreaView>,
}

#[derive(Template)]
#[template(path = "budgets/project.html")]
struct Project {
    page: Page,
    b: BudgetHead,
    p: ProjectView,
    funded: Option<bool>,
    comments: Vec<CommentView>,
    can_comment: bool,
    comment_refusal: Option<String>,
    stances: Vec<(&'static str, String)>,
}

/// The choices a form sent: ticked `project` boxes, or for points ballots `points.{id}`.
fn choices_of(form: &FormData, state: &BudgetState) -> Vec<(String, u64)> {
    if matches!(state.method, VotingMethod::Cumulative { .. }) {
        return state
            .record
            .projects
            .iter()
            .map(|p| {
                let typed = form.get(&format!("points.{}", p.id)).trim();
                (p.id.clone(), typed.parse().unwrap_or(0))
            })
            .filter(|(_, points)| *points > 0)
            .collect();
    }
    form.all("project").into_iter().map(|id| (id, 1)).collect()
}

fn totals(page: &Page, check: &BallotCheck) -> TotalsView {
    TotalsView {
        spent: page.money(&check.spent),
        left: page.money(&check.left()),
        budget: page.money(&check.budget),
        points: check.points,
        over: check.spent > check.budget,
        problems: check
            .problems
            .iter()
            .map(|p| {
                let field = p
                    .project()
                    .map_or_else(|| "ballot-totals".to_owned(), |id| format!("project-{id}"));
                (p.code(), field, budget_views::problem_text(page, p))
            })
            .collect(),
    }
}

/// The budget page with the form as `chosen` left it (the stored ballot when `None`).
async fn detail_page(
    state: &AppState,
    session: &Session,
    budget: BudgetState,
    chosen: Option<Vec<(String, u64)>>,
    check: Option<BallotCheck>,
) -> Result<Detail, WebError> {
    let page = Page::new(
        state,
        session,
        &format!("/budgets/{}", budget.record.budget.id),
    );
    let caller = session.caller();
    let stored_ballot = match &session.user {
        Some(u) => stored::ballot_of(&state.db.conn, &budget.record.budget.id, &u.id).await?,
        None => None,
    };
    let chosen = chosen.unwrap_or_else(|| {
        stored_ballot
            .as_ref()
            .map(|b| b.choices.clone())
            .unwrap_or_default()
    });
    let own_area = session.user.as_ref().map(|u| voter_area(&budget.record, u));
    let refusal = match (budget.status, budget.ctx.refusal(caller, Action::Vote)) {
        (BudgetStatus::Closed, _) => Some(page.t("budgets.closed_notice").to_owned()),
        (_, Some(r)) => Some(page.t(&format!("refusal.{}", r.code())).to_owned()),
        (_, None) if own_area == Some(VoterArea::Outside) => {
            Some(page.t("budgets.area_not_taking_part").to_owned())
        }
        _ => None,
    };
    let can_vote = refusal.is_none() && session.user.is_some();
    let mut areas = budget_views::areas(&page, &budget, &chosen, own_area.as_ref());
    if let Some(check) = &check {
        for problem in &check.problems {
            let Some(id) = problem.project() else {
                continue;
            };
            for view in areas.iter_mut().flat_map(|a| a.projects.iter_mut()) {
                if view.id == id {
                    view.problem = Some(budget_views::problem_text(&page, problem));
                }
            }
        }
    }
    Ok(Detail {
        b: budget_views::head(&page, &budget),
        areas,
        open: budget.status == BudgetStatus::Open,
        can_vote,
        refusal,
        voted: stored_ballot.is_some(),
        totals: check.as_ref().map(|c| totals(&page, c)),
        script: crate::routes::static_assets::budget_script_path(),
        page,
    })
}

async fn detail(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let budget = budgets::load(&state.app, session.caller(), &id).await?;
    render(&detail_page(&state, &session, budget, None, None).await?)
}

/// The ballot form's three steps: `recalculate` shows totals and problems, `review` shows the
/// confirmation page (or the form again with problems), `confirm` casts, `edit` goes back.
async fn ballot(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let caller = session.caller();
    let budget = budgets::load(&state.app, caller, &id).await?;
    let request = BallotRequest {
        choices: choices_of(&form, &budget),
    };
    match form.get("step") {
        "confirm" => match budgets::cast_ballot(&state.app, caller, &id, &request).await {
            Ok(_) => Ok(
                Redirect::to(&format!("/budgets/{id}?notice=ballot_cast#ballot")).into_response(),
            ),
            Err(AppError::InvalidBallot(check)) => {
                let view = detail_page(
                    &state,
                    &session,
                    budget,
                    Some(request.choices),
                    Some(*check),
                )
                .await?;
                render_status(StatusCode::UNPROCESSABLE_ENTITY, &view)
            }
            Err(other) => Err(other.into()),
        },
        "edit" => {
            let view = detail_page(&state, &session, budget, Some(request.choices), None).await?;
            render(&view)
        }
        step => {
            let (_, check, _) = budgets::check_ballot(&state.app, caller, &id, &request).await?;
            if step == "review" && check.is_valid() {
                let page = Page::new(&state, &session, &format!("/budgets/{id}"));
                let chosen = budget_views::chosen_projects(&page, &budget, &check);
                return render(&Review {
                    b: budget_views::head(&page, &budget),
                    totals: totals(&page, &check),
                    chosen,
                    page,
                });
            }
            let status = if check.is_valid() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let view =
                detail_page(&state, &session, budget, Some(request.choices), Some(check)).await?;
            render_status(status, &view)
        }
    }
}

async fn outcome(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if super::federation::accepts_activity_json(&headers) {
        return super::activitypub::budget_outcome(&state, &id).await;
    }
    let (budget, outcome) = budgets::outcome(&state.app, session.caller(), &id).await?;
    let page = Page::new(&state, &session, &format!("/budgets/{id}/outcome"));
    // While voting runs the page says when the outcome comes, for the public.
    let areas = outcome
        .map(|o| budget_views::outcome_areas(&page, &budget, &o))
        .unwrap_or_default();
    render(&Outcome {
        b: budget_views::head(&page, &budget),
        areas,
        page,
    })
}

async fn project(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if super::federation::accepts_activity_json(&headers) {
        return super::activitypub::project_page(&state, &id).await;
    }
    let row = stored::find_project(&state.db.conn, &id).await?;
    let (budget, outcome) = budgets::outcome(&state.app, session.caller(), &row.budget_id).await?;
    let page = Page::new(&state, &session, &format!("/projects/{id}"));
    let funded = outcome
        .filter(|_| budget.status == BudgetStatus::Closed)
        .map(|o| o.funded_ids().contains(&row.id));
    let p = budget_views::project(&page, &budget, &row, &[], None);
    let comments =
        comments::project_thread_views(&state, &session, &page, &budget.ctx, &row.id).await?;
    let comment_refusal = budget
        .ctx
        .refusal(session.caller(), Action::Comment)
        .map(|r| page.t(&format!("refusal.{}", r.code())).to_owned());
    render(&Project {
        b: budget_views::head(&page, &budget),
        p,
        funded,
        comments,
        can_comment: comment_refusal.is_none(),
        comment_refusal,
        stances: comments::stance_choices(&page),
        page,
    })
}
