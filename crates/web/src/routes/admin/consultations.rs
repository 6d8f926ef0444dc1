//! Creating and editing consultations: texts, phases, publication and cover image.

use super::phase_rows::{self, PhaseRow};
use crate::csrf::{self, CsrfForm};
use crate::form::FormData;
use crate::page::{Page, render, render_status, today};
use crate::routes::views::{self, ConsultationView};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::AppError;
use inspraak_app::consultations::{
    self as consultation_cases, ConsultationDraft, CoverChange, SettingsForm,
};
use inspraak_db::consultations::{self, ConsultationSettings};
use inspraak_db::proposals;
use inspraak_domain::ids::ConsultationId;
use inspraak_domain::{ConsultationInput, PhaseKind, ValidationErrors};
use serde::Deserialize;

/// Largest cover image we accept.
const COVER_MAX_BYTES: usize = 5 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/consultations/new", get(new_form))
        .route("/consultations", post(create))
        .route("/consultations/{id}/edit", get(edit_form))
        .route("/consultations/{id}", post(update_texts))
        .route("/consultations/{id}/phases", post(update_phases))
        .route("/consultations/{id}/publish", post(publish))
        .route("/consultations/{id}/settings", post(update_settings))
        .route("/consultations/{id}/statuses", post(add_status))
        .route(
            "/consultations/{id}/cover",
            post(upload_cover).layer(DefaultBodyLimit::max(COVER_MAX_BYTES + 64 * 1024)),
        )
}

#[derive(Template)]
#[template(path = "admin/consultation_new.html")]
struct NewPage {
    page: Page,
    form: FormData,
    errors: ValidationErrors,
    rows: Vec<PhaseRow>,
    kinds: Vec<(&'static str, String)>,
}

fn kinds(page: &Page) -> Vec<(&'static str, String)> {
    PhaseKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str(),
                page.t(&format!("phase.kind.{}", k.as_str())).to_owned(),
            )
        })
        .collect()
}

async fn new_form(State(state): State<AppState>, session: Session) -> Result<Response, WebError> {
    session.require_admin()?;
    let page = Page::new(&state, &session, "/admin/consultations/new");
    let mut rows = phase_rows::rows_from_phases(&[]);
    for index in rows.len()..5 {
        rows.push(PhaseRow {
            index,
            ..PhaseRow::default()
        });
    }
    let kinds = kinds(&page);
    let form = FormData::from_pairs([("publish", "on".to_owned())]);
    render(&NewPage {
        page,
        form,
        errors: ValidationErrors::new(),
        rows,
        kinds,
    })
}

fn input_from(form: &FormData) -> ConsultationInput {
    ConsultationInput {
        slug: form.get("slug").to_owned(),
        title: form.get("title").to_owned(),
        summary: form.get("summary").to_owned(),
        body: form.get("body").to_owned(),
        themes: form.get("themes").to_owned(),
    }
}

