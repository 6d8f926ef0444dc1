//! What admins do about other instances: follow and unfollow, block and unblock domains, and
//! retry a host's queued deliveries.

use crate::audit::{self, AuditAction};
use crate::{App, AppError, Caller};
use chrono::Utc;
use inspraak_db::{domain_blocks, outbox};
use inspraak_domain::Problem;
use inspraak_domain::blocklist::Severity;
use inspraak_federation::{FederationError, follow};

/// Longest handle or address an admin may type.
const TARGET_MAX: usize = 500;

/// Follows an actor given by handle (`@name@host`) or URL. A target that cannot be resolved
/// or followed is `BadRequest` with the reason; an empty one is a field problem (`target`).
pub async fn follow(app: &App, caller: Caller<'_>, target: &str) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let target = target.trim();
    if target.is_empty() || target.len() > TARGET_MAX {
        return Err(AppError::field("target", Problem::Required));
    }
    let refused = |err: FederationError| {
        tracing::warn!(%target, error = %err, "cannot follow");
        AppError::BadRequest(format!("{target}: {err}"))
    };
    // Network work first: on SQLite the transaction holds the write lock while it is open.
    let fed = app.federation.to_request_data();
    let remote = follow::resolve(&fed, target).await.map_err(refused)?;
    let plan = follow::prepare(&fed, remote).await.map_err(refused)?;
    let txn = app.begin().await?;
    follow::follow(&txn, &fed, &plan).await.map_err(refused)?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::FederationFollow,
        ("actor", &plan.remote.row.ap_id),
        target,
        Utc::now(),
    )
    .await?;
    app.commit(txn).await
}

/// Stops following an actor.
pub async fn unfollow(app: &App, caller: Caller<'_>, ap_id: &str) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let txn = app.begin().await?;
    follow::unfollow(&txn, &app.federation.to_request_data(), ap_id).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::FederationUnfollow,
        ("actor", ap_id),
        "",
        Utc::now(),
    )
    .await?;
    app.commit(txn).await
}

/// A host as admins type it: lower case, no scheme, path or trailing dot.
fn clean_host(input: &str) -> Option<String> {
    let host = input
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split('/')
        .next()?
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let valid = !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    valid.then_some(host)
}

/// Blocks a domain: its activities are refused and nothing is delivered to it. An unusable
/// host name is a field problem (`host`).
pub async fn block_domain(
    app: &App,
    caller: Caller<'_>,
    host: &str,
    reason: &str,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let host = clean_host(host).ok_or_else(|| AppError::field("host", Problem::UnknownChoice))?;
    let reason: String = reason.trim().chars().take(500).collect();
    let now = Utc::now();
    let txn = app.begin().await?;
    domain_blocks::block(&txn, &host, &reason, Severity::Suspend, now).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::FederationBlock,
        ("domain", &host),
        reason,
        now,
    )
    .await?;
    app.commit(txn).await
}

/// Lifts a domain block.
pub async fn unblock_domain(app: &App, caller: Caller<'_>, host: &str) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let now = Utc::now();
    let txn = app.begin().await?;
    domain_blocks::unblock(&txn, host).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::FederationUnblock,
        ("domain", host),
        "",
        now,
    )
    .await?;
    app.commit(txn).await
}

/// Makes a host's waiting deliveries due now and wakes the delivery worker.
pub async fn retry_host(app: &App, caller: Caller<'_>, host: &str) -> Result<(), AppError> {
    caller.require_admin()?;
    outbox::retry_host(app.conn(), host, Utc::now()).await?;
    app.federation.outbox_signal.notify_one();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::clean_host;

    #[test]
    fn hosts_are_cleaned_and_nonsense_refused() {
        assert_eq!(
            clean_host(" https://Spam.Example./users/x ").as_deref(),
            Some("spam.example")
        );
        assert_eq!(clean_host("host:8080").as_deref(), Some("host:8080"));
        assert_eq!(clean_host(""), None);
        assert_eq!(clean_host("bad host"), None);
    }
}
