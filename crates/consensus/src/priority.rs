//! Which comment to show next: pol.is's comment priorities (`conversation.clj`).

use crate::groups::Tally;

/// The priority of every column. `previous_votes` are the group tallies of the *previous*
/// update (pol.is's code reads them, not the fresh ones; all zero on the first update);
/// `extremity` is each comment's distance from the map's centre; meta comments get 7² = 49.
pub fn comment_priorities(
    previous_votes: &[Vec<Tally>],
    extremity: &[f64],
    meta: &[bool],
) -> Vec<f64> {
    extremity
        .iter()
        .enumerate()
        .map(|(c, &e)| {
            if meta.get(c).copied().unwrap_or(false) {
                return 49.0;
            }
            let mut t = Tally::default();
            for group in previous_votes {
                if let Some(g) = group.get(c) {
                    t.agree += g.agree;
                    t.disagree += g.disagree;
                    t.seen += g.seen;
                }
            }
            let (a, d, s) = (t.agree as f64, t.disagree as f64, t.seen as f64);
            let passes = s - a - d;
            let importance = (1.0 - (passes + 1.0) / (s + 2.0)) * (e + 1.0) * (a + 1.0) / (s + 2.0);
            let novelty = 1.0 + 8.0 * 2f64.powf(-s / 5.0);
            (importance * novelty).powi(2)
        })
        .collect()
}
