//! Content from elsewhere: replies and votes on our items, and copies of the consultations we
//! follow (`Create`, `Update`, `Delete`, and a group's `Announce` of them).

use super::copies::{
    comment_place, ensure_group, published_of, safe_html, store_comment, store_group,
    store_proposal, store_question,
};
use super::resolve::Resolved;
use super::votes::{poll_vote, statement_vote};
use super::{origin, same_origin};
use crate::FederationError;
use crate::actors;
use crate::context::Fed;
use crate::protocol::activities::{Announce, Delete};
use crate::protocol::compat::OtherObject;
use crate::protocol::kind::ActorKind;
use crate::protocol::objects::{ActorDocument, AnyObject};
use crate::protocol::values::IdOr;
use crate::publish;
use crate::signer::{RemoteActor, plain_text};
use chrono::Utc;
use inspraak_db::entity::consultation;
use inspraak_db::remote_content::{self, Found, RemoteComment};
use inspraak_db::{consultations, follows, remote_actors};
use inspraak_domain::comment::CommentState;
use sea_orm::DatabaseTransaction;
use serde_json::Value;
use url::Url;

/// An activity as received, to be passed on exactly so (without its `@context`).
pub fn passed_on(raw: &Value) -> AnyObject {
    AnyObject::Other(OtherObject::verbatim(raw.clone()))
}

/// The `users` row for the author of an object (fetched in [`resolve`]).
async fn author_row(
    txn: &DatabaseTransaction,
    author: &Url,
) -> Result<inspraak_db::entity::user::Model, FederationError> {
    let actor = remote_actors::find(txn, author.as_str())
        .await?
        .ok_or_else(|| FederationError::Invalid(format!("author {author} is unknown")))?;
    Ok(remote_actors::user_for(txn, &actor, Utc::now()).await?)
}

/// `Create` or `Update` sent to us directly; `raw` is the activity as sent.
pub async fn create_or_update(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    object: &IdOr<AnyObject>,
    raw: &Value,
    resolved: &Resolved,
) -> Result<(), FederationError> {
    let object = resolved.object(&actor.id, object)?;
    if let AnyObject::Actor(document) = &object {
        // A profile update, refetched in `resolve`; a followed consultation's new texts.
        if document.kind == ActorKind::Group
            && document.id == actor.id
            && remote_content::find_consultation(txn, actor.id.as_str())
                .await?
                .is_some_and(|c| !c.local)
        {
            store_group(txn, document).await?;
        }
        return Ok(());
    }
    if let AnyObject::Article(article) = &object
        && article.common.addressing.audience.is_none()
    {
        // Not part of a consultation: a guide from a helpdesk we follow, perhaps.
        return crate::helpdesk::guide_received(data, txn, actor, article).await;
    }
    apply(data, txn, &actor.id, &object, passed_on(raw), None).await
}

