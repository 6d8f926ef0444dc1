//! Proposals, and long texts from elsewhere.

use super::tag::Tag;
use crate::protocol::compat;
use crate::protocol::kind::PageKind;
use crate::protocol::values::{Addressing, OneOrMany};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// A proposal as a `Page` (or an `Article` from elsewhere): Mastodon shows its title, summary
/// and link; Lemmy-like software shows the content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// Its id (also its web page).
    pub id: Url,
    /// `Page` or `Article`.
    #[serde(rename = "type")]
    pub kind: PageKind,
    /// The author.
    #[serde(
        default,
        deserialize_with = "compat::reference",
        skip_serializing_if = "Option::is_none"
    )]
    pub attributed_to: Option<Url>,
    /// The title.
    #[serde(
        default,
        deserialize_with = "compat::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    /// The summary (escaped plain text).
    #[serde(
        default,
        deserialize_with = "compat::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub summary: Option<String>,
    /// The body (HTML; sanitised before it is stored or shown).
    #[serde(
        default,
        deserialize_with = "compat::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub content: Option<String>,
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
    /// Recipients and group.
    #[serde(flatten)]
    pub addressing: Addressing,
    /// Hashtags.
    #[serde(default, skip_serializing_if = "<[Tag]>::is_empty")]
    pub tag: OneOrMany<Tag>,
    /// Published.
    #[serde(
        default,
        deserialize_with = "compat::time",
        skip_serializing_if = "Option::is_none"
    )]
    pub published: Option<DateTime<Utc>>,
    /// Last changed.
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
    /// The official status, in words (`inspraak:status`).
    #[serde(
        default,
        deserialize_with = "compat::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<String>,
    /// The official answer, HTML (`inspraak:officialAnswer`).
    #[serde(
        default,
        deserialize_with = "compat::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub official_answer: Option<String>,
}
