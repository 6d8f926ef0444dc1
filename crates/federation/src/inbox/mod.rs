//! The inbox: what arrives from other servers, verified before it is believed.
//!
//! The web layer checks size and media type and that a signature is present; then
//! `activitypub_federation` checks the digest over the raw bytes, fetches the actor (signed by
//! our instance actor, through the domain block list) and verifies the HTTP signature with the
//! actor's own key, so a key of another actor fails. [`Inbound::verify`] adds the origin
//! checks of FEP-fe34, and [`Inbound::receive`] drops replays by activity id and applies the
//! activity in one transaction with any activities it causes (an `Accept`, an `Update` of a
//! poll, a group's `Announce`).

mod budgets;
mod content;
mod copies;
mod deals;
mod forwarding;
mod joint_votes;
mod resolve;
mod social;
mod votes;

pub use crate::protocol::compat::id_of;
pub use copies::store_followed_group;

use crate::FederationError;
use crate::context::{Fed, FederationData};
use crate::protocol::activities::{ActivityHead, InboundActivity};
use crate::protocol::objects::AnyObject;
use crate::protocol::values::IdOr;
use crate::signer::RemoteActor;
use activitypub_federation::axum::inbox::{ActivityData, receive_activity};
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Activity;
use chrono::Utc;
use inspraak_db::received;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

/// An activity as received: read once into [`InboundActivity`], and kept as sent for the one
/// case that passes it on verbatim (a group announcing a reply to its followers).
///
/// Only a missing id, actor or type makes the body unreadable (400 before the signature is
/// checked, as before typing); a known type that cannot be read is refused with 400 after
/// the signature and origin checks.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "Value")]
pub struct Inbound {
    id: Url,
    actor: Url,
    activity: Result<InboundActivity, String>,
    raw: Value,
}

impl TryFrom<Value> for Inbound {
    type Error = String;

    fn try_from(raw: Value) -> Result<Self, String> {
        let head = ActivityHead::deserialize(&raw).map_err(|e| e.to_string())?;
        let id = head.id.ok_or("the activity has no id")?;
        let actor = head.actor.ok_or("the activity has no actor")?;
        let kind = head.kind.ok_or("the activity has no type")?;
        let activity = InboundActivity::from_value(&raw).map_err(|err| {
            tracing::info!(activity = %id, kind, %err, "unreadable activity");
            format!("unreadable {kind}: {err}")
        });
        Ok(Inbound {
            id,
            actor,
            activity,
            raw,
        })
    }
}

impl Inbound {
    /// The typed activity, or why it could not be read.
    fn activity(&self) -> Result<&InboundActivity, FederationError> {
        self.activity
            .as_ref()
            .map_err(|err| FederationError::Invalid(err.clone()))
    }
}

/// Writes the audit entry of something another instance did (no actor: the instance is
/// named in `detail`).
async fn audited(
    db: &impl sea_orm::ConnectionTrait,
    action: inspraak_domain::audit::AuditAction,
    subject: (&str, &str),
    detail: &str,
) -> Result<(), FederationError> {
    inspraak_db::audit::record(db, None, action.as_str(), subject, detail, Utc::now()).await?;
    Ok(())
}

/// Host and port of a URL, the unit of origin.
pub fn origin(url: &Url) -> String {
    crate::discovery::handle_host(url)
}

/// Whether two URLs have the same origin (host and port).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// An embedded object that claims to be by the actor must live on the actor's host; objects
/// of others are never trusted as embedded, but refetched (see `content`).
fn check_embedded(object: &IdOr<AnyObject>, actor: &Url) -> Result<(), FederationError> {
    let IdOr::Object(object) = object else {
        return Ok(());
    };
    let object_id = object
        .id()
        .ok_or_else(|| FederationError::Invalid("the object has no id".into()))?;
    if !same_origin(&object_id, actor) {
        return Err(FederationError::Forbidden(format!(
            "object {object_id} is not on the actor's host"
        )));
    }
    if let Some(author) = object.attributed_to()
        && &author != actor
        && !same_origin(&author, actor)
    {
        return Err(FederationError::Forbidden(format!(
            "object {object_id} is attributed to {author}, not to the sender"
        )));
    }
    Ok(())
}

