//! What can go wrong in federation code, and which HTTP status an inbox answers for it.

use activitypub_federation::error::Error as ApfError;
use reqwest::StatusCode;

/// A federation failure.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] inspraak_db::DbError),
    /// A key could not be made.
    #[error("key generation failed: {0}")]
    Key(String),
    /// A URL could not be built or parsed.
    #[error("invalid URL: {0}")]
    Url(#[from] url::ParseError),
    /// The federation configuration could not be built.
    #[error("federation configuration: {0}")]
    Config(String),
    /// `activitypub_federation` refused something (signature, digest, fetch, URL checks).
    #[error(transparent)]
    Protocol(#[from] ApfError),
    /// The activity or object is malformed or not acceptable as sent.
    #[error("invalid: {0}")]
    Invalid(String),
    /// The sender may not do this (origin checks, blocked domains).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// It contradicts what the sender said before (a second, different tally).
    #[error("conflict: {0}")]
    Conflict(String),
    /// JSON could not be made or read.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

impl FederationError {
    /// The HTTP status an inbox answers: 401 for signature and digest failures (so senders
    /// retry with another signature scheme), 403 for origin and block failures, 400 for
    /// malformed input, 500 otherwise.
    pub fn status(&self) -> StatusCode {
        match self {
            FederationError::Protocol(err) => match err {
                ApfError::ActivitySignatureInvalid | ApfError::ActivityBodyDigestInvalid => {
                    StatusCode::UNAUTHORIZED
                }
                ApfError::ParseReceivedActivity { .. } => StatusCode::BAD_REQUEST,
                ApfError::UrlVerificationError(_) | ApfError::DomainResolveError(_) => {
                    StatusCode::FORBIDDEN
                }
                // The actor (and so its key) could not be fetched: the signature is unverifiable.
                ApfError::NotFound
                | ApfError::ObjectDeleted(_)
                | ApfError::FetchInvalidContentType(_)
                | ApfError::FetchWrongId(_)
                | ApfError::ParseFetchedObject(..)
                | ApfError::Reqwest(_)
                | ApfError::ReqwestMiddleware(_)
                | ApfError::RequestLimit
                | ApfError::ResponseBodyLimit
                | ApfError::Other(_) => StatusCode::UNAUTHORIZED,
                ApfError::ResolveInternalIpError(..) => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            },
            FederationError::Invalid(_) | FederationError::Json(_) | FederationError::Url(_) => {
                StatusCode::BAD_REQUEST
            }
            FederationError::Forbidden(_) => StatusCode::FORBIDDEN,
            FederationError::Conflict(_) => StatusCode::CONFLICT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}
