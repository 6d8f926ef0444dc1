//! Taking part through the JSON API, for residents' apps: authenticated with a personal token
//! (`Authorization: Bearer …`, made on the account page), and running the same actions as the
//! web forms, so every rule applies in the same way.

use crate::session::Session;
use crate::{AppState, Locale, WebError};
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post, put};
use inspraak_app::comments::CommentOn;
use inspraak_db::{proposals, users};
use inspraak_domain::ids::{CommentId, ConsultationId, PollId, ProposalId};
use inspraak_domain::moderation::ContentKind;
use inspraak_domain::proposal::ProposalInput;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/consultations/{id}/proposals", post(submit_proposal))
        .route("/consultations/{id}/comments", post(post_comment))
        .route("/proposals/{id}/support", put(support).delete(unsupport))
        .route("/polls/{id}/ballot", put(cast_ballot))
        .route("/reports", post(report))
        .route("/templates", post(import_template))
        .route("/consultations/{id}/reuse", post(reuse_consultation))
        .route(
            "/consultations/{id}/publication",
            put(publish_consultation).delete(unpublish_consultation),
        )
}

/// The account behind a bearer token, as a session the participation rules understand.
pub struct ApiCaller(pub Session);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(WebError::Unauthorized)?;
        let user = inspraak_app::accounts::by_token(&state.app, token)
            .await?
            .ok_or(WebError::Unauthorized)?;
        Ok(ApiCaller(Session {
            token_hash: None,
            csrf_token: None,
            user: Some(user),
            locale: Locale::Nl,
        }))
    }
}

/// A JSON body whose problems answer as API errors (400, or 413 when too large).
pub struct ApiJson<T>(pub T);

impl<T: for<'de> Deserialize<'de>, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, WebError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(WebError::TooLarge)
            }
            Err(rejection) => Err(WebError::BadRequest(rejection.body_text())),
        }
    }
}

/// The caller's account.
#[derive(Serialize, ToSchema)]
pub struct Me {
    /// Username.
    pub username: String,
    /// Public name.
    pub display_name: String,
    /// `admin`, `moderator` or `resident`.
    pub role: String,
    /// Verified as a resident: may support and vote.
    pub verified: bool,
    /// Blocked by a moderator: may not take part.
    pub blocked: bool,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "taking part", security(("token" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::api::ApiErrorBody)))]
pub(crate) async fn me(ApiCaller(session): ApiCaller) -> Result<Json<Me>, WebError> {
    let user = session.user()?;
    Ok(Json(Me {
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: users::role_of(user).as_str().to_owned(),
        verified: user.verified_at.is_some(),
        blocked: user.blocked_at.is_some(),
    }))
}

/// A new proposal.
#[derive(Deserialize, ToSchema)]
pub struct NewProposal {
    /// Title, 5 to 150 characters.
    pub title: String,
    /// Summary, up to 500 characters.
    pub summary: String,
    /// Body in Markdown.
    #[serde(default)]
    pub body: String,
    /// Up to 5 themes or areas.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// What was created.
#[derive(Serialize, ToSchema)]
pub struct Created {
    /// Its id.
    pub id: String,
    /// Its page.
    pub url: String,
    /// `published`, or `pending` when the consultation pre-moderates.
    pub state: String,
}

#[utoipa::path(post, path = "/api/v1/consultations/{id}/proposals", tag = "taking part", security(("token" = [])),
    params(("id" = String, Path, description = "The consultation's id or slug")),
    request_body = NewProposal,
    responses((status = 201, body = Created), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Not allowed now (phase, verification, block)", body = crate::api::ApiErrorBody),
        (status = 422, description = "Invalid fields", body = crate::api::ApiErrorBody)))]
pub(crate) async fn submit_proposal(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewProposal>,
) -> Result<Response, WebError> {
    let input = ProposalInput {
        title: body.title,
        summary: body.summary,
        body: body.body,
        tags: body.tags.join(","),
    };
    let created = inspraak_app::proposals::submit(&state.app, session.caller(), &id, input).await?;
    let url = state.config.url(&format!("/proposals/{}", created.id));
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: created.id,
            url,
            state: created.state,
        }),
    )
        .into_response())
}

/// A support's state after the call.
#[derive(Serialize, ToSchema)]
pub struct SupportState {
    /// The caller supports the proposal now.
    pub supported: bool,
    /// Whether this call changed anything (repeating a call is harmless).
    pub changed: bool,
    /// Supports in all.
    pub supports: u64,
}

async fn support_state(
    state: &AppState,
    session: &Session,
    id: &ProposalId,
    support: bool,
) -> Result<Json<SupportState>, WebError> {
    let changed =
        inspraak_app::proposals::set_support(&state.app, session.caller(), id, support).await?;
    let supports = proposals::support_count(&state.db.conn, id).await?;
    Ok(Json(SupportState {
        supported: support,
        changed,
        supports,
    }))
}

