//! Entries of `tag`: hashtags and mentions.

use crate::protocol::compat;
use crate::protocol::kind::TagKind;
use serde::{Deserialize, Serialize};
use url::Url;

/// A hashtag, a mention, or something else we ignore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// What kind of tag.
    #[serde(rename = "type")]
    pub kind: TagKind,
    /// `#word` or `@name@host`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The topic's page, or the mentioned actor.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub href: Option<Url>,
}

impl Tag {
    /// A hashtag linking to its page.
    pub fn hashtag(name: &str, href: Url) -> Self {
        Self {
            kind: TagKind::Hashtag,
            name: Some(format!("#{name}")),
            href: Some(href),
        }
    }

    /// A mention of an actor.
    pub fn mention(actor: Url) -> Self {
        Self {
            kind: TagKind::Mention,
            name: None,
            href: Some(actor),
        }
    }
}
