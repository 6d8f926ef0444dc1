//! Opinion mapping as pol.is does it (../shared/docs/consensus-math.md), in pure Rust with no
//! I/O: the vote matrix with moderation, PCA by power iteration on the sparse matrix, the
//! sparsity-aware participant projection, comment projection and extremity, and participant
//! inclusion.
//!
//! Signs: inside this crate, as in pol.is, agree is −1, disagree +1 and pass 0. Convert at the
//! boundary with [`Vote::internal`].
//!
//! Also: base and group clustering with the k smoother (`groups`, `cluster`), group vote
//! counts and group-aware consensus, representativeness and consensus (`repness`), and comment
//! priorities (`priority`).

mod analysis;
mod cluster;
mod groups;
mod inclusion;
mod matrix;
pub mod opendata;
mod pca;
mod priority;
mod projection;
mod repness;
mod stats;

pub use analysis::{
    Analysis, CommentResult, CommentTally, ConversationState, Group, Participant,
    adjusted_rand_index, analyze, analyze_matrix, replay,
};
pub use cluster::{Cluster, Distances, kmeans, silhouette, silhouette_from};
pub use groups::{ClusterState, IdCluster, Tally, cluster, group_aware_consensus, group_votes};
pub use inclusion::{in_conversation, user_vote_counts};
pub use matrix::{MatrixBuilder, Vote, VoteEvent, VoteMatrix};
pub use pca::{LARGE_TOLERANCE, LARGE_VOTES, Pca, PcaOptions, pca};
pub use priority::comment_priorities;
pub use projection::{comment_extremity, comment_projection, participant_projection};
pub use repness::{Consensus, Representative, Side, consensus, representatives};
pub use stats::{Z_90, prop_test, significant, two_prop_test};

/// What can go wrong in the math.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsensusError {
    /// A warm-start state does not fit the matrix.
    #[error("the previous state has {found} columns, the matrix {expected}")]
    StateMismatch {
        /// Columns in the matrix.
        expected: usize,
        /// Columns in the state.
        found: usize,
    },
}
