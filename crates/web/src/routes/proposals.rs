//! Proposals: submitting, reading, supporting, withdrawing, and the official answer.

use super::comments::{self, CommentView};

use crate::csrf::CsrfForm;
use crate::form::FormData;
use crate::open_data::status_label;
use crate::page::{Page, render, render_status};
use crate::participation::ConsultationContext;
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::AppError;
use inspraak_db::entity::{custom_status, proposal};
use inspraak_db::{moderation, proposals, users};
use inspraak_domain::ValidationErrors;
use inspraak_domain::ids::ProposalId;
use inspraak_domain::participation::Action;
use inspraak_domain::proposal::{
    AnswerStatus, ProposalInput, ProposalState, SupportProgress, open_for_participation,
};
use serde::Deserialize;
use std::collections::HashSet;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/consultations/{slug}/proposals/new", get(new_form))
        .route("/consultations/{slug}/proposals", post(create))
        .route("/proposals/{id}", get(detail))
        .route("/proposals/{id}/support", post(support))
        .route("/proposals/{id}/unsupport", post(unsupport))
        .route("/proposals/{id}/withdraw", post(withdraw))
        .route("/proposals/{id}/answer", post(answer))
}

/// A proposal as lists and its page show it.
pub struct ProposalView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Sanitised body.
    pub body_html: String,
    /// Author's public name.
    pub author: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Supports and threshold.
    pub progress: SupportProgress,
    /// Current official status in words.
    pub status: Option<String>,
    /// Its key, for styling.
    pub status_key: String,
    /// `pending`, `published` or `withdrawn`.
    pub state: &'static str,
    /// Why moderation hid it; the text is not shown to the public then.
    pub hidden_reason: Option<String>,
    /// The visitor supports it.
    pub supported: bool,
    /// The visitor wrote it.
    pub own: bool,
    /// Submitted, formatted.
    pub created: String,
    /// Likes from fediverse accounts: shown apart, never counted as support.
    pub fediverse_likes: u64,
}

/// The words shown for a hidden item's reason.
pub fn hidden_text(page: &Page, reason: Option<&str>) -> Option<String> {
    reason.map(|r| {
        if r == moderation::AUTO_HIDDEN {
            page.t("moderation.auto_hidden").to_owned()
        } else {
            r.to_owned()
        }
    })
}

