//! Proposals by residents, their supports, and the municipality's official answers.

use crate::validation::{Problem, ValidationErrors};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Longest proposal title.
pub const TITLE_MAX: usize = 150;
/// Longest proposal summary.
pub const SUMMARY_MAX: usize = 500;
/// Longest proposal body.
pub const BODY_MAX: usize = 20_000;
/// Most tags on one proposal.
pub const TAGS_MAX: usize = 5;
/// Longest tag.
pub const TAG_MAX: usize = 30;
/// Longest official answer.
pub const ANSWER_MAX: usize = 10_000;

/// What a resident submits.
#[derive(Debug, Clone, Default)]
pub struct ProposalInput {
    /// Title.
    pub title: String,
    /// One or two sentences.
    pub summary: String,
    /// Markdown body, may be empty.
    pub body: String,
    /// Themes or areas, comma-separated as typed.
    pub tags: String,
}

/// A proposal that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProposal {
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Markdown body.
    pub body: String,
    /// Normalised tags: trimmed, lowercase, unique, in typed order.
    pub tags: Vec<String>,
}

impl ProposalInput {
    /// Checks every field and reports all problems at once.
    pub fn validate(&self) -> Result<ValidProposal, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = errors.text("title", &self.title, 5, TITLE_MAX).to_owned();
        let summary = errors
            .text("summary", &self.summary, 1, SUMMARY_MAX)
            .to_owned();
        let body = errors.text("body", &self.body, 0, BODY_MAX).to_owned();
        let tags = parse_tags(&self.tags, &mut errors);
        errors.into_result()?;
        Ok(ValidProposal {
            title,
            summary,
            body,
            tags,
        })
    }
}

/// Splits typed tags on commas; each becomes a lowercase word of letters, digits, spaces or
/// hyphens.
pub fn parse_tags(typed: &str, errors: &mut ValidationErrors) -> Vec<String> {
    parse_tags_of("tags", typed, errors)
}

/// [`parse_tags`] for another field (a consultation's `themes`).
pub fn parse_tags_of(field: &str, typed: &str, errors: &mut ValidationErrors) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for raw in typed.split(',') {
        let tag = raw.trim().trim_start_matches('#').to_lowercase();
        if tag.is_empty() || tags.contains(&tag) {
            continue;
        }
        if tag.chars().count() > TAG_MAX {
            errors.add(field, Problem::TooLong { max: TAG_MAX });
            return Vec::new();
        }
        if !tag
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
        {
            errors.add(field, Problem::InvalidSlug);
            return Vec::new();
        }
        tags.push(tag);
    }
    if tags.len() > TAGS_MAX {
        errors.add(field, Problem::TooLong { max: TAGS_MAX });
        return Vec::new();
    }
    tags
}

/// Where a proposal stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    /// Waiting for a moderator (pre-moderated consultations).
    Pending,
    /// Public.
    Published,
    /// Withdrawn by its author; stays readable, takes no new supports.
    Withdrawn,
}

impl ProposalState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalState::Pending => "pending",
            ProposalState::Published => "published",
            ProposalState::Withdrawn => "withdrawn",
        }
    }
}

impl FromStr for ProposalState {
    type Err = Problem;

    fn from_str(s: &str) -> Result<Self, Problem> {
        match s {
            "pending" => Ok(ProposalState::Pending),
            "published" => Ok(ProposalState::Published),
            "withdrawn" => Ok(ProposalState::Withdrawn),
            _ => Err(Problem::UnknownChoice),
        }
    }
}

/// Why a proposal cannot take (or give back) a support right now, apart from the phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ItemRefusal {
    /// Withdrawn by its author.
    #[error("the proposal was withdrawn")]
    Withdrawn,
    /// Hidden by moderation.
    #[error("the item is hidden by moderation")]
    Hidden,
    /// Not yet approved by a moderator.
    #[error("the item awaits moderation")]
    Pending,
    /// The poll has closed.
    #[error("the poll has closed")]
    Closed,
    /// Deleted by its author.
    #[error("the item was deleted")]
    Deleted,
    /// Voting still runs: a budget's outcome and ballots are public once it has ended.
    #[error("voting has not ended yet")]
    VotingOpen,
}

impl ItemRefusal {
    /// Stable code for the API and translations.
    pub fn code(self) -> &'static str {
        match self {
            ItemRefusal::Withdrawn => "withdrawn",
            ItemRefusal::Hidden => "hidden",
            ItemRefusal::Pending => "pending",
            ItemRefusal::Closed => "closed",
            ItemRefusal::Deleted => "deleted",
            ItemRefusal::VotingOpen => "voting_open",
        }
    }
}

/// Whether a proposal in `state`, `hidden` or not, can be supported, answered or commented.
pub fn open_for_participation(state: ProposalState, hidden: bool) -> Result<(), ItemRefusal> {
    match (state, hidden) {
        (_, true) => Err(ItemRefusal::Hidden),
        (ProposalState::Pending, _) => Err(ItemRefusal::Pending),
        (ProposalState::Withdrawn, _) => Err(ItemRefusal::Withdrawn),
        (ProposalState::Published, false) => Ok(()),
    }
}

