//! The network in the JSON API: a province's deals with their members' figures, and the staff
//! actions on deals (make, accept, reject, remove; apply and leave on a municipality) with an
//! admin's API token, under the same rules as the admin forms.

use crate::api_write::{ApiCaller, ApiJson};
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{delete, get, post};
use inspraak_app::deals::{self, Dashboard, DealInput, Decision};
use inspraak_app::memberships;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/deals", get(list_deals).post(create_deal))
        .route("/deals/{id}", get(get_deal))
        .route("/deals/{id}/members/{member}/accept", post(accept_member))
        .route("/deals/{id}/members/{member}/reject", post(reject_member))
        .route("/deals/{id}/members/{member}", delete(remove_member))
        .route("/memberships", get(list_memberships).post(apply))
        .route("/memberships/{id}", delete(leave))
}

/// The deals of a province.
#[derive(Serialize, ToSchema)]
pub struct DealList {
    /// Each deal with its `members` (each with its own `statistics`), `totals`, weekly trends
    /// (`totals.weeks`), `reuse_graph` and announced `consultations`.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Dashboard>,
}

#[utoipa::path(get, path = "/api/v1/deals", tag = "network",
    responses((status = 200, description = "Every deal of this province (empty elsewhere)", body = DealList)))]
pub(crate) async fn list_deals(State(state): State<AppState>) -> Result<Json<DealList>, WebError> {
    Ok(Json(DealList {
        items: deals::list(&state.app).await?,
    }))
}

#[utoipa::path(get, path = "/api/v1/deals/{id}", tag = "network",
    params(("id" = String, Path, description = "The deal's id or slug")),
    responses(
        (status = 200, description = "The deal's dashboard: `members` (each with `state` and, while a member, the `statistics` it last sent, equal to its own `/api/v1/statistics`), `totals` (the members' figures added up, with `weeks`), `reuse_graph` and `consultations`", body = Object),
        (status = 404, description = "No such deal, or this is not a province", body = crate::api::ApiErrorBody)))]
pub(crate) async fn get_deal(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Dashboard>, WebError> {
    Ok(Json(deals::dashboard(&state.app, &id).await?))
}

/// A new deal.
#[derive(Deserialize, ToSchema)]
pub struct NewDeal {
    /// Its name, up to 200 characters.
    pub name: String,
    /// Its handle's local part; made from the name when empty.
    #[serde(default)]
    pub slug: String,
    /// What it is about, up to 2000 characters.
    #[serde(default)]
    pub summary: String,
}

/// A deal or membership made.
#[derive(Serialize, ToSchema)]
pub struct Made {
    /// Its id.
    pub id: String,
    /// Its ActivityPub id (the deal's `Group`).
    pub ap_id: String,
}

#[utoipa::path(post, path = "/api/v1/deals", tag = "network", security(("token" = [])),
    request_body = NewDeal,
    responses((status = 201, body = Made), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 404, description = "This is not a province", body = crate::api::ApiErrorBody),
        (status = 422, description = "Invalid; each problem names its field", body = crate::api::ApiErrorBody)))]
pub(crate) async fn create_deal(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    ApiJson(body): ApiJson<NewDeal>,
) -> Result<Response, WebError> {
    let input = DealInput {
        name: body.name,
        slug: body.slug,
        summary: body.summary,
    };
    let made = deals::create(&state.app, session.caller(), &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(Made {
            id: made.id,
            ap_id: made.ap_id,
        }),
    )
        .into_response())
}

async fn decide(
    state: &AppState,
    session: &crate::session::Session,
    (id, member): (String, String),
    decision: Decision,
) -> Result<StatusCode, WebError> {
    deals::decide(&state.app, session.caller(), &id, &member, decision).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/members/{member}/accept", tag = "network", security(("token" = [])),
    params(("id" = String, Path, description = "The deal's id or slug"), ("member" = String, Path, description = "The member row's id")),
    responses((status = 204, description = "Accepted; the municipality is sent `Accept`"), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 409, description = "The application is no longer open", body = crate::api::ApiErrorBody)))]
pub(crate) async fn accept_member(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, WebError> {
    decide(&state, &session, path, Decision::Accept).await
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/members/{member}/reject", tag = "network", security(("token" = [])),
    params(("id" = String, Path, description = "The deal's id or slug"), ("member" = String, Path, description = "The member row's id")),
    responses((status = 204, description = "Rejected; the municipality is sent `Reject`"), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 409, description = "The application is no longer open", body = crate::api::ApiErrorBody)))]
pub(crate) async fn reject_member(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, WebError> {
    decide(&state, &session, path, Decision::Reject).await
}

#[utoipa::path(delete, path = "/api/v1/deals/{id}/members/{member}", tag = "network", security(("token" = [])),
    params(("id" = String, Path, description = "The deal's id or slug"), ("member" = String, Path, description = "The member row's id")),
    responses((status = 204, description = "Removed; the municipality is sent `Remove` and its figures stop counting"), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 409, description = "Not a member or applicant", body = crate::api::ApiErrorBody)))]
pub(crate) async fn remove_member(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, WebError> {
    decide(&state, &session, path, Decision::Remove).await
}

/// Our application to, or membership of, a deal.
#[derive(Serialize, ToSchema)]
pub struct Membership {
    /// Its id.
    pub id: String,
    /// The deal's `Group`.
    pub deal: String,
    /// The deal's name.
    pub name: String,
    /// The deal's page.
    pub url: String,
    /// `applied`, `member`, `rejected`, `left` or `removed`.
    pub state: String,
    /// When we last sent our figures.
    pub figures_sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<inspraak_db::entity::membership::Model> for Membership {
    fn from(m: inspraak_db::entity::membership::Model) -> Self {
        Membership {
            id: m.id,
            deal: m.deal_ap_id,
            name: m.deal_name,
            url: m.deal_url,
            state: m.state,
            figures_sent_at: m.figures_sent_at,
        }
    }
}

#[utoipa::path(get, path = "/api/v1/memberships", tag = "network", security(("token" = [])),
    responses((status = 200, body = Vec<Membership>), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody)))]
pub(crate) async fn list_memberships(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
) -> Result<Json<Vec<Membership>>, WebError> {
    session.caller().require_admin()?;
    let all = memberships::list(&state.app).await?;
    Ok(Json(all.into_iter().map(Membership::from).collect()))
}

/// An application to a deal.
#[derive(Deserialize, ToSchema)]
pub struct Application {
    /// The deal's handle (`@slug@province-host`) or URL.
    pub deal: String,
}

#[utoipa::path(post, path = "/api/v1/memberships", tag = "network", security(("token" = [])),
    request_body = Application,
    responses((status = 201, description = "Applied: a `Join` goes to the deal", body = Membership), (status = 400, description = "Not a province deal, or unreachable", body = crate::api::ApiErrorBody),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 409, description = "Already applied or a member", body = crate::api::ApiErrorBody)))]
pub(crate) async fn apply(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    ApiJson(body): ApiJson<Application>,
) -> Result<Response, WebError> {
    let made = memberships::apply(&state.app, session.caller(), &body.deal).await?;
    Ok((StatusCode::CREATED, Json(Membership::from(made))).into_response())
}

#[utoipa::path(delete, path = "/api/v1/memberships/{id}", tag = "network", security(("token" = [])),
    params(("id" = String, Path, description = "The membership's id")),
    responses((status = 204, description = "Left: a `Leave` goes to the deal"), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 409, description = "Not applied or a member", body = crate::api::ApiErrorBody)))]
pub(crate) async fn leave(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    memberships::leave(&state.app, session.caller(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
