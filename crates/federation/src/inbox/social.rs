//! Follows, likes and reports: `Follow`, `Undo`, `Accept`, `Reject` (handed to `forwarding`
//! and `deals` first), `Like`, `Flag`.

use crate::FederationError;
use crate::actors;
use crate::context::Fed;
use crate::protocol::activities::{Accept, Flag, Follow, Like, Reject, Undo};
use crate::protocol::objects::AnyObject;
use crate::protocol::values::IdOr;
use crate::publish;
use crate::signer::{RemoteActor, plain_text};
use activitypub_federation::traits::Actor;
use chrono::Utc;
use inspraak_db::follows::{self, NewFollow};
use inspraak_db::remote_content::{self, Found};
use inspraak_db::{fediverse, moderation, remote_actors};
use inspraak_domain::moderation::{ContentKind, ReportReason};
use sea_orm::DatabaseTransaction;
use url::Url;

/// A follow of our organization, one of our published consultations, a deal, or (on a
/// province or helpdesk) our recommended blocklist: stored and accepted at once.
pub async fn follow(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    follow: &Follow,
) -> Result<(), FederationError> {
    let target = &follow.object.0;
    let organization = actors::organization_id(&data.base)?;
    let list = crate::blocklists::is_our_list(data, target);
    let followable = *target == organization
        || list
        || remote_content::find_consultation(txn, target.as_str())
            .await?
            .is_some_and(|c| c.local && c.published_at.is_some())
        || inspraak_db::deals::find_by_ap_id(txn, target.as_str())
            .await?
            .is_some();
    if !followable {
        return Err(FederationError::Invalid(format!(
            "{target} cannot be followed"
        )));
    }
    let inbox = actor.shared_inbox_or_inbox().to_string();
    follows::upsert(
        txn,
        NewFollow {
            follower: actor.row.ap_id.clone(),
            followed: target.to_string(),
            inbox: inbox.clone(),
            host: actor.row.host.clone(),
            activity_id: follow.id.to_string(),
            accepted: true,
        },
        Utc::now(),
    )
    .await?;
    tracing::info!(follower = %actor.row.ap_id, followed = %target, "new follower");
    // A list is no actor: our organization, which publishes it, accepts.
    let accepting = if list { &organization } else { target };
    publish::accept_follow(txn, data, accepting, follow, actor.inbox().as_str()).await?;
    if *target == organization {
        crate::helpdesk::organization_followed(data, txn, actor).await?;
    }
    Ok(())
}

/// Undoes a follow or a like of the same actor.
pub async fn undo(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    undo: &Undo,
) -> Result<(), FederationError> {
    let undone = undo
        .object
        .id()
        .ok_or_else(|| FederationError::Invalid("Undo without an object".into()))?;
    let embedded = undo.object.object();
    if let Some(owner) = embedded.and_then(AnyObject::actor)
        && owner.as_str() != actor.row.ap_id
    {
        return Err(FederationError::Forbidden(
            "cannot undo another actor's activity".into(),
        ));
    }
    let follower = actor.row.ap_id.as_str();
    match embedded.map(AnyObject::kind) {
        Some("Follow") => {
            if let Some(AnyObject::Follow(follow)) = embedded {
                follows::remove(txn, follower, follow.object.0.as_str()).await?;
            }
        }
        Some("Like") => {
            fediverse::remove_like(txn, undone.as_str(), follower).await?;
        }
        _ => {
            // Only the id was sent: it is one of the two, by this actor.
            follows::remove_by_activity(txn, follower, undone.as_str()).await?;
            fediverse::remove_like(txn, undone.as_str(), follower).await?;
        }
    }
    Ok(())
}

/// The id of the follow or application an `Accept` or `Reject` answers.
fn answered_id(object: &IdOr<AnyObject>) -> Result<Url, FederationError> {
    object
        .id()
        .ok_or_else(|| FederationError::Invalid("an answer to nothing".into()))
}

/// Our follow, or our application to a deal, was accepted.
pub async fn accept(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    accept: &Accept,
) -> Result<(), FederationError> {
    let answered = answered_id(&accept.object)?;
    if super::joint_votes::answered(txn, actor, &answered, true).await? {
        return Ok(());
    }
    let answer = super::forwarding::Answer::Accepted(accept.result.as_ref());
    if super::forwarding::answered(txn, actor, &answered, answer).await? {
        return Ok(());
    }
    if super::deals::answered(txn, actor, &answered, true).await? {
        return Ok(());
    }
    let accepted = follows::accept(txn, answered.as_str(), &actor.row.ap_id, Utc::now()).await?;
    tracing::info!(followed = %actor.row.ap_id, accepted, "follow accepted");
    Ok(())
}

/// Our follow, or our application to a deal, was refused.
pub async fn reject(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    reject: &Reject,
) -> Result<(), FederationError> {
    let answered = answered_id(&reject.object)?;
    if super::joint_votes::answered(txn, actor, &answered, false).await? {
        return Ok(());
    }
    let answer = super::forwarding::Answer::Declined(reject.content.as_deref());
    if super::forwarding::answered(txn, actor, &answered, answer).await? {
        return Ok(());
    }
    if super::deals::answered(txn, actor, &answered, false).await? {
        return Ok(());
    }
    follows::remove_by_followed_activity(txn, &actor.row.ap_id, answered.as_str()).await?;
    Ok(())
}

/// A like of one of our proposals: a signal shown apart, never a support. A like of a budget
/// project is accepted and ignored.
pub async fn like(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    like: &Like,
) -> Result<(), FederationError> {
    let object = &like.object.0;
    match remote_content::find_by_ap_id(txn, object.as_str()).await? {
        Some(Found::Proposal(p)) if p.local => {
            let activity = like.id.to_string();
            fediverse::add_like(txn, &p.id, &actor.row.ap_id, &activity, Utc::now()).await?;
        }
        // A like is no ballot: fediverse users cannot vote in a budget.
        Some(Found::Project(_)) => super::budgets::ignored("a Like", &actor.id, object),
        _ => {}
    }
    Ok(())
}

/// A report about our proposals or comments: it enters the moderation queue like a
/// resident's report, by the remote account. The reporter may be a person or, when a server
/// forwards its users' reports anonymously as Mastodon and Inspraak do, that server's
/// instance actor (an `Application` or `Service`); the reported account listed beside the
/// items, and items that are not ours, are skipped.
pub async fn flag(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    flag: &Flag,
) -> Result<(), FederationError> {
    let note = plain_text(flag.content.as_deref().unwrap_or_default(), 1000);
    let reporter = remote_actors::user_for(txn, &actor.row, Utc::now()).await?;
    for reported in flag.object.iter().take(20) {
        let id = &reported.0;
        let (kind, content_id) = match remote_content::find_by_ap_id(txn, id.as_str()).await? {
            Some(Found::Proposal(p)) if p.local => (ContentKind::Proposal, p.id),
            Some(Found::Comment(c)) if c.local => (ContentKind::Comment, c.id),
            _ => continue,
        };
        moderation::report(
            txn,
            moderation::NewReport {
                kind,
                content_id: &content_id,
                reporter_id: &reporter.id,
                reason: ReportReason::Other,
                note: &note,
            },
            data.settings.auto_hide_after_reports,
            Utc::now(),
        )
        .await?;
        tracing::info!(reporter = %actor.row.ap_id, item = %id, "report from the fediverse");
    }
    Ok(())
}
