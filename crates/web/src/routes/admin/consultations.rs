//! Creating and editing consultations: texts, phases, publication and cover image.

use super::phase_rows::{self, PhaseRow};
use crate::csrf::{self, CsrfForm};
use crate::federate;
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
use chrono::Utc;
use inspraak_db::consultations::{self, ConsultationSettings, NewConsultation};
use inspraak_db::proposals;
use inspraak_db::{DbError, audit};
use inspraak_domain::consultation::validate_alt_text;
use inspraak_domain::text::markdown_to_safe_html;
use inspraak_domain::{ConsultationInput, PhaseKind, Problem, ValidationErrors};
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
    }
}

async fn create(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let admin = session.require_admin()?.clone();
    let mut errors = ValidationErrors::new();
    let fields = input_from(&form)
        .validate()
        .map_err(|e| errors.0.extend(e.0))
        .ok();
    let timeline = phase_rows::timeline_from_form(&form, &mut errors);
    let (Some(fields), Some(timeline), true) = (fields, timeline, errors.is_empty()) else {
        return refuse_new(&state, &session, form, errors);
    };
    let ap_id = state.config.url(&format!("/consultations/{}", fields.slug));
    let body_html = markdown_to_safe_html(&fields.body);
    let Some(settings) = settings_from(&form, &mut errors) else {
        return refuse_new(&state, &session, form, errors);
    };
    let new = NewConsultation {
        fields,
        body_html,
        created_by: admin.id.clone(),
        ap_id,
        publish: form.checked("publish"),
        timeline,
        settings,
    };
    let now = Utc::now();
    // The group's keys are made first: on SQLite a second writer would wait on the transaction.
    inspraak_federation::keys::for_local_actor(&state.db.conn, &new.ap_id).await?;
    let txn = federate::begin(&state).await?;
    let created = match consultations::create(&txn, new, now).await {
        Ok(created) => {
            inspraak_federation::publish::consultation_published(&txn, &state.federation, &created)
                .await?;
            federate::commit(&state, txn).await?;
            created
        }
        Err(DbError::Conflict(field)) => {
            errors.add(field, Problem::Taken);
            return refuse_new(&state, &session, form, errors);
        }
        Err(other) => return Err(other.into()),
    };
    audit::record(
        &state.db.conn,
        Some(&admin.id),
        "consultation.create",
        ("consultation", &created.id),
        created.title.clone(),
        now,
    )
    .await?;
    tracing::info!(slug = %created.slug, "consultation created");
    Ok(Redirect::to(&format!(
        "/admin/consultations/{}/edit?notice=created",
        created.id
    ))
    .into_response())
}

