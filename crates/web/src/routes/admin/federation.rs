//! The admin's view of federation: whom we follow (and following by handle or URL), who
//! follows us, the delivery queue per remote host, and blocked domains (by hand or from a
//! subscribed list; CSV import and export are in `blocklists`).

use crate::csrf::CsrfForm;
use crate::page::{Page, render};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::{AppError, federation_admin};
use inspraak_db::{domain_blocks, follows, outbox, remote_actors};
use inspraak_federation::actors;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/federation", get(overview))
        .route("/federation/follow", post(follow_remote))
        .route("/federation/unfollow", post(unfollow_remote))
        .route("/federation/block", post(block))
        .route("/federation/unblock", post(unblock))
        .route("/federation/retry", post(retry))
}

struct FollowingRow {
    ap_id: String,
    name: String,
    handle: String,
    kind: String,
    accepted: bool,
}

struct QueueRow {
    host: String,
    pending: u64,
    failing: u64,
    dead: u64,
    delivered: u64,
    next_attempt: String,
    last_error: String,
}

struct BlockRow {
    host: String,
    reason: String,
    severity: String,
    manual: bool,
    since: String,
}

#[derive(Template)]
#[template(path = "admin/federation.html")]
struct FederationPage {
    page: Page,
    lead: String,
    following: Vec<FollowingRow>,
    followers: Vec<(String, i64)>,
    queue: Vec<QueueRow>,
    blocks: Vec<BlockRow>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct OverviewQuery {
    notice: Option<String>,
    error: Option<String>,
}

async fn overview(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let db = &state.db.conn;
    let page = Page::new(&state, &session, "/admin/federation").with_notice(q.notice.as_deref());
    let organization = actors::organization_id(&state.config.public_url)?;
    let mut following = Vec::new();
    for f in follows::following(db, organization.as_str()).await? {
        let remote = remote_actors::find(db, &f.followed).await?;
        following.push(FollowingRow {
            name: remote
                .as_ref()
                .map(|r| r.display_name.clone())
                .unwrap_or_else(|| f.followed.clone()),
            handle: remote
                .as_ref()
                .map(|r| format!("@{}@{}", r.username, r.host))
                .unwrap_or_default(),
            kind: remote.map(|r| r.kind).unwrap_or_default(),
            accepted: f.accepted_at.is_some(),
            ap_id: f.followed,
        });
    }
    let queue = outbox::queue_by_host(db)
        .await?
        .into_iter()
        .map(|h| QueueRow {
            next_attempt: h
                .next_attempt_at
                .map(|at| page.moment(at))
                .unwrap_or_default(),
            last_error: h.last_error.unwrap_or_default(),
            host: h.host,
            pending: h.pending,
            failing: h.failing,
            dead: h.dead,
            delivered: h.delivered,
        })
        .collect();
    let blocks = domain_blocks::list(db)
        .await?
        .into_iter()
        .map(|b| BlockRow {
            since: page.moment(b.created_at),
            severity: page
                .t(&format!("blocklists.severity_{}", b.severity))
                .to_owned(),
            manual: b.manual,
            host: b.host,
            reason: b.reason,
        })
        .collect();
    let handle = format!(
        "@{}@{}",
        actors::organization_username(&state.config.instance_kind),
        inspraak_federation::discovery::handle_host(&state.config.public_url)
    );
    let view = FederationPage {
        lead: page.t("federation.lead").replace("{handle}", &handle),
        following,
        followers: follows::follower_counts(db, organization.as_str()).await?,
        queue,
        blocks,
        error: q.error.filter(|e| e.len() < 300),
        page,
    };
    render(&view)
}

fn back(notice: &str) -> Response {
    Redirect::to(&format!("/admin/federation?notice={notice}")).into_response()
}

fn back_with_error(message: &str) -> Response {
    let encoded: String = url::form_urlencoded::byte_serialize(message.as_bytes()).collect();
    Redirect::to(&format!("/admin/federation?error={encoded}")).into_response()
}

async fn follow_remote(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    match federation_admin::follow(&state.app, session.caller(), form.get("target")).await {
        Ok(()) => Ok(back("followed")),
        Err(AppError::Invalid(_)) => Ok(back_with_error(
            "Geef een handle (@naam@domein) of een adres.",
        )),
        Err(AppError::BadRequest(reason)) => Ok(back_with_error(&reason)),
        Err(other) => Err(other.into()),
    }
}

async fn unfollow_remote(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    federation_admin::unfollow(&state.app, session.caller(), form.get("actor")).await?;
    Ok(back("unfollowed"))
}

async fn block(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let (host, reason) = (form.get("host"), form.get("reason"));
    match federation_admin::block_domain(&state.app, session.caller(), host, reason).await {
        Ok(()) => Ok(back("domain_blocked")),
        Err(AppError::Invalid(_)) => Ok(back_with_error(
            "Geef een geldige domeinnaam, bijvoorbeeld spam.example.",
        )),
        Err(other) => Err(other.into()),
    }
}

async fn unblock(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    federation_admin::unblock_domain(&state.app, session.caller(), form.get("host")).await?;
    Ok(back("domain_unblocked"))
}

async fn retry(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    federation_admin::retry_host(&state.app, session.caller(), form.get("host")).await?;
    Ok(back("retrying"))
}
