//! A province's deals in public: the list, each deal's dashboard (the members' own figures,
//! their totals, weekly trends, the reuse graph and the members' new consultations), and the
//! deal as a `Group` actor on the same URL for servers, with its inbox and followers.

use super::federation::{accepts_activity_json, activity_json};
use crate::page::{Page, render};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use inspraak_app::deals::{self, Dashboard, MemberView};
use inspraak_db::follows;
use inspraak_domain::deal::MemberState;
use inspraak_domain::statistics::Counts;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/deals", get(list))
        .route("/deals/{slug}", get(dashboard))
        .route("/deals/{slug}/followers", get(followers))
}

/// One row of the members' table: a member's figures (or dashes while none arrived).
pub struct FigureRow {
    pub name: String,
    pub host: String,
    pub organization: String,
    pub reporting: bool,
    pub open: u64,
    pub finished: u64,
    pub counts: Counts,
    pub participants: u64,
    pub updated: String,
}

/// One week of the trend: each member's contributions (in the members' order) and the total,
/// with the largest week for the meter's scale.
pub struct WeekRow {
    pub starts_on: String,
    pub per_member: Vec<u64>,
    pub contributions: u64,
    pub participants: u64,
    pub max: u64,
}

#[derive(Template)]
#[template(path = "deals/dashboard.html")]
struct DashboardPage {
    page: Page,
    deal: Dashboard,
    handle: String,
    members: Vec<FigureRow>,
    weeks: Vec<WeekRow>,
    followers: u64,
}

#[derive(Template)]
#[template(path = "deals/list.html")]
struct ListPage {
    page: Page,
    deals: Vec<Dashboard>,
}

async fn list(State(state): State<AppState>, session: Session) -> Result<Response, WebError> {
    let deals = deals::list(&state.app).await?;
    render(&ListPage {
        page: Page::new(&state, &session, "/deals"),
        deals,
    })
}

fn figure_row(page: &Page, m: &MemberView) -> FigureRow {
    let s = m.statistics.as_ref();
    FigureRow {
        name: m.name.clone(),
        host: m.host.clone(),
        organization: m.organization.clone(),
        reporting: s.is_some(),
        open: s.map_or(0, |s| s.consultations.open),
        finished: s.map_or(0, |s| s.consultations.finished),
        counts: s.map(|s| s.totals).unwrap_or_default(),
        participants: s.map_or(0, |s| s.participants),
        updated: m
            .statistics_at
            .map(|at| page.moment(at))
            .unwrap_or_default(),
    }
}

async fn dashboard(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    if accepts_activity_json(&headers) {
        let deal = deals::find(&state.app, &slug).await?;
        if deal.slug != slug {
            return Err(WebError::NotFound("deal"));
        }
        let doc = deals::group_document(&state.app, &deal).await?;
        return Ok(activity_json(&doc));
    }
    let deal = deals::dashboard(&state.app, &slug).await?;
    let page = Page::new(&state, &session, &format!("/deals/{slug}"));
    let current: Vec<&MemberView> = deal
        .members
        .iter()
        .filter(|m| m.state == MemberState::Member)
        .collect();
    let members = current.iter().map(|m| figure_row(&page, m)).collect();
    let max = deal
        .totals
        .weeks
        .iter()
        .map(|w| w.contributions)
        .max()
        .unwrap_or(0)
        .max(1);
    let weeks = deal
        .totals
        .weeks
        .iter()
        .map(|w| WeekRow {
            starts_on: page.date(w.starts_on),
            per_member: current
                .iter()
                .map(|m| {
                    m.statistics
                        .iter()
                        .flat_map(|s| &s.weeks)
                        .filter(|mw| mw.starts_on == w.starts_on)
                        .map(|mw| mw.counts.sum())
                        .sum()
                })
                .collect(),
            contributions: w.contributions,
            participants: w.participants,
            max,
        })
        .collect();
    let followers = follows::count_followers(&state.db.conn, &deal.ap_id).await?;
    render(&DashboardPage {
        handle: format!("@{}@{}", deal.slug, page.host),
        page,
        deal,
        members,
        weeks,
        followers,
    })
}

async fn followers(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let deal = deals::find(&state.app, &slug).await?;
    let total = follows::count_followers(&state.db.conn, &deal.ap_id).await?;
    let id = url::Url::parse(&format!("{}/followers", deal.ap_id)).map_err(WebError::internal)?;
    let summary = inspraak_federation::protocol::objects::CollectionSummary::new(id, total);
    Ok(activity_json(&summary))
}
