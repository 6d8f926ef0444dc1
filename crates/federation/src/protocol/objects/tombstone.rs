//! What stands where something was removed.

use crate::protocol::compat;
use crate::protocol::kind::TombstoneType;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use url::Url;

/// A removed object: in a `Delete`, and served with 410 Gone at the object's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    /// The removed object's id.
    pub id: Url,
    /// `Tombstone`.
    #[serde(rename = "type")]
    pub kind: TombstoneType,
    /// What it was (`Page`, `Note`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub former_type: Option<String>,
    /// When it was removed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::time"
    )]
    pub deleted: Option<DateTime<Utc>>,
}

impl Tombstone {
    /// Only the id, as a `Delete` carries it.
    pub fn of(id: Url) -> Self {
        Self {
            id,
            kind: TombstoneType::Tombstone,
            former_type: None,
            deleted: None,
        }
    }
}
