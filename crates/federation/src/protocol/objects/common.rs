//! What every piece of content (`Page`, `Note`, `Question`) carries besides its own fields.

use super::tag::Tag;
use crate::protocol::compat;
use crate::protocol::values::{Addressing, OneOrMany};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// The author, texts, link, addressing, tags and times of a `Page`, `Note` or `Question`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Common {
    /// The author (for a poll: the group that asks).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub attributed_to: Option<Url>,
    /// A title, a question, or (in a vote) the option chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The text, HTML (sanitised before it is stored or shown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// `text/html`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Its web page (a string or a `Link`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::href"
    )]
    pub url: Option<Url>,
    /// Recipients and group.
    #[serde(flatten)]
    pub addressing: Addressing,
    /// Hashtags and mentions.
    #[serde(default, skip_serializing_if = "<[Tag]>::is_empty")]
    pub tag: OneOrMany<Tag>,
    /// Published.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::time"
    )]
    pub published: Option<DateTime<Utc>>,
    /// Last changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::time"
    )]
    pub updated: Option<DateTime<Utc>>,
    /// Content warning flag; ours are never sensitive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
}
