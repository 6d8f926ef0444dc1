//! Follows, likes and reports: `Follow`, `Undo`, `Accept`, `Reject`, `Like`, `Flag`.

use super::id_of;
use crate::FederationError;
use crate::actors;
use crate::context::Fed;
use crate::publish;
use crate::signer::{RemoteActor, plain_text};
use activitypub_federation::traits::Actor;
use chrono::Utc;
use inspraak_db::follows::{self, NewFollow};
use inspraak_db::remote_content::{self, Found};
use inspraak_db::{fediverse, moderation, remote_actors};
use inspraak_domain::moderation::{ContentKind, ReportReason};
use sea_orm::DatabaseTransaction;
use serde_json::Value;

/// A follow of our organization or of one of our published consultations: stored and
/// accepted at once.
pub async fn follow(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    raw: &Value,
) -> Result<(), FederationError> {
    let target = id_of(&raw["object"])
        .ok_or_else(|| FederationError::Invalid("Follow without an object".into()))?;
    let organization = actors::organization_id(&data.base)?;
    let followable = target == organization
        || remote_content::find_consultation(txn, target.as_str())
            .await?
            .is_some_and(|c| c.local && c.published_at.is_some());
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
            activity_id: id_of(&raw["id"]).map(|u| u.to_string()).unwrap_or_default(),
            accepted: true,
        },
        Utc::now(),
    )
    .await?;
    tracing::info!(follower = %actor.row.ap_id, followed = %target, "new follower");
    publish::accept_follow(txn, data, target.as_str(), raw, actor.inbox().as_str()).await
}

/// Undoes a follow or a like of the same actor.
pub async fn undo(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    raw: &Value,
) -> Result<(), FederationError> {
    let object = &raw["object"];
    let undone =
        id_of(object).ok_or_else(|| FederationError::Invalid("Undo without an object".into()))?;
    if let Some(owner) = id_of(&object["actor"])
        && owner.as_str() != actor.row.ap_id
    {
        return Err(FederationError::Forbidden(
            "cannot undo another actor's activity".into(),
        ));
    }
    let follower = actor.row.ap_id.as_str();
    match object["type"].as_str() {
        Some("Follow") => {
            if let Some(target) = id_of(&object["object"]) {
                follows::remove(txn, follower, target.as_str()).await?;
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

/// Our follow was accepted.
pub async fn accept(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    raw: &Value,
) -> Result<(), FederationError> {
    let follow = id_of(&raw["object"])
        .ok_or_else(|| FederationError::Invalid("Accept without an object".into()))?;
    let accepted = follows::accept(txn, follow.as_str(), &actor.row.ap_id, Utc::now()).await?;
    tracing::info!(followed = %actor.row.ap_id, accepted, "follow accepted");
    Ok(())
}

/// Our follow was refused.
pub async fn reject(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    raw: &Value,
) -> Result<(), FederationError> {
    if let Some(follow) = id_of(&raw["object"]) {
        follows::remove_by_followed_activity(txn, &actor.row.ap_id, follow.as_str()).await?;
    }
    Ok(())
}

/// A like of one of our proposals: a signal shown apart, never a support.
pub async fn like(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    raw: &Value,
) -> Result<(), FederationError> {
    let Some(object) = id_of(&raw["object"]) else {
        return Err(FederationError::Invalid("Like without an object".into()));
    };
    if let Some(Found::Proposal(p)) = remote_content::find_by_ap_id(txn, object.as_str()).await?
        && p.local
    {
        let activity = id_of(&raw["id"]).map(|u| u.to_string()).unwrap_or_default();
        fediverse::add_like(txn, &p.id, &actor.row.ap_id, &activity, Utc::now()).await?;
    }
    Ok(())
}

/// A report about our proposals or comments: it enters the moderation queue like a
/// resident's report, by the remote account.
pub async fn flag(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    raw: &Value,
) -> Result<(), FederationError> {
    let objects: Vec<Value> = match &raw["object"] {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let note = plain_text(raw["content"].as_str().unwrap_or_default(), 1000);
    let reporter = remote_actors::user_for(txn, &actor.row, Utc::now()).await?;
    for object in objects.iter().take(20) {
        let Some(id) = id_of(object) else { continue };
        let (kind, content_id) = match remote_content::find_by_ap_id(txn, id.as_str()).await? {
            Some(Found::Proposal(p)) => (ContentKind::Proposal, p.id),
            Some(Found::Comment(c)) => (ContentKind::Comment, c.id),
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
