//! Comments and replies on consultations, proposals and budget projects: writing, editing
//! within the window, deleting, and the thread as pages show it.

use super::proposals::hidden_text;
use crate::csrf::CsrfForm;
use crate::form::FormData;
use crate::page::{Page, render, render_status};
use crate::participation::ConsultationContext;
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use inspraak_app::AppError;
use inspraak_app::comments::CommentOn;
use inspraak_db::entity::comment;
use inspraak_db::{comments, proposals, users};
use inspraak_domain::ValidationErrors;
use inspraak_domain::comment::{CommentState, Stance, within_edit_window};
use inspraak_domain::ids::{CommentId, ProposalId};
use inspraak_domain::participation::Action;
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/consultations/{slug}/comments",
            post(comment_on_consultation),
        )
        .route("/proposals/{id}/comments", post(comment_on_proposal))
        .route("/projects/{id}/comments", post(comment_on_project))
        .route("/comments/{id}/reply", get(reply_form).post(reply))
        .route("/comments/{id}/edit", get(edit_form).post(edit))
        .route("/comments/{id}/delete", post(delete))
}

/// One comment as a thread shows it, in reading order with its depth.
pub struct CommentView {
    /// Id, also the anchor `comment-{id}`.
    pub id: String,
    /// Author's public name.
    pub author: String,
    /// `for`, `against`, `neutral`.
    pub stance: String,
    /// The stance in words.
    pub stance_label: String,
    /// Sanitised text.
    pub html: String,
    /// Written, formatted.
    pub created: String,
    /// Edited after writing.
    pub edited: bool,
    /// 0 for top level.
    pub depth: i32,
    /// Deleted by its author; a placeholder keeps the replies in place.
    pub deleted: bool,
    /// Why moderation hid it.
    pub hidden_reason: Option<String>,
    /// Waiting for a moderator (shown to staff and the author only).
    pub pending: bool,
    /// The visitor may edit it now.
    pub can_edit: bool,
    /// The visitor may delete it.
    pub can_delete: bool,
    /// The visitor may reply.
    pub can_reply: bool,
    /// The visitor may report it.
    pub can_report: bool,
    /// The text is shown (not hidden, or the visitor is staff).
    pub show_text: bool,
}

/// The thread of a consultation (`proposal_id` `None`) or of a proposal, in reading order:
/// each comment followed by its replies.
pub async fn thread_views(
    state: &AppState,
    session: &Session,
    page: &Page,
    ctx: &ConsultationContext,
    proposal_id: Option<&str>,
) -> Result<Vec<CommentView>, WebError> {
    let rows = comments::thread(&state.db.conn, ctx.id(), proposal_id).await?;
    views_of(state, session, page, ctx, rows).await
}

/// The thread of a budget project, in reading order: each comment followed by its replies.
pub async fn project_thread_views(
    state: &AppState,
    session: &Session,
    page: &Page,
    ctx: &ConsultationContext,
    project_id: &str,
) -> Result<Vec<CommentView>, WebError> {
    let rows = comments::project_thread(&state.db.conn, project_id).await?;
    views_of(state, session, page, ctx, rows).await
}

/// One thread's comments as the visitor may see them, in reading order.
async fn views_of(
    state: &AppState,
    session: &Session,
    page: &Page,
    ctx: &ConsultationContext,
    rows: Vec<comment::Model>,
) -> Result<Vec<CommentView>, WebError> {
    let rows: Vec<comment::Model> = rows
        .into_iter()
        .filter(|c| inspraak_app::participation::comment_visible(c, session.caller()))
        .collect();
    let authors =
        users::display_names(&state.db.conn, rows.iter().map(|c| c.author_id.clone())).await?;
    let mut children: HashMap<Option<String>, Vec<&comment::Model>> = HashMap::new();
    let ids: std::collections::HashSet<&str> = rows.iter().map(|c| c.id.as_str()).collect();
    for row in &rows {
        // A reply whose parent is not visible to this reader is not shown either.
        if row.parent_id.as_deref().is_some_and(|p| !ids.contains(p)) {
            continue;
        }
        children.entry(row.parent_id.clone()).or_default().push(row);
    }
    let may_comment = ctx.may(session.caller(), Action::Comment);
    let now = Utc::now();
    let staff = session.caller().is_staff();
    let mut out = Vec::new();
    let mut stack: Vec<&comment::Model> = children
        .get(&None)
        .map(|v| v.iter().rev().copied().collect())
        .unwrap_or_default();
    while let Some(c) = stack.pop() {
        if let Some(replies) = children.get(&Some(c.id.clone())) {
            stack.extend(replies.iter().rev().copied());
        }
        let own = session.user.as_ref().is_some_and(|u| u.id == c.author_id);
        let state = comments::state_of(c);
        let deleted = state == CommentState::Deleted;
        let hidden = c.hidden_at.is_some();
        let pending = state == CommentState::Pending;
        let active = !deleted && !hidden && !pending;
        out.push(CommentView {
            id: c.id.clone(),
            author: if deleted {
                String::new()
            } else {
                authors.get(&c.author_id).cloned().unwrap_or_default()
            },
            stance: c.stance.clone(),
            stance_label: page.t(&format!("stance.{}", c.stance)).to_owned(),
            html: c.body_html.clone(),
            created: page.moment(c.created_at),
            edited: c.edited_at.is_some(),
            depth: c.depth,
            deleted,
            hidden_reason: hidden_text(page, c.hidden_reason.as_deref().filter(|_| hidden)),
            pending,
            can_edit: own && !deleted && within_edit_window(c.created_at, now),
            can_delete: own && !deleted,
            can_reply: may_comment && active,
            can_report: session.user.is_some() && active && !own,
            show_text: !deleted && (!hidden || staff),
        });
    }
    Ok(out)
}

