//! ActivityPub over HTTP: the inboxes, our objects at their ids (content negotiation on the
//! same URLs people use), stored activities, residents as `Person`, and follower counts.

use super::federation::{accepts_activity_json, activity_json};
use crate::{AppState, WebError};
use activitypub_federation::axum::inbox::ActivityData;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::header::{CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use inspraak_app::participation::{Publicity, comment_publicity, proposal_publicity};
use inspraak_db::entity::budget_project;
use inspraak_db::remote_content::{self, Found};
use inspraak_db::{budgets, comments, consultations, domain_blocks, follows, outbox, users};
use inspraak_federation::objects::{tombstone, with_context};
use inspraak_federation::protocol::objects::CollectionSummary;
use inspraak_federation::{ACTIVITY_JSON, actors, inbox, keys, render};
use serde_json::{Value, json};

/// Largest inbox body we read (Mastodon's limit too).
pub const INBOX_LIMIT: usize = 1024 * 1024;

/// Longest an incoming activity may take to verify and apply, fetches included.
const INBOX_DEADLINE: std::time::Duration = std::time::Duration::from_secs(9);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inbox", post(receive))
        .route("/actor/inbox", post(receive))
        .route("/organization/inbox", post(receive))
        .route("/consultations/{slug}/inbox", post(receive))
        .route("/deals/{slug}/inbox", post(receive))
        .route("/deals/{slug}/outbox", get(empty_outbox))
        .route("/users/{name}/inbox", post(receive))
        .route("/users/{name}", get(person))
        .route("/activities/{id}", get(activity))
        .route("/comments/{id}", get(comment))
        .route("/polls/{id}", get(poll))
        .route("/organization/followers", get(organization_followers))
        .route("/consultations/{slug}/followers", get(group_followers))
        .route("/users/{name}/followers", get(no_followers))
        .route("/actor/outbox", get(empty_outbox))
        .route("/organization/outbox", get(empty_outbox))
        .route("/consultations/{slug}/outbox", get(empty_outbox))
        .route("/users/{name}/outbox", get(empty_outbox))
}

/// An inbox answer: 202 with an empty body, or an error status with a short JSON reason.
fn inbox_answer(status: u16, message: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    if status == StatusCode::ACCEPTED {
        return status.into_response();
    }
    (status, Json(json!({"error": message}))).into_response()
}

fn is_activity_media_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let media = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    media == ACTIVITY_JSON || media == "application/ld+json"
}

/// Rebuilds the request for `activitypub_federation`'s verifier, which reads it once.
async fn activity_data(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<ActivityData, inspraak_federation::FederationError> {
    let mut request = Request::new(Body::from(body.clone()));
    *request.method_mut() = method.clone();
    *request.uri_mut() = uri.clone();
    *request.headers_mut() = headers.clone();
    ActivityData::from_request(request, &())
        .await
        .map_err(|_| inspraak_federation::FederationError::Invalid("unreadable request".into()))
}

/// Every inbox: the checks of the inbox checklist in order, cheapest first.
async fn receive(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if !is_activity_media_type(&parts.headers) {
        return inbox_answer(415, "send application/activity+json");
    }
    let Ok(bytes) = axum::body::to_bytes(body, INBOX_LIMIT).await else {
        tracing::warn!(path = %parts.uri, "inbox body over 1 MiB refused");
        return inbox_answer(413, "the body is larger than 1 MiB");
    };
    if !parts.headers.contains_key("signature") {
        // RFC 9421 alone (Signature-Input) is not verified yet: 401 makes senders fall back.
        return inbox_answer(401, "an HTTP signature (draft-cavage) is required");
    }
    let Ok(json) = serde_json::from_slice::<Value>(&bytes) else {
        return inbox_answer(400, "the body is not JSON");
    };
    let (Some(id), Some(actor)) = (inbox::id_of(&json["id"]), inbox::id_of(&json["actor"])) else {
        return inbox_answer(400, "the activity needs an id and an actor");
    };
    let blocked = domain_blocks::is_blocked(&state.db.conn, actor.host_str().unwrap_or_default())
        .await
        .unwrap_or(true);
    if blocked {
        tracing::info!(activity = %id, actor = %actor, "activity from a blocked domain refused");
        return inbox_answer(403, "this domain is blocked");
    }
    let host_key = format!("inbox:{}", inbox::origin(&actor));
    if !state
        .limits
        .allow(&host_key, 3000, std::time::Duration::from_secs(60))
    {
        return inbox_answer(429, "too many activities from this host");
    }
    let fed = state.fed();
    let first = activity_data(&parts.method, &parts.uri, &parts.headers, &bytes).await;
    let second = activity_data(&parts.method, &parts.uri, &parts.headers, &bytes).await;
    let (Ok(first), Ok(second)) = (first, second) else {
        return inbox_answer(400, "unreadable request");
    };
    // A deadline for the whole verification and processing (fetches included); on expiry the
    // transaction is rolled back and the sender retries later.
    let Ok(outcome) =
        tokio::time::timeout(INBOX_DEADLINE, inbox::receive(&fed, &actor, first, second)).await
    else {
        tracing::warn!(activity = %id, actor = %actor, "inbox processing took too long");
        return inbox_answer(503, "processing took too long; try again later");
    };
    match outcome {
        Ok(()) => {
            tracing::debug!(activity = %id, kind = %json["type"], "activity received");
            inbox_answer(202, "")
        }
        Err(err) => {
            let status = err.status().as_u16();
            if status >= 500 {
                tracing::error!(activity = %id, actor = %actor, error = %err, "inbox failure");
            } else {
                tracing::warn!(activity = %id, actor = %actor, status, error = %err, "activity refused");
            }
            let message = if status >= 500 {
                "internal error".to_owned()
            } else {
                err.to_string()
            };
            inbox_answer(status, &message)
        }
    }
}

/// An object or activity with the ActivityPub media type.
fn object_json(value: Value) -> Response {
    let mut response = Json(with_context(value)).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(ACTIVITY_JSON));
    response
        .headers_mut()
        .insert(VARY, HeaderValue::from_static("Accept"));
    response
}

