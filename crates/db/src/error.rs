//! What can go wrong in storage, in terms the web layer can answer with the right status.

use sea_orm::{DbErr, SqlErr};

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The row asked for does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A unique value is already taken; names what, e.g. `username` or `slug`.
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// The database URL or file cannot be used.
    #[error("cannot open the database: {0}")]
    Connect(String),
    /// A value could not be encoded for storage.
    #[error("cannot encode the {0}")]
    Encode(&'static str, #[source] serde_json::Error),
    /// Anything else the database said.
    #[error(transparent)]
    Sql(#[from] DbErr),
}

impl DbError {
    /// Maps a unique-constraint violation to `Conflict(field)`, anything else to `Sql`.
    pub(crate) fn unique(err: DbErr, field: &'static str) -> DbError {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => DbError::Conflict(field),
            _ => DbError::Sql(err),
        }
    }
}
