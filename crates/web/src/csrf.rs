//! CSRF protection for every form: the synchroniser-token pattern. Each session has a random
//! token; every form carries it in a hidden field; a POST whose token does not match the
//! session's is refused with 403 before the handler runs.

use crate::form::FormData;
use crate::session::Session;
use crate::{AppState, WebError};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};

/// The hidden field every form carries.
pub const FIELD: &str = "csrf_token";

/// A form submission that carried this session's CSRF token.
pub struct CsrfForm {
    /// The visitor who sent it.
    pub session: Session,
    /// The fields.
    pub form: FormData,
}

impl FromRequest<AppState> for CsrfForm {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let body = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                WebError::TooLarge
            } else {
                WebError::BadRequest(format!("cannot read the form: {rejection}"))
            }
        })?;
        let form = FormData::parse(&body)?;
        check(&session, form.get(FIELD))?;
        Ok(CsrfForm { session, form })
    }
}

/// Compares a submitted token with the session's in constant time.
pub fn check(session: &Session, submitted: &str) -> Result<(), WebError> {
    let Some(expected) = session.csrf_token.as_deref() else {
        return Err(WebError::Csrf);
    };
    let (a, b) = (expected.as_bytes(), submitted.as_bytes());
    let same = a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0;
    if same { Ok(()) } else { Err(WebError::Csrf) }
}