#[utoipa::path(put, path = "/api/v1/proposals/{id}/support", tag = "taking part", security(("token" = [])),
    params(("id" = String, Path, description = "The proposal's id")),
    responses((status = 200, body = SupportState), (status = 403, description = "Only verified residents, in a phase that allows it", body = crate::api::ApiErrorBody),
        (status = 409, description = "Withdrawn, hidden or pending", body = crate::api::ApiErrorBody)))]
pub(crate) async fn support(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<ProposalId>,
) -> Result<Json<SupportState>, WebError> {
    support_state(&state, &session, &id, true).await
}

#[utoipa::path(delete, path = "/api/v1/proposals/{id}/support", tag = "taking part", security(("token" = [])),
    params(("id" = String, Path, description = "The proposal's id")),
    responses((status = 200, body = SupportState), (status = 403, body = crate::api::ApiErrorBody)))]
pub(crate) async fn unsupport(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<ProposalId>,
) -> Result<Json<SupportState>, WebError> {
    support_state(&state, &session, &id, false).await
}

/// A new comment.
#[derive(Deserialize, ToSchema)]
pub struct NewComment {
    /// The text, Markdown, up to 5,000 characters.
    pub body: String,
    /// `for`, `against` or `neutral` (the default).
    #[serde(default)]
    pub stance: String,
    /// Comment on this proposal instead of the consultation.
    pub proposal_id: Option<String>,
    /// Reply to this comment.
    pub reply_to: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/consultations/{id}/comments", tag = "taking part", security(("token" = [])),
    params(("id" = String, Path, description = "The consultation's id or slug")),
    request_body = NewComment,
    responses((status = 201, body = Created), (status = 403, body = crate::api::ApiErrorBody), (status = 409, body = crate::api::ApiErrorBody),
        (status = 422, body = crate::api::ApiErrorBody)))]
pub(crate) async fn post_comment(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewComment>,
) -> Result<Response, WebError> {
    // The path names the consultation; a proposal or parent comment must belong to it.
    let consultation = inspraak_db::consultations::find_with_phases(&state.db.conn, &id)
        .await?
        .consultation;
    let belongs = match (&body.reply_to, &body.proposal_id) {
        (Some(parent), _) => {
            inspraak_db::comments::find(&state.db.conn, parent)
                .await?
                .consultation_id
                == consultation.id
        }
        (None, Some(proposal)) => {
            proposals::find(&state.db.conn, proposal)
                .await?
                .consultation_id
                == consultation.id
        }
        (None, None) => true,
    };
    if !belongs {
        return Err(WebError::NotFound("comment target"));
    }
    let reply_to = body.reply_to.as_deref().map(CommentId::from);
    let proposal = body.proposal_id.as_deref().map(ProposalId::from);
    let on = match (&reply_to, &proposal) {
        (Some(parent), _) => CommentOn::Reply(parent),
        (None, Some(proposal)) => CommentOn::Proposal(proposal),
        (None, None) => CommentOn::Consultation(&consultation.id),
    };
    let created =
        inspraak_app::comments::post(&state.app, session.caller(), on, &body.body, &body.stance)
            .await?;
    let url = match &created.proposal_id {
        Some(p) => state
            .config
            .url(&format!("/proposals/{p}#comment-{}", created.id)),
        None => state.config.url(&format!(
            "/consultations/{}#comment-{}",
            consultation.slug, created.id
        )),
    };
    Ok((
        StatusCode::CREATED,
        Json(Created {
            id: created.id,
            url,
            state: created.state,
        }),
    )
        .into_response())
}

/// A ballot.
#[derive(Deserialize, ToSchema)]
pub struct Ballot {
    /// The chosen option ids: one for single choice, one or more for multiple choice.
    pub options: Vec<String>,
}

/// A ballot as stored.
#[derive(Serialize, ToSchema)]
pub struct BallotState {
    /// The options on the caller's ballot now.
    pub options: Vec<String>,
}

#[utoipa::path(put, path = "/api/v1/polls/{id}/ballot", tag = "taking part", security(("token" = [])),
    params(("id" = String, Path, description = "The poll's id")),
    request_body = Ballot,
    responses((status = 200, body = BallotState), (status = 403, body = crate::api::ApiErrorBody),
        (status = 409, description = "The poll has closed", body = crate::api::ApiErrorBody), (status = 422, body = crate::api::ApiErrorBody)))]
pub(crate) async fn cast_ballot(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<PollId>,
    ApiJson(body): ApiJson<Ballot>,
) -> Result<Json<BallotState>, WebError> {
    inspraak_app::polls::cast_ballot(&state.app, session.caller(), &id, &body.options).await?;
    let user = session.user()?;
    let options = inspraak_db::polls::ballot_of(&state.db.conn, &id, &user.id)
        .await?
        .unwrap_or_default();
    Ok(Json(BallotState { options }))
}