/// 410 Gone with a `Tombstone`, for removed items.
fn gone(id: &str, former_type: &str) -> Response {
    let mut response = object_json(tombstone(id, former_type, Utc::now()));
    *response.status_mut() = StatusCode::GONE;
    response
}

/// A proposal, comment, poll or budget project of ours as ActivityStreams, or `None` when it
/// is not public.
pub async fn object_response(state: &AppState, found: Found) -> Result<Response, WebError> {
    let db = &state.db.conn;
    let consultation_id = match &found {
        Found::Proposal(p) => &p.consultation_id,
        Found::Comment(c) => &c.consultation_id,
        Found::Poll(p) => &p.consultation_id,
        Found::Consultation(c) => &c.id,
        Found::Project(p) => return project_response(state, p).await,
    };
    let c = consultations::find(db, consultation_id).await?;
    if c.published_at.is_none() {
        return Err(WebError::NotFound("page"));
    }
    let data = &*state.federation;
    match found {
        Found::Proposal(p) if !p.local => Ok(Redirect::to(&p.ap_id).into_response()),
        Found::Proposal(p) => match proposal_publicity(&p) {
            Publicity::Unpublished => Err(WebError::NotFound("proposal")),
            Publicity::Removed => Ok(gone(&p.ap_id, "Page")),
            Publicity::Public => Ok(object_json(render::proposal_page(db, data, &p).await?)),
        },
        Found::Comment(cm) if comment_publicity(&cm) == Publicity::Unpublished => {
            Err(WebError::NotFound("comment"))
        }
        Found::Comment(cm) if comment_publicity(&cm) == Publicity::Removed => {
            Ok(gone(&cm.ap_id, "Note"))
        }
        Found::Comment(cm) if !cm.local => Ok(Redirect::to(&cm.ap_id).into_response()),
        Found::Comment(cm) => Ok(object_json(render::comment_note(db, &cm).await?)),
        Found::Poll(p) if !p.local => Ok(Redirect::to(&p.ap_id).into_response()),
        Found::Poll(p) => Ok(object_json(render::poll_question(db, &p).await?)),
        Found::Consultation(_) | Found::Project(_) => Err(WebError::NotFound("page")),
    }
}

async fn comment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let c = comments::find(&state.db.conn, &id).await?;
    if accepts_activity_json(&headers) {
        return object_response(&state, Found::Comment(c)).await;
    }
    let target = match (&c.proposal_id, &c.budget_project_id) {
        (Some(p), _) => format!("/proposals/{p}#comment-{}", c.id),
        (None, Some(p)) => format!("/projects/{p}#comment-{}", c.id),
        (None, None) => {
            let consultation = consultations::find(&state.db.conn, &c.consultation_id).await?;
            format!("/consultations/{}#comment-{}", consultation.slug, c.id)
        }
    };
    Ok(Redirect::to(&target).into_response())
}

async fn poll(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let p = inspraak_db::polls::find(&state.db.conn, &id).await?.poll;
    if accepts_activity_json(&headers) {
        return object_response(&state, Found::Poll(p)).await;
    }
    let consultation = consultations::find(&state.db.conn, &p.consultation_id).await?;
    Ok(Redirect::to(&format!(
        "/consultations/{}#poll-{}",
        consultation.slug, p.id
    ))
    .into_response())
}

