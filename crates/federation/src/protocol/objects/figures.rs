//! A municipality's own figures, sent to the province deals it belongs to.

use crate::protocol::compat;
use crate::protocol::kind::StatisticsType;
use crate::protocol::values::Addressing;
use chrono::{DateTime, Utc};
use inspraak_domain::statistics::Statistics;
use serde::{Deserialize, Serialize};
use url::Url;

/// `{"type": "Statistics", "figures": {…}}`: the sender's `/api/v1/statistics`, as it was
/// when sent, attributed to its organization. Only the instance that owns a figure sends it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FiguresReport {
    /// Its id: the sender's statistics document.
    pub id: Url,
    /// `Statistics`.
    #[serde(rename = "type")]
    pub kind: StatisticsType,
    /// The organization whose figures these are.
    #[serde(deserialize_with = "compat::required_reference")]
    pub attributed_to: Url,
    /// When they were counted.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "compat::time"
    )]
    pub published: Option<DateTime<Utc>>,
    /// The figures (a JSON value, `@json` in our context).
    pub figures: Statistics,
    /// To the deals.
    #[serde(flatten)]
    pub addressing: Addressing,
}
