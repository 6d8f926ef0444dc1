//! Turns changes to our consultations into activities and stores them in the outbox, with a
//! delivery per remote inbox, through the caller's transaction: if the change is rolled back,
//! so is the activity. The delivery worker sends them afterwards. How an activity is made and
//! stored is [`crate::envelope`]'s; each function here says only what differs.
//!
//! Local items are created by their author's `Person` and announced by the consultation's
//! `Group` (FEP-1b12) to its followers and to the organization's followers. A poll belongs to
//! the group itself, which also sends its `Update` with fresh counts.

use crate::FederationError;
use crate::actors;
use crate::context::FederationData;
use crate::envelope::Outbox;
use crate::protocol::activities::{Accept, Announce, Follow, ObjectActivity, Subject, Undo};
use crate::protocol::kind::{DeleteType, Kind, UpdateType};
use crate::protocol::objects::{ActorDocument, AnyObject, Question};
use crate::protocol::values::{Addressing, IdOr, Ref};
use crate::render;
use inspraak_db::entity::{
    budget, budget_project, comment, consultation, guide, poll, proposal, remote_actor,
};
use inspraak_db::outbox::Target;
use inspraak_db::{budgets, consultations, remote_actors, users};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use serde_json::Value;
use url::Url;

pub use crate::envelope::{Change, target};

/// The delivery target of a remote actor's (shared) inbox, when we know the actor.
async fn inbox_of(
    db: &impl ConnectionTrait,
    actor: &str,
) -> Result<Option<Target>, FederationError> {
    Ok(remote_actors::find(db, actor)
        .await?
        .and_then(|row| target(row.shared_inbox.as_deref().unwrap_or(&row.inbox))))
}

/// The group of a published consultation of ours, or `None` when nothing federates (a draft,
/// another instance's consultation, or an item that is not ours).
fn public_group(
    c: &consultation::Model,
    item_is_local: bool,
) -> Result<Option<Url>, FederationError> {
    if !render::is_public_local(c) || !item_is_local {
        return Ok(None);
    }
    Ok(Some(Url::parse(&c.ap_id)?))
}

/// [`public_group`] of the consultation with this id.
async fn public_group_of(
    db: &impl ConnectionTrait,
    consultation_id: &str,
    item_is_local: bool,
) -> Result<Option<Url>, FederationError> {
    public_group(
        &consultations::find(db, consultation_id).await?,
        item_is_local,
    )
}

/// A proposal was published, changed (edited, answered, withdrawn) or removed.
pub async fn proposal_changed(
    db: &impl ConnectionTrait,
    data: &FederationData,
    p: &proposal::Model,
    change: Change,
) -> Result<(), FederationError> {
    let Some(group) = public_group_of(db, &p.consultation_id, p.local).await? else {
        return Ok(());
    };
    let author = users::find(db, &p.author_id).await?;
    let actor = Url::parse(users::fediverse_author(&author, group.as_str()))?;
    let page = AnyObject::Page(render::page(db, data, p).await?);
    let outbox = Outbox::new(db, data);
    let activity = outbox.item_change(change, &actor, page)?;
    outbox.announce_ours(&group, activity, Vec::new()).await
}

/// A budget project was added (or changed, or removed): staff make projects, so the group
/// itself creates its `Page` and announces the `Create` to its followers and the
/// organization's, as it does for its polls. Nothing federates while the consultation is a
/// draft ([`consultation_projects_published`] catches up when it is published).
pub async fn project_changed(
    db: &impl ConnectionTrait,
    data: &FederationData,
    project: &budget_project::Model,
    change: Change,
) -> Result<(), FederationError> {
    let record = budgets::find(db, &project.budget_id).await?;
    let c = consultations::find(db, &record.budget.consultation_id).await?;
    let Some(group) = public_group(&c, true)? else {
        return Ok(());
    };
    let page = render::project_of_budget(data, &record, &c, project)?;
    let outbox = Outbox::new(db, data);
    let activity = outbox.item_change(change, &group, AnyObject::Project(Box::new(page)))?;
    outbox.announce_ours(&group, activity, Vec::new()).await
}

