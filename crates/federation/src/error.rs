//! What can go wrong in federation code.

/// A federation failure.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] inspraak_db::DbError),
    /// A key could not be made.
    #[error("key generation failed: {0}")]
    Key(String),
    /// A URL could not be built.
    #[error("invalid URL: {0}")]
    Url(#[from] url::ParseError),
}