#[async_trait::async_trait]
impl Activity for Inbound {
    type DataType = FederationData;
    type Error = FederationError;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Fed) -> Result<(), FederationError> {
        if !same_origin(&self.id, &self.actor) {
            return Err(FederationError::Forbidden(format!(
                "activity {} is not on its actor's host",
                self.id
            )));
        }
        match self.activity()? {
            InboundActivity::Create(a) => check_embedded(&a.object, &self.actor),
            InboundActivity::Update(a) => check_embedded(&a.object, &self.actor),
            InboundActivity::Invite(a) => check_embedded(&a.object, &self.actor),
            _ => Ok(()),
        }
    }

    async fn receive(self, data: &Fed) -> Result<(), FederationError> {
        if received::seen(&data.db, self.id.as_str()).await? {
            tracing::debug!(activity = %self.id, "replayed activity ignored");
            return Ok(());
        }
        let activity = self.activity()?;
        let actor = ObjectId::<RemoteActor>::from(self.actor.clone())
            .dereference(data)
            .await?;
        // A subscribed blocklist changed: it is fetched again, its embedded form never believed.
        if let InboundActivity::Update(update) = activity
            && update.object.object().is_none()
            && let Some(object) = update.object.id()
            && crate::blocklists::update_received(data, &self.actor, &object).await?
        {
            return Ok(());
        }
        // Network work first; then one short transaction applies the activity and records
        // its id (a concurrent duplicate loses the race on the unique id and changes nothing).
        let resolved = resolve::resolve(data, &actor, activity).await?;
        // A tally is applied in transactions of its own: a refused one is still noted.
        if let InboundActivity::Create(create) = activity
            && let Some(tally) = joint_votes::tally_of(create.object.object())
        {
            let raw = self.raw.get("object");
            let signer = resolved.signer.as_ref();
            return joint_votes::receive_tally(data, &actor, &self.id, tally, raw, signer).await;
        }
        let txn = inspraak_db::begin_write(&data.db).await?;
        if !received::first_arrival(&txn, self.id.as_str(), Utc::now()).await? {
            tracing::debug!(activity = %self.id, "replayed activity ignored");
            return Ok(());
        }
        let received = Received {
            activity,
            raw: &self.raw,
        };
        dispatch(data, &txn, &actor, received, &resolved).await?;
        txn.commit().await.map_err(inspraak_db::DbError::from)?;
        data.outbox_signal.notify_one();
        Ok(())
    }
}

/// A received activity, typed, with its body as sent.
#[derive(Debug, Clone, Copy)]
struct Received<'a> {
    activity: &'a InboundActivity,
    raw: &'a Value,
}

/// Applies an activity by type; unknown types are accepted and ignored (202).
async fn dispatch(
    data: &Fed,
    txn: &sea_orm::DatabaseTransaction,
    actor: &RemoteActor,
    received: Received<'_>,
    resolved: &resolve::Resolved,
) -> Result<(), FederationError> {
    if let InboundActivity::Update(update) = received.activity
        && forwarding::status(txn, actor, update, resolved).await?
    {
        return Ok(());
    }
    match received.activity {
        InboundActivity::Follow(follow) => social::follow(data, txn, actor, follow).await,
        InboundActivity::Undo(undo) => social::undo(txn, actor, undo).await,
        InboundActivity::Accept(accept) => social::accept(txn, actor, accept).await,
        InboundActivity::Reject(reject) => social::reject(txn, actor, reject).await,
        InboundActivity::Join(join) => deals::join(data, txn, actor, join).await,
        InboundActivity::Leave(leave) => deals::leave(txn, actor, leave).await,
        InboundActivity::Remove(remove) => deals::removed(data, txn, actor, remove).await,
        InboundActivity::Invite(invite) => joint_votes::invite(txn, actor, invite).await,
        InboundActivity::Offer(offer) => forwarding::offer(txn, actor, offer, resolved).await,
        InboundActivity::Update(a) if matches!(a.object.object(), Some(AnyObject::Figures(_))) => {
            match a.object.object() {
                Some(AnyObject::Figures(report)) => deals::figures(txn, actor, report).await,
                _ => Ok(()),
            }
        }
        InboundActivity::Like(like) => social::like(txn, actor, like).await,
        InboundActivity::Flag(flag) => social::flag(data, txn, actor, flag).await,
        InboundActivity::Create(a) => {
            content::create_or_update(data, txn, actor, &a.object, received.raw, resolved).await
        }
        InboundActivity::Update(a) => {
            content::create_or_update(data, txn, actor, &a.object, received.raw, resolved).await
        }
        InboundActivity::Delete(delete) => {
            content::delete(data, txn, actor, delete, content::passed_on(received.raw)).await
        }
        InboundActivity::Announce(announce) => {
            content::announce(data, txn, actor, announce, received.raw, resolved).await
        }
        InboundActivity::Unknown(kind) => {
            tracing::debug!(kind, actor = %actor.id, "unsupported activity ignored");
            Ok(())
        }
    }
}

