//! Content from elsewhere: replies and votes on our items, and copies of the consultations we
//! follow (`Create`, `Update`, `Delete`, and a group's `Announce` of them).

use super::{id_of, origin, same_origin};
use crate::FederationError;
use crate::actors;
use crate::context::Fed;
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
use serde_json::{Value, json};
use std::collections::HashMap;
use url::Url;

/// Longest remote text we keep, in characters.
const MAX_CONTENT: usize = 20_000;

/// Objects fetched before the transaction began: network work (and the storing of the
/// actors it meets, which happens on another connection) is done first, so the transaction
/// holds SQLite's write lock only briefly and never waits on itself.
#[derive(Debug, Default)]
pub struct Resolved {
    objects: HashMap<String, Value>,
}

impl Resolved {
    /// The object a reference points at: embedded when it comes from `actor`'s own host
    /// (checked in `verify`), otherwise as fetched from its id, never trusted as sent.
    fn object(&self, actor: &Url, value: &Value) -> Result<Value, FederationError> {
        let id = id_of(value).ok_or_else(|| FederationError::Invalid("no object".into()))?;
        if value.is_object() && same_origin(&id, actor) {
            return Ok(value.clone());
        }
        self.objects
            .get(id.as_str())
            .cloned()
            .ok_or_else(|| FederationError::Invalid(format!("{id} could not be fetched")))
    }

