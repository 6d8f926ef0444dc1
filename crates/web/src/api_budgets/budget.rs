//! Budgets and their projects in the JSON API: reading, making, adding projects.

use super::*;

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

pub(super) fn money(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

pub(super) fn project_dto(state: &AppState, p: &budget_project::Model) -> ProjectDto {
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

pub(super) fn budget_dto(state: &AppState, b: &BudgetState) -> BudgetDto {
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
pub(super) fn json_field(field: &str) -> String {
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
pub(super) fn json_fields(err: AppError) -> WebError {
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

pub(super) fn yes() -> bool {
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
