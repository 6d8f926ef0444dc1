//! The rating matrix: one row per participant who voted, one column per comment with at least
//! one vote (ascending comment id), stored sparsely because real conversations leave most cells
//! empty. Moderated-out columns count as voted (0) in every row, as in pol.is.

mod build;

pub use build::MatrixBuilder;
use std::collections::BTreeSet;

/// A vote as people cast it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Vote {
    /// Agree.
    Agree,
    /// Disagree.
    Disagree,
    /// Pass (seen, no opinion).
    Pass,
}

impl Vote {
    /// pol.is's internal value: agree −1, disagree +1, pass 0.
    pub fn internal(self) -> f64 {
        match self {
            Vote::Agree => -1.0,
            Vote::Disagree => 1.0,
            Vote::Pass => 0.0,
        }
    }

    /// The export convention: agree +1, disagree −1, pass 0.
    pub fn to_export(self) -> i64 {
        match self {
            Vote::Agree => 1,
            Vote::Disagree => -1,
            Vote::Pass => 0,
        }
    }

    /// From the export convention (agree +1, disagree −1, pass 0); `None` for anything else.
    pub fn from_export(value: i64) -> Option<Vote> {
        match value {
            1 => Some(Vote::Agree),
            -1 => Some(Vote::Disagree),
            0 => Some(Vote::Pass),
            _ => None,
        }
    }
}

/// One vote event: later events on the same cell replace earlier ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteEvent {
    /// The participant.
    pub pid: u64,
    /// The comment.
    pub tid: u64,
    /// The vote.
    pub vote: Vote,
    /// When (any increasing number, e.g. milliseconds).
    pub at: i64,
}

/// Where each id of `from` sits in `to` (both ascending, `from` a subset of `to`).
fn positions_in(from: &[u64], to: &[u64]) -> Vec<u32> {
    let mut at = 0;
    from.iter()
        .map(|id| {
            while to[at] < *id {
                at += 1;
            }
            u32::try_from(at).unwrap_or(u32::MAX)
        })
        .collect()
}

/// The ascending union of two ascending id lists.
fn union(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let next = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if x == y => {
                i += 1;
                j += 1;
                x
            }
            (Some(&x), Some(&y)) if x < y => {
                i += 1;
                x
            }
            (Some(&x), None) => {
                i += 1;
                x
            }
            (_, Some(&y)) => {
                j += 1;
                y
            }
            (None, None) => break,
        };
        out.push(next);
    }
    out
}

/// The participants × comments matrix of the latest votes, in compressed rows: per vote a
/// 4-byte column and a 1-byte value, so 50 M votes take 250 MB.
#[derive(Debug, Clone, PartialEq)]
pub struct VoteMatrix {
    /// Participant id of each row, ascending.
    pub pids: Vec<u64>,
    /// Comment id of each column, ascending.
    pub tids: Vec<u64>,
    /// Whether each column is moderated out (or meta): then it is 0 in every row.
    pub moderated_out: Vec<bool>,
    /// The moderated-out comment ids, for columns that later votes add.
    moderated_ids: BTreeSet<u64>,
    /// How many columns are moderated out (counted once: every row's rated count needs it).
    moderated_out_count: usize,
    /// Row starts into `cols` and `values` (length rows + 1).
    row_start: Vec<usize>,
    /// Column of each stored vote, ascending within a row.
    cols: Vec<u32>,
    /// Internal-sign value of each stored vote (−1, 0, +1; the raw vote, also for
    /// moderated-out columns).
    values: Vec<i8>,
    /// When each row's participant first voted: pol.is meets participants in that order, and
    /// its clusterings start from it.
    first_at: Vec<i64>,
}

impl VoteMatrix {
    /// Builds the matrix from vote events (applied in time order, the latest per cell wins;
    /// equal times keep their given order) and the ids of moderated-out or meta comments.
    /// Events out of time order are visited through a stable sort by time; see
    /// [`MatrixBuilder`] for the build itself.
    pub fn from_events(events: &[VoteEvent], moderated_out: &BTreeSet<u64>) -> VoteMatrix {
        build::from_events(events, moderated_out)
    }

