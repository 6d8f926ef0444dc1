//! The report's figures: agree, disagree and pass per statement, overall and per group,
//! counted from the votes; the statements the plain-language summary names; and the figures
//! as spreadsheet-safe CSV.

use inspraak_consensus::{CommentResult, CommentTally, Participant, Tally, Vote, VoteEvent};
use inspraak_domain::csv::Csv;
use std::collections::{BTreeMap, HashMap};

/// One statement's counts: everyone's, and each group's (in the analysis' group order).
#[derive(Debug, Clone, PartialEq)]
pub struct StatementFigures {
    /// The statement's number.
    pub tid: u64,
    /// Everyone who voted on it.
    pub all: Tally,
    /// Per group.
    pub groups: Vec<Tally>,
}

/// Passes: seen, but neither agreed nor disagreed.
pub fn passes(t: &Tally) -> u64 {
    t.seen.saturating_sub(t.agree + t.disagree)
}

/// `n` of `seen` as a whole percentage (0 when nobody voted).
pub fn percent(n: u64, seen: u64) -> u64 {
    if seen == 0 {
        0
    } else {
        (n * 200 + seen) / (2 * seen)
    }
}

/// Counts the latest vote of every participant on every statement in `tids` (in that order),
/// overall and for the participant's group (`group_of` gives the index among `groups`).
pub fn tallies(
    votes: &[VoteEvent],
    group_of: &HashMap<u64, usize>,
    groups: usize,
    tids: &[u64],
) -> Vec<StatementFigures> {
    let mut latest: HashMap<(u64, u64), (i64, Vote)> = HashMap::new();
    for v in votes {
        let entry = latest.entry((v.pid, v.tid)).or_insert((v.at, v.vote));
        if v.at >= entry.0 {
            *entry = (v.at, v.vote);
        }
    }
    let mut by_tid: BTreeMap<u64, StatementFigures> = tids
        .iter()
        .map(|&tid| {
            (
                tid,
                StatementFigures {
                    tid,
                    all: Tally::default(),
                    groups: vec![Tally::default(); groups],
                },
            )
        })
        .collect();
    for (&(pid, tid), &(_, vote)) in &latest {
        let Some(figures) = by_tid.get_mut(&tid) else {
            continue;
        };
        let group = group_of.get(&pid).copied().filter(|&g| g < groups);
        for t in std::iter::once(&mut figures.all).chain(group.map(|g| &mut figures.groups[g])) {
            t.seen += 1;
            match vote {
                Vote::Agree => t.agree += 1,
                Vote::Disagree => t.disagree += 1,
                Vote::Pass => {}
            }
        }
    }
    tids.iter().filter_map(|t| by_tid.remove(t)).collect()
}

/// The figures of the statements `tids` (in that order) from the counts an analysis kept;
/// statements nobody voted on count zero.
pub fn from_analysis(
    tallies: &[CommentTally],
    groups: usize,
    tids: &[u64],
) -> Vec<StatementFigures> {
    let by_tid: HashMap<u64, &CommentTally> = tallies.iter().map(|t| (t.tid, t)).collect();
    tids.iter()
        .map(|&tid| match by_tid.get(&tid) {
            Some(t) => StatementFigures {
                tid,
                all: t.all,
                groups: (0..groups)
                    .map(|g| t.groups.get(g).copied().unwrap_or_default())
                    .collect(),
            },
            None => StatementFigures {
                tid,
                all: Tally::default(),
                groups: vec![Tally::default(); groups],
            },
        })
        .collect()
}

/// Where the groups differ most: one group's agree share against another's.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// The statement.
    pub tid: u64,
    /// The group (index) that agrees most, and its share in percent.
    pub high: (usize, u64),
    /// The group (index) that agrees least, and its share in percent.
    pub low: (usize, u64),
}

/// What the plain-language summary says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Up to two statements with the highest group-aware consensus that most of every group
    /// agrees with.
    pub agreed: Vec<u64>,
    /// The statement whose agree share differs most between groups (needs two groups).
    pub differ: Option<Difference>,
}

