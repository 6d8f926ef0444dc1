//! Phases of a consultation and which one is current.
//!
//! Phases are whole days in the municipality's calendar (Europe/Amsterdam): a phase from 1 to
//! 14 March is open on both days. Callers pass "today" in that calendar, so this module needs no
//! clock and no time zone database.

use crate::validation::{Problem, ValidationErrors};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What a phase is for; it sets sensible defaults for what residents may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseKind {
    /// The municipality explains the question; residents read and ask.
    Information,
    /// Residents submit and support proposals.
    Proposals,
    /// Residents vote.
    Voting,
    /// Residents divide a budget over projects.
    Budgeting,
    /// The municipality weighs the outcome and answers.
    Evaluation,
    /// Nothing more happens; the record stays readable.
    Closed,
}

impl PhaseKind {
    /// All kinds in their usual order.
    pub const ALL: [PhaseKind; 6] = [
        PhaseKind::Information,
        PhaseKind::Proposals,
        PhaseKind::Voting,
        PhaseKind::Budgeting,
        PhaseKind::Evaluation,
        PhaseKind::Closed,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseKind::Information => "information",
            PhaseKind::Proposals => "proposals",
            PhaseKind::Voting => "voting",
            PhaseKind::Budgeting => "budgeting",
            PhaseKind::Evaluation => "evaluation",
            PhaseKind::Closed => "closed",
        }
    }

    /// What residents may do in a phase of this kind unless the admin says otherwise.
    pub fn default_rules(self) -> PhaseRules {
        match self {
            PhaseKind::Information => PhaseRules {
                comment: true,
                ..PhaseRules::NONE
            },
            PhaseKind::Proposals => PhaseRules {
                propose: true,
                comment: true,
                support: true,
                vote: false,
            },
            PhaseKind::Voting | PhaseKind::Budgeting => PhaseRules {
                vote: true,
                comment: true,
                ..PhaseRules::NONE
            },
            PhaseKind::Evaluation => PhaseRules {
                comment: true,
                ..PhaseRules::NONE
            },
            PhaseKind::Closed => PhaseRules::NONE,
        }
    }
}

impl FromStr for PhaseKind {
    type Err = Problem;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PhaseKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(Problem::UnknownChoice)
    }
}

/// The per-phase switches for what residents may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PhaseRules {
    /// Residents may submit proposals.
    pub propose: bool,
    /// Residents may comment.
    pub comment: bool,
    /// Residents may support proposals.
    pub support: bool,
    /// Residents may vote in polls.
    pub vote: bool,
}

impl PhaseRules {
    /// Another instance's consultation, followed from here: residents may comment (the comment
    /// federates to its origin); proposals, supports and votes count only at home.
    pub const FOLLOWED: PhaseRules = PhaseRules {
        propose: false,
        comment: true,
        support: false,
        vote: false,
    };

    /// Nothing is allowed.
    pub const NONE: PhaseRules = PhaseRules {
        propose: false,
        comment: false,
        support: false,
        vote: false,
    };
}

/// One phase with its dates (both inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    /// What the phase is for.
    pub kind: PhaseKind,
    /// An optional title that replaces the kind's name, e.g. "Ideeën voor het Stationsplein".
    pub title: Option<String>,
    /// The first day of the phase.
    pub starts_on: NaiveDate,
    /// The last day of the phase.
    pub ends_on: NaiveDate,
    /// What residents may do while it runs.
    pub rules: PhaseRules,
}

impl Phase {
    /// True when `day` falls within the phase.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.starts_on <= day && day <= self.ends_on
    }
}

/// Where a consultation stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PhaseState {
    /// The consultation has no phases yet.
    Unscheduled,
    /// The first phase has not begun; `next` is its index.
    Upcoming {
        /// Index of the phase that comes next.
        next: usize,
    },
    /// Phase `index` is running.
    Active {
        /// Index of the running phase.
        index: usize,
    },
    /// Between two phases; `next` is the index of the coming one.
    Between {
        /// Index of the phase that comes next.
        next: usize,
    },
    /// The last phase has ended.
    Finished,
}

impl PhaseState {
    /// Stable name for the API and stylesheet.
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseState::Unscheduled => "unscheduled",
            PhaseState::Upcoming { .. } => "upcoming",
            PhaseState::Active { .. } => "active",
            PhaseState::Between { .. } => "between",
            PhaseState::Finished => "finished",
        }
    }
}

/// A consultation's phases in date order; construction checks they do not overlap.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Timeline {
    phases: Vec<Phase>,
}

impl Timeline {
    /// Sorts the phases by start date and checks each ends after it starts and none overlap.
    /// Problems name fields as `phases[i].starts_on` / `phases[i].ends_on` with `i` the
    /// position in the input.
    pub fn new(phases: Vec<Phase>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        for (i, phase) in phases.iter().enumerate() {
            if phase.ends_on < phase.starts_on {
                errors.add(format!("phases[{i}].ends_on"), Problem::EndBeforeStart);
            }
        }
        let mut order: Vec<usize> = (0..phases.len()).collect();
        order.sort_by_key(|&i| (phases[i].starts_on, phases[i].ends_on));
        for pair in order.windows(2) {
            let (earlier, later) = (&phases[pair[0]], &phases[pair[1]]);
            if later.starts_on <= earlier.ends_on {
                errors.add(format!("phases[{}].starts_on", pair[1]), Problem::Overlap);
            }
        }
        errors.into_result()?;
        let mut phases = phases;
        phases.sort_by_key(|p| (p.starts_on, p.ends_on));
        Ok(Self { phases })
    }