/// Shapes proposals for a page, loading counts, authors and the visitor's supports at once.
pub async fn views(
    state: &AppState,
    session: &Session,
    page: &Page,
    rows: &[proposal::Model],
    threshold: i32,
    custom: &[custom_status::Model],
) -> Result<Vec<ProposalView>, WebError> {
    let ids: Vec<String> = rows.iter().map(|p| p.id.clone()).collect();
    let counts = proposals::support_counts(&state.db.conn, &ids).await?;
    let likes = inspraak_db::fediverse::like_counts(&state.db.conn, &ids).await?;
    let authors =
        users::display_names(&state.db.conn, rows.iter().map(|p| p.author_id.clone())).await?;
    let supported: HashSet<String> = match &session.user {
        Some(u) => proposals::supported_by(&state.db.conn, &u.id, &ids).await?,
        None => HashSet::new(),
    };
    let threshold = u64::try_from(threshold).unwrap_or(0);
    Ok(rows
        .iter()
        .map(|p| ProposalView {
            id: p.id.clone(),
            title: p.title.clone(),
            summary: p.summary.clone(),
            body_html: p.body_html.clone(),
            author: authors.get(&p.author_id).cloned().unwrap_or_default(),
            tags: proposals::tags_of(p),
            progress: SupportProgress {
                count: counts.get(&p.id).copied().unwrap_or(0),
                threshold,
            },
            status: p
                .status_key
                .as_deref()
                .map(|k| status_label(k, custom, page.t)),
            status_key: p.status_key.clone().unwrap_or_default(),
            state: proposals::state_of(p).as_str(),
            hidden_reason: hidden_text(
                page,
                p.hidden_reason.as_deref().filter(|_| p.hidden_at.is_some()),
            ),
            supported: supported.contains(&p.id),
            own: session.user.as_ref().is_some_and(|u| u.id == p.author_id),
            created: page.moment(p.created_at),
            fediverse_likes: likes.get(&p.id).copied().unwrap_or(0),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "proposals/form.html")]
struct FormPage {
    page: Page,
    consultation_title: String,
    slug: String,
    form: FormData,
    errors: ValidationErrors,
    premoderation: bool,
}

async fn new_form(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let ctx = ConsultationContext::load(&state.app, session.caller(), &slug).await?;
    ctx.check(session.caller(), Action::Propose)?;
    let c = &ctx.item.consultation;
    let page = Page::new(
        &state,
        &session,
        &format!("/consultations/{}/proposals/new", c.slug),
    );
    render(&FormPage {
        page,
        consultation_title: c.title.clone(),
        slug: c.slug.clone(),
        form: FormData::default(),
        errors: ValidationErrors::new(),
        premoderation: ctx.settings.premoderation,
    })
}

async fn create(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let input = ProposalInput {
        title: form.get("title").to_owned(),
        summary: form.get("summary").to_owned(),
        body: form.get("body").to_owned(),
        tags: form.get("tags").to_owned(),
    };
    match inspraak_app::proposals::submit(&state.app, session.caller(), &slug, input).await {
        Ok(created) => {
            let pending = proposals::state_of(&created) == ProposalState::Pending;
            let notice = if pending {
                "proposal_pending"
            } else {
                "proposal_created"
            };
            Ok(Redirect::to(&format!("/proposals/{}?notice={notice}", created.id)).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let ctx = ConsultationContext::load(&state.app, session.caller(), &slug).await?;
            let c = &ctx.item.consultation;
            let page = Page::new(
                &state,
                &session,
                &format!("/consultations/{}/proposals/new", c.slug),
            );
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    page,
                    consultation_title: c.title.clone(),
                    slug: c.slug.clone(),
                    form,
                    errors,
                    premoderation: ctx.settings.premoderation,
                },
            )
        }
        Err(other) => Err(other.into()),
    }
}

struct AnswerView {
    status: String,
    html: String,
    when: String,
}

#[derive(Template)]
#[template(path = "proposals/detail.html")]
struct DetailPage {
    page: Page,
    p: ProposalView,
    consultation_title: String,
    consultation_slug: String,
    answers: Vec<AnswerView>,
    comments: Vec<CommentView>,
    can_support: bool,
    support_refusal: Option<String>,
    can_comment: bool,
    comment_refusal: Option<String>,
    is_admin: bool,
    statuses: Vec<(String, String)>,
    answer_form: FormData,
    errors: ValidationErrors,
    show_text: bool,
    stances: Vec<(&'static str, String)>,
    /// The budget project made from this proposal: its id and title.
    project: Option<(String, String)>,
    /// Where we forwarded it.
    forwards: Vec<super::forwards::ForwardItem>,
    /// Who forwarded it to us, when it was made from a forward.
    forwarded_from: Option<super::forwards::ForwardItem>,
    /// Whether staff may forward it (a published proposal of ours).
    can_forward: bool,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn detail_page(
    state: &AppState,
    session: &Session,
    id: &str,
    notice: Option<&str>,
    answer_form: FormData,
    errors: ValidationErrors,
) -> Result<DetailPage, WebError> {
    let p = proposals::find(&state.db.conn, id).await?;
    if !inspraak_app::participation::proposal_visible(&p, session.caller()) {
        return Err(WebError::NotFound("proposal"));
    }
    let ctx = ConsultationContext::load(&state.app, session.caller(), &p.consultation_id).await?;
    let c = &ctx.item.consultation;
    let page = Page::new(state, session, &format!("/proposals/{id}")).with_notice(notice);
    let custom = proposals::custom_statuses(&state.db.conn, &c.id).await?;
    let view = views(
        state,
        session,
        &page,
        std::slice::from_ref(&p),
        c.support_threshold,
        &custom,
    )
    .await?
    .pop()
    .ok_or(WebError::NotFound("proposal"))?;
    let answers = proposals::answers(&state.db.conn, id)
        .await?
        .into_iter()
        .map(|a| AnswerView {
            status: status_label(&a.status_key, &custom, page.t),
            html: a.answer_html,
            when: page.moment(a.created_at),
        })
        .collect();
    let item_open = open_for_participation(proposals::state_of(&p), p.hidden_at.is_some());
    let refusal = |action: Action| -> Option<String> {
        match (ctx.refusal(session.caller(), action), item_open) {
            (Some(r), _) => Some(page.t(&format!("refusal.{}", r.code())).to_owned()),
            (_, Err(r)) => Some(page.t(&format!("refusal.{}", r.code())).to_owned()),
            _ => None,
        }
    };
    let support_refusal = refusal(Action::Support);
    let comment_refusal = refusal(Action::Comment);
    let comments = comments::thread_views(state, session, &page, &ctx, Some(id)).await?;
    let mut statuses: Vec<(String, String)> = AnswerStatus::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_owned(),
                page.t(&format!("status.{}", s.as_str())).to_owned(),
            )
        })
        .collect();
    statuses.extend(
        custom
            .iter()
            .map(|s| (format!("custom:{}", s.id), s.label.clone())),
    );
    let show_text = view.hidden_reason.is_none() || session.caller().is_staff();
    let stances = comments::stance_choices(&page);
    let project = inspraak_db::budgets::project_of_proposal(&state.db.conn, id)
        .await?
        .map(|project| (project.id, project.title));
    let forwards = inspraak_app::forwarding::of_proposal(&state.app, id).await?;
    let forwards = super::forwards::items(&page, forwards);
    let forwarded_from = inspraak_app::forwarding::origin_of(&state.app, id)
        .await?
        .map(|f| {
            super::forwards::item(
                &page,
                inspraak_app::forwarding::ForwardView {
                    forward: f,
                    events: Vec::new(),
                },
            )
        });
    let can_forward = session.caller().is_admin() && p.local && view.state == "published";
    Ok(DetailPage {
        forwards,
        forwarded_from,
        can_forward,
        project,
        stances,
        consultation_title: c.title.clone(),
        consultation_slug: c.slug.clone(),
        answers,
        comments,
        can_support: support_refusal.is_none(),
        support_refusal,
        can_comment: comment_refusal.is_none(),
        comment_refusal,
        is_admin: session.caller().is_admin(),
        statuses,
        answer_form,
        errors,
        show_text,
        p: view,
        page,
    })
}