/// Support for a proposal against the consultation's threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SupportProgress {
    /// Supports by verified residents.
    pub count: u64,
    /// The threshold; 0 means the consultation sets none.
    pub threshold: u64,
}

impl SupportProgress {
    /// Whole percent of the threshold reached, at most 100 (0 without a threshold).
    pub fn percent(&self) -> u64 {
        (self.count.saturating_mul(100))
            .checked_div(self.threshold)
            .map_or(0, |p| p.min(100))
    }

    /// Whether the threshold is reached.
    pub fn reached(&self) -> bool {
        self.threshold > 0 && self.count >= self.threshold
    }
}

/// The municipality's standard answers; consultations may add their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    /// Being looked at.
    UnderConsideration,
    /// Will be done.
    Accepted,
    /// Will not be done.
    Rejected,
    /// Done.
    Implemented,
}

impl AnswerStatus {
    /// The built-in statuses.
    pub const ALL: [AnswerStatus; 4] = [
        AnswerStatus::UnderConsideration,
        AnswerStatus::Accepted,
        AnswerStatus::Rejected,
        AnswerStatus::Implemented,
    ];

    /// The stored key.
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerStatus::UnderConsideration => "under_consideration",
            AnswerStatus::Accepted => "accepted",
            AnswerStatus::Rejected => "rejected",
            AnswerStatus::Implemented => "implemented",
        }
    }

    /// The built-in status with this key, if any (custom statuses are `custom:<id>`).
    pub fn from_key(key: &str) -> Option<AnswerStatus> {
        AnswerStatus::ALL.into_iter().find(|s| s.as_str() == key)
    }
}

/// Checks an official answer: a status key and a text.
pub fn validate_answer(
    status_key: &str,
    text: &str,
    custom_keys: &[String],
) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    if AnswerStatus::from_key(status_key).is_none() && !custom_keys.iter().any(|k| k == status_key)
    {
        errors.add("status", Problem::UnknownChoice);
    }
    let text = errors.text("answer", text, 1, ANSWER_MAX).to_owned();
    errors.into_result()?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposals_are_checked_and_tags_normalised() {
        let valid = ProposalInput {
            title: " Meer bankjes ".into(),
            summary: "Om te zitten".into(),
            body: String::new(),
            tags: "Groen, #Centrum, groen, ,oost-wijk".into(),
        }
        .validate()
        .expect("valid");
        assert_eq!(valid.title, "Meer bankjes");
        assert_eq!(valid.tags, ["groen", "centrum", "oost-wijk"]);

        let errors = ProposalInput {
            title: "kort".into(),
            summary: String::new(),
            body: String::new(),
            tags: "a,b,c,d,e,f".into(),
        }
        .validate()
        .expect_err("invalid");
        assert_eq!(
            errors.for_field("title"),
            Some(&Problem::TooShort { min: 5 })
        );
        assert_eq!(errors.for_field("summary"), Some(&Problem::Required));
        assert_eq!(
            errors.for_field("tags"),
            Some(&Problem::TooLong { max: TAGS_MAX })
        );
        let mut errors = ValidationErrors::new();
        parse_tags("<script>", &mut errors);
        assert_eq!(errors.for_field("tags"), Some(&Problem::InvalidSlug));
    }

    #[test]
    fn only_published_visible_proposals_take_part() {
        assert_eq!(
            open_for_participation(ProposalState::Published, false),
            Ok(())
        );
        assert_eq!(
            open_for_participation(ProposalState::Published, true),
            Err(ItemRefusal::Hidden)
        );
        assert_eq!(
            open_for_participation(ProposalState::Withdrawn, false),
            Err(ItemRefusal::Withdrawn)
        );
        assert_eq!(
            open_for_participation(ProposalState::Pending, false),
            Err(ItemRefusal::Pending)
        );
    }

    #[test]
    fn progress_is_capped_and_needs_a_threshold() {
        assert_eq!(
            SupportProgress {
                count: 30,
                threshold: 50
            }
            .percent(),
            60
        );
        assert_eq!(
            SupportProgress {
                count: 80,
                threshold: 50
            }
            .percent(),
            100
        );
        assert!(
            SupportProgress {
                count: 50,
                threshold: 50
            }
            .reached()
        );
        assert!(
            !SupportProgress {
                count: 50,
                threshold: 0
            }
            .reached()
        );
        assert_eq!(
            SupportProgress {
                count: 5,
                threshold: 0
            }
            .percent(),
            0
        );
    }

    #[test]
    fn answers_need_a_known_status_and_a_text() {
        assert!(validate_answer("accepted", "Wij gaan dit doen.", &[]).is_ok());
        assert!(validate_answer("custom:abc", "Naar de raad.", &["custom:abc".into()]).is_ok());
        let errors = validate_answer("maybe", "", &[]).expect_err("invalid");
        assert_eq!(errors.for_field("status"), Some(&Problem::UnknownChoice));
        assert_eq!(errors.for_field("answer"), Some(&Problem::Required));
    }
}
