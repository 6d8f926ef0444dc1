//! Proposals, and long texts from elsewhere.

use super::common::Common;
use crate::protocol::kind::PageKind;
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
    /// Author, title (`name`), body (`content`), addressing, hashtags, times.
    #[serde(flatten)]
    pub common: Common,
    /// The summary (escaped plain text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The official status, in words (`inspraak:status`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The official answer, HTML (`inspraak:officialAnswer`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub official_answer: Option<String>,
    /// How many residents support it (`inspraak:supports`), when the sender counts them.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::protocol::compat::count"
    )]
    pub supports: Option<u64>,
}
