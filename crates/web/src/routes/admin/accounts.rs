//! Accounts, roles, and resident verification by admins: manual checks and letter codes.

use crate::csrf::CsrfForm;
use crate::form::FormData;
use crate::page::{Page, render, render_status};
use crate::session::{Session, sha256_hex};
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use inspraak_db::verification::BatchSummary;
use inspraak_db::{audit, users, verification};
use inspraak_domain::verification::format_code;
use inspraak_domain::{Problem, Role, ValidationErrors, VerificationMethod};
use serde::Deserialize;

/// Most codes one request may generate: a mailing is split into batches beyond this.
const MAX_CODES: usize = 1000;

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
        page,
        accounts,
        query,
        roles,
    })
}

async fn set_role(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let admin = session.require_admin()?.clone();
    let role: Role = form
        .get("role")
        .parse()
        .map_err(|_| WebError::BadRequest("unknown role".into()))?;
    let target = users::find(&state.db.conn, &id).await?;
    // An instance without an admin can only be repaired from the command line: refuse to
    // demote the last one.
    if users::role_of(&target) == Role::Admin
        && role != Role::Admin
        && users::count_with_role(&state.db.conn, Role::Admin).await? <= 1
    {
        return Err(WebError::BadRequest(
            "the last admin cannot be demoted".into(),
        ));
    }
    users::set_role(&state.db.conn, &id, role).await?;
    audit::record(
        &state.db.conn,
        Some(&admin.id),
        "account.role",
        ("user", &id),
        format!("{} -> {}", target.role, role.as_str()),
        Utc::now(),
    )
    .await?;
    Ok(Redirect::to("/admin/accounts?notice=saved").into_response())
}

async fn verify(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    let admin = session.require_admin()?.clone();
    let now = Utc::now();
    users::mark_verified(
        &state.db.conn,
        &id,
        VerificationMethod::Manual,
        Some(&admin.id),
        now,
    )
    .await?;
    audit::record(
        &state.db.conn,
        Some(&admin.id),
        "account.verify_manual",
        ("user", &id),
        "",
        now,
    )
    .await?;
    Ok(Redirect::to("/admin/accounts?notice=verified_by_admin").into_response())
}

async fn unverify(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    let admin = session.require_admin()?.clone();
    users::revoke_verification(&state.db.conn, &id).await?;
    audit::record(
        &state.db.conn,
        Some(&admin.id),
        "account.unverify",
        ("user", &id),
        "",
        Utc::now(),
    )
    .await?;
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
    let admin = session.require_admin()?.clone();
    let mut errors = ValidationErrors::new();
    let batch = errors.text("batch", form.get("batch"), 1, 100).to_owned();
    let count = match form.get("count").trim().parse::<usize>() {
        Ok(n) if (1..=MAX_CODES).contains(&n) => n,
        Ok(n) if n > MAX_CODES => {
            errors.add("count", Problem::TooLong { max: MAX_CODES });
            0
        }
        _ => {
            errors.add("count", Problem::Required);
            0
        }
    };
    let days = match form.get("valid_days").trim().parse::<i64>() {
        Ok(d) if (1..=366).contains(&d) => d,
        _ => {
            errors.add("valid_days", Problem::UnknownChoice);
            0
        }
    };
    if !errors.is_empty() {
        return render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &codes_view(&state, &session, form, errors).await?,
        );
    }
    let mut codes = Vec::with_capacity(count);
    for _ in 0..count {
        let mut random = [0u8; 8];
        getrandom::fill(&mut random)
            .map_err(|e| WebError::internal(format!("no randomness: {e}")))?;
        codes.push(format_code(&random));
    }
    let hashes = codes
        .iter()
        .map(|c| sha256_hex(&c.replace('-', "")))
        .collect();
    let now = Utc::now();
    let expires_at = now + chrono::Duration::days(days);
    verification::create_batch(&state.db.conn, hashes, &batch, &admin.id, now, expires_at).await?;
    audit::record(
        &state.db.conn,
        Some(&admin.id),
        "verification.codes",
        ("batch", &batch),
        format!("{count} codes, valid {days} days"),
        now,
    )
    .await?;
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
