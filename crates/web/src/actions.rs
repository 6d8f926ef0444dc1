//! What participants do, shared by the HTML forms and the JSON API: each function checks the
//! participation rules and the item's state, validates, and stores. Callers only decide how to
//! answer (a redirect and a form, or JSON).

use crate::federate;
use crate::participation::{ConsultationContext, is_staff};
use crate::session::Session;
use crate::{AppState, WebError};
use chrono::Utc;
use inspraak_db::entity::{comment, proposal};
use inspraak_db::{comments, moderation, new_id, polls, proposals};
use inspraak_domain::Problem;
use inspraak_domain::ValidationErrors;
use inspraak_domain::comment::{reply_depth, validate_comment};
use inspraak_domain::moderation::{ContentKind, ReportReason};
use inspraak_domain::participation::Action;
use inspraak_domain::poll::{is_open, validate_ballot};
use inspraak_domain::proposal::{
    ItemRefusal, ProposalInput, ProposalState, open_for_participation,
};
use inspraak_domain::text::markdown_to_safe_html;
use inspraak_federation::publish::{self, Change};

/// Whether the visitor may see this proposal at all (pending ones: staff and author only).
pub fn proposal_visible(p: &proposal::Model, session: &Session) -> bool {
    proposals::state_of(p) != ProposalState::Pending
        || is_staff(session)
        || session.user.as_ref().is_some_and(|u| u.id == p.author_id)
}

/// Whether the visitor may see this comment (pending ones: staff and author only).
pub fn comment_visible(c: &comment::Model, session: &Session) -> bool {
    c.state != comments::state::PENDING
        || is_staff(session)
        || session.user.as_ref().is_some_and(|u| u.id == c.author_id)
}

/// Submits a proposal to a consultation (by id or slug).
pub async fn submit_proposal(
    state: &AppState,
    session: &Session,
    consultation: &str,
    input: ProposalInput,
) -> Result<proposal::Model, WebError> {
    let ctx = ConsultationContext::load(state, session, consultation).await?;
    ctx.check(session, Action::Propose)?;
    let author = session.user()?;
    let fields = input.validate().map_err(WebError::Invalid)?;
    let id = new_id();
    let new = proposals::NewProposal {
        ap_id: state.config.url(&format!("/proposals/{id}")),
        id,
        consultation_id: ctx.id().to_owned(),
        author_id: author.id.clone(),
        body_html: markdown_to_safe_html(&fields.body),
        fields,
        pending: ctx.settings.premoderation,
    };
    let txn = federate::begin(state).await?;
    let created = proposals::create(&txn, new, Utc::now()).await?;
    if !new_pending(&created) {
        publish::proposal_changed(&txn, &state.federation, &created, Change::Published).await?;
    }
    federate::commit(state, txn).await?;
    tracing::info!(proposal = %created.id, author = %author.username, "proposal submitted");
    Ok(created)
}

/// Loads a proposal for an action on it, checking the rules and the proposal's state.
pub async fn proposal_for(
    state: &AppState,
    session: &Session,
    id: &str,
    action: Action,
) -> Result<(proposal::Model, ConsultationContext), WebError> {
    let p = proposals::find(&state.db.conn, id).await?;
    if !proposal_visible(&p, session) {
        return Err(WebError::NotFound("proposal"));
    }
    let ctx = ConsultationContext::load(state, session, &p.consultation_id).await?;
    ctx.check(session, action)?;
    open_for_participation(proposals::state_of(&p), p.hidden_at.is_some())
        .map_err(WebError::ItemClosed)?;
    Ok((p, ctx))
}

/// Supports (`true`) or withdraws support (`false`); returns whether anything changed.
/// Repeating either is harmless.
pub async fn set_support(
    state: &AppState,
    session: &Session,
    proposal_id: &str,
    support: bool,
) -> Result<bool, WebError> {
    let (p, _) = proposal_for(state, session, proposal_id, Action::Support).await?;
    let user = session.user()?;
    Ok(if support {
        proposals::add_support(&state.db.conn, &p.id, &user.id, Utc::now()).await?
    } else {
        proposals::remove_support(&state.db.conn, &p.id, &user.id).await?
    })
}

