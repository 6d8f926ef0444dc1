//! Turns changes to our consultations into activities and stores them in the outbox, with a
//! delivery per remote inbox, through the caller's transaction: if the change is rolled back,
//! so is the activity. The delivery worker sends them afterwards.
//!
//! Local items are created by their author's `Person` and announced by the consultation's
//! `Group` (FEP-1b12) to its followers and to the organization's followers. A poll belongs to
//! the group itself, which also sends its `Update` with fresh counts.

use crate::FederationError;
use crate::actors;
use crate::context::FederationData;
use crate::objects::{self, Audience, PUBLIC};
use crate::render;
use chrono::Utc;
use inspraak_db::entity::{comment, consultation, poll, proposal};
use inspraak_db::outbox::{self, NewActivity, Target};
use inspraak_db::{consultations, follows, remote_actors, users};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use url::Url;

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// It became public (new, approved, or shown again).
    Published,
    /// Its text or status changed.
    Updated,
    /// It was deleted or hidden.
    Removed,
}

/// A fresh activity id on this instance.
fn new_activity_id(data: &FederationData) -> String {
    data.url(&format!("/activities/{}", uuid::Uuid::now_v7()))
}

/// The delivery target for an inbox URL, or `None` for an unusable one.
pub fn target(inbox: &str) -> Option<Target> {
    let url = Url::parse(inbox).ok()?;
    url.host_str()?;
    Some(Target {
        inbox: inbox.to_owned(),
        host: crate::discovery::handle_host(&url),
    })
}

/// The inboxes of everyone following any of `followed`, each shared inbox once.
async fn followers_of(
    db: &impl ConnectionTrait,
    followed: &[&str],
) -> Result<Vec<Target>, FederationError> {
    Ok(follows::follower_inboxes(db, followed)
        .await?
        .iter()
        .filter_map(|i| target(i))
        .collect())
}

