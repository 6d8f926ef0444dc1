//! Staff pages for budgets: areas, a new budget, a budget's projects (made or promoted from an
//! accepted proposal, with an image), publishing the outcome, and importing a Pabulib file.

use crate::csrf::{self, CsrfForm};
use crate::form::FormData;
use crate::page::{Page, render, render_status};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::AppError;
use inspraak_app::budgets::{self, Upload};
use inspraak_db::budgets::BudgetRecord;
use inspraak_db::entity::{area, proposal};
use inspraak_db::{areas, consultations, proposals};
use inspraak_domain::ValidationErrors;
use inspraak_domain::budget::Rule;
use inspraak_domain::budget::setup::{BudgetInput, ProjectInput};
use serde::Deserialize;

/// Largest project image upload, as for covers.
const IMAGE_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Largest Pabulib upload through the form (the API takes the same).
const IMPORT_MAX_BYTES: usize = 64 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/areas", get(areas_page).post(create_area))
        .route("/consultations/{id}/budgets/new", get(new_budget))
        .route("/consultations/{id}/budgets", post(create_budget))
        .route(
            "/consultations/{id}/budgets/import",
            get(import_page)
                .post(import)
                .layer(DefaultBodyLimit::max(IMPORT_MAX_BYTES + 64 * 1024)),
        )
        .route("/budgets/{id}", get(manage))
        .route(
            "/budgets/{id}/projects",
            post(add_project).layer(DefaultBodyLimit::max(IMAGE_MAX_BYTES + 64 * 1024)),
        )
        .route("/budgets/{id}/outcome/publish", post(publish_outcome))
}

#[derive(Template)]
#[template(path = "admin/areas.html")]
struct AreasPage {
    page: Page,
    areas: Vec<area::Model>,
    form: FormData,
    errors: ValidationErrors,
}

async fn areas_view(
    state: &AppState,
    session: &Session,
    form: FormData,
    errors: ValidationErrors,
    notice: Option<&str>,
) -> Result<AreasPage, WebError> {
    Ok(AreasPage {
        page: Page::new(state, session, "/admin/areas").with_notice(notice),
        areas: areas::list(&state.db.conn).await?,
        form,
        errors,
    })
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
    from_proposal: Option<String>,
}

async fn areas_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    render(
        &areas_view(
            &state,
            &session,
            FormData::default(),
            ValidationErrors::new(),
            q.notice.as_deref(),
        )
        .await?,
    )
}

