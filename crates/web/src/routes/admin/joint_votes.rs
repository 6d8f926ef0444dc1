//! Joint votes in the admin area. On a province: open a joint vote for a deal's members.
//! On a member: the invitations, taken part in (with the consultation whose poll residents
//! vote in) or declined.

use crate::csrf::CsrfForm;
use crate::page::{Page, render};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::AppError;
use inspraak_app::joint_votes::{self, JointVoteForm};
use inspraak_db::consultations::Visibility;
use inspraak_db::entity::joint_vote_invite;
use inspraak_domain::ids::ConsultationId;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/joint-votes", get(invites))
        .route("/joint-votes/{id}/take-part", post(take_part))
        .route("/joint-votes/{id}/decline", post(decline))
        .route("/deals/{id}/joint-votes", post(create))
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/joint_votes.html")]
struct InvitesPage {
    page: Page,
    invites: Vec<joint_vote_invite::Model>,
    /// (id, title) of our consultations.
    consultations: Vec<(String, String)>,
    error: Option<String>,
}

fn with_error(path: &str, message: &str) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(message.as_bytes()).collect();
    Redirect::to(&format!("{path}?error={encoded}")).into_response()
}

async fn invites(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let page = Page::new(&state, &session, "/admin/joint-votes").with_notice(q.notice.as_deref());
    let consultations = inspraak_db::consultations::list(&state.db.conn, Visibility::All, 200, 0)
        .await?
        .into_iter()
        .map(|c| (c.consultation.id, c.consultation.title))
        .collect();
    render(&InvitesPage {
        invites: joint_votes::invites(&state.app).await?,
        consultations,
        error: q.error.filter(|e| e.len() < 300),
        page,
    })
}

async fn take_part(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let consultation = ConsultationId::from(form.get("consultation").to_owned());
    match joint_votes::take_part(&state.app, session.caller(), &id, &consultation).await {
        Ok(_) => {
            Ok(Redirect::to("/admin/joint-votes?notice=joint_vote_taking_part").into_response())
        }
        Err(AppError::BadRequest(reason)) => Ok(with_error("/admin/joint-votes", &reason)),
        Err(other) => Err(other.into()),
    }
}

async fn decline(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    match joint_votes::decline(&state.app, session.caller(), &id).await {
        Ok(()) => Ok(Redirect::to("/admin/joint-votes?notice=joint_vote_declined").into_response()),
        Err(AppError::BadRequest(reason)) => Ok(with_error("/admin/joint-votes", &reason)),
        Err(other) => Err(other.into()),
    }
}

async fn create(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let input = JointVoteForm {
        question: form.get("question").to_owned(),
        options: form.get("options").to_owned(),
        multiple: form.get("multiple") == "on",
        closes_at: form.get("closes_at").to_owned(),
    };
    let vote = joint_votes::create(&state.app, session.caller(), &id, input).await?;
    Ok(Redirect::to(&format!("/joint-votes/{}", vote.id)).into_response())
}
