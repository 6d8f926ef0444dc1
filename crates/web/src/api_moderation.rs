//! Shared moderation in the JSON API, for admins (and, to forward a report, moderators) with
//! an API token: the recommended blocklist, subscriptions and suggestions, domain blocks as
//! JSON and Mastodon CSV, and forwarding a report to the server an item came from.

use crate::api_write::{ApiCaller, ApiJson};
use crate::{AppState, WebError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{delete, get, post};
use inspraak_app::{blocklists, moderation};
use inspraak_db::blocklists as stored;
use inspraak_db::domain_blocks;
use inspraak_domain::moderation::ContentKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Largest CSV body taken.
const CSV_MAX_BYTES: usize = 2 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/blocklists/recommended",
            get(list_recommended).post(add_recommended),
        )
        .route("/blocklists/recommended/{host}", delete(remove_recommended))
        .route(
            "/blocklists/subscriptions",
            get(list_subscriptions).post(add_subscription),
        )
        .route(
            "/blocklists/subscriptions/{id}",
            delete(remove_subscription),
        )
        .route(
            "/blocklists/subscriptions/{id}/refresh",
            post(refresh_subscription),
        )
        .route("/blocklists/suggestions", get(list_suggestions))
        .route(
            "/blocklists/suggestions/{id}/accept",
            post(accept_suggestion),
        )
        .route(
            "/blocklists/suggestions/{id}/dismiss",
            post(dismiss_suggestion),
        )
        .route("/domain-blocks", get(list_blocks))
        .route("/domain-blocks.csv", get(export_blocks))
        .route(
            "/domain-blocks/import",
            post(import_blocks).layer(DefaultBodyLimit::max(CSV_MAX_BYTES)),
        )
        .route("/moderation/{kind}/{id}/forward", post(forward_report))
}

/// A domain on a list, or a domain block.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct DomainEntry {
    /// The host name, e.g. `spam.example`.
    pub host: String,
    /// `suspend` or `silence`.
    pub severity: String,
    /// The public comment (for a block: its reason).
    #[serde(default)]
    pub comment: String,
}

#[utoipa::path(get, path = "/api/v1/blocklists/recommended", tag = "moderation", security(("token" = [])),
    responses((status = 200, body = Vec<DomainEntry>), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody)))]
pub(crate) async fn list_recommended(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
) -> Result<Json<Vec<DomainEntry>>, WebError> {
    session.caller().require_admin()?;
    let rows = stored::recommended(&state.db.conn).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| DomainEntry {
                host: r.host,
                severity: r.severity,
                comment: r.comment,
            })
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/blocklists/recommended", tag = "moderation", security(("token" = [])),
    request_body = DomainEntry,
    responses((status = 201, description = "Listed (or changed); served at `/blocklists/recommended`", body = DomainEntry),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 404, description = "Only a province or the helpdesk publishes a list", body = crate::api::ApiErrorBody),
        (status = 422, description = "Not a host name (or our own), unknown severity, comment too long", body = crate::api::ApiErrorBody)))]
pub(crate) async fn add_recommended(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    ApiJson(body): ApiJson<DomainEntry>,
) -> Result<Response, WebError> {
    let entry = blocklists::recommend(
        &state.app,
        session.caller(),
        &body.host,
        &body.severity,
        &body.comment,
    )
    .await?;
    let made = DomainEntry {
        host: entry.host,
        severity: entry.severity.as_str().to_owned(),
        comment: entry.comment,
    };
    Ok((StatusCode::CREATED, Json(made)).into_response())
}

#[utoipa::path(delete, path = "/api/v1/blocklists/recommended/{host}", tag = "moderation", security(("token" = [])),
    params(("host" = String, Path, description = "The listed host")),
    responses((status = 204, description = "Removed from the list"), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 404, description = "Not listed", body = crate::api::ApiErrorBody)))]
