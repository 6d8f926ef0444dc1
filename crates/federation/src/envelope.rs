//! The one place outgoing activities are made: a fresh id (`/activities/{uuid v7}`), the
//! actor, the addressing (public, the group and its followers), the group's `Announce`
//! around what happens in it (FEP-1b12), our `@context`, and the outbox record with one
//! delivery per remote inbox, in the caller's transaction.

use crate::FederationError;
use crate::actors;
use crate::context::FederationData;
use crate::protocol::activities::{
    Announce, Create, Delete, Head, ObjectActivity, Outbound, Update,
};
use crate::protocol::context::WithContext;
use crate::protocol::kind::Kind;
use crate::protocol::objects::{AnyObject, Tombstone};
use crate::protocol::public;
use crate::protocol::values::{Addressing, IdOr};
use chrono::Utc;
use inspraak_db::follows;
use inspraak_db::outbox::{self, NewActivity, Target};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use std::ops::Deref;
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

/// The followers collection of an actor hosted here.
pub fn followers_of(actor: &Url) -> Result<Url, FederationError> {
    Ok(Url::parse(&format!(
        "{}/followers",
        actor.as_str().trim_end_matches('/')
    ))?)
}

impl Addressing {
    /// Public, copied to `actor`'s followers.
    pub fn public(actor: &Url) -> Result<Self, FederationError> {
        Ok(Self {
            to: vec![public()].into(),
            cc: vec![followers_of(actor)?].into(),
            audience: None,
        })
    }

    /// Public in a consultation: copied to the group's followers, `audience` the group.
    pub fn in_group(group: &Url) -> Result<Self, FederationError> {
        Ok(Self {
            audience: Some(group.clone()),
            ..Self::public(group)?
        })
    }

    /// An object in a consultation: to the public and the group, copied to its followers.
    pub fn object_in_group(group: &Url) -> Result<Self, FederationError> {
        let mut addressing = Self::in_group(group)?;
        addressing.to.0.push(group.clone());
        Ok(addressing)
    }

    /// To one actor only.
    pub fn direct(recipient: &Url) -> Self {
        Self {
            to: vec![recipient.clone()].into(),
            ..Self::default()
        }
    }
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

/// One inbox as a target list (empty for an unusable inbox).
pub fn to_inbox(inbox: &str) -> Vec<Target> {
    target(inbox).into_iter().collect()
}

/// A change to an item as the activity that carries it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ItemActivity {
    /// The item became public.
    Create(Create),
    /// It changed.
    Update(Update),
    /// It is gone.
    Delete(Delete),
}

impl Outbound for ItemActivity {
    fn head(&self) -> Head {
        match self {
            ItemActivity::Create(a) => a.head(),
            ItemActivity::Update(a) => a.head(),
            ItemActivity::Delete(a) => a.head(),
        }
    }
}

impl From<ItemActivity> for AnyObject {
    fn from(activity: ItemActivity) -> Self {
        match activity {
            ItemActivity::Create(a) => AnyObject::Create(a),
            ItemActivity::Update(a) => AnyObject::Update(a),
            ItemActivity::Delete(a) => AnyObject::Delete(a),
        }
    }
}

/// Makes activities on the instance at `base`: fresh ids, actor, addressing. Pure, so what
/// we send can be built and checked without a database.
#[derive(Debug, Clone, Copy)]
pub struct Envelope<'a> {
    base: &'a Url,
}

impl<'a> Envelope<'a> {
    /// Activities of the instance at `base`.
    pub fn new(base: &'a Url) -> Self {
        Self { base }
    }

    /// A new activity with a fresh id on this instance.
    pub fn activity<K: Kind, O>(
        &self,
        actor: &Url,
        object: O,
        addressing: Addressing,
    ) -> Result<ObjectActivity<K, O>, FederationError> {
        let id = activity_id(self.base)?;
        Ok(ObjectActivity::new(id, actor.clone(), object, addressing))
    }

    /// Like [`Envelope::activity`], stamped with the time it is sent.
    pub fn stamped<K: Kind, O>(
        &self,
        actor: &Url,
        object: O,
        addressing: Addressing,
    ) -> Result<ObjectActivity<K, O>, FederationError> {
        let mut activity = self.activity(actor, object, addressing)?;
        activity.published = Some(Utc::now());
        Ok(activity)
    }

