//! Comments, replies and poll votes.

use super::tag::Tag;
use crate::protocol::compat;
use crate::protocol::kind::{NoteType, TagKind};
use crate::protocol::values::{Addressing, OneOrMany};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use url::Url;

/// A comment as a `Note`; from Mastodon also a poll vote (a `name` and no content, in reply to
/// the `Question`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    /// Its id.
    pub id: Url,
    /// `Note`.
    #[serde(rename = "type")]
    pub kind: NoteType,
    /// The author.
    #[serde(
        default,
        deserialize_with = "compat::reference",
        skip_serializing_if = "Option::is_none"
    )]
    pub attributed_to: Option<Url>,
    /// For a vote: the option chosen.
    #[serde(
        default,
        deserialize_with = "compat::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// The text (HTML; sanitised before it is stored or shown).
    #[serde(
        default,
        deserialize_with = "compat::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub content: Option<String>,
    /// The text per language, as Mastodon and Mobilizon also send it; read only through
    /// `content`, which they send as well.
    #[serde(
        default,
        deserialize_with = "compat::lenient",
        skip_serializing_if = "Option::is_none"
    )]
    pub content_map: Option<BTreeMap<String, String>>,
    /// `text/html`.
    #[serde(
        default,
        deserialize_with = "compat::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub media_type: Option<String>,
    /// Its web page.
    #[serde(
        default,
        deserialize_with = "compat::href",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<Url>,
    /// What it answers.
    #[serde(
        default,
        deserialize_with = "compat::reference",
        skip_serializing_if = "Option::is_none"
    )]
    pub in_reply_to: Option<Url>,
    /// Recipients and group.
    #[serde(flatten)]
    pub addressing: Addressing,
    /// Mentions and hashtags.
    #[serde(default, skip_serializing_if = "<[Tag]>::is_empty")]
    pub tag: OneOrMany<Tag>,
    /// Published.
    #[serde(
        default,
        deserialize_with = "compat::time",
        skip_serializing_if = "Option::is_none"
    )]
    pub published: Option<DateTime<Utc>>,
    /// Last edited.
    #[serde(
        default,
        deserialize_with = "compat::time",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated: Option<DateTime<Utc>>,
    /// Content warning flag; ours are never sensitive.
    #[serde(
        default,
        deserialize_with = "compat::flag",
        skip_serializing_if = "Option::is_none"
    )]
    pub sensitive: Option<bool>,
}

impl Note {
    /// The option named, when this is a vote: a name and no text, as Mastodon sends votes.
    pub fn vote(&self) -> Option<&str> {
        let no_text = self.content.as_deref().is_none_or(str::is_empty);
        self.name.as_deref().filter(|_| no_text)
    }

    /// The actors it mentions.
    pub fn mentions(&self) -> impl Iterator<Item = &Url> {
        self.tag
            .iter()
            .filter(|t| t.kind == TagKind::Mention)
            .filter_map(|t| t.href.as_ref())
    }
}