pub(crate) async fn remove_recommended(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(host): Path<String>,
) -> Result<StatusCode, WebError> {
    blocklists::unrecommend(&state.app, session.caller(), &host).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A subscription to a remote blocklist.
#[derive(Serialize, ToSchema)]
pub struct Subscription {
    /// Its id.
    pub id: String,
    /// The list's address.
    pub url: String,
    /// `auto` or `review`.
    pub mode: String,
    /// When it was last fetched and applied.
    pub last_fetched_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why the last fetch failed (the list is unreachable or invalid); absent after a success.
    pub last_error: Option<String>,
    /// Hosts it lists, with what became of each here.
    pub entries: Vec<SubscriptionEntry>,
}

/// An entry of a subscribed list.
#[derive(Serialize, ToSchema)]
pub struct SubscriptionEntry {
    /// Its id (a suggestion's id for accept and dismiss).
    pub id: String,
    /// The host.
    pub host: String,
    /// `suspend` or `silence`.
    pub severity: String,
    /// The list's comment.
    pub comment: String,
    /// `applied`, `suggested`, `accepted` or `dismissed`.
    pub state: String,
}

impl From<inspraak_db::entity::blocklist_entry::Model> for SubscriptionEntry {
    fn from(e: inspraak_db::entity::blocklist_entry::Model) -> Self {
        SubscriptionEntry {
            id: e.id,
            host: e.host,
            severity: e.severity,
            comment: e.comment,
            state: e.state,
        }
    }
}

async fn subscription_dto(
    state: &AppState,
    s: inspraak_db::entity::blocklist_subscription::Model,
) -> Result<Subscription, WebError> {
    let entries = stored::entries(&state.db.conn, &s.id).await?;
    Ok(Subscription {
        entries: entries.into_iter().map(Into::into).collect(),
        id: s.id,
        url: s.url,
        mode: s.mode,
        last_fetched_at: s.last_fetched_at,
        last_error: s.last_error,
    })
}

#[utoipa::path(get, path = "/api/v1/blocklists/subscriptions", tag = "moderation", security(("token" = [])),
    responses((status = 200, body = Vec<Subscription>), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody)))]
pub(crate) async fn list_subscriptions(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
) -> Result<Json<Vec<Subscription>>, WebError> {
    session.caller().require_admin()?;
    let mut out = Vec::new();
    for s in stored::subscriptions(&state.db.conn).await? {
        out.push(subscription_dto(&state, s).await?);
    }
    Ok(Json(out))
}

/// A subscription to make.
#[derive(Deserialize, ToSchema)]
pub struct NewSubscription {
    /// The list's address (`https://host/blocklists/recommended`), or the handle of the
    /// organization publishing it (`@provincie@host`).
    pub target: String,
    /// `auto` (entries are blocked at once, lifted when they leave the list) or `review`
    /// (entries are suggestions).
    pub mode: String,
}

#[utoipa::path(post, path = "/api/v1/blocklists/subscriptions", tag = "moderation", security(("token" = [])),
    request_body = NewSubscription,
    responses((status = 201, description = "Subscribed; the list was fetched and applied", body = Subscription),
        (status = 400, description = "The list is unreachable, too large or invalid; nothing is stored", body = crate::api::ApiErrorBody),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 409, description = "Already subscribed", body = crate::api::ApiErrorBody),
        (status = 422, description = "No address, or an unknown mode", body = crate::api::ApiErrorBody)))]
pub(crate) async fn add_subscription(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    ApiJson(body): ApiJson<NewSubscription>,
) -> Result<Response, WebError> {
    let made =
        blocklists::subscribe(&state.app, session.caller(), &body.target, &body.mode).await?;
    let dto = subscription_dto(&state, made).await?;
    Ok((StatusCode::CREATED, Json(dto)).into_response())
}

#[utoipa::path(delete, path = "/api/v1/blocklists/subscriptions/{id}", tag = "moderation", security(("token" = [])),
    params(("id" = String, Path, description = "The subscription's id")),
    responses((status = 204, description = "Ended; blocks only it held are lifted (never those made by hand)"),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 404, body = crate::api::ApiErrorBody)))]
pub(crate) async fn remove_subscription(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    blocklists::unsubscribe(&state.app, session.caller(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/blocklists/subscriptions/{id}/refresh", tag = "moderation", security(("token" = [])),
    params(("id" = String, Path, description = "The subscription's id")),
    responses((status = 204, description = "Fetched and applied: new entries blocked or suggested, entries gone from the list lifted"),
        (status = 400, description = "Unreachable or invalid; recorded on the subscription, nothing else changed", body = crate::api::ApiErrorBody),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 404, body = crate::api::ApiErrorBody)))]
pub(crate) async fn refresh_subscription(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    blocklists::refresh(&state.app, Some(session.caller()), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/blocklists/suggestions", tag = "moderation", security(("token" = [])),
    responses((status = 200, description = "Entries of lists in review mode waiting for a decision", body = Vec<SubscriptionEntry>),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody)))]
pub(crate) async fn list_suggestions(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
) -> Result<Json<Vec<SubscriptionEntry>>, WebError> {
    session.caller().require_admin()?;
    let rows = stored::suggestions(&state.db.conn).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/api/v1/blocklists/suggestions/{id}/accept", tag = "moderation", security(("token" = [])),
    params(("id" = String, Path, description = "The suggestion's id")),
    responses((status = 204, description = "The domain is blocked, marked as coming from its list"),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 404, body = crate::api::ApiErrorBody), (status = 409, description = "Already decided", body = crate::api::ApiErrorBody)))]
