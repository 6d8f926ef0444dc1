//! Content from elsewhere: replies and votes on our items, and copies of the consultations we
//! follow (`Create`, `Update`, `Delete`, and a group's `Announce` of them).

use super::{origin, same_origin};
use crate::FederationError;
use crate::actors;
use crate::context::Fed;
use crate::protocol::activities::{Announce, Delete, InboundActivity};
use crate::protocol::compat::OtherObject;
use crate::protocol::kind::{ActorKind, TagKind};
use crate::protocol::objects::{ActorDocument, AnyObject, Note, Page, Question};
use crate::protocol::values::IdOr;
use crate::publish::{self, Change};
use crate::signer::{RemoteActor, plain_text};
use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use chrono::{DateTime, Utc};
use inspraak_db::entity::consultation;
use inspraak_db::remote_content::{
    self, Found, RemoteComment, RemoteConsultation, RemotePoll, RemoteProposal,
};
use inspraak_db::{comments, consultations, fediverse, follows, polls, remote_actors};
use inspraak_domain::comment::reply_depth;
use inspraak_domain::poll::is_open;
use inspraak_domain::text::sanitize_html;
use sea_orm::DatabaseTransaction;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use url::Url;

/// Longest remote text we keep, in characters.
const MAX_CONTENT: usize = 20_000;

/// Objects fetched before the transaction began: network work (and the storing of the
/// actors it meets, which happens on another connection) is done first, so the transaction
/// holds SQLite's write lock only briefly and never waits on itself.
#[derive(Debug, Default)]
pub struct Resolved {
    objects: HashMap<Url, AnyObject>,
    group: Option<ActorDocument>,
}

