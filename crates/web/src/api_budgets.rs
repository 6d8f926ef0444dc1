//! Participatory budgets in the JSON API: areas, budgets and their projects, a resident's
//! ballot (read, checked and cast with a personal token), the explained outcome, and Pabulib
//! files out and in. The same use cases as the pages run underneath, so every rule holds here
//! in the same way.

use crate::api_write::{ApiCaller, ApiJson};
use crate::session::Session;
use crate::{AppState, Locale, WebError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use inspraak_app::AppError;
use inspraak_app::budgets::{self, BallotRequest, BudgetState, Outcome};
use inspraak_app::participation::ConsultationContext;
use inspraak_db::budgets::BudgetRecord;
use inspraak_db::entity::{area, budget_project};
use inspraak_domain::budget::method::{BallotCheck, VotingMethod};
use inspraak_domain::budget::pabulib::MAX_BYTES;
use inspraak_domain::budget::setup::{BudgetInput, ProjectInput};
use inspraak_domain::{FieldError, ValidationErrors};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/areas", get(list_areas).post(create_area))
        .route(
            "/consultations/{id}/budgets",
            get(list_budgets).post(create_budget),
        )
        .route(
            "/consultations/{id}/budgets/import",
            post(import_budget).layer(DefaultBodyLimit::max(MAX_BYTES)),
        )
        .route("/budgets/{id}", get(get_budget))
        .route("/budgets/{id}/projects", post(add_project))
        .route("/budgets/{id}/ballot", get(get_ballot).put(put_ballot))
        .route("/budgets/{id}/ballot/check", post(check_ballot))
        .route("/budgets/{id}/outcome", get(get_outcome))
        .route("/budgets/{id}/outcome/publish", post(publish_outcome))
        .route("/budgets/{id}/pabulib", get(export_pabulib))
}

/// The caller behind a bearer token when one is sent, or an anonymous visitor: public reads
/// that staff may see more of (drafts, an outcome while voting runs).
pub struct MaybeApiCaller(pub Session);

impl FromRequestParts<AppState> for MaybeApiCaller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        if parts.headers.contains_key(AUTHORIZATION) {
            let ApiCaller(session) = ApiCaller::from_request_parts(parts, state).await?;
            return Ok(MaybeApiCaller(session));
        }
        Ok(MaybeApiCaller(Session {
            token_hash: None,
            csrf_token: None,
            user: None,
            locale: Locale::Nl,
        }))
    }
}

/// An admin behind a bearer token, checked before the request body is read: a large upload
/// from anyone else is refused without reading it.
pub struct ApiAdmin(pub Session);

impl FromRequestParts<AppState> for ApiAdmin {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let ApiCaller(session) = ApiCaller::from_request_parts(parts, state).await?;
        session.require_admin()?;
        Ok(ApiAdmin(session))
    }
}

/// A municipality's area (district).
#[derive(Serialize, ToSchema)]
pub struct AreaDto {
    /// Opaque id.
    pub id: String,
    /// Short name in URLs, forms and letter codes.
    pub slug: String,
    /// The name residents know.
    pub name: String,
}

impl From<area::Model> for AreaDto {
    fn from(a: area::Model) -> Self {
        AreaDto {
            id: a.id,
            slug: a.slug,
            name: a.name,
        }
    }
}

/// A new area.
#[derive(Deserialize, ToSchema)]
pub struct NewArea {
    /// Short name: lowercase letters, digits and hyphens.
    pub slug: String,
    /// The name, 2 to 200 characters.
    pub name: String,
}

#[utoipa::path(get, path = "/api/v1/areas", tag = "budgets",
    responses((status = 200, description = "The municipality's areas in their set order", body = Vec<AreaDto>)))]
pub(crate) async fn list_areas(
    State(state): State<AppState>,
) -> Result<Json<Vec<AreaDto>>, WebError> {
    let areas = inspraak_db::areas::list(&state.db.conn).await?;
    Ok(Json(areas.into_iter().map(AreaDto::from).collect()))
}

#[utoipa::path(post, path = "/api/v1/areas", tag = "budgets", security(("token" = [])),
    request_body = NewArea,
    responses((status = 201, body = AreaDto), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 422, description = "Invalid or taken slug, or a name that does not fit", body = crate::api::ApiErrorBody)))]
