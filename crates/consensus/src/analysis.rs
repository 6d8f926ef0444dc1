//! One update of a conversation's analysis, warm-started from the state the previous update
//! left: components, the sticky set of included participants, the clusterings and the k
//! smoother, and the group votes that pol.is's priorities read one update late.

use crate::groups::{ClusterState, IdCluster, Tally, cluster, group_aware_consensus, group_votes};
use crate::inclusion::{in_conversation, user_vote_counts};
use crate::matrix::{VoteEvent, VoteMatrix};
use crate::pca::{Pca, PcaOptions, pca};
use crate::priority::comment_priorities;
use crate::projection::{comment_extremity, participant_projection};
use crate::repness::{Consensus, Representative, consensus, representatives};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What one update leaves for the next (serializable, so it can be stored).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConversationState {
    /// The previous components.
    pub pca: Option<Pca>,
    /// Participants included so far (never removed).
    pub in_conv: BTreeSet<u64>,
    /// Clusterings and the k smoother.
    pub clusters: ClusterState,
    /// The previous update's vote counts per comment, summed over groups.
    pub group_votes: BTreeMap<u64, Tally>,
}

/// A participant on the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    /// Participant id.
    pub pid: u64,
    /// Position on the map.
    pub position: [f64; 2],
    /// Their opinion group, when included.
    pub group: Option<usize>,
}

/// An opinion group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Group id.
    pub id: usize,
    /// Its participants.
    pub members: Vec<u64>,
    /// Its centre on the map.
    pub center: [f64; 2],
    /// Its representative comments.
    pub representatives: Vec<(u64, Representative)>,
}

/// Per comment: where it sits, how much every group agrees, and its priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentResult {
    /// Comment id.
    pub tid: u64,
    /// Its position on the map.
    pub position: [f64; 2],
    /// Distance from the centre.
    pub extremity: f64,
    /// Group-aware consensus, agree.
    pub agree_consensus: f64,
    /// Group-aware consensus, disagree.
    pub disagree_consensus: f64,
    /// How much to show it next.
    pub priority: f64,
}

/// One comment's counts: everyone's, and each group's (in the order of [`Analysis::groups`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentTally {
    /// Comment id.
    pub tid: u64,
    /// Everyone who voted on it.
    pub all: Tally,
    /// Per group.
    pub groups: Vec<Tally>,
}

/// The result of one update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Every participant who voted.
    pub participants: Vec<Participant>,
    /// The opinion groups.
    pub groups: Vec<Group>,
    /// Comments most agree with.
    pub consensus_agree: Vec<(u64, Consensus)>,
    /// Comments most disagree with.
    pub consensus_disagree: Vec<(u64, Consensus)>,
    /// Per comment.
    pub comments: Vec<CommentResult>,
    /// Per comment, the counts the groups were computed from, so reports need not count the
    /// votes again (absent from analyses stored before they were kept).
    #[serde(default)]
    pub tallies: Vec<CommentTally>,
}

/// What one update computes before its report: the matrix, the components and positions,
/// who is included, the clusterings and the group votes. The next update needs only this.
struct Step {
    matrix: VoteMatrix,
    components: Pca,
    positions: Vec<[f64; 2]>,
    in_conv: BTreeSet<u64>,
    group_clusters: Vec<IdCluster>,
    clusters: ClusterState,
    group_pids: Vec<Vec<u64>>,
    votes: Vec<Vec<Tally>>,
}

impl Step {
    /// The state the next update starts from (the previous group votes summed per comment).
    fn state(&self) -> ConversationState {
        let mut summed: BTreeMap<u64, Tally> = BTreeMap::new();
        for g in &self.votes {
            for (c, t) in g.iter().enumerate() {
                let s = summed.entry(self.matrix.tids[c]).or_default();
                s.agree += t.agree;
                s.disagree += t.disagree;
                s.seen += t.seen;
            }
        }
        ConversationState {
            pca: Some(self.components.clone()),
            in_conv: self.in_conv.clone(),
            clusters: self.clusters.clone(),
            group_votes: summed,
        }
    }
}

/// The matrix of some vote events, with moderated-out and meta comments as zero columns.
fn matrix_of(
    events: &[VoteEvent],
    moderated_out: &BTreeSet<u64>,
    meta: &BTreeSet<u64>,
) -> VoteMatrix {
    let mut out = moderated_out.clone();
    out.extend(meta.iter().copied());
    VoteMatrix::from_events(events, &out)
}

