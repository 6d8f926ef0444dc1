//! Province deals arriving: on a province, a municipality's `Join`, `Leave`, figures and new
//! consultations; on a municipality, the deal's `Accept`, `Reject` and `Remove`. Every step
//! goes to the audit log, as the matching staff action does on the other side.

use super::audited;
use crate::FederationError;
use crate::actors;
use crate::context::Fed;
use crate::deals as send;
use crate::protocol::activities::{Join, Leave, Remove};
use crate::protocol::kind::ActorKind;
use crate::protocol::objects::{ActorDocument, FiguresReport};
use crate::signer::{RemoteActor, plain_text};
use activitypub_federation::traits::Actor;
use chrono::Utc;
use inspraak_db::deals::{self, AnnouncedConsultation, NewApplication};
use inspraak_db::memberships;
use inspraak_domain::audit::AuditAction;
use inspraak_domain::deal::{MemberState, MembershipState, check_figures};
use sea_orm::DatabaseTransaction;
use url::Url;

/// A municipality applies to one of our deals. Only an `Organization` may, and only for a
/// deal that exists here; a member that applies again is answered again.
pub async fn join(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    join: &Join,
) -> Result<(), FederationError> {
    if actor.row.kind != ActorKind::Organization.name() {
        return Err(FederationError::Forbidden(format!(
            "only an organization can join a deal, not a {}",
            actor.row.kind
        )));
    }
    let deal = deals::find_by_ap_id(txn, join.object.0.as_str())
        .await?
        .ok_or_else(|| FederationError::Invalid(format!("{} is not a deal here", join.object.0)))?;
    let existing = deals::member_of(txn, &deal.id, &actor.row.ap_id).await?;
    let state = existing.as_ref().and_then(|m| MemberState::parse(&m.state));
    let inbox = actor.shared_inbox_or_inbox().to_string();
    if state == Some(MemberState::Member) {
        let deal_id = Url::parse(&deal.ap_id)?;
        let answer = send::Answer::Accept;
        let join_id = join.id.as_str();
        send::answer_join(txn, data, &deal_id, &actor.id, &inbox, join_id, answer).await?;
        return Ok(());
    }
    let name = plain_text(&actor.row.display_name, 300);
    deals::apply(
        txn,
        NewApplication {
            deal_id: &deal.id,
            organization_ap_id: &actor.row.ap_id,
            name: &name,
            host: &actor.row.host,
            inbox: &inbox,
            join_activity_id: join.id.as_str(),
        },
        Utc::now(),
    )
    .await?;
    audited(
        txn,
        AuditAction::DealJoinReceived,
        ("deal", &deal.id),
        &actor.row.ap_id,
    )
    .await?;
    tracing::info!(deal = %deal.ap_id, member = %actor.row.ap_id, "application to a deal");
    Ok(())
}

/// A member (or applicant) leaves one of our deals: its figures stop counting.
pub async fn leave(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    leave: &Leave,
) -> Result<(), FederationError> {
    let Some(deal) = deals::find_by_ap_id(txn, leave.object.0.as_str()).await? else {
        return Err(FederationError::Invalid(format!(
            "{} is not a deal here",
            leave.object.0
        )));
    };
    let Some(member) = deals::member_of(txn, &deal.id, &actor.row.ap_id).await? else {
        tracing::info!(deal = %deal.ap_id, actor = %actor.id, "leave from a non-member ignored");
        return Ok(());
    };
    if !MemberState::parse(&member.state).is_some_and(MemberState::is_active) {
        return Ok(());
    }
    deals::set_state(txn, &member, MemberState::Left, Utc::now()).await?;
    audited(
        txn,
        AuditAction::DealLeaveReceived,
        ("deal", &deal.id),
        &actor.row.ap_id,
    )
    .await?;
    tracing::info!(deal = %deal.ap_id, member = %actor.row.ap_id, "member left a deal");
    Ok(())
}

