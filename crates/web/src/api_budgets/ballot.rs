//! A resident's ballot in the JSON API: read, checked, cast with a personal token.

use super::*;

/// A project on a ballot with its points.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ChoiceDto {
    /// The project's id.
    pub project: String,
    /// Points given: 1 unless the method is cumulative (0 leaves the project out).
    #[serde(default = "one")]
    pub points: u64,
}

pub(super) fn one() -> u64 {
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
