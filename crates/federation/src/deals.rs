//! What a province deal and its members send each other (see docs/FEDERATION.md, "Province
//! deals"): the member's `Join`, `Leave` and figures (`Update` of a `Statistics`), the
//! deal's `Accept`, `Reject` and `Remove`, and the deal's `Announce` of a member's new
//! consultation to its followers. Each is stored in the outbox in the caller's transaction.

use crate::FederationError;
use crate::actors;
use crate::context::FederationData;
use crate::envelope::{Outbox, to_inbox};
use crate::protocol::activities::{Accept, Announce, Join, Leave, Reject, Remove, Update};
use crate::protocol::kind::{RemoveType, StatisticsType};
use crate::protocol::objects::{AnyObject, FiguresReport};
use crate::protocol::values::{Addressing, IdOr, Ref};
use chrono::Utc;
use inspraak_domain::statistics::Statistics;
use sea_orm::ConnectionTrait;
use url::Url;

/// Our organization applies to the deal `deal`; returns the `Join`'s id.
pub async fn join(
    db: &impl ConnectionTrait,
    data: &FederationData,
    deal: &Url,
    deal_inbox: &str,
) -> Result<Url, FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let outbox = Outbox::new(db, data);
    let join: Join = outbox.stamped(&organization, Ref(deal.clone()), Addressing::direct(deal))?;
    outbox.record(&join, to_inbox(deal_inbox)).await
}

/// Our organization leaves the deal.
pub async fn leave(
    db: &impl ConnectionTrait,
    data: &FederationData,
    deal: &Url,
    deal_inbox: &str,
) -> Result<(), FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let outbox = Outbox::new(db, data);
    let leave: Leave =
        outbox.stamped(&organization, Ref(deal.clone()), Addressing::direct(deal))?;
    outbox.record(&leave, to_inbox(deal_inbox)).await?;
    Ok(())
}

/// The `Join` a deal answers, rebuilt from what it stored (its id is what counts).
fn join_answered(join_id: &str, member: &Url, deal: &Url) -> Result<AnyObject, FederationError> {
    Ok(AnyObject::Join(Join::new(
        Url::parse(join_id)?,
        member.clone(),
        Ref(deal.clone()),
        Addressing::direct(deal),
    )))
}

/// How a deal answers an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Welcome.
    Accept,
    /// No.
    Reject,
}

/// The deal answers a member's `Join`.
pub async fn answer_join(
    db: &impl ConnectionTrait,
    data: &FederationData,
    deal: &Url,
    member: &Url,
    member_inbox: &str,
    join_id: &str,
    answer: Answer,
) -> Result<(), FederationError> {
    let outbox = Outbox::new(db, data);
    let object = IdOr::Object(Box::new(join_answered(join_id, member, deal)?));
    let to = Addressing::direct(member);
    match answer {
        Answer::Accept => {
            let accept: Accept = outbox.stamped(deal, object, to)?;
            outbox.record(&accept, to_inbox(member_inbox)).await?;
        }
        Answer::Reject => {
            let reject: Reject = outbox.stamped(deal, object, to)?;
            outbox.record(&reject, to_inbox(member_inbox)).await?;
        }
    }
    Ok(())
}

/// The deal ends a membership.
pub async fn remove_member(
    db: &impl ConnectionTrait,
    data: &FederationData,
    deal: &Url,
    member: &Url,
    member_inbox: &str,
) -> Result<(), FederationError> {
    let outbox = Outbox::new(db, data);
    let remove = Remove {
        id: crate::envelope::activity_id(&data.base)?,
        kind: RemoveType::Remove,
        actor: deal.clone(),
        object: Ref(member.clone()),
        target: Ref(deal.clone()),
        addressing: Addressing::direct(member),
    };
    outbox.record(&remove, to_inbox(member_inbox)).await?;
    Ok(())
}

/// Our figures as the object members send: at our statistics document's URL.
pub fn figures_report(
    data: &FederationData,
    figures: Statistics,
    to: &[Url],
) -> Result<FiguresReport, FederationError> {
    Ok(FiguresReport {
        id: data.base.join("/api/v1/statistics")?,
        kind: StatisticsType::Statistics,
        attributed_to: actors::organization_id(&data.base)?,
        published: Some(Utc::now()),
        figures,
        addressing: Addressing {
            to: to.to_vec().into(),
            ..Addressing::default()
        },
    })
}

/// Our organization sends its figures to a deal it belongs to.
pub async fn send_figures(
    db: &impl ConnectionTrait,
    data: &FederationData,
    deal: &Url,
    deal_inbox: &str,
    figures: Statistics,
) -> Result<(), FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let report = figures_report(data, figures, std::slice::from_ref(deal))?;
    let outbox = Outbox::new(db, data);
    let update: Update = outbox.stamped(
        &organization,
        IdOr::Object(Box::new(AnyObject::Figures(Box::new(report)))),
        Addressing::direct(deal),
    )?;
    outbox.record(&update, to_inbox(deal_inbox)).await?;
    Ok(())
}

/// The deal passes a member's new consultation (its `Group`'s id) on to its followers.
pub async fn announce_member_consultation(
    db: &impl ConnectionTrait,
    data: &FederationData,
    deal: &Url,
    group: &Url,
) -> Result<(), FederationError> {
    let outbox = Outbox::new(db, data);
    let announce: Announce =
        outbox.stamped(deal, IdOr::Id(group.clone()), Addressing::public(deal)?)?;
    let targets = outbox.followers(&[deal.as_str()]).await?;
    outbox.record(&announce, targets).await?;
    Ok(())
}

/// A deal found by handle or URL: its actor (stored) and its `Group` document. Anything that
/// is not a province deal's `Group` is refused with the reason.
pub async fn resolve_deal(
    data: &crate::Fed,
    handle_or_url: &str,
) -> Result<
    (
        crate::signer::RemoteActor,
        crate::protocol::objects::ActorDocument,
    ),
    FederationError,
> {
    use crate::protocol::kind::ActorKind;
    use crate::protocol::objects::ActorDocument;
    let remote = crate::follow::resolve(data, handle_or_url).await?;
    let document =
        activitypub_federation::fetch::fetch_object_http::<_, ActorDocument>(&remote.id, data)
            .await?
            .object;
    if document.kind != ActorKind::Group || document.province_deal != Some(true) {
        return Err(FederationError::Invalid(format!(
            "{} is not a province deal",
            remote.id
        )));
    }
    Ok((remote, document))
}