    /// The `Create`, `Update` or `Delete` of an item by `actor`, addressed as the item is;
    /// a removed item travels as a bare `Tombstone`.
    pub fn item_change(
        &self,
        change: Change,
        actor: &Url,
        object: AnyObject,
    ) -> Result<ItemActivity, FederationError> {
        let addressing = object.addressing();
        let object = match change {
            Change::Removed => {
                let id = object
                    .id()
                    .ok_or_else(|| FederationError::Invalid("an item without an id".into()))?;
                AnyObject::Tombstone(Tombstone::of(id))
            }
            _ => object,
        };
        let object = IdOr::Object(Box::new(object));
        Ok(match change {
            Change::Published => ItemActivity::Create(self.stamped(actor, object, addressing)?),
            Change::Updated => ItemActivity::Update(self.stamped(actor, object, addressing)?),
            Change::Removed => ItemActivity::Delete(self.stamped(actor, object, addressing)?),
        })
    }

    /// The group passes `inner` on to its followers (FEP-1b12).
    pub fn announce(&self, group: &Url, inner: AnyObject) -> Result<Announce, FederationError> {
        self.stamped(
            group,
            IdOr::Object(Box::new(inner)),
            Addressing::in_group(group)?,
        )
    }
}

/// Makes activities and stores them with their deliveries, through `db` (the caller's
/// transaction).
pub struct Outbox<'a, C> {
    db: &'a C,
    data: &'a FederationData,
    envelope: Envelope<'a>,
}

impl<'a, C> Deref for Outbox<'a, C> {
    type Target = Envelope<'a>;

    fn deref(&self) -> &Envelope<'a> {
        &self.envelope
    }
}

impl<'a, C: ConnectionTrait> Outbox<'a, C> {
    /// An outbox writing through `db`.
    pub fn new(db: &'a C, data: &'a FederationData) -> Self {
        Self {
            db,
            data,
            envelope: Envelope::new(&data.base),
        }
    }

    /// The inboxes of everyone following any of `followed`, each shared inbox once.
    pub async fn followers(&self, followed: &[&str]) -> Result<Vec<Target>, FederationError> {
        Ok(follows::follower_inboxes(self.db, followed)
            .await?
            .iter()
            .filter_map(|i| target(i))
            .collect())
    }

    /// The followers of a consultation's group and of our organization.
    pub async fn group_followers(&self, group: &Url) -> Result<Vec<Target>, FederationError> {
        let organization = actors::organization_id(&self.data.base)?;
        self.followers(&[group.as_str(), organization.as_str()])
            .await
    }

    /// Stores `activity` for the followers of `group` and of the organization, and `extra`.
    pub async fn to_group_followers(
        &self,
        group: &Url,
        activity: &impl Outbound,
        extra: Vec<Target>,
    ) -> Result<(), FederationError> {
        let mut targets = self.group_followers(group).await?;
        targets.extend(extra);
        self.record(activity, targets).await?;
        Ok(())
    }

    /// Stores an activity, with our context, and its deliveries; returns its id.
    pub async fn record(
        &self,
        activity: &impl Outbound,
        mut targets: Vec<Target>,
    ) -> Result<Url, FederationError> {
        targets.sort();
        targets.dedup();
        let head = activity.head();
        let new = NewActivity {
            ap_id: head.id.to_string(),
            kind: head.kind.to_owned(),
            actor: head.actor.to_string(),
            object_id: head.subject.map(String::from),
            data: serde_json::to_string(&WithContext::new(activity))?,
        };
        outbox::record(self.db, new, &targets, Utc::now()).await?;
        Ok(head.id)
    }

    /// The group passes `inner` on to its followers and the organization's, plus `extra`
    /// inboxes, minus those on `except_host` (where `inner` came from).
    pub async fn announce_in_group(
        &self,
        group: &Url,
        inner: AnyObject,
        extra: Vec<Target>,
        except_host: Option<&str>,
    ) -> Result<(), FederationError> {
        let mut targets = self.group_followers(group).await?;
        targets.extend(extra);
        targets.retain(|t| Some(t.host.as_str()) != except_host);
        self.record(&self.announce(group, inner)?, targets).await?;
        Ok(())
    }

    /// Stores one of our item activities on its own, without deliveries, so it can be served
    /// at its id, and has the group announce it.
    pub async fn announce_ours(
        &self,
        group: &Url,
        inner: ItemActivity,
        extra: Vec<Target>,
    ) -> Result<(), FederationError> {
        self.record(&inner, Vec::new()).await?;
        self.announce_in_group(group, inner.into(), extra, None)
            .await
    }
}

/// A fresh activity id on the instance at `base`.
pub fn activity_id(base: &Url) -> Result<Url, FederationError> {
    Ok(Url::parse(&format!(
        "{}/activities/{}",
        base.as_str().trim_end_matches('/'),
        uuid::Uuid::now_v7()
    ))?)
}
