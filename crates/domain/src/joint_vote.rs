//! Joint regional votes: an organizer (a province deal) asks its members one question; each
//! member lets its own residents vote at home and, at closing, publishes a signed tally of
//! counts only. The organizer adds up the tallies that are valid and on time.
//!
//! The rules here decide what a tally may say, whether one arrived late, whether a second
//! one from the same member repeats or contradicts the first, and the total.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long after closing a member's tally still counts: members publish automatically
/// within seconds, so a day covers an instance that was down at the moment of closing.
pub const TALLY_GRACE: Duration = Duration::hours(24);

/// The most voters one tally may claim: more than the Netherlands has residents is a lie.
pub const MAX_VOTERS: u64 = 20_000_000;

/// Where a member stands towards a joint vote, on either side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Participation {
    /// Asked, not yet answered.
    Invited,
    /// Takes part: its residents vote at home.
    TakingPart,
    /// Said no.
    Declined,
}

impl Participation {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Participation::Invited => "invited",
            Participation::TakingPart => "taking_part",
            Participation::Declined => "declined",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "invited" => Some(Participation::Invited),
            "taking_part" => Some(Participation::TakingPart),
            "declined" => Some(Participation::Declined),
            _ => None,
        }
    }
}

/// What the organizer knows of a member's tally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TallyState {
    /// None yet (and the grace period has not passed).
    Missing,
    /// Verified, on time, counted.
    Valid,
    /// One arrived but was refused (its proof or its figures); not counted.
    Invalid,
    /// None arrived in time; not counted.
    Late,
}

impl TallyState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            TallyState::Missing => "missing",
            TallyState::Valid => "valid",
            TallyState::Invalid => "invalid",
            TallyState::Late => "late",
        }
    }

    /// Parses a stored name; unknown reads as missing (never as counted).
    pub fn parse(s: &str) -> Self {
        match s {
            "valid" => TallyState::Valid,
            "invalid" => TallyState::Invalid,
            "late" => TallyState::Late,
            _ => TallyState::Missing,
        }
    }

    /// The state shown at `now`: a missing tally past the grace period is late.
    pub fn as_of(self, closes_at: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        if self == TallyState::Missing && now > closes_at + TALLY_GRACE {
            TallyState::Late
        } else {
            self
        }
    }
}

/// The votes for one option, by the option's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionCount {
    /// The option, as the organizer wrote it.
    pub name: String,
    /// Ballots that chose it.
    pub votes: u64,
}

/// What a tally says: counts per option and the number of voters, nothing about anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyFigures {
    /// Residents who voted.
    pub voters: u64,
    /// Votes per option, in the organizer's order.
    pub counts: Vec<OptionCount>,
}

/// Why a tally's figures cannot be right.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TallyProblem {
    /// Its options are not the joint vote's, in order.
    #[error("the tally's options are not the vote's options in order")]
    WrongOptions,
    /// An option has more votes than there were voters.
    #[error("option {0:?} has more votes than there were voters")]
    MoreVotesThanVoters(String),
    /// In a single-choice vote every voter chose exactly one option.
    #[error("the votes ({votes}) do not add up to the voters ({voters}) in a single-choice vote")]
    VotesDoNotAddUp {
        /// Sum of the counts.
        votes: u64,
        /// Voters claimed.
        voters: u64,
    },
    /// More voters than could exist.
    #[error("{0} voters is more than any member has")]
    TooManyVoters(u64),
}

impl TallyFigures {
    /// An empty tally over these options.
    pub fn zero(options: &[String]) -> Self {
        Self {
            voters: 0,
            counts: options
                .iter()
                .map(|name| OptionCount {
                    name: name.clone(),
                    votes: 0,
                })
                .collect(),
        }
    }

    /// Checks the figures against the vote's options and kind.
    pub fn check(&self, options: &[String], multiple: bool) -> Result<(), TallyProblem> {
        if self.voters > MAX_VOTERS {
            return Err(TallyProblem::TooManyVoters(self.voters));
        }
        let names_match = self.counts.len() == options.len()
            && self.counts.iter().zip(options).all(|(c, o)| &c.name == o);
        if !names_match {
            return Err(TallyProblem::WrongOptions);
        }
        if let Some(over) = self.counts.iter().find(|c| c.votes > self.voters) {
            return Err(TallyProblem::MoreVotesThanVoters(over.name.clone()));
        }
        let votes: u64 = self.counts.iter().map(|c| c.votes).sum();
        if !multiple && votes != self.voters {
            return Err(TallyProblem::VotesDoNotAddUp {
                votes,
                voters: self.voters,
            });
        }
        Ok(())
    }
}

