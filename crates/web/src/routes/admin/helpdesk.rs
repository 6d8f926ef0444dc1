//! Registering this instance with the national helpdesk (`/admin/helpdesk`): the admin gives
//! the helpdesk's handle or address, our organization follows the helpdesk's, and the page
//! shows whether the helpdesk accepted and follows back.

use crate::csrf::CsrfForm;
use crate::form::FormData;
use crate::page::{Page, render, render_status};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use inspraak_app::AppError;
use inspraak_app::helpdesk::{self, Registration};
use inspraak_domain::ValidationErrors;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/helpdesk", get(overview).post(register))
}

#[derive(Template)]
#[template(path = "admin/helpdesk.html")]
struct HelpdeskPage {
    page: Page,
    registrations: Vec<Registration>,
    form: FormData,
    errors: ValidationErrors,
    failure: Option<String>,
}

#[derive(Deserialize)]
struct OverviewQuery {
    notice: Option<String>,
}

async fn page_for(
    state: &AppState,
    session: &Session,
    notice: Option<&str>,
    form: FormData,
    errors: ValidationErrors,
    failure: Option<String>,
) -> Result<HelpdeskPage, WebError> {
    let registrations = helpdesk::registrations(&state.app, session.caller()).await?;
    Ok(HelpdeskPage {
        page: Page::new(state, session, "/admin/helpdesk").with_notice(notice),
        registrations,
        form,
        errors,
        failure,
    })
}

async fn overview(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let view = page_for(
        &state,
        &session,
        q.notice.as_deref(),
        FormData::default(),
        ValidationErrors::new(),
        None,
    )
    .await?;
    render(&view)
}

/// Registers with the helpdesk; a target that does not fit, or cannot be reached, is shown
/// again on the form (422, or 400 with the reason) and nothing is stored.
async fn register(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let (status, errors, failure) =
        match helpdesk::register(&state.app, session.caller(), form.get("target")).await {
            Ok(()) => {
                return Ok(
                    Redirect::to("/admin/helpdesk?notice=helpdesk_registered").into_response()
                );
            }
            Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
            Err(AppError::BadRequest(reason)) => (
                StatusCode::BAD_REQUEST,
                ValidationErrors::new(),
                Some(reason),
            ),
            Err(other) => return Err(other.into()),
        };
    let view = page_for(&state, &session, None, form, errors, failure).await?;
    render_status(status, &view)
}