pub(crate) async fn accept_suggestion(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    blocklists::accept(&state.app, session.caller(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/blocklists/suggestions/{id}/dismiss", tag = "moderation", security(("token" = [])),
    params(("id" = String, Path, description = "The suggestion's id")),
    responses((status = 204, description = "Dismissed: not blocked, not suggested again"),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 404, body = crate::api::ApiErrorBody), (status = 409, description = "Already decided", body = crate::api::ApiErrorBody)))]
pub(crate) async fn dismiss_suggestion(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path(id): Path<String>,
) -> Result<StatusCode, WebError> {
    blocklists::dismiss(&state.app, session.caller(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A domain block.
#[derive(Serialize, ToSchema)]
pub struct DomainBlock {
    /// The host.
    pub host: String,
    /// `suspend` (refused) or `silence` (recorded and shared only).
    pub severity: String,
    /// Why.
    pub reason: String,
    /// Made by hand (`true`) or by a subscribed list (`false`).
    pub manual: bool,
}

#[utoipa::path(get, path = "/api/v1/domain-blocks", tag = "moderation", security(("token" = [])),
    responses((status = 200, body = Vec<DomainBlock>), (status = 401, body = crate::api::ApiErrorBody),
        (status = 403, description = "Admins only", body = crate::api::ApiErrorBody)))]
pub(crate) async fn list_blocks(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
) -> Result<Json<Vec<DomainBlock>>, WebError> {
    session.caller().require_admin()?;
    let rows = domain_blocks::list(&state.db.conn).await?;
    Ok(Json(
        rows.into_iter()
            .map(|b| DomainBlock {
                host: b.host,
                severity: b.severity,
                reason: b.reason,
                manual: b.manual,
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/domain-blocks.csv", tag = "moderation", security(("token" = [])),
    responses((status = 200, description = "Mastodon's domain-block CSV (`#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate`)", content_type = "text/csv", body = String),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody)))]
pub(crate) async fn export_blocks(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
) -> Result<Response, WebError> {
    let csv = blocklists::export_csv(&state.app, session.caller()).await?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response())
}

/// What an import did.
#[derive(Serialize, ToSchema)]
pub struct Imported {
    /// Domains blocked (by hand) or updated.
    pub imported: usize,
}

#[utoipa::path(post, path = "/api/v1/domain-blocks/import", tag = "moderation", security(("token" = [])),
    request_body(content = String, content_type = "text/csv", description = "Mastodon's domain-block CSV, at most 5,000 domains"),
    responses((status = 200, body = Imported),
        (status = 400, description = "A bad line, named in the message (`line 3: ...`); nothing was changed", body = crate::api::ApiErrorBody),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Admins only", body = crate::api::ApiErrorBody),
        (status = 413, description = "Larger than 2 MiB", body = crate::api::ApiErrorBody)))]
pub(crate) async fn import_blocks(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    body: Bytes,
) -> Result<Json<Imported>, WebError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| WebError::BadRequest("the file is not UTF-8 text".into()))?;
    let imported = blocklists::import_csv(&state.app, session.caller(), text)
        .await
        .map_err(|err| match err {
            blocklists::ImportError::Line(line) => WebError::BadRequest(line.to_string()),
            blocklists::ImportError::App(other) => other.into(),
        })?;
    Ok(Json(Imported { imported }))
}

/// A report forwarded to the item's server.
#[derive(Deserialize, ToSchema)]
pub struct Forward {
    /// A note for the other server's moderators, up to 1000 characters.
    #[serde(default)]
    pub note: String,
}

/// Where a report went.
#[derive(Serialize, ToSchema)]
pub struct ForwardedTo {
    /// The host the `Flag` is sent to.
    pub host: String,
}

#[utoipa::path(post, path = "/api/v1/moderation/{kind}/{id}/forward", tag = "moderation", security(("token" = [])),
    params(("kind" = String, Path, description = "`proposal` or `comment`"), ("id" = String, Path, description = "The item's id here")),
    request_body = Forward,
    responses((status = 200, description = "Our instance actor sends a `Flag` of the item and its author to the item's server; the item's open reports are marked forwarded", body = ForwardedTo),
        (status = 400, description = "The item is ours", body = crate::api::ApiErrorBody),
        (status = 401, body = crate::api::ApiErrorBody), (status = 403, description = "Moderators and admins only", body = crate::api::ApiErrorBody),
        (status = 404, body = crate::api::ApiErrorBody)))]
pub(crate) async fn forward_report(
    State(state): State<AppState>,
    ApiCaller(session): ApiCaller,
    Path((kind, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<Forward>,
) -> Result<Json<ForwardedTo>, WebError> {
    let kind: ContentKind = kind.parse().map_err(|_| WebError::NotFound("page"))?;
    let host = moderation::forward(&state.app, session.caller(), kind, &id, &body.note).await?;
    Ok(Json(ForwardedTo { host }))
}
