//! Discovery and actor documents: WebFinger, NodeInfo, the instance and organization actors.
//! A consultation's `Group` document is served from its own URL by content negotiation
//! (see `public::detail`).

use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header::{CONTENT_TYPE, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::routing::get;
use inspraak_db::consultations::{self, Visibility};
use inspraak_db::users;
use inspraak_federation::actors::{self, ActorDocument};
use inspraak_federation::{ACTIVITY_JSON, discovery, keys, wants_activity_json};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/.well-known/webfinger", get(webfinger))
        .route("/.well-known/nodeinfo", get(nodeinfo_links))
        .route("/nodeinfo/2.1", get(nodeinfo))
        .route("/actor", get(instance_actor))
        .route("/organization", get(organization))
}

/// An actor document with the ActivityPub media type.
pub fn activity_json(doc: &impl serde::Serialize) -> Response {
    let mut response = Json(doc).into_response();
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(ACTIVITY_JSON));
    response
        .headers_mut()
        .insert(VARY, HeaderValue::from_static("Accept"));
    response
}

pub(crate) fn federation_error(err: inspraak_federation::FederationError) -> WebError {
    WebError::internal(err.to_string())
}

async fn instance_actor(State(state): State<AppState>) -> Result<Response, WebError> {
    let base = &state.config.public_url;
    let id = actors::instance_actor_id(base).map_err(federation_error)?;
    let keys = keys::for_local_actor(&state.db.conn, id.as_str())
        .await
        .map_err(federation_error)?;
    let doc =
        actors::application(base, &state.config.instance_name, &keys).map_err(federation_error)?;
    Ok(activity_json(&doc))
}

async fn organization(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    if !accepts_activity_json(&headers) {
        return Ok(Redirect::to("/").into_response());
    }
    Ok(activity_json(&organization_document(&state).await?))
}

async fn organization_document(state: &AppState) -> Result<ActorDocument, WebError> {
    let base = &state.config.public_url;
    let id = actors::organization_id(base).map_err(federation_error)?;
    let keys = keys::for_local_actor(&state.db.conn, id.as_str())
        .await
        .map_err(federation_error)?;
    let mut document = actors::organization(
        base,
        &state.config.instance_kind,
        &state.config.instance_name,
        &keys,
    )
    .map_err(federation_error)?;
    document.province = state.federation.province.clone();
    // FEP-521a: the Ed25519 key our tallies are signed with (FEP-8b32).
    let assertion = keys::assertion_key(&state.db.conn, &id)
        .await
        .map_err(federation_error)?;
    document.assertion_method = vec![assertion.multikey().map_err(federation_error)?].into();
    Ok(document)
}

/// The `Group` document of a published consultation.
pub async fn group_document(
    state: &AppState,
    c: &consultations::Consultation,
) -> Result<ActorDocument, WebError> {
    Ok(inspraak_app::consultations::group_document(&state.app, c).await?)
}

/// Whether the request asks for ActivityPub JSON.
pub fn accepts_activity_json(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(wants_activity_json)
}

#[derive(Deserialize)]
struct WebfingerQuery {
    resource: Option<String>,
}

async fn webfinger(
    State(state): State<AppState>,
    Query(q): Query<WebfingerQuery>,
) -> Result<Response, WebError> {
    let base = &state.config.public_url;
    let resource = q
        .resource
        .ok_or_else(|| WebError::BadRequest("the resource parameter is required".into()))?;
    let name = discovery::local_name(&resource, base).ok_or(WebError::NotFound("account"))?;
    let page = |path: &str| {
        base.join(path)
            .map_err(|e| WebError::internal(e.to_string()))
    };
    let answer = if name == actors::INSTANCE_USERNAME {
        let id = actors::instance_actor_id(base).map_err(federation_error)?;
        discovery::webfinger(name, base, id, "Application", page("/")?)
    } else if name == actors::organization_username(&state.config.instance_kind) {
        let id = actors::organization_id(base).map_err(federation_error)?;
        discovery::webfinger(name, base, id, "Organization", page("/")?)
    } else if let Some(c) = inspraak_db::remote_content::find_consultation(
        &state.db.conn,
        &state.config.url(&format!("/consultations/{name}")),
    )
    .await?
    .filter(|c| c.local && c.published_at.is_some())
    {
        // Only published consultations have a public handle; drafts are not found.
        let id = url::Url::parse(&c.ap_id).map_err(|e| WebError::internal(e.to_string()))?;
        discovery::webfinger(
            name,
            base,
            id,
            "Group",
            page(&format!("/consultations/{}", c.slug))?,
        )
    } else if let Some(deal) = inspraak_db::deals::find_by_slug(&state.db.conn, name).await? {
        let id = url::Url::parse(&deal.ap_id).map_err(|e| WebError::internal(e.to_string()))?;
        discovery::webfinger(
            name,
            base,
            id,
            "Group",
            page(&format!("/deals/{}", deal.slug))?,
        )
    } else if let Some(user) = users::find_local_by_username(&state.db.conn, name)
        .await?
        .filter(|u| u.fediverse_visible)
    {
        let id = url::Url::parse(&user.ap_id).map_err(|e| WebError::internal(e.to_string()))?;
        discovery::webfinger(name, base, id, "Person", page("/")?)
    } else {
        return Err(WebError::NotFound("account"));
    };
    let mut response = Json(answer).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/jrd+json"),
    );
    response.headers_mut().insert(
        axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(response)
}

async fn nodeinfo_links(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(discovery::nodeinfo_links(&state.config.public_url))
}

async fn nodeinfo(State(state): State<AppState>) -> Result<Response, WebError> {
    let db = &state.db.conn;
    let users = users::count_local(db).await?;
    let local_posts = inspraak_db::proposals::count_local(db).await?
        + inspraak_db::comments::count_local(db).await?;
    let published = consultations::count(db, Visibility::Published).await?;
    let mut doc = discovery::nodeinfo(
        &state.config.instance_name,
        &state.config.instance_kind,
        env!("CARGO_PKG_VERSION"),
        discovery::Usage { users, local_posts },
        true,
    );
    doc["metadata"]["consultations"] = published.into();
    let mut response = (StatusCode::OK, Json(doc)).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(
            "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"",
        ),
    );
    Ok(response)
}