/// Applies a received object: a vote or reply on our items, or a copy in a followed
/// consultation (`group`, when a group announced it, or the object's `audience`).
/// `passed_on` is what the group announces when the object is a public reply to ours.
async fn apply(
    data: &Fed,
    txn: &DatabaseTransaction,
    sender: &Url,
    object: &AnyObject,
    passed_on: AnyObject,
    group: Option<&consultation::Model>,
) -> Result<(), FederationError> {
    let object_id = object
        .id()
        .ok_or_else(|| FederationError::Invalid("the object has no id".into()))?;
    let author = object.attributed_to().unwrap_or_else(|| sender.clone());
    if !same_origin(&object_id, &author) {
        return Err(FederationError::Forbidden(format!(
            "{object_id} is not on its author's host"
        )));
    }
    let parent = match object.in_reply_to() {
        Some(id) => remote_content::find_by_ap_id(txn, id.as_str()).await?,
        None => None,
    };
    let vote = match object {
        AnyObject::Note(note) => note.vote().zip(note.in_reply_to.as_ref()),
        _ => None,
    };
    // A vote on a conversation statement of ours: its Question offers agree / disagree / pass.
    if let Some((choice, reply_to)) = vote
        && let Some(statement) =
            inspraak_db::conversations::statement_by_ap_id(txn, reply_to.as_str()).await?
        && statement.local
    {
        return statement_vote(data, txn, &statement, &author, choice, &object_id).await;
    }
    // A vote: a Note with a name and no content, answering a poll of ours.
    if let Some(Found::Poll(poll)) = &parent
        && poll.local
        && let Some((choice, _)) = vote
    {
        return poll_vote(data, txn, poll, &author, choice, &object_id).await;
    }
    // Fediverse users cannot vote in a budget: a vote on one of our projects changes nothing.
    if let Some(Found::Project(project)) = &parent
        && vote.is_some()
    {
        super::budgets::ignored("a vote", &author, &url::Url::parse(&project.ap_id)?);
        return Ok(());
    }
    let local_consultation = match &parent {
        Some(Found::Proposal(p)) if p.local => Some(p.consultation_id.clone()),
        Some(Found::Comment(c)) if c.local || group.is_none() => Some(c.consultation_id.clone()),
        Some(Found::Poll(p)) if p.local => Some(p.consultation_id.clone()),
        // Projects are always ours: a reply to one is a comment on it.
        Some(Found::Project(p)) => Some(
            inspraak_db::budgets::find(txn, &p.budget_id)
                .await?
                .budget
                .consultation_id,
        ),
        _ => None,
    };
    if let Some(consultation_id) = local_consultation {
        let c = consultations::find(txn, &consultation_id).await?;
        if c.local {
            let reply = Reply {
                author: &author,
                id: &object_id,
                object,
                passed_on,
            };
            return reply_on_ours(data, txn, &c, reply, parent).await;
        }
    }
    let copy = match group {
        Some(g) => Some(g.clone()),
        None => match object.addressing().audience {
            Some(a) => remote_content::find_consultation(txn, a.as_str())
                .await?
                .filter(|c| !c.local),
            None => None,
        },
    };
    let Some(copy) = copy else {
        tracing::debug!(object = %object_id, "object unrelated to anything here ignored");
        return Ok(());
    };
    if matches!(object, AnyObject::Project(_) | AnyObject::Outcome(_)) {
        // Budgets are voted on at their home; we keep no copies of their projects or outcome.
        tracing::info!(object = %object_id, consultation = %copy.ap_id, "budget project or outcome of a followed consultation not kept");
        return Ok(());
    }
    if let Some(in_reply_to) = object.in_reply_to()
        && parent.is_none()
    {
        // A reply to something we do not keep (a budget project, say): out of its thread it
        // would read as a comment on the consultation itself.
        tracing::info!(object = %object_id, %in_reply_to, "reply to an item we do not keep ignored");
        return Ok(());
    }
    let author_user = author_row(txn, &author).await?;
    match object {
        AnyObject::Page(page) => store_proposal(txn, &copy, author_user.id, page).await,
        AnyObject::Article(article) => {
            store_proposal(txn, &copy, author_user.id, &article.as_page()).await
        }
        AnyObject::Note(note) => {
            store_comment(txn, &copy, author_user.id, note, parent.as_ref()).await
        }
        AnyObject::Question(question) => store_question(txn, &copy, question).await,
        other => {
            tracing::debug!(kind = other.kind(), "unsupported object type ignored");
            Ok(())
        }
    }
}

/// A reply from elsewhere to one of our items.
struct Reply<'a> {
    author: &'a Url,
    id: &'a Url,
    object: &'a AnyObject,
    passed_on: AnyObject,
}

