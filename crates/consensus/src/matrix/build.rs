//! Building a vote matrix from vote events that arrive one by one, as they are read from a
//! database or a CSV file, so the events themselves never need to be held: 50 M votes are
//! staged in 9 bytes each and put in place by a radix sort, whose passes write in long
//! sequential runs instead of scattering every vote to a random row.

use super::{Vote, VoteEvent, VoteMatrix};
use std::collections::{BTreeSet, HashMap};

/// Ids below this are staged as themselves and remembered in a bitset (real ids are small and
/// dense: a million participants take 128 KB, which stays in cache while 50 M votes stream
/// past); larger ids through a hash map, staged from this number on.
const DENSE_IDS: u64 = 1 << 22;

/// Stages ids as they come and numbers them in ascending order at the end.
#[derive(Default)]
struct IdTable {
    /// Which small ids were met (bit per id).
    seen: Vec<u64>,
    /// Each large id's number among the large ids, in the order met.
    sparse: HashMap<u64, u32>,
    /// The large ids, in the order met.
    sparse_ids: Vec<u64>,
}

impl IdTable {
    /// The staged form of `id` (itself when small), and whether it is new.
    fn stage(&mut self, id: u64) -> (u32, bool) {
        if id < DENSE_IDS {
            let (word, bit) = ((id / 64) as usize, 1u64 << (id % 64));
            if word >= self.seen.len() {
                self.seen.resize((word + 1).max(self.seen.len() * 2), 0);
            }
            let new = self.seen[word] & bit == 0;
            self.seen[word] |= bit;
            return (id as u32, new);
        }
        let next = u32::try_from(self.sparse_ids.len()).unwrap_or(u32::MAX);
        let number = *self.sparse.entry(id).or_insert(next);
        let new = number == next;
        if new {
            self.sparse_ids.push(id);
        }
        (number.saturating_add(DENSE_IDS as u32), new)
    }

    /// The ids ascending, and a table from staged form to position among them.
    fn sorted(self) -> (Vec<u64>, Ranks) {
        let mut ids = Vec::new();
        let mut dense = vec![0u32; self.seen.len() * 64];
        for (word, &bits) in self.seen.iter().enumerate() {
            let mut rest = bits;
            while rest != 0 {
                let id = word * 64 + rest.trailing_zeros() as usize;
                dense[id] = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                ids.push(id as u64);
                rest &= rest - 1;
            }
        }
        let mut order: Vec<u32> = (0..self.sparse_ids.len())
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        order.sort_unstable_by_key(|&n| self.sparse_ids[n as usize]);
        let mut sparse = vec![0u32; self.sparse_ids.len()];
        for &n in &order {
            sparse[n as usize] = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            ids.push(self.sparse_ids[n as usize]);
        }
        (ids, Ranks { dense, sparse })
    }
}

/// Positions of staged ids among all ids, ascending.
struct Ranks {
    dense: Vec<u32>,
    sparse: Vec<u32>,
}

impl Ranks {
    fn of(&self, staged: u32) -> u32 {
        if u64::from(staged) < DENSE_IDS {
            self.dense[staged as usize]
        } else {
            self.sparse[(staged - DENSE_IDS as u32) as usize]
        }
    }
}

/// Builds a [`VoteMatrix`] from vote events pushed in time order (the later push wins a
/// cell, whatever its `at`).
pub struct MatrixBuilder {
    moderated_out: BTreeSet<u64>,
    pids: IdTable,
    tids: IdTable,
    /// Per staged vote: its participant's and comment's staged ids and internal value.
    rows: Vec<u32>,
    cols: Vec<u32>,
    values: Vec<i8>,
    /// Each participant's staged id and first vote time, in the order met.
    first_at: Vec<(u32, i64)>,
}

/// pol.is's internal value of a vote: agree −1, disagree +1, pass 0.
pub(super) fn internal(vote: Vote) -> i8 {
    match vote {
        Vote::Agree => -1,
        Vote::Disagree => 1,
        Vote::Pass => 0,
    }
}

impl MatrixBuilder {
    /// A builder whose matrix has `moderated_out` (moderated-out or meta comments) as zero
    /// columns.
    pub fn new(moderated_out: &BTreeSet<u64>) -> MatrixBuilder {
        MatrixBuilder {
            moderated_out: moderated_out.clone(),
            pids: IdTable::default(),
            tids: IdTable::default(),
            rows: Vec::new(),
            cols: Vec::new(),
            values: Vec::new(),
            first_at: Vec::new(),
        }
    }

    /// Room for `votes` more votes, when their number is known.
    pub fn reserve(&mut self, votes: usize) {
        self.rows.reserve_exact(votes);
        self.cols.reserve_exact(votes);
        self.values.reserve_exact(votes);
    }

    /// Adds the next vote event.
    pub fn push(&mut self, event: &VoteEvent) {
        let (row, new) = self.pids.stage(event.pid);
        // Events come in time order, so a participant's first event is their first vote.
        if new {
            self.first_at.push((row, event.at));
        }
        self.rows.push(row);
        self.cols.push(self.tids.stage(event.tid).0);
        self.values.push(internal(event.vote));
    }

