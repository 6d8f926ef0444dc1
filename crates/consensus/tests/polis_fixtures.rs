//! Checked against pol.is itself: its own math output for three real conversations
//! (../shared/data/polis/polismath-fixtures, see its README for provenance and the sign trap).
//! Components have an arbitrary sign, so each is aligned to pol.is's before comparing.

use inspraak_consensus::{
    Pca, PcaOptions, Side, Vote, VoteEvent, VoteMatrix, comment_extremity, comment_priorities,
    comment_projection, consensus, group_aware_consensus, group_votes, in_conversation,
    participant_projection, pca, representatives, user_vote_counts,
};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

const FIXTURES: [&str; 3] = [
    "below-100-ptpts",
    "above-100-ptpts",
    "25ptpt-3gp-no-strict-with-meta",
];

/// The issue asks for 1e-6 or better; the engine reaches pol.is's converged values to about
/// 1e-12, so the tests hold it to 1e-10.
const PRECISION: f64 = 1e-10;

fn fixture_dir(name: &str) -> PathBuf {
    inspraak_testdata::polis_dir("polismath-fixtures").join(name)
}

fn read(name: &str, file: &str) -> Value {
    let path = fixture_dir(name).join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn number(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => s.parse().unwrap_or(f64::NAN),
        _ => f64::NAN,
    }
}

fn id(v: &Value, keys: &[&str]) -> u64 {
    keys.iter()
        .find_map(|k| v.get(*k).and_then(Value::as_u64))
        .unwrap_or_else(|| panic!("no {keys:?} in {v}"))
}

/// A fixture conversation: its vote events (in file order) and its moderated-out comments.
struct Conversation {
    events: Vec<VoteEvent>,
    moderated_out: BTreeSet<u64>,
    math: Value,
}

fn conversation(name: &str) -> Conversation {
    let votes = read(name, "votes.json");
    let events: Vec<VoteEvent> = votes
        .as_array()
        .expect("votes")
        .iter()
        .map(|v| VoteEvent {
            pid: id(v, &["pid", "participant_id"]),
            tid: id(v, &["tid", "statement_id"]),
            vote: Vote::from_export(v["vote"].as_i64().expect("vote")).expect("a known vote"),
            at: number(&v["modified"]) as i64,
        })
        .collect();
    let comments = read(name, "comments.json");
    let moderated_out = comments
        .as_array()
        .expect("comments")
        .iter()
        .filter(|c| {
            let moderation = c.get("mod").or_else(|| c.get("moderated"));
            moderation.and_then(Value::as_i64) == Some(-1) || c["is_meta"] == true
        })
        .map(|c| id(c, &["tid", "statement_id"]))
        .collect();
    Conversation {
        events,
        moderated_out,
        math: read(name, "math-pca2.json"),
    }
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array().expect("array").iter().map(number).collect()
}