impl Resolved {
    /// The object a reference points at: embedded when it comes from `actor`'s own host
    /// (checked in `verify`), otherwise as fetched from its id, never trusted as sent.
    fn object(
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

/// Does the network work an activity needs before it is applied.
pub async fn resolve(
    data: &Fed,
    sender: &RemoteActor,
    activity: &InboundActivity,
) -> Result<Resolved, FederationError> {
    let mut resolved = Resolved::default();
    match activity {
        InboundActivity::Create(a) => {
            resolve_change(data, &mut resolved, &sender.id, &a.object).await?;
        }
        InboundActivity::Update(a) => {
            resolve_change(data, &mut resolved, &sender.id, &a.object).await?;
        }
        InboundActivity::Announce(announce) => {
            let organization = actors::organization_id(&data.base)?;
            if !follows::follows_host(&data.db, organization.as_str(), &sender.row.host).await? {
                return Ok(resolved);
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
                inner @ (AnyObject::Page(_) | AnyObject::Note(_) | AnyObject::Question(_)) => {
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

/// An activity as received, to be passed on exactly so (without its `@context`).
pub fn passed_on(raw: &Value) -> AnyObject {
    AnyObject::Other(OtherObject::verbatim(raw.clone()))
}

/// Sanitised HTML of a remote `content`.
fn safe_html(html: Option<&str>) -> String {
    let html = html.unwrap_or_default();
    sanitize_html(&html.chars().take(MAX_CONTENT).collect::<String>())
}

/// When a remote object says it was published; never in the future.
fn published_of(published: Option<DateTime<Utc>>) -> DateTime<Utc> {
    published
        .filter(|d| *d <= Utc::now())
        .unwrap_or_else(Utc::now)
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
    let local_consultation = match &parent {
        Some(Found::Proposal(p)) if p.local => Some(p.consultation_id.clone()),
        Some(Found::Comment(c)) if c.local || group.is_none() => Some(c.consultation_id.clone()),
        Some(Found::Poll(p)) if p.local => Some(p.consultation_id.clone()),
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
    let author_user = author_row(txn, &author).await?;
    match object {
        AnyObject::Page(page) => store_proposal(txn, &copy, author_user.id, page).await,
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

/// Where a comment sits: its proposal, its parent comment and its depth.
fn comment_place(parent: Option<&Found>) -> (Option<String>, Option<String>, i32) {
    match parent {
        Some(Found::Comment(c)) => (
            c.proposal_id.clone(),
            Some(c.id.clone()),
            reply_depth(c.depth).unwrap_or(c.depth),
        ),
        Some(Found::Proposal(p)) => (Some(p.id.clone()), None, 0),
        _ => (None, None, 0),
    }
}

/// Stores a proposal in a followed consultation.
async fn store_proposal(
    txn: &DatabaseTransaction,
    copy: &consultation::Model,
    author_id: String,
    page: &Page,
) -> Result<(), FederationError> {
    let tags = page
        .common
        .tag
        .iter()
        .filter(|t| t.kind == TagKind::Hashtag)
        .filter_map(|t| t.name.as_deref())
        .map(|n| plain_text(n.trim_start_matches('#'), 40).to_lowercase())
        .take(10)
        .collect();
    let text = |s: &Option<String>, max| plain_text(s.as_deref().unwrap_or_default(), max);
    remote_content::upsert_proposal(
        txn,
        RemoteProposal {
            ap_id: page.id.to_string(),
            consultation_id: copy.id.clone(),
            author_id,
            title: text(&page.common.name, 200),
            summary: text(&page.summary, 500),
            body_html: safe_html(page.common.content.as_deref()),
            tags,
            status_key: page.status.as_deref().map(|s| plain_text(s, 64)),
            answer_html: page.official_answer.as_deref().map(|a| safe_html(Some(a))),
            published_at: published_of(page.common.published),
        },
        Utc::now(),
    )
    .await?;
    Ok(())
}

/// Stores a comment in a followed consultation.
async fn store_comment(
    txn: &DatabaseTransaction,
    copy: &consultation::Model,
    author_id: String,
    note: &Note,
    parent: Option<&Found>,
) -> Result<(), FederationError> {
    let (proposal_id, parent_id, depth) = comment_place(parent);
    remote_content::upsert_comment(
        txn,
        RemoteComment {
            ap_id: note.id.to_string(),
            consultation_id: copy.id.clone(),
            proposal_id,
            parent_id,
            depth,
            author_id,
            body_html: safe_html(note.common.content.as_deref()),
            state: comments::state::PUBLISHED.into(),
            published_at: published_of(note.common.published),
        },
        Utc::now(),
    )
    .await?;
    Ok(())
}

/// A remote poll's counts as we store them.
#[derive(Serialize)]
struct Tally {
    options: Vec<OptionTally>,
    voters: Option<u64>,
}

/// One option's count in a [`Tally`].
#[derive(Serialize)]
struct OptionTally {
    name: String,
    count: u64,
}

/// Stores a remote poll with its counts.
async fn store_question(
    txn: &DatabaseTransaction,
    copy: &consultation::Model,
    question: &Question,
) -> Result<(), FederationError> {
    let (multiple, options) = question.options();
    let name_of = |name: &Option<String>| plain_text(name.as_deref().unwrap_or_default(), 200);
    let tally = Tally {
        options: options
            .iter()
            .take(20)
            .map(|o| OptionTally {
                name: name_of(&o.name),
                count: o.count(),
            })
            .collect(),
        voters: question.voters_count,
    };
    remote_content::upsert_poll(
        txn,
        RemotePoll {
            ap_id: question.id.to_string(),
            consultation_id: copy.id.clone(),
            question: plain_text(question.common.name.as_deref().unwrap_or_default(), 300),
            multiple,
            closes_at: question.end_time,
            options: tally.options.iter().map(|o| o.name.clone()).collect(),
            tally: serde_json::to_string(&tally)?,
            published_at: published_of(question.common.published),
        },
    )
    .await?;
    Ok(())
}

/// A fediverse vote on one of our polls: counted apart, once per account (per option for
/// multiple choice), while the poll is open; the new counts go back out as `Update(Question)`.
async fn poll_vote(
    data: &Fed,
    txn: &DatabaseTransaction,
    poll: &inspraak_db::entity::poll::Model,
    voter: &Url,
    choice: &str,
    vote_id: &Url,
) -> Result<(), FederationError> {
    if !is_open(poll.closes_at, Utc::now()) {
        tracing::info!(poll = %poll.ap_id, voter = %voter, "vote after closing ignored");
        return Ok(());
    }
    let name = choice.trim();
    let with_options = polls::find(txn, &poll.id).await?;
    let Some(option) = with_options.options.iter().find(|o| o.label.trim() == name) else {
        return Err(FederationError::Invalid(format!(
            "no option named {name:?}"
        )));
    };
    if !poll.multiple
        && !fediverse::votes_of(txn, &poll.id, voter.as_str())
            .await?
            .is_empty()
    {
        return Ok(());
    }
    if fediverse::add_vote(
        txn,
        &poll.id,
        &option.id,
        voter.as_str(),
        vote_id.as_str(),
        Utc::now(),
    )
    .await?
    {
        publish::poll_changed(txn, data, poll, Change::Updated).await?;
    }
    Ok(())
}

/// A fediverse vote on a conversation statement: counted apart from residents, once per
/// account; the new counts go back out as `Update(Question)`.
async fn statement_vote(
    data: &Fed,
    txn: &DatabaseTransaction,
    statement: &inspraak_db::entity::statement::Model,
    voter: &Url,
    choice: &str,
    vote_id: &Url,
) -> Result<(), FederationError> {
    let name = choice.trim().to_lowercase();
    let vote = match name.as_str() {
        "eens" | "agree" => 1,
        "oneens" | "disagree" => -1,
        "overslaan" | "pass" => 0,
        _ => {
            return Err(FederationError::Invalid(format!(
                "no option named {name:?}"
            )));
        }
    };
    let new = inspraak_db::conversations::add_fediverse_vote(
        txn,
        &statement.id,
        voter.as_str(),
        vote,
        vote_id.as_str(),
        Utc::now(),
    )
    .await?;
    if new {
        publish::statement_changed(txn, data, statement, Change::Updated).await?;
    }
    Ok(())
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
    let (proposal_id, parent_id, depth) = comment_place(parent.as_ref());
    let pending = c.premoderation;
    let saved = remote_content::upsert_comment(
        txn,
        RemoteComment {
            ap_id: reply.id.to_string(),
            consultation_id: c.id.clone(),
            proposal_id,
            parent_id,
            depth,
            author_id: author_user.id,
            body_html: safe_html(reply.object.content()),
            state: if pending {
                comments::state::PENDING
            } else {
                comments::state::PUBLISHED
            }
            .into(),
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
    let organization = actors::organization_id(&data.base)?;
    if !follows::follows_host(txn, organization.as_str(), &actor.row.host).await? {
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
        AnyObject::Page(_) | AnyObject::Note(_) | AnyObject::Question(_) => {
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

/// The local copy of a followed group, made from its document (fetched in `resolve`).
async fn ensure_group(
    txn: &DatabaseTransaction,
    group: &RemoteActor,
    resolved: &Resolved,
) -> Result<consultation::Model, FederationError> {
    if let Some(copy) = remote_content::find_consultation(txn, group.id.as_str()).await? {
        return Ok(copy);
    }
    let document = resolved
        .group
        .as_ref()
        .ok_or_else(|| FederationError::Invalid("the group could not be fetched".into()))?;
    store_group(txn, document).await
}

/// Stores a remote `Group` as a consultation copy.
async fn store_group(
    txn: &DatabaseTransaction,
    document: &ActorDocument,
) -> Result<consultation::Model, FederationError> {
    let title = plain_text(
        document
            .name
            .as_deref()
            .or(document.preferred_username.as_deref())
            .unwrap_or_default(),
        200,
    );
    Ok(remote_content::upsert_consultation(
        txn,
        RemoteConsultation {
            ap_id: document.id.to_string(),
            title,
            summary: plain_text(document.summary.as_deref().unwrap_or_default(), 1000),
            published_at: published_of(document.published),
        },
        Utc::now(),
    )
    .await?)
}

/// Stores a followed group's consultation copy (used when an admin follows a group).
pub async fn store_followed_group(
    txn: &DatabaseTransaction,
    document: &ActorDocument,
) -> Result<consultation::Model, FederationError> {
    store_group(txn, document).await
}
