//! Opinion-mapping benchmarks (numbers in docs/performance.md).
//!
//! `cargo bench -p inspraak-consensus --bench engine` runs the shipped conversations and the
//! small synthetic case; give sizes to run others, each best in its own process so its peak
//! memory is its own: `cargo bench -p inspraak-consensus --bench engine -- 100000x10000x10000000`.
//! Synthetic data: fixed seed; participants in three latent camps, each comment favoured by
//! one camp; about 62 % agree, 25 % disagree, 13 % pass.

use inspraak_consensus::{
    ConversationState, MatrixBuilder, Vote, VoteEvent, VoteMatrix, analyze, analyze_matrix,
    opendata, replay,
};
use std::collections::BTreeSet;
use std::time::Instant;

fn peak_memory_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// xorshift64*: small, fast and fixed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The synthetic votes, generated one by one (50 M events would take 1.6 GB if collected).
fn synthetic(participants: u64, comments: u64, votes: u64) -> impl Iterator<Item = VoteEvent> {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let camp: Vec<u8> = (0..participants).map(|_| (rng.below(3)) as u8).collect();
    let favoured: Vec<u8> = (0..comments).map(|_| (rng.below(3)) as u8).collect();
    (0..votes).map(move |i| {
        let pid = rng.below(participants);
        let tid = rng.below(comments);
        let same = camp[pid as usize] == favoured[tid as usize];
        let r = rng.unit();
        let (agree, disagree) = if same { (0.85, 0.05) } else { (0.50, 0.35) };
        let vote = if r < agree {
            Vote::Agree
        } else if r < agree + disagree {
            Vote::Disagree
        } else {
            Vote::Pass
        };
        VoteEvent {
            pid,
            tid,
            vote,
            at: i64::try_from(i).unwrap_or(i64::MAX),
        }
    })
}

/// Streams the synthetic votes into a matrix, as a large conversation is read from the
/// database or a CSV file: the events are never all in memory.
fn synthetic_matrix(participants: u64, comments: u64, votes: u64) -> (VoteMatrix, f64) {
    let mut builder = MatrixBuilder::new(&BTreeSet::new());
    builder.reserve(usize::try_from(votes).unwrap_or(0));
    let mut agree = 0u64;
    for e in synthetic(participants, comments, votes) {
        agree += u64::from(e.vote == Vote::Agree);
        builder.push(&e);
    }
    (builder.finish(), agree as f64 / votes.max(1) as f64)
}

fn run_synthetic(spec: &str) {
    let parts: Vec<u64> = spec.split('x').filter_map(|p| p.parse().ok()).collect();
    let [participants, comments, votes] = parts[..] else {
        eprintln!("sizes are PARTICIPANTSxCOMMENTSxVOTES, not {spec}");
        std::process::exit(2);
    };
    // Generating the votes alone, to tell it apart from building the matrix.
    let started = Instant::now();
    let passes = synthetic(participants, comments, votes)
        .filter(|e| e.vote == Vote::Pass)
        .count();
    let generated = started.elapsed();
    let started = Instant::now();
    let (matrix, agree) = synthetic_matrix(participants, comments, votes);
    let built = started.elapsed().saturating_sub(generated);
    let exact = inspraak_consensus::PcaOptions::default();
    let suited = exact.suited_to(matrix.votes());
    // The effect of the tolerance used on large matrices: how far the participants move on the
    // map, relative to the map's extent, against the default tolerance.
    if suited != exact {
        let again = Instant::now();
        let p = inspraak_consensus::pca(&matrix, None, exact);
        let exact_time = again.elapsed();
        let again = Instant::now();
        let q = inspraak_consensus::pca(&matrix, None, suited);
        let suited_time = again.elapsed();
        let exact_positions = inspraak_consensus::participant_projection(&matrix, &p);
        let suited_positions = inspraak_consensus::participant_projection(&matrix, &q);
        let extent = exact_positions
            .iter()
            .flat_map(|x| x.iter())
            .fold(0.0f64, |m, v| m.max(v.abs()));
        let moved = exact_positions
            .iter()
            .zip(&suited_positions)
            .flat_map(|(a, b)| [(a[0] - b[0]).abs(), (a[1] - b[1]).abs()])
            .fold(0.0f64, f64::max);
        eprintln!(
            "  pca {:.3} s at 1e-14, {:.3} s at the tolerance used ({:e}); largest move {:.2e} of the map's extent",
            exact_time.as_secs_f64(),
            suited_time.as_secs_f64(),
            suited.tolerance,
            moved / extent.max(f64::MIN_POSITIVE)
        );
    }
    let started = Instant::now();
    let (analysis, _) = analyze_matrix(matrix, &BTreeSet::new(), &ConversationState::default());
    let took = started.elapsed();
    println!(
        "synthetic {participants} x {comments}, {votes} votes ({:.0} % agree, {passes} passes; generated in {:.2} s): matrix built from the stream in {:.2} s, analysis {:.2} s, {} groups, peak memory {:.0} MiB",
        agree * 100.0,
        generated.as_secs_f64(),
        built.as_secs_f64(),
        took.as_secs_f64(),
        analysis.groups.len(),
        peak_memory_mib()
    );
}