/// Every project of a consultation's budgets, announced as new: for a consultation that is
/// published after its budgets were set up.
pub async fn consultation_projects_published(
    db: &impl ConnectionTrait,
    data: &FederationData,
    c: &consultation::Model,
) -> Result<(), FederationError> {
    if public_group(c, true)?.is_none() {
        return Ok(());
    }
    for record in budgets::list_for_consultation(db, &c.id).await? {
        for project in &record.projects {
            project_changed(db, data, project, Change::Published).await?;
        }
    }
    Ok(())
}

/// Staff published a budget's outcome: the group announces it, as an `Article` that lists the
/// funded projects per area and names them in `fundedProjects`, to its followers and the
/// organization's. `b` is the budget as stored after the publication; `facts` the outcome.
pub async fn budget_outcome(
    db: &impl ConnectionTrait,
    data: &FederationData,
    b: &budget::Model,
    facts: &crate::budgets::OutcomeFacts,
) -> Result<(), FederationError> {
    let Some(group) = public_group_of(db, &b.consultation_id, true).await? else {
        return Ok(());
    };
    let article = render::budget_outcome(db, b, facts).await?;
    Outbox::new(db, data)
        .announce_in_group(
            &group,
            AnyObject::Outcome(Box::new(article)),
            Vec::new(),
            None,
        )
        .await
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
    let note = render::note(db, comment_row).await?;
    // Whoever is answered gets a copy when they are elsewhere (a Mastodon user, say).
    let mut extra = Vec::new();
    for mentioned in note.mentions() {
        extra.extend(inbox_of(db, mentioned.as_str()).await?);
    }
    let actor = Url::parse(users::fediverse_author(&author, &c.ap_id))?;
    let outbox = Outbox::new(db, data);
    let activity = outbox.item_change(change, &actor, AnyObject::Note(note))?;
    if c.local {
        let group = Url::parse(&c.ap_id)?;
        return outbox.announce_ours(&group, activity, extra).await;
    }
    // Another instance's consultation: send to its group, which announces it to its followers.
    extra.extend(inbox_of(db, &c.ap_id).await?);
    outbox.record(&activity, extra).await?;
    Ok(())
}

/// A group's `Question` changed. Published, it is announced by the group; when its counts
/// changed, the group sends the `Update` itself to its followers and to `voters`. (Questions
/// are never removed through here.)
async fn question_changed(
    outbox: Outbox<'_, impl ConnectionTrait>,
    group: &Url,
    change: Change,
    question: Question,
    voters: Vec<Target>,
) -> Result<(), FederationError> {
    let activity = outbox.item_change(change, group, AnyObject::Question(question))?;
    if change != Change::Updated {
        return outbox.announce_ours(group, activity, Vec::new()).await;
    }
    outbox.to_group_followers(group, &activity, voters).await
}

/// A poll was published (announced by its group) or its counts changed (the group sends an
/// `Update` of the `Question` to followers and to the fediverse voters, as Mastodon expects).
pub async fn poll_changed(
    db: &impl ConnectionTrait,
    data: &FederationData,
    poll_row: &poll::Model,
    change: Change,
) -> Result<(), FederationError> {
    let Some(group) = public_group_of(db, &poll_row.consultation_id, poll_row.local).await? else {
        return Ok(());
    };
    let mut voters = Vec::new();
    for actor in inspraak_db::fediverse::voters(db, &poll_row.id).await? {
        voters.extend(inbox_of(db, &actor).await?);
    }
    let question = render::question(db, poll_row).await?;
    question_changed(Outbox::new(db, data), &group, change, question, voters).await
}

/// A conversation statement became public (announced as a `Question` by the group) or its
/// counts changed after a fediverse vote (`Update` to followers).
pub async fn statement_changed(
    db: &impl ConnectionTrait,
    data: &FederationData,
    s: &inspraak_db::entity::statement::Model,
    change: Change,
) -> Result<(), FederationError> {
    let conversation = inspraak_db::conversations::find(db, &s.conversation_id).await?;
    let Some(group) = public_group_of(db, &conversation.consultation_id, s.local).await? else {
        return Ok(());
    };
    let question = render::statement(db, s).await?;
    question_changed(Outbox::new(db, data), &group, change, question, Vec::new()).await
}

