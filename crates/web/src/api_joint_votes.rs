//! Joint votes in the JSON API: on the organizer, opening one for a deal's members and the
//! results (per member and in total); on a member, the invitations, taking part and
//! declining. Staff actions need an admin's API token, under the same rules as the forms.

use crate::api_write::{ApiCaller, ApiJson};
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use inspraak_app::joint_votes::{self, JointVoteForm, JointVoteResults};
use inspraak_db::entity::joint_vote_invite;
use inspraak_domain::ids::ConsultationId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/deals/{id}/joint-votes", get(of_deal).post(create))
        .route("/joint-votes/{id}", get(results))
        .route("/joint-vote-invites", get(invites))
        .route("/joint-vote-invites/{id}/take-part", post(take_part))
        .route("/joint-vote-invites/{id}/decline", post(decline))
}

/// A new joint vote.
#[derive(Deserialize, ToSchema)]
pub struct NewJointVote {
    /// The question, 3 to 300 characters.
    pub question: String,
    /// 2 to 20 distinct options.
    pub options: Vec<String>,
    /// Whether residents may choose more than one option.
    #[serde(default)]
    pub multiple: bool,
    /// When voting closes everywhere (RFC 3339, in the future).
    pub closes_at: String,
}

/// A joint vote opened.
#[derive(Serialize, ToSchema)]
pub struct Opened {
    /// Its id.
    pub id: String,
    /// Its ActivityPub id (the `JointVote` members are invited to).
    pub ap_id: String,
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/joint-votes", tag = "network", security(("token" = [])),
    params(("id" = String, Path, description = "The deal's id")),
    request_body = NewJointVote,
    responses((status = 201, description = "Opened; every member is sent an `Invite`", body = Opened),
        (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 404, description = "No such deal", body = crate::api::ApiErrorBody),
        (status = 422, description = "Invalid (`question`, `options`, `closes_at`, or `members` when the deal has none); nothing is sent", body = crate::api::ApiErrorBody)))]
pub(crate) async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiCaller(session): ApiCaller,
    ApiJson(body): ApiJson<NewJointVote>,
) -> Result<Response, WebError> {
    let form = JointVoteForm {
        question: body.question,
        options: body.options.join("\n"),
        multiple: body.multiple,
        closes_at: body.closes_at,
    };
    let vote = joint_votes::create(&state.app, session.caller(), &id, form).await?;
    Ok((
        StatusCode::CREATED,
        Json(Opened {
            id: vote.id,
            ap_id: vote.ap_id,
        }),
    )
        .into_response())
}

/// A deal's joint votes.
#[derive(Serialize, ToSchema)]
pub struct JointVoteList {
    /// Newest first: `id`, `ap_id`, `question`, `closes_at`.
    pub items: Vec<Opened>,
}

#[utoipa::path(get, path = "/api/v1/deals/{id}/joint-votes", tag = "network",
    params(("id" = String, Path, description = "The deal's id")),
    responses((status = 200, body = JointVoteList)))]
pub(crate) async fn of_deal(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JointVoteList>, WebError> {
    let items = joint_votes::of_deal(&state.app, &id)
        .await?
        .into_iter()
        .map(|v| Opened {
            id: v.id,
            ap_id: v.ap_id,
        })
        .collect();
    Ok(Json(JointVoteList { items }))
}

#[utoipa::path(get, path = "/api/v1/joint-votes/{id}", tag = "network",
    params(("id" = String, Path, description = "The joint vote's id")),
    responses((status = 200, description = "The vote, each member's `participation`, `tally_state` (`missing`, `valid`, `invalid`, `late`) and counted `tally`, and the `total` of the counted tallies", body = Object),
        (status = 404, body = crate::api::ApiErrorBody)))]
pub(crate) async fn results(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JointVoteResults>, WebError> {
    Ok(Json(joint_votes::results(&state.app, &id).await?))
}

/// An invitation to a joint vote.
#[derive(Serialize, ToSchema)]
pub struct Invitation {
    /// Its id.
    pub id: String,
    /// The organizer's joint vote.
    pub joint_vote: String,
    /// The deal that invited us.
    pub organizer: String,
    /// The question.
    pub question: String,
    /// The options.
    pub options: Vec<String>,
    /// Closing time.
    pub closes_at: String,
    /// `invited`, `taking_part` or `declined`.
    pub participation: String,
    /// Our poll, when we take part.
    pub poll_id: Option<String>,
    /// Whether our signed tally was published.
    pub tally_published: bool,
}

impl From<joint_vote_invite::Model> for Invitation {
    fn from(i: joint_vote_invite::Model) -> Self {
        Self {
            options: serde_json::from_str(&i.options).unwrap_or_default(),
            id: i.id,
            joint_vote: i.joint_vote_ap_id,
            organizer: i.organizer_ap_id,
            question: i.question,
            closes_at: i.closes_at.to_rfc3339(),
            participation: i.participation,
            poll_id: i.poll_id,
            tally_published: i.tally.is_some(),
        }
    }
}

/// Our invitations.
#[derive(Serialize, ToSchema)]
pub struct InvitationList {
    /// Newest first.
    pub items: Vec<Invitation>,
}

#[utoipa::path(get, path = "/api/v1/joint-vote-invites", tag = "network", security(("token" = [])),
    responses((status = 200, body = InvitationList), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody)))]
pub(crate) async fn invites(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
) -> Result<Json<InvitationList>, WebError> {
    session.require_admin()?;
    let items = joint_votes::invites(&state.app)
        .await?
        .into_iter()
        .map(Invitation::from)
        .collect();
    Ok(Json(InvitationList { items }))
}

/// Where our residents vote.
#[derive(Deserialize, ToSchema)]
pub struct TakePart {
    /// The consultation that gets the poll.
    pub consultation_id: String,
}

/// The poll made for our residents.
#[derive(Serialize, ToSchema)]
pub struct Taken {
    /// The poll's id.
    pub poll_id: String,
}

#[utoipa::path(post, path = "/api/v1/joint-vote-invites/{id}/take-part", tag = "network", security(("token" = [])),
    params(("id" = String, Path, description = "The invitation's id")),
    request_body = TakePart,
    responses((status = 201, description = "A poll is made in the consultation; the deal is sent `Accept`", body = Taken),
        (status = 400, description = "The vote has closed", body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 409, description = "Already answered", body = crate::api::ApiErrorBody),
        (status = 422, description = "Unknown consultation", body = crate::api::ApiErrorBody)))]
pub(crate) async fn take_part(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiCaller(session): ApiCaller,
    ApiJson(body): ApiJson<TakePart>,
) -> Result<Response, WebError> {
    let consultation = ConsultationId::from(body.consultation_id);
    let poll_id = joint_votes::take_part(&state.app, session.caller(), &id, &consultation).await?;
    Ok((StatusCode::CREATED, Json(Taken { poll_id })).into_response())
}

#[utoipa::path(post, path = "/api/v1/joint-vote-invites/{id}/decline", tag = "network", security(("token" = [])),
    params(("id" = String, Path, description = "The invitation's id")),
    responses((status = 204, description = "Declined; the deal is sent `Reject`"),
        (status = 400, description = "The vote has closed", body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 409, description = "Already answered", body = crate::api::ApiErrorBody)))]
pub(crate) async fn decline(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiCaller(session): ApiCaller,
) -> Result<StatusCode, WebError> {
    joint_votes::decline(&state.app, session.caller(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
