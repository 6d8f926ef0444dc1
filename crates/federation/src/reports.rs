//! Reports forwarded to the server a reported item came from, as Mastodon does: a `Flag` sent
//! by our instance actor (never the resident, who stays anonymous) to the origin's shared
//! inbox, naming the item and its author, through the outbox so it is retried.

use crate::FederationError;
use crate::actors;
use crate::context::FederationData;
use crate::envelope::{Outbox, activity_id, target};
use crate::protocol::activities::{Flag, Head, Outbound};
use crate::protocol::kind::{FlagType, Kind};
use crate::protocol::values::{Addressing, Ref};
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

/// Stores a `Flag` about the remote item `object` by the remote actor `author` for the
/// author's (shared) inbox, in the caller's transaction.
pub async fn forward(
    db: &impl ConnectionTrait,
    data: &FederationData,
    object: &Url,
    author: &Url,
    note: &str,
) -> Result<Forwarded, FederationError> {
    let actor = remote_actors::find(db, author.as_str())
        .await?
        .ok_or_else(|| FederationError::Invalid(format!("{author} is not known here")))?;
    let inbox = actor.shared_inbox.clone().unwrap_or(actor.inbox.clone());
    let to = target(&inbox)
        .ok_or_else(|| FederationError::Invalid(format!("{author} has no usable inbox")))?;
    let host = to.host.clone();
    let flag = flag(data, object, author, note)?;
    let activity = Outbox::new(db, data).record(&flag, vec![to]).await?;
    Ok(Forwarded { activity, host })
}
