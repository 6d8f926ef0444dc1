//! The rating matrix: one row per participant who voted, one column per comment with at least
//! one vote (ascending comment id), stored sparsely because real conversations leave most cells
//! empty. Moderated-out columns count as voted (0) in every row, as in pol.is.

use std::collections::{BTreeSet, HashMap};

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

/// Numbers ids 0.. in ascending id order: the sorted distinct ids, and each input's number.
/// Ids of real conversations are small and dense, so a lookup table is used when it is at
/// most a few times larger than the input; otherwise a hash map.
fn number(ids: impl Iterator<Item = u64> + Clone) -> (Vec<u64>, Vec<u32>) {
    let count = ids.clone().count();
    let max = ids.clone().max().unwrap_or(0);
    let to_u32 = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    if max < (count as u64).saturating_mul(4).saturating_add(1024) {
        let mut table = vec![u32::MAX; usize::try_from(max).unwrap_or(0) + 1];
        for id in ids.clone() {
            table[id as usize] = 0;
        }
        let mut distinct = Vec::new();
        for (id, slot) in table.iter_mut().enumerate() {
            if *slot == 0 {
                *slot = to_u32(distinct.len());
                distinct.push(id as u64);
            }
        }
        let numbered = ids.map(|id| table[id as usize]).collect();
        return (distinct, numbered);
    }
    let mut distinct: Vec<u64> = ids.clone().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let map: HashMap<u64, u32> = distinct
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, to_u32(i)))
        .collect();
    let numbered = ids.map(|id| map[&id]).collect();
    (distinct, numbered)
}

/// The participants × comments matrix of the latest votes.
#[derive(Debug, Clone, PartialEq)]
pub struct VoteMatrix {
    /// Participant id of each row, ascending.
    pub pids: Vec<u64>,
    /// Comment id of each column, ascending.
    pub tids: Vec<u64>,
    /// Whether each column is moderated out (or meta): then it is 0 in every row.
    pub moderated_out: Vec<bool>,
    /// How many columns are moderated out (counted once: every row's rated count needs it).
    moderated_out_count: usize,
    /// Row starts into `cols` and `values` (length rows + 1).
    row_start: Vec<usize>,
    /// Column of each stored vote.
    cols: Vec<u32>,
    /// Internal-sign value of each stored vote (the raw vote, also for moderated-out columns).
    values: Vec<f64>,
}

impl VoteMatrix {
    /// Builds the matrix from vote events (applied in time order, the latest per cell wins;
    /// equal times keep their given order) and the ids of moderated-out or meta comments.
    ///
    /// Linear apart from small per-row sorts: participants and comments are numbered through a
    /// sorted list of their ids, events are bucketed by row (counting sort), and each row's
    /// few events are sorted by (column, time) to keep the latest per cell.
    pub fn from_events(events: &[VoteEvent], moderated_out: &BTreeSet<u64>) -> VoteMatrix {
        let (pids, rows) = number(events.iter().map(|e| e.pid));
        let (tids, columns) = number(events.iter().map(|e| e.tid));
        // Counting sort of the events by row.
        let mut start = vec![0usize; pids.len() + 1];
        for &r in &rows {
            start[r as usize + 1] += 1;
        }
        for i in 0..pids.len() {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut bucket: Vec<(u32, i64, u32)> = vec![(0, 0, 0); events.len()];
        for (i, &r) in rows.iter().enumerate() {
            let slot = &mut fill[r as usize];
            bucket[*slot] = (
                columns[i],
                events[i].at,
                u32::try_from(i).unwrap_or(u32::MAX),
            );
            *slot += 1;
        }
        let out: Vec<bool> = tids.iter().map(|t| moderated_out.contains(t)).collect();
        let mut matrix = VoteMatrix {
            pids,
            moderated_out_count: out.iter().filter(|&&o| o).count(),
            moderated_out: out,
            tids,
            row_start: Vec::with_capacity(start.len()),
            cols: Vec::with_capacity(events.len()),
            values: Vec::with_capacity(events.len()),
        };
        matrix.row_start.push(0);
        for r in 0..matrix.pids.len() {
            let cells = &mut bucket[start[r]..start[r + 1]];
            // Stable: equal (column, time) keep their given order, so the later event wins.
            cells.sort_by_key(|&(col, at, _)| (col, at));
            for (k, &(col, _, i)) in cells.iter().enumerate() {
                let last_of_column = cells.get(k + 1).is_none_or(|next| next.0 != col);
                if last_of_column {
                    matrix.cols.push(col);
                    matrix.values.push(events[i as usize].vote.internal());
                }
            }
            matrix.row_start.push(matrix.cols.len());
        }
        matrix
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
            .map(|(&c, &v)| (c as usize, v))
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
}
