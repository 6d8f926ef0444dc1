//! An instance's own figures: counts of local activity only, never of what arrived from
//! elsewhere (so no figure is counted twice when instances follow each other). Public
//! aggregates only: no names, no ids.

use crate::phase::PhaseState;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How many weeks of trend are reported, the current one included.
pub const TREND_WEEKS: usize = 12;

/// What kind of contribution an activity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityKind {
    /// A public proposal.
    Proposal,
    /// A public comment.
    Comment,
    /// A support of a proposal.
    Support,
    /// A poll ballot.
    Ballot,
    /// A vote on a conversation statement.
    StatementVote,
}

/// One contribution of a resident of this instance: what, by whom, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    /// What it is.
    pub kind: ActivityKind,
    /// The account (only used to count distinct participants).
    pub user_id: String,
    /// When it was made.
    pub at: DateTime<Utc>,
}

/// Counts per kind of contribution.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Public proposals.
    pub proposals: u64,
    /// Public comments.
    pub comments: u64,
    /// Supports.
    pub supports: u64,
    /// Poll ballots.
    pub ballots: u64,
    /// Conversation votes.
    pub statement_votes: u64,
}

impl Counts {
    fn add(&mut self, kind: ActivityKind) {
        match kind {
            ActivityKind::Proposal => self.proposals += 1,
            ActivityKind::Comment => self.comments += 1,
            ActivityKind::Support => self.supports += 1,
            ActivityKind::Ballot => self.ballots += 1,
            ActivityKind::StatementVote => self.statement_votes += 1,
        }
    }
}

/// The instance's consultations by where they stand.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsultationCounts {
    /// Published consultations of this instance.
    pub total: u64,
    /// Running now (in a phase, or between two).
    pub open: u64,
    /// Not started yet, or without phases.
    pub upcoming: u64,
    /// All phases over.
    pub finished: u64,
}

impl ConsultationCounts {
    /// Counts consultations by their state today.
    pub fn of(states: impl IntoIterator<Item = PhaseState>) -> Self {
        let mut counts = ConsultationCounts::default();
        for state in states {
            counts.total += 1;
            match state {
                PhaseState::Active { .. } | PhaseState::Between { .. } => counts.open += 1,
                PhaseState::Finished => counts.finished += 1,
                PhaseState::Unscheduled | PhaseState::Upcoming { .. } => counts.upcoming += 1,
            }
        }
        counts
    }
}

/// One week of contributions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Week {
    /// The Monday the week starts on.
    pub starts_on: NaiveDate,
    /// What was contributed that week.
    pub counts: Counts,
    /// Distinct residents who contributed that week.
    pub participants: u64,
}

/// One process that spread: `copy` reuses the process of `origin` (ActivityPub ids).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ReuseLink {
    /// The consultation whose process was reused.
    pub origin: String,
    /// The consultation made from it.
    pub copy: String,
}

/// An instance's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statistics {
    /// Consultations by state.
    pub consultations: ConsultationCounts,
    /// All contributions so far.
    pub totals: Counts,
    /// Distinct residents who ever contributed.
    pub participants: u64,
    /// The last [`TREND_WEEKS`] weeks, oldest first, the current week last.
    pub weeks: Vec<Week>,
    /// Reuses that involve one of this instance's consultations, as origin or as copy.
    #[serde(default)]
    pub reuses: Vec<ReuseLink>,
}

impl Counts {
    /// Adds `other` to these counts.
    pub fn add_all(&mut self, other: &Counts) {
        self.proposals += other.proposals;
        self.comments += other.comments;
        self.supports += other.supports;
        self.ballots += other.ballots;
        self.statement_votes += other.statement_votes;
    }

    /// All contributions together.
    pub fn sum(&self) -> u64 {
        self.proposals + self.comments + self.supports + self.ballots + self.statement_votes
    }
}

impl ConsultationCounts {
    /// Adds `other` to these counts.
    pub fn add_all(&mut self, other: &ConsultationCounts) {
        self.total += other.total;
        self.open += other.open;
        self.upcoming += other.upcoming;
        self.finished += other.finished;
    }
}

/// The Monday of the week `day` falls in.
fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Adds up contributions into totals, distinct participants and weekly trends up to `today`.
pub fn compute(
    consultations: ConsultationCounts,
    contributions: &[Contribution],
    today: NaiveDate,
) -> Statistics {
    let this_week = monday_of(today);
    let first_week = this_week - Duration::weeks(TREND_WEEKS as i64 - 1);
    let mut weeks: Vec<(Counts, HashSet<&str>)> = vec![Default::default(); TREND_WEEKS];
    let mut totals = Counts::default();
    let mut everyone: HashSet<&str> = HashSet::new();
    for c in contributions {
        totals.add(c.kind);
        everyone.insert(&c.user_id);
        let week = monday_of(c.at.date_naive());
        if week < first_week || week > this_week {
            continue;
        }
        let index = usize::try_from((week - first_week).num_weeks()).unwrap_or(0);
        if let Some((counts, people)) = weeks.get_mut(index) {
            counts.add(c.kind);
            people.insert(&c.user_id);
        }
    }
    Statistics {
        consultations,
        totals,
        participants: everyone.len() as u64,
        weeks: weeks
            .into_iter()
            .enumerate()
            .map(|(i, (counts, people))| Week {
                starts_on: first_week + Duration::weeks(i as i64),
                counts,
                participants: people.len() as u64,
            })
            .collect(),
        reuses: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{day}T12:00:00Z"))
            .expect("time")
            .with_timezone(&Utc)
    }

    fn c(kind: ActivityKind, user: &str, day: &str) -> Contribution {
        Contribution {
            kind,
            user_id: user.into(),
            at: at(day),
        }
    }

    #[test]
    fn totals_participants_and_weeks_add_up() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).expect("a Thursday");
        let all = [
            c(ActivityKind::Proposal, "anna", "2026-12-01"),
            c(ActivityKind::Support, "bram", "2026-12-02"),
            c(ActivityKind::Support, "anna", "2026-11-24"),
            c(ActivityKind::Comment, "chantal", "2025-01-01"),
        ];
        let consultations = ConsultationCounts::of([
            PhaseState::Active { index: 0 },
            PhaseState::Finished,
            PhaseState::Unscheduled,
        ]);
        let s = compute(consultations, &all, today);
        assert_eq!(s.consultations.open, 1);
        assert_eq!(s.consultations.finished, 1);
        assert_eq!(s.consultations.total, 3);
        assert_eq!(s.totals.supports, 2);
        assert_eq!(s.totals.comments, 1);
        assert_eq!(s.participants, 3);
        assert_eq!(s.weeks.len(), TREND_WEEKS);
        let last = &s.weeks[TREND_WEEKS - 1];
        assert_eq!(
            last.starts_on,
            NaiveDate::from_ymd_opt(2026, 11, 30).expect("monday")
        );
        assert_eq!(last.counts.proposals, 1);
        assert_eq!(last.counts.supports, 1);
        assert_eq!(last.participants, 2);
        assert_eq!(s.weeks[TREND_WEEKS - 2].counts.supports, 1);
        let in_trend: u64 = s.weeks.iter().map(|w| w.counts.comments).sum();
        assert_eq!(
            in_trend, 0,
            "a comment from last year is in the totals, not the trend"
        );
    }
}