/// A reply from elsewhere to one of our items: a comment under our moderation policy,
/// announced by the consultation's group when it is public.
async fn reply_on_ours(
    data: &Fed,
    txn: &DatabaseTransaction,
    c: &consultation::Model,
    reply: Reply<'_>,
    parent: Option<Found>,
) -> Result<(), FederationError> {
    let existing = remote_content::find_by_ap_id(txn, reply.id.as_str()).await?;
    let author_user = author_row(txn, reply.author).await?;
    if let Some(Found::Comment(existing)) = &existing
        && existing.author_id != author_user.id
    {
        return Err(FederationError::Forbidden(
            "only its author may change a comment".into(),
        ));
    }
    let place = comment_place(parent.as_ref());
    let pending = c.premoderation;
    let saved = remote_content::upsert_comment(
        txn,
        RemoteComment {
            ap_id: reply.id.to_string(),
            consultation_id: c.id.clone(),
            proposal_id: place.proposal_id,
            budget_project_id: place.budget_project_id,
            parent_id: place.parent_id,
            depth: place.depth,
            author_id: author_user.id,
            body_html: safe_html(reply.object.content()),
            state: if pending {
                CommentState::Pending
            } else {
                CommentState::Published
            },
            published_at: published_of(reply.object.published()),
        },
        Utc::now(),
    )
    .await?;
    tracing::info!(comment = %saved.id, author = %reply.author, pending, "reply from the fediverse");
    if !pending && c.published_at.is_some() {
        let host = origin(reply.author);
        publish::announce_received(txn, data, &c.ap_id, reply.passed_on, &host).await?;
    }
    Ok(())
}

/// A `Delete`: of an actor (its follows go), or of a remote object we keep a copy of (only
/// from the object's own host). `passed_on` is what the group announces when a reply to ours
/// is removed.
pub async fn delete(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    delete: &Delete,
    passed_on: AnyObject,
) -> Result<(), FederationError> {
    let object = delete
        .object
        .id()
        .ok_or_else(|| FederationError::Invalid("Delete without an object".into()))?;
    if object == actor.id {
        // An actor is gone: its follows go, and so does our copy when it was a consultation.
        follows::remove_follower(txn, &actor.row.ap_id).await?;
        remote_content::delete_consultation_copy(txn, actor.id.as_str()).await?;
        return Ok(());
    }
    if !same_origin(&object, &actor.id) {
        return Err(FederationError::Forbidden(format!(
            "{} may not delete {object}",
            actor.id
        )));
    }
    if inspraak_db::guides::delete_copy(txn, object.as_str()).await? {
        tracing::info!(guide = %object, "guide removed by its origin");
        return Ok(());
    }
    let found = remote_content::find_by_ap_id(txn, object.as_str()).await?;
    let announce_in = match &found {
        Some(Found::Comment(c)) if !c.local => {
            let consultation = consultations::find(txn, &c.consultation_id).await?;
            consultation.local.then_some(consultation.ap_id)
        }
        _ => None,
    };
    if remote_content::delete_copy(txn, object.as_str()).await?
        && let Some(group) = announce_in
    {
        publish::announce_received(txn, data, &group, passed_on, &actor.row.host).await?;
    }
    Ok(())
}

