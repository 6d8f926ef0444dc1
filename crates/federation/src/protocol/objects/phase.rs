//! A consultation's phases as its `Group` carries them (`inspraak:phases`), so a catalogue can
//! tell on its own day whether the consultation is open, upcoming or finished.

use crate::protocol::kind::PhaseType;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One phase: what it is for, its title, and its first and last day (both inclusive, in the
/// municipality's calendar).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhaseDocument {
    /// `Phase` (`inspraak:Phase`).
    #[serde(rename = "type")]
    pub kind: PhaseType,
    /// Its title as shown (the kind's name when it has no title of its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `information`, `proposals`, `voting`, `evaluation` or `closed` (`inspraak:phaseKind`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phase_kind: Option<String>,
    /// The first day, `YYYY-MM-DD` (`inspraak:startDate`).
    pub start_date: NaiveDate,
    /// The last day, `YYYY-MM-DD` (`inspraak:endDate`).
    pub end_date: NaiveDate,
}
