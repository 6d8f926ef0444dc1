//! Forwarding a proposal to the competent authority. On the origin, staff forward one of
//! their proposals to another organization (`Offer`) and see the answer and every status
//! that comes back. On the receiving side, staff accept a forwarded proposal into one of
//! their open consultations (a local proposal linked to the original; `Accept{result}`) or
//! decline it with a reason (`Reject`); afterwards each official answer on that proposal goes
//! back to the origin as an `Update`. Every step is audited in its transaction.

use crate::audit::{self, AuditAction};
use crate::{App, AppError, Caller, Change};
use activitypub_federation::traits::Actor;
use chrono::Utc;
use inspraak_db::entity::{consultation, forward, forward_event, proposal};
use inspraak_db::forwards::{self, NewForward};
use inspraak_db::{DbError, consultations, new_id, proposals};
use inspraak_domain::Problem;
use inspraak_domain::forward::{
    Direction, ForwardRefusal, ForwardState, validate_note, validate_reason,
};
use inspraak_domain::proposal::{ProposalState, SUMMARY_MAX, TITLE_MAX, ValidProposal};
use inspraak_federation::forwarding as send;
use inspraak_federation::publish;
use inspraak_federation::signer::plain_text;
use sea_orm::DatabaseTransaction;
use url::Url;

/// Longest handle or address staff may type.
const TARGET_MAX: usize = 500;

/// A forward with its history, oldest step first.
#[derive(Debug, Clone)]
pub struct ForwardView {
    /// The forward.
    pub forward: forward::Model,
    /// Its history.
    pub events: Vec<forward_event::Model>,
}

/// Reads a stored direction and state; a row with names we do not know is a bug.
fn state_of(f: &forward::Model) -> Result<(Direction, ForwardState), AppError> {
    Direction::parse(&f.direction)
        .zip(ForwardState::parse(&f.state))
        .ok_or_else(|| AppError::internal("reading a forward", format!("bad row {}", f.id)))
}

/// A refusal of the forward's state as a conflict the caller can show.
fn refused(refusal: ForwardRefusal) -> AppError {
    AppError::BadRequest(refusal.to_string())
}

async fn with_history(
    db: &impl sea_orm::ConnectionTrait,
    rows: Vec<forward::Model>,
) -> Result<Vec<ForwardView>, AppError> {
    let mut views = Vec::with_capacity(rows.len());
    for forward in rows {
        let events = forwards::events(db, &forward.id).await?;
        views.push(ForwardView { forward, events });
    }
    Ok(views)
}

/// Staff forward our proposal `proposal_id` to the organization at `target` (a handle or an
/// actor URL), with a note. A target that is not another instance's `Organization` is a bad
/// request; a forward to the same organization that is not declined is a conflict.
pub async fn forward(
    app: &App,
    caller: Caller<'_>,
    proposal_id: &str,
    target: &str,
    note: &str,
) -> Result<forward::Model, AppError> {
    let staff = caller.require_admin()?;
    let p = proposals::find(app.conn(), proposal_id).await?;
    if !p.local || proposals::state_of(&p) != ProposalState::Published {
        return Err(AppError::BadRequest(
            "only a published proposal of this instance can be forwarded".into(),
        ));
    }
    let note = validate_note(note)?;
    let target = target.trim();
    if target.is_empty() || target.len() > TARGET_MAX {
        return Err(AppError::field("target", Problem::Required));
    }
    let fed = app.federation.to_request_data();
    let remote = send::resolve_organization(&fed, target)
        .await
        .map_err(|err| {
            tracing::info!(%target, error = %err, "cannot forward to this target");
            AppError::BadRequest(format!("{target}: {err}"))
        })?;
    let running = forwards::sent_of_proposal(app.conn(), &p.id)
        .await?
        .into_iter()
        .any(|f| {
            f.organization_ap_id == remote.row.ap_id
                && ForwardState::parse(&f.state) != Some(ForwardState::Declined)
        });
    if running {
        return Err(AppError::Conflict("forward"));
    }
    let inbox = remote.shared_inbox_or_inbox().to_string();
    let name = plain_text(&remote.row.display_name, 300);
    let page = Url::parse(&p.ap_id).map_err(|e| AppError::internal("proposal id", e))?;
    let supports = proposals::support_count(app.conn(), &p.id).await?;
    let now = Utc::now();
    let txn = app.begin().await?;
    let offer = send::offer(&txn, &app.federation, &page, &remote.id, &inbox, &note).await?;
    let saved = forwards::create(
        &txn,
        NewForward {
            direction: Direction::Sent,
            offer_ap_id: offer.as_str(),
            proposal_id: Some(&p.id),
            proposal_ap_id: &p.ap_id,
            organization_ap_id: &remote.row.ap_id,
            organization_name: if name.is_empty() {
                &remote.row.ap_id
            } else {
                &name
            },
            inbox: &inbox,
            note: &note,
            title: &p.title,
            body_html: &p.body_html,
            url: &p.ap_id,
            supports: i64::try_from(supports).ok(),
            created_by: Some(&staff.id),
        },
        now,
    )
    .await?;
    audit::record(
        &txn,
        Some(&staff.id),
        AuditAction::ForwardSend,
        ("forward", &saved.id),
        &remote.row.ap_id,
        now,
    )
    .await?;
    app.commit(txn).await?;
    tracing::info!(proposal = %p.id, to = %remote.row.ap_id, "proposal forwarded");
    Ok(saved)
}

