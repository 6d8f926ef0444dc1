//! The recommended domain blocklist a province or the helpdesk publishes: an ActivityPub
//! `OrderedCollection` of `DomainBlock`s at `/blocklists/recommended`, and the same list as
//! Mastodon's domain-block CSV at `/blocklists/recommended.csv`. Other instances 404.

use crate::{AppState, WebError};
use axum::Router;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_TYPE, VARY};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use inspraak_app::blocklists;
use inspraak_db::blocklists as stored;
use inspraak_federation::ACTIVITY_JSON;
use inspraak_federation::blocklists::{RECOMMENDED_PATH, recommended_document};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(RECOMMENDED_PATH, get(collection))
        .route("/blocklists/recommended.csv", get(csv))
}

async fn collection(State(state): State<AppState>) -> Result<Response, WebError> {
    if !blocklists::publishes(&state.app) {
        return Err(WebError::NotFound("page"));
    }
    let rows = stored::recommended(&state.db.conn).await?;
    let document = recommended_document(&state.federation, &rows)?;
    let mut response = Json(document).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(ACTIVITY_JSON));
    headers.insert(VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

async fn csv(State(state): State<AppState>) -> Result<Response, WebError> {
    let text = blocklists::recommended_csv(&state.app).await?;
    Ok(([(CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response())
}
