//! Moderation: residents report items; moderators hide, show or approve them and block
//! accounts. Every decision is audited in the same transaction as the change it makes.

use crate::audit::{self, AuditAction};
use crate::{App, AppError, Caller, Change};
use chrono::Utc;
use inspraak_db::moderation::{self, Decision, ReportOutcome};
use inspraak_db::{comments, proposals, users};
use inspraak_domain::comment::CommentState;
use inspraak_domain::ids::UserId;
use inspraak_domain::moderation::{ContentKind, ReportReason};
use inspraak_domain::proposal::{ItemRefusal, ProposalState};
use inspraak_domain::{Problem, Role, ValidationErrors};
use url::Url;

/// What a moderator decides, as asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionKind {
    /// Hide the item (a reason is required).
    Hide,
    /// Show it again.
    Show,
    /// Approve a pending item.
    Approve,
}

impl std::str::FromStr for DecisionKind {
    type Err = AppError;

    fn from_str(s: &str) -> Result<Self, AppError> {
        match s {
            "hide" => Ok(DecisionKind::Hide),
            "show" => Ok(DecisionKind::Show),
            "approve" => Ok(DecisionKind::Approve),
            _ => Err(AppError::NotFound("page")),
        }
    }
}

/// Checks that the caller may report this item: it is public, not deleted, and not theirs.
pub async fn check_reportable(
    app: &App,
    caller: Caller<'_>,
    kind: ContentKind,
    id: &str,
) -> Result<(), AppError> {
    let reporter = caller.user()?;
    let (author, pending, deleted) = match kind {
        ContentKind::Proposal => {
            let p = proposals::find(app.conn(), id).await?;
            let pending = proposals::state_of(&p) == ProposalState::Pending;
            (p.author_id, pending, false)
        }
        ContentKind::Comment => {
            let c = comments::find(app.conn(), id).await?;
            let state = comments::state_of(&c);
            (
                c.author_id,
                state == CommentState::Pending,
                state == CommentState::Deleted,
            )
        }
    };
    if pending {
        return Err(AppError::NotFound("page"));
    }
    if deleted {
        return Err(AppError::ItemClosed(ItemRefusal::Deleted));
    }
    if author == reporter.id {
        return Err(AppError::BadRequest(
            "you cannot report your own contribution".into(),
        ));
    }
    Ok(())
}

/// A remote item's ActivityPub id and its author's, for a report forwarded to its server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The item's id on its server.
    pub object: Url,
    /// Its author's actor id.
    pub author: Url,
}

impl Origin {
    /// The server it came from (host and port), as shown.
    pub fn host(&self) -> String {
        inspraak_federation::discovery::handle_host(&self.object)
    }
}

/// An origin with the inbox a `Flag` goes to (found over the network if need be).
struct Destination {
    object: Url,
    author: Url,
    inbox: inspraak_db::outbox::Target,
}

/// Where a report on a remote item goes; network work, before any transaction.
async fn destination(app: &App, origin: Origin) -> Result<Destination, AppError> {
    let fed = app.federation.to_request_data();
    let inbox = inspraak_federation::reports::inbox_of(&fed, &origin.author)
        .await
        .map_err(|e| AppError::BadRequest(format!("{}: {e}", origin.host())))?;
    Ok(Destination {
        object: origin.object,
        author: origin.author,
        inbox,
    })
}

/// Where an item came from, when it came from another server; `None` for our own items.
pub async fn origin(app: &App, kind: ContentKind, id: &str) -> Result<Option<Origin>, AppError> {
    let (local, ap_id, author_id) = match kind {
        ContentKind::Proposal => {
            let p = proposals::find(app.conn(), id).await?;
            (p.local, p.ap_id, p.author_id)
        }
        ContentKind::Comment => {
            let c = comments::find(app.conn(), id).await?;
            (c.local, c.ap_id, c.author_id)
        }
    };
    if local {
        return Ok(None);
    }
    let author = users::find(app.conn(), &author_id).await?;
    match (Url::parse(&ap_id), Url::parse(&author.ap_id)) {
        (Ok(object), Ok(author)) if !app.federation.is_local(&object) => {
            Ok(Some(Origin { object, author }))
        }
        _ => Ok(None),
    }
}

/// Stores the `Flag` for `origin` and marks the item's open reports forwarded, in `txn`;
/// audited with `actor` (`None` for a resident, who stays anonymous).
async fn send_flag(
    app: &App,
    txn: &sea_orm::DatabaseTransaction,
    actor: Option<&str>,
    (kind, id): (ContentKind, &str),
    origin: &Destination,
    note: &str,
) -> Result<String, AppError> {
    let now = Utc::now();
    let sent = inspraak_federation::reports::forward(
        txn,
        &app.federation,
        (&origin.object, &origin.author),
        note,
        origin.inbox.clone(),
    )
    .await?;
    moderation::mark_forwarded(txn, kind, id, &sent.host, now).await?;
    audit::record(
        txn,
        actor,
        AuditAction::ModerationForward,
        (kind.as_str(), id),
        format!("{} ({})", sent.host, sent.activity),
        now,
    )
    .await?;
    Ok(sent.host)
}