/// The answer to one of our applications, when `answered` is our `Join` to this deal;
/// `false` when it is not (then it answers something else, such as a follow).
pub async fn answered(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    answered: &Url,
    accepted: bool,
) -> Result<bool, FederationError> {
    let Some(membership) = memberships::find_by_deal(txn, &actor.row.ap_id).await? else {
        return Ok(false);
    };
    if membership.join_activity_id != answered.as_str() {
        return Ok(false);
    }
    if MembershipState::parse(&membership.state) != Some(MembershipState::Applied) {
        tracing::info!(deal = %actor.id, state = %membership.state, "late answer to an application ignored");
        return Ok(true);
    }
    let (state, action) = if accepted {
        (MembershipState::Member, AuditAction::DealAcceptReceived)
    } else {
        (MembershipState::Rejected, AuditAction::DealRejectReceived)
    };
    memberships::set_state(txn, &membership, state, Utc::now()).await?;
    audited(
        txn,
        action,
        ("membership", &membership.id),
        &actor.row.ap_id,
    )
    .await?;
    tracing::info!(deal = %actor.id, accepted, "our application was answered");
    Ok(true)
}

/// A deal ends our membership: only the deal itself, about our organization.
pub async fn removed(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    remove: &Remove,
) -> Result<(), FederationError> {
    let organization = actors::organization_id(&data.base)?;
    if remove.target.0 != actor.id || remove.object.0 != organization {
        tracing::info!(actor = %actor.id, "remove of something else ignored");
        return Ok(());
    }
    let Some(membership) = memberships::find_by_deal(txn, &actor.row.ap_id).await? else {
        return Ok(());
    };
    if !MembershipState::parse(&membership.state).is_some_and(MembershipState::is_active) {
        return Ok(());
    }
    memberships::set_state(txn, &membership, MembershipState::Removed, Utc::now()).await?;
    audited(
        txn,
        AuditAction::DealRemoveReceived,
        ("membership", &membership.id),
        &actor.row.ap_id,
    )
    .await?;
    tracing::info!(deal = %actor.id, "removed from a deal");
    Ok(())
}

/// A member's own figures. Figures from anyone who is not an accepted member of one of our
/// deals are ignored (logged): nothing here is counted from what merely federated.
pub async fn figures(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    report: &FiguresReport,
) -> Result<(), FederationError> {
    if report.attributed_to != actor.id {
        return Err(FederationError::Forbidden(
            "figures attributed to another actor".into(),
        ));
    }
    let member_of = deals::memberships_of(txn, &actor.row.ap_id).await?;
    if member_of.is_empty() {
        tracing::info!(actor = %actor.id, "figures from a non-member ignored");
        return Ok(());
    }
    check_figures(&report.figures).map_err(|e| FederationError::Invalid(e.to_string()))?;
    let json = serde_json::to_string(&report.figures)?;
    for member in &member_of {
        deals::store_figures(txn, &member.id, &json, Utc::now()).await?;
    }
    tracing::info!(member = %actor.id, deals = member_of.len(), "member figures stored");
    Ok(())
}

/// A member published a consultation: each of its deals lists it and announces it to the
/// deal's followers.
pub async fn member_consultation(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    group: &ActorDocument,
) -> Result<(), FederationError> {
    if group.kind != ActorKind::Group || !super::same_origin(&group.id, &actor.id) {
        return Ok(());
    }
    let title = plain_text(group.name.as_deref().unwrap_or_default(), 300);
    let url = group.url.as_ref().unwrap_or(&group.id);
    for member in deals::memberships_of(txn, &actor.row.ap_id).await? {
        let deal = deals::find(txn, &member.deal_id).await?;
        let new = deals::add_consultation(
            txn,
            AnnouncedConsultation {
                deal_id: &deal.id,
                organization_ap_id: &actor.row.ap_id,
                consultation_ap_id: group.id.as_str(),
                title: &title,
                url: url.as_str(),
            },
            Utc::now(),
        )
        .await?;
        if new {
            let deal_id = Url::parse(&deal.ap_id)?;
            send::announce_member_consultation(txn, data, &deal_id, &group.id).await?;
            tracing::info!(deal = %deal.ap_id, consultation = %group.id, "member consultation announced");
        }
    }
    Ok(())
}