/// Reads the participation settings from a form; `None` after recording problems.
fn settings_from(form: &FormData, errors: &mut ValidationErrors) -> Option<ConsultationSettings> {
    let threshold = match form.get("support_threshold").trim() {
        "" => Some(0),
        typed => match typed.parse::<i32>() {
            Ok(n) if (0..=1_000_000).contains(&n) => Some(n),
            _ => {
                errors.add("support_threshold", Problem::UnknownChoice);
                None
            }
        },
    };
    Some(ConsultationSettings {
        support_threshold: threshold?,
        verified_to_propose: form.checked("verified_to_propose"),
        verified_to_comment: form.checked("verified_to_comment"),
        premoderation: form.checked("premoderation"),
    })
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

async fn update_texts(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let admin = session.require_admin()?.clone();
    let existing = consultations::find(&state.db.conn, &id).await?;
    let mut input = input_from(&form);
    input.slug = existing.slug.clone();
    match input.validate() {
        Ok(fields) => {
            let html = markdown_to_safe_html(&fields.body);
            let now = Utc::now();
            let txn = federate::begin(&state).await?;
            consultations::update_texts(&txn, &id, fields, html, now).await?;
            let updated = consultations::find(&txn, &id).await?;
            if updated.published_at.is_some() {
                // The group's keys exist already: it was announced when published.
                let group = crate::routes::federation::group_document(&state, &updated).await?;
                let group =
                    serde_json::to_value(&group).map_err(|e| WebError::internal(e.to_string()))?;
                inspraak_federation::publish::consultation_updated(
                    &txn,
                    &state.federation,
                    &updated,
                    group,
                )
                .await?;
            }
            federate::commit(&state, txn).await?;
            audit::record(
                &state.db.conn,
                Some(&admin.id),
                "consultation.update",
                ("consultation", &id),
                "texts",
                now,
            )
            .await?;
            Ok(
                Redirect::to(&format!("/admin/consultations/{id}/edit?notice=saved"))
                    .into_response(),
            )
        }
        Err(errors) => {
            let page =
                edit_page(&state, &session, &id, Submitted::Texts(form), errors, None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn update_phases(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let admin = session.require_admin()?.clone();
    consultations::find(&state.db.conn, &id).await?;
    let mut errors = ValidationErrors::new();
    match phase_rows::timeline_from_form(&form, &mut errors) {
        Some(timeline) => {
            let now = Utc::now();
            consultations::replace_phases(&state.db.conn, &id, &timeline, now).await?;
            let detail = format!("{} phases", timeline.phases().len());
            audit::record(
                &state.db.conn,
                Some(&admin.id),
                "consultation.phases",
                ("consultation", &id),
                detail,
                now,
            )
            .await?;
            Ok(
                Redirect::to(&format!("/admin/consultations/{id}/edit?notice=saved"))
                    .into_response(),
            )
        }
        None => {
            let page =
                edit_page(&state, &session, &id, Submitted::Phases(form), errors, None).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

async fn update_settings(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let admin = session.require_admin()?.clone();
    consultations::find(&state.db.conn, &id).await?;
    let mut errors = ValidationErrors::new();
    let Some(settings) = settings_from(&form, &mut errors) else {
        let page = edit_page(&state, &session, &id, Submitted::Texts(form), errors, None).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let now = Utc::now();
    consultations::update_settings(&state.db.conn, &id, settings, now).await?;
    let detail = format!("{settings:?}");
    audit::record(
        &state.db.conn,
        Some(&admin.id),
        "consultation.settings",
        ("consultation", &id),
        detail,
        now,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/consultations/{id}/edit?notice=saved")).into_response())
}

async fn add_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let admin = session.require_admin()?.clone();
    consultations::find(&state.db.conn, &id).await?;
    let mut errors = ValidationErrors::new();
    let label = errors
        .text("status_label", form.get("status_label"), 2, 60)
        .to_owned();
    if !errors.is_empty() {
        let page = edit_page(&state, &session, &id, Submitted::Nothing, errors, None).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let status = proposals::add_custom_status(&state.db.conn, &id, &label).await?;
    audit::record(
        &state.db.conn,
        Some(&admin.id),
        "consultation.status_add",
        ("consultation", &id),
        status.label,
        Utc::now(),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/consultations/{id}/edit?notice=saved")).into_response())
}

async fn publish(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let admin = session.require_admin()?.clone();
    let now = Utc::now();
    let publish = form.checked("publish");
    // The group's keys are made before the transaction (on SQLite a second writer would wait).
    let before = consultations::find(&state.db.conn, &id).await?;
    inspraak_federation::keys::for_local_actor(&state.db.conn, &before.ap_id).await?;
    let txn = federate::begin(&state).await?;
    if !publish {
        inspraak_federation::publish::consultation_withdrawn(&txn, &state.federation, &before)
            .await?;
    }
    consultations::set_published(&txn, &id, publish.then_some(now)).await?;
    if publish {
        let c = consultations::find(&txn, &id).await?;
        inspraak_federation::publish::consultation_published(&txn, &state.federation, &c).await?;
    }
    federate::commit(&state, txn).await?;
    let action = if publish {
        "consultation.publish"
    } else {
        "consultation.unpublish"
    };
    audit::record(
        &state.db.conn,
        Some(&admin.id),
        action,
        ("consultation", &id),
        "",
        now,
    )
    .await?;
    let notice = if publish { "published" } else { "unpublished" };
    Ok(Redirect::to(&format!("/admin/consultations/{id}/edit?notice={notice}")).into_response())
}

/// Deletes a replaced or removed upload, so it stops being downloadable. A failure only costs
/// disk space, so it is logged and not shown.
async fn remove_media(state: &AppState, file: Option<&str>) {
    if let Some(file) = file
        && let Err(err) = tokio::fs::remove_file(state.config.media_dir.join(file)).await
    {
        tracing::warn!(%err, file, "could not delete a replaced upload");
    }
}

fn upload_error(err: axum::extract::multipart::MultipartError) -> WebError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge
    } else {
        WebError::BadRequest(format!("malformed upload: {err}"))
    }
}

/// Recognises the image formats we serve by their first bytes, never by the client's claim.
fn image_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

async fn upload_cover(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let admin = session.require_admin()?.clone();
    let existing = consultations::find(&state.db.conn, &id).await?;
    let (mut token, mut alt, mut remove, mut file) =
        (String::new(), String::new(), false, None::<Vec<u8>>);
    while let Some(field) = multipart.next_field().await.map_err(upload_error)? {
        let name = field.name().unwrap_or("").to_owned();
        let bytes = field.bytes().await.map_err(upload_error)?;
        match name.as_str() {
            "csrf_token" => token = String::from_utf8_lossy(&bytes).into_owned(),
            "cover_alt" => alt = String::from_utf8_lossy(&bytes).into_owned(),
            "remove" => remove = true,
            "cover" if !bytes.is_empty() => file = Some(bytes.to_vec()),
            _ => {}
        }
    }
    csrf::check(&session, &token)?;
    let now = Utc::now();
    if remove {
        consultations::set_cover(&state.db.conn, &id, None).await?;
        remove_media(&state, existing.cover_image.as_deref()).await;
        audit::record(
            &state.db.conn,
            Some(&admin.id),
            "consultation.cover_remove",
            ("consultation", &id),
            "",
            now,
        )
        .await?;
        return Ok(
            Redirect::to(&format!("/admin/consultations/{id}/edit?notice=saved")).into_response(),
        );
    }
    let mut errors = ValidationErrors::new();
    let alt = validate_alt_text(&alt, &mut errors);
    let extension = match &file {
        None if existing.cover_image.is_none() => {
            errors.add("cover", Problem::Required);
            None
        }
        None => None,
        Some(bytes) => match image_extension(bytes) {
            Some(ext) => Some(ext),
            None => {
                errors.add("cover", Problem::UnknownChoice);
                None
            }
        },
    };
    if !errors.is_empty() {
        let page = edit_page(&state, &session, &id, Submitted::Cover, errors, None).await?;
        return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    let name = match (file, extension) {
        (Some(bytes), Some(ext)) => {
            let name = format!("{}.{ext}", uuid::Uuid::now_v7());
            tokio::fs::create_dir_all(&state.config.media_dir)
                .await
                .map_err(|e| WebError::internal(format!("media folder: {e}")))?;
            tokio::fs::write(state.config.media_dir.join(&name), bytes)
                .await
                .map_err(|e| WebError::internal(format!("saving upload: {e}")))?;
            name
        }
        // Only the alternative text changed.
        _ => existing.cover_image.clone().unwrap_or_default(),
    };
    consultations::set_cover(&state.db.conn, &id, Some((name.clone(), alt))).await?;
    if existing.cover_image.as_deref() != Some(name.as_str()) {
        remove_media(&state, existing.cover_image.as_deref()).await;
    }
    audit::record(
        &state.db.conn,
        Some(&admin.id),
        "consultation.cover",
        ("consultation", &id),
        name,
        now,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/consultations/{id}/edit?notice=saved")).into_response())
}

#[cfg(test)]
mod tests {
    use super::image_extension;

    #[test]
    fn images_are_recognised_by_content() {
        assert_eq!(image_extension(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(image_extension(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("jpg"));
        assert_eq!(image_extension(b"RIFF\0\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(image_extension(b"<svg onload=alert(1)>"), None);
        assert_eq!(image_extension(b""), None);
    }
}