/// The part of an update every update needs, with the PCA run to `options`.
fn step(matrix: VoteMatrix, previous: &ConversationState, options: PcaOptions) -> Step {
    let components = pca(
        &matrix,
        previous.pca.as_ref(),
        options.suited_to(matrix.votes()),
    );
    let positions = participant_projection(&matrix, &components);
    let counts = user_vote_counts(&matrix);
    let in_conv = in_conversation(&matrix.pids, &counts, matrix.columns(), &previous.in_conv);

    // The included rows, met in the order pol.is meets participants (first vote, then id):
    // k-means starts from that order. Both lists ascend, so one merge finds them.
    let mut included = in_conv.iter().copied().peekable();
    let mut rows: Vec<usize> = (0..matrix.rows())
        .filter(|&r| {
            while included.next_if(|&p| p < matrix.pids[r]).is_some() {}
            included.next_if_eq(&matrix.pids[r]).is_some()
        })
        .collect();
    rows.sort_by_key(|&r| (matrix.first_vote_at(r), matrix.pids[r]));
    let pids: Vec<u64> = rows.iter().map(|&r| matrix.pids[r]).collect();
    let points: Vec<[f64; 2]> = rows.iter().map(|&r| positions[r]).collect();
    let (group_clusters, clusters) = cluster(&pids, &points, &previous.clusters);

    let base_members: HashMap<u64, &Vec<u64>> = clusters
        .base
        .iter()
        .map(|b| (b.id as u64, &b.members))
        .collect();
    let members_of = |g: &IdCluster| -> Vec<u64> {
        g.members
            .iter()
            .filter_map(|b| base_members.get(b))
            .flat_map(|m| m.iter().copied())
            .collect()
    };
    let group_pids: Vec<Vec<u64>> = group_clusters.iter().map(members_of).collect();
    let group_rows: Vec<Vec<usize>> = group_pids
        .iter()
        .map(|ps| ps.iter().filter_map(|&p| matrix.row_of(p)).collect())
        .collect();
    let votes = group_votes(&matrix, &group_rows);
    Step {
        matrix,
        components,
        positions,
        in_conv,
        group_clusters,
        clusters,
        group_pids,
        votes,
    }
}

/// Runs one update over all vote events so far.
pub fn analyze(
    events: &[VoteEvent],
    moderated_out: &BTreeSet<u64>,
    meta: &BTreeSet<u64>,
    previous: &ConversationState,
) -> (Analysis, ConversationState) {
    analyze_matrix(matrix_of(events, moderated_out, meta), meta, previous)
}

/// Runs one update on a matrix already built (with the moderated-out and meta comments as its
/// zero columns), e.g. streamed through a [`crate::MatrixBuilder`] without holding the events.
pub fn analyze_matrix(
    matrix: VoteMatrix,
    meta: &BTreeSet<u64>,
    previous: &ConversationState,
) -> (Analysis, ConversationState) {
    let done = step(matrix, previous, PcaOptions::default());
    let state = done.state();
    (report(done, meta, previous), state)
}

/// The result people see, from an update's step.
fn report(done: Step, meta: &BTreeSet<u64>, previous: &ConversationState) -> Analysis {
    let Step {
        matrix,
        components,
        positions,
        group_clusters,
        group_pids,
        votes,
        ..
    } = done;
    let mut group_of: HashMap<u64, usize> = HashMap::new();
    let groups: Vec<Group> = group_clusters
        .iter()
        .zip(&group_pids)
        .enumerate()
        .map(|(g, (cluster, members))| {
            for p in members {
                group_of.insert(*p, cluster.id);
            }
            Group {
                id: cluster.id,
                members: members.clone(),
                center: cluster.center,
                representatives: representatives(&votes, g, &matrix.moderated_out)
                    .into_iter()
                    .map(|r| (matrix.tids[r.column], r))
                    .collect(),
            }
        })
        .collect();

    let everyone: Vec<usize> = (0..matrix.rows()).collect();
    let all = group_votes(&matrix, std::slice::from_ref(&everyone)).remove(0);
    let (agree, disagree) = consensus(&all, &matrix.moderated_out);
    let extremity = comment_extremity(&components);
    let projection = crate::projection::comment_projection(&components);
    let agree_gac = group_aware_consensus(&votes, matrix.columns(), false);
    let disagree_gac = group_aware_consensus(&votes, matrix.columns(), true);
    // Priorities read the previous update's group votes, as pol.is does.
    let previous_votes = vec![
        matrix
            .tids
            .iter()
            .map(|t| previous.group_votes.get(t).copied().unwrap_or_default())
            .collect::<Vec<Tally>>(),
    ];
    let is_meta: Vec<bool> = matrix.tids.iter().map(|t| meta.contains(t)).collect();
    let priorities = comment_priorities(&previous_votes, &extremity, &is_meta);

    let comments = matrix
        .tids
        .iter()
        .enumerate()
        .map(|(c, &tid)| CommentResult {
            tid,
            position: projection[c],
            extremity: extremity[c],
            agree_consensus: agree_gac[c],
            disagree_consensus: disagree_gac[c],
            priority: priorities[c],
        })
        .collect();
    let participants = matrix
        .pids
        .iter()
        .zip(&positions)
        .map(|(&pid, &position)| Participant {
            pid,
            position,
            group: group_of.get(&pid).copied(),
        })
        .collect();
    let tallies = matrix
        .tids
        .iter()
        .enumerate()
        .map(|(c, &tid)| CommentTally {
            tid,
            all: all[c],
            groups: votes.iter().map(|g| g[c]).collect(),
        })
        .collect();
    let tid = |x: Consensus| (matrix.tids[x.column], x);
    Analysis {
        tallies,
        participants,
        groups,
        consensus_agree: agree.into_iter().map(tid).collect(),
        consensus_disagree: disagree.into_iter().map(tid).collect(),
        comments,
    }
}