pub(crate) async fn create_area(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    ApiJson(body): ApiJson<NewArea>,
) -> Result<Response, WebError> {
    let made = budgets::create_area(&state.app, session.caller(), &body.slug, &body.name).await?;
    Ok((StatusCode::CREATED, Json(AreaDto::from(made))).into_response())
}

/// How residents vote: `kind` with the numbers that kind uses.
#[derive(Serialize, Deserialize, ToSchema, Default)]
pub struct MethodDto {
    /// `knapsack`, `approval`, `choose_one` or `cumulative`.
    pub kind: String,
    /// Knapsack: the least share of the budget a ballot must spend, in whole percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_percent: Option<u32>,
    /// Approval: the fewest projects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<u32>,
    /// Approval: the most projects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// Cumulative: points each resident hands out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points: Option<u32>,
}

impl From<VotingMethod> for MethodDto {
    fn from(method: VotingMethod) -> Self {
        let kind = method.as_str().to_owned();
        match method {
            VotingMethod::Knapsack { min_percent } => MethodDto {
                kind,
                min_percent: Some(min_percent),
                ..MethodDto::default()
            },
            VotingMethod::Approval { min, max } => MethodDto {
                kind,
                min: Some(min),
                max: Some(max),
                ..MethodDto::default()
            },
            VotingMethod::ChooseOne => MethodDto {
                kind,
                ..MethodDto::default()
            },
            VotingMethod::Cumulative { points } => MethodDto {
                kind,
                points: Some(points),
                ..MethodDto::default()
            },
        }
    }
}

/// A category cap: the category's funded projects together may cost at most this share of
/// each area's money.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct CapDto {
    /// The category.
    pub category: String,
    /// The most, in whole percent of the area's money.
    pub percent: u32,
}

/// One area's money in a budget.
#[derive(Serialize, ToSchema)]
pub struct BudgetAreaDto {
    /// The budget area's id: projects, ballots and the Pabulib export name it.
    pub id: String,
    /// The municipality's area it stands for (none in a budget without areas, or imported).
    pub area_id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its money, in whole euros.
    pub amount: u64,
}

/// An accepted proposal a project was promoted from.
#[derive(Serialize, ToSchema)]
pub struct ProposalLink {
    /// The proposal's id.
    pub id: String,
    /// Its page.
    pub url: String,
}

/// A project on the ballot.
#[derive(Serialize, ToSchema)]
pub struct ProjectDto {
    /// Opaque id: ballots name projects by it.
    pub id: String,
    /// Its short number in the budget (the Pabulib `project_id`).
    pub number: String,
    /// The title.
    pub title: String,
    /// What it is (Markdown).
    pub description: String,
    /// What it costs, in whole euros.
    pub cost: u64,
    /// The budget area it belongs to.
    pub area: String,
    /// Its categories.
    pub categories: Vec<String>,
    /// Whether it can be carried out; only feasible projects can be chosen.
    pub feasible: bool,
    /// Why (not).
    pub feasibility_note: String,
    /// Its image, if any.
    pub image: Option<String>,
    /// The image's text alternative.
    pub image_alt: String,
    /// The proposal it was promoted from.
    pub proposal: Option<ProposalLink>,
    /// Its page.
    pub url: String,
}

/// A budget with its areas and projects.
#[derive(Serialize, ToSchema)]
pub struct BudgetDto {
    /// Opaque id.
    pub id: String,
    /// The consultation it belongs to.
    pub consultation_id: String,
    /// The title.
    pub title: String,
    /// What the money is for (Markdown).
    pub description: String,
    /// `open` (ballots are taken now), `waiting` or `closed` (voting is over, or imported).
    pub status: String,
    /// How residents vote.
    pub method: MethodDto,
    /// The outcome rule: `greedy`, `greedy-no-skip`, `equal-shares` or
    /// `equal-shares-comparison`.
    pub rule: String,
    /// The translation key of the rule's explanation residents see before voting.
    pub rule_explanation: String,
    /// Category caps.
    pub caps: Vec<CapDto>,
    /// Imported from a Pabulib file.
    pub imported: bool,
    /// When staff published the outcome.
    pub outcome_published_at: Option<DateTime<Utc>>,
    /// Each area's money, in order.
    pub areas: Vec<BudgetAreaDto>,
    /// The projects, in order.
    pub projects: Vec<ProjectDto>,
    /// Its page.
    pub url: String,
}

