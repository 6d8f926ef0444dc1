//! Province deals: a province's programme that municipalities join. The province sees each
//! member's own figures (never counted again from what federated) and adds them up.

use crate::statistics::{ConsultationCounts, Counts, ReuseLink, Statistics, TREND_WEEKS};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Most weeks a member's figures may carry (a year and a bit).
pub const MAX_WEEKS: usize = 60;
/// Most reuse links a member's figures may carry.
pub const MAX_REUSES: usize = 1000;
/// Longest deal name.
pub const NAME_MAX: usize = 200;

/// Where a municipality stands in a deal, as the province keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberState {
    /// Applied (`Join`), waiting for the province.
    Pending,
    /// Accepted: its figures count.
    Member,
    /// The province said no.
    Rejected,
    /// The municipality left.
    Left,
    /// The province ended the membership.
    Removed,
}

/// Where our own application to a deal stands, as the municipality keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipState {
    /// We sent `Join`; no answer yet.
    Applied,
    /// The province accepted us.
    Member,
    /// The province said no.
    Rejected,
    /// We left.
    Left,
    /// The province removed us.
    Removed,
}

macro_rules! stored_names {
    ($name:ident { $($variant:ident => $text:literal),* $(,)? }) => {
        impl $name {
            /// The name stored in the database and shown in the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),* }
            }

            /// Reads a stored name.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)* _ => None }
            }
        }
    };
}

stored_names!(MemberState {
    Pending => "pending",
    Member => "member",
    Rejected => "rejected",
    Left => "left",
    Removed => "removed",
});

stored_names!(MembershipState {
    Applied => "applied",
    Member => "member",
    Rejected => "rejected",
    Left => "left",
    Removed => "removed",
});

impl MemberState {
    /// Whether the province can still accept or reject (only an open application).
    pub fn can_decide(self) -> bool {
        self == MemberState::Pending
    }

    /// Whether the membership is running or asked for, so it can be ended.
    pub fn is_active(self) -> bool {
        matches!(self, MemberState::Pending | MemberState::Member)
    }
}

impl MembershipState {
    /// Whether we are in the deal or waiting for it: then we cannot apply again, but leave.
    pub fn is_active(self) -> bool {
        matches!(self, MembershipState::Applied | MembershipState::Member)
    }
}

/// Why received figures are refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FiguresRefusal {
    /// More weeks than any trend has.
    #[error("at most {MAX_WEEKS} weeks of trend")]
    TooManyWeeks,
    /// More reuse links than we keep.
    #[error("at most {MAX_REUSES} reuse links")]
    TooManyReuses,
    /// Open, upcoming and finished do not add up to the total.
    #[error("consultation counts do not add up")]
    Inconsistent,
}

/// Checks a member's figures before they are stored: sizes bounded, counts consistent.
pub fn check_figures(figures: &Statistics) -> Result<(), FiguresRefusal> {
    if figures.weeks.len() > MAX_WEEKS {
        return Err(FiguresRefusal::TooManyWeeks);
    }
    if figures.reuses.len() > MAX_REUSES {
        return Err(FiguresRefusal::TooManyReuses);
    }
    let c = &figures.consultations;
    let parts = c
        .open
        .checked_add(c.upcoming)
        .and_then(|s| s.checked_add(c.finished));
    if parts != Some(c.total) {
        return Err(FiguresRefusal::Inconsistent);
    }
    Ok(())
}

/// One week of the deal's trend: all members together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrendWeek {
    /// The Monday the week starts on.
    pub starts_on: NaiveDate,
    /// All contributions that week, by kind.
    pub counts: Counts,
    /// All contributions that week.
    pub contributions: u64,
    /// Residents who took part that week (each member counts its own).
    pub participants: u64,
}

/// The deal's totals: the members' own figures added up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DealTotals {
    /// Consultations by state.
    pub consultations: ConsultationCounts,
    /// All contributions, by kind.
    pub totals: Counts,
    /// Residents who ever took part (residents belong to one instance, so the sum is right).
    pub participants: u64,
    /// Members whose figures arrived.
    pub reporting_members: u64,
    /// The last [`TREND_WEEKS`] weeks that any member reported, oldest first.
    pub weeks: Vec<TrendWeek>,
}

