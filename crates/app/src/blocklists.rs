//! Shared domain blocklists: a province or the helpdesk keeps a recommended list; any
//! instance subscribes to remote lists (auto-apply or review), accepts or dismisses
//! suggestions, and imports and exports Mastodon's domain-block CSV. Network work happens
//! before a transaction opens; every admin action is audited in the transaction it changes.

use crate::audit::{self, AuditAction};
use crate::{App, AppError, Caller};
use chrono::Utc;
use inspraak_db::entity::{blocklist_entry, blocklist_subscription};
use inspraak_db::{blocklists, domain_blocks};
use inspraak_domain::Problem;
use inspraak_domain::blocklist::{
    self, BlockEntry, EntryState, MAX_ENTRIES, Severity, SubscriptionMode,
};
use inspraak_federation::blocklists::{self as lists, RECOMMENDED_PATH};
use inspraak_federation::follow;
use url::Url;

/// Longest list address or handle an admin may type.
const TARGET_MAX: usize = 2048;

/// Only a province or the helpdesk publishes a recommended list.
pub fn publishes(app: &App) -> bool {
    matches!(
        app.federation.instance_kind.as_str(),
        "province" | "helpdesk"
    )
}

/// Our own host name (without port), which no list may block.
fn own_host(app: &App) -> String {
    app.federation
        .base
        .host_str()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// A host, severity and comment as an admin typed them, checked.
pub fn checked_entry(
    app: &App,
    host: &str,
    severity: &str,
    comment: &str,
) -> Result<BlockEntry, AppError> {
    let host = blocklist::valid_host(host)
        .filter(|h| !blocklist::covers(h, &own_host(app)))
        .ok_or_else(|| AppError::field("host", Problem::UnknownChoice))?;
    let severity: Severity = severity
        .parse()
        .map_err(|()| AppError::field("severity", Problem::UnknownChoice))?;
    if comment.chars().count() > blocklist::COMMENT_MAX {
        return Err(AppError::field(
            "comment",
            Problem::TooLong {
                max: blocklist::COMMENT_MAX,
            },
        ));
    }
    Ok(BlockEntry {
        host,
        severity,
        comment: blocklist::clean_comment(comment),
    })
}

/// Adds a domain to our recommended list (or changes it).
pub async fn recommend(
    app: &App,
    caller: Caller<'_>,
    host: &str,
    severity: &str,
    comment: &str,
) -> Result<BlockEntry, AppError> {
    let admin = caller.require_admin()?;
    if !publishes(app) {
        return Err(AppError::NotFound("page"));
    }
    let entry = checked_entry(app, host, severity, comment)?;
    let listed = blocklists::recommended(app.conn()).await?;
    if listed.len() >= MAX_ENTRIES && !listed.iter().any(|r| r.host == entry.host) {
        return Err(AppError::BadRequest(format!(
            "the list already has {MAX_ENTRIES} domains"
        )));
    }
    let now = Utc::now();
    let txn = app.begin().await?;
    blocklists::recommend(&txn, &entry, now).await?;
    lists::announce_change(&txn, &app.federation).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::BlocklistRecommend,
        ("domain", &entry.host),
        format!("{}: {}", entry.severity.as_str(), entry.comment),
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(entry)
}

/// Removes a domain from our recommended list.
pub async fn unrecommend(app: &App, caller: Caller<'_>, host: &str) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let now = Utc::now();
    let txn = app.begin().await?;
    if !blocklists::unrecommend(&txn, host).await? {
        return Err(AppError::NotFound("domain"));
    }
    lists::announce_change(&txn, &app.federation).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::BlocklistUnrecommend,
        ("domain", host),
        "",
        now,
    )
    .await?;
    app.commit(txn).await
}

/// The address of a list given as a URL, or as the handle of an instance's organization
/// (`@provincie@host`: its recommended list at [`RECOMMENDED_PATH`] on the actor's origin).
async fn list_url(app: &App, target: &str) -> Result<Url, AppError> {
    let target = target.trim();
    if target.is_empty() || target.len() > TARGET_MAX {
        return Err(AppError::field("target", Problem::Required));
    }
    let url = if target.starts_with("https://") || target.starts_with("http://") {
        Url::parse(target).map_err(|_| AppError::field("target", Problem::UnknownChoice))?
    } else {
        let fed = app.federation.to_request_data();
        let actor = follow::resolve(&fed, target)
            .await
            .map_err(|e| AppError::BadRequest(format!("{target}: {e}")))?;
        actor
            .id
            .join(RECOMMENDED_PATH)
            .map_err(|e| AppError::BadRequest(e.to_string()))?
    };
    if url.host_str().is_none() || !url.username().is_empty() || url.password().is_some() {
        return Err(AppError::field("target", Problem::UnknownChoice));
    }
    Ok(url)
}