    /// The matrix: rows and columns in ascending id order, the latest vote per cell.
    pub fn finish(self) -> VoteMatrix {
        let MatrixBuilder {
            moderated_out,
            pids,
            tids,
            rows,
            cols,
            values,
            first_at,
        } = self;
        let (pids, row_rank) = pids.sorted();
        let (tids, col_rank) = tids.sorted();
        let mut first = vec![0i64; pids.len()];
        for &(staged, at) in &first_at {
            first[row_rank.of(staged) as usize] = at;
        }
        let column_bits = bits(tids.len());
        let row_bits = bits(pids.len());
        // Key: row, then column, then the value in the two lowest bits; the sort is stable,
        // so within a cell the votes stay in arrival order and the last one wins.
        if row_bits + column_bits + 2 > 64 {
            // Beyond 2^62 cells: a plain stable sort (never met in practice).
            let mut cells: Vec<(u32, u32, i8)> = (0..rows.len())
                .map(|i| (row_rank.of(rows[i]), col_rank.of(cols[i]), values[i]))
                .collect();
            cells.sort_by_key(|&(r, c, _)| (r, c));
            return assemble(pids, tids, &moderated_out, first, cells.into_iter());
        }
        let mut keys: Vec<u64> = (0..rows.len())
            .map(|i| {
                let row = u64::from(row_rank.of(rows[i]));
                let col = u64::from(col_rank.of(cols[i]));
                (((row << column_bits) | col) << 2) | (values[i] + 1) as u64
            })
            .collect();
        drop((rows, cols, values));
        radix_sort(&mut keys, 2, row_bits + column_bits);
        let column_mask = (1u64 << column_bits) - 1;
        let cells = keys.iter().map(|&k| {
            let cell = k >> 2;
            (
                (cell >> column_bits) as u32,
                (cell & column_mask) as u32,
                (k & 3) as i8 - 1,
            )
        });
        assemble(pids, tids, &moderated_out, first, cells)
    }
}

/// Bits needed to number `n` things (0 for one or none).
fn bits(n: usize) -> u32 {
    usize::BITS - n.saturating_sub(1).leading_zeros()
}

/// Stable LSD radix sort of `keys` by bits `from .. from + width`, up to 12 bits per pass (4,096
/// buckets, whose write positions stay in cache), in as few equal passes as that allows.
fn radix_sort(keys: &mut Vec<u64>, from: u32, width: u32) {
    const MAX_DIGIT: u32 = 12;
    let passes = width.div_ceil(MAX_DIGIT).max(1);
    let digit = width.div_ceil(passes);
    let mut buffer = vec![0u64; keys.len()];
    let mut shift = from;
    while shift < from + width {
        let digit_bits = digit.min(from + width - shift);
        let mask = (1u64 << digit_bits) - 1;
        let mut start = vec![0usize; (1 << digit_bits) + 1];
        for &k in keys.iter() {
            start[((k >> shift) & mask) as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        for &k in keys.iter() {
            let slot = &mut start[((k >> shift) & mask) as usize];
            buffer[*slot] = k;
            *slot += 1;
        }
        std::mem::swap(keys, &mut buffer);
        shift += digit_bits;
    }
}

/// The matrix from cells sorted by (row, column), arrival order kept within a cell.
fn assemble(
    pids: Vec<u64>,
    tids: Vec<u64>,
    moderated_out: &BTreeSet<u64>,
    first_at: Vec<i64>,
    cells: impl Iterator<Item = (u32, u32, i8)>,
) -> VoteMatrix {
    let mut row_start = vec![0usize; pids.len() + 1];
    let mut cols: Vec<u32> = Vec::new();
    let mut values: Vec<i8> = Vec::new();
    let mut last: Option<(u32, u32)> = None;
    for (row, col, value) in cells {
        if last == Some((row, col)) {
            // A later vote on the same cell replaces the one just kept.
            if let Some(v) = values.last_mut() {
                *v = value;
            }
            continue;
        }
        last = Some((row, col));
        row_start[row as usize + 1] += 1;
        cols.push(col);
        values.push(value);
    }
    for i in 0..pids.len() {
        row_start[i + 1] += row_start[i];
    }
    cols.shrink_to_fit();
    values.shrink_to_fit();
    let out: Vec<bool> = tids.iter().map(|t| moderated_out.contains(t)).collect();
    VoteMatrix {
        moderated_out_count: out.iter().filter(|&&o| o).count(),
        moderated_out: out,
        moderated_ids: moderated_out.clone(),
        pids,
        tids,
        row_start,
        cols,
        values,
        first_at,
    }
}

/// Pushes events in time order (equal times in their given order) and builds.
pub(super) fn from_events(events: &[VoteEvent], moderated_out: &BTreeSet<u64>) -> VoteMatrix {
    let mut builder = MatrixBuilder::new(moderated_out);
    builder.reserve(events.len());
    if events.windows(2).all(|w| w[0].at <= w[1].at) {
        for e in events {
            builder.push(e);
        }
    } else {
        let mut order: Vec<u32> = (0..events.len())
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        order.sort_by_key(|&i| events[i as usize].at);
        for i in order {
            builder.push(&events[i as usize]);
        }
    }
    builder.finish()
}
