//! Collections we serve only as a count (followers, outboxes): who follows whom is not
//! published, but how many is.

use crate::protocol::kind::OrderedCollectionType;
use serde::{Deserialize, Serialize};
use url::Url;

/// An `OrderedCollection` with its size and no items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionSummary {
    /// The collection's id.
    pub id: Url,
    /// Always `OrderedCollection`.
    #[serde(rename = "type")]
    pub kind: OrderedCollectionType,
    /// How many items it has.
    pub total_items: u64,
}

impl CollectionSummary {
    /// A collection of `total` items at `id`.
    pub fn new(id: Url, total: u64) -> Self {
        Self {
            id,
            kind: OrderedCollectionType::OrderedCollection,
            total_items: total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_has_the_shape_mastodon_reads() {
        let id = Url::parse("https://gemeente.example/organization/followers").expect("url");
        let text = serde_json::to_string(&CollectionSummary::new(id, 3)).expect("json");
        assert_eq!(
            text,
            r#"{"id":"https://gemeente.example/organization/followers","type":"OrderedCollection","totalItems":3}"#
        );
    }
}