/// Fetches and checks a list; a failure is a `BadRequest` naming the list.
async fn fetch(app: &App, url: &Url) -> Result<lists::FetchedList, AppError> {
    let fed = app.federation.to_request_data();
    lists::fetch(&fed, url).await.map_err(|e| {
        tracing::warn!(list = %url, error = %e, "blocklist not usable");
        AppError::BadRequest(format!("{url}: {e}"))
    })
}

/// Subscribes to a remote list: it is fetched at once (an unreachable or invalid list is
/// refused and nothing is stored), then applied as `mode` says.
pub async fn subscribe(
    app: &App,
    caller: Caller<'_>,
    target: &str,
    mode: &str,
) -> Result<blocklist_subscription::Model, AppError> {
    let admin = caller.require_admin()?;
    let mode: SubscriptionMode = mode
        .parse()
        .map_err(|()| AppError::field("mode", Problem::UnknownChoice))?;
    let url = list_url(app, target).await?;
    if blocklists::subscription_by_url(app.conn(), url.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::Conflict("already subscribed to this list"));
    }
    let fetched = fetch(app, &url).await?;
    // Following the list at its publisher is a bonus (pushed changes): without it the list
    // is still fetched again on the interval.
    let inbox = match &fetched.publisher {
        Some(publisher) => {
            lists::publisher_inbox(&app.federation.to_request_data(), publisher).await
        }
        None => None,
    };
    let now = Utc::now();
    let txn = app.begin().await?;
    let subscription = blocklists::subscribe(&txn, url.as_str(), mode, now).await?;
    let synced = blocklists::sync(&txn, &subscription, &fetched.entries, now).await?;
    if let Some(inbox) = inbox {
        lists::follow_list(&txn, &app.federation, &url, inbox).await?;
    }
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::BlocklistSubscribe,
        ("blocklist", url.as_str()),
        format!(
            "{}; blocked: {}; suggested: {}",
            mode.as_str(),
            synced.blocked.join(" "),
            synced.suggested.join(" ")
        ),
        now,
    )
    .await?;
    app.commit(txn).await?;
    blocklists::subscription(app.conn(), &subscription.id)
        .await
        .map_err(Into::into)
}

/// Ends a subscription; the blocks only it held are lifted (never blocks made by hand).
pub async fn unsubscribe(app: &App, caller: Caller<'_>, id: &str) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let subscription = blocklists::subscription(app.conn(), id).await?;
    let now = Utc::now();
    let txn = app.begin().await?;
    let lifted = blocklists::unsubscribe(&txn, id).await?;
    if let Ok(url) = Url::parse(&subscription.url) {
        lists::unfollow_list(&txn, &app.federation, &url).await?;
    }
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::BlocklistUnsubscribe,
        ("blocklist", &subscription.url),
        format!("lifted: {}", lifted.join(" ")),
        now,
    )
    .await?;
    app.commit(txn).await
}

/// Fetches a subscribed list again and applies it; a failure is recorded on the subscription
/// (shown as unreachable) and nothing else changes. `caller` is `None` for the periodic refetch.
pub async fn refresh(app: &App, caller: Option<Caller<'_>>, id: &str) -> Result<(), AppError> {
    let admin = caller.map(|c| c.require_admin()).transpose()?;
    let subscription = blocklists::subscription(app.conn(), id).await?;
    let url = Url::parse(&subscription.url)
        .map_err(|e| AppError::internal("reading a stored list address", e.to_string()))?;
    let listed = match fetch(app, &url).await {
        Ok(fetched) => fetched.entries,
        Err(err) => {
            blocklists::fetch_failed(app.conn(), id, &err.to_string()).await?;
            return Err(err);
        }
    };
    let now = Utc::now();
    let txn = app.begin().await?;
    let synced = blocklists::sync(&txn, &subscription, &listed, now).await?;
    if synced != blocklists::Synced::default() {
        audit::record(
            &txn,
            admin.map(|a| a.id.as_str()),
            AuditAction::BlocklistRefresh,
            ("blocklist", &subscription.url),
            format!(
                "blocked: {}; suggested: {}; lifted: {}",
                synced.blocked.join(" "),
                synced.suggested.join(" "),
                synced.lifted.join(" ")
            ),
            now,
        )
        .await?;
    }
    app.commit(txn).await
}

/// Refetches every subscribed list (the periodic task); failures are logged and recorded.
pub async fn refresh_all(app: &App) -> Result<(), AppError> {
    for subscription in blocklists::subscriptions(app.conn()).await? {
        if let Err(err) = refresh(app, None, &subscription.id).await {
            tracing::warn!(list = %subscription.url, error = %err, "blocklist refresh failed");
        }
    }
    Ok(())
}