/// What a comment is written on.
#[derive(Debug, Clone, Copy)]
pub enum CommentOn<'a> {
    /// A consultation (by id or slug).
    Consultation(&'a str),
    /// A proposal (by id).
    Proposal(&'a str),
    /// Another comment (by id): a reply.
    Reply(&'a str),
}

/// A comment that can be answered: visible, and not deleted, hidden or pending, on a proposal
/// that still takes part.
pub async fn answerable(
    state: &AppState,
    session: &Session,
    id: &str,
) -> Result<(comment::Model, ConsultationContext), WebError> {
    let parent = comments::find(&state.db.conn, id).await?;
    if !comment_visible(&parent, session) {
        return Err(WebError::NotFound("comment"));
    }
    let ctx = ConsultationContext::load(state, session, &parent.consultation_id).await?;
    if parent.state == comments::state::DELETED {
        return Err(WebError::ItemClosed(ItemRefusal::Deleted));
    }
    if parent.hidden_at.is_some() {
        return Err(WebError::ItemClosed(ItemRefusal::Hidden));
    }
    if parent.state == comments::state::PENDING {
        return Err(WebError::ItemClosed(ItemRefusal::Pending));
    }
    if let Some(pid) = &parent.proposal_id {
        let p = proposals::find(&state.db.conn, pid).await?;
        open_for_participation(proposals::state_of(&p), p.hidden_at.is_some())
            .map_err(WebError::ItemClosed)?;
    }
    Ok((parent, ctx))
}

/// Writes a comment, a comment on a proposal, or a reply. Threads nest three levels; a reply to
/// the deepest level joins it as a sibling.
pub async fn post_comment(
    state: &AppState,
    session: &Session,
    on: CommentOn<'_>,
    body: &str,
    stance: &str,
) -> Result<comment::Model, WebError> {
    let (ctx, proposal_id, parent_id, depth) = match on {
        CommentOn::Consultation(slug) => (
            ConsultationContext::load(state, session, slug).await?,
            None,
            None,
            0,
        ),
        CommentOn::Proposal(id) => {
            let (p, ctx) = proposal_for(state, session, id, Action::Comment).await?;
            (ctx, Some(p.id), None, 0)
        }
        CommentOn::Reply(id) => {
            let (parent, ctx) = answerable(state, session, id).await?;
            let (parent_id, depth) = match reply_depth(parent.depth) {
                Some(depth) => (parent.id.clone(), depth),
                None => (
                    parent
                        .parent_id
                        .clone()
                        .unwrap_or_else(|| parent.id.clone()),
                    parent.depth,
                ),
            };
            (ctx, parent.proposal_id.clone(), Some(parent_id), depth)
        }
    };
    ctx.check(session, Action::Comment)?;
    let author = session.user()?;
    let valid = validate_comment(body, stance).map_err(WebError::Invalid)?;
    let id = new_id();
    let new = comments::NewComment {
        ap_id: state.config.url(&format!("/comments/{id}")),
        id,
        consultation_id: ctx.id().to_owned(),
        proposal_id,
        parent_id,
        depth,
        author_id: author.id.clone(),
        body_html: markdown_to_safe_html(&valid.body),
        body: valid.body,
        stance: valid.stance,
        pending: ctx.settings.premoderation,
    };
    let txn = federate::begin(state).await?;
    let created = comments::create(&txn, new, Utc::now()).await?;
    if created.state == comments::state::PUBLISHED {
        publish::comment_changed(&txn, &state.federation, &created, Change::Published).await?;
    }
    federate::commit(state, txn).await?;
    Ok(created)
}

/// Whether a new proposal waits for a moderator.
fn new_pending(p: &proposal::Model) -> bool {
    proposals::state_of(p) == ProposalState::Pending
}

/// Casts or changes a ballot; returns the consultation's slug.
pub async fn cast_ballot(
    state: &AppState,
    session: &Session,
    poll_id: &str,
    chosen: &[String],
) -> Result<String, WebError> {
    let item = polls::find(&state.db.conn, poll_id).await?;
    let ctx = ConsultationContext::load(state, session, &item.poll.consultation_id).await?;
    ctx.check(session, Action::Vote)?;
    if !is_open(item.poll.closes_at, Utc::now()) {
        return Err(WebError::ItemClosed(ItemRefusal::Closed));
    }
    let user = session.user()?;
    let option_ids: Vec<String> = item.options.iter().map(|o| o.id.clone()).collect();
    let ballot = validate_ballot(chosen, &option_ids, item.poll.multiple).map_err(|problem| {
        let mut errors = ValidationErrors::new();
        errors.add("option", problem);
        WebError::Invalid(errors)
    })?;
    polls::cast(&state.db.conn, poll_id, &user.id, &ballot, Utc::now()).await?;
    Ok(ctx.item.consultation.slug.clone())
}

/// Checks that the visitor may report this item: it is public, not deleted, and not theirs.
pub async fn check_reportable(
    state: &AppState,
    session: &Session,
    kind: ContentKind,
    id: &str,
) -> Result<(), WebError> {
    let reporter = session.user()?;
    let (author, pending, deleted) = match kind {
        ContentKind::Proposal => {
            let p = proposals::find(&state.db.conn, id).await?;
            let pending = proposals::state_of(&p) == ProposalState::Pending;
            (p.author_id, pending, false)
        }
        ContentKind::Comment => {
            let c = comments::find(&state.db.conn, id).await?;
            (
                c.author_id,
                c.state == comments::state::PENDING,
                c.state == comments::state::DELETED,
            )
        }
    };
    if pending {
        return Err(WebError::NotFound("page"));
    }
    if deleted {
        return Err(WebError::ItemClosed(ItemRefusal::Deleted));
    }
    if author == reporter.id {
        return Err(WebError::BadRequest(
            "you cannot report your own contribution".into(),
        ));
    }
    Ok(())
}

/// Files a report; `hid` tells whether it made the item disappear.
pub async fn file_report(
    state: &AppState,
    session: &Session,
    kind: ContentKind,
    id: &str,
    reason: &str,
    note: &str,
) -> Result<moderation::ReportOutcome, WebError> {
    check_reportable(state, session, kind, id).await?;
    let reporter = session.user()?;
    let mut errors = ValidationErrors::new();
    let reason = reason
        .parse::<ReportReason>()
        .map_err(|p| errors.add("reason", p))
        .ok();
    let note = errors.text("note", note, 0, 1000).to_owned();
    if reason == Some(ReportReason::Other) && note.is_empty() {
        errors.add("note", Problem::Required);
    }
    let (Some(reason), true) = (reason, errors.is_empty()) else {
        return Err(WebError::Invalid(errors));
    };
    let filed = moderation::NewReport {
        kind,
        content_id: id,
        reporter_id: &reporter.id,
        reason,
        note: &note,
    };
    let txn = federate::begin(state).await?;
    let outcome = moderation::report(
        &txn,
        filed,
        state.config.auto_hide_after_reports,
        Utc::now(),
    )
    .await?;
    if outcome.hid {
        federate::item_changed(&txn, state, kind, id, Change::Removed).await?;
    }
    federate::commit(state, txn).await?;
    if outcome.hid {
        tracing::info!(kind = kind.as_str(), %id, "hidden automatically after reports");
        inspraak_db::audit::record(
            &state.db.conn,
            None,
            "moderation.auto_hide",
            (kind.as_str(), id),
            "reports reached the threshold",
            Utc::now(),
        )
        .await?;
    }
    Ok(outcome)
}