fn money(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn project_dto(state: &AppState, p: &budget_project::Model) -> ProjectDto {
    ProjectDto {
        id: p.id.clone(),
        number: p.number.clone(),
        title: p.title.clone(),
        description: p.description.clone(),
        cost: money(p.cost),
        area: p.budget_area_id.clone(),
        categories: BudgetRecord::categories_of(p),
        feasible: p.feasible,
        feasibility_note: p.feasibility_note.clone(),
        image: p
            .image
            .as_ref()
            .map(|f| state.config.url(&format!("/media/{f}"))),
        image_alt: p.image_alt.clone(),
        proposal: p.proposal_id.as_ref().map(|id| ProposalLink {
            id: id.clone(),
            url: state.config.url(&format!("/proposals/{id}")),
        }),
        url: state.config.url(&format!("/projects/{}", p.id)),
    }
}

fn budget_dto(state: &AppState, b: &BudgetState) -> BudgetDto {
    let record = &b.record;
    BudgetDto {
        id: record.budget.id.clone(),
        consultation_id: record.budget.consultation_id.clone(),
        title: record.budget.title.clone(),
        description: record.budget.description.clone(),
        status: b.status.as_str().to_owned(),
        method: b.method.into(),
        rule: b.rule.as_str().to_owned(),
        rule_explanation: format!("budgets.rule_explain.{}", b.rule.as_str()),
        caps: record
            .caps()
            .into_iter()
            .map(|(category, percent)| CapDto { category, percent })
            .collect(),
        imported: record.budget.imported,
        outcome_published_at: record.budget.outcome_published_at,
        areas: record
            .areas
            .iter()
            .map(|a| BudgetAreaDto {
                id: a.id.clone(),
                area_id: a.area_id.clone(),
                name: a.name.clone(),
                amount: money(a.amount),
            })
            .collect(),
        projects: record
            .projects
            .iter()
            .map(|p| project_dto(state, p))
            .collect(),
        url: state.config.url(&format!("/budgets/{}", record.budget.id)),
    }
}

#[utoipa::path(get, path = "/api/v1/consultations/{id}/budgets", tag = "budgets",
    params(("id" = String, Path, description = "The consultation's id or slug")),
    responses((status = 200, description = "The consultation's budgets, oldest first", body = Vec<BudgetDto>),
        (status = 404, description = "No consultation you may see has this id", body = crate::api::ApiErrorBody)))]
pub(crate) async fn list_budgets(
    State(state): State<AppState>,
    MaybeApiCaller(session): MaybeApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Vec<BudgetDto>>, WebError> {
    let caller = session.caller();
    let ctx = ConsultationContext::load(&state.app, caller, &id).await?;
    let mut out = Vec::new();
    for record in inspraak_db::budgets::list_for_consultation(&state.db.conn, ctx.id()).await? {
        let budget = budgets::load(&state.app, caller, &record.budget.id).await?;
        out.push(budget_dto(&state, &budget));
    }
    Ok(Json(out))
}

/// One area's money in a new budget.
#[derive(Deserialize, ToSchema)]
pub struct NewBudgetArea {
    /// The area's id or slug.
    pub area: String,
    /// Its money, in whole euros (at least 1).
    pub amount: u64,
}

/// A new budget.
#[derive(Deserialize, ToSchema)]
pub struct NewBudget {
    /// The title, 3 to 200 characters.
    pub title: String,
    /// What the money is for (Markdown).
    #[serde(default)]
    pub description: String,
    /// The money, when the budget has no areas.
    pub total: Option<u64>,
    /// Areas taking part, each with its own money; empty for one budget for everyone.
    #[serde(default)]
    pub areas: Vec<NewBudgetArea>,
    /// How residents vote.
    pub method: MethodDto,
    /// The outcome rule: `greedy`, `greedy-no-skip`, `equal-shares` or
    /// `equal-shares-comparison` (points ballots: the greedy rules only).
    pub rule: String,
    /// Category caps.
    #[serde(default)]
    pub caps: Vec<CapDto>,
}

/// Field names of the form, as the JSON body names them.
fn json_field(field: &str) -> String {
    match field {
        "method" => "method.kind".to_owned(),
        "min_percent" => "method.min_percent".to_owned(),
        "min_projects" => "method.min".to_owned(),
        "max_projects" => "method.max".to_owned(),
        "points" => "method.points".to_owned(),
        other => other.to_owned(),
    }
}

/// Renames the form's fields in validation errors to the JSON body's.
fn json_fields(err: AppError) -> WebError {
    match err {
        AppError::Invalid(errors) => WebError::Invalid(ValidationErrors(
            errors
                .0
                .into_iter()
                .map(|e| FieldError {
                    field: json_field(&e.field),
                    problem: e.problem,
                })
                .collect(),
        )),
        other => other.into(),
    }
}

#[utoipa::path(post, path = "/api/v1/consultations/{id}/budgets", tag = "budgets", security(("token" = [])),
    params(("id" = String, Path, description = "The consultation's id or slug")),
    request_body = NewBudget,
    responses((status = 201, description = "The budget as made", body = BudgetDto), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 404, body = crate::api::ApiErrorBody),
        (status = 422, description = "Invalid; each problem names its field (`title`, `total`, `areas.{area}`, `method.kind`, `method.min`, `method.max`, `method.min_percent`, `method.points`, `rule`, `caps`)", body = crate::api::ApiErrorBody)))]