/// The stances as form choices: value and label.
pub fn stance_choices(page: &Page) -> Vec<(&'static str, String)> {
    Stance::ALL
        .iter()
        .map(|s| {
            (
                s.as_str(),
                page.t(&format!("stance.{}", s.as_str())).to_owned(),
            )
        })
        .collect()
}

/// What the comment form is doing.
enum Mode {
    /// A new top-level comment on a consultation or proposal.
    New { title: String },
    /// A reply to someone.
    Reply { to: String, quote: String },
    /// Editing one's own comment.
    Edit,
}

/// Where the comment form is shown and where it goes.
struct FormContext {
    /// What it is for.
    mode: Mode,
    /// Where it posts.
    action: String,
    /// Where "back" leads.
    back: String,
}

#[derive(Template)]
#[template(path = "comments/form.html")]
struct FormPage {
    page: Page,
    heading: String,
    quote: Option<(String, String)>,
    action: String,
    back: String,
    form: FormData,
    errors: ValidationErrors,
    stances: Vec<(&'static str, String)>,
}

fn form_page(
    state: &AppState,
    session: &Session,
    fc: FormContext,
    form: FormData,
    errors: ValidationErrors,
) -> FormPage {
    let FormContext { mode, action, back } = fc;
    let page = Page::new(state, session, &action);
    let (heading, quote) = match mode {
        Mode::New { title } => (page.t("comments.new_on").replace("{title}", &title), None),
        Mode::Reply { to, quote } => (
            page.t("comments.reply_to").replace("{name}", &to),
            Some((to, quote)),
        ),
        Mode::Edit => (page.t("comments.edit").to_owned(), None),
    };
    let stances = stance_choices(&page);
    FormPage {
        page,
        heading,
        quote,
        action,
        back,
        form,
        errors,
        stances,
    }
}

/// Where a comment is read: its proposal's, project's or consultation's page, at its anchor.
pub(crate) async fn thread_url(state: &AppState, c: &comment::Model) -> Result<String, WebError> {
    Ok(match (&c.proposal_id, &c.budget_project_id) {
        (Some(p), _) => format!("/proposals/{p}#comment-{}", c.id),
        (None, Some(p)) => format!("/projects/{p}#comment-{}", c.id),
        (None, None) => {
            let consultation =
                inspraak_db::consultations::find(&state.db.conn, &c.consultation_id).await?;
            format!("/consultations/{}#comment-{}", consultation.slug, c.id)
        }
    })
}

/// Writes the comment through the shared action and answers like a form: back to the thread,
/// or the form again with what was typed when something is wrong.
async fn post_and_answer(
    state: &AppState,
    session: &Session,
    on: CommentOn<'_>,
    form: FormData,
    fc: FormContext,
) -> Result<Response, WebError> {
    match inspraak_app::comments::post(
        &state.app,
        session.caller(),
        on,
        form.get("body"),
        form.get("stance"),
    )
    .await
    {
        Ok(created) => {
            let url = thread_url(state, &created).await?;
            let notice = if comments::state_of(&created) == CommentState::Pending {
                "comment_pending"
            } else {
                "comment_posted"
            };
            let (path, anchor) = url.split_once('#').unwrap_or((&url, ""));
            Ok(Redirect::to(&format!("{path}?notice={notice}#{anchor}")).into_response())
        }
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(state, session, fc, form, errors),
        ),
        Err(other) => Err(other.into()),
    }
}

