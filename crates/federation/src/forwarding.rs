//! Forwarding a proposal to the competent authority (see docs/FEDERATION.md, "Forwarded
//! proposals"), after ForgeFed's ticket flow: our organization sends an `Offer` of the
//! proposal's `Page` to another `Organization`; that one answers `Accept` with the `result`
//! (its new local proposal) or `Reject` with a reason, and afterwards sends every new status
//! and official answer as an `Update` of that proposal's `Page` to our organization's inbox.
//! Each is stored in the outbox in the caller's transaction.

use crate::FederationError;
use crate::actors;
use crate::context::{Fed, FederationData};
use crate::envelope::{Outbox, to_inbox};
use crate::protocol::activities::{Accept, Offer, Reject, Update};
use crate::protocol::kind::ActorKind;
use crate::protocol::objects::AnyObject;
use crate::protocol::values::{Addressing, IdOr, Ref};
use crate::render;
use crate::signer::RemoteActor;
use inspraak_db::entity::proposal;
use sea_orm::ConnectionTrait;
use url::Url;

/// The organization at a handle (`@name@host`) or actor URL; anything but another
/// instance's `Organization` is refused with the reason.
pub async fn resolve_organization(
    data: &Fed,
    handle_or_url: &str,
) -> Result<RemoteActor, FederationError> {
    let remote = crate::follow::resolve(data, handle_or_url).await?;
    if data.is_local(&remote.id) {
        return Err(FederationError::Invalid(
            "that is our own organization".into(),
        ));
    }
    if remote.row.kind != ActorKind::Organization.name() {
        return Err(FederationError::Invalid(format!(
            "{} is not an organization but a {}",
            remote.id, remote.row.kind
        )));
    }
    Ok(remote)
}

/// Our organization offers the proposal `page` to `organization`, with a note; returns the
/// `Offer`'s id.
pub async fn offer(
    db: &impl ConnectionTrait,
    data: &FederationData,
    page: &Url,
    organization: &Url,
    inbox: &str,
    note: &str,
) -> Result<Url, FederationError> {
    let ours = actors::organization_id(&data.base)?;
    let outbox = Outbox::new(db, data);
    let mut offer: Offer =
        outbox.stamped(&ours, Ref(page.clone()), Addressing::direct(organization))?;
    offer.target = Some(organization.clone());
    offer.content = (!note.is_empty()).then(|| note.to_owned());
    outbox.record(&offer, to_inbox(inbox)).await
}

/// We accept a forwarded proposal (the `Offer` with id `offer`): `result` is our new
/// proposal's id.
pub async fn accept(
    db: &impl ConnectionTrait,
    data: &FederationData,
    offer: &Url,
    origin: &Url,
    inbox: &str,
    result: &Url,
) -> Result<(), FederationError> {
    let ours = actors::organization_id(&data.base)?;
    let outbox = Outbox::new(db, data);
    let mut accept: Accept =
        outbox.stamped(&ours, IdOr::Id(offer.clone()), Addressing::direct(origin))?;
    accept.result = Some(result.clone());
    outbox.record(&accept, to_inbox(inbox)).await?;
    Ok(())
}

/// We decline a forwarded proposal, with the reason.
pub async fn reject(
    db: &impl ConnectionTrait,
    data: &FederationData,
    offer: &Url,
    origin: &Url,
    inbox: &str,
    reason: &str,
) -> Result<(), FederationError> {
    let ours = actors::organization_id(&data.base)?;
    let outbox = Outbox::new(db, data);
    let mut reject: Reject =
        outbox.stamped(&ours, IdOr::Id(offer.clone()), Addressing::direct(origin))?;
    reject.content = Some(reason.to_owned());
    outbox.record(&reject, to_inbox(inbox)).await?;
    Ok(())
}

/// Our proposal `p`, made from a forward, has a new status or answer: its `Page` goes to the
/// organization that forwarded it, directly to its inbox.
pub async fn status_update(
    db: &impl ConnectionTrait,
    data: &FederationData,
    p: &proposal::Model,
    origin: &Url,
    inbox: &str,
) -> Result<(), FederationError> {
    let ours = actors::organization_id(&data.base)?;
    let page = render::page(db, data, p).await?;
    let outbox = Outbox::new(db, data);
    let update: Update = outbox.stamped(
        &ours,
        IdOr::Object(Box::new(AnyObject::Page(page))),
        Addressing::direct(origin),
    )?;
    outbox.record(&update, to_inbox(inbox)).await?;
    Ok(())
}