/// What a tally that arrives means, given what the member sent before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    /// The member's first valid tally: it counts.
    First,
    /// The same figures again (a retried delivery): nothing changes.
    Repeat,
    /// Other figures than the member's counted tally: refused, the first one stands.
    Contradicts,
    /// After the grace period: not counted.
    TooLate,
}

/// Decides what a tally received at `received_at` does.
pub fn arrival(
    counted: Option<&TallyFigures>,
    new: &TallyFigures,
    closes_at: DateTime<Utc>,
    received_at: DateTime<Utc>,
) -> Arrival {
    match counted {
        Some(old) if old == new => Arrival::Repeat,
        Some(_) => Arrival::Contradicts,
        None if received_at > closes_at + TALLY_GRACE => Arrival::TooLate,
        None => Arrival::First,
    }
}

/// The sum of the counted tallies over `options` (tallies are checked before they count).
pub fn total<'a>(
    options: &[String],
    tallies: impl IntoIterator<Item = &'a TallyFigures>,
) -> TallyFigures {
    let mut sum = TallyFigures::zero(options);
    for tally in tallies {
        sum.voters = sum.voters.saturating_add(tally.voters);
        for (into, from) in sum.counts.iter_mut().zip(&tally.counts) {
            into.votes = into.votes.saturating_add(from.votes);
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Vec<String> {
        vec!["Ja".into(), "Nee".into()]
    }

    fn tally(voters: u64, ja: u64, nee: u64) -> TallyFigures {
        TallyFigures {
            voters,
            counts: vec![
                OptionCount {
                    name: "Ja".into(),
                    votes: ja,
                },
                OptionCount {
                    name: "Nee".into(),
                    votes: nee,
                },
            ],
        }
    }

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default() + Duration::hours(hours)
    }

    #[test]
    fn figures_must_fit_the_vote() {
        assert_eq!(tally(3, 2, 1).check(&options(), false), Ok(()));
        assert_eq!(
            tally(3, 2, 2).check(&options(), false),
            Err(TallyProblem::VotesDoNotAddUp {
                votes: 4,
                voters: 3
            })
        );
        assert_eq!(tally(3, 2, 2).check(&options(), true), Ok(()));
        assert_eq!(
            tally(1, 2, 0).check(&options(), true),
            Err(TallyProblem::MoreVotesThanVoters("Ja".into()))
        );
        let mut renamed = tally(1, 1, 0);
        renamed.counts[1].name = "Misschien".into();
        assert_eq!(
            renamed.check(&options(), false),
            Err(TallyProblem::WrongOptions)
        );
        let mut short = tally(1, 1, 0);
        short.counts.pop();
        assert_eq!(
            short.check(&options(), false),
            Err(TallyProblem::WrongOptions)
        );
        assert_eq!(
            tally(MAX_VOTERS + 1, MAX_VOTERS + 1, 0).check(&options(), false),
            Err(TallyProblem::TooManyVoters(MAX_VOTERS + 1))
        );
    }

    #[test]
    fn a_member_has_one_tally() {
        let first = tally(3, 2, 1);
        assert_eq!(arrival(None, &first, at(0), at(1)), Arrival::First);
        assert_eq!(arrival(Some(&first), &first, at(0), at(2)), Arrival::Repeat);
        assert_eq!(
            arrival(Some(&first), &tally(3, 1, 2), at(0), at(2)),
            Arrival::Contradicts
        );
        assert_eq!(arrival(None, &first, at(0), at(25)), Arrival::TooLate);
    }

    #[test]
    fn the_total_adds_counted_tallies() {
        let sum = total(&options(), [&tally(3, 2, 1), &tally(5, 1, 4)]);
        assert_eq!(sum, tally(8, 3, 5));
        assert_eq!(total(&options(), []), tally(0, 0, 0));
    }

    #[test]
    fn a_missing_tally_becomes_late() {
        assert_eq!(
            TallyState::Missing.as_of(at(0), at(23)),
            TallyState::Missing
        );
        assert_eq!(TallyState::Missing.as_of(at(0), at(25)), TallyState::Late);
        assert_eq!(TallyState::Valid.as_of(at(0), at(25)), TallyState::Valid);
        for state in [TallyState::Valid, TallyState::Invalid, TallyState::Late] {
            assert_eq!(TallyState::parse(state.as_str()), state);
        }
        for p in [
            Participation::Invited,
            Participation::TakingPart,
            Participation::Declined,
        ] {
            assert_eq!(Participation::parse(p.as_str()), Some(p));
        }
    }
}