async fn detail(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    // The same URL is the proposal's page for people and its `Page` for servers.
    if super::federation::accepts_activity_json(&headers) {
        let p = proposals::find(&state.db.conn, &id).await?;
        return super::activitypub::object_response(
            &state,
            inspraak_db::remote_content::Found::Proposal(p),
        )
        .await;
    }
    render(
        &detail_page(
            &state,
            &session,
            &id,
            q.notice.as_deref(),
            FormData::default(),
            ValidationErrors::new(),
        )
        .await?,
    )
}

async fn support(
    State(state): State<AppState>,
    Path(id): Path<ProposalId>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    let added =
        inspraak_app::proposals::set_support(&state.app, session.caller(), &id, true).await?;
    let notice = if added {
        "supported"
    } else {
        "already_supported"
    };
    Ok(Redirect::to(&format!("/proposals/{id}?notice={notice}")).into_response())
}

async fn unsupport(
    State(state): State<AppState>,
    Path(id): Path<ProposalId>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    inspraak_app::proposals::set_support(&state.app, session.caller(), &id, false).await?;
    Ok(Redirect::to(&format!("/proposals/{id}?notice=unsupported")).into_response())
}

async fn withdraw(
    State(state): State<AppState>,
    Path(id): Path<ProposalId>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    inspraak_app::proposals::withdraw(&state.app, session.caller(), &id).await?;
    Ok(Redirect::to(&format!("/proposals/{id}?notice=withdrawn")).into_response())
}

async fn answer(
    State(state): State<AppState>,
    Path(id): Path<ProposalId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let status = form.get("status").to_owned();
    let text = form.get("answer").to_owned();
    match inspraak_app::proposals::answer(&state.app, session.caller(), &id, &status, &text).await {
        Ok(()) => Ok(Redirect::to(&format!("/proposals/{id}?notice=answered")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = detail_page(&state, &session, &id, None, form, errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}
