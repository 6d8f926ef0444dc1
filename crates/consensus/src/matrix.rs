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

/// Numbers ids 0.. in ascending id order. Ids of real conversations are small and dense, so a
/// lookup table is used when it is at most a few times larger than the input; otherwise a hash
/// map. Nothing per input is kept, so numbering 50 M events costs only the distinct ids.
struct Numbering {
    /// The distinct ids, ascending.
    distinct: Vec<u64>,
    /// Number of each id, by id (dense ids).
    table: Vec<u32>,
    /// Number of each id (sparse ids).
    map: HashMap<u64, u32>,
}

impl Numbering {
    fn of(ids: impl Iterator<Item = u64> + Clone) -> Numbering {
        let count = ids.clone().count();
        let max = ids.clone().max().unwrap_or(0);
        let to_u32 = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        if max < (count as u64).saturating_mul(4).saturating_add(1024) {
            let mut table = vec![u32::MAX; usize::try_from(max).unwrap_or(0) + 1];
            for id in ids {
                table[id as usize] = 0;
            }
            let mut distinct = Vec::new();
            for (id, slot) in table.iter_mut().enumerate() {
                if *slot == 0 {
                    *slot = to_u32(distinct.len());
                    distinct.push(id as u64);
                }
            }
            return Numbering {
                distinct,
                table,
                map: HashMap::new(),
            };
        }
        let mut distinct: Vec<u64> = ids.collect();
        distinct.sort_unstable();
        distinct.dedup();
        let map = distinct
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, to_u32(i)))
            .collect();
        Numbering {
            distinct,
            table: Vec::new(),
            map,
        }
    }

    /// The number of an id that was numbered.
    fn get(&self, id: u64) -> usize {
        if self.table.is_empty() {
            self.map.get(&id).map_or(0, |&n| n as usize)
        } else {
            self.table[id as usize] as usize
        }
    }
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
}

fn internal(vote: Vote) -> i8 {
    match vote {
        Vote::Agree => -1,
        Vote::Disagree => 1,
        Vote::Pass => 0,
    }
}

impl VoteMatrix {
    /// Builds the matrix from vote events (applied in time order, the latest per cell wins;
    /// equal times keep their given order) and the ids of moderated-out or meta comments.
    ///
    /// Linear apart from small per-row sorts: participants and comments are numbered through a
    /// sorted list of their ids, events are bucketed by row in time order (counting sort,
    /// straight into the final arrays), and each row's few votes are sorted by column to keep
    /// the latest per cell.
    pub fn from_events(events: &[VoteEvent], moderated_out: &BTreeSet<u64>) -> VoteMatrix {
        // Events usually come in time order; otherwise they are visited through a stable sort.
        let in_order = events.windows(2).all(|w| w[0].at <= w[1].at);
        let order: Vec<u32> = if in_order {
            Vec::new()
        } else {
            let mut order: Vec<u32> = (0..events.len())
                .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
                .collect();
            order.sort_by_key(|&i| events[i as usize].at);
            order
        };
        let event = |i: usize| -> &VoteEvent {
            if in_order {
                &events[i]
            } else {
                &events[order[i] as usize]
            }
        };
        let pids = Numbering::of(events.iter().map(|e| e.pid));
        let tids = Numbering::of(events.iter().map(|e| e.tid));
        let rows = pids.distinct.len();
        let mut row_start = vec![0usize; rows + 1];
        for e in events {
            row_start[pids.get(e.pid) + 1] += 1;
        }
        for i in 0..rows {
            row_start[i + 1] += row_start[i];
        }
        let mut fill = row_start.clone();
        let mut cols = vec![0u32; events.len()];
        let mut values = vec![0i8; events.len()];
        for i in 0..events.len() {
            let e = event(i);
            let slot = &mut fill[pids.get(e.pid)];
            cols[*slot] = u32::try_from(tids.get(e.tid)).unwrap_or(u32::MAX);
            values[*slot] = internal(e.vote);
            *slot += 1;
        }
        drop(fill);
        // Per row: sort by column (stable, so time order holds within a column) and keep the
        // last vote of each column, compacting the arrays in place.
        let mut cells: Vec<(u32, i8)> = Vec::new();
        let mut write = 0;
        for r in 0..rows {
            let (from, to) = (row_start[r], row_start[r + 1]);
            cells.clear();
            cells.extend(
                cols[from..to]
                    .iter()
                    .copied()
                    .zip(values[from..to].iter().copied()),
            );
            cells.sort_by_key(|&(c, _)| c);
            row_start[r] = write;
            for (k, &(c, v)) in cells.iter().enumerate() {
                if cells.get(k + 1).is_none_or(|next| next.0 != c) {
                    cols[write] = c;
                    values[write] = v;
                    write += 1;
                }
            }
        }
        row_start[rows] = write;
        cols.truncate(write);
        values.truncate(write);
        cols.shrink_to_fit();
        values.shrink_to_fit();
        let out: Vec<bool> = tids
            .distinct
            .iter()
            .map(|t| moderated_out.contains(t))
            .collect();
        VoteMatrix {
            pids: pids.distinct,
            tids: tids.distinct,
            moderated_out_count: out.iter().filter(|&&o| o).count(),
            moderated_out: out,
            moderated_ids: moderated_out.clone(),
            row_start,
            cols,
            values,
        }
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
        let (mut a, mut b) = (0, 0);
        for r in 0..pids.len() {
            row_start.push(cols.len());
            let none = 0..0;
            let old = if old_row.get(a) == Some(&(r as u32)) {
                a += 1;
                self.row_start[a - 1]..self.row_start[a]
            } else {
                none.clone()
            };
            let added = if new_row.get(b) == Some(&(r as u32)) {
                b += 1;
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
