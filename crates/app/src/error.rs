//! Why a use case did not happen, in terms any front end can answer.

use inspraak_db::DbError;
use inspraak_domain::participation::Refusal;
use inspraak_domain::proposal::ItemRefusal;
use inspraak_domain::{Problem, ValidationErrors};
use inspraak_federation::FederationError;

/// A boxed cause kept for the log.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or is not visible to the caller).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The use case needs a logged-in account.
    #[error("log in first")]
    Unauthorized,
    /// The caller may not do this.
    #[error("not allowed")]
    Forbidden,
    /// The participation rules refuse this (login, block, verification, phase).
    #[error("{0}")]
    Refused(Refusal),
    /// The item does not take this now (withdrawn, hidden, pending, closed, deleted).
    #[error("{0}")]
    ItemClosed(ItemRefusal),
    /// The input is malformed in a way no form field explains.
    #[error("{0}")]
    BadRequest(String),
    /// The input failed validation; each problem names its field.
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    /// A budget ballot that breaks rules: the check says which, with the totals.
    #[error("the ballot breaks {} rule(s)", .0.problems.len())]
    InvalidBallot(Box<inspraak_domain::budget::method::BallotCheck>),
    /// An uploaded file cannot be read; the message names the file and line.
    #[error("{0}")]
    Unreadable(String),
    /// A unique value (named) is already taken.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// Storage failed.
    #[error("database")]
    Db(#[source] DbError),
    /// Federation failed.
    #[error("federation")]
    Federation(#[source] FederationError),
    /// Something else on our side failed; `context` says what we were doing.
    #[error("{context}")]
    Internal {
        /// What was being done.
        context: String,
        /// The underlying failure, when there is one.
        #[source]
        source: Option<Cause>,
    },
}

impl AppError {
    /// An internal failure with what was being done and its cause.
    pub fn internal(context: impl Into<String>, source: impl Into<Cause>) -> Self {
        AppError::Internal {
            context: context.into(),
            source: Some(source.into()),
        }
    }

    /// A single field problem, as a validation failure.
    pub fn field(field: &str, problem: Problem) -> Self {
        let mut errors = ValidationErrors::new();
        errors.add(field, problem);
        AppError::Invalid(errors)
    }
}

impl From<DbError> for AppError {
    fn from(err: DbError) -> Self {
        match err {
            DbError::NotFound(what) => AppError::NotFound(what),
            DbError::Conflict(what) => AppError::Conflict(what),
            other => AppError::Db(other),
        }
    }
}

impl From<FederationError> for AppError {
    fn from(err: FederationError) -> Self {
        match err {
            FederationError::Db(db) => db.into(),
            FederationError::Invalid(message) => AppError::BadRequest(message),
            FederationError::Forbidden(_) => AppError::Forbidden,
            other => AppError::Federation(other),
        }
    }
}

impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        AppError::Invalid(errors)
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        DbError::from(err).into()
    }
}

/// An error with its causes, outermost first, for a log line: "database: no such table: x".
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