fn max_difference(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

/// Our PCA with each component's sign turned to match pol.is's.
fn aligned_pca(matrix: &VoteMatrix, math: &Value) -> Pca {
    let mut ours = pca(matrix, None, PcaOptions::default());
    for k in 0..2 {
        let theirs = numbers(&math["pca"]["comps"][k]);
        let dot: f64 = ours.comps[k].iter().zip(&theirs).map(|(a, b)| a * b).sum();
        if dot < 0.0 {
            ours.comps[k].iter_mut().for_each(|x| *x = -*x);
        }
    }
    ours
}

#[test]
fn the_matrix_has_polis_columns_moderation_and_vote_counts() {
    for name in FIXTURES {
        let c = conversation(name);
        let matrix = VoteMatrix::from_events(&c.events, &c.moderated_out);
        let tids: Vec<u64> = c.math["tids"]
            .as_array()
            .expect("tids")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        assert_eq!(matrix.tids, tids, "{name}: columns");
        assert_eq!(
            matrix.rows() as u64,
            c.math["n"].as_u64().expect("n"),
            "{name}: rows"
        );
        let mod_out: BTreeSet<u64> = c.math["mod-out"]
            .as_array()
            .expect("mod-out")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        assert_eq!(c.moderated_out, mod_out, "{name}: moderated out");
        let counts = user_vote_counts(&matrix);
        for (pid, count) in matrix.pids.iter().zip(&counts) {
            let theirs = c.math["user-vote-counts"][pid.to_string()].as_u64();
            assert_eq!(
                theirs,
                Some(*count as u64),
                "{name}: votes of participant {pid}"
            );
        }
    }
}

#[test]
fn pca_centre_and_components_match_polis() {
    for name in FIXTURES {
        let c = conversation(name);
        let matrix = VoteMatrix::from_events(&c.events, &c.moderated_out);
        let ours = aligned_pca(&matrix, &c.math);
        let centre = max_difference(&ours.center, &numbers(&c.math["pca"]["center"]));
        assert!(centre < PRECISION, "{name}: centre off by {centre}");
        for k in 0..2 {
            let d = max_difference(&ours.comps[k], &numbers(&c.math["pca"]["comps"][k]));
            assert!(d < PRECISION, "{name}: component {k} off by {d}");
        }
    }
}

#[test]
fn comment_projection_and_extremity_match_polis() {
    for name in FIXTURES {
        let c = conversation(name);
        let matrix = VoteMatrix::from_events(&c.events, &c.moderated_out);
        let ours = aligned_pca(&matrix, &c.math);
        let projection = comment_projection(&ours);
        for axis in 0..2 {
            let theirs = numbers(&c.math["pca"]["comment-projection"][axis]);
            let mine: Vec<f64> = projection.iter().map(|p| p[axis]).collect();
            let d = max_difference(&mine, &theirs);
            assert!(
                d < PRECISION,
                "{name}: comment projection axis {axis} off by {d}"
            );
        }
        let d = max_difference(
            &comment_extremity(&ours),
            &numbers(&c.math["pca"]["comment-extremity"]),
        );
        assert!(d < PRECISION, "{name}: extremity off by {d}");
    }
}

#[test]
fn participant_projections_match_polis_base_clusters() {
    for name in FIXTURES {
        let c = conversation(name);
        let matrix = VoteMatrix::from_events(&c.events, &c.moderated_out);
        let ours = aligned_pca(&matrix, &c.math);
        let projected: HashMap<u64, [f64; 2]> = matrix
            .pids
            .iter()
            .copied()
            .zip(participant_projection(&matrix, &ours))
            .collect();
        // A base cluster sits at the mean of its members' projections.
        let base = &c.math["base-clusters"];
        let members = base["members"].as_array().expect("members");
        let (xs, ys) = (numbers(&base["x"]), numbers(&base["y"]));
        let mut worst: f64 = 0.0;
        for (i, group) in members.iter().enumerate() {
            let pids: Vec<u64> = group
                .as_array()
                .expect("pids")
                .iter()
                .filter_map(Value::as_u64)
                .collect();
            let n = pids.len() as f64;
            let mean = pids.iter().fold([0.0, 0.0], |acc, pid| {
                let p = projected[pid];
                [acc[0] + p[0] / n, acc[1] + p[1] / n]
            });
            worst = worst
                .max((mean[0] - xs[i]).abs())
                .max((mean[1] - ys[i]).abs());
        }
        assert!(
            worst < PRECISION,
            "{name}: base cluster centres off by {worst}"
        );
    }
}

#[test]
fn participant_inclusion_replayed_vote_by_vote_matches_where_history_allows() {
    // pol.is decides inclusion incrementally and never removes anyone, so replaying the vote
    // log one vote at a time reproduces its set; a single cold computation cannot. The
    // above-100 conversation carries history from an older pol.is run (its extra members all
    // voted in 2018 and no replay order includes exactly them), so there the replayed set must
    // only be a subset of pol.is's.
    for name in FIXTURES {
        let c = conversation(name);
        let mut order: Vec<&VoteEvent> = c.events.iter().collect();
        order.sort_by_key(|e| e.at);
        let mut voted: std::collections::BTreeMap<u64, BTreeSet<u64>> = Default::default();
        let mut columns = BTreeSet::new();
        let mut included = BTreeSet::new();
        for e in order {
            voted.entry(e.pid).or_default().insert(e.tid);
            columns.insert(e.tid);
            let pids: Vec<u64> = voted.keys().copied().collect();
            let counts: Vec<usize> = voted.values().map(BTreeSet::len).collect();
            included = in_conversation(&pids, &counts, columns.len(), &included);
        }
        let theirs: BTreeSet<u64> = c.math["in-conv"]
            .as_array()
            .expect("in-conv")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        if name == "above-100-ptpts" {
            assert!(
                included.is_subset(&theirs),
                "{name}: replay includes someone pol.is did not"
            );
        } else {
            assert_eq!(included, theirs, "{name}: in-conv");
        }
    }
}

/// pol.is's groups as matrix rows: group id → rows of the members of its base clusters.
fn polis_groups(matrix: &VoteMatrix, math: &Value) -> Vec<(u64, Vec<usize>)> {
    let base = &math["base-clusters"];
    let ids: Vec<u64> = base["id"]
        .as_array()
        .expect("ids")
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    let members: Vec<Vec<u64>> = base["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            m.as_array()
                .expect("pids")
                .iter()
                .filter_map(Value::as_u64)
                .collect()
        })
        .collect();
    let base_members: HashMap<u64, &Vec<u64>> = ids.iter().copied().zip(members.iter()).collect();
    let row_of: HashMap<u64, usize> = matrix
        .pids
        .iter()
        .enumerate()
        .map(|(i, &p)| (p, i))
        .collect();
    math["group-clusters"]
        .as_array()
        .expect("group clusters")
        .iter()
        .map(|g| {
            let rows = g["members"]
                .as_array()
                .expect("base ids")
                .iter()
                .filter_map(Value::as_u64)
                .flat_map(|b| base_members[&b].iter().map(|pid| row_of[pid]))
                .collect();
            (g["id"].as_u64().expect("group id"), rows)
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    // pol.is prints some statistics with 7 to 8 significant digits.
    (a - b).abs() <= 1e-7 * b.abs().max(1.0)
}

#[test]
fn group_votes_and_group_aware_consensus_match_polis_given_its_groups() {
    for name in FIXTURES {
        let c = conversation(name);
        let matrix = VoteMatrix::from_events(&c.events, &c.moderated_out);
        let groups = polis_groups(&matrix, &c.math);
        let rows: Vec<Vec<usize>> = groups.iter().map(|(_, r)| r.clone()).collect();
        let votes = group_votes(&matrix, &rows);
        for ((gid, members), tallies) in groups.iter().zip(&votes) {
            let theirs = &c.math["group-votes"][gid.to_string()];
            assert_eq!(
                theirs["n-members"].as_u64(),
                Some(members.len() as u64),
                "{name} group {gid}"
            );
            for (col, tid) in matrix.tids.iter().enumerate() {
                let t = &theirs["votes"][tid.to_string()];
                let (a, d, s) = (
                    t["A"].as_u64().unwrap_or(0),
                    t["D"].as_u64().unwrap_or(0),
                    t["S"].as_u64().unwrap_or(0),
                );
                assert_eq!(
                    (tallies[col].agree, tallies[col].disagree, tallies[col].seen),
                    (a, d, s),
                    "{name} group {gid} comment {tid}"
                );
            }
        }
        let gac = group_aware_consensus(&votes, matrix.columns(), false);
        for (col, tid) in matrix.tids.iter().enumerate() {
            let theirs = number(&c.math["group-aware-consensus"][tid.to_string()]);
            assert!(
                (gac[col] - theirs).abs() < PRECISION,
                "{name} GAC of {tid}: {} vs {theirs}",
                gac[col]
            );
        }
    }
}

#[test]
fn representative_comments_match_polis_given_its_groups() {
    for name in FIXTURES {
        let c = conversation(name);
        let matrix = VoteMatrix::from_events(&c.events, &c.moderated_out);
        let groups = polis_groups(&matrix, &c.math);
        let rows: Vec<Vec<usize>> = groups.iter().map(|(_, r)| r.clone()).collect();
        let votes = group_votes(&matrix, &rows);
        for (g, (gid, _)) in groups.iter().enumerate() {
            let ours = representatives(&votes, g, &matrix.moderated_out);
            let theirs = c.math["repness"][gid.to_string()]
                .as_array()
                .expect("repness");
            let our_tids: Vec<u64> = ours.iter().map(|r| matrix.tids[r.column]).collect();
            let their_tids: Vec<u64> = theirs.iter().filter_map(|r| r["tid"].as_u64()).collect();
            assert_eq!(
                our_tids, their_tids,
                "{name} group {gid}: representative comments"
            );
            for (r, t) in ours.iter().zip(theirs) {
                let side = match r.side {
                    Side::Agree => "agree",
                    Side::Disagree => "disagree",
                };
                assert_eq!(t["repful-for"], side, "{name} group {gid} tid {}", t["tid"]);
                assert_eq!(t["n-success"].as_u64(), Some(r.n_success));
                assert_eq!(t["n-trials"].as_u64(), Some(r.n_trials));
                assert_eq!(
                    t["best-agree"] == true,
                    r.best_agree,
                    "{name} group {gid} best-agree"
                );
                for (field, value) in [
                    ("p-success", r.p_success),
                    ("p-test", r.p_test),
                    ("repness", r.repness),
                    ("repness-test", r.repness_test),
                ] {
                    assert!(
                        close(value, number(&t[field])),
                        "{name} group {gid} tid {} {field}: {value} vs {}",
                        t["tid"],
                        t[field]
                    );
                }
            }
        }
    }
}

#[test]
fn consensus_comments_match_polis() {
    for name in FIXTURES {
        let c = conversation(name);
        let matrix = VoteMatrix::from_events(&c.events, &c.moderated_out);
        let everyone = vec![(0..matrix.rows()).collect::<Vec<usize>>()];
        let all = group_votes(&matrix, &everyone).remove(0);
        let (agree, disagree) = consensus(&all, &matrix.moderated_out);
        for (ours, key) in [(agree, "agree"), (disagree, "disagree")] {
            let theirs = c.math["consensus"][key].as_array().expect("consensus");
            let our_tids: Vec<u64> = ours.iter().map(|x| matrix.tids[x.column]).collect();
            let their_tids: Vec<u64> = theirs.iter().filter_map(|x| x["tid"].as_u64()).collect();
            assert_eq!(our_tids, their_tids, "{name}: consensus {key}");
            for (x, t) in ours.iter().zip(theirs) {
                assert_eq!(t["n-success"].as_u64(), Some(x.n_success));
                assert_eq!(t["n-trials"].as_u64(), Some(x.n_trials));
                assert!(close(x.p_success, number(&t["p-success"])));
                assert!(close(x.p_test, number(&t["p-test"])));
            }
        }
    }
}

#[test]
fn comment_priorities_match_polis_given_its_group_votes() {
    for name in FIXTURES {
        let c = conversation(name);
        let matrix = VoteMatrix::from_events(&c.events, &c.moderated_out);
        // pol.is reads the group votes of the update before; the fixture's are what it had.
        let groups = polis_groups(&matrix, &c.math);
        let rows: Vec<Vec<usize>> = groups.iter().map(|(_, r)| r.clone()).collect();
        let votes = group_votes(&matrix, &rows);
        let extremity = numbers(&c.math["pca"]["comment-extremity"]);
        let meta_tids: BTreeSet<u64> = c.math["meta-tids"]
            .as_array()
            .expect("meta")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        let meta: Vec<bool> = matrix.tids.iter().map(|t| meta_tids.contains(t)).collect();
        let ours = comment_priorities(&votes, &extremity, &meta);
        let mut worst: f64 = 0.0;
        for (col, tid) in matrix.tids.iter().enumerate() {
            let theirs = number(&c.math["comment-priorities"][tid.to_string()]);
            worst = worst.max((ours[col] - theirs).abs() / theirs.abs().max(1.0));
        }
        assert!(
            worst < PRECISION,
            "{name}: priorities off by {worst} (relative)"
        );
    }
}

#[test]
fn a_cold_run_finds_as_many_groups_as_polis() {
    for name in FIXTURES {
        let c = conversation(name);
        let matrix = VoteMatrix::from_events(&c.events, &c.moderated_out);
        let ours = pca(&matrix, None, PcaOptions::default());
        let positions = participant_projection(&matrix, &ours);
        let in_conv: BTreeSet<u64> = c.math["in-conv"]
            .as_array()
            .expect("in-conv")
            .iter()
            .filter_map(Value::as_u64)
            .collect();
        // pol.is meets participants in the order they first voted; its base clusters follow it.
        let mut first_vote: HashMap<u64, i64> = HashMap::new();
        for e in &c.events {
            let t = first_vote.entry(e.pid).or_insert(e.at);
            *t = (*t).min(e.at);
        }
        let mut rows: Vec<usize> = (0..matrix.rows())
            .filter(|&r| in_conv.contains(&matrix.pids[r]))
            .collect();
        rows.sort_by_key(|&r| first_vote[&matrix.pids[r]]);
        let (pids, points): (Vec<u64>, Vec<[f64; 2]>) =
            rows.iter().map(|&r| (matrix.pids[r], positions[r])).unzip();
        let (groups, state) = inspraak_consensus::cluster(&pids, &points, &Default::default());
        let theirs = c.math["group-clusters"].as_array().expect("groups").len();
        assert_eq!(
            groups.len(),
            theirs,
            "{name}: number of groups (silhouette choice {:?})",
            state.last_k
        );
    }
}
