//! Forwarded proposals arriving: an `Offer` of another organization's proposal (on the
//! receiving side), the `Accept` or `Reject` of one of our `Offer`s, and the status `Update`s
//! of the proposal the other side made of it (on the origin). Every step is audited.

use super::audited;
use super::resolve::Resolved;
use super::same_origin;
use crate::FederationError;
use crate::actors;
use crate::context::Fed;
use crate::protocol::activities::{Offer, Update};
use crate::protocol::kind::ActorKind;
use crate::protocol::objects::AnyObject;
use crate::protocol::values::IdOr;
use crate::signer::{RemoteActor, plain_text};
use activitypub_federation::traits::Actor;
use chrono::Utc;
use inspraak_db::DbError;
use inspraak_db::forwards::{self, NewForward};
use inspraak_domain::audit::AuditAction;
use inspraak_domain::forward::{Direction, ForwardState, NOTE_MAX, REASON_MAX};
use inspraak_domain::text::sanitize_html;
use sea_orm::DatabaseTransaction;
use url::Url;

/// What must hold before anything is fetched: only an `Organization` forwards (403), only
/// a proposal on its own host (403), and only to our organization (400).
pub(super) fn check_offer(
    data: &Fed,
    actor: &RemoteActor,
    offer: &Offer,
) -> Result<(), FederationError> {
    if actor.row.kind != ActorKind::Organization.name() {
        return Err(FederationError::Forbidden(format!(
            "only an organization can forward a proposal, not a {}",
            actor.row.kind
        )));
    }
    if !same_origin(&offer.object.0, &actor.id) {
        return Err(FederationError::Forbidden(format!(
            "{} is not on the sender's host",
            offer.object.0
        )));
    }
    let ours = actors::organization_id(&data.base)?;
    if offer.target.as_ref() != Some(&ours) {
        tracing::info!(offer = %offer.id, target = ?offer.target, "offer not for our organization");
        return Err(FederationError::Invalid(
            "the offer's target is not our organization".into(),
        ));
    }
    Ok(())
}

/// Another organization forwards one of its proposals to us: it waits in the staff's queue.
pub async fn offer(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    offer: &Offer,
    resolved: &Resolved,
) -> Result<(), FederationError> {
    let reference = IdOr::Id(offer.object.0.clone());
    let AnyObject::Page(page) = resolved.object(&actor.id, &reference)? else {
        return Err(FederationError::Invalid(
            "only a proposal (a Page) can be forwarded".into(),
        ));
    };
    if forwards::find_by_offer(txn, Direction::Received, offer.id.as_str())
        .await?
        .is_some()
    {
        return Ok(());
    }
    let title = plain_text(page.common.name.as_deref().unwrap_or_default(), 300);
    let body_html = sanitize_html(page.common.content.as_deref().unwrap_or_default());
    let url = page.common.url.as_ref().unwrap_or(&page.id).to_string();
    let note = plain_text(offer.content.as_deref().unwrap_or_default(), NOTE_MAX);
    let name = plain_text(&actor.row.display_name, 300);
    let inbox = actor.shared_inbox_or_inbox().to_string();
    let saved = forwards::create(
        txn,
        NewForward {
            direction: Direction::Received,
            offer_ap_id: offer.id.as_str(),
            proposal_id: None,
            proposal_ap_id: page.id.as_str(),
            organization_ap_id: &actor.row.ap_id,
            organization_name: &name,
            inbox: &inbox,
            note: &note,
            title: if title.is_empty() {
                page.id.as_str()
            } else {
                &title
            },
            body_html: &body_html,
            url: &url,
            supports: page.supports.and_then(|s| i64::try_from(s).ok()),
            created_by: None,
        },
        Utc::now(),
    )
    .await
    .map_err(|err| match err {
        DbError::Conflict(_) => FederationError::Invalid("this offer arrived already".into()),
        other => other.into(),
    })?;
    audited(
        txn,
        AuditAction::ForwardReceived,
        ("forward", &saved.id),
        &actor.row.ap_id,
    )
    .await?;
    tracing::info!(from = %actor.row.ap_id, proposal = %page.id, "proposal forwarded to us");
    Ok(())
}

