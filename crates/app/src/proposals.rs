//! Proposals: submitting, supporting, withdrawing, and the official answer.

use crate::audit::{self, AuditAction};
use crate::participation::{ConsultationContext, proposal_visible};
use crate::{App, AppError, Caller, Change};
use chrono::Utc;
use inspraak_db::entity::proposal;
use inspraak_db::{new_id, proposals};
use inspraak_domain::ids::ProposalId;
use inspraak_domain::moderation::ContentKind;
use inspraak_domain::participation::Action;
use inspraak_domain::proposal::{
    ItemRefusal, ProposalInput, ProposalState, open_for_participation, validate_answer,
};
use inspraak_domain::text::markdown_to_safe_html;
use inspraak_federation::publish;

/// Submits a proposal to a consultation (by id or slug).
pub async fn submit(
    app: &App,
    caller: Caller<'_>,
    consultation: &str,
    input: ProposalInput,
) -> Result<proposal::Model, AppError> {
    let ctx = ConsultationContext::load(app, caller, consultation).await?;
    ctx.check(caller, Action::Propose)?;
    let author = caller.user()?;
    let fields = input.validate()?;
    let id = new_id();
    let new = proposals::NewProposal {
        ap_id: app.url(&format!("/proposals/{id}")),
        id,
        consultation_id: ctx.id().to_owned(),
        author_id: author.id.clone(),
        body_html: markdown_to_safe_html(&fields.body),
        fields,
        pending: ctx.settings.premoderation,
    };
    let txn = app.begin().await?;
    let created = proposals::create(&txn, new, Utc::now()).await?;
    if proposals::state_of(&created) != ProposalState::Pending {
        publish::proposal_changed(&txn, &app.federation, &created, Change::Published).await?;
    }
    app.commit(txn).await?;
    tracing::info!(proposal = %created.id, author = %author.username, "proposal submitted");
    Ok(created)
}

/// Loads a proposal for an action on it, checking the rules and the proposal's state.
pub async fn for_action(
    app: &App,
    caller: Caller<'_>,
    id: &ProposalId,
    action: Action,
) -> Result<(proposal::Model, ConsultationContext), AppError> {
    let p = proposals::find(app.conn(), id).await?;
    if !proposal_visible(&p, caller) {
        return Err(AppError::NotFound("proposal"));
    }
    let ctx = ConsultationContext::load(app, caller, &p.consultation_id).await?;
    ctx.check(caller, action)?;
    open_for_participation(proposals::state_of(&p), p.hidden_at.is_some())
        .map_err(AppError::ItemClosed)?;
    Ok((p, ctx))
}

/// Supports (`true`) or withdraws support (`false`); returns whether anything changed.
/// Repeating either is harmless.
pub async fn set_support(
    app: &App,
    caller: Caller<'_>,
    proposal_id: &ProposalId,
    support: bool,
) -> Result<bool, AppError> {
    let (p, _) = for_action(app, caller, proposal_id, Action::Support).await?;
    let user = caller.user()?;
    Ok(if support {
        proposals::add_support(app.conn(), &p.id, &user.id, Utc::now()).await?
    } else {
        proposals::remove_support(app.conn(), &p.id, &user.id).await?
    })
}

/// The author withdraws their proposal; it stays readable and takes no new supports.
pub async fn withdraw(app: &App, caller: Caller<'_>, id: &ProposalId) -> Result<(), AppError> {
    let user = caller.user()?;
    let p = proposals::find(app.conn(), id).await?;
    if p.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    if proposals::state_of(&p) == ProposalState::Withdrawn {
        return Err(AppError::ItemClosed(ItemRefusal::Withdrawn));
    }
    let txn = app.begin().await?;
    proposals::withdraw(&txn, id, Utc::now()).await?;
    app.item_changed(&txn, ContentKind::Proposal, id, Change::Updated)
        .await?;
    app.commit(txn).await?;
    tracing::info!(proposal = %id, "proposal withdrawn by its author");
    Ok(())
}

/// An admin answers a proposal officially with a status (standard or the consultation's own).
pub async fn answer(
    app: &App,
    caller: Caller<'_>,
    id: &ProposalId,
    status: &str,
    text: &str,
) -> Result<(), AppError> {
    let admin = caller.require_admin()?;
    let p = proposals::find(app.conn(), id).await?;
    let custom: Vec<String> = proposals::custom_statuses(app.conn(), &p.consultation_id)
        .await?
        .into_iter()
        .map(|s| format!("custom:{}", s.id))
        .collect();
    let text = validate_answer(status, text, &custom)?;
    let now = Utc::now();
    let new = proposals::NewAnswer {
        status_key: status.to_owned(),
        html: markdown_to_safe_html(&text),
        markdown: text,
        answered_by: admin.id.clone(),
    };
    let txn = app.begin().await?;
    proposals::answer(&txn, id, new, now).await?;
    app.item_changed(&txn, ContentKind::Proposal, id, Change::Updated)
        .await?;
    audit::record(
        &txn,
        Some(&admin.id),
        AuditAction::ProposalAnswer,
        ("proposal", id.as_str()),
        status,
        now,
    )
    .await?;
    crate::forwarding::proposal_answered(app, &txn, id.as_str(), &admin.id).await?;
    app.commit(txn).await?;
    Ok(())
}