/// Receives one activity that passed the web layer's checks: digest, signature and origin
/// checks, then its effect. When the signature does not verify with the stored key, the actor
/// is fetched again (at most once a minute: it may have rotated its key) and the activity is
/// checked once more before it is refused.
pub async fn receive(
    data: &Fed,
    actor_id: &Url,
    request: ActivityData,
    retry: ActivityData,
) -> Result<(), FederationError> {
    use activitypub_federation::error::Error as ApfError;
    let first = receive_activity::<Inbound, RemoteActor, FederationData>(request, data).await;
    let Err(FederationError::Protocol(ApfError::ActivitySignatureInvalid)) = first else {
        return first;
    };
    let stored = inspraak_db::remote_actors::find(&data.db, actor_id.as_str()).await?;
    let stale = stored
        .as_ref()
        .is_some_and(|row| Utc::now() - row.fetched_at > chrono::Duration::seconds(60));
    if !stale {
        return Err(FederationError::Protocol(
            ApfError::ActivitySignatureInvalid,
        ));
    }
    let before = stored.map(|row| row.public_key_pem);
    let fresh = ObjectId::<RemoteActor>::from(actor_id.clone())
        .dereference_forced(data)
        .await?;
    if before.as_deref() == Some(fresh.row.public_key_pem.as_str()) {
        return Err(FederationError::Protocol(
            ApfError::ActivitySignatureInvalid,
        ));
    }
    receive_activity::<Inbound, RemoteActor, FederationData>(retry, data).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inbound(body: &str) -> Result<Inbound, String> {
        Inbound::try_from(serde_json::from_str::<Value>(body).map_err(|e| e.to_string())?)
    }

    #[test]
    fn only_a_missing_id_actor_or_type_makes_an_activity_unreadable() {
        assert!(inbound(r#"{"type": "Follow", "actor": "https://a.example/u"}"#).is_err());
        assert!(inbound(r#"{"id": "https://a.example/1", "type": "Follow"}"#).is_err());
        assert!(
            inbound(r#"{"id": "https://a.example/1", "actor": "https://a.example/u"}"#).is_err()
        );
        // A known type without what it needs is refused later, after the signature checks.
        let follow = inbound(
            r#"{"id": "https://a.example/1", "type": "Follow", "actor": "https://a.example/u"}"#,
        )
        .expect("readable head");
        assert!(matches!(
            follow.activity(),
            Err(FederationError::Invalid(_))
        ));
        let dislike = inbound(
            r#"{"id": "https://a.example/2", "type": "Dislike", "actor": {"id": "https://a.example/u"},
                "object": "https://b.example/event"}"#,
        )
        .expect("readable head");
        assert_eq!(dislike.actor.as_str(), "https://a.example/u");
        assert!(
            matches!(dislike.activity(), Ok(InboundActivity::Unknown(kind)) if kind == "Dislike")
        );
    }

    #[test]
    fn an_embedded_object_must_be_the_senders() {
        let actor = Url::parse("https://a.example/u").expect("url");
        let object =
            |body: &str| serde_json::from_str::<IdOr<AnyObject>>(body).expect("object or id");
        let own = object(
            r#"{"id": "https://a.example/n/1", "type": "Note", "attributedTo": "https://a.example/u"}"#,
        );
        assert!(check_embedded(&own, &actor).is_ok());
        let elsewhere = object(r#"{"id": "https://b.example/n/1", "type": "Note"}"#);
        assert!(matches!(
            check_embedded(&elsewhere, &actor),
            Err(FederationError::Forbidden(_))
        ));
        let someone_else = object(
            r#"{"id": "https://a.example/n/2", "type": "Note", "attributedTo": "https://b.example/v"}"#,
        );
        assert!(matches!(
            check_embedded(&someone_else, &actor),
            Err(FederationError::Forbidden(_))
        ));
        let by_id = object(r#""https://b.example/n/1""#);
        assert!(
            check_embedded(&by_id, &actor).is_ok(),
            "fetched later, never trusted"
        );
    }
}
