//! Making an account, logging in and out, and proving residency with a letter code.

use super::local_path;
use crate::csrf::CsrfForm;
use crate::form::FormData;
use crate::page::{Page, render, render_status};
use crate::rate_limit::ClientAddr;
use crate::session::{self, Session};
use crate::{AppState, WebError};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use inspraak_app::AppError;
use inspraak_app::accounts::{self, CodeRefusal, Registration};
use inspraak_db::entity::user;
use inspraak_db::{api_tokens, sessions, users};
use inspraak_domain::ValidationErrors;
use serde::Deserialize;
use std::time::Duration;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/register", get(register_form).post(register))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/account", get(account_page))
        .route("/account/verify", post(verify_code))
        .route("/account/tokens", post(create_token))
        .route("/account/fediverse", post(set_fediverse))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
}

#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterPage {
    page: Page,
    form: FormData,
    errors: ValidationErrors,
}

async fn register_form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, WebError> {
    let (session, new) = session::ensure(&state, session).await?;
    let page = Page::new(&state, &session, "/register");
    let mut response = render(&RegisterPage {
        page,
        form: FormData::default(),
        errors: ValidationErrors::new(),
    })?;
    if let Some(new) = new {
        new.set_on(&mut response);
    }
    Ok(response)
}

async fn register(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    if !state.limits.allow(
        &format!("register:{ip}"),
        state.config.registrations_per_hour,
        Duration::from_secs(3600),
    ) {
        return Err(WebError::TooManyRequests);
    }
    let registration = Registration {
        username: form.get("username").to_owned(),
        display_name: form.get("display_name").to_owned(),
        email: form.get("email").to_owned(),
        password: form.get("password").to_owned(),
        password_repeat: form.get("password_repeat").to_owned(),
    };
    let user = match accounts::register(&state.app, registration).await {
        Ok(user) => user,
        Err(AppError::Invalid(errors)) => {
            let page = Page::new(&state, &session, "/register");
            return render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &RegisterPage { page, form, errors },
            );
        }
        Err(other) => return Err(other.into()),
    };
    log_in(&state, &session, user, "/account?notice=welcome").await
}

/// Replaces the visitor's session with a fresh one for `user` and redirects.
async fn log_in(
    state: &AppState,
    old: &Session,
    user: user::Model,
    to: &str,
) -> Result<Response, WebError> {
    if let Some(hash) = &old.token_hash {
        sessions::delete(&state.db.conn, hash).await?;
    }
    users::record_login(&state.db.conn, &user.id, Utc::now()).await?;
    let new = session::start(state, Some(user), old.locale).await?;
    let mut response = Redirect::to(to).into_response();
    new.set_on(&mut response);
    Ok(response)
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    page: Page,
    username: String,
    next: String,
    failed: bool,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let (session, new) = session::ensure(&state, session).await?;
    let page = Page::new(&state, &session, "/login");
    let next = local_path(q.next.as_deref()).to_owned();
    let mut response = render(&LoginPage {
        page,
        username: String::new(),
        next,
        failed: false,
    })?;
    if let Some(new) = new {
        new.set_on(&mut response);
    }
    Ok(response)
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let minute = Duration::from_secs(60);
    let username = form.get("username").trim().to_lowercase();
    // Usernames are at most 30 characters; anything longer cannot log in, so it need not be
    // counted either, and the counter's key stays small whatever was typed.
    let name_key: String = username.chars().take(32).collect();
    let limit = state.config.login_attempts_per_minute;
    // The per-name counter only moves when the address is within its limit, so one address
    // cannot fill the table with names.
    if !state.limits.allow(&format!("login-ip:{ip}"), limit, minute)
        || !state
            .limits
            .allow(&format!("login-name:{name_key}"), limit, minute)
    {
        return Err(WebError::TooManyRequests);
    }
    let user = accounts::authenticate(&state.app, &username, form.get("password")).await?;
    let next = local_path(Some(form.get("next"))).to_owned();
    match user {
        Some(user) => {
            tracing::info!(user = %user.username, "logged in");
            log_in(&state, &session, user, &next).await
        }
        _ => {
            tracing::info!(%username, %ip, "log-in refused: wrong name or password");
            let page = Page::new(&state, &session, "/login");
            render_status(
                StatusCode::UNAUTHORIZED,
                &LoginPage {
                    page,
                    username,
                    next,
                    failed: true,
                },
            )
        }
    }
}

