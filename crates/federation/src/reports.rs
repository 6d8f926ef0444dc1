//! Reports forwarded to the server a reported item came from, as Mastodon does: a `Flag` sent
//! by our instance actor (never the resident, who stays anonymous) to the origin's shared
//! inbox, naming the item and its author, through the outbox so it is retried.

use crate::FederationError;
use crate::actors;
use crate::context::{Fed, FederationData};
use crate::envelope::{Outbox, activity_id, target};
use crate::protocol::activities::{Flag, Head, Outbound};
use crate::protocol::kind::{FlagType, Kind};
use crate::protocol::values::{Addressing, Ref};
use crate::signer::RemoteActor;
use activitypub_federation::fetch::object_id::ObjectId;
use inspraak_db::outbox::Target;
use inspraak_db::remote_actors;
use sea_orm::ConnectionTrait;
use url::Url;

impl Outbound for Flag {
    fn head(&self) -> Head {
        Head {
            id: self.id.clone(),
            kind: FlagType::NAME,
            actor: self.actor.clone(),
            subject: self.object.first().map(|r| r.0.clone()),
        }
    }
}

/// Where a forwarded report went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forwarded {
    /// The `Flag`'s id.
    pub activity: Url,
    /// The host it was sent to.
    pub host: String,
}

/// The `Flag` our instance actor sends about `object` by `author`.
pub fn flag(
    data: &FederationData,
    object: &Url,
    author: &Url,
    note: &str,
) -> Result<Flag, FederationError> {
    Ok(Flag {
        id: activity_id(&data.base)?,
        kind: FlagType::default(),
        actor: actors::instance_actor_id(&data.base)?,
        object: vec![Ref(object.clone()), Ref(author.clone())].into(),
        content: Some(note.to_owned()).filter(|n| !n.is_empty()),
        addressing: Addressing::default(),
    })
}

/// The (shared) inbox of a reported item's author: the stored actor, or fetched (signed by
/// our instance actor) when it was never seen. Network work: call it before a transaction.
pub async fn inbox_of(data: &Fed, author: &Url) -> Result<Target, FederationError> {
    let actor = match remote_actors::find(&data.db, author.as_str()).await? {
        Some(row) => row,
        None => {
            ObjectId::<RemoteActor>::from(author.clone())
                .dereference(data)
                .await?
                .row
        }
    };
    let inbox = actor.shared_inbox.clone().unwrap_or(actor.inbox.clone());
    target(&inbox).ok_or_else(|| FederationError::Invalid(format!("{author} has no usable inbox")))
}

/// Stores a `Flag` about the remote item `object` by the remote actor `author` for `to` (the
/// author's inbox, from [`inbox_of`]), in the caller's transaction.
pub async fn forward(
    db: &impl ConnectionTrait,
    data: &FederationData,
    (object, author): (&Url, &Url),
    note: &str,
    to: Target,
) -> Result<Forwarded, FederationError> {
    let host = to.host.clone();
    let flag = flag(data, object, author, note)?;
    let activity = Outbox::new(db, data).record(&flag, vec![to]).await?;
    Ok(Forwarded { activity, host })
}