/// The six openData conversations of `../shared/data/polis`.
const SHIPPED: [&str; 6] = [
    "15-per-hour-seattle",
    "london.youth.policing",
    "football-concussions",
    "scoop-hivemind.affordable-housing",
    "scoop-hivemind.freshwater",
    "scoop-hivemind.ubi",
];

/// pol.is's number of groups, from the conversation's `summary.csv`.
fn polis_k(dir: &std::path::Path) -> Option<usize> {
    std::fs::read_to_string(dir.join("summary.csv"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("groups,"))
        .and_then(|g| g.trim().parse().ok())
}

/// Adjusted Rand index against pol.is's `group-id`, over participants both grouped.
fn ari_vs_polis(data: &opendata::OpenData, analysis: &inspraak_consensus::Analysis) -> f64 {
    let ours: std::collections::HashMap<u64, usize> = analysis
        .participants
        .iter()
        .filter_map(|p| p.group.map(|g| (p.pid, g)))
        .collect();
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for (pid, theirs) in &data.polis_groups {
        if let (Some(t), Some(o)) = (theirs, ours.get(pid)) {
            a.push(*o);
            b.push(*t as usize);
        }
    }
    inspraak_consensus::adjusted_rand_index(&a, &b)
}

fn run_shipped() {
    let (mut total_single, mut total_replay, mut right, mut ari_sum, mut n) = (0.0, 0.0, 0, 0.0, 0);
    for name in SHIPPED {
        let dir = inspraak_testdata::polis_dir(name);
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap_or_default();
        let votes = read("votes.csv");
        let Ok(data) = opendata::parse(
            &read("comments.csv"),
            &read("participants-votes.csv"),
            Some(&votes),
        ) else {
            eprintln!("{name}: cannot read the shipped data");
            continue;
        };
        let k = polis_k(&dir).unwrap_or(0);
        let started = Instant::now();
        let (once, _) = analyze(
            &data.events,
            &data.moderated_out(),
            &BTreeSet::new(),
            &ConversationState::default(),
        );
        let single = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let (replayed, _) = replay(
            &data.events,
            &data.moderated_out(),
            &BTreeSet::new(),
            600_000,
        );
        let whole = started.elapsed().as_secs_f64();
        let ari = ari_vs_polis(&data, &replayed);
        total_single += single;
        total_replay += whole;
        right += usize::from(replayed.groups.len() == k);
        ari_sum += ari;
        n += 1;
        println!(
            "{name}: {} votes, pol.is k {k}; default (replayed in 10-minute updates): {:.0} ms, k {}, ARI {ari:.3}; one update: {:.1} ms, k {}, ARI {:.3}",
            data.events.len(),
            whole * 1000.0,
            replayed.groups.len(),
            single * 1000.0,
            once.groups.len(),
            ari_vs_polis(&data, &once),
        );
    }
    println!(
        "all {n}: default mode {total_replay:.2} s, {right}/{n} k right, mean ARI {:.3}; one update each {:.3} s",
        ari_sum / f64::from(n.max(1)),
        total_single
    );
}

/// Writes the synthetic votes as CSV (export sign) for the red-dwarf comparison.
fn export(spec: &str, path: &str) {
    let parts: Vec<u64> = spec.split('x').filter_map(|p| p.parse().ok()).collect();
    let [participants, comments, votes] = parts[..] else {
        eprintln!("sizes are PARTICIPANTSxCOMMENTSxVOTES, not {spec}");
        std::process::exit(2);
    };
    let mut out = String::from("participant_id,statement_id,vote,modified\n");
    for e in synthetic(participants, comments, votes) {
        let v = match e.vote {
            Vote::Agree => 1,
            Vote::Disagree => -1,
            Vote::Pass => 0,
        };
        out.push_str(&format!("{},{},{v},{}\n", e.pid, e.tid, e.at));
    }
    if let Err(err) = std::fs::write(path, out) {
        eprintln!("cannot write {path}: {err}");
        std::process::exit(1);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(path) = args.iter().find_map(|a| a.strip_prefix("--export=")) {
        let spec = args.iter().find(|a| a.contains('x') && !a.starts_with('-'));
        export(spec.map_or("2000x900x225000", String::as_str), path);
        return;
    }
    let sizes: Vec<String> = args
        .into_iter()
        .filter(|a| a.contains('x') && !a.starts_with('-'))
        .collect();
    if sizes.is_empty() {
        run_shipped();
        run_synthetic("2000x900x225000");
    } else {
        for size in sizes {
            run_synthetic(&size);
        }
    }
}
