//! The municipality's calendar.

use chrono::{NaiveDate, Utc};
use chrono_tz::Europe::Amsterdam;

/// Today in the municipality's calendar: phases are whole Amsterdam days.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&Amsterdam).date_naive()
}
