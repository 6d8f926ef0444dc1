//! Reports.

use crate::protocol::compat;
use crate::protocol::kind::FlagType;
use crate::protocol::values::{Addressing, OneOrMany, Ref};
use serde::{Deserialize, Serialize};
use url::Url;

/// A report about one or more objects (Mastodon also lists the reported account).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    /// Its id.
    pub id: Url,
    /// `Flag`.
    #[serde(rename = "type")]
    pub kind: FlagType,
    /// Who reports (Mastodon sends its instance actor).
    #[serde(deserialize_with = "compat::required_reference")]
    pub actor: Url,
    /// What is reported.
    #[serde(default)]
    pub object: OneOrMany<Ref>,
    /// The reporter's comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// Recipients.
    #[serde(flatten)]
    pub addressing: Addressing,
}
