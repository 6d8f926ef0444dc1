//! Comments with a stance, threaded replies, and the author's short edit window.

use crate::validation::{Problem, ValidationErrors};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Longest comment.
pub const BODY_MAX: usize = 5_000;
/// Replies nest this deep at most (0 is a top-level comment): three levels in all.
pub const MAX_DEPTH: i32 = 2;
/// How long an author may still edit a comment.
pub const EDIT_WINDOW_MINUTES: i64 = 15;

/// Where the commenter stands on the subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// In favour.
    For,
    /// Against.
    Against,
    /// Neither, or a question.
    Neutral,
}

impl Stance {
    /// All stances, in form order.
    pub const ALL: [Stance; 3] = [Stance::For, Stance::Against, Stance::Neutral];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::For => "for",
            Stance::Against => "against",
            Stance::Neutral => "neutral",
        }
    }
}

impl FromStr for Stance {
    type Err = Problem;

    fn from_str(s: &str) -> Result<Self, Problem> {
        Stance::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or(Problem::UnknownChoice)
    }
}

/// Where a comment stands in its life (hiding by a moderator is kept apart, in `hidden_at`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentState {
    /// Waiting for a moderator.
    Pending,
    /// Public.
    Published,
    /// Deleted by its author but kept as a placeholder because it has replies.
    Deleted,
}

impl CommentState {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            CommentState::Pending => "pending",
            CommentState::Published => "published",
            CommentState::Deleted => "deleted",
        }
    }
}

impl FromStr for CommentState {
    type Err = Problem;

    fn from_str(s: &str) -> Result<Self, Problem> {
        [
            CommentState::Pending,
            CommentState::Published,
            CommentState::Deleted,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
        .ok_or(Problem::UnknownChoice)
    }
}

/// A checked comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidComment {
    /// Markdown text.
    pub body: String,
    /// The stance.
    pub stance: Stance,
}

/// Checks a comment's text and stance (blank stance means neutral).
pub fn validate_comment(body: &str, stance: &str) -> Result<ValidComment, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let body = errors.text("body", body, 1, BODY_MAX).to_owned();
    let stance = match stance.trim() {
        "" => Some(Stance::Neutral),
        s => s.parse().map_err(|p| errors.add("stance", p)).ok(),
    };
    errors.into_result()?;
    Ok(ValidComment {
        body,
        stance: stance.unwrap_or(Stance::Neutral),
    })
}

/// The depth of a reply to a comment at `parent_depth`, or `None` when the thread is as deep as
/// it may go (the reply form then answers the deepest comment's parent instead).
pub fn reply_depth(parent_depth: i32) -> Option<i32> {
    (parent_depth < MAX_DEPTH).then_some(parent_depth + 1)
}

/// Whether the author may still edit a comment written at `created_at`.
pub fn within_edit_window(created_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - created_at <= Duration::minutes(EDIT_WINDOW_MINUTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_checked() {
        let c = validate_comment(" Goed plan! ", "for").expect("valid");
        assert_eq!(
            c,
            ValidComment {
                body: "Goed plan!".into(),
                stance: Stance::For
            }
        );
        assert_eq!(
            validate_comment("Vraag", "").expect("valid").stance,
            Stance::Neutral
        );
        let errors = validate_comment(" ", "maybe").expect_err("invalid");
        assert_eq!(errors.for_field("body"), Some(&Problem::Required));
        assert_eq!(errors.for_field("stance"), Some(&Problem::UnknownChoice));
        assert!(validate_comment(&"x".repeat(BODY_MAX + 1), "for").is_err());
    }

    #[test]
    fn threads_nest_three_levels() {
        assert_eq!(reply_depth(0), Some(1));
        assert_eq!(reply_depth(1), Some(2));
        assert_eq!(reply_depth(2), None);
    }

    #[test]
    fn the_edit_window_closes() {
        let t = Utc::now();
        assert!(within_edit_window(t, t + Duration::minutes(14)));
        assert!(within_edit_window(t, t + Duration::minutes(15)));
        assert!(!within_edit_window(t, t + Duration::minutes(16)));
    }
}