/// A consultation was published: the organization announces its group to its followers (who
/// may then follow the group itself) and to `extra` inboxes: the origin of a reused process
/// learns of its copy this way (the `Group` it fetches names it in `derivedFrom`).
pub async fn consultation_published_to(
    db: &impl ConnectionTrait,
    data: &FederationData,
    c: &consultation::Model,
    extra: Vec<Target>,
) -> Result<(), FederationError> {
    let Some(group) = public_group(c, true)? else {
        return Ok(());
    };
    let organization = actors::organization_id(&data.base)?;
    let outbox = Outbox::new(db, data);
    let public = Addressing::public(&organization)?;
    let announce: Announce = outbox.stamped(&organization, IdOr::Id(group), public)?;
    let mut targets = outbox.followers(&[organization.as_str()]).await?;
    targets.extend(extra);
    outbox.record(&announce, targets).await?;
    Ok(())
}

/// The group of a published consultation of ours tells its followers and the organization's,
/// publicly, about the consultation itself: `object` makes what the activity carries.
async fn about_consultation<K: Kind, O: Subject + Serialize>(
    db: &impl ConnectionTrait,
    data: &FederationData,
    c: &consultation::Model,
    object: impl FnOnce(&Url) -> Result<O, FederationError>,
) -> Result<(), FederationError> {
    let Some(group) = public_group(c, true)? else {
        return Ok(());
    };
    let outbox = Outbox::new(db, data);
    let public = Addressing::public(&group)?;
    let activity: ObjectActivity<K, O> = outbox.stamped(&group, object(&group)?, public)?;
    outbox
        .to_group_followers(&group, &activity, Vec::new())
        .await
}

/// A published consultation's texts changed: its group sends an `Update` of itself to its
/// followers and the organization's. `group` is its current `Group` document.
pub async fn consultation_updated(
    db: &impl ConnectionTrait,
    data: &FederationData,
    c: &consultation::Model,
    group: Value,
) -> Result<(), FederationError> {
    // Embedded, the document goes without its context (a document's context is never read).
    about_consultation::<UpdateType, _>(db, data, c, |_| {
        let document: ActorDocument = serde_json::from_value(group)?;
        Ok(IdOr::Object(Box::new(AnyObject::Actor(Box::new(document)))))
    })
    .await
}

/// A consultation went back to draft: its group tells followers it is gone, so their copies
/// are removed. Call before the change, while it is still published.
pub async fn consultation_withdrawn(
    db: &impl ConnectionTrait,
    data: &FederationData,
    c: &consultation::Model,
) -> Result<(), FederationError> {
    about_consultation::<DeleteType, IdOr<AnyObject>>(db, data, c, |group| {
        Ok(IdOr::Id(group.clone()))
    })
    .await
}

/// Accepts a follow of one of our actors, answering to the follower's inbox.
pub async fn accept_follow(
    db: &impl ConnectionTrait,
    data: &FederationData,
    followed: &Url,
    follow: &Follow,
    follower_inbox: &str,
) -> Result<(), FederationError> {
    let outbox = Outbox::new(db, data);
    let follower = Addressing::direct(&follow.actor);
    let accept: Accept = outbox.activity(
        followed,
        IdOr::Object(Box::new(AnyObject::Follow(follow.clone()))),
        follower,
    )?;
    outbox
        .record(&accept, target(follower_inbox).into_iter().collect())
        .await?;
    Ok(())
}

/// Our organization follows a remote actor (a municipality or a consultation); returns the
/// `Follow` activity's id.
pub async fn follow(
    db: &impl ConnectionTrait,
    data: &FederationData,
    remote: &remote_actor::Model,
) -> Result<String, FederationError> {
    let outbox = Outbox::new(db, data);
    let follow = organization_follow(&outbox, data, remote)?;
    let id = outbox
        .record(&follow, target(&remote.inbox).into_iter().collect())
        .await?;
    Ok(id.to_string())
}