async fn create(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let mut form_errors = ValidationErrors::new();
    let timeline = phase_rows::timeline_from_form(&form, &mut form_errors);
    let settings = settings_from(&form, &mut form_errors);
    let draft = ConsultationDraft {
        input: input_from(&form),
        timeline,
        settings,
        publish: form.checked("publish"),
        form_errors,
    };
    match consultation_cases::create(&state.app, session.caller(), draft).await {
        Ok(created) => Ok(Redirect::to(&format!(
            "/admin/consultations/{}/edit?notice=created",
            created.id
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => refuse_new(&state, &session, form, errors),
        Err(other) => Err(other.into()),
    }
}

/// Reads the participation settings from a form; `None` after recording problems.
fn settings_from(form: &FormData, errors: &mut ValidationErrors) -> Option<ConsultationSettings> {
    consultation_cases::settings_from(
        SettingsForm {
            support_threshold: form.get("support_threshold"),
            verified_to_propose: form.checked("verified_to_propose"),
            verified_to_comment: form.checked("verified_to_comment"),
            premoderation: form.checked("premoderation"),
        },
        errors,
    )
}

fn refuse_new(
    state: &AppState,
    session: &Session,
    form: FormData,
    errors: ValidationErrors,
) -> Result<Response, WebError> {
    let page = Page::new(state, session, "/admin/consultations/new");
    let rows = phase_rows::rows_from_form(&form);
    let kinds = kinds(&page);
    render_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &NewPage {
            page,
            form,
            errors,
            rows,
            kinds,
        },
    )
}

#[derive(Template)]
#[template(path = "admin/consultation_edit.html")]
struct EditPage {
    statuses: Vec<String>,
    page: Page,
    c: ConsultationView,
    form: FormData,
    errors: ValidationErrors,
    rows: Vec<PhaseRow>,
    kinds: Vec<(&'static str, String)>,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

/// Which part of the edit page was submitted, so the other parts show stored values.
enum Submitted {
    Nothing,
    Texts(FormData),
    Phases(FormData),
    Cover,
}

async fn edit_page(
    state: &AppState,
    session: &Session,
    id: &str,
    submitted: Submitted,
    errors: ValidationErrors,
    notice: Option<&str>,
) -> Result<EditPage, WebError> {
    let item = consultations::find_with_phases(&state.db.conn, id).await?;
    let c = &item.consultation;
    let page = Page::new(
        state,
        session,
        &format!("/admin/consultations/{}/edit", c.id),
    )
    .with_notice(notice);
    let stored = FormData::from_pairs([
        ("slug", c.slug.clone()),
        ("title", c.title.clone()),
        ("summary", c.summary.clone()),
        ("body", c.body_markdown.clone()),
        ("themes", consultations::themes_of(c).join(", ")),
        ("cover_alt", c.cover_alt.clone().unwrap_or_default()),
        ("support_threshold", c.support_threshold.to_string()),
        (
            "verified_to_propose",
            if c.verified_to_propose { "on" } else { "" }.to_owned(),
        ),
        (
            "verified_to_comment",
            if c.verified_to_comment { "on" } else { "" }.to_owned(),
        ),
        (
            "premoderation",
            if c.premoderation { "on" } else { "" }.to_owned(),
        ),
    ]);
    let (form, rows) = match submitted {
        Submitted::Texts(form) => (form, phase_rows::rows_from_phases(item.timeline.phases())),
        Submitted::Phases(form) => (stored, phase_rows::rows_from_form(&form)),
        Submitted::Nothing | Submitted::Cover => {
            (stored, phase_rows::rows_from_phases(item.timeline.phases()))
        }
    };
    let view = views::consultation(&page, &item, today());
    let kinds = kinds(&page);
    let statuses = proposals::custom_statuses(&state.db.conn, id)
        .await?
        .into_iter()
        .map(|s| s.label)
        .collect();
    Ok(EditPage {
        statuses,
        page,
        c: view,
        form,
        errors,
        rows,
        kinds,
    })
}

async fn edit_form(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    render(
        &edit_page(
            &state,
            &session,
            &id,
            Submitted::Nothing,
            ValidationErrors::new(),
            q.notice.as_deref(),
        )
        .await?,
    )
}

/// Where the edit form goes after a successful save.
fn saved(id: &str) -> Response {
    Redirect::to(&format!("/admin/consultations/{id}/edit?notice=saved")).into_response()
}

/// Shows the edit page again with the problems of the part that was submitted.
async fn refuse_edit(
    state: &AppState,
    session: &Session,
    id: &str,
    submitted: Submitted,
    err: AppError,
) -> Result<Response, WebError> {
    let AppError::Invalid(errors) = err else {
        return Err(err.into());
    };
    let page = edit_page(state, session, id, submitted, errors, None).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn update_texts(
    State(state): State<AppState>,
    Path(id): Path<ConsultationId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let input = input_from(&form);
    match consultation_cases::update_texts(&state.app, session.caller(), &id, input).await {
        Ok(()) => Ok(saved(&id)),
        Err(err) => refuse_edit(&state, &session, &id, Submitted::Texts(form), err).await,
    }
}

async fn update_phases(
    State(state): State<AppState>,
    Path(id): Path<ConsultationId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let mut errors = ValidationErrors::new();
    let Some(timeline) = phase_rows::timeline_from_form(&form, &mut errors) else {
        let err = AppError::Invalid(errors);
        return refuse_edit(&state, &session, &id, Submitted::Phases(form), err).await;
    };
    consultation_cases::update_phases(&state.app, session.caller(), &id, &timeline).await?;
    Ok(saved(&id))
}

async fn update_settings(
    State(state): State<AppState>,
    Path(id): Path<ConsultationId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let mut errors = ValidationErrors::new();
    let Some(settings) = settings_from(&form, &mut errors) else {
        let err = AppError::Invalid(errors);
        return refuse_edit(&state, &session, &id, Submitted::Texts(form), err).await;
    };
    consultation_cases::update_settings(&state.app, session.caller(), &id, settings).await?;
    Ok(saved(&id))
}

async fn add_status(
    State(state): State<AppState>,
    Path(id): Path<ConsultationId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let label = form.get("status_label");
    match consultation_cases::add_status(&state.app, session.caller(), &id, label).await {
        Ok(()) => Ok(saved(&id)),
        Err(err) => refuse_edit(&state, &session, &id, Submitted::Nothing, err).await,
    }
}

async fn publish(
    State(state): State<AppState>,
    Path(id): Path<ConsultationId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let publish = form.checked("publish");
    consultation_cases::set_published(&state.app, session.caller(), &id, publish).await?;
    let notice = if publish { "published" } else { "unpublished" };
    Ok(Redirect::to(&format!("/admin/consultations/{id}/edit?notice={notice}")).into_response())
}

async fn upload_cover(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<ConsultationId>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let mut token = String::new();
    let mut change = CoverChange::default();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or("").to_owned();
        let bytes = field.bytes().await?;
        match name.as_str() {
            "csrf_token" => token = String::from_utf8_lossy(&bytes).into_owned(),
            "cover_alt" => change.alt = String::from_utf8_lossy(&bytes).into_owned(),
            "remove" => change.remove = true,
            "cover" if !bytes.is_empty() => change.file = Some(bytes.to_vec()),
            _ => {}
        }
    }
    csrf::check(&session, &token)?;
    match consultation_cases::change_cover(&state.app, session.caller(), &id, change).await {
        Ok(()) => Ok(saved(&id)),
        Err(err) => refuse_edit(&state, &session, &id, Submitted::Cover, err).await,
    }
}
