//! Reporting content, the moderators' queue, their decisions, and blocking accounts.

use super::proposals::hidden_text;

use crate::csrf::CsrfForm;
use crate::form::FormData;
use crate::page::{Page, render, render_status};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::AppError;
use inspraak_app::moderation::DecisionKind;
use inspraak_db::moderation;
use inspraak_db::{comments, proposals, users};
use inspraak_domain::ValidationErrors;
use inspraak_domain::ids::UserId;
use inspraak_domain::moderation::{ContentKind, ReportReason};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/report/{kind}/{id}", get(report_form).post(report))
        .route("/moderation", get(queue))
        .route("/moderation/{kind}/{id}/forward", post(forward))
        .route("/moderation/{kind}/{id}/{decision}", post(decide))
        .route("/moderation/accounts/{id}/block", post(block))
        .route("/moderation/accounts/{id}/unblock", post(unblock))
}

/// What a report or decision is about, loaded and described.
struct Subject {
    kind: ContentKind,
    id: String,
    author_id: String,
    excerpt: String,
    url: String,
    hidden: bool,
    hidden_reason: Option<String>,
    pending: bool,
}

fn excerpt(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 200 {
        format!("{}…", flat.chars().take(200).collect::<String>())
    } else {
        flat
    }
}

async fn subject(state: &AppState, kind: ContentKind, id: &str) -> Result<Subject, WebError> {
    Ok(match kind {
        ContentKind::Proposal => {
            let p = proposals::find(&state.db.conn, id).await?;
            Subject {
                kind,
                id: p.id.clone(),
                author_id: p.author_id.clone(),
                excerpt: format!("{}: {}", p.title, excerpt(&p.summary)),
                url: format!("/proposals/{}", p.id),
                hidden: p.hidden_at.is_some(),
                hidden_reason: p.hidden_reason.clone(),
                pending: proposals::state_of(&p)
                    == inspraak_domain::proposal::ProposalState::Pending,
            }
        }
        ContentKind::Comment => {
            let c = comments::find(&state.db.conn, id).await?;
            let url = super::comments::thread_url(state, &c).await?;
            Subject {
                kind,
                id: c.id.clone(),
                author_id: c.author_id.clone(),
                excerpt: excerpt(&c.body_markdown),
                url,
                hidden: c.hidden_at.is_some(),
                hidden_reason: c.hidden_reason.clone(),
                pending: comments::state_of(&c) == inspraak_domain::comment::CommentState::Pending,
            }
        }
    })
}

fn parse_kind(kind: &str) -> Result<ContentKind, WebError> {
    kind.parse().map_err(|_| WebError::NotFound("page"))
}