async fn create_area(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    match budgets::create_area(
        &state.app,
        session.caller(),
        form.get("slug"),
        form.get("name"),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/admin/areas?notice=area_created").into_response()),
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &areas_view(&state, &session, form, errors, None).await?,
        ),
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "admin/budget_new.html")]
struct NewBudget {
    page: Page,
    consultation: (String, String),
    areas: Vec<area::Model>,
    rules: Vec<(&'static str, String)>,
    form: FormData,
    errors: ValidationErrors,
}

async fn new_budget_view(
    state: &AppState,
    session: &Session,
    id: &str,
    form: FormData,
    errors: ValidationErrors,
) -> Result<NewBudget, WebError> {
    let c = consultations::find(&state.db.conn, id).await?;
    let page = Page::new(
        state,
        session,
        &format!("/admin/consultations/{id}/budgets/new"),
    );
    let rules = Rule::ALL
        .iter()
        .map(|r| {
            (
                r.as_str(),
                page.t(&format!("budgets.rule.{}", r.as_str())).to_owned(),
            )
        })
        .collect();
    Ok(NewBudget {
        consultation: (c.id, c.title),
        areas: areas::list(&state.db.conn).await?,
        rules,
        page,
        form,
        errors,
    })
}

async fn new_budget(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let form = FormData::from_pairs([
        ("method", "knapsack".to_owned()),
        ("rule", "equal-shares".to_owned()),
        ("min_projects", "1".to_owned()),
        ("max_projects", "5".to_owned()),
        ("points", "10".to_owned()),
    ]);
    render(&new_budget_view(&state, &session, &id, form, ValidationErrors::new()).await?)
}

async fn create_budget(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let known = areas::list(&state.db.conn).await?;
    let input = BudgetInput {
        title: form.get("title").to_owned(),
        description: form.get("description").to_owned(),
        total: form.get("total").to_owned(),
        areas: known
            .iter()
            .map(|a| {
                (
                    a.id.clone(),
                    form.get(&format!("areas.{}", a.id)).to_owned(),
                )
            })
            .collect(),
        method: form.get("method").to_owned(),
        min_percent: form.get("min_percent").to_owned(),
        min_projects: form.get("min_projects").to_owned(),
        max_projects: form.get("max_projects").to_owned(),
        points: form.get("points").to_owned(),
        rule: form.get("rule").to_owned(),
        caps: form.get("caps").to_owned(),
    };
    match budgets::create(&state.app, session.caller(), &id, input).await {
        Ok(made) => Ok(Redirect::to(&format!(
            "/admin/budgets/{}?notice=budget_created",
            made.budget.id
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &new_budget_view(&state, &session, &id, form, errors).await?,
        ),
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "admin/budget.html")]
struct Manage {
    page: Page,
    record: BudgetRecord,
    consultation: (String, String),
    closed: bool,
    /// Accepted proposals of the consultation that are not a project yet.
    promotable: Vec<proposal::Model>,
    form: FormData,
    errors: ValidationErrors,
}

async fn manage_view(
    state: &AppState,
    session: &Session,
    id: &str,
    form: FormData,
    errors: ValidationErrors,
    notice: Option<&str>,
) -> Result<Manage, WebError> {
    let budget = budgets::load(&state.app, session.caller(), id).await?;
    let mut promotable = Vec::new();
    for p in proposals::list_for_consultation(&state.db.conn, budget.ctx.id()).await? {
        let taken = budget
            .record
            .projects
            .iter()
            .any(|r| r.proposal_id.as_ref() == Some(&p.id))
            || inspraak_db::budgets::project_of_proposal(&state.db.conn, &p.id)
                .await?
                .is_some();
        if p.status_key.as_deref() == Some("accepted") && !taken {
            promotable.push(p);
        }
    }
    Ok(Manage {
        page: Page::new(state, session, &format!("/admin/budgets/{id}")).with_notice(notice),
        consultation: (
            budget.ctx.item.consultation.title.clone(),
            budget.ctx.item.consultation.slug.clone(),
        ),
        closed: budget.status == budgets::BudgetStatus::Closed,
        record: budget.record,
        promotable,
        form,
        errors,
    })
}

async fn manage(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let mut form = FormData::from_pairs([("feasible", "on".to_owned())]);
    // "Make a project of this proposal" fills the form with the proposal's words.
    if let Some(pid) = q.from_proposal.as_deref() {
        let p = proposals::find(&state.db.conn, pid).await?;
        form = FormData::from_pairs([
            ("feasible", "on".to_owned()),
            ("proposal", p.id.clone()),
            ("title", p.title.clone()),
            ("description", p.body_markdown.clone()),
        ]);
    }
    render(
        &manage_view(
            &state,
            &session,
            &id,
            form,
            ValidationErrors::new(),
            q.notice.as_deref(),
        )
        .await?,
    )
}

async fn add_project(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut image: Option<Vec<u8>> = None;
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or("").to_owned();
        let bytes = field.bytes().await?;
        if name == "image" {
            if !bytes.is_empty() {
                image = Some(bytes.to_vec());
            }
        } else {
            pairs.push((name, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    let form = FormData::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.clone())));
    csrf::check(&session, form.get(csrf::FIELD))?;
    let input = ProjectInput {
        title: form.get("title").to_owned(),
        description: form.get("description").to_owned(),
        cost: form.get("cost").to_owned(),
        area: form.get("area").to_owned(),
        categories: form.get("categories").to_owned(),
        feasible: form.checked("feasible"),
        feasibility_note: form.get("feasibility_note").to_owned(),
    };
    let upload = image.map(|bytes| Upload {
        bytes,
        alt: form.get("image_alt").to_owned(),
    });
    let proposal = Some(form.get("proposal")).filter(|p| !p.is_empty());
    match budgets::add_project(&state.app, session.caller(), &id, input, upload, proposal).await {
        Ok(made) => Ok(Redirect::to(&format!(
            "/admin/budgets/{id}?notice=project_added#project-{}",
            made.id
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &manage_view(&state, &session, &id, form, errors, None).await?,
        ),
        Err(other) => Err(other.into()),
    }
}

async fn publish_outcome(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    budgets::publish_outcome(&state.app, session.caller(), &id).await?;
    Ok(Redirect::to(&format!("/budgets/{id}/outcome?notice=outcome_published")).into_response())
}

#[derive(Template)]
#[template(path = "admin/budget_import.html")]
struct ImportPage {
    page: Page,
    consultation: (String, String),
    problem: Option<String>,
}

async fn import_view(
    state: &AppState,
    session: &Session,
    id: &str,
    problem: Option<String>,
) -> Result<ImportPage, WebError> {
    let c = consultations::find(&state.db.conn, id).await?;
    Ok(ImportPage {
        page: Page::new(
            state,
            session,
            &format!("/admin/consultations/{id}/budgets/import"),
        ),
        consultation: (c.id, c.title),
        problem,
    })
}

async fn import_page(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    render(&import_view(&state, &session, &id, None).await?)
}

async fn import(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let mut token = String::new();
    let mut file = Vec::new();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or("").to_owned();
        let bytes = field.bytes().await?;
        match name.as_str() {
            "csrf_token" => token = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => file = bytes.to_vec(),
            _ => {}
        }
    }
    csrf::check(&session, &token)?;
    match budgets::import_pb(&state.app, session.caller(), &id, &file).await {
        Ok(made) => Ok(Redirect::to(&format!(
            "/budgets/{}/outcome?notice=budget_imported",
            made.budget.id
        ))
        .into_response()),
        Err(AppError::Unreadable(message)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &import_view(&state, &session, &id, Some(message)).await?,
        ),
        Err(other) => Err(other.into()),
    }
}