pub(crate) async fn create_budget(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewBudget>,
) -> Result<Response, WebError> {
    let caller = session.caller();
    let ctx = ConsultationContext::load(&state.app, caller, &id).await?;
    let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let input = BudgetInput {
        title: body.title,
        description: body.description,
        total: body.total.map(|t| t.to_string()).unwrap_or_default(),
        areas: body
            .areas
            .into_iter()
            .map(|a| (a.area, a.amount.to_string()))
            .collect(),
        method: body.method.kind,
        min_percent: number(body.method.min_percent),
        min_projects: number(body.method.min),
        max_projects: number(body.method.max),
        points: number(body.method.points),
        rule: body.rule,
        caps: body
            .caps
            .iter()
            .map(|c| format!("{}: {}", c.category.replace(['\n', '\r'], " "), c.percent))
            .collect::<Vec<_>>()
            .join("\n"),
    };
    let made = budgets::create(&state.app, caller, ctx.id(), input)
        .await
        .map_err(json_fields)?;
    let budget = budgets::load(&state.app, caller, &made.budget.id).await?;
    Ok((StatusCode::CREATED, Json(budget_dto(&state, &budget))).into_response())
}

#[utoipa::path(get, path = "/api/v1/budgets/{id}", tag = "budgets",
    params(("id" = String, Path, description = "The budget's id")),
    responses((status = 200, body = BudgetDto),
        (status = 404, description = "No budget you may see has this id", body = crate::api::ApiErrorBody)))]
pub(crate) async fn get_budget(
    State(state): State<AppState>,
    MaybeApiCaller(session): MaybeApiCaller,
    Path(id): Path<String>,
) -> Result<Json<BudgetDto>, WebError> {
    let budget = budgets::load(&state.app, session.caller(), &id).await?;
    Ok(Json(budget_dto(&state, &budget)))
}

/// A new project.
#[derive(Deserialize, ToSchema)]
pub struct NewProject {
    /// The title, 3 to 200 characters.
    pub title: String,
    /// What it is (Markdown).
    #[serde(default)]
    pub description: String,
    /// What it costs, in whole euros.
    pub cost: u64,
    /// The budget area's id (see the budget's `areas`); may be left out when there is one.
    #[serde(default)]
    pub area: String,
    /// Up to 10 categories.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Whether it can be carried out (default true).
    #[serde(default = "yes")]
    pub feasible: bool,
    /// Why (not); required when not feasible.
    #[serde(default)]
    pub feasibility_note: String,
    /// An accepted proposal of the same consultation to promote (the link is kept).
    pub proposal: Option<String>,
}

fn yes() -> bool {
    true
}

