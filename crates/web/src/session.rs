//! Server-side sessions: the cookie carries a random token; the database keeps its SHA-256,
//! the account it belongs to and the CSRF token of its forms.

use crate::i18n::Locale;
use crate::{AppState, WebError};
use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE, HeaderValue, SET_COOKIE};
use axum::http::request::Parts;
use axum::response::Response;
use chrono::Utc;
use inspraak_app::Caller;
pub use inspraak_app::secrets::{random_token, sha256_hex};
use inspraak_db::entity::user;
use inspraak_db::{DbError, sessions, users};
use std::time::Duration;

/// Anonymous sessions exist only to protect the log-in and sign-up forms: keep them short.
const ANONYMOUS_LIFETIME: Duration = Duration::from_secs(2 * 60 * 60);
/// Cookie with the visitor's chosen language.
pub const LANG_COOKIE: &str = "inspraak_lang";

/// The visitor of this request: their session (if any), account (if logged in) and language.
#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the cookie token, when a valid session exists.
    pub token_hash: Option<String>,
    /// The CSRF token of this session's forms.
    pub csrf_token: Option<String>,
    /// The logged-in account.
    pub user: Option<user::Model>,
    /// The interface language.
    pub locale: Locale,
}

impl Session {
    /// The logged-in account, or `Unauthorized`.
    pub fn user(&self) -> Result<&user::Model, WebError> {
        self.user.as_ref().ok_or(WebError::Unauthorized)
    }

    /// The visitor as the use cases see them.
    pub fn caller(&self) -> Caller<'_> {
        Caller::new(self.user.as_ref())
    }

    /// The logged-in account if it is an admin; `Unauthorized` or `Forbidden` otherwise.
    pub fn require_admin(&self) -> Result<&user::Model, WebError> {
        Ok(self.caller().require_admin()?)
    }
}

/// The cookie's name: with HTTPS the `__Host-` prefix pins it to this host and path `/`.
fn cookie_name(state: &AppState) -> &'static str {
    if state.config.secure_cookies() {
        "__Host-inspraak_session"
    } else {
        "inspraak_session"
    }
}

fn read_cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for Session {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        if let Some(session) = parts.extensions.get::<Session>() {
            return Ok(session.clone());
        }
        let now = Utc::now();
        let mut session = Session {
            token_hash: None,
            csrf_token: None,
            user: None,
            locale: Locale::Nl,
        };
        if let Some(token) = read_cookie(parts, cookie_name(state)) {
            let hash = sha256_hex(token);
            if let Some(row) = sessions::find_valid(&state.db.conn, &hash, now).await? {
                if let Some(user_id) = &row.user_id {
                    // A deleted account logs the session out; a database failure is an error,
                    // not a quiet log-out.
                    session.user = match users::find(&state.db.conn, user_id).await {
                        Ok(user) => Some(user),
                        Err(DbError::NotFound(_)) => None,
                        Err(other) => return Err(other.into()),
                    };
                }
                session.token_hash = Some(hash);
                session.csrf_token = Some(row.csrf_token);
            }
        }
        session.locale = read_cookie(parts, LANG_COOKIE)
            .and_then(Locale::from_tag)
            .or_else(|| {
                session
                    .user
                    .as_ref()
                    .and_then(|u| u.locale.as_deref())
                    .and_then(Locale::from_tag)
            })
            .or_else(|| {
                parts
                    .headers
                    .get(ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Locale::negotiate)
            })
            .unwrap_or(Locale::Nl);
        parts.extensions.insert(session.clone());
        Ok(session)
    }
}

/// A session newly stored, whose cookie still has to reach the browser.
pub struct NewSession {
    /// The session as later requests will see it.
    pub session: Session,
    /// The `Set-Cookie` value.
    pub cookie: HeaderValue,
}

impl NewSession {
    /// Attaches the cookie to a response.
    pub fn set_on(&self, response: &mut Response) {
        response
            .headers_mut()
            .append(SET_COOKIE, self.cookie.clone());
    }
}

/// Starts a session, for an account (after log-in) or anonymous (to protect a form). A new
/// token every time: a session id fixed before log-in is worthless after it.
pub async fn start(
    state: &AppState,
    user: Option<user::Model>,
    locale: Locale,
) -> Result<NewSession, WebError> {
    let token = random_token()?;
    let csrf = random_token()?;
    let lifetime = if user.is_some() {
        state.config.session_lifetime
    } else {
        ANONYMOUS_LIFETIME
    };
    let now = Utc::now();
    let expires = now + chrono::Duration::from_std(lifetime).map_err(WebError::internal)?;
    let hash = sha256_hex(&token);
    sessions::create(
        &state.db.conn,
        hash.clone(),
        user.as_ref().map(|u| u.id.clone()),
        csrf.clone(),
        now,
        expires,
    )
    .await?;
    let cookie = format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        cookie_name(state),
        lifetime.as_secs(),
        if state.config.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    );
    Ok(NewSession {
        session: Session {
            token_hash: Some(hash),
            csrf_token: Some(csrf),
            user,
            locale,
        },
        cookie: HeaderValue::from_str(&cookie).map_err(WebError::internal)?,
    })
}

/// Makes sure the visitor has a session (and so a CSRF token) before a form is shown.
pub async fn ensure(
    state: &AppState,
    session: Session,
) -> Result<(Session, Option<NewSession>), WebError> {
    if session.csrf_token.is_some() {
        return Ok((session, None));
    }
    let new = start(state, None, session.locale).await?;
    Ok((new.session.clone(), Some(new)))
}

/// A `Set-Cookie` value that removes the session cookie.
pub fn clearing_cookie(state: &AppState) -> HeaderValue {
    let value = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        cookie_name(state),
        if state.config.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    );
    HeaderValue::from_str(&value)
        .unwrap_or_else(|_| HeaderValue::from_static("inspraak_session=; Max-Age=0"))
}
