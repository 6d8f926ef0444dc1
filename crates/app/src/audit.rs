//! The audit log's vocabulary: every action staff (or the instance) take that a municipality
//! must be able to account for. Entries are written in the same transaction as the action.

use crate::AppError;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

pub use inspraak_domain::audit::AuditAction;

/// Writes an audit entry on `db` (pass the action's transaction).
pub async fn record(
    db: &impl ConnectionTrait,
    actor_id: Option<&str>,
    action: AuditAction,
    subject: (&str, &str),
    detail: impl Into<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    inspraak_db::audit::record(db, actor_id, action.as_str(), subject, detail, now).await?;
    Ok(())
}
