//! The municipality's back office: consultations, accounts, verification codes, audit log.
//! Every route here requires an admin; the check happens in each handler through
//! `Session::require_admin`, so a route cannot be added without deciding who may use it.

mod accounts;
mod blocklists;
mod budgets;
mod consultations;
mod deals;
mod federation;
mod forwards;
mod guides;
mod helpdesk;
mod joint_votes;
mod phase_rows;

use crate::page::{Page, render};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use inspraak_db::consultations::Visibility;
use inspraak_db::entity::audit_log;
use inspraak_db::{audit, users};
use inspraak_domain::Role;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard))
        .route("/audit", get(audit_page))
        .route("/audit.csv", get(audit_csv))
        .merge(consultations::routes())
        .merge(accounts::routes())
        .merge(budgets::routes())
        .merge(federation::routes())
        .merge(blocklists::routes())
        .merge(deals::routes())
        .merge(joint_votes::routes())
        .merge(forwards::routes())
        .merge(helpdesk::routes())
        .merge(guides::routes())
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

struct Row {
    id: String,
    slug: String,
    title: String,
    draft: bool,
    state_text: String,
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard {
    page: Page,
    consultations: Vec<Row>,
    admins: u64,
    verified_note: String,
    guides: Vec<super::helpdesk::GuideRow>,
}

/// Guides shown on the admin home.
const NEWEST_GUIDES: u64 = 5;

async fn dashboard(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let page = Page::new(&state, &session, "/admin").with_notice(q.notice.as_deref());
    let today = crate::page::today();
    let consultations = inspraak_db::consultations::list(&state.db.conn, Visibility::All, 200, 0)
        .await?
        .iter()
        .map(|item| {
            let view = super::views::consultation(&page, item, today);
            Row {
                id: view.id,
                slug: view.slug,
                title: view.title,
                draft: view.draft,
                state_text: view.state_text,
            }
        })
        .collect();
    let accounts = users::count_local(&state.db.conn).await?;
    let admins = users::count_with_role(&state.db.conn, Role::Admin).await?;
    let verified_note = page.t.with_number("admin.accounts_count", accounts);
    let guides = inspraak_db::guides::list(&state.db.conn, None, NEWEST_GUIDES)
        .await?
        .iter()
        .map(|g| super::helpdesk::GuideRow::of(&page, g))
        .collect();
    render(&Dashboard {
        page,
        consultations,
        admins,
        verified_note,
        guides,
    })
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    entries: Vec<(String, audit_log::Model)>,
}

async fn audit_page(State(state): State<AppState>, session: Session) -> Result<Response, WebError> {
    session.require_admin()?;
    let page = Page::new(&state, &session, "/admin/audit");
    let entries = audit::recent(&state.db.conn, 500)
        .await?
        .into_iter()
        .map(|e| (page.moment(e.created_at), e))
        .collect();
    render(&AuditPage { page, entries })
}

/// The audit log as CSV, for the council or an auditor.
async fn audit_csv(State(state): State<AppState>, session: Session) -> Result<Response, WebError> {
    session.require_admin()?;
    let entries = audit::recent(&state.db.conn, 100_000).await?;
    let names = users::display_names(
        &state.db.conn,
        entries.iter().filter_map(|e| e.actor_id.clone()),
    )
    .await?;
    let mut csv = inspraak_domain::csv::Csv::new(&[
        "id",
        "created_at",
        "actor_id",
        "actor",
        "action",
        "subject_type",
        "subject_id",
        "detail",
    ]);
    for e in entries {
        let actor = e
            .actor_id
            .as_ref()
            .and_then(|id| names.get(id))
            .cloned()
            .unwrap_or_default();
        csv.row([
            e.id,
            e.created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            e.actor_id.unwrap_or_default(),
            actor,
            e.action,
            e.subject_type,
            e.subject_id,
            e.detail,
        ]);
    }
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                axum::http::HeaderValue::from_static("attachment; filename=\"audit-log.csv\""),
            ),
        ],
        csv.finish(),
    )
        .into_response())
}
