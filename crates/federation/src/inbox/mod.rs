//! The inbox: what arrives from other servers, verified before it is believed.
//!
//! The web layer checks size and media type and that a signature is present; then
//! `activitypub_federation` checks the digest over the raw bytes, fetches the actor (signed by
//! our instance actor, through the domain block list) and verifies the HTTP signature with the
//! actor's own key, so a key of another actor fails. [`Inbound::verify`] adds the origin
//! checks of FEP-fe34, and [`Inbound::receive`] drops replays by activity id and applies the
//! activity in one transaction with any activities it causes (an `Accept`, an `Update` of a
//! poll, a group's `Announce`).

mod content;
mod social;

pub use content::store_followed_group;

use crate::FederationError;
use crate::context::{Fed, FederationData};
use crate::signer::RemoteActor;
use activitypub_federation::axum::inbox::{ActivityData, receive_activity};
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::traits::Activity;
use chrono::Utc;
use inspraak_db::received;
use sea_orm::TransactionTrait;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

/// An activity as received: its id, actor and type pulled out, the rest kept as JSON.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "Value")]
pub struct Inbound {
    id: Url,
    actor: Url,
    kind: String,
    raw: Value,
}

impl TryFrom<Value> for Inbound {
    type Error = String;

    fn try_from(raw: Value) -> Result<Self, String> {
        let id = id_of(&raw["id"]).ok_or("the activity has no id")?;
        let actor = id_of(&raw["actor"]).ok_or("the activity has no actor")?;
        let kind = raw["type"]
            .as_str()
            .ok_or("the activity has no type")?
            .to_owned();
        Ok(Inbound {
            id,
            actor,
            kind,
            raw,
        })
    }
}

/// The id in a JSON-LD reference: a string, or an object with an `id`.
pub fn id_of(value: &Value) -> Option<Url> {
    match value {
        Value::String(s) => Url::parse(s).ok(),
        Value::Object(o) => o
            .get("id")
            .and_then(Value::as_str)
            .and_then(|s| Url::parse(s).ok()),
        Value::Array(items) if items.len() == 1 => id_of(&items[0]),
        _ => None,
    }
}

/// Host and port of a URL, the unit of origin.
pub fn origin(url: &Url) -> String {
    crate::discovery::handle_host(url)
}

/// Whether two URLs have the same origin (host and port).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
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
        // An embedded object that claims to be by the actor must live on the actor's host;
        // objects of others are never trusted as embedded, but refetched (see `content`).
        if matches!(self.kind.as_str(), "Create" | "Update")
            && let Value::Object(object) = &self.raw["object"]
        {
            let object_id = object
                .get("id")
                .and_then(Value::as_str)
                .and_then(|s| Url::parse(s).ok())
                .ok_or_else(|| FederationError::Invalid("the object has no id".into()))?;
            if !same_origin(&object_id, &self.actor) {
                return Err(FederationError::Forbidden(format!(
                    "object {object_id} is not on the actor's host"
                )));
            }
            if let Some(author) = object.get("attributedTo").and_then(id_of)
                && author != self.actor
                && !same_origin(&author, &self.actor)
            {
                return Err(FederationError::Forbidden(format!(
                    "object {object_id} is attributed to {author}, not to the sender"
                )));
            }
        }
        Ok(())
    }

    async fn receive(self, data: &Fed) -> Result<(), FederationError> {
        if received::seen(&data.db, self.id.as_str()).await? {
            tracing::debug!(activity = %self.id, "replayed activity ignored");
            return Ok(());
        }
        let actor = ObjectId::<RemoteActor>::from(self.actor.clone())
            .dereference(data)
            .await?;
        // Network work first; then one short transaction applies the activity and records
        // its id (a concurrent duplicate loses the race on the unique id and changes nothing).
        let resolved = content::resolve(data, &actor, &self.kind, &self.raw).await?;
        let txn = data.db.begin().await.map_err(inspraak_db::DbError::from)?;
        if !received::first_arrival(&txn, self.id.as_str(), Utc::now()).await? {
            tracing::debug!(activity = %self.id, "replayed activity ignored");
            return Ok(());
        }
        let outcome = dispatch(data, &txn, &actor, &self, &resolved).await;
        match outcome {
            Ok(()) => {
                txn.commit().await.map_err(inspraak_db::DbError::from)?;
                data.outbox_signal.notify_one();
                Ok(())
            }
            Err(err) => Err(err),
        }
    }
}

/// Applies an activity by type; unknown types are accepted and ignored (202).
async fn dispatch(
    data: &Fed,
    txn: &sea_orm::DatabaseTransaction,
    actor: &RemoteActor,
    activity: &Inbound,
    resolved: &content::Resolved,
) -> Result<(), FederationError> {
    let raw = &activity.raw;
    match activity.kind.as_str() {
        "Follow" => social::follow(data, txn, actor, raw).await,
        "Undo" => social::undo(txn, actor, raw).await,
        "Accept" => social::accept(txn, actor, raw).await,
        "Reject" => social::reject(txn, actor, raw).await,
        "Like" => social::like(txn, actor, raw).await,
        "Flag" => social::flag(data, txn, actor, raw).await,
        "Create" | "Update" => content::create_or_update(data, txn, actor, raw, resolved).await,
        "Delete" => content::delete(data, txn, actor, raw).await,
        "Announce" => content::announce(data, txn, actor, raw, resolved).await,
        other => {
            tracing::debug!(kind = other, id = %activity.id, "unsupported activity ignored");
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
