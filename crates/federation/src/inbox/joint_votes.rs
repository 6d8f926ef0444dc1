//! Joint votes arriving: on a member, the deal's `Invite`; on the organizer, the members'
//! answers and their signed tallies. A tally counts only when it comes from a member that
//! takes part, carries a proof that verifies with a key the member's actor publishes, fits
//! the vote, is on time, and does not contradict the member's counted tally.

use super::audited;
use crate::FederationError;
use crate::context::Fed;
use crate::protocol::activities::Invite;
use crate::protocol::objects::{ActorDocument, AnyObject, Multikey, TallyDocument};
use crate::signer::{RemoteActor, plain_text};
use crate::tally_proof;
use chrono::Utc;
use inspraak_db::joint_votes::{self, CountedTally, NewInvite};
use inspraak_db::{memberships, received};
use inspraak_domain::audit::AuditAction;
use inspraak_domain::deal::MembershipState;
use inspraak_domain::joint_vote::{Arrival, Participation, TallyFigures, TallyState, arrival};
use inspraak_domain::poll::{OPTION_MAX, OPTIONS_MAX, QUESTION_MAX};
use sea_orm::DatabaseTransaction;
use serde_json::Value;
use url::Url;

/// A deal we belong to invites us to a joint vote: stored for our admins to answer. Only a
/// deal we are an accepted member of may invite, with a vote on its own host.
pub async fn invite(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    invite: &Invite,
) -> Result<(), FederationError> {
    let membership = memberships::find_by_deal(txn, &actor.row.ap_id).await?;
    let member = membership
        .as_ref()
        .is_some_and(|m| MembershipState::parse(&m.state) == Some(MembershipState::Member));
    let Some(membership) = membership.filter(|_| member) else {
        return Err(FederationError::Forbidden(format!(
            "{} is not a deal we belong to",
            actor.id
        )));
    };
    let Some(AnyObject::JointVote(vote)) = invite.object.object() else {
        return Err(FederationError::Invalid(
            "an Invite must embed the JointVote".into(),
        ));
    };
    if !super::same_origin(&vote.id, &actor.id) || vote.attributed_to != actor.id {
        return Err(FederationError::Forbidden(
            "the joint vote is not the inviting deal's own".into(),
        ));
    }
    let question = plain_text(&vote.name, QUESTION_MAX);
    let options: Vec<String> = vote
        .options
        .iter()
        .map(|o| plain_text(o, OPTION_MAX))
        .collect();
    let distinct = options
        .iter()
        .collect::<std::collections::HashSet<_>>()
        .len();
    if question.trim().is_empty()
        || options.len() < 2
        || options.len() > OPTIONS_MAX
        || distinct != options.len()
        || options.iter().any(|o| o.trim().is_empty())
    {
        return Err(FederationError::Invalid(
            "a joint vote needs a question and 2 to 20 distinct options".into(),
        ));
    }
    let new = joint_votes::store_invite(
        txn,
        NewInvite {
            joint_vote_ap_id: vote.id.as_str(),
            organizer_ap_id: &actor.row.ap_id,
            organizer_name: &membership.deal_name,
            organizer_inbox: &membership.deal_inbox,
            invite_activity_id: invite.id.as_str(),
            question: &question,
            options: &serde_json::to_string(&options)?,
            multiple: vote.multiple,
            closes_at: vote.end_time,
        },
        Utc::now(),
    )
    .await?;
    if new {
        audited(
            txn,
            AuditAction::JointVoteInvited,
            ("joint_vote", vote.id.as_str()),
            &actor.row.ap_id,
        )
        .await?;
        tracing::info!(deal = %actor.id, vote = %vote.id, "invited to a joint vote");
    }
    Ok(())
}

/// A member's answer to one of our invitations, when `answered` is such an `Invite`;
/// `false` when it is not (then it answers something else).
pub async fn answered(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    answered: &Url,
    accepted: bool,
) -> Result<bool, FederationError> {
    let Some(member) = joint_votes::member_by_invite(txn, answered.as_str()).await? else {
        return Ok(false);
    };
    if member.organization_ap_id != actor.row.ap_id {
        return Err(FederationError::Forbidden(
            "only the invited member answers its invitation".into(),
        ));
    }
    let participation = if accepted {
        Participation::TakingPart
    } else {
        Participation::Declined
    };
    joint_votes::set_participation(txn, &member, participation, Utc::now()).await?;
    audited(
        txn,
        AuditAction::JointVoteAnswerReceived,
        ("joint_vote", &member.joint_vote_id),
        &format!("{} {}", actor.row.ap_id, participation.as_str()),
    )
    .await?;
    tracing::info!(member = %actor.id, accepted, "joint vote invitation answered");
    Ok(true)
}

/// The tally a `Create` carries, if it carries one.
pub fn tally_of(object: Option<&AnyObject>) -> Option<&TallyDocument> {
    match object {
        Some(AnyObject::Tally(tally)) => Some(tally),
        _ => None,
    }
}