#[utoipa::path(post, path = "/api/v1/budgets/{id}/projects", tag = "budgets", security(("token" = [])),
    params(("id" = String, Path, description = "The budget's id")),
    request_body = NewProject,
    responses((status = 201, description = "The project as made (images are added on the admin page)", body = ProjectDto),
        (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only; imported budgets take no projects", body = crate::api::ApiErrorBody),
        (status = 404, body = crate::api::ApiErrorBody),
        (status = 422, description = "Invalid; each problem names its field (`title`, `cost`, `area`, `categories`, `feasibility_note`, `proposal`)", body = crate::api::ApiErrorBody)))]
pub(crate) async fn add_project(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewProject>,
) -> Result<Response, WebError> {
    let input = ProjectInput {
        title: body.title,
        description: body.description,
        cost: body.cost.to_string(),
        area: body.area,
        categories: body
            .categories
            .iter()
            .map(|c| c.replace(',', " "))
            .collect::<Vec<_>>()
            .join(","),
        feasible: body.feasible,
        feasibility_note: body.feasibility_note,
    };
    let made = budgets::add_project(
        &state.app,
        session.caller(),
        &id,
        input,
        None,
        body.proposal.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(project_dto(&state, &made))).into_response())
}

/// A project on a ballot with its points.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ChoiceDto {
    /// The project's id.
    pub project: String,
    /// Points given: 1 unless the method is cumulative (0 leaves the project out).
    #[serde(default = "one")]
    pub points: u64,
}

fn one() -> u64 {
    1
}

/// A ballot to check or cast: it replaces the caller's ballot as a whole.
#[derive(Deserialize, ToSchema)]
pub struct BallotInput {
    /// The chosen projects.
    pub choices: Vec<ChoiceDto>,
}

impl From<BallotInput> for BallotRequest {
    fn from(input: BallotInput) -> Self {
        BallotRequest {
            choices: input
                .choices
                .into_iter()
                .map(|c| (c.project, c.points))
                .collect(),
        }
    }
}

/// A ballot as checked: the totals a client shows and every rule it breaks.
#[derive(Serialize, ToSchema)]
pub struct BallotCheckDto {
    /// Whether it may be cast.
    pub valid: bool,
    /// The chosen projects without repeats, with their points.
    pub choices: Vec<ChoiceDto>,
    /// What they cost together.
    pub spent: u64,
    /// Money left in the area's budget (0 when over).
    pub left: u64,
    /// The area's money.
    pub budget: u64,
    /// Points handed out.
    pub points: u64,
    /// Each broken rule: `code` (`empty`, `over_budget`, `below_minimum`, `too_few`,
    /// `too_many`, `too_many_points`, `unknown_project`, `outside_area`, `not_feasible`) with
    /// its numbers or `project`.
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<serde_json::Value>,
}

impl From<&BallotCheck> for BallotCheckDto {
    fn from(check: &BallotCheck) -> Self {
        BallotCheckDto {
            valid: check.is_valid(),
            choices: check
                .choices
                .iter()
                .map(|(project, points)| ChoiceDto {
                    project: project.clone(),
                    points: *points,
                })
                .collect(),
            spent: check.spent,
            left: check.left(),
            budget: check.budget,
            points: check.points,
            problems: check
                .problems
                .iter()
                .filter_map(|p| serde_json::to_value(p).ok())
                .collect(),
        }
    }
}

/// The caller's ballot as stored.
#[derive(Serialize, ToSchema)]
pub struct OwnBallotDto {
    /// The budget area it counts in.
    pub area: String,
    /// The chosen projects with their points.
    pub choices: Vec<ChoiceDto>,
    /// What they cost together.
    pub spent: u64,
    /// The area's money.
    pub budget: u64,
    /// Money left.
    pub left: u64,
}

#[utoipa::path(get, path = "/api/v1/budgets/{id}/ballot", tag = "budgets", security(("token" = [])),
    params(("id" = String, Path, description = "The budget's id")),
    responses((status = 200, description = "The caller's ballot, or `null` when they have not cast one", body = Option<OwnBallotDto>),
        (status = 401, body = crate::api::ApiErrorBody), (status = 404, body = crate::api::ApiErrorBody)))]
