//! Comments: writing (on a consultation, a proposal or a budget project), replying, editing
//! within the window, and deleting one's own.

use crate::participation::{ConsultationContext, comment_visible};
use crate::{App, AppError, Caller, Change};
use chrono::Utc;
use inspraak_db::entity::comment;
use inspraak_db::{budgets, comments, new_id, proposals};
use inspraak_domain::comment::{CommentState, reply_depth, validate_comment, within_edit_window};
use inspraak_domain::ids::{CommentId, ProposalId};
use inspraak_domain::moderation::ContentKind;
use inspraak_domain::participation::Action;
use inspraak_domain::proposal::{ItemRefusal, open_for_participation};
use inspraak_domain::text::markdown_to_safe_html;
use inspraak_federation::publish;

/// What a comment is written on.
#[derive(Debug, Clone, Copy)]
pub enum CommentOn<'a> {
    /// A consultation (by id or slug).
    Consultation(&'a str),
    /// A proposal.
    Proposal(&'a ProposalId),
    /// A budget project (by id).
    Project(&'a str),
    /// Another comment: a reply.
    Reply(&'a CommentId),
}

/// A comment that can be answered: visible, and not deleted, hidden or pending, on a proposal
/// that still takes part.
pub async fn answerable(
    app: &App,
    caller: Caller<'_>,
    id: &CommentId,
) -> Result<(comment::Model, ConsultationContext), AppError> {
    let parent = comments::find(app.conn(), id).await?;
    if !comment_visible(&parent, caller) {
        return Err(AppError::NotFound("comment"));
    }
    let ctx = ConsultationContext::load(app, caller, &parent.consultation_id).await?;
    match comments::state_of(&parent) {
        CommentState::Deleted => return Err(AppError::ItemClosed(ItemRefusal::Deleted)),
        _ if parent.hidden_at.is_some() => return Err(AppError::ItemClosed(ItemRefusal::Hidden)),
        CommentState::Pending => return Err(AppError::ItemClosed(ItemRefusal::Pending)),
        CommentState::Published => {}
    }
    if let Some(pid) = &parent.proposal_id {
        let p = proposals::find(app.conn(), pid).await?;
        open_for_participation(proposals::state_of(&p), p.hidden_at.is_some())
            .map_err(AppError::ItemClosed)?;
    }
    Ok((parent, ctx))
}

/// Writes a comment, a comment on a proposal or a budget project, or a reply. Threads nest
/// three levels; a reply to the deepest level joins it as a sibling.
pub async fn post(
    app: &App,
    caller: Caller<'_>,
    on: CommentOn<'_>,
    body: &str,
    stance: &str,
) -> Result<comment::Model, AppError> {
    let (ctx, proposal_id, project_id, parent_id, depth) = match on {
        CommentOn::Consultation(slug) => (
            ConsultationContext::load(app, caller, slug).await?,
            None,
            None,
            None,
            0,
        ),
        CommentOn::Proposal(id) => {
            let (p, ctx) = crate::proposals::for_action(app, caller, id, Action::Comment).await?;
            (ctx, Some(p.id), None, None, 0)
        }
        CommentOn::Project(id) => {
            let project = budgets::find_project(app.conn(), id).await?;
            let budget = budgets::find(app.conn(), &project.budget_id).await?.budget;
            let ctx = ConsultationContext::load(app, caller, &budget.consultation_id).await?;
            (ctx, None, Some(project.id), None, 0)
        }
        CommentOn::Reply(id) => {
            let (parent, ctx) = answerable(app, caller, id).await?;
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
            (
                ctx,
                parent.proposal_id.clone(),
                parent.budget_project_id.clone(),
                Some(parent_id),
                depth,
            )
        }
    };
    ctx.check(caller, Action::Comment)?;
    let author = caller.user()?;
    let valid = validate_comment(body, stance)?;
    let id = new_id();
    let new = comments::NewComment {
        ap_id: app.url(&format!("/comments/{id}")),
        id,
        consultation_id: ctx.id().to_owned(),
        proposal_id,
        budget_project_id: project_id,
        parent_id,
        depth,
        author_id: author.id.clone(),
        body_html: markdown_to_safe_html(&valid.body),
        body: valid.body,
        stance: valid.stance,
        pending: ctx.settings.premoderation,
    };
    let txn = app.begin().await?;
    let created = comments::create(&txn, new, Utc::now()).await?;
    if comments::state_of(&created) == CommentState::Published {
        publish::comment_changed(&txn, &app.federation, &created, Change::Published).await?;
    }
    app.commit(txn).await?;
    Ok(created)
}

/// The caller's own comment, still within its edit window.
pub async fn own_editable(
    app: &App,
    caller: Caller<'_>,
    id: &CommentId,
) -> Result<comment::Model, AppError> {
    let user = caller.user()?;
    let c = comments::find(app.conn(), id).await?;
    if c.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    if comments::state_of(&c) == CommentState::Deleted {
        return Err(AppError::ItemClosed(ItemRefusal::Deleted));
    }
    if !within_edit_window(c.created_at, Utc::now()) {
        return Err(AppError::ItemClosed(ItemRefusal::Closed));
    }
    Ok(c)
}

/// The author edits their comment within the edit window.
pub async fn edit(
    app: &App,
    caller: Caller<'_>,
    id: &CommentId,
    body: &str,
    stance: &str,
) -> Result<(), AppError> {
    own_editable(app, caller, id).await?;
    let valid = validate_comment(body, stance)?;
    let html = markdown_to_safe_html(&valid.body);
    let txn = app.begin().await?;
    comments::edit(&txn, id, valid.body, html, valid.stance, Utc::now()).await?;
    app.item_changed(&txn, ContentKind::Comment, id, Change::Updated)
        .await?;
    app.commit(txn).await?;
    Ok(())
}

/// The author deletes their comment (a placeholder stays when it has replies).
pub async fn delete(app: &App, caller: Caller<'_>, id: &CommentId) -> Result<(), AppError> {
    let user = caller.user()?;
    let c = comments::find(app.conn(), id).await?;
    if c.author_id != user.id {
        return Err(AppError::Forbidden);
    }
    let txn = app.begin().await?;
    // Published first: the row may be gone after the delete.
    app.item_changed(&txn, ContentKind::Comment, id, Change::Removed)
        .await?;
    comments::delete_by_author(&txn, id, Utc::now()).await?;
    app.commit(txn).await?;
    Ok(())
}