/// Forwards one way, newest first, with their histories (staff only).
pub async fn list(
    app: &App,
    caller: Caller<'_>,
    direction: Direction,
) -> Result<Vec<ForwardView>, AppError> {
    caller.require_admin()?;
    let rows = forwards::list(app.conn(), direction).await?;
    with_history(app.conn(), rows).await
}

/// One forward with its history (staff only).
pub async fn find(app: &App, caller: Caller<'_>, id: &str) -> Result<ForwardView, AppError> {
    caller.require_admin()?;
    let forward = forwards::find(app.conn(), id).await?;
    let events = forwards::events(app.conn(), &forward.id).await?;
    Ok(ForwardView { forward, events })
}

/// Our forwards of a proposal, with their histories (public: the proposal page shows them).
pub async fn of_proposal(app: &App, proposal_id: &str) -> Result<Vec<ForwardView>, AppError> {
    let rows = forwards::sent_of_proposal(app.conn(), proposal_id).await?;
    with_history(app.conn(), rows).await
}

/// The received forward a local proposal was made from, if any.
pub async fn origin_of(app: &App, proposal_id: &str) -> Result<Option<forward::Model>, AppError> {
    Ok(forwards::find_received_by_proposal(app.conn(), proposal_id).await?)
}

/// The forwards of the caller's own proposals, newest first.
pub async fn of_author(app: &App, caller: Caller<'_>) -> Result<Vec<ForwardView>, AppError> {
    let user = caller.user()?;
    let rows = forwards::sent_for_author(app.conn(), &user.id).await?;
    with_history(app.conn(), rows).await
}

/// The consultations a forwarded proposal can be accepted into: ours, published.
pub async fn open_consultations(app: &App) -> Result<Vec<consultation::Model>, AppError> {
    Ok(
        consultations::list(app.conn(), consultations::Visibility::Published, 200, 0)
            .await?
            .into_iter()
            .map(|c| c.consultation)
            .collect(),
    )
}

/// Loads a received forward that staff may still decide on.
async fn pending(app: &App, id: &str) -> Result<forward::Model, AppError> {
    let f = forwards::find(app.conn(), id).await?;
    let (direction, state) = state_of(&f)?;
    state.can_decide(direction).map_err(refused)?;
    Ok(f)
}

/// The proposal made of a forwarded one: its title and text, a summary from its text.
fn proposal_fields(f: &forward::Model) -> ValidProposal {
    let text = plain_text(&f.body_html, 20_000);
    let title: String = f.title.chars().take(TITLE_MAX).collect();
    let summary = if text.is_empty() {
        title.clone()
    } else {
        text.chars().take(SUMMARY_MAX).collect()
    };
    ValidProposal {
        title,
        summary,
        body: text,
        tags: Vec::new(),
    }
}

