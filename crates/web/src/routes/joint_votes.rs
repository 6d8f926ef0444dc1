//! Joint votes in public. On the organizer: the results page (per member and in total) and
//! each counted tally as the member signed it, with the key it verified with, for offline
//! checking; the vote as a `JointVote` for servers. On a member: its own signed tally.

use super::federation::{accepts_activity_json, activity_json};
use crate::page::{Page, render};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use inspraak_app::joint_votes::{self, JointVoteResults};
use inspraak_federation::protocol::context::WithContext;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/joint-votes/{id}", get(results))
        .route("/joint-votes/{id}/tallies/{member}", get(tally_bundle))
        .route("/joint-votes/tallies/{invite}", get(own_tally))
}

#[derive(Template)]
#[template(path = "joint_votes/results.html")]
struct ResultsPage {
    page: Page,
    vote: JointVoteResults,
}

async fn results(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    if accepts_activity_json(&headers) {
        let row = inspraak_db::joint_votes::find(&state.db.conn, &id).await?;
        let deal = inspraak_db::deals::find(&state.db.conn, &row.deal_id).await?;
        let deal_url = url::Url::parse(&deal.ap_id).map_err(WebError::internal)?;
        let doc = inspraak_federation::joint_votes::document(&state.federation, &row, &deal_url)
            .map_err(super::federation::federation_error)?;
        return Ok(activity_json(&WithContext::new(&doc)));
    }
    let vote = joint_votes::results(&state.app, &id).await?;
    render(&ResultsPage {
        page: Page::new(&state, &session, &format!("/joint-votes/{id}")),
        vote,
    })
}

async fn tally_bundle(
    State(state): State<AppState>,
    Path((id, member)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let member = member.trim_end_matches(".json");
    let bundle = joint_votes::tally_bundle(&state.app, &id, member).await?;
    Ok(axum::Json(bundle).into_response())
}

async fn own_tally(
    State(state): State<AppState>,
    Path(invite): Path<String>,
) -> Result<Response, WebError> {
    let tally = joint_votes::own_tally(&state.app, &invite).await?;
    Ok(activity_json(&tally))
}
