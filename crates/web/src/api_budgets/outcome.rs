//! Outcomes and Pabulib files in the JSON API: the explained outcome, publishing it, and
//! Pabulib export and import.

use super::*;

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

pub(super) fn outcome_dto(budget: &BudgetState, outcome: &Outcome) -> OutcomeDto {
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