async fn logout(
    State(state): State<AppState>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    if let Some(hash) = &session.token_hash {
        sessions::delete(&state.db.conn, hash).await?;
    }
    let mut response = StatusCode::SEE_OTHER.into_response();
    response.headers_mut().insert(
        LOCATION,
        axum::http::HeaderValue::from_static("/?notice=logged_out"),
    );
    response
        .headers_mut()
        .insert(SET_COOKIE, session::clearing_cookie(&state));
    Ok(response)
}

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    tokens: Vec<TokenRow>,
    new_token: Option<String>,
    page: Page,
    user: user::Model,
    role: String,
    verified_on: Option<String>,
    verified_how: Option<String>,
    code_error: Option<String>,
    fediverse_status: String,
    /// The caller's proposals that staff forwarded to another organization.
    forwarded: Vec<super::forwards::ForwardItem>,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

/// A personal API token as the account page lists it.
struct TokenRow {
    id: String,
    name: String,
    created: String,
    last_used: Option<String>,
}

async fn account_view(
    state: &AppState,
    session: &Session,
    user: user::Model,
    notice: Option<&str>,
    code_error: Option<String>,
    new_token: Option<String>,
) -> Result<AccountPage, WebError> {
    let page = Page::new(state, session, "/account").with_notice(notice);
    let role = page
        .t(&format!("role.{}", users::role_of(&user).as_str()))
        .to_owned();
    let verified_on = user.verified_at.map(|at| page.moment(at));
    let verified_how = user
        .verification_method
        .as_ref()
        .map(|m| page.t(&format!("verification.method.{m}")).to_owned());
    let tokens = api_tokens::list(&state.db.conn, &user.id)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            created: page.moment(t.created_at),
            last_used: t.last_used_at.map(|at| page.moment(at)),
            id: t.id,
            name: t.name,
        })
        .collect();
    let fediverse_status = if user.fediverse_visible {
        let host = inspraak_federation::discovery::handle_host(&state.config.public_url);
        page.t("fediverse.on")
            .replace("{handle}", &format!("@{}@{host}", user.username))
    } else {
        page.t("fediverse.off").to_owned()
    };
    let caller = inspraak_app::Caller::new(Some(&user));
    let forwarded = inspraak_app::forwarding::of_author(&state.app, caller).await?;
    let forwarded = super::forwards::items(&page, forwarded);
    Ok(AccountPage {
        forwarded,
        fediverse_status,
        tokens,
        new_token,
        page,
        user,
        role,
        verified_on,
        verified_how,
        code_error,
    })
}

async fn account_page(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let user = session.user()?.clone();
    render(&account_view(&state, &session, user, q.notice.as_deref(), None, None).await?)
}

async fn verify_code(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let user = session.user()?.clone();
    if user.verified_at.is_some() {
        return Ok(Redirect::to("/account").into_response());
    }
    if !state.limits.allow(
        &format!("code:{}", user.id),
        state.config.code_attempts_per_hour,
        Duration::from_secs(3600),
    ) {
        return Err(WebError::TooManyRequests);
    }
    let refuse = async |key: &str| {
        let page_error = Page::new(&state, &session, "/account").t(key).to_owned();
        let page =
            account_view(&state, &session, user.clone(), None, Some(page_error), None).await?;
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    match accounts::redeem_code(&state.app, session.caller(), form.get("code")).await? {
        Ok(()) => Ok(Redirect::to("/account?notice=verified").into_response()),
        Err(CodeRefusal::Malformed) => refuse("verification.code_malformed").await,
        Err(CodeRefusal::Invalid) => refuse("verification.code_invalid").await,
    }
}

/// Turns appearing by name in the fediverse on or off. Contributions published earlier keep
/// the author they were published with.
async fn set_fediverse(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let visible = form.checked("fediverse_visible");
    accounts::set_fediverse_visible(&state.app, session.caller(), visible).await?;
    let notice = if visible {
        "fediverse_on"
    } else {
        "fediverse_off"
    };
    Ok(Redirect::to(&format!("/account?notice={notice}")).into_response())
}

/// Makes a personal API token and shows it once; only its hash is kept.
async fn create_token(
    State(state): State<AppState>,
    CsrfForm { session, form }: CsrfForm,
) -> Result<Response, WebError> {
    let user = session.user()?.clone();
    let token =
        accounts::create_token(&state.app, session.caller(), form.get("token_name")).await?;
    let page = account_view(
        &state,
        &session,
        user,
        Some("token_created"),
        None,
        Some(token),
    )
    .await?;
    let mut response = render(&page)?;
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

async fn revoke_token(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { session, .. }: CsrfForm,
) -> Result<Response, WebError> {
    accounts::revoke_token(&state.app, session.caller(), &id).await?;
    Ok(Redirect::to("/account?notice=token_revoked").into_response())
}