/// Fetches the lists whose publisher said they changed (an `Update` arrived).
pub async fn refresh_requested(app: &App) -> Result<(), AppError> {
    for subscription in blocklists::refresh_requested(app.conn()).await? {
        if let Err(err) = refresh(app, None, &subscription.id).await {
            tracing::warn!(list = %subscription.url, error = %err, "blocklist refresh failed");
        }
    }
    Ok(())
}

/// The background task: every two seconds it fetches the lists whose publisher announced a
/// change, and every `interval` it fetches every subscribed list.
pub async fn run_refresh_worker(app: App, interval: std::time::Duration) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    let mut last_full = tokio::time::Instant::now();
    loop {
        tick.tick().await;
        let result = if last_full.elapsed() >= interval {
            last_full = tokio::time::Instant::now();
            refresh_all(&app).await
        } else {
            refresh_requested(&app).await
        };
        if let Err(err) = result {
            tracing::warn!(error = %err, "blocklist refresh failed");
        }
    }
}

/// A suggestion, checked to be one.
async fn suggestion(app: &App, id: &str) -> Result<blocklist_entry::Model, AppError> {
    let entry = blocklists::entry(app.conn(), id).await?;
    if blocklists::state_of(&entry) != EntryState::Suggested {
        return Err(AppError::Conflict("this suggestion was already decided"));
    }
    Ok(entry)
}

/// Accepts a suggested block: the domain is blocked, marked as coming from its list.
pub async fn accept(app: &App, caller: Caller<'_>, id: &str) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let entry = suggestion(app, id).await?;
    let subscription = blocklists::subscription(app.conn(), &entry.subscription_id).await?;
    let now = Utc::now();
    let txn = app.begin().await?;
    blocklists::set_state(&txn, id, EntryState::Accepted).await?;
    blocklists::block_entry(&txn, &entry, &subscription.url, now).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::BlocklistAccept,
        ("domain", &entry.host),
        subscription.url,
        now,
    )
    .await?;
    app.commit(txn).await
}

/// Dismisses a suggested block: nothing is blocked and it is not suggested again.
pub async fn dismiss(app: &App, caller: Caller<'_>, id: &str) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let entry = suggestion(app, id).await?;
    let subscription = blocklists::subscription(app.conn(), &entry.subscription_id).await?;
    let now = Utc::now();
    let txn = app.begin().await?;
    blocklists::set_state(&txn, id, EntryState::Dismissed).await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::BlocklistDismiss,
        ("domain", &entry.host),
        subscription.url,
        now,
    )
    .await?;
    app.commit(txn).await
}

/// Why an import changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A line of the file is wrong (its number and problem).
    #[error("{0}")]
    Line(#[from] blocklist::CsvError),
    /// Anything else.
    #[error(transparent)]
    App(#[from] AppError),
}

/// Imports a Mastodon domain-block CSV as blocks made by hand, all or nothing: a bad line
/// (our own host included) is refused with its number, and nothing changes. Returns how many
/// domains were blocked.
pub async fn import_csv(app: &App, caller: Caller<'_>, text: &str) -> Result<usize, ImportError> {
    let admin = caller.require_admin()?;
    let own = own_host(app);
    let entries = blocklist::parse_mastodon_csv(text, &[own.as_str()])?;
    let now = Utc::now();
    let txn = app.begin().await?;
    for entry in &entries {
        domain_blocks::block(&txn, &entry.host, &entry.comment, entry.severity, now)
            .await
            .map_err(AppError::from)?;
    }
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::BlocklistImport,
        ("domain_blocks", "csv"),
        format!("{} domains", entries.len()),
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(entries.len())
}

/// Our domain blocks as a Mastodon domain-block CSV.
pub async fn export_csv(app: &App, caller: Caller<'_>) -> Result<String, AppError> {
    caller.require_admin()?;
    let entries: Vec<BlockEntry> = domain_blocks::list(app.conn())
        .await?
        .into_iter()
        .map(|b| BlockEntry {
            severity: blocklists::severity_of(&b.severity),
            comment: blocklist::clean_comment(&b.reason),
            host: b.host,
        })
        .collect();
    Ok(blocklist::write_mastodon_csv(&entries))
}

/// Our recommended list as a Mastodon domain-block CSV (public).
pub async fn recommended_csv(app: &App) -> Result<String, AppError> {
    if !publishes(app) {
        return Err(AppError::NotFound("page"));
    }
    let entries: Vec<BlockEntry> = blocklists::recommended(app.conn())
        .await?
        .into_iter()
        .map(|r| BlockEntry {
            severity: blocklists::severity_of(&r.severity),
            comment: r.comment,
            host: r.host,
        })
        .collect();
    Ok(blocklist::write_mastodon_csv(&entries))
}
