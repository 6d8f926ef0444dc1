//! Guides of the national helpdesk: long texts as `Article`s by its `Organization`.

use super::common::Common;
use super::page::Page;
use crate::protocol::kind::{ArticleType, PageKind};
use serde::{Deserialize, Serialize};
use url::Url;

/// A guide: `name` (title), `summary` (plain text), `content` (sanitised HTML), `url`, by the
/// helpdesk's `Organization`, public and copied to its followers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Article {
    /// Its id (also its web page).
    pub id: Url,
    /// `Article`.
    #[serde(rename = "type")]
    pub kind: ArticleType,
    /// Author, title (`name`), body (`content`), addressing, times.
    #[serde(flatten)]
    pub common: Common,
    /// The opening lines, plain text (escaped).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

impl Article {
    /// The same text read as a `Page`, for an `Article` that arrives in a followed
    /// consultation (Lemmy-like software posts long texts so).
    pub fn as_page(&self) -> Page {
        Page {
            id: self.id.clone(),
            kind: PageKind::Article,
            common: self.common.clone(),
            summary: self.summary.clone(),
            status: None,
            official_answer: None,
            supports: None,
        }
    }
}