async fn comment_on_consultation(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    // A project page's form may post here with the project named.
    let project = form.get("project").trim().to_owned();
    if !project.is_empty() {
        return project_comment(&state, &session, &project, form).await;
    }
    let ctx = ConsultationContext::load(&state.app, session.caller(), &slug).await?;
    let c = &ctx.item.consultation;
    let fc = FormContext {
        mode: Mode::New {
            title: c.title.clone(),
        },
        action: format!("/consultations/{}/comments", c.slug),
        back: format!("/consultations/{}", c.slug),
    };
    post_and_answer(&state, &session, CommentOn::Consultation(&slug), form, fc).await
}

async fn comment_on_proposal(
    State(state): State<AppState>,
    Path(id): Path<ProposalId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let p = proposals::find(&state.db.conn, &id).await?;
    if !inspraak_app::participation::proposal_visible(&p, session.caller()) {
        return Err(WebError::NotFound("proposal"));
    }
    let fc = FormContext {
        mode: Mode::New {
            title: p.title.clone(),
        },
        action: format!("/proposals/{id}/comments"),
        back: format!("/proposals/{id}"),
    };
    post_and_answer(&state, &session, CommentOn::Proposal(&id), form, fc).await
}

async fn comment_on_project(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    project_comment(&state, &session, &id, form).await
}

/// A comment on a budget project, from its page's form.
async fn project_comment(
    state: &AppState,
    session: &Session,
    id: &str,
    form: FormData,
) -> Result<Response, WebError> {
    let project = inspraak_db::budgets::find_project(&state.db.conn, id).await?;
    let fc = FormContext {
        mode: Mode::New {
            title: project.title.clone(),
        },
        action: format!("/projects/{}/comments", project.id),
        back: format!("/projects/{}", project.id),
    };
    post_and_answer(state, session, CommentOn::Project(&project.id), form, fc).await
}

async fn reply_mode(state: &AppState, parent: &comment::Model) -> Result<Mode, WebError> {
    let names = users::display_names(&state.db.conn, [parent.author_id.clone()]).await?;
    Ok(Mode::Reply {
        to: names.get(&parent.author_id).cloned().unwrap_or_default(),
        quote: parent.body_markdown.clone(),
    })
}

async fn reply_form(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<CommentId>,
) -> Result<Response, WebError> {
    let (parent, ctx) =
        inspraak_app::comments::answerable(&state.app, session.caller(), &id).await?;
    ctx.check(session.caller(), Action::Comment)?;
    let back = thread_url(&state, &parent).await?;
    let mode = reply_mode(&state, &parent).await?;
    render(&form_page(
        &state,
        &session,
        FormContext {
            mode,
            action: format!("/comments/{id}/reply"),
            back,
        },
        FormData::default(),
        ValidationErrors::new(),
    ))
}

async fn reply(
    State(state): State<AppState>,
    Path(id): Path<CommentId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let (parent, _) = inspraak_app::comments::answerable(&state.app, session.caller(), &id).await?;
    let fc = FormContext {
        mode: reply_mode(&state, &parent).await?,
        action: format!("/comments/{id}/reply"),
        back: thread_url(&state, &parent).await?,
    };
    post_and_answer(&state, &session, CommentOn::Reply(&id), form, fc).await
}

async fn edit_form(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<CommentId>,
) -> Result<Response, WebError> {
    let c = inspraak_app::comments::own_editable(&state.app, session.caller(), &id).await?;
    let back = thread_url(&state, &c).await?;
    let form = FormData::from_pairs([
        ("body", c.body_markdown.clone()),
        ("stance", c.stance.clone()),
    ]);
    render(&form_page(
        &state,
        &session,
        FormContext {
            mode: Mode::Edit,
            action: format!("/comments/{id}/edit"),
            back,
        },
        form,
        ValidationErrors::new(),
    ))
}

async fn edit(
    State(state): State<AppState>,
    Path(id): Path<CommentId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let c = inspraak_app::comments::own_editable(&state.app, session.caller(), &id).await?;
    let back = thread_url(&state, &c).await?;
    let edited = inspraak_app::comments::edit(
        &state.app,
        session.caller(),
        &id,
        form.get("body"),
        form.get("stance"),
    )
    .await;
    match edited {
        Ok(()) => Ok(Redirect::to(&back).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = form_page(
                &state,
                &session,
                FormContext {
                    mode: Mode::Edit,
                    action: format!("/comments/{id}/edit"),
                    back,
                },
                form,
                errors,
            );
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<CommentId>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    let c = inspraak_db::comments::find(&state.db.conn, &id).await?;
    let back = thread_url(&state, &c).await?;
    inspraak_app::comments::delete(&state.app, session.caller(), &id).await?;
    let path = back.split('#').next().unwrap_or("/");
    Ok(Redirect::to(&format!("{path}?notice=comment_deleted")).into_response())
}