    /// Fetches (or takes embedded) the object at `value` and remembers it.
    async fn load(
        &mut self,
        data: &Fed,
        actor: &Url,
        value: &Value,
    ) -> Result<Value, FederationError> {
        if let Ok(found) = self.object(actor, value) {
            return Ok(found);
        }
        let id = id_of(value).ok_or_else(|| FederationError::Invalid("no object".into()))?;
        let fetched = fetch_object_http::<_, Value>(&id, data).await?.object;
        self.objects.insert(id.to_string(), fetched.clone());
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

/// Does the network work an activity needs before it is applied.
pub async fn resolve(
    data: &Fed,
    sender: &RemoteActor,
    kind: &str,
    raw: &Value,
) -> Result<Resolved, FederationError> {
    let mut resolved = Resolved::default();
    match kind {
        "Create" | "Update" => {
            let object = resolved.load(data, &sender.id, &raw["object"]).await?;
            if is_actor_type(&object) {
                if id_of(&object["id"]).as_ref() == Some(&sender.id) {
                    ObjectId::<RemoteActor>::from(sender.id.clone())
                        .dereference_forced(data)
                        .await?;
                }
            } else {
                ensure_actor(data, id_of(&object["attributedTo"])).await?;
            }
        }
        "Announce" => {
            let organization = actors::organization_id(&data.base)?;
            if !follows::follows_host(&data.db, organization.as_str(), &sender.row.host).await? {
                return Ok(resolved);
            }
            let inner = resolved.load(data, &sender.id, &raw["object"]).await?;
            match inner["type"].as_str().unwrap_or_default() {
                "Create" | "Update" => {
                    let inner_actor = id_of(&inner["actor"]);
                    ensure_actor(data, inner_actor.clone()).await?;
                    if let Some(inner_actor) = inner_actor {
                        let object = resolved.load(data, &inner_actor, &inner["object"]).await?;
                        ensure_actor(data, id_of(&object["attributedTo"])).await?;
                    }
                }
                "Delete" => ensure_actor(data, id_of(&inner["actor"])).await?,
                "Page" | "Article" | "Note" | "Question" => {
                    ensure_actor(data, id_of(&inner["attributedTo"])).await?;
                }
                _ => {}
            }
            if remote_content::find_consultation(&data.db, sender.id.as_str())
                .await?
                .is_none()
            {
                let group = fetch_object_http::<_, Value>(&sender.id, data)
                    .await?
                    .object;
                resolved.objects.insert(sender.id.to_string(), group);
            }
        }
        _ => {}
    }
    Ok(resolved)
}

fn is_actor_type(object: &Value) -> bool {
    matches!(
        object["type"].as_str(),
        Some("Person" | "Group" | "Organization" | "Application" | "Service")
    )
}

/// Sanitised HTML of a remote `content`.
fn safe_html(value: &Value) -> String {
    let html = value.as_str().unwrap_or_default();
    sanitize_html(&html.chars().take(MAX_CONTENT).collect::<String>())
}

fn published_of(object: &Value) -> DateTime<Utc> {
    object["published"]
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc))
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

/// `Create` or `Update` sent to us directly.
pub async fn create_or_update(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    raw: &Value,
    resolved: &Resolved,
) -> Result<(), FederationError> {
    let object = resolved.object(&actor.id, &raw["object"])?;
    if is_actor_type(&object) {
        // A profile update, refetched in `resolve`; a followed consultation's new texts.
        if object["type"] == "Group"
            && id_of(&object["id"]).as_ref() == Some(&actor.id)
            && remote_content::find_consultation(txn, actor.id.as_str())
                .await?
                .is_some_and(|c| !c.local)
        {
            store_group(txn, &object).await?;
        }
        return Ok(());
    }
    apply(data, txn, &actor.id, &object, raw, None).await
}

/// Applies a received object: a vote or reply on our items, or a copy in a followed
/// consultation (`group`, when a group announced it, or the object's `audience`).
async fn apply(
    data: &Fed,
    txn: &DatabaseTransaction,
    sender: &Url,
    object: &Value,
    activity: &Value,
    group: Option<&consultation::Model>,
) -> Result<(), FederationError> {
    let object_id = id_of(&object["id"])
        .ok_or_else(|| FederationError::Invalid("the object has no id".into()))?;
    let author = id_of(&object["attributedTo"]).unwrap_or_else(|| sender.clone());
    if !same_origin(&object_id, &author) {
        return Err(FederationError::Forbidden(format!(
            "{object_id} is not on its author's host"
        )));
    }
    let kind = object["type"].as_str().unwrap_or_default();
    let parent = match id_of(&object["inReplyTo"]) {
        Some(id) => remote_content::find_by_ap_id(txn, id.as_str()).await?,
        None => None,
    };
    // A vote on a conversation statement of ours: its Question offers agree / disagree / pass.
    if kind == "Note"
        && object["name"].is_string()
        && object["content"].as_str().is_none_or(str::is_empty)
        && let Some(reply_to) = id_of(&object["inReplyTo"])
        && let Some(statement) =
            inspraak_db::conversations::statement_by_ap_id(txn, reply_to.as_str()).await?
        && statement.local
    {
        return statement_vote(data, txn, &statement, &author, object).await;
    }
    // A vote: a Note with a name and no content, answering a poll of ours.
    if let Some(Found::Poll(poll)) = &parent
        && poll.local
        && kind == "Note"
        && object["name"].is_string()
        && object["content"].as_str().is_none_or(str::is_empty)
    {
        return vote(data, txn, poll, &author, object).await;
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
            return reply_on_ours(data, txn, &c, &author, object, activity, parent).await;
        }
    }
    let copy = match group {
        Some(g) => Some(g.clone()),
        None => match id_of(&object["audience"]) {
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
    match kind {
        "Page" | "Article" => {
            let tags = object["tag"]
                .as_array()
                .map(|tags| {
                    tags.iter()
                        .filter(|t| t["type"] == "Hashtag")
                        .filter_map(|t| t["name"].as_str())
                        .map(|n| plain_text(n.trim_start_matches('#'), 40).to_lowercase())
                        .take(10)
                        .collect()
                })
                .unwrap_or_default();
            remote_content::upsert_proposal(
                txn,
                RemoteProposal {
                    ap_id: object_id.to_string(),
                    consultation_id: copy.id.clone(),
                    author_id: author_user.id,
                    title: plain_text(object["name"].as_str().unwrap_or_default(), 200),
                    summary: plain_text(object["summary"].as_str().unwrap_or_default(), 500),
                    body_html: safe_html(&object["content"]),
                    tags,
                    status_key: object["status"].as_str().map(|s| plain_text(s, 64)),
                    answer_html: object["officialAnswer"]
                        .as_str()
                        .map(|a| safe_html(&json!(a))),
                    published_at: published_of(object),
                },
                Utc::now(),
            )
            .await?;
        }
        "Note" => {
            let (proposal_id, parent_id, depth) = match &parent {
                Some(Found::Comment(c)) => (
                    c.proposal_id.clone(),
                    Some(c.id.clone()),
                    reply_depth(c.depth).unwrap_or(c.depth),
                ),
                Some(Found::Proposal(p)) => (Some(p.id.clone()), None, 0),
                _ => (None, None, 0),
            };
            remote_content::upsert_comment(
                txn,
                RemoteComment {
                    ap_id: object_id.to_string(),
                    consultation_id: copy.id.clone(),
                    proposal_id,
                    parent_id,
                    depth,
                    author_id: author_user.id,
                    body_html: safe_html(&object["content"]),
                    state: comments::state::PUBLISHED.into(),
                    published_at: published_of(object),
                },
                Utc::now(),
            )
            .await?;
        }
        "Question" => {
            store_question(txn, &copy, object).await?;
        }
        other => tracing::debug!(kind = other, "unsupported object type ignored"),
    }
    Ok(())
}

/// Stores a remote poll with its counts.
async fn store_question(
    txn: &DatabaseTransaction,
    copy: &consultation::Model,
    object: &Value,
) -> Result<(), FederationError> {
    let (multiple, options) = match (&object["oneOf"], &object["anyOf"]) {
        (Value::Null, any) => (true, any),
        (one, _) => (false, one),
    };
    // JSON-LD compaction turns a one-element array into the element itself.
    let options: Vec<Value> = match options {
        Value::Array(items) => items.clone(),
        Value::Object(_) => vec![options.clone()],
        _ => Vec::new(),
    };
    let names: Vec<String> = options
        .iter()
        .take(20)
        .map(|o| plain_text(o["name"].as_str().unwrap_or_default(), 200))
        .collect();
    let counts: Vec<Value> = options
        .iter()
        .take(20)
        .map(|o| json!({"name": plain_text(o["name"].as_str().unwrap_or_default(), 200), "count": o["replies"]["totalItems"].as_u64().unwrap_or(0)}))
        .collect();
    let tally = json!({"options": counts, "voters": object["votersCount"].as_u64()});
    let end = object["endTime"]
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|d| d.with_timezone(&Utc));
    remote_content::upsert_poll(
        txn,
        RemotePoll {
            ap_id: id_of(&object["id"])
                .map(|u| u.to_string())
                .unwrap_or_default(),
            consultation_id: copy.id.clone(),
            question: plain_text(object["name"].as_str().unwrap_or_default(), 300),
            multiple,
            closes_at: end,
            options: names,
            tally: tally.to_string(),
            published_at: published_of(object),
        },
    )
    .await?;
    Ok(())
}

/// A fediverse vote on one of our polls: counted apart, once per account (per option for
/// multiple choice), while the poll is open; the new counts go back out as `Update(Question)`.
async fn vote(
    data: &Fed,
    txn: &DatabaseTransaction,
    poll: &inspraak_db::entity::poll::Model,
    voter: &Url,
    object: &Value,
) -> Result<(), FederationError> {
    if !is_open(poll.closes_at, Utc::now()) {
        tracing::info!(poll = %poll.ap_id, voter = %voter, "vote after closing ignored");
        return Ok(());
    }
    let name = object["name"].as_str().unwrap_or_default().trim();
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
    let vote_id = id_of(&object["id"])
        .map(|u| u.to_string())
        .unwrap_or_default();
    if fediverse::add_vote(
        txn,
        &poll.id,
        &option.id,
        voter.as_str(),
        &vote_id,
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
    object: &Value,
) -> Result<(), FederationError> {
    let name = object["name"]
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_lowercase();
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
    let vote_id = id_of(&object["id"])
        .map(|u| u.to_string())
        .unwrap_or_default();
    let new = inspraak_db::conversations::add_fediverse_vote(
        txn,
        &statement.id,
        voter.as_str(),
        vote,
        &vote_id,
        Utc::now(),
    )
    .await?;
    if new {
        publish::statement_changed(txn, data, statement, Change::Updated).await?;
    }
    Ok(())
}

/// A reply from elsewhere to one of our items: a comment under our moderation policy,
/// announced by the consultation's group when it is public.
async fn reply_on_ours(
    data: &Fed,
    txn: &DatabaseTransaction,
    c: &consultation::Model,
    author: &Url,
    object: &Value,
    activity: &Value,
    parent: Option<Found>,
) -> Result<(), FederationError> {
    let object_id = id_of(&object["id"])
        .map(|u| u.to_string())
        .unwrap_or_default();
    let existing = remote_content::find_by_ap_id(txn, &object_id).await?;
    let author_user = author_row(txn, author).await?;
    if let Some(Found::Comment(existing)) = &existing
        && existing.author_id != author_user.id
    {
        return Err(FederationError::Forbidden(
            "only its author may change a comment".into(),
        ));
    }
    let (proposal_id, parent_id, depth) = match &parent {
        Some(Found::Comment(p)) => (
            p.proposal_id.clone(),
            Some(p.id.clone()),
            reply_depth(p.depth).unwrap_or(p.depth),
        ),
        Some(Found::Proposal(p)) => (Some(p.id.clone()), None, 0),
        _ => (None, None, 0),
    };
    let pending = c.premoderation;
    let saved = remote_content::upsert_comment(
        txn,
        RemoteComment {
            ap_id: object_id,
            consultation_id: c.id.clone(),
            proposal_id,
            parent_id,
            depth,
            author_id: author_user.id,
            body_html: safe_html(&object["content"]),
            state: if pending {
                comments::state::PENDING
            } else {
                comments::state::PUBLISHED
            }
            .into(),
            published_at: published_of(object),
        },
        Utc::now(),
    )
    .await?;
    tracing::info!(comment = %saved.id, author = %author, pending, "reply from the fediverse");
    if !pending && c.published_at.is_some() {
        publish::announce_received(txn, data, &c.ap_id, activity.clone(), &origin(author)).await?;
    }
    Ok(())
}

/// A `Delete`: of an actor (its follows go), or of a remote object we keep a copy of (only
/// from the object's own host).
pub async fn delete(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    raw: &Value,
) -> Result<(), FederationError> {
    let object = id_of(&raw["object"])
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
        publish::announce_received(txn, data, &group, raw.clone(), &actor.row.host).await?;
    }
    Ok(())
}

/// A group (or organization) we follow announces something: a new consultation, or an
/// activity in a consultation. Announces from hosts we do not follow are ignored.
pub async fn announce(
    data: &Fed,
    txn: &DatabaseTransaction,
    actor: &RemoteActor,
    raw: &Value,
    resolved: &Resolved,
) -> Result<(), FederationError> {
    let organization = actors::organization_id(&data.base)?;
    if !follows::follows_host(txn, organization.as_str(), &actor.row.host).await? {
        tracing::debug!(actor = %actor.id, "announce from a host we do not follow ignored");
        return Ok(());
    }
    let inner = resolved.object(&actor.id, &raw["object"])?;
    match inner["type"].as_str().unwrap_or_default() {
        "Group" => {
            let group = id_of(&inner["id"])
                .ok_or_else(|| FederationError::Invalid("group without id".into()))?;
            if !same_origin(&group, &actor.id) {
                return Err(FederationError::Forbidden("a group of another host".into()));
            }
            store_group(txn, &inner).await?;
            Ok(())
        }
        "Create" | "Update" | "Delete" => {
            let inner_actor = id_of(&inner["actor"]).ok_or_else(|| {
                FederationError::Invalid("announced activity without actor".into())
            })?;
            let inner_id = id_of(&inner["id"])
                .ok_or_else(|| FederationError::Invalid("announced activity without id".into()))?;
            if !same_origin(&inner_id, &inner_actor) {
                return Err(FederationError::Forbidden(
                    "announced activity off its actor's host".into(),
                ));
            }
            let group = ensure_group(txn, actor, resolved).await?;
            if inner["type"] == "Delete" {
                let row = remote_actors::find(txn, inner_actor.as_str())
                    .await?
                    .ok_or_else(|| FederationError::Invalid("unknown actor".into()))?;
                let sender = RemoteActor {
                    id: inner_actor,
                    row,
                };
                return delete(data, txn, &sender, &inner).await;
            }
            let object = resolved.object(&inner_actor, &inner["object"])?;
            apply(data, txn, &inner_actor, &object, &inner, Some(&group)).await
        }
        "Page" | "Article" | "Note" | "Question" => {
            let group = ensure_group(txn, actor, resolved).await?;
            let author = id_of(&inner["attributedTo"]).unwrap_or_else(|| actor.id.clone());
            apply(data, txn, &author, &inner, raw, Some(&group)).await
        }
        other => {
            tracing::debug!(kind = other, "announced type ignored");
            Ok(())
        }
    }
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
        .objects
        .get(group.id.as_str())
        .ok_or_else(|| FederationError::Invalid("the group could not be fetched".into()))?;
    store_group(txn, document).await
}

/// Stores a remote `Group` as a consultation copy.
async fn store_group(
    txn: &DatabaseTransaction,
    document: &Value,
) -> Result<consultation::Model, FederationError> {
    let id = id_of(&document["id"])
        .ok_or_else(|| FederationError::Invalid("group without id".into()))?;
    let title = plain_text(
        document["name"]
            .as_str()
            .or(document["preferredUsername"].as_str())
            .unwrap_or_default(),
        200,
    );
    Ok(remote_content::upsert_consultation(
        txn,
        RemoteConsultation {
            ap_id: id.to_string(),
            title,
            summary: plain_text(document["summary"].as_str().unwrap_or_default(), 1000),
            published_at: published_of(document),
        },
        Utc::now(),
    )
    .await?)
}

/// Stores a followed group's consultation copy (used when an admin follows a group).
pub async fn store_followed_group(
    txn: &DatabaseTransaction,
    document: &Value,
) -> Result<consultation::Model, FederationError> {
    store_group(txn, document).await
}
