//! What anyone can see: the home page, consultations, and uploaded images.

use super::comments::{self, CommentView};
use super::polls::{self, PollView};
use super::proposals::{self, ProposalView};
use super::views::{self, ConsultationView};
use crate::page::{Page, render, today};
use crate::participation::ConsultationContext;
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use inspraak_db::consultations::{self, Visibility};
use inspraak_domain::participation::Action;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/consultations", get(list))
        .route("/nearby", get(nearby))
        .route("/consultations/{slug}", get(detail))
        .route("/media/{file}", get(media))
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    pub notice: Option<String>,
    pub page: Option<u64>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    page: Page,
    open: Vec<ConsultationView>,
    other: Vec<ConsultationView>,
}

async fn home(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let page = Page::new(&state, &session, "/").with_notice(q.notice.as_deref());
    let all = consultations::list(&state.db.conn, Visibility::Published, 12, 0).await?;
    let today = today();
    let (open, other): (Vec<_>, Vec<_>) = all
        .iter()
        .map(|c| views::consultation(&page, c, today))
        .partition(|c| c.state == "active");
    render(&Home { page, open, other })
}

#[derive(Template)]
#[template(path = "consultations/nearby.html")]
struct Nearby {
    page: Page,
    items: Vec<ConsultationView>,
}

/// Other instances' consultations that this one follows, marked with their origin.
async fn nearby(State(state): State<AppState>, session: Session) -> Result<Response, WebError> {
    let page = Page::new(&state, &session, "/nearby");
    let rows = consultations::list_remote(&state.db.conn, 100).await?;
    let today = today();
    let items = rows
        .into_iter()
        .map(|consultation| {
            let item = consultations::ConsultationWithPhases {
                consultation,
                timeline: Default::default(),
            };
            views::consultation(&page, &item, today)
        })
        .collect();
    render(&Nearby { page, items })
}

/// Consultations per page of the public list.
const PER_PAGE: u64 = 20;

#[derive(Template)]
#[template(path = "consultations/list.html")]
struct List {
    page: Page,
    items: Vec<ConsultationView>,
    page_number: u64,
    has_next: bool,
}

async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let page_number = q.page.unwrap_or(1).max(1);
    let page = Page::new(&state, &session, "/consultations").with_notice(q.notice.as_deref());
    let offset = (page_number - 1).saturating_mul(PER_PAGE);
    let rows =
        consultations::list(&state.db.conn, Visibility::Published, PER_PAGE + 1, offset).await?;
    let has_next = rows.len() as u64 > PER_PAGE;
    let today = today();
    let items = rows
        .iter()
        .take(PER_PAGE as usize)
        .map(|c| views::consultation(&page, c, today))
        .collect();
    render(&List {
        page,
        items,
        page_number,
        has_next,
    })
}