/// Picks the summary's statements from the figures and the analysis' comments.
pub fn summarise(figures: &[StatementFigures], comments: &[CommentResult]) -> Summary {
    let by_tid: HashMap<u64, &StatementFigures> = figures.iter().map(|f| (f.tid, f)).collect();
    let mut ranked: Vec<&CommentResult> = comments
        .iter()
        .filter(|c| {
            by_tid.get(&c.tid).is_some_and(|f| {
                !f.groups.is_empty() && f.groups.iter().all(|g| g.seen > 0 && 2 * g.agree > g.seen)
            })
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.agree_consensus
            .total_cmp(&a.agree_consensus)
            .then(a.tid.cmp(&b.tid))
    });
    let agreed = ranked.iter().take(2).map(|c| c.tid).collect();
    let mut differ: Option<(f64, Difference)> = None;
    for f in figures {
        let shares: Vec<(usize, f64)> = f
            .groups
            .iter()
            .enumerate()
            .filter(|(_, t)| t.seen > 0)
            .map(|(g, t)| (g, t.agree as f64 / t.seen as f64))
            .collect();
        if shares.len() < 2 {
            continue;
        }
        let high = shares
            .iter()
            .copied()
            .fold(shares[0], |a, b| if b.1 > a.1 { b } else { a });
        let low = shares
            .iter()
            .copied()
            .fold(shares[0], |a, b| if b.1 < a.1 { b } else { a });
        let spread = high.1 - low.1;
        if spread > 0.0 && differ.as_ref().is_none_or(|(s, _)| spread > *s) {
            let share = |g: usize| percent(f.groups[g].agree, f.groups[g].seen);
            differ = Some((
                spread,
                Difference {
                    tid: f.tid,
                    high: (high.0, share(high.0)),
                    low: (low.0, share(low.0)),
                },
            ));
        }
    }
    Summary {
        agreed,
        differ: differ.map(|(_, d)| d),
    }
}

/// Per statement and group (`all` for everyone, then the groups by the numbers the report
/// shows): agree, disagree, pass and seen.
pub fn statements_csv(
    figures: &[StatementFigures],
    texts: &HashMap<u64, String>,
    group_numbers: &[usize],
) -> String {
    let mut csv = Csv::new(&[
        "statement",
        "text",
        "group",
        "agree",
        "disagree",
        "pass",
        "seen",
    ]);
    for f in figures {
        let text = texts.get(&f.tid).cloned().unwrap_or_default();
        let rows = std::iter::once(("all".to_owned(), &f.all)).chain(
            f.groups
                .iter()
                .zip(group_numbers)
                .map(|(t, n)| (n.to_string(), t)),
        );
        for (group, t) in rows {
            csv.row([
                f.tid.to_string(),
                text.clone(),
                group,
                t.agree.to_string(),
                t.disagree.to_string(),
                passes(t).to_string(),
                t.seen.to_string(),
            ]);
        }
    }
    csv.finish()
}