#[derive(Template)]
#[template(path = "moderation/report.html")]
struct ReportPage {
    page: Page,
    excerpt: String,
    back: String,
    action: String,
    reasons: Vec<(&'static str, String)>,
    /// The server an item from elsewhere came from: the report may be forwarded there.
    origin_host: Option<String>,
    form: FormData,
    errors: ValidationErrors,
}

fn report_page(
    state: &AppState,
    session: &Session,
    s: &Subject,
    (form, errors): (FormData, ValidationErrors),
    origin_host: Option<String>,
) -> ReportPage {
    let action = format!("/report/{}/{}", s.kind.as_str(), s.id);
    let page = Page::new(state, session, &action);
    let reasons = ReportReason::ALL
        .iter()
        .map(|r| {
            (
                r.as_str(),
                page.t(&format!("report.reason.{}", r.as_str())).to_owned(),
            )
        })
        .collect();
    ReportPage {
        page,
        excerpt: s.excerpt.clone(),
        back: s.url.clone(),
        action,
        reasons,
        origin_host,
        form,
        errors,
    }
}

/// The server an item came from, when it is not ours.
async fn origin_host(state: &AppState, s: &Subject) -> Result<Option<String>, WebError> {
    Ok(inspraak_app::moderation::origin(&state.app, s.kind, &s.id)
        .await?
        .map(|o| o.host()))
}

/// Loads something that can be reported by this visitor.
async fn reportable(
    state: &AppState,
    session: &Session,
    kind: &str,
    id: &str,
) -> Result<Subject, WebError> {
    let kind = parse_kind(kind)?;
    inspraak_app::moderation::check_reportable(&state.app, session.caller(), kind, id).await?;
    subject(state, kind, id).await
}

async fn report_form(
    State(state): State<AppState>,
    session: Session,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let s = reportable(&state, &session, &kind, &id).await?;
    let origin = origin_host(&state, &s).await?;
    render(&report_page(
        &state,
        &session,
        &s,
        (FormData::default(), ValidationErrors::new()),
        origin,
    ))
}

async fn report(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    // `file_report` checks that this visitor may report the item; here it is only described.
    let s = subject(&state, parse_kind(&kind)?, &id).await?;
    match inspraak_app::moderation::report(
        &state.app,
        session.caller(),
        s.kind,
        &s.id,
        (form.get("reason"), form.get("note")),
        form.get("forward") == "yes",
    )
    .await
    {
        Ok(_) => {
            let (path, anchor) = s.url.split_once('#').unwrap_or((&s.url, ""));
            Ok(Redirect::to(&format!("{path}?notice=reported#{anchor}")).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let origin = origin_host(&state, &s).await?;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &report_page(&state, &session, &s, (form, errors), origin),
            )
        }
        Err(other) => Err(other.into()),
    }
}

/// One report as the queue lists it.
struct ReportLine {
    reason: String,
    note: String,
    when: String,
    /// The host it was forwarded to.
    forwarded_to: Option<String>,
}

struct QueueItem {
    kind: &'static str,
    kind_label: String,
    id: String,
    url: String,
    excerpt: String,
    author: String,
    author_id: String,
    author_blocked: bool,
    hidden_reason: Option<String>,
    pending: bool,
    reports: Vec<ReportLine>,
    /// The server a remote item came from (its reports may be forwarded there).
    origin_host: Option<String>,
}

impl QueueItem {
    /// Where its reports were forwarded, if they were.
    fn forwarded_to(&self) -> Option<&str> {
        self.reports.iter().find_map(|r| r.forwarded_to.as_deref())
    }
}

struct BlockedView {
    id: String,
    name: String,
    reason: String,
    since: String,
}

#[derive(Template)]
#[template(path = "moderation/queue.html")]
struct QueuePage {
    page: Page,
    reported: Vec<QueueItem>,
    pending: Vec<QueueItem>,
    blocked: Vec<BlockedView>,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn queue_item(
    state: &AppState,
    page: &Page,
    kind: ContentKind,
    id: &str,
    reports: Vec<ReportLine>,
    names: &mut HashMap<String, (String, bool)>,
) -> Result<QueueItem, WebError> {
    let s = subject(state, kind, id).await?;
    if !names.contains_key(&s.author_id) {
        let author = users::find(&state.db.conn, &s.author_id).await?;
        names.insert(
            s.author_id.clone(),
            (author.display_name, author.blocked_at.is_some()),
        );
    }
    let (author, author_blocked) = names.get(&s.author_id).cloned().unwrap_or_default();
    let origin_host = origin_host(state, &s).await?;
    Ok(QueueItem {
        origin_host,
        kind: kind.as_str(),
        kind_label: page
            .t(&format!("moderation.kind_{}", kind.as_str()))
            .to_owned(),
        id: s.id,
        url: s.url,
        excerpt: s.excerpt,
        author,
        author_id: s.author_id,
        author_blocked,
        hidden_reason: hidden_text(page, s.hidden_reason.as_deref().filter(|_| s.hidden)),
        pending: s.pending,
        reports,
    })
}

async fn queue(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    session.caller().require_staff()?;
    let page = Page::new(&state, &session, "/moderation").with_notice(q.notice.as_deref());
    let mut grouped: BTreeMap<(String, String), Vec<ReportLine>> = BTreeMap::new();
    for r in moderation::open_reports(&state.db.conn).await? {
        let reason = page.t(&format!("report.reason.{}", r.reason)).to_owned();
        grouped
            .entry((r.content_kind, r.content_id))
            .or_default()
            .push(ReportLine {
                reason,
                note: r.note,
                when: page.moment(r.created_at),
                forwarded_to: r.forwarded_to,
            });
    }
    let mut names = HashMap::new();
    let mut reported = Vec::new();
    for ((kind, id), reports) in grouped {
        let Ok(kind) = kind.parse::<ContentKind>() else {
            continue;
        };
        // Reported content may have been deleted by its author since; nothing to decide then.
        match queue_item(&state, &page, kind, &id, reports, &mut names).await {
            Ok(item) => reported.push(item),
            Err(WebError::NotFound(_)) => {}
            Err(other) => return Err(other),
        }
    }
    let mut pending = Vec::new();
    for p in moderation::pending_proposals(&state.db.conn).await? {
        pending.push(
            queue_item(
                &state,
                &page,
                ContentKind::Proposal,
                &p.id,
                Vec::new(),
                &mut names,
            )
            .await?,
        );
    }
    for c in moderation::pending_comments(&state.db.conn).await? {
        pending.push(
            queue_item(
                &state,
                &page,
                ContentKind::Comment,
                &c.id,
                Vec::new(),
                &mut names,
            )
            .await?,
        );
    }
    let blocked = users::list_blocked(&state.db.conn)
        .await?
        .into_iter()
        .map(|u| BlockedView {
            id: u.id,
            name: u.display_name,
            reason: u.blocked_reason.unwrap_or_default(),
            since: u.blocked_at.map(|at| page.moment(at)).unwrap_or_default(),
        })
        .collect();
    render(&QueuePage {
        page,
        reported,
        pending,
        blocked,
    })
}

async fn decide(
    State(state): State<AppState>,
    Path((kind, id, decision)): Path<(String, String, String)>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let kind = parse_kind(&kind)?;
    let decision: DecisionKind = decision.parse()?;
    inspraak_app::moderation::decide(
        &state.app,
        session.caller(),
        kind,
        &id,
        decision,
        form.get("reason"),
    )
    .await?;
    Ok(Redirect::to("/moderation?notice=decided").into_response())
}

/// A moderator forwards an item's reports to the server it came from.
async fn forward(
    State(state): State<AppState>,
    Path((kind, id)): Path<(String, String)>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let kind = parse_kind(&kind)?;
    inspraak_app::moderation::forward(&state.app, session.caller(), kind, &id, form.get("note"))
        .await?;
    Ok(Redirect::to("/moderation?notice=report_forwarded").into_response())
}

async fn block(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    inspraak_app::moderation::block(&state.app, session.caller(), &id, form.get("reason")).await?;
    Ok(Redirect::to("/moderation?notice=blocked").into_response())
}

async fn unblock(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    inspraak_app::moderation::unblock(&state.app, session.caller(), &id).await?;
    Ok(Redirect::to("/moderation?notice=unblocked").into_response())
}