pub(crate) async fn get_ballot(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<Option<OwnBallotDto>>, WebError> {
    let budget = budgets::load(&state.app, session.caller(), &id).await?;
    let user = session.user()?;
    let Some(ballot) =
        inspraak_db::budgets::ballot_of(&state.db.conn, &budget.record.budget.id, &user.id).await?
    else {
        return Ok(Json(None));
    };
    let record = &budget.record;
    let spent = ballot
        .choices
        .iter()
        .filter_map(|(id, _)| record.projects.iter().find(|p| &p.id == id))
        .map(|p| money(p.cost))
        .sum::<u64>();
    let amount = record
        .areas
        .iter()
        .find(|a| a.id == ballot.budget_area_id)
        .map_or(0, |a| money(a.amount));
    // Stored in no particular order: list them as the budget lists its projects.
    let mut choices = ballot.choices;
    choices.sort_by_key(|(id, _)| record.projects.iter().position(|p| &p.id == id));
    Ok(Json(Some(OwnBallotDto {
        area: ballot.budget_area_id,
        choices: choices
            .into_iter()
            .map(|(project, points)| ChoiceDto { project, points })
            .collect(),
        spent,
        budget: amount,
        left: amount.saturating_sub(spent),
    })))
}

#[utoipa::path(put, path = "/api/v1/budgets/{id}/ballot", tag = "budgets", security(("token" = [])),
    params(("id" = String, Path, description = "The budget's id")),
    request_body = BallotInput,
    responses((status = 200, description = "Cast: it replaces any earlier ballot of the caller", body = BallotCheckDto),
        (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Only verified residents, while a phase allows voting", body = crate::api::ApiErrorBody),
        (status = 409, description = "Voting is over (`closed`)", body = crate::api::ApiErrorBody),
        (status = 422, description = "`invalid_ballot`: every broken rule is a field problem (`projects`, or `projects.{id}` for one project); nothing changed", body = crate::api::ApiErrorBody)))]
pub(crate) async fn put_ballot(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BallotInput>,
) -> Result<Json<BallotCheckDto>, WebError> {
    let request = BallotRequest::from(body);
    let check = budgets::cast_ballot(&state.app, session.caller(), &id, &request).await?;
    Ok(Json(BallotCheckDto::from(&check)))
}

#[utoipa::path(post, path = "/api/v1/budgets/{id}/ballot/check", tag = "budgets", security(("token" = [])),
    params(("id" = String, Path, description = "The budget's id")),
    request_body = BallotInput,
    responses((status = 200, description = "The check, without casting: for a running total", body = BallotCheckDto),
        (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Only verified residents, while a phase allows voting", body = crate::api::ApiErrorBody),
        (status = 409, description = "Voting is over", body = crate::api::ApiErrorBody)))]
pub(crate) async fn check_ballot(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BallotInput>,
) -> Result<Json<BallotCheckDto>, WebError> {
    let request = BallotRequest::from(body);
    let (_, check, _) = budgets::check_ballot(&state.app, session.caller(), &id, &request).await?;
    Ok(Json(BallotCheckDto::from(&check)))
}

/// One project's verdict in the outcome.
#[derive(Serialize, ToSchema)]
pub struct VerdictDto {
    /// The project's id.
    pub project: String,
    /// Its number.
    pub number: String,
    /// Its title.
    pub title: String,
    /// Its cost.
    pub cost: u64,
    /// Its votes (points on points ballots).
    pub votes: u64,
    /// Whether it is funded.
    pub funded: bool,
    /// Its place among the funded projects (1 = funded first).
    pub place: Option<usize>,
    /// Why it was not funded: `code` (`no_votes`, `below_threshold`, `not_enough_money`,
    /// `stopped_earlier`, `category_cap`, `not_enough_support`) with its numbers; for
    /// `stopped_earlier`, `at` is the id of the project where the rule stopped.
    #[schema(value_type = Option<Object>)]
    pub reason: Option<serde_json::Value>,
}

/// One area's outcome.
#[derive(Serialize, ToSchema)]
pub struct AreaOutcomeDto {
    /// The budget area's id.
    pub area: String,
    /// Its name.
    pub name: String,
    /// Its money.
    pub amount: u64,
    /// Ballots cast in it.
    pub voters: usize,
    /// The funded projects' ids, in the order the rule chose them.
    pub funded: Vec<String>,
    /// What they cost.
    pub spent: u64,
    /// Money not spent.
    pub left: u64,
    /// Equal shares: each voter's starting share (the money divided by the voters).
    pub share: Option<f64>,
    /// Equal shares: the per-voter budget after the completion raised it.
    pub per_voter: Option<f64>,
    /// Wieliczka's rule: `prefer_equal_shares`, `prefer_greedy` (voters) and
    /// `chose_equal_shares`.
    #[schema(value_type = Option<Object>)]
    pub comparison: Option<serde_json::Value>,
    /// Every project that took part, most votes first, with its verdict.
    pub projects: Vec<VerdictDto>,
    /// Projects that could not be chosen (not feasible).
    pub not_feasible: Vec<String>,
}

