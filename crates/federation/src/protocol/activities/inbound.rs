//! Every activity an inbox accepts, read once by its `type`.

use super::{
    Accept, Announce, Create, Delete, Flag, Follow, Invite, Join, Leave, Like, Offer, Reject,
    Remove, Undo, Update,
};
use crate::protocol::compat;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

/// An activity as it arrives. Types we do not handle are [`InboundActivity::Unknown`]: they
/// are answered 202 and ignored.
#[derive(Debug, Clone, PartialEq)]
pub enum InboundActivity {
    /// A new object.
    Create(Create),
    /// A changed object or actor.
    Update(Update),
    /// A removed object or actor.
    Delete(Delete),
    /// A group passing something on.
    Announce(Announce),
    /// A follow of one of our actors.
    Follow(Follow),
    /// Our follow accepted.
    Accept(Accept),
    /// Our follow refused.
    Reject(Reject),
    /// A follow or like taken back.
    Undo(Undo),
    /// A like.
    Like(Like),
    /// A report.
    Flag(Flag),
    /// An application to one of our deals.
    Join(Join),
    /// A member leaving one of our deals.
    Leave(Leave),
    /// A deal ending our membership.
    Remove(Remove),
    /// A deal inviting us to a joint vote.
    Invite(Invite),
    /// A proposal forwarded to our organization.
    Offer(Offer),
    /// Anything else (`Dislike`, `Move`, `Block`, …), by its type name.
    Unknown(String),
}

impl InboundActivity {
    /// Reads an activity by its `type`. A known type that cannot be read is an error (the
    /// inbox answers 400); an unknown type is not.
    pub fn from_value(value: &Value) -> Result<Self, serde_json::Error> {
        Ok(match compat::kind_of(value).unwrap_or_default() {
            "Create" => Self::Create(Create::deserialize(value)?),
            "Update" => Self::Update(Update::deserialize(value)?),
            "Delete" => Self::Delete(Delete::deserialize(value)?),
            "Announce" => Self::Announce(Announce::deserialize(value)?),
            "Follow" => Self::Follow(Follow::deserialize(value)?),
            "Accept" => Self::Accept(Accept::deserialize(value)?),
            "Reject" => Self::Reject(Reject::deserialize(value)?),
            "Undo" => Self::Undo(Undo::deserialize(value)?),
            "Like" => Self::Like(Like::deserialize(value)?),
            "Flag" => Self::Flag(Flag::deserialize(value)?),
            "Join" => Self::Join(Join::deserialize(value)?),
            "Leave" => Self::Leave(Leave::deserialize(value)?),
            "Remove" => Self::Remove(Remove::deserialize(value)?),
            "Invite" => Self::Invite(Invite::deserialize(value)?),
            "Offer" => Self::Offer(Offer::deserialize(value)?),
            other => Self::Unknown(other.to_owned()),
        })
    }

    /// The type's name.
    pub fn kind(&self) -> &str {
        match self {
            Self::Create(_) => "Create",
            Self::Update(_) => "Update",
            Self::Delete(_) => "Delete",
            Self::Announce(_) => "Announce",
            Self::Follow(_) => "Follow",
            Self::Accept(_) => "Accept",
            Self::Reject(_) => "Reject",
            Self::Undo(_) => "Undo",
            Self::Like(_) => "Like",
            Self::Flag(_) => "Flag",
            Self::Join(_) => "Join",
            Self::Leave(_) => "Leave",
            Self::Remove(_) => "Remove",
            Self::Invite(_) => "Invite",
            Self::Offer(_) => "Offer",
            Self::Unknown(kind) => kind,
        }
    }
}

impl<'de> Deserialize<'de> for InboundActivity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::from_value(&Value::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// What every activity must have before anything else is checked: an id, an actor and a type.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ActivityHead {
    /// Its id.
    #[serde(default, deserialize_with = "compat::id")]
    pub id: Option<Url>,
    /// Who sent it.
    #[serde(default, deserialize_with = "compat::id")]
    pub actor: Option<Url>,
    /// Its type.
    #[serde(rename = "type", default, deserialize_with = "compat::text")]
    pub kind: Option<String>,
}
