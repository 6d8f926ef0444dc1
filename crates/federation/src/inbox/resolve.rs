//! The network work an activity needs, done before its transaction begins: the objects it
//! refers to (embedded only when they come from the sender's host), their authors, and the
//! document of a group that announces something for the first time.

use super::same_origin;
use crate::FederationError;
use crate::actors;
use crate::context::Fed;
use crate::protocol::activities::InboundActivity;
use crate::protocol::kind::ActorKind;
use crate::protocol::objects::{ActorDocument, AnyObject};
use crate::protocol::values::IdOr;
use crate::signer::RemoteActor;
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use inspraak_db::{follows, remote_content};
use std::collections::HashMap;
use url::Url;

/// Objects fetched before the transaction began: network work (and the storing of the
/// actors it meets, which happens on another connection) is done first, so the transaction
/// holds SQLite's write lock only briefly and never waits on itself.
#[derive(Debug, Default)]
pub struct Resolved {
    objects: HashMap<Url, AnyObject>,
    pub(super) group: Option<ActorDocument>,
    /// A `Group` on the sender's host that says it reuses one of our processes.
    pub(super) reuse_notice: Option<ActorDocument>,
    /// A new consultation's `Group`, announced by a member of one of our deals.
    pub(super) member_group: Option<ActorDocument>,
    /// The sender's actor document as fetched now, for the keys a signed tally verifies with.
    pub(super) signer: Option<ActorDocument>,
}

impl Resolved {
    /// The object a reference points at: embedded when it comes from `actor`'s own host
    /// (checked in `verify`), otherwise as fetched from its id, never trusted as sent.
    pub(super) fn object(
        &self,
        actor: &Url,
        reference: &IdOr<AnyObject>,
    ) -> Result<AnyObject, FederationError> {
        let id = reference
            .id()
            .ok_or_else(|| FederationError::Invalid("no object".into()))?;
        if let IdOr::Object(object) = reference
            && same_origin(&id, actor)
        {
            return Ok(AnyObject::clone(object));
        }
        self.objects
            .get(&id)
            .cloned()
            .ok_or_else(|| FederationError::Invalid(format!("{id} could not be fetched")))
    }

    /// Fetches (or takes embedded) the object at `reference` and remembers it.
    async fn load(
        &mut self,
        data: &Fed,
        actor: &Url,
        reference: &IdOr<AnyObject>,
    ) -> Result<AnyObject, FederationError> {
        if let Ok(found) = self.object(actor, reference) {
            return Ok(found);
        }
        let id = reference
            .id()
            .ok_or_else(|| FederationError::Invalid("no object".into()))?;
        let fetched = fetch_object_http::<_, AnyObject>(&id, data).await?.object;
        self.objects.insert(id, fetched.clone());
        Ok(fetched)
    }
}

/// Fetches and stores a remote actor unless it is ours or known and fresh.
async fn ensure_actor(data: &Fed, actor: Option<Url>) -> Result<(), FederationError> {
    if let Some(actor) = actor
        && !data.is_local(&actor)
    {
        ObjectId::<RemoteActor>::from(actor)
            .dereference(data)
            .await?;
    }
    Ok(())
}

/// The object of a `Create` or `Update`, fetched, and the actor it names (a profile update
/// refetches the sender; an object's author is fetched).
async fn resolve_change(
    data: &Fed,
    resolved: &mut Resolved,
    sender: &Url,
    object: &IdOr<AnyObject>,
) -> Result<(), FederationError> {
    match resolved.load(data, sender, object).await? {
        AnyObject::Actor(actor) if &actor.id == sender => {
            ObjectId::<RemoteActor>::from(sender.clone())
                .dereference_forced(data)
                .await?;
        }
        AnyObject::Actor(_) => {}
        object => ensure_actor(data, object.attributed_to()).await?,
    }
    Ok(())
}