/// What an activity is finally about: the object inside any announced activity. Deliveries
/// about the same subject are never sent to one host at the same time, so they keep their
/// order (a `Create` arrives before its `Delete`).
fn subject(activity: &Value) -> Option<String> {
    let mut object = &activity["object"];
    while let Value::Object(inner) = object {
        let is_activity = matches!(
            inner.get("type").and_then(Value::as_str),
            Some("Create" | "Update" | "Delete" | "Announce" | "Undo" | "Accept")
        );
        if !is_activity {
            break;
        }
        object = &object["object"];
    }
    match object {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// Stores an activity and its deliveries; returns its id.
pub async fn record(
    db: &impl ConnectionTrait,
    activity: Value,
    mut targets: Vec<Target>,
) -> Result<String, FederationError> {
    targets.sort();
    targets.dedup();
    let id = activity["id"].as_str().unwrap_or_default().to_owned();
    let object_id = subject(&activity);
    let new = NewActivity {
        ap_id: id.clone(),
        kind: activity["type"].as_str().unwrap_or("Activity").to_owned(),
        actor: activity["actor"].as_str().unwrap_or_default().to_owned(),
        object_id,
        data: serde_json::to_string(&objects::with_context(activity))?,
    };
    outbox::record(db, new, &targets, Utc::now()).await?;
    Ok(id)
}

/// Wraps an activity in the group's `Announce` and stores both: the inner one without
/// deliveries (it is served at its id), the announce to the group's and organization's
/// followers plus any `extra` inboxes.
async fn announce_in_group(
    db: &impl ConnectionTrait,
    data: &FederationData,
    group: &str,
    inner: Value,
    extra: Vec<Target>,
) -> Result<(), FederationError> {
    record(db, inner.clone(), Vec::new()).await?;
    let organization = actors::organization_id(&data.base)?;
    let mut targets = followers_of(db, &[group, organization.as_str()]).await?;
    targets.extend(extra);
    let audience = Audience::of_group(group);
    let announce = json!({
        "id": new_activity_id(data),
        "type": "Announce",
        "actor": group,
        "object": inner,
        "to": [PUBLIC],
        "cc": [audience.followers],
        "audience": group,
        "published": Utc::now(),
    });
    record(db, announce, targets).await?;
    Ok(())
}

/// The activity for a change to an object by `actor`.
fn activity_for(data: &FederationData, change: Change, actor: &str, object: Value) -> Value {
    let kind = match change {
        Change::Published => "Create",
        Change::Updated => "Update",
        Change::Removed => "Delete",
    };
    let to = object["to"].clone();
    let cc = object["cc"].clone();
    let audience = object["audience"].clone();
    let object = if change == Change::Removed {
        json!({"id": object["id"], "type": "Tombstone"})
    } else {
        object
    };
    json!({
        "id": new_activity_id(data),
        "type": kind,
        "actor": actor,
        "object": object,
        "to": to,
        "cc": cc,
        "audience": audience,
        "published": Utc::now(),
    })
}

/// A proposal was published, changed (edited, answered, withdrawn) or removed.
pub async fn proposal_changed(
    db: &impl ConnectionTrait,
    data: &FederationData,
    p: &proposal::Model,
    change: Change,
) -> Result<(), FederationError> {
    let c = consultations::find(db, &p.consultation_id).await?;
    if !render::is_public_local(&c) || !p.local {
        return Ok(());
    }
    let author = users::find(db, &p.author_id).await?;
    let page = render::proposal_page(db, data, p).await?;
    let actor = users::fediverse_author(&author, &c.ap_id);
    let activity = activity_for(data, change, actor, page);
    announce_in_group(db, data, &c.ap_id, activity, Vec::new()).await
}

/// A comment was published, edited or removed. Comments by our residents on another
/// instance's consultation go to that consultation's group, which announces them there.
pub async fn comment_changed(
    db: &impl ConnectionTrait,
    data: &FederationData,
    comment_row: &comment::Model,
    change: Change,
) -> Result<(), FederationError> {
    if !comment_row.local {
        return Ok(());
    }
    let c = consultations::find(db, &comment_row.consultation_id).await?;
    if c.published_at.is_none() {
        return Ok(());
    }
    let author = users::find(db, &comment_row.author_id).await?;
    if !c.local && !author.fediverse_visible {
        // Only a resident who appears by name can speak on another instance's consultation.
        return Ok(());
    }
    let note = render::comment_note(db, comment_row).await?;
    let mut extra = Vec::new();
    // Whoever is answered gets a copy when they are elsewhere (a Mastodon user, say).
    if let Some(parent_author) = note["cc"]
        .as_array()
        .and_then(|cc| cc.get(1))
        .and_then(Value::as_str)
        && let Some(actor) = remote_actors::find(db, parent_author).await?
    {
        extra.extend(target(
            actor.shared_inbox.as_deref().unwrap_or(&actor.inbox),
        ));
    }
    let activity = activity_for(
        data,
        change,
        users::fediverse_author(&author, &c.ap_id),
        note,
    );
    if c.local {
        return announce_in_group(db, data, &c.ap_id, activity, extra).await;
    }
    // Another instance's consultation: send to its group, which announces it to its followers.
    if let Some(group) = remote_actors::find(db, &c.ap_id).await? {
        extra.extend(target(
            group.shared_inbox.as_deref().unwrap_or(&group.inbox),
        ));
    }
    record(db, activity, extra).await?;
    Ok(())
}

/// The inboxes of fediverse accounts that voted in a poll.
async fn voter_inboxes(
    db: &impl ConnectionTrait,
    poll_id: &str,
) -> Result<Vec<Target>, FederationError> {
    let mut targets = Vec::new();
    for actor in inspraak_db::fediverse::voters(db, poll_id).await? {
        if let Some(row) = remote_actors::find(db, &actor).await? {
            targets.extend(target(row.shared_inbox.as_deref().unwrap_or(&row.inbox)));
        }
    }
    Ok(targets)
}

/// A poll was published (announced by its group) or its counts changed (the group sends an
/// `Update` of the `Question` to followers and to the fediverse voters, as Mastodon expects).
pub async fn poll_changed(
    db: &impl ConnectionTrait,
    data: &FederationData,
    poll_row: &poll::Model,
    change: Change,
) -> Result<(), FederationError> {
    let c = consultations::find(db, &poll_row.consultation_id).await?;
    if !render::is_public_local(&c) || !poll_row.local {
        return Ok(());
    }
    let question = render::poll_question(db, poll_row).await?;
    let activity = activity_for(data, change, &c.ap_id, question);
    if change == Change::Published {
        return announce_in_group(db, data, &c.ap_id, activity, Vec::new()).await;
    }
    let organization = actors::organization_id(&data.base)?;
    let mut targets = followers_of(db, &[c.ap_id.as_str(), organization.as_str()]).await?;
    targets.extend(voter_inboxes(db, &poll_row.id).await?);
    record(db, activity, targets).await?;
    Ok(())
}

/// A consultation was published: the organization announces its group to its followers, who
/// may then follow the group itself.
pub async fn consultation_published(
    db: &impl ConnectionTrait,
    data: &FederationData,
    c: &consultation::Model,
) -> Result<(), FederationError> {
    if !render::is_public_local(c) {
        return Ok(());
    }
    let organization = actors::organization_id(&data.base)?;
    let targets = followers_of(db, &[organization.as_str()]).await?;
    let announce = json!({
        "id": new_activity_id(data),
        "type": "Announce",
        "actor": organization,
        "object": c.ap_id,
        "to": [PUBLIC],
        "cc": [format!("{organization}/followers")],
        "published": Utc::now(),
    });
    record(db, announce, targets).await?;
    Ok(())
}

/// Accepts a follow of one of our actors, answering to the follower's inbox.
pub async fn accept_follow(
    db: &impl ConnectionTrait,
    data: &FederationData,
    followed: &str,
    follow: &Value,
    follower_inbox: &str,
) -> Result<(), FederationError> {
    let accept = json!({
        "id": new_activity_id(data),
        "type": "Accept",
        "actor": followed,
        "object": follow,
        "to": [follow["actor"]],
    });
    record(db, accept, target(follower_inbox).into_iter().collect()).await?;
    Ok(())
}

/// Our organization follows a remote actor (a municipality or a consultation); returns the
/// `Follow` activity's id.
pub async fn follow(
    db: &impl ConnectionTrait,
    data: &FederationData,
    remote: &inspraak_db::entity::remote_actor::Model,
) -> Result<String, FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let activity = json!({
        "id": new_activity_id(data),
        "type": "Follow",
        "actor": organization,
        "object": remote.ap_id,
        "to": [remote.ap_id],
    });
    record(db, activity, target(&remote.inbox).into_iter().collect()).await
}

/// Our organization stops following a remote actor.
pub async fn unfollow(
    db: &impl ConnectionTrait,
    data: &FederationData,
    remote: &inspraak_db::entity::remote_actor::Model,
    follow_activity_id: &str,
) -> Result<(), FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let activity = json!({
        "id": new_activity_id(data),
        "type": "Undo",
        "actor": organization,
        "object": {
            "id": follow_activity_id,
            "type": "Follow",
            "actor": organization,
            "object": remote.ap_id,
        },
        "to": [remote.ap_id],
    });
    record(db, activity, target(&remote.inbox).into_iter().collect()).await?;
    Ok(())
}

