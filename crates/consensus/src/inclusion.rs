//! Which participants count for the opinion groups ("in-conv").

use crate::matrix::VoteMatrix;
use std::collections::BTreeSet;

/// How many comments each row voted on (passes and moderated-out comments included).
pub fn user_vote_counts(matrix: &VoteMatrix) -> Vec<usize> {
    (0..matrix.rows())
        .map(|row| matrix.row(row).count())
        .collect()
}

/// The participants in the conversation: everyone before (membership is sticky), everyone
/// with at least `min(7, m)` votes, and while fewer than 15, the most active others (ties to
/// the lower participant id).
pub fn in_conversation(
    pids: &[u64],
    counts: &[usize],
    columns: usize,
    previous: &BTreeSet<u64>,
) -> BTreeSet<u64> {
    let threshold = columns.min(7);
    // Both `pids` and `previous` ascend, so one merge finds everyone in order, and the set is
    // built from a sorted list in one go.
    let mut before = previous.iter().copied().peekable();
    let mut included: Vec<u64> = Vec::with_capacity(pids.len().max(previous.len()));
    for (&pid, &count) in pids.iter().zip(counts) {
        while let Some(earlier) = before.next_if(|&p| p < pid) {
            included.push(earlier);
        }
        let was_in = before.next_if_eq(&pid).is_some();
        if was_in || (count >= threshold && count > 0) {
            included.push(pid);
        }
    }
    included.extend(before);
    let mut included: BTreeSet<u64> = included.into_iter().collect();
    if included.len() < 15 {
        let mut others: Vec<(usize, u64)> = pids
            .iter()
            .zip(counts)
            .filter(|(pid, count)| !included.contains(pid) && **count > 0)
            .map(|(pid, &count)| (count, *pid))
            .collect();
        others.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let room = 15 - included.len();
        for (_, pid) in others.into_iter().take(room) {
            included.insert(pid);
        }
    }
    included
}
