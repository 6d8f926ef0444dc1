//! Reports and what moderation does with them.

use crate::validation::Problem;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Why someone reports an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    /// Advertising or flooding.
    Spam,
    /// Insulting, discriminating or threatening.
    Offensive,
    /// Not about the subject.
    OffTopic,
    /// Something else, explained in the note.
    Other,
}

impl ReportReason {
    /// All reasons, in form order.
    pub const ALL: [ReportReason; 4] = [
        ReportReason::Spam,
        ReportReason::Offensive,
        ReportReason::OffTopic,
        ReportReason::Other,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Spam => "spam",
            ReportReason::Offensive => "offensive",
            ReportReason::OffTopic => "off_topic",
            ReportReason::Other => "other",
        }
    }
}

impl FromStr for ReportReason {
    type Err = Problem;

    fn from_str(s: &str) -> Result<Self, Problem> {
        ReportReason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or(Problem::UnknownChoice)
    }
}

/// The kinds of content that can be reported and hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentKind {
    /// A proposal.
    Proposal,
    /// A comment.
    Comment,
}

impl ContentKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentKind::Proposal => "proposal",
            ContentKind::Comment => "comment",
        }
    }
}

impl FromStr for ContentKind {
    type Err = Problem;

    fn from_str(s: &str) -> Result<Self, Problem> {
        match s {
            "proposal" => Ok(ContentKind::Proposal),
            "comment" => Ok(ContentKind::Comment),
            _ => Err(Problem::UnknownChoice),
        }
    }
}

/// Whether `open_reports` distinct reporters are enough to hide an item until a moderator
/// decides. A threshold of 0 turns automatic hiding off.
pub fn should_auto_hide(open_reports: u64, threshold: u32) -> bool {
    threshold > 0 && open_reports >= u64::from(threshold)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_parse_and_auto_hide_follows_the_threshold() {
        for r in ReportReason::ALL {
            assert_eq!(r.as_str().parse::<ReportReason>(), Ok(r));
        }
        assert!("rude".parse::<ReportReason>().is_err());
        assert!(!should_auto_hide(2, 3));
        assert!(should_auto_hide(3, 3));
        assert!(!should_auto_hide(100, 0));
    }
}