/// The `Group` an organization announces, fetched from the sender's own host (never trusted
/// as embedded): for a deal, a member's new consultation; from a host we do not follow, a
/// possible reuse notice. Anything else, or a failed fetch (logged), is `None`.
async fn announced_group(
    data: &Fed,
    sender: &RemoteActor,
    object: &IdOr<AnyObject>,
) -> Option<ActorDocument> {
    let id = object.id().filter(|id| same_origin(id, &sender.id))?;
    match fetch_object_http::<_, ActorDocument>(&id, data).await {
        Ok(fetched) => {
            let document = fetched.object;
            (document.kind == ActorKind::Group && same_origin(&document.id, &sender.id))
                .then_some(document)
        }
        Err(err) => {
            tracing::info!(object = %id, error = %err, "announced group not fetched");
            None
        }
    }
}

/// Whether a `Group` names one of our consultations as the origin of its process.
fn reuses_ours(data: &Fed, group: &ActorDocument) -> bool {
    group
        .derived_from
        .as_ref()
        .is_some_and(|origin| same_origin(origin, &data.base))
}

/// Does the network work an activity needs before it is applied.
pub async fn resolve(
    data: &Fed,
    sender: &RemoteActor,
    activity: &InboundActivity,
) -> Result<Resolved, FederationError> {
    let mut resolved = Resolved::default();
    match activity {
        InboundActivity::Create(a) if super::joint_votes::tally_of(a.object.object()).is_some() => {
            // Fetched afresh: a member that rotated its key is checked against the new one.
            let fetched = fetch_object_http::<_, ActorDocument>(&sender.id, data).await;
            resolved.signer = fetched
                .inspect_err(|err| tracing::info!(actor = %sender.id, %err, "signer not fetched"))
                .ok()
                .map(|f| f.object);
        }
        InboundActivity::Offer(offer) => {
            super::forwarding::check_offer(data, sender, offer)?;
            let page = IdOr::Id(offer.object.0.clone());
            resolved.load(data, &sender.id, &page).await?;
        }
        InboundActivity::Create(a) => {
            resolve_change(data, &mut resolved, &sender.id, &a.object).await?;
        }
        InboundActivity::Update(a) => {
            resolve_change(data, &mut resolved, &sender.id, &a.object).await?;
        }
        InboundActivity::Announce(announce) => {
            // Our own budget projects and outcomes need no fetching: such an announce is
            // ignored (see `content::announce`).
            if let Some(object) = announce.object.id()
                && super::budgets::ours(&data.db, data, &object)
                    .await?
                    .is_some()
            {
                return Ok(resolved);
            }
            let organization = actors::organization_id(&data.base)?;
            let followed =
                follows::follows_host(&data.db, organization.as_str(), &sender.row.host).await?;
            let member = !inspraak_db::deals::memberships_of(&data.db, &sender.row.ap_id)
                .await?
                .is_empty();
            // One fetch serves both: a deal member's new consultation, and a reuse notice
            // from a host we do not follow.
            if member || !followed {
                let group = announced_group(data, sender, &announce.object).await;
                if member {
                    resolved.member_group.clone_from(&group);
                }
                if !followed {
                    resolved.reuse_notice = group.filter(|g| reuses_ours(data, g));
                    return Ok(resolved);
                }
            }
            match resolved.load(data, &sender.id, &announce.object).await? {
                AnyObject::Create(inner) => {
                    ensure_actor(data, Some(inner.actor.clone())).await?;
                    resolve_change(data, &mut resolved, &inner.actor, &inner.object).await?;
                }
                AnyObject::Update(inner) => {
                    ensure_actor(data, Some(inner.actor.clone())).await?;
                    resolve_change(data, &mut resolved, &inner.actor, &inner.object).await?;
                }
                AnyObject::Delete(inner) => ensure_actor(data, Some(inner.actor)).await?,
                inner @ (AnyObject::Page(_)
                | AnyObject::Article(_)
                | AnyObject::Note(_)
                | AnyObject::Question(_)) => {
                    ensure_actor(data, inner.attributed_to()).await?;
                }
                _ => {}
            }
            if remote_content::find_consultation(&data.db, sender.id.as_str())
                .await?
                .is_none()
            {
                let group = fetch_object_http::<_, ActorDocument>(&sender.id, data)
                    .await?
                    .object;
                resolved.group = Some(group);
            }
        }
        _ => {}
    }
    Ok(resolved)
}
