//! Polls: single or multiple choice, an optional closing time, results live or after closing.

use crate::validation::{Problem, ValidationErrors};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest question.
pub const QUESTION_MAX: usize = 300;
/// Longest option.
pub const OPTION_MAX: usize = 200;
/// Most options.
pub const OPTIONS_MAX: usize = 20;

/// When results are shown to the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultsVisibility {
    /// While voting runs.
    Live,
    /// Only once the poll has closed (the cautious default).
    #[default]
    AfterClosing,
}

impl ResultsVisibility {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ResultsVisibility::Live => "live",
            ResultsVisibility::AfterClosing => "after_closing",
        }
    }

    /// Parses the stored name; unknown means the cautious choice.
    pub fn parse(s: &str) -> Self {
        if s == "live" {
            ResultsVisibility::Live
        } else {
            ResultsVisibility::AfterClosing
        }
    }
}

/// What staff submit for a poll.
#[derive(Debug, Clone, Default)]
pub struct PollInput {
    /// The question.
    pub question: String,
    /// Options, one per line as typed.
    pub options: String,
    /// More than one option may be chosen.
    pub multiple: bool,
    /// When it closes, if ever.
    pub closes_at: Option<DateTime<Utc>>,
    /// When results show.
    pub results: ResultsVisibility,
}

/// A checked poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPoll {
    /// The question.
    pub question: String,
    /// The options, trimmed, unique.
    pub options: Vec<String>,
    /// Multiple choice.
    pub multiple: bool,
    /// Closing time.
    pub closes_at: Option<DateTime<Utc>>,
    /// Results visibility.
    pub results: ResultsVisibility,
}

impl PollInput {
    /// Checks the poll; `now` refuses a closing time in the past.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<ValidPoll, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let question = errors
            .text("question", &self.question, 3, QUESTION_MAX)
            .to_owned();
        let mut options: Vec<String> = Vec::new();
        for line in self
            .options
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            if line.chars().count() > OPTION_MAX {
                errors.add("options", Problem::TooLong { max: OPTION_MAX });
                break;
            }
            if !options.iter().any(|o| o == line) {
                options.push(line.to_owned());
            }
        }
        if options.len() < 2 {
            errors.add("options", Problem::TooShort { min: 2 });
        } else if options.len() > OPTIONS_MAX {
            errors.add("options", Problem::TooLong { max: OPTIONS_MAX });
        }
        if self.closes_at.is_some_and(|at| at <= now) {
            errors.add("closes_at", Problem::EndBeforeStart);
        }
        errors.into_result()?;
        Ok(ValidPoll {
            question,
            options,
            multiple: self.multiple,
            closes_at: self.closes_at,
            results: self.results,
        })
    }
}

/// Whether a poll closing at `closes_at` still takes ballots at `now`.
pub fn is_open(closes_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    closes_at.is_none_or(|at| now < at)
}

/// Whether results may be shown: staff always see them; the public per the poll's setting.
pub fn results_visible(
    visibility: ResultsVisibility,
    closes_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    staff: bool,
) -> bool {
    staff || visibility == ResultsVisibility::Live || !is_open(closes_at, now)
}

/// Checks a ballot: the chosen option ids must belong to the poll, one for single choice, at
/// least one for multiple choice. Returns them without duplicates.
pub fn validate_ballot(
    chosen: &[String],
    poll_options: &[String],
    multiple: bool,
) -> Result<Vec<String>, Problem> {
    let mut unique: Vec<String> = Vec::new();
    for id in chosen {
        if !poll_options.contains(id) {
            return Err(Problem::UnknownChoice);
        }
        if !unique.contains(id) {
            unique.push(id.clone());
        }
    }
    match (unique.len(), multiple) {
        (0, _) => Err(Problem::Required),
        (1, false) | (_, true) => Ok(unique),
        (_, false) => Err(Problem::TooLong { max: 1 }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn polls_need_a_question_and_two_distinct_options() {
        let now = Utc::now();
        let poll = PollInput {
            question: "Welk plan?".into(),
            options: "A\n\n B \nA\n".into(),
            ..Default::default()
        }
        .validate(now)
        .expect("valid");
        assert_eq!(poll.options, ["A", "B"]);
        let errors = PollInput {
            question: "?".into(),
            options: "A".into(),
            closes_at: Some(now - Duration::hours(1)),
            ..Default::default()
        }
        .validate(now)
        .expect_err("invalid");
        assert_eq!(
            errors.for_field("question"),
            Some(&Problem::TooShort { min: 3 })
        );
        assert_eq!(
            errors.for_field("options"),
            Some(&Problem::TooShort { min: 2 })
        );
        assert_eq!(
            errors.for_field("closes_at"),
            Some(&Problem::EndBeforeStart)
        );
    }

    #[test]
    fn ballots_fit_the_poll() {
        let options = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
        assert_eq!(
            validate_ballot(&["b".into()], &options, false),
            Ok(vec!["b".into()])
        );
        assert_eq!(
            validate_ballot(&["a".into(), "b".into()], &options, false),
            Err(Problem::TooLong { max: 1 })
        );
        assert_eq!(
            validate_ballot(&["a".into(), "c".into(), "a".into()], &options, true),
            Ok(vec!["a".into(), "c".into()])
        );
        assert_eq!(validate_ballot(&[], &options, true), Err(Problem::Required));
        assert_eq!(
            validate_ballot(&["z".into()], &options, true),
            Err(Problem::UnknownChoice)
        );
    }

    #[test]
    fn closing_and_visibility() {
        let now = Utc::now();
        let later = Some(now + Duration::hours(1));
        let earlier = Some(now - Duration::hours(1));
        assert!(is_open(None, now) && is_open(later, now) && !is_open(earlier, now));
        assert!(!results_visible(
            ResultsVisibility::AfterClosing,
            later,
            now,
            false
        ));
        assert!(results_visible(
            ResultsVisibility::AfterClosing,
            later,
            now,
            true
        ));
        assert!(results_visible(
            ResultsVisibility::AfterClosing,
            earlier,
            now,
            false
        ));
        assert!(results_visible(ResultsVisibility::Live, later, now, false));
    }
}