    /// Adds later vote events (each replacing any earlier vote on its cell), new participants
    /// and comments included, in one pass over the stored votes: what an update after new
    /// votes costs, instead of rebuilding from every event.
    pub fn apply(&mut self, events: &[VoteEvent]) {
        if events.is_empty() {
            return;
        }
        let new = VoteMatrix::from_events(events, &self.moderated_ids);
        let pids = union(&self.pids, &new.pids);
        let tids = union(&self.tids, &new.tids);
        let old_col = positions_in(&self.tids, &tids);
        let new_col = positions_in(&new.tids, &tids);
        let old_row = positions_in(&self.pids, &pids);
        let new_row = positions_in(&new.pids, &pids);
        let mut row_start = Vec::with_capacity(pids.len() + 1);
        let mut cols = Vec::with_capacity(self.cols.len() + new.cols.len());
        let mut values = Vec::with_capacity(cols.capacity());
        let mut first_at = vec![i64::MAX; pids.len()];
        let (mut a, mut b) = (0, 0);
        for (r, first) in first_at.iter_mut().enumerate() {
            row_start.push(cols.len());
            let none = 0..0;
            let old = if old_row.get(a) == Some(&(r as u32)) {
                a += 1;
                *first = self.first_at[a - 1];
                self.row_start[a - 1]..self.row_start[a]
            } else {
                none.clone()
            };
            let added = if new_row.get(b) == Some(&(r as u32)) {
                b += 1;
                *first = (*first).min(new.first_at[b - 1]);
                new.row_start[b - 1]..new.row_start[b]
            } else {
                none
            };
            let mut old = old
                .map(|i| (old_col[self.cols[i] as usize], self.values[i]))
                .peekable();
            let mut added = added
                .map(|i| (new_col[new.cols[i] as usize], new.values[i]))
                .peekable();
            // Both are ascending by column; on the same column the later vote wins.
            loop {
                let take = match (old.peek(), added.peek()) {
                    (Some(x), Some(y)) if x.0 < y.0 => old.next(),
                    (Some(x), Some(y)) if x.0 == y.0 => {
                        old.next();
                        added.next()
                    }
                    (Some(_), None) => old.next(),
                    (_, Some(_)) => added.next(),
                    (None, None) => None,
                };
                let Some((c, v)) = take else { break };
                cols.push(c);
                values.push(v);
            }
        }
        row_start.push(cols.len());
        self.moderated_out = tids
            .iter()
            .map(|t| self.moderated_ids.contains(t))
            .collect();
        self.moderated_out_count = self.moderated_out.iter().filter(|&&o| o).count();
        self.pids = pids;
        self.tids = tids;
        self.row_start = row_start;
        self.cols = cols;
        self.values = values;
        self.first_at = first_at;
    }

    /// The row of a participant, if they voted.
    pub fn row_of(&self, pid: u64) -> Option<usize> {
        self.pids.binary_search(&pid).ok()
    }

    /// When a row's participant first voted.
    pub fn first_vote_at(&self, row: usize) -> i64 {
        self.first_at[row]
    }

    /// Number of rows (participants who voted).
    pub fn rows(&self) -> usize {
        self.pids.len()
    }

    /// Number of columns (`m`: comments with at least one vote).
    pub fn columns(&self) -> usize {
        self.tids.len()
    }

    /// Number of stored votes.
    pub fn votes(&self) -> usize {
        self.values.len()
    }

    /// The raw votes of a row: (column, internal value).
    pub fn row(&self, row: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let range = self.row_start[row]..self.row_start[row + 1];
        self.cols[range.clone()]
            .iter()
            .zip(&self.values[range])
            .map(|(&c, &v)| (c as usize, f64::from(v)))
    }

    /// A row's stored columns and internal-sign values (−1, 0, +1), for tight loops.
    pub fn row_slices(&self, row: usize) -> (&[u32], &[i8]) {
        let range = self.row_start[row]..self.row_start[row + 1];
        (&self.cols[range.clone()], &self.values[range])
    }