/// A member's tally, received in its own transactions: a refusal is noted on the member's
/// entry (so the organizer's page shows it) and answered with an error; the counted tally
/// and the total are never changed by a refused one.
pub async fn receive_tally(
    data: &Fed,
    actor: &RemoteActor,
    activity_id: &Url,
    tally: &TallyDocument,
    raw: Option<&Value>,
    signer: Option<&ActorDocument>,
) -> Result<(), FederationError> {
    let vote = joint_votes::find_by_ap_id(&data.db, tally.joint_vote.as_str())
        .await?
        .ok_or_else(|| {
            FederationError::Invalid(format!("{} is not a joint vote here", tally.joint_vote))
        })?;
    if tally.attributed_to != actor.id || !super::same_origin(&tally.id, &actor.id) {
        return Err(FederationError::Forbidden(
            "a tally must be the sender's own".into(),
        ));
    }
    let member = joint_votes::member_of(&data.db, &vote.id, &actor.row.ap_id)
        .await?
        .filter(|m| Participation::parse(&m.participation) == Some(Participation::TakingPart))
        .ok_or_else(|| {
            tracing::info!(vote = %vote.ap_id, sender = %actor.id, "tally from a non-member refused");
            FederationError::Forbidden(format!("{} does not take part in this joint vote", actor.id))
        })?;
    let options: Vec<String> = serde_json::from_str(&vote.options)?;
    let figures = tally.figures();
    let now = Utc::now();
    let checked = check(tally, raw, signer, &actor.id).and_then(|key| {
        figures
            .check(&options, vote.multiple)
            .map_err(|e| e.to_string())?;
        Ok(key)
    });
    let key = match checked {
        Ok(key) => key,
        Err(reason) => {
            return refuse(
                data,
                &member,
                TallyState::Invalid,
                reason,
                FederationError::Invalid,
            )
            .await;
        }
    };
    let counted: Option<TallyFigures> = match (&member.voters, &member.counts) {
        (Some(voters), Some(counts)) => Some(TallyFigures {
            voters: u64::try_from(*voters).unwrap_or(0),
            counts: serde_json::from_str(counts)?,
        }),
        _ => None,
    };
    match arrival(counted.as_ref(), &figures, vote.closes_at, now) {
        Arrival::Repeat => Ok(()),
        Arrival::Contradicts => {
            let reason = "a second tally with other figures; the first one stands".to_owned();
            refuse(
                data,
                &member,
                TallyState::Valid,
                reason,
                FederationError::Conflict,
            )
            .await
        }
        Arrival::TooLate => {
            let reason = "the tally arrived after the grace period".to_owned();
            refuse(
                data,
                &member,
                TallyState::Late,
                reason,
                FederationError::Invalid,
            )
            .await
        }
        Arrival::First => {
            let raw = raw.ok_or_else(|| FederationError::Invalid("no tally".into()))?;
            let txn = inspraak_db::begin_write(&data.db).await?;
            if !received::first_arrival(&txn, activity_id.as_str(), now).await? {
                return Ok(());
            }
            // Kept with the key it verified with: the organizer republishes both unchanged,
            // and anyone can check them offline.
            let bundle = serde_json::json!({"tally": raw, "key": key});
            let counted = CountedTally {
                raw: &serde_json::to_string(&bundle)?,
                voters: figures.voters,
                counts: &serde_json::to_string(&figures.counts)?,
            };
            joint_votes::count_tally(&txn, &member, counted, now).await?;
            let detail = format!("{} voters from {}", figures.voters, actor.row.ap_id);
            audited(
                &txn,
                AuditAction::TallyReceived,
                ("joint_vote", &vote.id),
                &detail,
            )
            .await?;
            txn.commit().await.map_err(inspraak_db::DbError::from)?;
            tracing::info!(vote = %vote.ap_id, member = %actor.id, voters = figures.voters, "tally counted");
            Ok(())
        }
    }
}

/// The proof: over the raw object, with a key the member's own actor document publishes.
fn check(
    tally: &TallyDocument,
    raw: Option<&Value>,
    signer: Option<&ActorDocument>,
    actor: &Url,
) -> Result<Multikey, String> {
    let raw = raw.ok_or("the Create carries no tally object")?;
    if raw.get("id").and_then(Value::as_str) != Some(tally.id.as_str()) {
        return Err("the tally must be embedded, not referred to".into());
    }
    let signer = signer
        .filter(|doc| &doc.id == actor)
        .ok_or("the member's actor document could not be fetched")?;
    tally_proof::verify(raw, actor, &signer.assertion_method)
}

/// Notes a refused tally on the member's entry, audits it, and answers with `error`.
async fn refuse(
    data: &Fed,
    member: &inspraak_db::entity::joint_vote_member::Model,
    state: TallyState,
    reason: String,
    error: fn(String) -> FederationError,
) -> Result<(), FederationError> {
    tracing::info!(member = %member.organization_ap_id, %reason, "tally refused");
    let txn = inspraak_db::begin_write(&data.db).await?;
    joint_votes::refuse_tally(&txn, member, state, &reason, Utc::now()).await?;
    let detail = format!("{}: {reason}", member.organization_ap_id);
    audited(
        &txn,
        AuditAction::TallyRefused,
        ("joint_vote", &member.joint_vote_id),
        &detail,
    )
    .await?;
    txn.commit().await.map_err(inspraak_db::DbError::from)?;
    Err(error(reason))
}