#[derive(Template)]
#[template(path = "consultations/detail.html")]
struct Detail {
    page: Page,
    c: ConsultationView,
    can_edit: bool,
    proposals: Vec<ProposalView>,
    polls: Vec<PollView>,
    /// Participatory budgets: id, title, status.
    budgets: Vec<(String, String, &'static str)>,
    /// Opinion-mapping conversations: id and question.
    conversations: Vec<(String, String)>,
    /// The older origins of this process, oldest first.
    ancestry: Vec<String>,
    /// Published reuses of this process: title and page.
    reused_by: Vec<(String, String)>,
    comments: Vec<CommentView>,
    can_propose: bool,
    propose_refusal: Option<String>,
    can_comment: bool,
    comment_refusal: Option<String>,
    stances: Vec<(&'static str, String)>,
    tag: Option<String>,
    tags: Vec<String>,
    /// The current phase takes proposals (so a visitor is invited to log in).
    proposing_open: bool,
}

#[derive(Deserialize)]
pub struct DetailQuery {
    pub notice: Option<String>,
    pub tag: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    Path(slug): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, WebError> {
    // The same URL is the consultation's page for people and its `Group` for servers.
    if super::federation::accepts_activity_json(&headers) {
        let item = inspraak_db::consultations::find_with_phases(&state.db.conn, &slug).await?;
        if item.consultation.published_at.is_none()
            || item.consultation.slug != slug
            || !item.consultation.local
        {
            return Err(WebError::NotFound("consultation"));
        }
        let doc = super::federation::group_document(&state, &item.consultation).await?;
        return Ok(super::federation::activity_json(&doc));
    }
    let ctx = ConsultationContext::load(&state.app, session.caller(), &slug).await?;
    let can_edit = session.caller().is_admin();
    let item = &ctx.item;
    let page = Page::new(
        &state,
        &session,
        &format!("/consultations/{}", item.consultation.slug),
    )
    .with_notice(q.notice.as_deref());
    let c = views::consultation(&page, item, today());
    let custom = inspraak_db::proposals::custom_statuses(&state.db.conn, ctx.id()).await?;
    let rows: Vec<_> = inspraak_db::proposals::list_for_consultation(&state.db.conn, ctx.id())
        .await?
        .into_iter()
        .filter(|p| inspraak_app::participation::proposal_visible(p, session.caller()))
        .collect();
    let mut tags: Vec<String> = rows
        .iter()
        .flat_map(inspraak_db::proposals::tags_of)
        .collect();
    tags.sort();
    tags.dedup();
    let tag = q.tag.filter(|t| tags.contains(t));
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|p| {
            tag.as_ref()
                .is_none_or(|t| inspraak_db::proposals::tags_of(p).contains(t))
        })
        .collect();
    let threshold = item.consultation.support_threshold;
    let mut proposals =
        proposals::views(&state, &session, &page, &rows, threshold, &custom).await?;
    // Most supported first, as residents expect; withdrawn and hidden ones sink to the end.
    proposals.sort_by_key(|p| {
        (
            p.state == "withdrawn" || p.hidden_reason.is_some(),
            std::cmp::Reverse(p.progress.count),
        )
    });
    let polls = polls::views(&state, &session, &page, &ctx).await?;
    let budgets = budget_list(&state, &session, &ctx).await?;
    let conversations = inspraak_db::conversations::list_for_consultation(&state.db.conn, ctx.id())
        .await?
        .into_iter()
        .map(|c| (c.id, c.question))
        .collect();
    let comments = comments::thread_views(&state, &session, &page, &ctx, None).await?;
    let refusal = |action: Action| {
        ctx.refusal(session.caller(), action)
            .map(|r| page.t(&format!("refusal.{}", r.code())).to_owned())
    };
    let propose_refusal = refusal(Action::Propose);
    let comment_refusal = refusal(Action::Comment);
    let stances = comments::stance_choices(&page);
    let ancestry = consultations::ancestry_of(&item.consultation);
    let reused_by = consultations::reuses_of(&state.db.conn, &item.consultation.ap_id)
        .await?
        .into_iter()
        .map(|r| (r.copy_title, r.copy_url))
        .collect();
    render(&Detail {
        ancestry,
        reused_by,
        proposing_open: ctx.rules.propose,
        can_propose: propose_refusal.is_none(),
        propose_refusal,
        can_comment: comment_refusal.is_none(),
        comment_refusal,
        page,
        c,
        can_edit,
        proposals,
        polls,
        budgets,
        conversations,
        comments,
        stances,
        tag,
        tags,
    })
}

/// A consultation's budgets as its page lists them.
async fn budget_list(
    state: &AppState,
    session: &Session,
    ctx: &ConsultationContext,
) -> Result<Vec<(String, String, &'static str)>, WebError> {
    let mut out = Vec::new();
    for record in inspraak_db::budgets::list_for_consultation(&state.db.conn, ctx.id()).await? {
        let budget =
            inspraak_app::budgets::load(&state.app, session.caller(), &record.budget.id).await?;
        out.push((
            record.budget.id,
            record.budget.title,
            budget.status.as_str(),
        ));
    }
    Ok(out)
}

/// Serves an uploaded image. Names are generated by us (`<uuid>.<ext>`), so anything else is
/// refused before the file system is touched.
async fn media(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let (stem, ext) = file.rsplit_once('.').ok_or(WebError::NotFound("file"))?;
    let content_type = match ext {
        "png" => "image/png",
        "jpg" => "image/jpeg",
        "webp" => "image/webp",
        _ => return Err(WebError::NotFound("file")),
    };
    if uuid::Uuid::parse_str(stem).is_err() {
        return Err(WebError::NotFound("file"));
    }
    let bytes = tokio::fs::read(state.config.media_dir.join(&file))
        .await
        .map_err(|_| WebError::NotFound("file"))?;
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        bytes,
    )
        .into_response())
}