/// Announces an activity received from elsewhere (a fediverse reply) to the group's
/// followers, so they see the conversation whole. The activity is embedded as received;
/// receivers on other hosts refetch it from its origin.
pub async fn announce_received(
    db: &impl ConnectionTrait,
    data: &FederationData,
    group: &str,
    activity: Value,
    origin_host: &str,
) -> Result<(), FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let targets: Vec<Target> = followers_of(db, &[group, organization.as_str()])
        .await?
        .into_iter()
        .filter(|t| t.host != origin_host)
        .collect();
    let mut activity = activity;
    if let Value::Object(map) = &mut activity {
        map.remove("@context");
    }
    let announce = json!({
        "id": new_activity_id(data),
        "type": "Announce",
        "actor": group,
        "object": activity,
        "to": [PUBLIC],
        "cc": [Audience::of_group(group).followers],
        "audience": group,
        "published": Utc::now(),
    });
    record(db, announce, targets).await?;
    Ok(())
}

/// A published consultation's texts changed: its group sends an `Update` of itself to its
/// followers and the organization's. `group` is its current `Group` document.
pub async fn consultation_updated(
    db: &impl ConnectionTrait,
    data: &FederationData,
    c: &consultation::Model,
    group: Value,
) -> Result<(), FederationError> {
    if !render::is_public_local(c) {
        return Ok(());
    }
    let organization = actors::organization_id(&data.base)?;
    let targets = followers_of(db, &[c.ap_id.as_str(), organization.as_str()]).await?;
    let mut group = group;
    if let Value::Object(map) = &mut group {
        map.remove("@context");
    }
    let update = json!({
        "id": new_activity_id(data),
        "type": "Update",
        "actor": c.ap_id,
        "object": group,
        "to": [PUBLIC],
        "cc": [Audience::of_group(&c.ap_id).followers],
        "published": Utc::now(),
    });
    record(db, update, targets).await?;
    Ok(())
}

/// A consultation went back to draft: its group tells followers it is gone, so their copies
/// are removed. Call before the change, while it is still published.
pub async fn consultation_withdrawn(
    db: &impl ConnectionTrait,
    data: &FederationData,
    c: &consultation::Model,
) -> Result<(), FederationError> {
    if !render::is_public_local(c) {
        return Ok(());
    }
    let organization = actors::organization_id(&data.base)?;
    let targets = followers_of(db, &[c.ap_id.as_str(), organization.as_str()]).await?;
    let delete = json!({
        "id": new_activity_id(data),
        "type": "Delete",
        "actor": c.ap_id,
        "object": c.ap_id,
        "to": [PUBLIC],
        "cc": [Audience::of_group(&c.ap_id).followers],
    });
    record(db, delete, targets).await?;
    Ok(())
}

/// A conversation statement became public (announced as a `Question` by the group) or its
/// counts changed after a fediverse vote (`Update` to followers and the fediverse voters).
pub async fn statement_changed(
    db: &impl ConnectionTrait,
    data: &FederationData,
    s: &inspraak_db::entity::statement::Model,
    change: Change,
) -> Result<(), FederationError> {
    let conversation = inspraak_db::conversations::find(db, &s.conversation_id).await?;
    let c = consultations::find(db, &conversation.consultation_id).await?;
    if !render::is_public_local(&c) || !s.local {
        return Ok(());
    }
    let question = render::statement_question(db, s).await?;
    let activity = activity_for(data, change, &c.ap_id, question);
    if change != Change::Updated {
        return announce_in_group(db, data, &c.ap_id, activity, Vec::new()).await;
    }
    let organization = actors::organization_id(&data.base)?;
    let targets = followers_of(db, &[c.ap_id.as_str(), organization.as_str()]).await?;
    record(db, activity, targets).await?;
    Ok(())
}