/// A budget's outcome.
#[derive(Serialize, ToSchema)]
pub struct OutcomeDto {
    /// The budget's id.
    pub budget: String,
    /// `open`, `waiting` or `closed`; before `closed` only staff see an outcome (a preview).
    pub status: String,
    /// The rule applied.
    pub rule: String,
    /// When staff published it.
    pub published_at: Option<DateTime<Utc>>,
    /// Per area, in the budget's order.
    pub areas: Vec<AreaOutcomeDto>,
}

fn outcome_dto(budget: &BudgetState, outcome: &Outcome) -> OutcomeDto {
    let areas = outcome
        .areas
        .iter()
        .map(|a| {
            let x = &a.explanation;
            let id_of = |i: usize| a.projects.get(i).map(|p| p.id.clone()).unwrap_or_default();
            let projects = x
                .verdicts
                .iter()
                .filter_map(|v| {
                    let p = a.projects.get(v.project)?;
                    let reason = v.reason.as_ref().and_then(|r| {
                        let mut value = serde_json::to_value(r).ok()?;
                        // The domain names projects by index; the API by id.
                        if let Some(at) = value.get_mut("at")
                            && let Some(i) = at.as_u64()
                        {
                            *at = usize::try_from(i).map(id_of).unwrap_or_default().into();
                        }
                        Some(value)
                    });
                    Some(VerdictDto {
                        project: p.id.clone(),
                        number: p.number.clone(),
                        title: p.title.clone(),
                        cost: money(p.cost),
                        votes: v.votes,
                        funded: v.funded.is_some(),
                        place: v.funded,
                        reason,
                    })
                })
                .collect();
            AreaOutcomeDto {
                area: a.area.id.clone(),
                name: a.area.name.clone(),
                amount: money(a.area.amount),
                voters: a.voters,
                funded: x.funded.iter().map(|&i| id_of(i)).collect(),
                spent: x.spent,
                left: x.left,
                share: x.share,
                per_voter: x.per_voter,
                comparison: x.comparison.and_then(|c| serde_json::to_value(c).ok()),
                projects,
                not_feasible: a.infeasible.iter().map(|p| p.id.clone()).collect(),
            }
        })
        .collect();
    OutcomeDto {
        budget: budget.record.budget.id.clone(),
        status: budget.status.as_str().to_owned(),
        rule: outcome.rule.as_str().to_owned(),
        published_at: budget.record.budget.outcome_published_at,
        areas,
    }
}

#[utoipa::path(get, path = "/api/v1/budgets/{id}/outcome", tag = "budgets",
    params(("id" = String, Path, description = "The budget's id")),
    responses((status = 200, description = "The outcome per area with a verdict for every project", body = OutcomeDto),
        (status = 404, body = crate::api::ApiErrorBody),
        (status = 409, description = "`voting_open`: the outcome is public once voting has ended (staff with a token see it earlier)", body = crate::api::ApiErrorBody)))]
pub(crate) async fn get_outcome(
    State(state): State<AppState>,
    MaybeApiCaller(session): MaybeApiCaller,
    Path(id): Path<String>,
) -> Result<Json<OutcomeDto>, WebError> {
    let (budget, outcome) = budgets::outcome(&state.app, session.caller(), &id).await?;
    let outcome = outcome.ok_or(WebError::ItemClosed(
        inspraak_domain::proposal::ItemRefusal::VotingOpen,
    ))?;
    Ok(Json(outcome_dto(&budget, &outcome)))
}

#[utoipa::path(post, path = "/api/v1/budgets/{id}/outcome/publish", tag = "budgets", security(("token" = [])),
    params(("id" = String, Path, description = "The budget's id")),
    responses((status = 200, description = "Published and announced to the consultation's followers", body = OutcomeDto),
        (status = 400, description = "Voting has not ended yet", body = crate::api::ApiErrorBody),
        (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody)))]
