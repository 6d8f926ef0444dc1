//! Guides on the national helpdesk (`/admin/guides`): staff write a title and Markdown text,
//! change it or remove it; each change goes out as an `Article` activity. On other instances
//! these routes are 404: guides arrive there from the helpdesk.

use crate::csrf::CsrfForm;
use crate::form::FormData;
use crate::page::{Page, render, render_status};
use crate::routes::helpdesk::GuideRow;
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::{AppError, guides as guide_cases};
use inspraak_db::guides;
use inspraak_domain::ValidationErrors;
use inspraak_domain::guide::GuideInput;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/guides", get(list).post(create))
        .route("/guides/{id}/edit", get(edit_form))
        .route("/guides/{id}", post(update))
        .route("/guides/{id}/delete", post(delete))
}

/// Most guides listed for staff.
const LISTED: u64 = 200;

#[derive(Template)]
#[template(path = "admin/guides.html")]
struct GuidesPage {
    page: Page,
    guides: Vec<(String, GuideRow)>,
    form: FormData,
    errors: ValidationErrors,
}

#[derive(Template)]
#[template(path = "admin/guide_edit.html")]
struct EditPage {
    page: Page,
    id: String,
    slug: String,
    form: FormData,
    errors: ValidationErrors,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

fn input_from(form: &FormData) -> GuideInput {
    GuideInput {
        title: form.get("title").to_owned(),
        body: form.get("text").to_owned(),
    }
}

async fn list_page(
    state: &AppState,
    session: &Session,
    notice: Option<&str>,
    form: FormData,
    errors: ValidationErrors,
) -> Result<GuidesPage, WebError> {
    guide_cases::may_write(&state.app, session.caller())?;
    let page = Page::new(state, session, "/admin/guides").with_notice(notice);
    let guides = guides::list(&state.db.conn, Some(true), LISTED)
        .await?
        .iter()
        .map(|g| (g.id.clone(), GuideRow::of(&page, g)))
        .collect();
    Ok(GuidesPage {
        page,
        guides,
        form,
        errors,
    })
}

async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let view = list_page(
        &state,
        &session,
        q.notice.as_deref(),
        FormData::default(),
        ValidationErrors::new(),
    )
    .await?;
    render(&view)
}

/// Publishes a guide; problems come back on the form (422) and nothing is stored.
async fn create(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    match guide_cases::create(&state.app, session.caller(), input_from(&form)).await {
        Ok(saved) => Ok(Redirect::to(&format!("/guides/{}", saved.slug)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let view = list_page(&state, &session, None, form, errors).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(other) => Err(other.into()),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let found = guide_cases::ours(&state.app, session.caller(), &id).await?;
    let form = FormData::from_pairs([
        ("title", found.title.clone()),
        ("text", found.body_markdown.clone()),
    ]);
    render(&EditPage {
        page: Page::new(&state, &session, &format!("/admin/guides/{id}/edit")),
        id,
        slug: found.slug,
        form,
        errors: ValidationErrors::new(),
    })
}

/// Changes a guide; problems come back on the form (422) and nothing changes.
async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    match guide_cases::update(&state.app, session.caller(), &id, input_from(&form)).await {
        Ok(saved) => Ok(Redirect::to(&format!("/guides/{}", saved.slug)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let found = guide_cases::ours(&state.app, session.caller(), &id).await?;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &EditPage {
                    page: Page::new(&state, &session, &format!("/admin/guides/{id}/edit")),
                    id,
                    slug: found.slug,
                    form,
                    errors,
                },
            )
        }
        Err(other) => Err(other.into()),
    }
}

async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    guide_cases::delete(&state.app, session.caller(), &id).await?;
    Ok(Redirect::to("/admin/guides?notice=guide_deleted").into_response())
}
