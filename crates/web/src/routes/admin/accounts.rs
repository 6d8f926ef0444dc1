//! Accounts, roles, and resident verification by admins: manual checks and letter codes.

use crate::csrf::CsrfForm;
use crate::form::FormData;
use crate::page::{Page, render, render_status};
use crate::session::Session;
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use inspraak_db::verification::BatchSummary;
use inspraak_db::{users, verification};
use inspraak_domain::ids::UserId;
use inspraak_domain::{Role, ValidationErrors};
use serde::Deserialize;

use inspraak_app::AppError;
use inspraak_app::accounts::{self, CodeBatch, CodeRequest, MAX_CODES};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/accounts", get(list))
        .route("/accounts/{id}/role", post(set_role))
        .route("/accounts/{id}/verify", post(verify))
        .route("/accounts/{id}/unverify", post(unverify))
        .route("/verification-codes", get(codes_page).post(generate_codes))
}

struct AccountRow {
    id: String,
    username: String,
    display_name: String,
    role: &'static str,
    verified: Option<String>,
    created: String,
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
struct AccountsPage {
    page: Page,
    accounts: Vec<AccountRow>,
    query: String,
    roles: Vec<(&'static str, String)>,
    /// The municipality's areas, to record a resident's district when verifying by hand.
    areas: Vec<inspraak_db::entity::area::Model>,
}

#[derive(Deserialize)]
struct ListQuery {
    q: Option<String>,
    notice: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    session.require_admin()?;
    let page = Page::new(&state, &session, "/admin/accounts").with_notice(q.notice.as_deref());
    let query = q.q.unwrap_or_default();
    let accounts = users::list_local(&state.db.conn, Some(&query), 200, 0)
        .await?
        .into_iter()
        .map(|u| AccountRow {
            role: users::role_of(&u).as_str(),
            verified: u.verified_at.map(|at| {
                let how = u.verification_method.as_deref().unwrap_or("manual");
                format!(
                    "{} ({})",
                    page.moment(at),
                    page.t(&format!("verification.method.{how}"))
                )
            }),
            created: page.moment(u.created_at),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .map(|r| {
            (
                r.as_str(),
                page.t(&format!("role.{}", r.as_str())).to_owned(),
            )
        })
        .collect();
    render(&AccountsPage {
        areas: inspraak_db::areas::list(&state.db.conn).await?,
        page,
        accounts,
        query,
        roles,
    })
}

async fn set_role(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    accounts::set_role(&state.app, session.caller(), &id, form.get("role")).await?;
    Ok(Redirect::to("/admin/accounts?notice=saved").into_response())
}

async fn verify(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    // Checked in person, the resident's district can be recorded at the same time (first, so
    // an unknown area refuses the whole step).
    if !form.get("area").is_empty() {
        accounts::set_area(&state.app, session.caller(), &id, form.get("area")).await?;
    }
    accounts::verify_manually(&state.app, session.caller(), &id).await?;
    Ok(Redirect::to("/admin/accounts?notice=verified_by_admin").into_response())
}

async fn unverify(
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    accounts::unverify(&state.app, session.caller(), &id).await?;
    Ok(Redirect::to("/admin/accounts?notice=saved").into_response())
}

struct BatchRow {
    batch: String,
    total: i64,
    used: i64,
    created: String,
}

#[derive(Template)]
#[template(path = "admin/verification_codes.html")]
struct CodesPage {
    page: Page,
    batches: Vec<BatchRow>,
    form: FormData,
    errors: ValidationErrors,
    max_codes: usize,
    /// The municipality's areas, for a batch printed for one area.
    areas: Vec<inspraak_db::entity::area::Model>,
}

#[derive(Template)]
#[template(path = "admin/verification_codes_created.html")]
struct CreatedPage {
    page: Page,
    batch: String,
    expires: String,
    codes: Vec<String>,
}

async fn codes_view(
    state: &AppState,
    session: &Session,
    form: FormData,
    errors: ValidationErrors,
) -> Result<CodesPage, WebError> {
    let page = Page::new(state, session, "/admin/verification-codes");
    let batches = verification::batches(&state.db.conn)
        .await?
        .into_iter()
        .map(
            |BatchSummary {
                 batch,
                 total,
                 used,
                 created_at,
             }| BatchRow {
                batch,
                total,
                used,
                created: page.moment(created_at),
            },
        )
        .collect();
    Ok(CodesPage {
        areas: inspraak_db::areas::list(&state.db.conn).await?,
        page,
        batches,
        form,
        errors,
        max_codes: MAX_CODES,
    })
}

async fn codes_page(State(state): State<AppState>, session: Session) -> Result<Response, WebError> {
    session.require_admin()?;
    let form = FormData::from_pairs([("count", "50".to_owned()), ("valid_days", "90".to_owned())]);
    render(&codes_view(&state, &session, form, ValidationErrors::new()).await?)
}

/// Generates a batch; the plain codes are shown (or downloaded as CSV for a mail merge) once
/// and only their hashes are stored.
async fn generate_codes(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let request = CodeRequest {
        batch: form.get("batch").to_owned(),
        count: form.get("count").to_owned(),
        valid_days: form.get("valid_days").to_owned(),
        area: form.get("area").to_owned(),
    };
    let CodeBatch {
        batch,
        codes,
        expires_at,
    } = match accounts::generate_codes(&state.app, session.caller(), request).await {
        Ok(made) => made,
        Err(AppError::Invalid(errors)) => {
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &codes_view(&state, &session, form, errors).await?,
            );
        }
        Err(other) => return Err(other.into()),
    };
    if form.get("format") == "csv" {
        let mut csv = String::from("code,batch,expires\n");
        for code in &codes {
            csv.push_str(&format!(
                "{code},\"{}\",{}\n",
                batch.replace('"', "\"\""),
                expires_at.format("%Y-%m-%d")
            ));
        }
        return Ok((
            [
                (
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"verification-codes.csv\""),
                ),
                (CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            csv,
        )
            .into_response());
    }
    let page = Page::new(&state, &session, "/admin/verification-codes");
    let expires = page.moment(expires_at);
    // The plain codes exist nowhere else: keep them out of every cache.
    let mut response = render(&CreatedPage {
        page,
        batch,
        expires,
        codes,
    })?;
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
