//! Open data downloads: a consultation as JSON or as CSV tables, and the admins' full export.

use crate::open_data::{self, Audience, ConsultationExport};
use crate::participation::ConsultationContext;
use crate::session::Session;
use crate::{AppState, WebError};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use inspraak_domain::csv::Csv;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/consultations/{slug}/export.json", get(json))
        .route("/consultations/{slug}/export/{file}", get(csv))
        .route("/admin/consultations/{id}/export.json", get(full))
}

#[utoipa::path(
    get,
    path = "/consultations/{slug}/export.json",
    tag = "open data",
    params(("slug" = String, Path, description = "The consultation's slug or id")),
    responses(
        (status = 200, description = "The consultation's public record (docs/open-data.md)", body = ConsultationExport),
        (status = 404, description = "No consultation you may see has this slug", body = crate::api::ApiErrorBody)
    )
)]
pub(crate) async fn json(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
) -> Result<Json<ConsultationExport>, WebError> {
    let ctx = ConsultationContext::load(&state.app, session.caller(), &slug).await?;
    Ok(Json(
        open_data::export(&state, &ctx.item.consultation, Audience::Public).await?,
    ))
}

async fn full(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<ConsultationExport>, WebError> {
    session.require_admin()?;
    let c = inspraak_db::consultations::find(&state.db.conn, &id).await?;
    Ok(Json(open_data::export(&state, &c, Audience::Admins).await?))
}

fn date(at: &chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[utoipa::path(
    get,
    path = "/consultations/{slug}/export/{file}",
    tag = "open data",
    params(
        ("slug" = String, Path, description = "The consultation's slug or id"),
        ("file" = String, Path, description = "`proposals.csv`, `comments.csv` or `polls.csv`")
    ),
    responses(
        (status = 200, description = "CSV with a byte-order mark, RFC 4180 quoting and formula-safe cells (columns in docs/open-data.md)", content_type = "text/csv"),
        (status = 404, description = "No such consultation or file", body = crate::api::ApiErrorBody)
    )
)]
pub(crate) async fn csv(
    State(state): State<AppState>,
    session: Session,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let ctx = ConsultationContext::load(&state.app, session.caller(), &slug).await?;
    let consultation = &ctx.item.consultation;
    let text = match file.as_str() {
        "proposals.csv" => {
            let mut csv = Csv::new(&[
                "id",
                "url",
                "title",
                "summary",
                "author",
                "tags",
                "state",
                "status",
                "status_label",
                "answer",
                "supports",
                "threshold",
                "threshold_reached",
                "created_at",
            ]);
            for p in open_data::proposals_of(&state, consultation, Audience::Public).await? {
                csv.row([
                    p.id,
                    p.url,
                    p.title,
                    p.summary,
                    p.author,
                    p.tags.join(";"),
                    p.state,
                    p.status.unwrap_or_default(),
                    p.status_label.unwrap_or_default(),
                    p.answer.unwrap_or_default(),
                    p.supports.to_string(),
                    p.threshold.to_string(),
                    p.threshold_reached.to_string(),
                    date(&p.created_at),
                ]);
            }
            csv.finish()
        }
        "comments.csv" => {
            let mut csv = Csv::new(&[
                "id",
                "proposal_id",
                "parent_id",
                "author",
                "stance",
                "body",
                "created_at",
                "edited_at",
            ]);
            for c in open_data::comments_of(&state, consultation, Audience::Public).await? {
                csv.row([
                    c.id,
                    c.proposal_id.unwrap_or_default(),
                    c.parent_id.unwrap_or_default(),
                    c.author,
                    c.stance,
                    c.body_markdown,
                    date(&c.created_at),
                    c.edited_at.as_ref().map(date).unwrap_or_default(),
                ]);
            }
            csv.finish()
        }
        "polls.csv" => {
            let mut csv = Csv::new(&[
                "poll_id",
                "question",
                "multiple",
                "closes_at",
                "results_visible",
                "voters",
                "option_id",
                "option",
                "votes",
            ]);
            for poll in open_data::polls_of(&state, consultation, Audience::Public).await? {
                for o in &poll.options {
                    csv.row([
                        poll.id.clone(),
                        poll.question.clone(),
                        poll.multiple.to_string(),
                        poll.closes_at.as_ref().map(date).unwrap_or_default(),
                        poll.results_visible.to_string(),
                        poll.voters.map(|v| v.to_string()).unwrap_or_default(),
                        o.id.clone(),
                        o.label.clone(),
                        o.votes.map(|v| v.to_string()).unwrap_or_default(),
                    ]);
                }
            }
            csv.finish()
        }
        _ => return Err(WebError::NotFound("file")),
    };
    let disposition = format!(
        "attachment; filename=\"{}-{file}\"",
        ctx.item.consultation.slug
    );
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .map_err(|e| WebError::internal(e.to_string()))?,
            ),
        ],
        text,
    )
        .into_response())
}
