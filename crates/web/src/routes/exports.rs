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
        .route("/export/budget-projects.csv", get(budget_projects))
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
        ("file" = String, Path, description = "`proposals.csv`, `comments.csv`, `polls.csv` or `budget-projects.csv`")
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
        "budget-projects.csv" => {
            let ids: Vec<String> =
                inspraak_db::budgets::list_for_consultation(&state.db.conn, ctx.id())
                    .await?
                    .into_iter()
                    .map(|b| b.budget.id)
                    .collect();
            budget_projects_csv(
                open_data::budget_projects_of(&state, session.caller(), &ids).await?,
            )
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

/// The budget projects table (columns in docs/open-data.md).
fn budget_projects_csv(rows: Vec<open_data::OpenBudgetProject>) -> String {
    let mut csv = Csv::new(&[
        "budget_id",
        "budget",
        "consultation",
        "area",
        "project_id",
        "number",
        "title",
        "cost",
        "categories",
        "feasible",
        "votes",
        "funded",
    ]);
    for p in rows {
        csv.row([
            p.budget_id,
            p.budget,
            p.consultation,
            p.area,
            p.project_id,
            p.number,
            p.title,
            p.cost.to_string(),
            p.categories.join(";"),
            p.feasible.to_string(),
            p.votes.map(|v| v.to_string()).unwrap_or_default(),
            p.funded.map(|f| f.to_string()).unwrap_or_default(),
        ]);
    }
    csv.finish()
}

#[utoipa::path(
    get,
    path = "/export/budget-projects.csv",
    tag = "open data",
    responses(
        (status = 200, description = "Every project of the budgets of every published consultation, with votes and whether it is funded once a budget's voting is over (empty before); CSV as the other files (columns in docs/open-data.md)", content_type = "text/csv")
    )
)]
pub(crate) async fn budget_projects(State(state): State<AppState>) -> Result<Response, WebError> {
    let ids: Vec<String> = inspraak_db::budgets::list_all(&state.db.conn)
        .await?
        .into_iter()
        .map(|b| b.id)
        .collect();
    // Anonymous: only published consultations, and the same file for whoever asks.
    let rows =
        open_data::budget_projects_of(&state, inspraak_app::Caller::anonymous(), &ids).await?;
    Ok((
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"budget-projects.csv\""),
            ),
        ],
        budget_projects_csv(rows),
    )
        .into_response())
}
