//! Checked against pol.is itself: its own math output for three real conversations
//! (../shared/data/polis/polismath-fixtures, see its README for provenance and the sign trap).
//! Components have an arbitrary sign, so each is aligned to pol.is's before comparing.

use inspraak_consensus::{
    Pca, PcaOptions, Vote, VoteEvent, VoteMatrix, comment_extremity, comment_projection,
    in_conversation, participant_projection, pca, user_vote_counts,
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
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/polis/polismath-fixtures")
        .join(name);
    assert!(
        dir.is_dir(),
        "pol.is fixtures missing at {}: the shared data folder (../shared next to the repository) is required",
        dir.display()
    );
    dir
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
