//! What sets each group apart (representative comments) and what everyone shares (consensus
//! comments), with pol.is's tests and selection rules (`repness.clj`).

use crate::groups::Tally;
use crate::stats::{Z_90, prop_test, significant, two_prop_test};
use serde::{Deserialize, Serialize};

/// Which way a comment represents a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The group agrees more than the rest.
    Agree,
    /// The group disagrees more than the rest.
    Disagree,
}

/// A representative comment of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Representative {
    /// Column index.
    pub column: usize,
    /// Which way.
    pub side: Side,
    /// Agreements (or disagreements) in the group.
    pub n_success: u64,
    /// Group members who voted on it.
    pub n_trials: u64,
    /// `(1 + n_success) / (2 + n_trials)`.
    pub p_success: f64,
    /// Proportion test of `p_success`.
    pub p_test: f64,
    /// How much more than the rest.
    pub repness: f64,
    /// Two-proportion test against the rest.
    pub repness_test: f64,
    /// Chosen as the group's best agreed comment.
    pub best_agree: bool,
}

impl Representative {
    fn metric(&self) -> f64 {
        self.repness * self.repness_test * self.p_success * self.p_test
    }
}

/// The statistics of one comment for one group.
struct Stats {
    column: usize,
    na: f64,
    nd: f64,
    ns: f64,
    pa: f64,
    pd: f64,
    pat: f64,
    pdt: f64,
    ra: f64,
    rd: f64,
    rat: f64,
    rdt: f64,
}

fn stats(column: usize, own: Tally, rest: Tally) -> Stats {
    let (na, nd, ns) = (own.agree as f64, own.disagree as f64, own.seen as f64);
    let (ra_n, rd_n, rs) = (rest.agree as f64, rest.disagree as f64, rest.seen as f64);
    let pa = (1.0 + na) / (2.0 + ns);
    let pd = (1.0 + nd) / (2.0 + ns);
    Stats {
        column,
        na,
        nd,
        ns,
        pa,
        pd,
        pat: prop_test(na, ns),
        pdt: prop_test(nd, ns),
        ra: pa / ((1.0 + ra_n) / (2.0 + rs)),
        rd: pd / ((1.0 + rd_n) / (2.0 + rs)),
        rat: two_prop_test(na, ra_n, ns, rs),
        rdt: two_prop_test(nd, rd_n, ns, rs),
    }
}

fn finalize(s: &Stats, best_agree: bool) -> Representative {
    let agree = s.rat > s.rdt;
    Representative {
        column: s.column,
        side: if agree { Side::Agree } else { Side::Disagree },
        n_success: if agree { s.na } else { s.nd } as u64,
        n_trials: s.ns as u64,
        p_success: if agree { s.pa } else { s.pd },
        p_test: if agree { s.pat } else { s.pdt },
        repness: if agree { s.ra } else { s.rd },
        // pol.is keeps this one as a 32-bit float, and compares and sorts with that value.
        repness_test: f64::from((if agree { s.rat } else { s.rdt }) as f32),
        best_agree,
    }
}

/// The representative comments of group `g` (at most 5), given every group's tallies and which
/// columns are moderated out.
pub fn representatives(
    votes: &[Vec<Tally>],
    g: usize,
    moderated_out: &[bool],
) -> Vec<Representative> {
    let columns = moderated_out.len();
    let mut sufficient: Vec<Stats> = Vec::new();
    let mut best: Option<Stats> = None;
    let mut best_agree: Option<Stats> = None;
    for c in 0..columns {
        if moderated_out[c] {
            continue;
        }
        let own = votes[g][c];
        let mut rest = Tally::default();
        for (h, group) in votes.iter().enumerate() {
            if h != g {
                rest.agree += group[c].agree;
                rest.disagree += group[c].disagree;
                rest.seen += group[c].seen;
            }
        }
        let s = stats(c, own, rest);
        let passes = (significant(s.rat) && significant(s.pat))
            || (significant(s.rdt) && significant(s.pdt));
        // best-agree: the group's most clearly agreed comment.
        let agree_candidate = !(s.na == 0.0 && s.nd == 0.0)
            && match &best_agree {
                Some(b) if b.ra > 1.0 => s.ra * s.rat * s.pa * s.pat > b.ra * b.rat * b.pa * b.pat,
                Some(b) => s.pa * s.pat > b.pa * b.pat,
                None => s.pat > Z_90 || (s.ra > 1.0 && s.pa > 0.5),
            };
        if sufficient.is_empty() && !passes {
            let better = best
                .as_ref()
                .is_none_or(|b| s.rat.max(s.rdt) > finalize(b, false).repness_test);
            if better {
                best = Some(stats(c, own, rest));
            }
        }
        if agree_candidate {
            best_agree = Some(stats(c, own, rest));
        }
        if passes {
            sufficient.push(s);
        }
    }
    if sufficient.is_empty() {
        return match (best_agree, best) {
            (Some(b), _) => vec![finalize(&b, true)],
            (None, Some(b)) => vec![finalize(&b, false)],
            (None, None) => Vec::new(),
        };
    }
    let best_column = best_agree.as_ref().map(|b| b.column);
    let mut chosen: Vec<Representative> = sufficient
        .iter()
        .filter(|s| Some(s.column) != best_column)
        .map(|s| finalize(s, false))
        .collect();
    chosen.sort_by(|a, b| b.metric().total_cmp(&a.metric()));
    if let Some(b) = &best_agree {
        chosen.insert(0, finalize(b, true));
    }
    chosen.truncate(5);
    // Agreed comments first, keeping the order within each side.
    let (mut agree, disagree): (Vec<_>, Vec<_>) =
        chosen.into_iter().partition(|r| r.side == Side::Agree);
    agree.extend(disagree);
    agree
}

/// A consensus comment: most of everyone agrees (or disagrees).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consensus {
    /// Column index.
    pub column: usize,
    /// Agreements (or disagreements).
    pub n_success: u64,
    /// Voters.
    pub n_trials: u64,
    /// `(1 + n_success) / (2 + n_trials)`.
    pub p_success: f64,
    /// Proportion test.
    pub p_test: f64,
}

/// The top 5 comments that everyone agrees with, and the top 5 everyone disagrees with,
/// from tallies over all participants.
pub fn consensus(all: &[Tally], moderated_out: &[bool]) -> (Vec<Consensus>, Vec<Consensus>) {
    let pick = |disagree: bool| {
        let mut list: Vec<Consensus> = all
            .iter()
            .enumerate()
            .filter(|(c, _)| !moderated_out[*c])
            .map(|(c, t)| {
                let n = if disagree { t.disagree } else { t.agree };
                let p = (1.0 + n as f64) / (2.0 + t.seen as f64);
                Consensus {
                    column: c,
                    n_success: n,
                    n_trials: t.seen,
                    p_success: p,
                    p_test: prop_test(n as f64, t.seen as f64),
                }
            })
            .filter(|x| x.p_success > 0.5 && significant(x.p_test))
            .collect();
        list.sort_by(|a, b| (b.p_success * b.p_test).total_cmp(&(a.p_success * a.p_test)));
        list.truncate(5);
        list
    };
    (pick(false), pick(true))
}
