//! The one mapping from failures to HTTP answers.
//!
//! Handlers return [`WebError`]. Its `IntoResponse` sets the status and leaves an
//! [`ErrorInfo`] in the response; the `render_errors` middleware (in `routes`) then writes the
//! body the client understands: JSON under `/api/`, a translated HTML page elsewhere.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use inspraak_app::AppError;
use inspraak_app::error::Cause;
use inspraak_db::DbError;
use inspraak_domain::ValidationErrors;
use inspraak_domain::participation::Refusal;
use inspraak_domain::proposal::ItemRefusal;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The thing asked for does not exist (or is not visible to the asker).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request needs a logged-in account.
    #[error("log in first")]
    Unauthorized,
    /// The account may not do this.
    #[error("not allowed")]
    Forbidden,
    /// The form did not carry this session's CSRF token.
    #[error("the form's security token is missing or wrong")]
    Csrf,
    /// The participation rules refuse this (login, block, verification, phase).
    #[error("{0}")]
    Refused(Refusal),
    /// The item does not take this now (withdrawn, hidden, pending, closed, deleted).
    #[error("{0}")]
    ItemClosed(ItemRefusal),
    /// The input is malformed in a way no form field explains.
    #[error("{0}")]
    BadRequest(String),
    /// The input failed validation.
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    /// A budget ballot that breaks rules; each problem is a field error.
    #[error("the ballot breaks {} rule(s)", .0.problems.len())]
    InvalidBallot(Box<inspraak_domain::budget::method::BallotCheck>),
    /// A unique value (named) is already taken.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// The request body is larger than this route accepts.
    #[error("the request is too large")]
    TooLarge,
    /// Too many attempts; try again later.
    #[error("too many attempts")]
    TooManyRequests,
    /// The upload is too large or of a type we do not take.
    #[error("{0}")]
    UnsupportedMedia(String),
    /// An uploaded file cannot be read; the message names the file and line.
    #[error("{0}")]
    Unreadable(String),
    /// A fault on our side; the cause (with its own causes) is logged, never shown.
    #[error("internal error")]
    Internal(#[source] Cause),
}

impl WebError {
    /// An internal fault with its cause, for the log.
    pub fn internal(cause: impl Into<Cause>) -> Self {
        WebError::Internal(cause.into())
    }

    /// The HTTP status for this failure.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Forbidden | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::Refused(Refusal::LoginRequired) => StatusCode::UNAUTHORIZED,
            WebError::Refused(_) => StatusCode::FORBIDDEN,
            WebError::ItemClosed(_) => StatusCode::CONFLICT,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Invalid(_) | WebError::InvalidBallot(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            WebError::UnsupportedMedia(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::Unreadable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A stable machine-readable code for API clients and the translation key.
    pub fn code(&self) -> &'static str {
        match self {
            WebError::NotFound(_) => "not_found",
            WebError::Unauthorized => "unauthorized",
            WebError::Forbidden => "forbidden",
            WebError::Csrf => "csrf",
            WebError::Refused(r) => r.code(),
            WebError::ItemClosed(r) => r.code(),
            WebError::BadRequest(_) => "bad_request",
            WebError::Invalid(_) => "invalid",
            WebError::InvalidBallot(_) => "invalid_ballot",
            WebError::Conflict(_) => "conflict",
            WebError::TooLarge => "too_large",
            WebError::TooManyRequests => "too_many_requests",
            WebError::UnsupportedMedia(_) => "unsupported_media",
            WebError::Unreadable(_) => "unreadable",
            WebError::Internal(_) => "internal",
        }
    }
}

impl From<DbError> for WebError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::NotFound(what) => WebError::NotFound(what),
            DbError::Conflict(what) => WebError::Conflict(what),
            other => WebError::Internal(Box::new(other)),
        }
    }
}

impl From<AppError> for WebError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::NotFound(what) => WebError::NotFound(what),
            AppError::Unauthorized => WebError::Unauthorized,
            AppError::Forbidden => WebError::Forbidden,
            AppError::Refused(r) => WebError::Refused(r),
            AppError::ItemClosed(r) => WebError::ItemClosed(r),
            AppError::BadRequest(m) => WebError::BadRequest(m),
            AppError::Invalid(errors) => WebError::Invalid(errors),
            AppError::InvalidBallot(check) => WebError::InvalidBallot(check),
            AppError::Unreadable(m) => WebError::Unreadable(m),
            AppError::Conflict(what) => WebError::Conflict(what),
            other @ (AppError::Db(_) | AppError::Federation(_) | AppError::Internal { .. }) => {
                WebError::Internal(Box::new(other))
            }
        }
    }
}

impl From<inspraak_federation::FederationError> for WebError {
    fn from(err: inspraak_federation::FederationError) -> Self {
        AppError::from(err).into()
    }
}

impl From<axum::extract::multipart::MultipartError> for WebError {
    fn from(err: axum::extract::multipart::MultipartError) -> Self {
        if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge
        } else {
            WebError::BadRequest(format!("malformed upload: {err}"))
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(err: askama::Error) -> Self {
        WebError::Internal(Box::new(err))
    }
}

/// What the error renderer needs, carried in the response's extensions.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// The machine-readable code.
    pub code: &'static str,
    /// A message safe to show (never an internal cause).
    pub message: String,
    /// Field problems, for validation errors.
    pub fields: Vec<(String, &'static str, Option<usize>)>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let WebError::Internal(cause) = &self {
            tracing::error!(cause = %inspraak_app::chain(cause.as_ref()), "request failed");
        } else {
            tracing::info!(status = status.as_u16(), error = %self, "request refused");
        }
        let fields = match &self {
            WebError::Invalid(errors) => errors
                .0
                .iter()
                .map(|e| (e.field.clone(), e.problem.code(), e.problem.limit()))
                .collect(),
            WebError::InvalidBallot(check) => check
                .problems
                .iter()
                .map(|p| {
                    let field = p
                        .project()
                        .map_or_else(|| "projects".to_owned(), |id| format!("projects.{id}"));
                    (field, p.code(), None)
                })
                .collect(),
            _ => Vec::new(),
        };
        let message = match &self {
            WebError::Internal(_) => "internal error".to_owned(),
            other => other.to_string(),
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorInfo {
            code: self.code(),
            message,
            fields,
        });
        response
    }
}
