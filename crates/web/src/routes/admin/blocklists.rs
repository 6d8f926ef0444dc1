//! Shared blocklists in the admin area (`/admin/blocklists`): the recommended list a province
//! or the helpdesk publishes, subscriptions to remote lists with their state, and suggestions
//! to accept or dismiss; and, on the federation page, Mastodon CSV import and export.

use crate::csrf::{self, CsrfForm};
use crate::page::{Page, render};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::{AppError, blocklists};
use inspraak_db::blocklists as stored;
use inspraak_domain::blocklist::Severity;
use serde::Deserialize;

/// Largest CSV file taken (a list of 5,000 domains with comments fits easily).
const CSV_MAX_BYTES: usize = 2 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/blocklists", get(overview))
        .route("/blocklists/recommended", post(recommend))
        .route("/blocklists/recommended/remove", post(unrecommend))
        .route("/blocklists/subscriptions", post(subscribe))
        .route("/blocklists/subscriptions/{id}/refresh", post(refresh))
        .route("/blocklists/subscriptions/{id}/remove", post(unsubscribe))
        .route("/blocklists/suggestions/{id}/{decision}", post(decide))
        .route(
            "/federation/import",
            post(import).layer(DefaultBodyLimit::max(CSV_MAX_BYTES + 64 * 1024)),
        )
        .route("/federation/blocks.csv", get(export))
}

struct RecommendedRow {
    host: String,
    severity: String,
    comment: String,
}

struct SubscriptionRow {
    id: String,
    url: String,
    mode: String,
    fetched: String,
    error: Option<String>,
    blocking: usize,
    suggested: usize,
}

struct SuggestionRow {
    id: String,
    host: String,
    severity: String,
    comment: String,
    list: String,
}

#[derive(Template)]
#[template(path = "admin/blocklists.html")]
struct BlocklistsPage {
    page: Page,
    publishes: bool,
    public_url: String,
    /// Instances following our list (told of each change).
    subscribers: u64,
    recommended: Vec<RecommendedRow>,
    severities: Vec<(&'static str, String)>,
    subscriptions: Vec<SubscriptionRow>,
    suggestions: Vec<SuggestionRow>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct OverviewQuery {
    notice: Option<String>,
    error: Option<String>,
}

async fn overview(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let db = &state.db.conn;
    let page = Page::new(&state, &session, "/admin/blocklists").with_notice(q.notice.as_deref());
    let severity = |s: &str| page.t(&format!("blocklists.severity_{s}")).to_owned();
    let recommended = stored::recommended(db)
        .await?
        .into_iter()
        .map(|r| RecommendedRow {
            severity: severity(&r.severity),
            host: r.host,
            comment: r.comment,
        })
        .collect();
    let mut subscriptions = Vec::new();
    let mut urls = std::collections::HashMap::new();
    for s in stored::subscriptions(db).await? {
        let entries = stored::entries(db, &s.id).await?;
        let count = |f: fn(inspraak_domain::blocklist::EntryState) -> bool| {
            entries.iter().filter(|e| f(stored::state_of(e))).count()
        };
        urls.insert(s.id.clone(), s.url.clone());
        subscriptions.push(SubscriptionRow {
            mode: page.t(&format!("blocklists.mode_{}", s.mode)).to_owned(),
            fetched: s
                .last_fetched_at
                .map(|at| page.moment(at))
                .unwrap_or_default(),
            error: s.last_error.clone(),
            blocking: count(|st| st.blocks()),
            suggested: count(|st| st == inspraak_domain::blocklist::EntryState::Suggested),
            id: s.id,
            url: s.url,
        });
    }
    let suggestions = stored::suggestions(db)
        .await?
        .into_iter()
        .map(|e| SuggestionRow {
            severity: severity(&e.severity),
            list: urls.get(&e.subscription_id).cloned().unwrap_or_default(),
            id: e.id,
            host: e.host,
            comment: e.comment,
        })
        .collect();
    let severities = Severity::ALL
        .iter()
        .map(|s| (s.as_str(), severity(s.as_str())))
        .collect();
    let public_url = format!(
        "{}{}",
        state.config.public_url.as_str().trim_end_matches('/'),
        inspraak_federation::blocklists::RECOMMENDED_PATH
    );
    let view = BlocklistsPage {
        publishes: blocklists::publishes(&state.app),
        subscribers: inspraak_db::follows::count_followers(db, &public_url).await?,
        public_url,
        recommended,
        severities,
        subscriptions,
        suggestions,
        error: q.error.filter(|e| e.len() < 600),
        page,
    };
    render(&view)
}

fn back(page: &str, notice: &str) -> Response {
    Redirect::to(&format!("/admin/{page}?notice={notice}")).into_response()
}

fn back_with_error(page: &str, message: &str) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(message.as_bytes()).collect();
    Redirect::to(&format!("/admin/{page}?error={encoded}")).into_response()
}

/// Shows a refusal on the page it came from (a field problem as the translated
/// `blocklists.{invalid}`); other failures are errors.
fn outcome(
    (state, session): (&AppState, &Session),
    result: Result<(), AppError>,
    notice: &str,
    invalid: &str,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => Ok(back("blocklists", notice)),
        Err(AppError::Invalid(_)) => {
            let page = Page::new(state, session, "/admin/blocklists");
            let message = page.t(&format!("blocklists.{invalid}")).to_owned();
            Ok(back_with_error("blocklists", &message))
        }
        Err(AppError::BadRequest(reason)) => Ok(back_with_error("blocklists", &reason)),
        Err(AppError::Conflict(reason)) => Ok(back_with_error("blocklists", reason)),
        Err(other) => Err(other.into()),
    }
}