/// Staff accept a forwarded proposal into one of our published consultations: a local
/// proposal is made, linked to the original, and the origin gets `Accept{result}`.
pub async fn accept(
    app: &App,
    caller: Caller<'_>,
    id: &str,
    consultation_id: &str,
) -> Result<(forward::Model, proposal::Model), AppError> {
    let staff = caller.require_admin()?;
    let f = pending(app, id).await?;
    let c = match consultations::find(app.conn(), consultation_id.trim()).await {
        Ok(c) if c.local && c.published_at.is_some() => c,
        Ok(_) | Err(DbError::NotFound(_)) => {
            return Err(AppError::field("consultation", Problem::Required));
        }
        Err(err) => return Err(err.into()),
    };
    let new_id = new_id();
    let new = proposals::NewProposal {
        ap_id: app.url(&format!("/proposals/{new_id}")),
        id: new_id,
        consultation_id: c.id.clone(),
        author_id: staff.id.clone(),
        body_html: f.body_html.clone(),
        fields: proposal_fields(&f),
        pending: false,
    };
    let result = Url::parse(&new.ap_id).map_err(|e| AppError::internal("proposal id", e))?;
    let offer = Url::parse(&f.offer_ap_id).map_err(|e| AppError::internal("offer id", e))?;
    let origin =
        Url::parse(&f.organization_ap_id).map_err(|e| AppError::internal("origin id", e))?;
    let now = Utc::now();
    let txn = app.begin().await?;
    // Decided inside the transaction too, so two staff accepting at once make one proposal.
    let f = forwards::find(&txn, &f.id).await?;
    let (direction, state) = state_of(&f)?;
    state.can_decide(direction).map_err(refused)?;
    let created = proposals::create(&txn, new, now).await?;
    publish::proposal_changed(&txn, &app.federation, &created, Change::Published).await?;
    forwards::accepted(&txn, &f, Some(&created.id), result.as_str(), now).await?;
    send::accept(&txn, &app.federation, &offer, &origin, &f.inbox, &result).await?;
    audit::record(
        &txn,
        Some(&staff.id),
        AuditAction::ForwardAccept,
        ("forward", &f.id),
        &created.id,
        now,
    )
    .await?;
    app.commit(txn).await?;
    tracing::info!(forward = %f.id, proposal = %created.id, "forwarded proposal accepted");
    let f = forwards::find(app.conn(), &f.id).await?;
    Ok((f, created))
}

/// Staff decline a forwarded proposal with a reason (required); the origin gets `Reject`.
pub async fn decline(
    app: &App,
    caller: Caller<'_>,
    id: &str,
    reason: &str,
) -> Result<forward::Model, AppError> {
    let staff = caller.require_admin()?;
    let reason = validate_reason(reason)?;
    let f = pending(app, id).await?;
    let offer = Url::parse(&f.offer_ap_id).map_err(|e| AppError::internal("offer id", e))?;
    let origin =
        Url::parse(&f.organization_ap_id).map_err(|e| AppError::internal("origin id", e))?;
    let now = Utc::now();
    let txn = app.begin().await?;
    let f = forwards::find(&txn, &f.id).await?;
    let (direction, state) = state_of(&f)?;
    state.can_decide(direction).map_err(refused)?;
    forwards::declined(&txn, &f, &reason, now).await?;
    send::reject(&txn, &app.federation, &offer, &origin, &f.inbox, &reason).await?;
    audit::record(
        &txn,
        Some(&staff.id),
        AuditAction::ForwardDecline,
        ("forward", &f.id),
        &reason,
        now,
    )
    .await?;
    app.commit(txn).await?;
    tracing::info!(forward = %f.id, "forwarded proposal declined");
    Ok(forwards::find(app.conn(), &f.id).await?)
}

/// A proposal of ours got a new status or answer: when it was made from a forward, its
/// `Page` goes to the origin too (in `txn`, after the change was stored).
pub async fn proposal_answered(
    app: &App,
    txn: &DatabaseTransaction,
    proposal_id: &str,
    actor_id: &str,
) -> Result<(), AppError> {
    let Some(f) = forwards::find_received_by_proposal(txn, proposal_id).await? else {
        return Ok(());
    };
    if ForwardState::parse(&f.state) != Some(ForwardState::Accepted) {
        return Ok(());
    }
    let p = proposals::find(txn, proposal_id).await?;
    let origin =
        Url::parse(&f.organization_ap_id).map_err(|e| AppError::internal("origin id", e))?;
    send::status_update(txn, &app.federation, &p, &origin, &f.inbox).await?;
    let now = Utc::now();
    audit::record(
        txn,
        Some(actor_id),
        AuditAction::ForwardStatusSend,
        ("forward", &f.id),
        p.status_key.as_deref().unwrap_or_default(),
        now,
    )
    .await?;
    Ok(())
}
