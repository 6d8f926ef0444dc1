//! Forwarded proposals in the admin area: the queue of proposals other organizations
//! forwarded to us (accept into a consultation, or decline with a reason), the forwards we
//! sent, and the form post that forwards one of our proposals (the form is on its page).

use crate::csrf::CsrfForm;
use crate::page::{Page, render};
use crate::routes::forwards::{ForwardItem, items};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::AppError;
use inspraak_app::forwarding;
use inspraak_domain::forward::Direction;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/forwards", get(overview))
        .route("/forwards/{id}/accept", post(accept))
        .route("/forwards/{id}/decline", post(decline))
        .route("/proposals/{id}/forward", post(send))
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/forwards.html")]
struct ForwardsPage {
    page: Page,
    received: Vec<ForwardItem>,
    sent: Vec<ForwardItem>,
    /// Our published consultations: id and title.
    consultations: Vec<(String, String)>,
    error: Option<String>,
}

fn back(notice: &str) -> Response {
    Redirect::to(&format!("/admin/forwards?notice={notice}")).into_response()
}

fn back_with_error(message: &str) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(message.as_bytes()).collect();
    Redirect::to(&format!("/admin/forwards?error={encoded}")).into_response()
}

/// A refusal the staff can act on goes back to the queue with its reason; the rest is an
/// error page.
fn refused(state: &AppState, session: &Session, err: AppError) -> Result<Response, WebError> {
    let page = Page::new(state, session, "/admin/forwards");
    match err {
        AppError::BadRequest(reason) => Ok(back_with_error(&reason)),
        AppError::Invalid(errors) => {
            let field = errors.0.first().map(|e| e.field.as_str()).unwrap_or("form");
            Ok(back_with_error(
                page.t(&format!("forwards.invalid_{field}")),
            ))
        }
        AppError::Conflict(_) => Ok(back_with_error(page.t("forwards.already_forwarded"))),
        other => Err(other.into()),
    }
}

async fn overview(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let caller = session.caller();
    let page = Page::new(&state, &session, "/admin/forwards").with_notice(q.notice.as_deref());
    let received = forwarding::list(&state.app, caller, Direction::Received).await?;
    let sent = forwarding::list(&state.app, caller, Direction::Sent).await?;
    let consultations = forwarding::open_consultations(&state.app)
        .await?
        .into_iter()
        .map(|c| (c.id, c.title))
        .collect();
    let view = ForwardsPage {
        received: items(&page, received),
        sent: items(&page, sent),
        consultations,
        error: q.error.filter(|e| e.len() < 300),
        page,
    };
    render(&view)
}

async fn send(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let caller = session.caller();
    match forwarding::forward(
        &state.app,
        caller,
        &id,
        form.get("target"),
        form.get("note"),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/proposals/{id}?notice=forwarded")).into_response()),
        Err(err) => refused(&state, &session, err),
    }
}

async fn accept(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let consultation = form.get("consultation");
    match forwarding::accept(&state.app, session.caller(), &id, consultation).await {
        Ok(_) => Ok(back("forward_accepted")),
        Err(err) => refused(&state, &session, err),
    }
}

async fn decline(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    match forwarding::decline(&state.app, session.caller(), &id, form.get("reason")).await {
        Ok(_) => Ok(back("forward_declined")),
        Err(err) => refused(&state, &session, err),
    }
}
