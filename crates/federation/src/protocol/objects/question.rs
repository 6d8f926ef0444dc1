//! Polls and conversation statements, the way Mastodon reads polls (FEP-9967).

use super::common::Common;
use crate::protocol::compat;
use crate::protocol::kind::{CollectionType, NoteType, QuestionType};
use crate::protocol::values::OneOrMany;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// A poll as a `Question`: options in `oneOf` (single choice) or `anyOf` (multiple), each a
/// `Note` with its count in `replies.totalItems`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    /// Its id.
    pub id: Url,
    /// `Question`.
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// The group that asks, the question (`name` and `content`), addressing, times.
    #[serde(flatten)]
    pub common: Common,
    /// Distinct voters (`toot:votersCount`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voters_count: Option<u64>,
    /// Single-choice options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_of: Option<OneOrMany<QuestionOption>>,
    /// Multiple-choice options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any_of: Option<OneOrMany<QuestionOption>>,
    /// When it closes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::time"
    )]
    pub end_time: Option<DateTime<Utc>>,
    /// When it closed (Mastodon may also send `true`, read as unknown).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::time"
    )]
    pub closed: Option<DateTime<Utc>>,
    /// For a statement: its conversation.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::id"
    )]
    pub context: Option<Url>,
}

impl Question {
    /// Whether several options may be chosen, and the options. `oneOf` wins when a peer sends
    /// both.
    pub fn options(&self) -> (bool, &[QuestionOption]) {
        match (&self.one_of, &self.any_of) {
            (Some(one), _) => (false, one),
            (None, Some(any)) => (true, any),
            (None, None) => (true, &[]),
        }
    }
}

/// One option of a poll with its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionOption {
    /// `Note`.
    #[serde(rename = "type", default)]
    pub kind: NoteType,
    /// The option's text.
    #[serde(default, deserialize_with = "compat::text")]
    pub name: Option<String>,
    /// Its count.
    #[serde(default, deserialize_with = "compat::lenient")]
    pub replies: Option<Replies>,
}

impl QuestionOption {
    /// An option with its count.
    pub fn new(name: &str, count: u64) -> Self {
        Self {
            kind: NoteType::Note,
            name: Some(name.to_owned()),
            replies: Some(Replies {
                kind: CollectionType::Collection,
                total_items: Some(count),
            }),
        }
    }

    /// Its count, 0 when not given.
    pub fn count(&self) -> u64 {
        self.replies
            .as_ref()
            .and_then(|r| r.total_items)
            .unwrap_or(0)
    }
}

/// The `replies` collection of an option: only its size is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Replies {
    /// `Collection`.
    #[serde(rename = "type", default)]
    pub kind: CollectionType,
    /// How many chose the option.
    #[serde(default, deserialize_with = "compat::count")]
    pub total_items: Option<u64>,
}