/// A moderator forwards the reports on a remote item to its server: our instance actor sends
/// a `Flag` with `note`. Returns the host it went to; our own items cannot be forwarded.
pub async fn forward(
    app: &App,
    caller: Caller<'_>,
    kind: ContentKind,
    id: &str,
    note: &str,
) -> Result<String, AppError> {
    let moderator = caller.require_staff()?;
    let origin = origin(app, kind, id).await?.ok_or_else(|| {
        AppError::BadRequest("this item is ours; there is nobody to forward to".into())
    })?;
    let mut errors = ValidationErrors::new();
    let note = errors.text("note", note, 0, 1000).to_owned();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let origin = destination(app, origin).await?;
    let txn = app.begin().await?;
    let host = send_flag(app, &txn, Some(&moderator.id), (kind, id), &origin, &note).await?;
    app.commit(txn).await?;
    tracing::info!(kind = kind.as_str(), %id, %host, "report forwarded");
    Ok(host)
}

/// Files a report; the outcome tells whether it made the item disappear. With `forward`, a
/// report on an item from another server is also sent there, anonymously (a `Flag` by our
/// instance actor with the note); for our own items `forward` changes nothing.
pub async fn report(
    app: &App,
    caller: Caller<'_>,
    kind: ContentKind,
    id: &str,
    (reason, note): (&str, &str),
    forward: bool,
) -> Result<ReportOutcome, AppError> {
    check_reportable(app, caller, kind, id).await?;
    let reporter = caller.user()?;
    let mut errors = ValidationErrors::new();
    let reason = reason
        .parse::<ReportReason>()
        .map_err(|p| errors.add("reason", p))
        .ok();
    let note = errors.text("note", note, 0, 1000).to_owned();
    if reason == Some(ReportReason::Other) && note.is_empty() {
        errors.add("note", Problem::Required);
    }
    let (Some(reason), true) = (reason, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let filed = moderation::NewReport {
        kind,
        content_id: id,
        reporter_id: &reporter.id,
        reason,
        note: &note,
    };
    let origin = match origin(app, kind, id).await? {
        Some(origin) if forward => Some(destination(app, origin).await?),
        _ => None,
    };
    let now = Utc::now();
    let txn = app.begin().await?;
    let outcome =
        moderation::report(&txn, filed, app.settings.auto_hide_after_reports, now).await?;
    if let Some(origin) = &origin {
        send_flag(app, &txn, None, (kind, id), origin, &note).await?;
    }
    if outcome.hid {
        app.item_changed(&txn, kind, id, Change::Removed).await?;
        audit::record(
            &txn,
            None,
            AuditAction::ModerationAutoHide,
            (kind.as_str(), id),
            "reports reached the threshold",
            now,
        )
        .await?;
    }
    app.commit(txn).await?;
    if outcome.hid {
        tracing::info!(kind = kind.as_str(), %id, "hidden automatically after reports");
    }
    Ok(outcome)
}

/// A moderator hides, shows or approves an item; open reports on it are closed.
pub async fn decide(
    app: &App,
    caller: Caller<'_>,
    kind: ContentKind,
    id: &str,
    decision: DecisionKind,
    reason: &str,
) -> Result<(), AppError> {
    let moderator = caller.require_staff()?;
    match kind {
        ContentKind::Proposal => drop(proposals::find(app.conn(), id).await?),
        ContentKind::Comment => drop(comments::find(app.conn(), id).await?),
    }
    let reason = reason.trim();
    let (decision, change, action) = match decision {
        DecisionKind::Hide if reason.is_empty() => {
            return Err(AppError::field("reason", Problem::Required));
        }
        DecisionKind::Hide if reason.chars().count() > 500 => {
            return Err(AppError::field("reason", Problem::TooLong { max: 500 }));
        }
        DecisionKind::Hide => (
            Decision::Hide(reason),
            Change::Removed,
            AuditAction::ModerationHide,
        ),
        DecisionKind::Show => (
            Decision::Show,
            Change::Published,
            AuditAction::ModerationShow,
        ),
        DecisionKind::Approve => (
            Decision::Approve,
            Change::Published,
            AuditAction::ModerationApprove,
        ),
    };
    let now = Utc::now();
    let txn = app.begin().await?;
    moderation::decide(&txn, kind, id, decision, &moderator.id, now).await?;
    app.item_changed(&txn, kind, id, change).await?;
    audit::record(
        &txn,
        Some(&moderator.id),
        action,
        (kind.as_str(), id),
        reason,
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(())
}

/// A moderator blocks a resident's account (staff must lose their role first).
pub async fn block(
    app: &App,
    caller: Caller<'_>,
    user_id: &UserId,
    reason: &str,
) -> Result<(), AppError> {
    let moderator = caller.require_staff()?;
    let target = users::find(app.conn(), user_id).await?;
    if users::role_of(&target) != Role::Resident {
        return Err(AppError::BadRequest(
            "staff accounts cannot be blocked; change their role first".into(),
        ));
    }
    let mut errors = ValidationErrors::new();
    let reason = errors.text("reason", reason, 1, 500).to_owned();
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let now = Utc::now();
    let txn = app.begin().await?;
    users::set_blocked(&txn, user_id, Some((&reason, &moderator.id)), now).await?;
    audit::record(
        &txn,
        Some(&moderator.id),
        AuditAction::AccountBlock,
        ("user", user_id.as_str()),
        reason,
        now,
    )
    .await?;
    app.commit(txn).await?;
    tracing::info!(user = %target.username, "account blocked");
    Ok(())
}

/// A moderator lifts a block.
pub async fn unblock(app: &App, caller: Caller<'_>, user_id: &UserId) -> Result<(), AppError> {
    let moderator = caller.require_staff()?;
    let now = Utc::now();
    let txn = app.begin().await?;
    users::set_blocked(&txn, user_id, None, now).await?;
    audit::record(
        &txn,
        Some(&moderator.id),
        AuditAction::AccountUnblock,
        ("user", user_id.as_str()),
        "",
        now,
    )
    .await?;
    app.commit(txn).await?;
    Ok(())
}
