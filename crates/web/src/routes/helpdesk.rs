//! The national helpdesk's public pages: the catalogue (`/catalogue`, a plain GET form that
//! works without JavaScript) and guides (`/guides`, `/guides/{slug}`; a guide written here is
//! also its `Article` for servers). Every instance lists the guides it received.

use crate::page::{Page, render, render_status};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use inspraak_app::AppError;
use inspraak_app::helpdesk::{self, Catalogue};
use inspraak_db::entity::guide;
use inspraak_db::guides;
use inspraak_domain::ValidationErrors;
use inspraak_domain::catalogue::{Entry, QueryInput, ReuseNode};
use inspraak_federation::protocol::context::WithContext;
use inspraak_federation::render;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/catalogue", get(catalogue))
        .route("/guides", get(guide_list))
        .route("/guides/{slug}", get(guide_page))
}

/// The catalogue's search as it arrives in the query string.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SearchParams {
    q: String,
    theme: String,
    instance: String,
    province: String,
    phase: String,
}

impl SearchParams {
    /// Reads the query string; a malformed one is a 400.
    pub(crate) fn parse(raw: Option<String>) -> Result<Self, WebError> {
        serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
            .map_err(|e| WebError::BadRequest(format!("invalid query: {e}")))
    }

    /// The search for the app.
    pub(crate) fn input(&self) -> QueryInput {
        QueryInput {
            q: self.q.clone(),
            theme: self.theme.clone(),
            instance: self.instance.clone(),
            province: self.province.clone(),
            phase: self.phase.clone(),
        }
    }
}

/// A consultation as the catalogue page shows it.
struct EntryRow {
    id: String,
    title: String,
    summary: String,
    url: String,
    instance: String,
    organization: String,
    province: String,
    themes: Vec<String>,
    state: &'static str,
    state_label: String,
    phase: String,
}

/// A process and its reuses, flattened with their depth for a nested list.
struct TemplateRow {
    id: String,
    title: String,
    url: String,
    instance: String,
    reuse_count: usize,
    derived_from: String,
    reuses: Vec<(usize, String, String, String)>,
}

#[derive(Template)]
#[template(path = "helpdesk/catalogue.html")]
struct CataloguePage {
    page: Page,
    search: SearchParams,
    errors: ValidationErrors,
    consultations: Vec<EntryRow>,
    templates: Vec<TemplateRow>,
}

fn entry_row(page: &Page, entry: &Entry, today: chrono::NaiveDate) -> EntryRow {
    let state = entry.timeline.state_on(today).as_str();
    let phase = entry
        .timeline
        .current(today)
        .map(|p| {
            p.title.clone().unwrap_or_else(|| {
                page.t(&format!("phase.kind.{}", p.kind.as_str()))
                    .to_owned()
            })
        })
        .unwrap_or_default();
    EntryRow {
        id: entry.id.clone(),
        title: entry.title.clone(),
        summary: entry.summary.clone(),
        url: entry.url.clone(),
        instance: entry.instance.clone(),
        organization: entry.organization.clone(),
        province: entry.province.clone().unwrap_or_default(),
        themes: entry.themes.clone(),
        state,
        state_label: page.t(&format!("state.label.{state}")).to_owned(),
        phase,
    }
}

fn flatten(
    entries: &[Entry],
    nodes: &[ReuseNode],
    depth: usize,
    out: &mut Vec<(usize, String, String, String)>,
) {
    for node in nodes {
        let e = &entries[node.index];
        out.push((depth, e.id.clone(), e.title.clone(), e.instance.clone()));
        flatten(entries, &node.reused_by, depth + 1, out);
    }
}

fn rows(page: &Page, found: &Catalogue) -> (Vec<EntryRow>, Vec<TemplateRow>) {
    let entries = &found.entries;
    let consultations = found
        .consultations
        .iter()
        .map(|&i| entry_row(page, &entries[i], found.today))
        .collect();
    let templates = found
        .templates
        .iter()
        .map(|t| {
            let e = &entries[t.index];
            let mut reuses = Vec::new();
            flatten(entries, &t.reused_by, 1, &mut reuses);
            TemplateRow {
                id: e.id.clone(),
                title: e.title.clone(),
                url: e.url.clone(),
                instance: e.instance.clone(),
                reuse_count: t.reuse_count,
                derived_from: e.derived_from.clone().unwrap_or_default(),
                reuses,
            }
        })
        .collect();
    (consultations, templates)
}

/// The catalogue page; a search that does not fit is shown again with its problems (422).
async fn catalogue(
    State(state): State<AppState>,
    session: Session,
    RawQuery(raw): RawQuery,
) -> Result<Response, WebError> {
    let search = SearchParams::parse(raw)?;
    let page = Page::new(&state, &session, "/catalogue");
    match helpdesk::catalogue(&state.app, &search.input()).await {
        Ok(found) => {
            let (consultations, templates) = rows(&page, &found);
            render(&CataloguePage {
                page,
                search,
                errors: ValidationErrors::new(),
                consultations,
                templates,
            })
        }
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &CataloguePage {
                page,
                search,
                errors,
                consultations: Vec::new(),
                templates: Vec::new(),
            },
        ),
        Err(other) => Err(other.into()),
    }
}

/// A guide in a list.
pub(crate) struct GuideRow {
    /// Its slug here.
    pub slug: String,
    /// Its title.
    pub title: String,
    /// Its opening lines, plain text.
    pub summary: String,
    /// When it was published, formatted.
    pub published: String,
    /// The host it comes from.
    pub origin: String,
    /// Written here.
    pub local: bool,
}

impl GuideRow {
    /// A stored guide as lists show it.
    pub(crate) fn of(page: &Page, g: &guide::Model) -> Self {
        GuideRow {
            slug: g.slug.clone(),
            title: g.title.clone(),
            summary: g.summary.clone(),
            published: page.moment(g.published_at),
            origin: g.origin_host.clone(),
            local: g.local,
        }
    }
}

#[derive(Template)]
#[template(path = "helpdesk/guides.html")]
struct GuidesPage {
    page: Page,
    guides: Vec<GuideRow>,
}

/// Most guides listed on one page.
const GUIDES_LISTED: u64 = 200;

/// Every guide here: written here (on a helpdesk) or received from a helpdesk we follow.
async fn guide_list(State(state): State<AppState>, session: Session) -> Result<Response, WebError> {
    let page = Page::new(&state, &session, "/guides");
    let guides = guides::list(&state.db.conn, None, GUIDES_LISTED)
        .await?
        .iter()
        .map(|g| GuideRow::of(&page, g))
        .collect();
    render(&GuidesPage { page, guides })
}

#[derive(Template)]
#[template(path = "helpdesk/guide.html")]
struct GuidePage {
    page: Page,
    guide: GuideRow,
    body_html: String,
    ap_id: String,
}

/// A guide: its page for people; for servers, the `Article` of one written here.
async fn guide_page(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let found = guides::find_by_slug(&state.db.conn, &slug).await?;
    if super::federation::accepts_activity_json(&headers) {
        if !found.local {
            return Err(WebError::NotFound("guide"));
        }
        let article = render::article(&state.federation, &found)
            .map_err(|e| WebError::internal(e.to_string()))?;
        return Ok(super::federation::activity_json(&WithContext::new(article)));
    }
    let page = Page::new(&state, &session, &format!("/guides/{slug}"));
    render(&GuidePage {
        guide: GuideRow::of(&page, &found),
        body_html: found.body_html,
        ap_id: found.ap_id,
        page,
    })
}
