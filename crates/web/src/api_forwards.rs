//! Forwarded proposals in the JSON API: staff forward a proposal to another organization,
//! list what they sent and received, and accept (into a consultation) or decline (with a
//! reason) what was forwarded to them, with an admin's API token, under the same rules as
//! the admin forms. A proposal's own JSON lists its forwards (`crate::api`).

use crate::api_write::{ApiCaller, ApiJson};
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use inspraak_app::forwarding::{self, ForwardView};
use inspraak_db::entity::forward;
use inspraak_domain::forward::Direction;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/proposals/{id}/forwards", post(forward_proposal))
        .route("/forwards", get(list_forwards))
        .route("/forwards/{id}", get(get_forward))
        .route("/forwards/{id}/accept", post(accept_forward))
        .route("/forwards/{id}/decline", post(decline_forward))
}

/// One step in a forward's history.
#[derive(Serialize, ToSchema)]
pub struct ForwardEventDto {
    /// `sent`, `received`, `accepted`, `declined` or `status`.
    pub kind: String,
    /// The status in words, for `status`.
    pub status: Option<String>,
    /// The note, the reason, or the official answer (sanitised HTML).
    pub text: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A forwarded proposal, either way.
#[derive(Serialize, ToSchema)]
pub struct ForwardDto {
    /// Its id.
    pub id: String,
    /// `sent` or `received`.
    pub direction: String,
    /// `sent`, `pending`, `accepted` or `declined`.
    pub state: String,
    /// The `Offer` activity's id.
    pub offer: String,
    /// The forwarded proposal's `Page` (on the origin).
    pub proposal: String,
    /// Sent: our proposal's id. Received: the local proposal made on accepting.
    pub local_proposal_id: Option<String>,
    /// The other side's `Organization`.
    pub organization: String,
    /// Its name.
    pub organization_name: String,
    /// The note sent with it.
    pub note: String,
    /// The proposal's title.
    pub title: String,
    /// Its web page.
    pub url: String,
    /// Its supports on the origin, when declared.
    pub supports: Option<i64>,
    /// The accepting side's proposal (`Accept`'s `result`).
    pub result: Option<String>,
    /// Why it was declined.
    pub reason: Option<String>,
    /// The latest status on the accepting side, in words.
    pub status: Option<String>,
    /// The latest official answer there (sanitised HTML).
    pub answer_html: Option<String>,
    /// When it was sent or received.
    pub created_at: DateTime<Utc>,
    /// Every step, oldest first.
    pub history: Vec<ForwardEventDto>,
}

impl From<ForwardView> for ForwardDto {
    fn from(view: ForwardView) -> Self {
        let f: forward::Model = view.forward;
        ForwardDto {
            id: f.id,
            direction: f.direction,
            state: f.state,
            offer: f.offer_ap_id,
            proposal: f.proposal_ap_id,
            local_proposal_id: f.proposal_id,
            organization: f.organization_ap_id,
            organization_name: f.organization_name,
            note: f.note,
            title: f.title,
            url: f.url,
            supports: f.supports,
            result: f.result_ap_id,
            reason: f.reason,
            status: f.status,
            answer_html: f.answer_html,
            created_at: f.created_at,
            history: view
                .events
                .into_iter()
                .map(|e| ForwardEventDto {
                    kind: e.kind,
                    status: e.status,
                    text: e.text_html,
                    created_at: e.created_at,
                })
                .collect(),
        }
    }
}

/// The origin of a proposal made from a forward.
#[derive(Serialize, ToSchema)]
pub struct ForwardedFrom {
    /// The organization that forwarded it.
    pub organization: String,
    /// Its name.
    pub organization_name: String,
    /// The original proposal's web page.
    pub url: String,
    /// Its supports on the origin, when declared.
    pub supports: Option<i64>,
}

/// A proposal's forwards (where we sent it) and its origin (who sent it to us), for its JSON.
pub(crate) async fn of_proposal(
    state: &AppState,
    id: &str,
) -> Result<(Vec<ForwardDto>, Option<ForwardedFrom>), WebError> {
    let forwards = forwarding::of_proposal(&state.app, id)
        .await?
        .into_iter()
        .map(ForwardDto::from)
        .collect();
    let origin = forwarding::origin_of(&state.app, id)
        .await?
        .map(|f| ForwardedFrom {
            organization: f.organization_ap_id,
            organization_name: f.organization_name,
            url: f.url,
            supports: f.supports,
        });
    Ok((forwards, origin))
}

/// A forward to make.
#[derive(Deserialize, ToSchema)]
pub struct NewForward {
    /// The organization's handle (`@name@host`) or actor URL.
    pub target: String,
    /// A note for the receiving staff, up to 2000 characters.
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/proposals/{id}/forwards", tag = "forwarding", security(("token" = [])),
    params(("id" = String, Path, description = "Our proposal's id")),
    request_body = NewForward,
    responses((status = 201, description = "Forwarded: an `Offer` of the proposal's `Page` goes to the organization", body = ForwardDto),
        (status = 400, description = "Not an organization, unreachable, or not a published proposal of ours", body = crate::api::ApiErrorBody),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 404, body = crate::api::ApiErrorBody),
        (status = 409, description = "Already forwarded to this organization", body = crate::api::ApiErrorBody),
        (status = 422, description = "Invalid; each problem names its field", body = crate::api::ApiErrorBody)))]
