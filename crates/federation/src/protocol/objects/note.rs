//! Comments, replies and poll votes.

use super::common::Common;
use crate::protocol::compat;
use crate::protocol::kind::{NoteType, TagKind};
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
    /// Author, text, addressing, mentions, times.
    #[serde(flatten)]
    pub common: Common,
    /// What it answers.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub in_reply_to: Option<Url>,
    /// The text per language, as Mastodon and Mobilizon also send it; only `content`, which
    /// they send as well, is read.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::lenient"
    )]
    pub content_map: Option<BTreeMap<String, String>>,
}

impl Note {
    /// The option named, when this is a vote: a name and no text, as Mastodon sends votes.
    pub fn vote(&self) -> Option<&str> {
        let no_text = self.common.content.as_deref().is_none_or(str::is_empty);
        self.common.name.as_deref().filter(|_| no_text)
    }

    /// The actors it mentions.
    pub fn mentions(&self) -> impl Iterator<Item = &Url> {
        self.common
            .tag
            .iter()
            .filter(|t| t.kind == TagKind::Mention)
            .filter_map(|t| t.href.as_ref())
    }
}