async fn recommend(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let done = blocklists::recommend(
        &state.app,
        session.caller(),
        form.get("host"),
        form.get("severity"),
        form.get("comment"),
    )
    .await
    .map(drop);
    outcome(
        (&state, &session),
        done,
        "recommended_added",
        "invalid_entry",
    )
}

async fn unrecommend(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    blocklists::unrecommend(&state.app, session.caller(), form.get("host")).await?;
    Ok(back("blocklists", "recommended_removed"))
}

async fn subscribe(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let done = blocklists::subscribe(
        &state.app,
        session.caller(),
        form.get("target"),
        form.get("mode"),
    )
    .await
    .map(drop);
    outcome((&state, &session), done, "subscribed", "invalid_target")
}

async fn refresh(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    let done = blocklists::refresh(&state.app, Some(session.caller()), &id).await;
    outcome((&state, &session), done, "list_refreshed", "invalid_target")
}

async fn unsubscribe(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    blocklists::unsubscribe(&state.app, session.caller(), &id).await?;
    Ok(back("blocklists", "unsubscribed"))
}

async fn decide(
    State(state): State<AppState>,
    Path((id, decision)): Path<(String, String)>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    let done = match decision.as_str() {
        "accept" => blocklists::accept(&state.app, session.caller(), &id).await,
        "dismiss" => blocklists::dismiss(&state.app, session.caller(), &id).await,
        _ => return Err(WebError::NotFound("page")),
    };
    let notice = format!("suggestion_{decision}ed");
    outcome((&state, &session), done, &notice, "invalid_target")
}

/// Imports a Mastodon domain-block CSV (field `file`); a bad line is shown with its number
/// and nothing is changed.
async fn import(
    State(state): State<AppState>,
    session: Session,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let (mut token, mut file) = (String::new(), Vec::new());
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or("").to_owned();
        let bytes = field.bytes().await?;
        match name.as_str() {
            "csrf_token" => token = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => file = bytes.to_vec(),
            _ => {}
        }
    }
    csrf::check(&session, &token)?;
    let Ok(text) = String::from_utf8(file) else {
        let page = Page::new(&state, &session, "/admin/federation");
        return Ok(back_with_error(
            "federation",
            page.t("blocklists.csv_not_text"),
        ));
    };
    match blocklists::import_csv(&state.app, session.caller(), &text).await {
        Ok(_) => Ok(back("federation", "blocks_imported")),
        Err(blocklists::ImportError::Line(line)) => {
            let page = Page::new(&state, &session, "/admin/federation");
            let problem = page
                .t(&format!("blocklists.csv_{}", line.problem.key()))
                .replace("{value}", line.problem.value());
            let message = page
                .t("blocklists.csv_line")
                .replace("{line}", &line.line.to_string())
                .replace("{problem}", &problem);
            Ok(back_with_error("federation", &message))
        }
        Err(blocklists::ImportError::App(other)) => Err(other.into()),
    }
}

/// Our domain blocks as Mastodon's CSV.
async fn export(State(state): State<AppState>, session: Session) -> Result<Response, WebError> {
    let csv = blocklists::export_csv(&state.app, session.caller()).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"domain_blocks.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}