/// How the other side answered one of our `Offer`s.
#[derive(Debug, Clone, Copy)]
pub enum Answer<'a> {
    /// Accepted, with the new proposal's id.
    Accepted(Option<&'a Url>),
    /// Declined, with the reason.
    Declined(Option<&'a str>),
}

/// The answer to one of our forwards, when `answered` is our `Offer` to this actor; `false`
/// when it is not (then it answers something else, such as a follow).
pub async fn answered(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    answered: &Url,
    answer: Answer<'_>,
) -> Result<bool, FederationError> {
    let Some(forward) = forwards::find_by_offer(txn, Direction::Sent, answered.as_str()).await?
    else {
        return Ok(false);
    };
    if forward.organization_ap_id != actor.row.ap_id {
        return Err(FederationError::Forbidden(
            "only the organization we forwarded to can answer".into(),
        ));
    }
    let state = ForwardState::parse(&forward.state);
    if let Err(refusal) = state
        .ok_or(inspraak_domain::forward::ForwardRefusal::AlreadyAnswered)
        .and_then(|s| s.can_take_answer(Direction::Sent))
    {
        tracing::info!(forward = %forward.id, %refusal, "answer to a forward ignored");
        return Ok(true);
    }
    let now = Utc::now();
    match answer {
        Answer::Accepted(result) => {
            let result = result
                .filter(|r| same_origin(r, &actor.id))
                .ok_or_else(|| {
                    FederationError::Invalid(
                        "an Accept of an Offer needs a result on the sender's host".into(),
                    )
                })?;
            forwards::accepted(txn, &forward, None, result.as_str(), now).await?;
            audited(
                txn,
                AuditAction::ForwardAcceptReceived,
                ("forward", &forward.id),
                result.as_str(),
            )
            .await?;
        }
        Answer::Declined(reason) => {
            let reason = plain_text(reason.unwrap_or_default(), REASON_MAX);
            forwards::declined(txn, &forward, &reason, now).await?;
            audited(
                txn,
                AuditAction::ForwardDeclineReceived,
                ("forward", &forward.id),
                &actor.row.ap_id,
            )
            .await?;
        }
    }
    tracing::info!(forward = %forward.id, by = %actor.row.ap_id, "forward answered");
    Ok(true)
}

/// An `Update` of the proposal an accepted forward of ours became: its status and answer go
/// into the forward's history. `false` when the object is no such proposal.
pub async fn status(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    update: &Update,
    resolved: &Resolved,
) -> Result<bool, FederationError> {
    let Some(object) = update.object.id() else {
        return Ok(false);
    };
    let Some(forward) = forwards::find_sent_by_result(txn, object.as_str()).await? else {
        return Ok(false);
    };
    let organization = Url::parse(&forward.organization_ap_id)?;
    if !same_origin(&actor.id, &organization) || !same_origin(&object, &organization) {
        return Err(FederationError::Forbidden(
            "only the organization we forwarded to can report its status".into(),
        ));
    }
    let AnyObject::Page(page) = resolved.object(&actor.id, &update.object)? else {
        return Err(FederationError::Invalid(
            "the update is not a proposal".into(),
        ));
    };
    let status = page
        .status
        .as_deref()
        .map(|s| plain_text(s, 300))
        .filter(|s| !s.is_empty());
    let answer = page
        .official_answer
        .as_deref()
        .map(sanitize_html)
        .filter(|s| !s.trim().is_empty());
    if status == forward.status && answer == forward.answer_html {
        return Ok(true);
    }
    // Deliveries can overtake each other (a retried one arrives after a later one): the
    // page's `updated` orders them, and the history is kept in the answering side's time.
    let given_at = page.common.updated;
    if let (Some(at), Some(last)) = (given_at, forwards::last_status_at(txn, &forward.id).await?)
        && at <= last
    {
        tracing::info!(forward = %forward.id, %at, %last, "an older status update ignored");
        return Ok(true);
    }
    forwards::status(
        txn,
        &forward,
        status.as_deref(),
        answer.as_deref(),
        given_at.unwrap_or_else(Utc::now),
    )
    .await?;
    audited(
        txn,
        AuditAction::ForwardStatusReceived,
        ("forward", &forward.id),
        status.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(true)
}