pub(crate) async fn forward_proposal(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewForward>,
) -> Result<Response, WebError> {
    let caller = session.caller();
    let made = forwarding::forward(&state.app, caller, &id, &body.target, &body.note).await?;
    let view = forwarding::find(&state.app, caller, &made.id).await?;
    Ok((StatusCode::CREATED, Json(ForwardDto::from(view))).into_response())
}

/// The forwards of this instance.
#[derive(Serialize, ToSchema)]
pub struct ForwardLists {
    /// Our proposals forwarded elsewhere, newest first.
    pub sent: Vec<ForwardDto>,
    /// Proposals forwarded to us, newest first.
    pub received: Vec<ForwardDto>,
}

#[utoipa::path(get, path = "/api/v1/forwards", tag = "forwarding", security(("token" = [])),
    responses((status = 200, body = ForwardLists), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody)))]
pub(crate) async fn list_forwards(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
) -> Result<Json<ForwardLists>, WebError> {
    let caller = session.caller();
    let sent = forwarding::list(&state.app, caller, Direction::Sent).await?;
    let received = forwarding::list(&state.app, caller, Direction::Received).await?;
    Ok(Json(ForwardLists {
        sent: sent.into_iter().map(ForwardDto::from).collect(),
        received: received.into_iter().map(ForwardDto::from).collect(),
    }))
}

#[utoipa::path(get, path = "/api/v1/forwards/{id}", tag = "forwarding", security(("token" = [])),
    params(("id" = String, Path, description = "The forward's id")),
    responses((status = 200, body = ForwardDto), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody), (status = 404, body = crate::api::ApiErrorBody)))]
pub(crate) async fn get_forward(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ForwardDto>, WebError> {
    let view = forwarding::find(&state.app, session.caller(), &id).await?;
    Ok(Json(view.into()))
}

/// Where to accept a forwarded proposal.
#[derive(Deserialize, ToSchema)]
pub struct AcceptForward {
    /// The id of one of our published consultations.
    pub consultation: String,
}

/// A forwarded proposal accepted.
#[derive(Serialize, ToSchema)]
pub struct Accepted {
    /// The forward, now `accepted`.
    pub forward: ForwardDto,
    /// The local proposal made of it.
    pub proposal_id: String,
    /// Its ActivityPub id (the `result` sent to the origin).
    pub proposal_ap_id: String,
}

#[utoipa::path(post, path = "/api/v1/forwards/{id}/accept", tag = "forwarding", security(("token" = [])),
    params(("id" = String, Path, description = "The received forward's id")),
    request_body = AcceptForward,
    responses((status = 200, description = "Accepted: a local proposal is made and the origin is sent `Accept` with it as `result`", body = Accepted),
        (status = 400, description = "Already answered, or not a received forward", body = crate::api::ApiErrorBody),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 404, body = crate::api::ApiErrorBody),
        (status = 422, description = "No such published consultation of ours", body = crate::api::ApiErrorBody)))]
pub(crate) async fn accept_forward(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AcceptForward>,
) -> Result<Json<Accepted>, WebError> {
    let caller = session.caller();
    let (f, p) = forwarding::accept(&state.app, caller, &id, &body.consultation).await?;
    let view = forwarding::find(&state.app, caller, &f.id).await?;
    Ok(Json(Accepted {
        forward: view.into(),
        proposal_id: p.id,
        proposal_ap_id: p.ap_id,
    }))
}

/// Why a forwarded proposal is declined.
#[derive(Deserialize, ToSchema)]
pub struct DeclineForward {
    /// The reason, required, up to 2000 characters; the origin sees it.
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/forwards/{id}/decline", tag = "forwarding", security(("token" = [])),
    params(("id" = String, Path, description = "The received forward's id")),
    request_body = DeclineForward,
    responses((status = 200, description = "Declined: the origin is sent `Reject` with the reason", body = ForwardDto),
        (status = 400, description = "Already answered, or not a received forward", body = crate::api::ApiErrorBody),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 404, body = crate::api::ApiErrorBody),
        (status = 422, description = "The reason is missing or too long", body = crate::api::ApiErrorBody)))]
pub(crate) async fn decline_forward(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DeclineForward>,
) -> Result<Json<ForwardDto>, WebError> {
    let caller = session.caller();
    let f = forwarding::decline(&state.app, caller, &id, &body.reason).await?;
    let view = forwarding::find(&state.app, caller, &f.id).await?;
    Ok(Json(view.into()))
}
