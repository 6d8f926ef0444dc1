//! `GET /api/v1/catalogue` on the national helpdesk: the open and upcoming consultations of
//! every instance it follows, and the processes they reuse, ranked by reuse. 404 elsewhere.

use crate::api::ApiErrorBody;
use crate::routes::helpdesk::SearchParams;
use crate::{AppState, WebError};
use axum::extract::{RawQuery, State};
use axum::response::Json;
use chrono::NaiveDate;
use inspraak_app::helpdesk;
use inspraak_domain::catalogue::{Entry, ReuseNode};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// The catalogue's search: every filter is optional, case does not matter.
#[derive(IntoParams)]
#[allow(dead_code)]
pub struct CatalogueParams {
    /// Text in the title or summary (at most 200 characters).
    q: Option<String>,
    /// A theme (with or without `#`).
    theme: Option<String>,
    /// An instance's host, with its port if it has one (`inspraak.gemeente.nl`).
    instance: Option<String>,
    /// A province (`Zuid-Holland`).
    province: Option<String>,
    /// `open` (running, or between phases), `upcoming`, `finished`, a phase kind
    /// (`information`, `proposals`, `voting`, `evaluation`, `closed`) or a phase's title.
    /// Without it: open and upcoming.
    phase: Option<String>,
}

/// The catalogue.
#[derive(Serialize, ToSchema)]
pub struct CatalogueDto {
    /// Matching consultations, newest first.
    pub consultations: Vec<CatalogueConsultation>,
    /// Matching processes, most reused first.
    pub templates: Vec<CatalogueTemplate>,
}

/// A phase of a consultation in the catalogue.
#[derive(Serialize, ToSchema)]
pub struct CataloguePhase {
    /// `information`, `proposals`, `voting`, `evaluation` or `closed`.
    pub kind: String,
    /// Its own title, if it has one.
    pub name: Option<String>,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
}

/// A consultation of a followed instance.
#[derive(Serialize, ToSchema)]
pub struct CatalogueConsultation {
    /// Its ActivityPub id (its `Group`).
    pub id: String,
    /// Title.
    pub title: String,
    /// Summary, plain text.
    pub summary: String,
    /// Its page on its own instance.
    pub url: String,
    /// Its instance's host.
    pub instance: String,
    /// The organization that runs it.
    pub organization: String,
    /// Its instance's province, if it names one.
    pub province: Option<String>,
    /// Its themes.
    pub themes: Vec<String>,
    /// The phase running today, if any.
    pub phase: Option<CataloguePhase>,
    /// `upcoming`, `active`, `between`, `finished` or `unscheduled`, on the helpdesk's today.
    pub state: String,
    /// All its phases.
    pub phases: Vec<CataloguePhase>,
    /// The consultation whose process it reuses.
    pub derived_from: Option<String>,
}

/// A reuse of a process, with its own reuses.
#[derive(Serialize, ToSchema)]
#[schema(no_recursion)]
pub struct CatalogueReuse {
    /// The reusing consultation's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its instance's host.
    pub instance: String,
    /// Its own reuses.
    pub reused_by: Vec<CatalogueReuse>,
}

/// A process that can be reused, with its origin and reuse tree.
#[derive(Serialize, ToSchema)]
pub struct CatalogueTemplate {
    /// The consultation's id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Its page; its process template is at `/consultations/{slug}/process-template.json` there.
    pub url: String,
    /// Its instance's host.
    pub instance: String,
    /// How many known consultations reuse it directly.
    pub reuse_count: usize,
    /// Where its own process came from, if it is a reuse.
    pub derived_from: Option<String>,
    /// Its reuses, each with theirs.
    pub reused_by: Vec<CatalogueReuse>,
}

fn phase_dto(p: &inspraak_domain::Phase) -> CataloguePhase {
    CataloguePhase {
        kind: p.kind.as_str().to_owned(),
        name: p.title.clone(),
        starts_on: p.starts_on,
        ends_on: p.ends_on,
    }
}

fn consultation_dto(e: &Entry, today: NaiveDate) -> CatalogueConsultation {
    CatalogueConsultation {
        id: e.id.clone(),
        title: e.title.clone(),
        summary: e.summary.clone(),
        url: e.url.clone(),
        instance: e.instance.clone(),
        organization: e.organization.clone(),
        province: e.province.clone(),
        themes: e.themes.clone(),
        phase: e.timeline.current(today).map(phase_dto),
        state: e.timeline.state_on(today).as_str().to_owned(),
        phases: e.timeline.phases().iter().map(phase_dto).collect(),
        derived_from: e.derived_from.clone(),
    }
}

fn reuse_dto(entries: &[Entry], node: &ReuseNode) -> CatalogueReuse {
    let e = &entries[node.index];
    CatalogueReuse {
        id: e.id.clone(),
        title: e.title.clone(),
        instance: e.instance.clone(),
        reused_by: node
            .reused_by
            .iter()
            .map(|n| reuse_dto(entries, n))
            .collect(),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/catalogue",
    tag = "helpdesk",
    params(CatalogueParams),
    responses(
        (status = 200, description = "The national helpdesk's catalogue", body = CatalogueDto),
        (status = 400, description = "A malformed query string", body = ApiErrorBody),
        (status = 404, description = "This instance is not a helpdesk", body = ApiErrorBody),
        (status = 422, description = "A filter that does not fit (`fields` names it)", body = ApiErrorBody)
    )
)]
pub async fn catalogue(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Json<CatalogueDto>, WebError> {
    let search = SearchParams::parse(raw)?;
    let found = helpdesk::catalogue(&state.app, &search.input()).await?;
    let entries = &found.entries;
    Ok(Json(CatalogueDto {
        consultations: found
            .consultations
            .iter()
            .map(|&i| consultation_dto(&entries[i], found.today))
            .collect(),
        templates: found
            .templates
            .iter()
            .map(|t| {
                let e = &entries[t.index];
                CatalogueTemplate {
                    id: e.id.clone(),
                    title: e.title.clone(),
                    url: e.url.clone(),
                    instance: e.instance.clone(),
                    reuse_count: t.reuse_count,
                    derived_from: e.derived_from.clone(),
                    reused_by: t.reused_by.iter().map(|n| reuse_dto(entries, n)).collect(),
                }
            })
            .collect(),
    }))
}
