//! The route table and the middleware around it.

mod account;
pub(crate) mod activitypub;
mod admin;
mod blocklists;
mod budget_views;
mod budgets;
mod comments;
mod conversation_files;
mod conversation_report;
mod conversations;
mod deals;
pub(crate) mod exports;
mod federation;
pub(crate) mod forwards;
pub(crate) mod helpdesk;
mod joint_votes;
mod moderation;
mod polls;
mod proposals;
mod public;
pub(crate) mod static_assets;
mod templates;
mod views;

pub(crate) use static_assets::stylesheet_path;

use crate::error::ErrorInfo;
use crate::page::{Page, render_status};
use crate::session::{LANG_COOKIE, Session};
use crate::{AppState, api, security_headers};
use askama::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, Query, Request, State};
use axum::http::header::{ACCEPT, LOCATION, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use serde::Deserialize;
use tower_http::trace::TraceLayer;

/// Form posts stay small; only the cover upload route allows more (see `admin`).
const BODY_LIMIT: usize = 1024 * 1024;

/// Every route of the instance.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new()
        .merge(public::routes())
        .merge(account::routes())
        .merge(proposals::routes())
        .merge(comments::routes())
        .merge(conversations::routes())
        .merge(polls::routes())
        .merge(budgets::routes())
        .merge(deals::routes())
        .merge(joint_votes::routes())
        .merge(moderation::routes())
        .merge(exports::routes())
        .merge(federation::routes())
        .merge(helpdesk::routes())
        .merge(blocklists::routes())
        .merge(activitypub::routes())
        .nest("/admin", admin::routes().merge(templates::admin_routes()))
        .nest("/api/v1", api::routes())
        .route("/healthz", get(healthz))
        .merge(static_assets::routes())
        .merge(templates::routes())
        .route("/lang/{tag}", get(switch_language))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), render_errors));
    for layer in security_headers::layers() {
        router = router.layer(layer);
    }
    router.layer(TraceLayer::new_for_http()).with_state(state)
}

async fn not_found() -> crate::WebError {
    crate::WebError::NotFound("page")
}

/// 200 when the database answers, 503 otherwise: for load balancers and monitoring.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(err) => {
            tracing::error!(%err, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only paths on this site: no `//evil.example`, `/\\evil.example` or `https://…` open
/// redirects. Browsers drop tabs and newlines from URLs (`/%09/evil` becomes `//evil`), so any
/// control character or whitespace disqualifies a path too.
pub(crate) fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(|c| c.is_control() || c.is_whitespace())
                && p.len() <= 2048 =>
        {
            p
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_plain_local_paths_are_followed() {
        assert_eq!(
            local_path(Some("/consultations?page=2")),
            "/consultations?page=2"
        );
        for evil in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil",
            "https://evil.example",
            "evil",
            "",
        ] {
            assert_eq!(local_path(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}

/// Remembers the chosen language in a cookie and goes back where the visitor was. A plain
/// link, so it works without JavaScript and without a form.
async fn switch_language(Path(tag): Path<String>, Query(q): Query<NextQuery>) -> Response {
    let Some(locale) = crate::Locale::from_tag(&tag) else {
        return crate::WebError::NotFound("language").into_response();
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.tag()
    );
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let (Ok(location), Ok(cookie)) = (
        HeaderValue::from_str(local_path(q.next.as_deref())),
        HeaderValue::from_str(&cookie),
    ) {
        headers.insert(LOCATION, location);
        headers.insert(SET_COOKIE, cookie);
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    status: u16,
    heading: String,
    explanation: String,
}

/// Writes the body of every error: JSON for the API, a translated page for people, and for a
/// person who must log in first, a redirect to the log-in form that brings them back.
async fn render_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_else(|| path.clone());
    let wants_json = path.starts_with("/api/")
        || path.starts_with("/.well-known/")
        || federation::accepts_activity_json(request.headers())
        || request
            .headers()
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"));
    let headers = request.headers().clone();
    let mut response = next.run(request).await;
    let Some(info) = response.extensions_mut().remove::<ErrorInfo>() else {
        return response;
    };
    let status = response.status();
    if wants_json {
        let fields: Vec<serde_json::Value> = info
            .fields
            .iter()
            .map(|(field, code, limit)| serde_json::json!({"field": field, "problem": code, "limit": limit}))
            .collect();
        let body =
            serde_json::json!({"error": info.code, "message": info.message, "fields": fields});
        return (status, Json(body)).into_response();
    }
    if status == StatusCode::UNAUTHORIZED {
        let target = format!("/login?next={}", urlencode(&path_and_query));
        let mut redirect = StatusCode::SEE_OTHER.into_response();
        if let Ok(location) = HeaderValue::from_str(&target) {
            redirect.headers_mut().insert(LOCATION, location);
        }
        return redirect;
    }
    let mut parts = Request::new(Body::empty()).into_parts().0;
    parts.headers = headers;
    let session = match Session::from_request_parts(&mut parts, &state).await {
        Ok(session) => session,
        Err(_) => Session {
            token_hash: None,
            csrf_token: None,
            user: None,
            locale: crate::Locale::Nl,
        },
    };
    let page = Page::new(&state, &session, &path);
    let heading = page.t(&format!("error.{}.title", info.code)).to_owned();
    let explanation = page.t(&format!("error.{}.text", info.code)).to_owned();
    let template = ErrorPage {
        page,
        status: status.as_u16(),
        heading,
        explanation,
    };
    let mut rendered =
        render_status(status, &template).unwrap_or_else(|_| (status, info.message).into_response());
    for (name, value) in response.headers() {
        if name == SET_COOKIE {
            rendered.headers_mut().append(name, value.clone());
        }
    }
    rendered
}

/// Percent-encodes a query value.
pub(crate) fn urlencode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