/// Replays a vote log the way pol.is computed it: one update per `tick` (in the events' time
/// unit) in which votes arrived, each warm-started from the one before. pol.is's groups depend
/// on that history (sticky inclusion, warm-started k-means, the k smoother), so a replay comes
/// closer to them than one cold update. A `tick` of 0 is a single update.
pub fn replay(
    events: &[VoteEvent],
    moderated_out: &BTreeSet<u64>,
    meta: &BTreeSet<u64>,
    tick: i64,
) -> (Analysis, ConversationState) {
    let mut ordered = events.to_vec();
    ordered.sort_by_key(|e| e.at);
    let mut ends = Vec::new();
    if tick > 0
        && let Some(first) = ordered.first()
    {
        let mut tick_start = first.at;
        for (i, e) in ordered.iter().enumerate() {
            if e.at - tick_start >= tick {
                ends.push(i);
                tick_start = e.at;
            }
        }
    }
    let mut state = ConversationState::default();
    // One matrix grows update by update: each adds only the votes since the one before.
    let mut matrix = matrix_of(&[], moderated_out, meta);
    let mut applied = 0;
    // Updates before the last only carry state forward: no report, and the PCA stops where
    // pol.is's own warm-started power iteration stops (see `PcaOptions::per_update`).
    for end in ends {
        matrix.apply(&ordered[applied..end]);
        applied = end;
        let done = step(matrix, &state, PcaOptions::per_update());
        state = done.state();
        matrix = done.matrix;
    }
    matrix.apply(&ordered[applied..]);
    let done = step(matrix, &state, PcaOptions::default());
    let next = done.state();
    (report(done, meta, &state), next)
}

/// Adjusted Rand index of two labellings of the same items (1 = identical partitions, about 0
/// = chance).
pub fn adjusted_rand_index(a: &[usize], b: &[usize]) -> f64 {
    let n = a.len().min(b.len());
    if n < 2 {
        return 1.0;
    }
    let mut table: HashMap<(usize, usize), u64> = HashMap::new();
    let mut rows: HashMap<usize, u64> = HashMap::new();
    let mut cols: HashMap<usize, u64> = HashMap::new();
    for i in 0..n {
        *table.entry((a[i], b[i])).or_default() += 1;
        *rows.entry(a[i]).or_default() += 1;
        *cols.entry(b[i]).or_default() += 1;
    }
    let pairs = |x: u64| (x * x.saturating_sub(1)) as f64 / 2.0;
    let index: f64 = table.values().map(|&x| pairs(x)).sum();
    let row_sum: f64 = rows.values().map(|&x| pairs(x)).sum();
    let col_sum: f64 = cols.values().map(|&x| pairs(x)).sum();
    let expected = row_sum * col_sum / pairs(n as u64);
    let max = (row_sum + col_sum) / 2.0;
    if (max - expected).abs() < f64::EPSILON {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rand_index_is_one_for_relabelled_partitions_and_low_for_unrelated_ones() {
        assert!((adjusted_rand_index(&[0, 0, 1, 1], &[1, 1, 0, 0]) - 1.0).abs() < 1e-12);
        assert!(adjusted_rand_index(&[0, 0, 1, 1], &[0, 1, 0, 1]) < 0.0);
    }
}