    /// Takes phases as they are, sorted but unchecked: only for data that was checked before.
    pub fn unchecked(mut phases: Vec<Phase>) -> Self {
        phases.sort_by_key(|p| (p.starts_on, p.ends_on));
        Self { phases }
    }

    /// The phases in date order.
    pub fn phases(&self) -> &[Phase] {
        &self.phases
    }

    /// Where the consultation stands on `today`.
    pub fn state_on(&self, today: NaiveDate) -> PhaseState {
        let Some(first) = self.phases.first() else {
            return PhaseState::Unscheduled;
        };
        if today < first.starts_on {
            return PhaseState::Upcoming { next: 0 };
        }
        if let Some(index) = self.phases.iter().position(|p| p.contains(today)) {
            return PhaseState::Active { index };
        }
        match self.phases.iter().position(|p| p.starts_on > today) {
            Some(next) => PhaseState::Between { next },
            None => PhaseState::Finished,
        }
    }

    /// Whether ballots are over for good: some phase allowed voting and every such phase has
    /// ended before `today`. A budget's outcome is public from then on.
    pub fn voting_over(&self, today: NaiveDate) -> bool {
        let mut voting = self.phases.iter().filter(|p| p.rules.vote).peekable();
        voting.peek().is_some() && voting.all(|p| p.ends_on < today)
    }

    /// The phase running on `today`, if any.
    pub fn current(&self, today: NaiveDate) -> Option<&Phase> {
        match self.state_on(today) {
            PhaseState::Active { index } => self.phases.get(index),
            _ => None,
        }
    }

    /// What residents may do on `today`: nothing outside a phase.
    pub fn rules_on(&self, today: NaiveDate) -> PhaseRules {
        self.current(today)
            .map(|p| p.rules)
            .unwrap_or(PhaseRules::NONE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().expect("test date")
    }

    fn phase(kind: PhaseKind, from: &str, to: &str) -> Phase {
        Phase {
            kind,
            title: None,
            starts_on: day(from),
            ends_on: day(to),
            rules: kind.default_rules(),
        }
    }

    fn timeline() -> Timeline {
        Timeline::new(vec![
            phase(PhaseKind::Voting, "2026-03-01", "2026-03-14"),
            phase(PhaseKind::Information, "2026-01-01", "2026-01-31"),
            phase(PhaseKind::Proposals, "2026-02-01", "2026-02-20"),
        ])
        .expect("valid timeline")
    }

    #[test]
    fn phases_are_sorted_by_start() {
        let kinds: Vec<_> = timeline().phases().iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            [
                PhaseKind::Information,
                PhaseKind::Proposals,
                PhaseKind::Voting
            ]
        );
    }

    #[test]
    fn state_follows_the_calendar_with_inclusive_days() {
        let t = timeline();
        assert_eq!(
            t.state_on(day("2025-12-31")),
            PhaseState::Upcoming { next: 0 }
        );
        assert_eq!(
            t.state_on(day("2026-01-01")),
            PhaseState::Active { index: 0 }
        );
        assert_eq!(
            t.state_on(day("2026-01-31")),
            PhaseState::Active { index: 0 }
        );
        assert_eq!(
            t.state_on(day("2026-02-20")),
            PhaseState::Active { index: 1 }
        );
        assert_eq!(
            t.state_on(day("2026-02-21")),
            PhaseState::Between { next: 2 }
        );
        assert_eq!(
            t.state_on(day("2026-03-14")),
            PhaseState::Active { index: 2 }
        );
        assert_eq!(t.state_on(day("2026-03-15")), PhaseState::Finished);
        assert_eq!(
            Timeline::default().state_on(day("2026-03-15")),
            PhaseState::Unscheduled
        );
    }

    #[test]
    fn rules_come_from_the_current_phase_only() {
        let t = timeline();
        assert!(t.rules_on(day("2026-02-10")).propose);
        assert!(!t.rules_on(day("2026-03-10")).propose);
        assert!(t.rules_on(day("2026-03-10")).vote);
        assert_eq!(t.rules_on(day("2026-02-25")), PhaseRules::NONE);
        assert_eq!(t.rules_on(day("2027-01-01")), PhaseRules::NONE);
    }

    #[test]
    fn end_before_start_and_overlaps_are_refused_with_the_field() {
        let err = Timeline::new(vec![phase(PhaseKind::Voting, "2026-03-10", "2026-03-01")])
            .expect_err("end before start");
        assert_eq!(
            err.for_field("phases[0].ends_on"),
            Some(&Problem::EndBeforeStart)
        );

        let err = Timeline::new(vec![
            phase(PhaseKind::Information, "2026-01-01", "2026-01-31"),
            phase(PhaseKind::Proposals, "2026-01-31", "2026-02-10"),
        ])
        .expect_err("shared day overlaps");
        assert_eq!(
            err.for_field("phases[1].starts_on"),
            Some(&Problem::Overlap)
        );
    }

    #[test]
    fn kinds_parse_and_have_sensible_defaults() {
        assert_eq!("voting".parse::<PhaseKind>(), Ok(PhaseKind::Voting));
        assert_eq!("later".parse::<PhaseKind>(), Err(Problem::UnknownChoice));
        assert_eq!(PhaseKind::Closed.default_rules(), PhaseRules::NONE);
        assert!(PhaseKind::Proposals.default_rules().support);
    }
}
