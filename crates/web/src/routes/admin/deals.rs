//! Province deals in the admin area. On a province: make deals, and accept, reject or
//! remove the municipalities that apply. On a municipality: apply to a deal by its handle,
//! see the answer, and leave.

use crate::csrf::CsrfForm;
use crate::page::{Page, render};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::deals::{self, Dashboard, DealInput, Decision};
use inspraak_app::{AppError, memberships};
use inspraak_db::entity::membership;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/deals", get(overview).post(create))
        .route("/deals/apply", post(apply))
        .route("/deals/{id}", get(manage))
        .route("/deals/{id}/members/{member}/{decision}", post(decide))
        .route("/memberships/{id}/leave", post(leave))
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/deals.html")]
struct DealsPage {
    page: Page,
    is_province: bool,
    deals: Vec<Dashboard>,
    memberships: Vec<membership::Model>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/deal_members.html")]
struct MembersPage {
    page: Page,
    deal: Dashboard,
    joint_votes: Vec<inspraak_db::entity::joint_vote::Model>,
}

fn back(path: &str, notice: &str) -> Response {
    Redirect::to(&format!("{path}?notice={notice}")).into_response()
}

fn back_with_error(path: &str, message: &str) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(message.as_bytes()).collect();
    Redirect::to(&format!("{path}?error={encoded}")).into_response()
}

async fn overview(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let page = Page::new(&state, &session, "/admin/deals").with_notice(q.notice.as_deref());
    let view = DealsPage {
        is_province: state.config.instance_kind == "province",
        deals: deals::list(&state.app).await?,
        memberships: memberships::list(&state.app).await?,
        error: q.error.filter(|e| e.len() < 300),
        page,
    };
    render(&view)
}

async fn create(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let input = DealInput {
        name: form.get("name").to_owned(),
        slug: form.get("slug").to_owned(),
        summary: form.get("summary").to_owned(),
    };
    let made = deals::create(&state.app, session.caller(), &input).await?;
    Ok(back(&format!("/admin/deals/{}", made.id), "deal_created"))
}

async fn manage(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let deal = deals::dashboard(&state.app, &id).await?;
    let page =
        Page::new(&state, &session, &format!("/admin/deals/{id}")).with_notice(q.notice.as_deref());
    let joint_votes = inspraak_app::joint_votes::of_deal(&state.app, &deal.id).await?;
    render(&MembersPage {
        page,
        deal,
        joint_votes,
    })
}

async fn decide(
    State(state): State<AppState>,
    Path((id, member, decision)): Path<(String, String, String)>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    let (decision, notice) = match decision.as_str() {
        "accept" => (Decision::Accept, "member_accepted"),
        "reject" => (Decision::Reject, "member_rejected"),
        "remove" => (Decision::Remove, "member_removed"),
        _ => return Err(WebError::NotFound("page")),
    };
    deals::decide(&state.app, session.caller(), &id, &member, decision).await?;
    Ok(back(&format!("/admin/deals/{id}"), notice))
}

async fn apply(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    match memberships::apply(&state.app, session.caller(), form.get("deal")).await {
        Ok(_) => Ok(back("/admin/deals", "deal_applied")),
        Err(AppError::Invalid(_)) => {
            let page = Page::new(&state, &session, "/admin/deals");
            Ok(back_with_error("/admin/deals", page.t("deals.apply_hint")))
        }
        Err(AppError::BadRequest(reason)) => Ok(back_with_error("/admin/deals", &reason)),
        Err(AppError::Conflict(_)) => {
            let page = Page::new(&state, &session, "/admin/deals");
            Ok(back_with_error(
                "/admin/deals",
                page.t("deals.already_applied"),
            ))
        }
        Err(other) => Err(other.into()),
    }
}

async fn leave(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    memberships::leave(&state.app, session.caller(), &id).await?;
    Ok(back("/admin/deals", "deal_left"))
}