/// Every participant's number (as in the openData files) and group number (empty when not
/// in a group); nothing else about them.
pub fn participants_csv(
    participants: &[Participant],
    number_of: impl Fn(usize) -> usize,
) -> String {
    let mut csv = Csv::new(&["participant", "group"]);
    let mut sorted: Vec<&Participant> = participants.iter().collect();
    sorted.sort_by_key(|p| p.pid);
    for p in sorted {
        csv.row([
            p.pid.to_string(),
            p.group
                .map(|g| number_of(g).to_string())
                .unwrap_or_default(),
        ]);
    }
    csv.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(pid: u64, tid: u64, vote: Vote, at: i64) -> VoteEvent {
        VoteEvent { pid, tid, vote, at }
    }

    fn tally(agree: u64, disagree: u64, seen: u64) -> Tally {
        Tally {
            agree,
            disagree,
            seen,
        }
    }

    fn comment(tid: u64, agree_consensus: f64) -> CommentResult {
        CommentResult {
            tid,
            position: [0.0, 0.0],
            extremity: 0.0,
            agree_consensus,
            disagree_consensus: 0.0,
            priority: 0.0,
        }
    }

    #[test]
    fn tallies_count_the_latest_vote_per_group_and_overall() {
        let votes = [
            vote(1, 0, Vote::Disagree, 1),
            vote(1, 0, Vote::Agree, 2), // changed its mind
            vote(2, 0, Vote::Disagree, 1),
            vote(3, 0, Vote::Pass, 1),
            vote(4, 0, Vote::Agree, 1), // not in a group
            vote(1, 9, Vote::Agree, 1), // not a statement shown
        ];
        let group_of = HashMap::from([(1, 0), (2, 1), (3, 1)]);
        let figures = tallies(&votes, &group_of, 2, &[0, 1]);
        assert_eq!(figures.len(), 2);
        assert_eq!(figures[0].all, tally(2, 1, 4));
        assert_eq!(figures[0].groups, vec![tally(1, 0, 1), tally(0, 1, 2)]);
        assert_eq!(passes(&figures[0].groups[1]), 1);
        assert_eq!(figures[1].all, Tally::default());
        assert_eq!((percent(1, 3), percent(2, 3), percent(1, 0)), (33, 67, 0));
    }

    #[test]
    fn the_counts_an_analysis_keeps_equal_counting_the_votes() {
        // Two camps of six on four statements, one participant changing a vote.
        let mut votes = Vec::new();
        for pid in 0..12u64 {
            for tid in 0..4u64 {
                let camp = pid < 6;
                let agree = if tid % 2 == 0 { camp } else { !camp };
                let v = if pid == 11 && tid == 3 {
                    Vote::Pass
                } else if agree {
                    Vote::Agree
                } else {
                    Vote::Disagree
                };
                votes.push(vote(pid, tid, v, i64::try_from(pid * 4 + tid).unwrap_or(0)));
            }
        }
        votes.push(vote(0, 1, Vote::Agree, 100));
        let (analysis, _) = inspraak_consensus::analyze(
            &votes,
            &Default::default(),
            &Default::default(),
            &Default::default(),
        );
        assert!(analysis.groups.len() >= 2, "two camps, two groups");
        let index: HashMap<usize, usize> = analysis
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| (g.id, i))
            .collect();
        let group_of: HashMap<u64, usize> = analysis
            .participants
            .iter()
            .filter_map(|p| Some((p.pid, *index.get(&p.group?)?)))
            .collect();
        let tids = [0, 1, 2, 3, 7];
        let counted = tallies(&votes, &group_of, analysis.groups.len(), &tids);
        let kept = from_analysis(&analysis.tallies, analysis.groups.len(), &tids);
        assert_eq!(kept, counted);
        assert_eq!(kept[4].all, Tally::default(), "a statement nobody voted on");
    }

    #[test]
    fn the_summary_names_shared_agreement_and_the_largest_difference() {
        let figures = vec![
            StatementFigures {
                tid: 0,
                all: tally(6, 6, 12),
                groups: vec![tally(6, 0, 6), tally(0, 6, 6)],
            },
            StatementFigures {
                tid: 1,
                all: tally(12, 0, 12),
                groups: vec![tally(6, 0, 6), tally(6, 0, 6)],
            },
            StatementFigures {
                tid: 2,
                all: tally(9, 0, 12),
                groups: vec![tally(5, 0, 6), tally(4, 0, 6)],
            },
            StatementFigures {
                tid: 3,
                all: tally(3, 0, 12),
                groups: vec![tally(3, 0, 6), tally(0, 0, 6)],
            },
        ];
        let comments = [
            comment(0, 0.1),
            comment(1, 0.8),
            comment(2, 0.5),
            comment(3, 0.9),
        ];
        let summary = summarise(&figures, &comments);
        assert_eq!(
            summary.agreed,
            vec![1, 2],
            "3 is not agreed by most of group 2"
        );
        assert_eq!(
            summary.differ,
            Some(Difference {
                tid: 0,
                high: (0, 100),
                low: (1, 0)
            })
        );
        let one_group: Vec<StatementFigures> = figures
            .iter()
            .map(|f| StatementFigures {
                groups: vec![f.all],
                ..f.clone()
            })
            .collect();
        assert_eq!(summarise(&one_group, &comments).differ, None);
    }

    #[test]
    fn the_csv_files_have_a_row_per_statement_and_group_and_no_names() {
        let figures = vec![StatementFigures {
            tid: 3,
            all: tally(2, 1, 4),
            groups: vec![tally(1, 0, 1), tally(1, 1, 3)],
        }];
        let texts = HashMap::from([(3, "=SOM(A1), zei hij".to_owned())]);
        let text = statements_csv(&figures, &texts, &[1, 2]);
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(
            lines,
            vec![
                "statement,text,group,agree,disagree,pass,seen",
                "3,\"'=SOM(A1), zei hij\",all,2,1,1,4",
                "3,\"'=SOM(A1), zei hij\",1,1,0,0,1",
                "3,\"'=SOM(A1), zei hij\",2,1,1,1,3",
            ]
        );
        let participants = [
            Participant {
                pid: 7,
                position: [0.0, 0.0],
                group: None,
            },
            Participant {
                pid: 2,
                position: [0.0, 0.0],
                group: Some(0),
            },
        ];
        let text = participants_csv(&participants, |g| g + 1);
        assert_eq!(text, "\u{feff}participant,group\r\n2,1\r\n7,\r\n");
    }
}
