//! A conversation's data in the pol.is openData format over HTTP: the three files for download,
//! and the upload form's import. The work is done in `inspraak_app::conversations::opendata`.

use super::conversations::NewPage;
use crate::form::FormData;
use crate::page::render_status;
use crate::session::Session;
use crate::{AppState, WebError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use inspraak_app::AppError;
use inspraak_app::conversations::opendata::{self, ImportFiles, OpenDataFile};
use inspraak_domain::ValidationErrors;
use inspraak_domain::ids::{ConsultationId, ConversationId};
use std::collections::HashMap;

/// Largest openData upload (the three files together).
pub const IMPORT_MAX_BYTES: usize = 50 * 1024 * 1024;

/// The conversation in the pol.is openData format, so any pol.is tool can read it.
/// Participants are numbered in the order they first took part; no names or accounts.
pub async fn export(
    State(state): State<AppState>,
    session: Session,
    Path((id, file)): Path<(ConversationId, String)>,
) -> Result<Response, WebError> {
    let which: OpenDataFile = file.parse()?;
    let text = opendata::export(&state.app, session.caller(), &id, which).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/csv; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        text,
    )
        .into_response())
}

/// Imports a conversation exported from pol.is (or from Inspraak) in the openData format.
pub async fn import(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<ConsultationId>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let mut fields: HashMap<String, String> = HashMap::new();
    while let Some(field) = multipart.next_field().await.map_err(WebError::from)? {
        let name = field.name().unwrap_or("").to_owned();
        let bytes = field.bytes().await.map_err(WebError::from)?;
        fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
    }
    crate::csrf::check(
        &session,
        fields.get("csrf_token").map_or("", String::as_str),
    )?;
    let mut take = |k: &str| fields.remove(k).unwrap_or_default();
    let files = ImportFiles {
        question: take("question"),
        comments: take("comments"),
        participants_votes: take("participants_votes"),
        votes: Some(take("votes")),
    };
    let question = files.question.clone();
    let (errors, message) = match opendata::import(&state.app, session.caller(), &id, files).await {
        Ok(conversation_id) => {
            return Ok(
                Redirect::to(&format!("/conversations/{conversation_id}/report")).into_response(),
            );
        }
        Err(AppError::Invalid(errors)) => (errors, None),
        Err(AppError::Unreadable(message)) => (ValidationErrors::new(), Some(message)),
        Err(other) => return Err(other.into()),
    };
    let form = FormData::from_pairs([("question", question)]);
    let page = NewPage::load(&state, &session, &id, form, errors, message).await?;
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