/// Adds up the figures of the members that count (those with figures).
pub fn totals<'a>(members: impl IntoIterator<Item = &'a Statistics>) -> DealTotals {
    let mut out = DealTotals::default();
    let mut weeks: BTreeMap<NaiveDate, (Counts, u64)> = BTreeMap::new();
    for figures in members {
        out.reporting_members += 1;
        out.consultations.add_all(&figures.consultations);
        out.totals.add_all(&figures.totals);
        out.participants += figures.participants;
        for week in &figures.weeks {
            let entry = weeks.entry(week.starts_on).or_default();
            entry.0.add_all(&week.counts);
            entry.1 += week.participants;
        }
    }
    let skip = weeks.len().saturating_sub(TREND_WEEKS);
    out.weeks = weeks
        .into_iter()
        .skip(skip)
        .map(|(starts_on, (counts, participants))| TrendWeek {
            starts_on,
            contributions: counts.sum(),
            counts,
            participants,
        })
        .collect();
    out
}

/// Every reuse link the members reported, each once, in a stable order.
pub fn reuse_graph<'a>(members: impl IntoIterator<Item = &'a Statistics>) -> Vec<ReuseLink> {
    let mut links: Vec<ReuseLink> = members
        .into_iter()
        .flat_map(|f| f.reuses.iter().cloned())
        .collect();
    links.sort();
    links.dedup();
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::statistics::Week;

    fn figures(
        proposals: u64,
        participants: u64,
        week: &str,
        reuses: &[(&str, &str)],
    ) -> Statistics {
        let starts_on = NaiveDate::parse_from_str(week, "%Y-%m-%d").expect("date");
        let counts = Counts {
            proposals,
            ..Counts::default()
        };
        Statistics {
            consultations: ConsultationCounts {
                total: 2,
                open: 1,
                upcoming: 0,
                finished: 1,
            },
            totals: counts,
            participants,
            weeks: vec![Week {
                starts_on,
                counts,
                participants,
            }],
            reuses: reuses
                .iter()
                .map(|(o, c)| ReuseLink {
                    origin: (*o).into(),
                    copy: (*c).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn totals_are_the_sum_of_the_members_figures_week_by_week() {
        let a = figures(3, 2, "2026-11-30", &[("a/1", "b/1")]);
        let b = figures(4, 5, "2026-11-30", &[("a/1", "b/1"), ("b/1", "c/1")]);
        let t = totals([&a, &b]);
        assert_eq!(t.totals.proposals, 7);
        assert_eq!(t.participants, 7);
        assert_eq!(t.consultations.open, 2);
        assert_eq!(t.consultations.total, 4);
        assert_eq!(t.reporting_members, 2);
        assert_eq!(t.weeks.len(), 1);
        assert_eq!(t.weeks[0].contributions, 7);
        assert_eq!(t.weeks[0].participants, 7);
        assert_eq!(
            reuse_graph([&a, &b]).len(),
            2,
            "a link both report counts once"
        );
    }

    #[test]
    fn figures_that_do_not_add_up_or_are_too_big_are_refused() {
        let mut f = figures(1, 1, "2026-11-30", &[]);
        assert_eq!(check_figures(&f), Ok(()));
        f.consultations.total = 9;
        assert_eq!(check_figures(&f), Err(FiguresRefusal::Inconsistent));
        f.consultations.total = 2;
        f.weeks = vec![f.weeks[0].clone(); MAX_WEEKS + 1];
        assert_eq!(check_figures(&f), Err(FiguresRefusal::TooManyWeeks));
    }

    #[test]
    fn states_round_trip_and_only_open_applications_are_decided() {
        for s in [
            MemberState::Pending,
            MemberState::Member,
            MemberState::Rejected,
            MemberState::Left,
            MemberState::Removed,
        ] {
            assert_eq!(MemberState::parse(s.as_str()), Some(s));
        }
        assert!(MemberState::Pending.can_decide());
        assert!(!MemberState::Member.can_decide());
        assert!(MembershipState::Applied.is_active());
        assert!(!MembershipState::Left.is_active());
        assert_eq!(MembershipState::parse("nonsense"), None);
    }
}
