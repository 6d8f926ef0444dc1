//! The instance's own figures, for `/api/v1/statistics` (and, later, for province deals): its
//! consultations by state and the contributions of its residents, with weekly trends.

use crate::{App, AppError};
use inspraak_db::consultations::{self, Visibility};
use inspraak_domain::statistics::{ConsultationCounts, Statistics, compute};

/// Most consultations counted (far more than any municipality runs).
const CONSULTATIONS_MAX: u64 = 100_000;

/// This instance's figures today.
pub async fn of_instance(app: &App) -> Result<Statistics, AppError> {
    let today = crate::clock::today();
    let published =
        consultations::list(app.conn(), Visibility::Published, CONSULTATIONS_MAX, 0).await?;
    let counts = ConsultationCounts::of(published.iter().map(|c| c.timeline.state_on(today)));
    let contributions = inspraak_db::statistics::contributions(app.conn()).await?;
    let mut figures = compute(counts, &contributions, today);
    figures.reuses = inspraak_db::statistics::reuse_links(app.conn()).await?;
    Ok(figures)
}
