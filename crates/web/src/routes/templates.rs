//! Reusing a process over HTTP: a consultation's process template for download, the upload
//! form that makes a draft from a template file, and "Reuse this process" on a consultation.
//! The work is done in `inspraak_app::templates`.

use crate::csrf::{self, CsrfForm};
use crate::form::FormData;
use crate::page::{Page, render, render_status};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_app::AppError;
use inspraak_app::templates::{self, Placement};
use inspraak_domain::ValidationErrors;
use inspraak_domain::template::{self as format, MAX_BYTES};
use inspraak_federation::protocol::context::WithContext;
use inspraak_federation::protocol::kind::ProcessTemplateType;
use inspraak_federation::protocol::objects::ProcessTemplateDocument;

/// The routes; the admin ones are nested under `/admin` by the caller.
pub fn routes() -> Router<AppState> {
    Router::new().route("/consultations/{slug}/process-template.json", get(download))
}

/// The admin routes, under `/admin`.
pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/templates/import",
            get(import_form)
                .post(import)
                .layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)),
        )
        .route("/consultations/{id}/reuse", post(reuse))
        .route("/templates/reuse", post(reuse_remote))
}

/// The process template of a consultation, as a file; for servers (ActivityPub media type),
/// wrapped as a `ProcessTemplate` object so another instance can reuse it by address.
async fn download(
    State(state): State<AppState>,
    session: Session,
    headers: axum::http::HeaderMap,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let template = templates::export(&state.app, session.caller(), &slug).await?;
    if super::federation::accepts_activity_json(&headers) {
        let group = template
            .derived_from
            .as_deref()
            .and_then(|g| url::Url::parse(g).ok())
            .ok_or(WebError::NotFound("consultation"))?;
        let document = ProcessTemplateDocument {
            id: inspraak_federation::reuse::template_url(&group)?,
            kind: ProcessTemplateType::ProcessTemplate,
            attributed_to: group,
            template,
        };
        return Ok(super::federation::activity_json(&WithContext::new(
            document,
        )));
    }
    let body = serde_json::to_string_pretty(&template).map_err(WebError::internal)?;
    Ok((
        [
            (CONTENT_TYPE, "application/json; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{slug}.process-template.json\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "admin/template_import.html")]
struct ImportPage {
    page: Page,
    form: FormData,
    errors: ValidationErrors,
    /// Why a consultation elsewhere could not be reused.
    remote_error: Option<String>,
}

fn import_page(
    state: &AppState,
    session: &Session,
    form: FormData,
    errors: ValidationErrors,
) -> ImportPage {
    ImportPage {
        page: Page::new(state, session, "/admin/templates/import"),
        form,
        errors,
        remote_error: None,
    }
}

async fn import_form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, WebError> {
    session.require_admin()?;
    render(&import_page(
        &state,
        &session,
        FormData::default(),
        ValidationErrors::new(),
    ))
}

/// A draft made from an uploaded template file.
async fn import(
    State(state): State<AppState>,
    session: Session,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let (mut token, mut file, mut placement) = (String::new(), Vec::new(), Placement::default());
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or("").to_owned();
        let bytes = field.bytes().await?;
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "csrf_token" => token = text(),
            "starts_on" => placement.starts_on = text(),
            "slug" => placement.slug = text(),
            "template" => file = bytes.to_vec(),
            _ => {}
        }
    }
    csrf::check(&session, &token)?;
    let form = FormData::from_pairs([
        ("starts_on", placement.starts_on.clone()),
        ("slug", placement.slug.clone()),
    ]);
    let made = match format::parse(&file) {
        Ok(template) => templates::import(&state.app, session.caller(), template, placement).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match made {
        Ok(created) => Ok(edit_page_of(&created.id)),
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &import_page(&state, &session, form, errors),
        ),
        Err(other) => Err(other.into()),
    }
}

/// "Reuse this process": a draft made from a consultation this admin can see.
async fn reuse(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let placement = Placement {
        starts_on: form.get("starts_on").to_owned(),
        slug: form.get("slug").to_owned(),
    };
    match templates::reuse(&state.app, session.caller(), &id, placement).await {
        Ok(created) => Ok(edit_page_of(&created.id)),
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &import_page(&state, &session, form, errors),
        ),
        Err(other) => Err(other.into()),
    }
}

/// A draft made from the process of a consultation on another instance, by address or handle.
async fn reuse_remote(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let placement = Placement {
        starts_on: form.get("starts_on").to_owned(),
        slug: form.get("slug").to_owned(),
    };
    let source = form.get("source").to_owned();
    match templates::reuse_remote(&state.app, session.caller(), &source, placement).await {
        Ok(created) => Ok(edit_page_of(&created.id)),
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &import_page(&state, &session, form, errors),
        ),
        Err(AppError::BadRequest(reason)) => {
            let mut page = import_page(&state, &session, form, ValidationErrors::new());
            page.remote_error = Some(reason);
            render_status(StatusCode::BAD_REQUEST, &page)
        }
        Err(other) => Err(other.into()),
    }
}

fn edit_page_of(id: &str) -> Response {
    Redirect::to(&format!("/admin/consultations/{id}/edit?notice=reused")).into_response()
}