/// A group (or organization) we follow announces something: a new consultation, or an
/// activity in a consultation. Announces from hosts we do not follow are ignored.
pub async fn announce(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    announce: &Announce,
    raw: &Value,
    resolved: &Resolved,
) -> Result<(), FederationError> {
    if let Some(object) = announce.object.id()
        && super::budgets::ours(txn, data, &object).await?.is_some()
    {
        super::budgets::ignored("an Announce", &actor.id, &object);
        return Ok(());
    }
    if let Some(group) = &resolved.member_group {
        super::deals::member_consultation(data, txn, actor, group).await?;
    }
    let organization = actors::organization_id(&data.base)?;
    if !follows::follows_host(txn, organization.as_str(), &actor.row.host).await? {
        if let Some(group) = &resolved.reuse_notice {
            return reuse_notice(txn, actor, group).await;
        }
        tracing::debug!(actor = %actor.id, "announce from a host we do not follow ignored");
        return Ok(());
    }
    let inner = resolved.object(&actor.id, &announce.object)?;
    match &inner {
        AnyObject::Actor(group) if group.kind == ActorKind::Group => {
            if !same_origin(&group.id, &actor.id) {
                return Err(FederationError::Forbidden("a group of another host".into()));
            }
            store_group(txn, group).await?;
            Ok(())
        }
        AnyObject::Create(_) | AnyObject::Update(_) | AnyObject::Delete(_) => {
            announced_activity(data, txn, actor, inner, resolved).await
        }
        AnyObject::Page(_)
        | AnyObject::Article(_)
        | AnyObject::Note(_)
        | AnyObject::Question(_) => {
            let group = ensure_group(txn, actor, resolved).await?;
            let author = inner.attributed_to().unwrap_or_else(|| actor.id.clone());
            apply(data, txn, &author, &inner, passed_on(raw), Some(&group)).await
        }
        AnyObject::Other(other) if matches!(other.kind(), "Create" | "Update" | "Delete") => Err(
            FederationError::Invalid("announced activity without actor or id".into()),
        ),
        other => {
            tracing::debug!(kind = other.kind(), "announced type ignored");
            Ok(())
        }
    }
}

/// Another instance published a consultation that reuses the process of one of ours: the
/// origin lists it. A notice for an origin that is not one of our consultations is ignored.
async fn reuse_notice(
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    group: &ActorDocument,
) -> Result<(), FederationError> {
    if !same_origin(&group.id, &actor.id) {
        return Err(FederationError::Forbidden("a group of another host".into()));
    }
    let Some(origin) = &group.derived_from else {
        return Ok(());
    };
    let ours = remote_content::find_consultation(txn, origin.as_str())
        .await?
        .is_some_and(|c| c.local);
    if !ours {
        tracing::info!(%origin, copy = %group.id, "reuse notice for an origin that is not ours ignored");
        return Ok(());
    }
    let title = plain_text(group.name.as_deref().unwrap_or_default(), 300);
    let url = group.url.as_ref().unwrap_or(&group.id);
    let new = consultations::record_reuse(
        txn,
        origin.as_str(),
        group.id.as_str(),
        &title,
        url.as_str(),
        Utc::now(),
    )
    .await?;
    tracing::info!(%origin, copy = %group.id, new, "reuse of our process recorded");
    Ok(())
}

/// A `Create`, `Update` or `Delete` a followed group passed on.
async fn announced_activity(
    data: &Fed,
    txn: &DatabaseTransaction,
    group_actor: &RemoteActor,
    inner: AnyObject,
    resolved: &Resolved,
) -> Result<(), FederationError> {
    let (Some(inner_actor), Some(inner_id)) = (inner.actor(), inner.id()) else {
        return Err(FederationError::Invalid(
            "announced activity without actor or id".into(),
        ));
    };
    if !same_origin(&inner_id, &inner_actor) {
        return Err(FederationError::Forbidden(
            "announced activity off its actor's host".into(),
        ));
    }
    let group = ensure_group(txn, group_actor, resolved).await?;
    let object = match &inner {
        AnyObject::Create(a) => &a.object,
        AnyObject::Update(a) => &a.object,
        AnyObject::Delete(removal) => {
            let row = remote_actors::find(txn, inner_actor.as_str())
                .await?
                .ok_or_else(|| FederationError::Invalid("unknown actor".into()))?;
            let sender = RemoteActor {
                id: inner_actor,
                row,
            };
            return delete(data, txn, &sender, removal, inner.clone()).await;
        }
        _ => return Ok(()),
    };
    let object = resolved.object(&inner_actor, object)?;
    apply(
        data,
        txn,
        &inner_actor,
        &object,
        inner.clone(),
        Some(&group),
    )
    .await
}
