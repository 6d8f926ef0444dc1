//! What a deal and its members send each other about a joint vote (docs/FEDERATION.md,
//! "Joint votes"): the deal's `Invite` with the `JointVote`, the member's `Accept` or
//! `Reject` of it, and at closing the member's `Create` of its signed `Tally`. Each is stored
//! in the outbox in the caller's transaction.

use crate::FederationError;
use crate::actors;
use crate::context::FederationData;
use crate::envelope::{Outbox, to_inbox};
use crate::protocol::activities::{Accept, Create, Invite, Reject};
use crate::protocol::kind::{JointVoteType, TallyType};
use crate::protocol::objects::{AnyObject, JointVoteDocument, SignedObject, TallyDocument};
use crate::protocol::values::{Addressing, IdOr};
use crate::tally_proof;
use chrono::{DateTime, SecondsFormat, Utc};
use inspraak_db::entity::joint_vote;
use inspraak_domain::joint_vote::TallyFigures;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use url::Url;

/// A joint vote as the deal sends and serves it.
pub fn document(
    data: &FederationData,
    vote: &joint_vote::Model,
    deal: &Url,
) -> Result<JointVoteDocument, FederationError> {
    let options: Vec<String> = serde_json::from_str(&vote.options)?;
    let id = Url::parse(&vote.ap_id)?;
    Ok(JointVoteDocument {
        url: Some(Url::parse(&data.url(&format!("/joint-votes/{}", vote.id)))?),
        id,
        kind: JointVoteType::JointVote,
        attributed_to: deal.clone(),
        name: vote.question.clone(),
        options,
        multiple: vote.multiple,
        end_time: vote.closes_at,
    })
}

/// The deal invites one member; returns the `Invite`'s id.
pub async fn invite(
    db: &impl ConnectionTrait,
    data: &FederationData,
    deal: &Url,
    member: &Url,
    member_inbox: &str,
    vote: JointVoteDocument,
) -> Result<Url, FederationError> {
    let outbox = Outbox::new(db, data);
    let object = IdOr::Object(Box::new(AnyObject::JointVote(Box::new(vote))));
    let invite: Invite = outbox.stamped(deal, object, Addressing::direct(member))?;
    outbox.record(&invite, to_inbox(member_inbox)).await
}

/// Our organization answers a deal's `Invite`: take part (`Accept`) or not (`Reject`).
pub async fn answer_invite(
    db: &impl ConnectionTrait,
    data: &FederationData,
    deal: &Url,
    deal_inbox: &str,
    invite_id: &str,
    take_part: bool,
) -> Result<(), FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let outbox = Outbox::new(db, data);
    let object = IdOr::Id(Url::parse(invite_id)?);
    let to = Addressing::direct(deal);
    if take_part {
        let accept: Accept = outbox.stamped(&organization, object, to)?;
        outbox.record(&accept, to_inbox(deal_inbox)).await?;
    } else {
        let reject: Reject = outbox.stamped(&organization, object, to)?;
        outbox.record(&reject, to_inbox(deal_inbox)).await?;
    }
    Ok(())
}

/// The `@context` of a tally: AS2, Data Integrity, and our terms.
fn tally_context() -> Value {
    json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/data-integrity/v2",
        {
            "inspraak": "https://inspraak.nl/ns#",
            "Tally": "inspraak:Tally",
            "jointVote": {"@id": "inspraak:jointVote", "@type": "@id"},
            "voters": "inspraak:voters",
            "counts": {"@id": "inspraak:counts", "@type": "@json"}
        }
    ])
}

/// Where a member serves its tally of the joint vote it was invited to as `invite_id`.
pub fn tally_id(data: &FederationData, invite_id: &str) -> Result<Url, FederationError> {
    Ok(Url::parse(
        &data.url(&format!("/joint-votes/tallies/{invite_id}")),
    )?)
}

/// Our organization's tally of a joint vote, signed with its Ed25519 key (FEP-8b32,
/// `eddsa-jcs-2022`), as the JSON text to store, serve and send.
pub async fn signed_tally(
    db: &impl ConnectionTrait,
    data: &FederationData,
    invite_id: &str,
    joint_vote: &Url,
    figures: TallyFigures,
    now: DateTime<Utc>,
) -> Result<String, FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let document = TallyDocument {
        id: tally_id(data, invite_id)?,
        kind: TallyType::Tally,
        attributed_to: organization.clone(),
        joint_vote: joint_vote.clone(),
        voters: figures.voters,
        counts: figures.counts,
        published: Some(now),
    };
    let mut unsigned = serde_json::to_value(&document)?;
    if let Value::Object(map) = &mut unsigned {
        map.insert("@context".to_owned(), tally_context());
    }
    let key = crate::keys::assertion_key(db, &organization).await?;
    let created = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let signed = tally_proof::sign(&unsigned, &key, &created)?;
    Ok(serde_json::to_string(&signed)?)
}

/// Our organization sends its signed tally to the deal.
pub async fn send_tally(
    db: &impl ConnectionTrait,
    data: &FederationData,
    deal: &Url,
    deal_inbox: &str,
    signed: &str,
) -> Result<(), FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let outbox = Outbox::new(db, data);
    let object = SignedObject(serde_json::from_str(signed)?);
    let create: Create = outbox.stamped(
        &organization,
        IdOr::Object(Box::new(AnyObject::Signed(object))),
        Addressing::direct(deal),
    )?;
    outbox.record(&create, to_inbox(deal_inbox)).await?;
    Ok(())
}