pub(crate) async fn publish_outcome(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<OutcomeDto>, WebError> {
    let caller = session.caller();
    let outcome = budgets::publish_outcome(&state.app, caller, &id).await?;
    let budget = budgets::load(&state.app, caller, &id).await?;
    Ok(Json(outcome_dto(&budget, &outcome)))
}

/// Which area to export.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct PabulibQuery {
    /// The budget area's id (or its municipality area's id); required when the budget has
    /// several areas.
    pub area: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/budgets/{id}/pabulib", tag = "budgets",
    params(("id" = String, Path, description = "The budget's id"), PabulibQuery),
    responses((status = 200, description = "One area's projects (feasible ones), votes, outcome (`selected`) and anonymous ballots as a Pabulib `.pb` file (pabulib.org/format)", content_type = "text/plain"),
        (status = 400, description = "The budget has several areas: the message names them", body = crate::api::ApiErrorBody),
        (status = 404, body = crate::api::ApiErrorBody),
        (status = 409, description = "`voting_open`: public once voting has ended (staff with a token at any time)", body = crate::api::ApiErrorBody)))]
pub(crate) async fn export_pabulib(
    State(state): State<AppState>,
    MaybeApiCaller(session): MaybeApiCaller,
    Path(id): Path<String>,
    query: Result<Query<PabulibQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, WebError> {
    let Query(query) = query.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let text = budgets::export_pb(&state.app, session.caller(), &id, query.area.as_deref()).await?;
    let name = match &query.area {
        Some(area) => format!("budget-{id}-{area}.pb"),
        None => format!("budget-{id}.pb"),
    };
    // Ids are ours, but the area comes from the query: keep the header plain.
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|e| WebError::internal(e.to_string()))?;
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (CONTENT_DISPOSITION, disposition),
        ],
        text,
    )
        .into_response())
}

/// An uploaded `.pb` file: the raw body, `text/plain` or `application/octet-stream`, at most
/// [`MAX_BYTES`]. A body announced as larger is refused before it is read.
pub struct PbUpload(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for PbUpload {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, WebError> {
        let headers = req.headers();
        let kind = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase());
        if !matches!(
            kind.as_deref(),
            Some("text/plain" | "application/octet-stream")
        ) {
            return Err(WebError::UnsupportedMedia(
                "send the .pb file as the body, with Content-Type text/plain or application/octet-stream".into(),
            ));
        }
        let announced = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|n| n > MAX_BYTES as u64) {
            return Err(WebError::TooLarge);
        }
        match Bytes::from_request(req, state).await {
            Ok(bytes) => Ok(PbUpload(bytes)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(WebError::TooLarge)
            }
            Err(rejection) => Err(WebError::BadRequest(rejection.body_text())),
        }
    }
}

#[utoipa::path(post, path = "/api/v1/consultations/{id}/budgets/import", tag = "budgets", security(("token" = [])),
    params(("id" = String, Path, description = "The consultation's id or slug")),
    request_body(content = String, description = "The `.pb` file (pabulib.org/format), at most 64 MiB", content_type = "text/plain"),
    responses((status = 201, description = "A closed budget with one area, the file's projects and ballots", body = BudgetDto),
        (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 413, description = "More than 64 MiB", body = crate::api::ApiErrorBody),
        (status = 415, description = "Not `text/plain` or `application/octet-stream`", body = crate::api::ApiErrorBody),
        (status = 422, description = "`unreadable`: the message names the line (`line 12: …`); nothing was stored", body = crate::api::ApiErrorBody)))]
pub(crate) async fn import_budget(
    State(state): State<AppState>,
    ApiAdmin(session): ApiAdmin,
    Path(id): Path<String>,
    PbUpload(bytes): PbUpload,
) -> Result<Response, WebError> {
    let caller = session.caller();
    let ctx = ConsultationContext::load(&state.app, caller, &id).await?;
    let made = budgets::import_pb(&state.app, caller, ctx.id(), &bytes).await?;
    let budget = budgets::load(&state.app, caller, &made.budget.id).await?;
    Ok((StatusCode::CREATED, Json(budget_dto(&state, &budget))).into_response())
}