/// Our organization stops following a remote actor.
pub async fn unfollow(
    db: &impl ConnectionTrait,
    data: &FederationData,
    remote: &remote_actor::Model,
    follow_activity_id: &str,
) -> Result<(), FederationError> {
    let outbox = Outbox::new(db, data);
    let mut follow = organization_follow(&outbox, data, remote)?;
    // The follow as it was sent: its own id; no addressing is needed to identify it.
    follow.id = Url::parse(follow_activity_id)?;
    let to = std::mem::take(&mut follow.addressing);
    let undone = IdOr::Object(Box::new(AnyObject::Follow(follow.clone())));
    let undo: Undo = outbox.activity(&follow.actor, undone, to)?;
    outbox
        .record(&undo, target(&remote.inbox).into_iter().collect())
        .await?;
    Ok(())
}

/// The `Follow` of `remote` by our organization, addressed to it.
fn organization_follow(
    outbox: &Outbox<'_, impl ConnectionTrait>,
    data: &FederationData,
    remote: &remote_actor::Model,
) -> Result<Follow, FederationError> {
    let organization = actors::organization_id(&data.base)?;
    let remote = Url::parse(&remote.ap_id)?;
    outbox.activity(
        &organization,
        Ref(remote.clone()),
        Addressing::direct(&remote),
    )
}

/// Announces an activity received from elsewhere (a fediverse reply) to the group's
/// followers, so they see the conversation whole. The activity is embedded as received;
/// receivers on other hosts refetch it from its origin.
pub async fn announce_received(
    db: &impl ConnectionTrait,
    data: &FederationData,
    group: &str,
    activity: AnyObject,
    origin_host: &str,
) -> Result<(), FederationError> {
    Outbox::new(db, data)
        .announce_in_group(&Url::parse(group)?, activity, Vec::new(), Some(origin_host))
        .await
}

/// A guide of ours was published, edited or removed: our organization sends the `Create`,
/// `Update` or `Delete` of its `Article` to the organization's followers.
pub async fn guide_changed(
    db: &impl ConnectionTrait,
    data: &FederationData,
    g: &guide::Model,
    change: Change,
) -> Result<(), FederationError> {
    if !g.local {
        return Ok(());
    }
    let organization = actors::organization_id(&data.base)?;
    let article = AnyObject::Article(render::article(data, g)?);
    let outbox = Outbox::new(db, data);
    let activity = outbox.item_change(change, &organization, article)?;
    let targets = outbox.followers(&[organization.as_str()]).await?;
    outbox.record(&activity, targets).await?;
    Ok(())
}

/// A new follower of our organization gets the same `Announce` of each of our published
/// consultations that is not finished on `today` as followers got when it was published, so
/// it learns of what began before it followed. Returns how many were announced.
pub async fn announce_consultations_to(
    db: &impl ConnectionTrait,
    data: &FederationData,
    follower_inbox: &str,
    today: chrono::NaiveDate,
) -> Result<usize, FederationError> {
    /// Most consultations announced to one new follower.
    const BACKFILL_MAX: u64 = 500;
    let Some(inbox) = target(follower_inbox) else {
        return Ok(0);
    };
    let organization = actors::organization_id(&data.base)?;
    let outbox = Outbox::new(db, data);
    let listed =
        consultations::list(db, consultations::Visibility::Published, BACKFILL_MAX, 0).await?;
    let mut sent = 0;
    for item in listed {
        if item.timeline.state_on(today) == inspraak_domain::PhaseState::Finished {
            continue;
        }
        let Some(group) = public_group(&item.consultation, true)? else {
            continue;
        };
        let public = Addressing::public(&organization)?;
        let announce: Announce = outbox.stamped(&organization, IdOr::Id(group), public)?;
        outbox.record(&announce, vec![inbox.clone()]).await?;
        sent += 1;
    }
    Ok(sent)
}
