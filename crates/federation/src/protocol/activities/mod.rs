//! Activities: the shape they share, and every one we send or accept.

mod flag;
mod inbound;

pub use flag::Flag;
pub use inbound::{ActivityHead, InboundActivity};

use super::compat;
use super::kind::{
    AcceptType, AnnounceType, CreateType, DeleteType, FollowType, InviteType, JoinType, Kind,
    LeaveType, LikeType, OfferType, RejectType, RemoveType, UndoType, UpdateType,
};
use super::objects::AnyObject;
use super::values::{Addressing, IdOr, Ref};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// An activity by `actor` about one `object`: every activity we handle but `Flag` has this
/// shape, told apart by its type `K` and what its object `O` may be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectActivity<K, O> {
    /// Its id, on the actor's host.
    pub id: Url,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: K,
    /// Who did it.
    #[serde(deserialize_with = "compat::required_reference")]
    pub actor: Url,
    /// What it is about.
    pub object: O,
    /// Recipients and group.
    #[serde(flatten)]
    pub addressing: Addressing,
    /// When it was sent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::time"
    )]
    pub published: Option<DateTime<Utc>>,
    /// Whom an `Offer` is for (ForgeFed's tracker).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub target: Option<Url>,
    /// A note (`Offer`) or a reason (`Reject` of an `Offer`), plain text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::text"
    )]
    pub content: Option<String>,
    /// What accepting an `Offer` made (ForgeFed's `Accept{result}`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub result: Option<Url>,
}

/// A new object.
pub type Create = ObjectActivity<CreateType, IdOr<AnyObject>>;
/// A changed object, or an actor's new profile.
pub type Update = ObjectActivity<UpdateType, IdOr<AnyObject>>;
/// A removed object (a `Tombstone` or its id), or an actor that is gone.
pub type Delete = ObjectActivity<DeleteType, IdOr<AnyObject>>;
/// A group passing on an activity or object (FEP-1b12), or an organization a new group.
pub type Announce = ObjectActivity<AnnounceType, IdOr<AnyObject>>;
/// A follow of an actor.
pub type Follow = ObjectActivity<FollowType, Ref>;
/// A follow or an application to a deal accepted (the `Follow` or `Join`, or its id).
pub type Accept = ObjectActivity<AcceptType, IdOr<AnyObject>>;
/// A follow or an application to a deal refused.
pub type Reject = ObjectActivity<RejectType, IdOr<AnyObject>>;
/// An organization applies to a province deal (Mobilizon's membership request).
pub type Join = ObjectActivity<JoinType, Ref>;
/// A deal invites its members to a joint vote (the `JointVote`, embedded).
pub type Invite = ObjectActivity<InviteType, IdOr<AnyObject>>;
/// An organization leaves a province deal.
pub type Leave = ObjectActivity<LeaveType, Ref>;
/// An organization forwards a proposal (`object`, its `Page`) to another (`target`).
pub type Offer = ObjectActivity<OfferType, Ref>;
/// A follow or like taken back.
pub type Undo = ObjectActivity<UndoType, IdOr<AnyObject>>;
/// A like of an object (Lemmy's upvote too).
pub type Like = ObjectActivity<LikeType, Ref>;

/// What an activity stored in the outbox is about, for its delivery order.
pub trait Subject {
    /// The object finally concerned, when there is one.
    fn subject(&self) -> Option<Url>;
}

impl Subject for Ref {
    fn subject(&self) -> Option<Url> {
        Some(self.0.clone())
    }
}

impl Subject for IdOr<AnyObject> {
    fn subject(&self) -> Option<Url> {
        IdOr::subject(self)
    }
}

/// A deal ends a membership: `object` the member, `target` the deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Remove {
    /// Its id, on the actor's host.
    pub id: Url,
    /// `Remove`.
    #[serde(rename = "type")]
    pub kind: RemoveType,
    /// The deal.
    #[serde(deserialize_with = "compat::required_reference")]
    pub actor: Url,
    /// The member removed.
    pub object: Ref,
    /// What it is removed from.
    pub target: Ref,
    /// Recipients.
    #[serde(flatten)]
    pub addressing: Addressing,
}

impl Outbound for Remove {
    fn head(&self) -> Head {
        Head {
            id: self.id.clone(),
            kind: RemoveType::NAME,
            actor: self.actor.clone(),
            subject: Some(self.target.0.clone()),
        }
    }
}

/// What the outbox records of an activity besides its JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Its id.
    pub id: Url,
    /// Its type's name.
    pub kind: &'static str,
    /// Who sends it (and signs it).
    pub actor: Url,
    /// What it is finally about.
    pub subject: Option<Url>,
}

/// An activity we can send.
pub trait Outbound: Serialize {
    /// Its id, type, actor and subject.
    fn head(&self) -> Head;
}

impl<K: Kind, O: Subject + Serialize> Outbound for ObjectActivity<K, O> {
    fn head(&self) -> Head {
        Head {
            id: self.id.clone(),
            kind: K::NAME,
            actor: self.actor.clone(),
            subject: self.object.subject(),
        }
    }
}

impl<K: Kind, O> ObjectActivity<K, O> {
    /// A new activity with this id, actor, object and addressing.
    pub fn new(id: Url, actor: Url, object: O, addressing: Addressing) -> Self {
        Self {
            id,
            kind: K::default(),
            actor,
            object,
            addressing,
            published: None,
            target: None,
            content: None,
            result: None,
        }
    }
}