/// A report.
#[derive(Deserialize, ToSchema)]
pub struct NewReport {
    /// `proposal` or `comment`.
    pub kind: String,
    /// Its id.
    pub id: String,
    /// `spam`, `offensive`, `off_topic` or `other`.
    pub reason: String,
    /// Explanation; required for `other`.
    #[serde(default)]
    pub note: String,
    /// Also send the report, anonymously, to the server an item from elsewhere came from
    /// (a `Flag` by this instance's actor); ignored for this instance's own items.
    #[serde(default)]
    pub forward: bool,
}

/// What a report did.
#[derive(Serialize, ToSchema)]
pub struct ReportState {
    /// False when the caller had reported this item before (it counts once).
    pub new: bool,
}

#[utoipa::path(post, path = "/api/v1/reports", tag = "taking part", security(("token" = [])),
    request_body = NewReport,
    responses((status = 201, body = ReportState), (status = 400, body = crate::api::ApiErrorBody), (status = 422, body = crate::api::ApiErrorBody)))]
pub(crate) async fn report(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    ApiJson(body): ApiJson<NewReport>,
) -> Result<Response, WebError> {
    let kind: ContentKind = body
        .kind
        .parse()
        .map_err(|_| WebError::BadRequest("kind must be proposal or comment".into()))?;
    let outcome = inspraak_app::moderation::report(
        &state.app,
        session.caller(),
        kind,
        &body.id,
        (&body.reason, &body.note),
        body.forward,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ReportState { new: outcome.new })).into_response())
}

/// A draft made from a process template.
#[derive(Deserialize, ToSchema)]
pub struct TemplateImport {
    /// The process template (format `inspraak-process-template`, version 1).
    #[schema(value_type = Object)]
    pub template: serde_json::Value,
    /// The first phase's first day, `YYYY-MM-DD`.
    pub starts_on: String,
    /// The new consultation's slug; empty or absent to derive it from the title.
    #[serde(default)]
    pub slug: String,
}

#[utoipa::path(post, path = "/api/v1/templates", tag = "taking part", security(("token" = [])),
    request_body = TemplateImport,
    responses((status = 201, description = "A draft consultation", body = Created), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 422, description = "The template or the placement is invalid; each problem names its field", body = crate::api::ApiErrorBody)))]
pub(crate) async fn import_template(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    ApiJson(body): ApiJson<TemplateImport>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let bytes = serde_json::to_vec(&body.template).map_err(WebError::internal)?;
    let template = inspraak_domain::template::parse(&bytes).map_err(WebError::Invalid)?;
    let placement = inspraak_app::templates::Placement {
        starts_on: body.starts_on,
        slug: body.slug,
    };
    let created =
        inspraak_app::templates::import(&state.app, session.caller(), template, placement).await?;
    Ok(draft_created(&state, created))
}

/// 201 with a new draft consultation's id and page.
fn draft_created(state: &AppState, created: inspraak_db::consultations::Consultation) -> Response {
    let url = state
        .config
        .url(&format!("/consultations/{}", created.slug));
    let body = Created {
        id: created.id,
        url,
        state: "draft".into(),
    };
    (StatusCode::CREATED, Json(body)).into_response()
}

/// Where a reused process starts.
#[derive(Deserialize, ToSchema)]
pub struct ReusePlacement {
    /// The first phase's first day, `YYYY-MM-DD`.
    pub starts_on: String,
    /// The new consultation's slug; empty or absent to derive it from the title.
    #[serde(default)]
    pub slug: String,
}

#[utoipa::path(post, path = "/api/v1/consultations/{id}/reuse", tag = "taking part", security(("token" = [])),
    params(("id" = String, Path, description = "The consultation's id or slug")),
    request_body = ReusePlacement,
    responses((status = 201, description = "A draft consultation with this process", body = Created), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 422, description = "Invalid placement; each problem names its field", body = crate::api::ApiErrorBody)))]
pub(crate) async fn reuse_consultation(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReusePlacement>,
) -> Result<Response, WebError> {
    let placement = inspraak_app::templates::Placement {
        starts_on: body.starts_on,
        slug: body.slug,
    };
    let created =
        inspraak_app::templates::reuse(&state.app, session.caller(), &id, placement).await?;
    Ok(draft_created(&state, created))
}

#[utoipa::path(put, path = "/api/v1/consultations/{id}/publication", tag = "taking part", security(("token" = [])),
    params(("id" = String, Path, description = "The consultation's id")),
    responses((status = 204, description = "Published (announced; a reused process's origin is told)"), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody)))]
pub(crate) async fn publish_consultation(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<ConsultationId>,
) -> Result<StatusCode, WebError> {
    inspraak_app::consultations::set_published(&state.app, session.caller(), &id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/consultations/{id}/publication", tag = "taking part", security(("token" = [])),
    params(("id" = String, Path, description = "The consultation's id")),
    responses((status = 204, description = "Back to draft (withdrawn from the fediverse)"), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody)))]
pub(crate) async fn unpublish_consultation(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<ConsultationId>,
) -> Result<StatusCode, WebError> {
    inspraak_app::consultations::set_published(&state.app, session.caller(), &id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
