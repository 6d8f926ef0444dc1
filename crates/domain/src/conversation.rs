//! Opinion-mapping conversations: the states of a statement and the three ways to vote on one.

use crate::validation::Problem;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Where a statement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementState {
    /// Shown and voted on.
    Published,
    /// Waiting for a moderator.
    Pending,
    /// Hidden by a moderator (or moderated out in an imported conversation).
    Hidden,
}

impl StatementState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementState::Published => "published",
            StatementState::Pending => "pending",
            StatementState::Hidden => "hidden",
        }
    }

    /// pol.is's `moderated` column: 1 allowed, 0 not yet decided, −1 moderated out.
    pub fn polis_moderated(self) -> i8 {
        match self {
            StatementState::Published => 1,
            StatementState::Pending => 0,
            StatementState::Hidden => -1,
        }
    }
}

impl FromStr for StatementState {
    type Err = Problem;

    fn from_str(s: &str) -> Result<Self, Problem> {
        [
            StatementState::Published,
            StatementState::Pending,
            StatementState::Hidden,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
        .ok_or(Problem::UnknownChoice)
    }
}

/// A vote on a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementVote {
    /// Agree.
    Agree,
    /// Disagree.
    Disagree,
    /// Pass (no opinion, or unsure).
    Pass,
}

impl StatementVote {
    /// The stored value, as pol.is exports it: 1 agree, −1 disagree, 0 pass.
    pub fn value(self) -> i32 {
        match self {
            StatementVote::Agree => 1,
            StatementVote::Disagree => -1,
            StatementVote::Pass => 0,
        }
    }

    /// The vote for a stored value.
    pub fn from_value(value: i32) -> Option<Self> {
        match value {
            1 => Some(StatementVote::Agree),
            -1 => Some(StatementVote::Disagree),
            0 => Some(StatementVote::Pass),
            _ => None,
        }
    }

    /// The form's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementVote::Agree => "agree",
            StatementVote::Disagree => "disagree",
            StatementVote::Pass => "pass",
        }
    }
}

impl FromStr for StatementVote {
    type Err = Problem;

    fn from_str(s: &str) -> Result<Self, Problem> {
        [
            StatementVote::Agree,
            StatementVote::Disagree,
            StatementVote::Pass,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
        .ok_or(Problem::UnknownChoice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_votes_round_trip_through_their_stored_forms() {
        for s in [
            StatementState::Published,
            StatementState::Pending,
            StatementState::Hidden,
        ] {
            assert_eq!(s.as_str().parse::<StatementState>(), Ok(s));
        }
        assert_eq!(StatementState::Hidden.polis_moderated(), -1);
        for v in [
            StatementVote::Agree,
            StatementVote::Disagree,
            StatementVote::Pass,
        ] {
            assert_eq!(StatementVote::from_value(v.value()), Some(v));
            assert_eq!(v.as_str().parse::<StatementVote>(), Ok(v));
        }
        assert_eq!(StatementVote::from_value(2), None);
        assert!("maybe".parse::<StatementVote>().is_err());
    }
}