/// A stored activity at its id, so receivers can dereference it (Mastodon does, for
/// announced activities).
async fn activity(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let ap_id = state.config.url(&format!("/activities/{id}"));
    let stored = outbox::find_by_ap_id(&state.db.conn, &ap_id)
        .await?
        .ok_or(WebError::NotFound("activity"))?;
    // The object may have been removed since; then the activity is gone too.
    if let Some(object) = &stored.object_id
        && matches!(stored.kind.as_str(), "Create" | "Update")
        && remote_content::find_by_ap_id(&state.db.conn, object)
            .await?
            .is_none()
    {
        return Ok(gone(&ap_id, &stored.kind));
    }
    let value: Value =
        serde_json::from_str(&stored.data).map_err(|e| WebError::internal(e.to_string()))?;
    let mut response = Json(value).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(ACTIVITY_JSON));
    Ok(response)
}

/// A resident or staff member as a `Person` (for servers); people get the home page.
async fn person(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Result<Response, WebError> {
    // Only residents who chose to appear by name in the fediverse have a `Person`.
    let user = users::find_local_by_username(&state.db.conn, &name)
        .await?
        .filter(|u| u.fediverse_visible)
        .ok_or(WebError::NotFound("account"))?;
    if !accepts_activity_json(&headers) {
        return Ok(Redirect::to("/").into_response());
    }
    let keys = keys::for_local_actor(&state.db.conn, &user.ap_id).await?;
    let doc = actors::person(
        &state.config.public_url,
        &user.ap_id,
        &user.username,
        &user.display_name,
        &keys,
    )?;
    Ok(activity_json(&doc))
}

fn collection(id: &str, total: u64) -> Result<Response, WebError> {
    let id = url::Url::parse(id).map_err(WebError::internal)?;
    let summary = CollectionSummary::new(id, total);
    Ok(object_json(
        serde_json::to_value(summary).map_err(WebError::internal)?,
    ))
}

async fn organization_followers(State(state): State<AppState>) -> Result<Response, WebError> {
    let org = actors::organization_id(&state.config.public_url)?;
    let total = follows::count_followers(&state.db.conn, org.as_str()).await?;
    collection(&format!("{org}/followers"), total)
}

async fn group_followers(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let ap_id = state.config.url(&format!("/consultations/{slug}"));
    let c = remote_content::find_consultation(&state.db.conn, &ap_id)
        .await?
        .filter(|c| c.local && c.published_at.is_some())
        .ok_or(WebError::NotFound("consultation"))?;
    let total = follows::count_followers(&state.db.conn, &c.ap_id).await?;
    collection(&format!("{}/followers", c.ap_id), total)
}

async fn no_followers(State(state): State<AppState>, uri: Uri) -> Result<Response, WebError> {
    collection(&state.config.url(uri.path()), 0)
}

async fn empty_outbox(State(state): State<AppState>, uri: Uri) -> Result<Response, WebError> {
    collection(&state.config.url(uri.path()), 0)
}

/// A budget project as its group's `Page`, when its consultation is ours and published.
async fn project_response(
    state: &AppState,
    project: &budget_project::Model,
) -> Result<Response, WebError> {
    let db = &state.db.conn;
    let record = budgets::find(db, &project.budget_id).await?;
    let c = consultations::find(db, &record.budget.consultation_id).await?;
    if !render::is_public_local(&c) {
        return Err(WebError::NotFound("project"));
    }
    let page = render::project_of_budget(&state.federation, &record, &c, project)?;
    let page = serde_json::to_value(page).map_err(inspraak_federation::FederationError::from)?;
    Ok(object_json(page))
}

/// A budget project as ActivityStreams (a `Page` by the consultation's group), for servers
/// asking at `/projects/{id}`.
pub async fn project_page(state: &AppState, id: &str) -> Result<Response, WebError> {
    let project = budgets::find_project(&state.db.conn, id).await?;
    project_response(state, &project).await
}

/// A budget's outcome as ActivityStreams (an `Article` by the consultation's group), for
/// servers asking at `/budgets/{id}/outcome`; 404 until staff published it.
pub async fn budget_outcome(state: &AppState, id: &str) -> Result<Response, WebError> {
    let (budget, facts) = inspraak_app::budgets::published_outcome(&state.app, id)
        .await?
        .ok_or(WebError::NotFound("outcome"))?;
    let article = render::budget_outcome_json(&state.db.conn, &budget, &facts).await?;
    Ok(object_json(article))
}