    /// Per column, the centred value of each possible vote (indexed by internal value + 1),
    /// with 0 for moderated-out columns: a vote's centred cell is one lookup.
    pub fn centred_values(&self, center: &[f64]) -> Vec<[f64; 3]> {
        center
            .iter()
            .zip(&self.moderated_out)
            .map(|(&mu, &out)| {
                if out {
                    [0.0; 3]
                } else {
                    [-1.0 - mu, -mu, 1.0 - mu]
                }
            })
            .collect()
    }

    /// The rating-matrix votes of a row: moderated-out columns left out (they are 0, which
    /// after centring on their mean of 0 contributes nothing).
    pub fn rated_row(&self, row: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.row(row).filter(|&(c, _)| !self.moderated_out[c])
    }

    /// How many cells of a row count as voted in the rating matrix: its votes plus every
    /// moderated-out column it did not vote on (those are 0, not empty).
    pub fn rated_count(&self, row: usize) -> usize {
        let voted_out = if self.moderated_out_count == 0 {
            0
        } else {
            self.row(row)
                .filter(|&(c, _)| self.moderated_out[c])
                .count()
        };
        self.row_start[row + 1] - self.row_start[row] - voted_out + self.moderated_out_count
    }

    /// The column means of the rating matrix over its non-empty cells (0 for moderated-out
    /// columns, which are 0 everywhere).
    pub fn column_means(&self) -> Vec<f64> {
        let mut sums = vec![0.0; self.columns()];
        let mut counts = vec![0u64; self.columns()];
        for row in 0..self.rows() {
            for (c, v) in self.rated_row(row) {
                sums[c] += v;
                counts[c] += 1;
            }
        }
        sums.iter()
            .zip(&counts)
            .map(|(&s, &n)| if n == 0 { 0.0 } else { s / n as f64 })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(pid: u64, tid: u64, vote: Vote, at: i64) -> VoteEvent {
        VoteEvent { pid, tid, vote, at }
    }

    #[test]
    fn the_latest_vote_wins_and_moderated_columns_are_zero_everywhere() {
        let events = [
            event(7, 3, Vote::Agree, 2),
            event(7, 3, Vote::Disagree, 1),
            event(2, 3, Vote::Disagree, 3),
            event(2, 9, Vote::Pass, 4),
            event(5, 9, Vote::Agree, 5),
        ];
        let m = VoteMatrix::from_events(&events, &BTreeSet::from([9]));
        assert_eq!(m.pids, vec![2, 5, 7]);
        assert_eq!(m.tids, vec![3, 9]);
        assert_eq!(
            m.row(2).collect::<Vec<_>>(),
            vec![(0, -1.0)],
            "agree at t=2 wins"
        );
        assert_eq!(m.column_means(), vec![0.0, 0.0]);
        // Participant 7 never saw comment 9, yet it counts: it is 0, not empty.
        assert_eq!(m.rated_count(2), 2);
        assert_eq!(m.rated_count(1), 1);
    }

    #[test]
    fn applying_later_votes_gives_the_matrix_built_from_all_of_them() {
        let mut events = Vec::new();
        let mut state = 7u64;
        for at in 0..400 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let vote = match (state >> 40) % 3 {
                0 => Vote::Agree,
                1 => Vote::Disagree,
                _ => Vote::Pass,
            };
            // Ids out of order and repeated cells, so later batches add rows and columns in
            // the middle and replace earlier votes.
            events.push(event(
                (state >> 20) % 37 * 3,
                (state >> 50) % 23 * 5,
                vote,
                at,
            ));
        }
        let hidden = BTreeSet::from([10, 45]);
        let whole = VoteMatrix::from_events(&events, &hidden);
        let mut grown = VoteMatrix::from_events(&[], &hidden);
        for batch in events.chunks(17) {
            grown.apply(batch);
        }
        assert_eq!(grown, whole);
        let mut shuffled = events.clone();
        shuffled.reverse();
        assert_eq!(
            VoteMatrix::from_events(&shuffled, &hidden),
            whole,
            "time order, not given order"
        );
    }
}
