//! Participatory-budget outcomes on a large synthetic election (numbers in
//! docs/performance.md): greedy and equal shares with the "add1" completion, and beside them
//! Python's pabutools on the same election when `INSPRAAK_PABUTOOLS` names a Python that has
//! it (`INSPRAAK_PABUTOOLS=/tmp/pbvenv/bin/python cargo bench -j 1 -p inspraak-domain`).
//!
//! Give sizes as `VOTERSxPROJECTS` (default `100000x200`), and `--pabutools-voters N` to also
//! compare on the first N ballots with the budget scaled to match (the same share per voter),
//! for when the whole election is too slow for pabutools.
//! `INSPRAAK_PABUTOOLS_TIMEOUT` (seconds, default 900) bounds each pabutools run, and
//! `INSPRAAK_PABUTOOLS_MEMORY_GB` (default 8) its memory.
//!
//! The election: fixed seed; costs spread evenly on a log scale from 10,000 to 1,000,000;
//! ballots of 1 to 10 projects, drawn with Zipf-like popularity (the k-th most popular project
//! is chosen about 1/k as often as the first); the budget is what the 30 most-voted projects
//! cost, so greedy funds about 30.

use inspraak_domain::budget::pabulib::{self, PbDocument, PbProject, PbVote};
use inspraak_domain::budget::{Election, Project, Rule, equal_shares_run, outcome};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// SplitMix64: a tiny generator with a fixed seed, so every run builds the same election.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n.
    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize
    }
}

fn synthetic(voters: usize, projects: usize) -> Election {
    let mut rng = Rng(0x1b5d_9e1a_2024_0007);
    let projects_list: Vec<Project> = (0..projects)
        .map(|i| {
            let cost = 10f64.powf(4.0 + 2.0 * rng.unit());
            Project {
                id: (i + 1).to_string(),
                cost: (cost / 100.0).round() as u64 * 100,
            }
        })
        .collect();
    // Popularity rank independent of the listed order and of cost.
    let mut rank: Vec<usize> = (0..projects).collect();
    for i in (1..projects).rev() {
        rank.swap(i, rng.below(i + 1));
    }
    let weights: Vec<f64> = rank.iter().map(|&r| 1.0 / (r + 1) as f64).collect();
    let mut cumulative = Vec::with_capacity(projects);
    let mut total = 0.0;
    for w in &weights {
        total += w;
        cumulative.push(total);
    }
    let ballots: Vec<Vec<usize>> = (0..voters)
        .map(|_| {
            let len = 1 + rng.below(10.min(projects));
            let mut ballot: Vec<usize> = Vec::with_capacity(len);
            while ballot.len() < len {
                let x = rng.unit() * total;
                let p = cumulative.partition_point(|&c| c <= x).min(projects - 1);
                if !ballot.contains(&p) {
                    ballot.push(p);
                }
            }
            ballot.sort_unstable();
            ballot
        })
        .collect();
    let mut election = Election {
        projects: projects_list,
        ballots,
        ..Election::default()
    };
    let top: Vec<usize> = election.by_votes().into_iter().take(30).collect();
    election.budget = election.cost_of(&top) / 1000 * 1000;
    election
}

/// Runs `f` until `reps` runs or `budget` time is spent (at least once); the fastest and the
/// median time, and the last result.
fn time<T>(reps: usize, budget: Duration, mut f: impl FnMut() -> T) -> (T, Duration, Duration) {
    let started = Instant::now();
    let mut times = Vec::new();
    let mut result;
    loop {
        let t = Instant::now();
        result = f();
        times.push(t.elapsed());
        if times.len() >= reps || started.elapsed() > budget {
            break;
        }
    }
    times.sort();
    (result, times[0], times[times.len() / 2])
}

fn document(election: &Election, selected: &[usize]) -> PbDocument {
    let votes = election.votes();
    let meta = [
        (
            "description",
            "Synthetic election for the Inspraak benchmark".to_owned(),
        ),
        ("country", "Nowhere".to_owned()),
        ("unit", "Synthetic".to_owned()),
        ("instance", "2026".to_owned()),
        ("num_projects", election.projects.len().to_string()),
        ("num_votes", election.ballots.len().to_string()),
        ("budget", election.budget.to_string()),
        ("vote_type", "approval".to_owned()),
        ("rule", "equalshares/add1".to_owned()),
    ];
    PbDocument {
        meta: meta.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        projects: election
            .projects
            .iter()
            .enumerate()
            .map(|(p, project)| PbProject {
                id: project.id.clone(),
                cost: project.cost,
                name: format!("Project {}", project.id),
                categories: Vec::new(),
                votes: votes[p],
                selected: selected.contains(&p),
            })
            .collect(),
        votes: election
            .ballots
            .iter()
            .enumerate()
            .map(|(i, ballot)| PbVote {
                voter_id: (i + 1).to_string(),
                vote: ballot
                    .iter()
                    .map(|&p| election.projects[p].id.clone())
                    .collect(),
                points: Vec::new(),
            })
            .collect(),
    }
}

fn ids(election: &Election, chosen: &[usize]) -> Vec<String> {
    let mut ids: Vec<String> = chosen
        .iter()
        .map(|&p| election.projects[p].id.clone())
        .collect();
    ids.sort();
    ids
}

/// What one pabutools run printed: `parse_s`, `rule_s` and the selected ids, or why none.
struct Reference {
    parse_s: f64,
    rule_s: f64,
    selected: Vec<String>,
}

fn pabutools(
    python: &str,
    file: &Path,
    rule: &str,
    timeout: Duration,
) -> Result<Reference, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/bench-pabutools.py");
    let mut child = Command::new(python)
        .arg(&script)
        .arg(file)
        .arg(rule)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {python}: {e}"))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("stopped after {} s", timeout.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(e.to_string()),
        }
    }
    let spent = started.elapsed().as_secs_f64();
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout.read_to_string(&mut out).map_err(|e| e.to_string())?;
    }
    if out.trim().is_empty() {
        // gmpy2 aborts the process when it cannot get memory: no MemoryError, no output.
        return Err(format!(
            "died after {spent:.0} s without an answer (see its message above)"
        ));
    }
    let value: serde_json::Value =
        serde_json::from_str(out.trim()).map_err(|e| format!("bad output {out:?}: {e}"))?;
    if let Some(error) = value.get("error").and_then(|e| e.as_str()) {
        return Err(error.to_owned());
    }
    let number = |k: &str| value.get(k).and_then(|v| v.as_f64()).unwrap_or(f64::NAN);
    let mut selected: Vec<String> = value
        .get("selected")
        .and_then(|s| s.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    selected.sort();
    Ok(Reference {
        parse_s: number("parse_s"),
        rule_s: number("rule_s"),
        selected,
    })
}

fn compare(python: &str, election: &Election, label: &str) {
    let greedy = outcome(election, Rule::Greedy);
    let shares = outcome(election, Rule::EqualShares);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join(format!("budget-bench-{label}.pb"));
    if let Err(e) = std::fs::write(&file, pabulib::write(&document(election, &shares))) {
        println!("pabutools: cannot write {}: {e}", file.display());
        return;
    }
    let timeout = std::env::var("INSPRAAK_PABUTOOLS_TIMEOUT")
        .ok()
        .and_then(|t| t.parse().ok())
        .map_or(Duration::from_secs(900), Duration::from_secs);
    println!("pabutools on {label} ({}):", file.display());
    for (rule, ours) in [("greedy", &greedy), ("mes-add1", &shares)] {
        match pabutools(python, &file, rule, timeout) {
            Ok(r) => {
                let agree = r.selected == ids(election, ours);
                println!(
                    "  {rule:9} parse {:.2} s, rule {:.2} s, {} projects, same selection as ours: {}",
                    r.parse_s,
                    r.rule_s,
                    r.selected.len(),
                    if agree { "yes" } else { "NO" }
                );
                if !agree {
                    println!("    pabutools: {:?}", r.selected);
                    println!("    ours:      {:?}", ids(election, ours));
                }
            }
            Err(e) => println!("  {rule:9} {e}"),
        }
    }
}

/// Each real Pabulib file in the shared data folder: reading it, and its own rule.
fn real_files() {
    let shared = std::env::var_os("INSPRAAK_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let Ok(entries) = std::fs::read_dir(shared.join("data/pabulib")) else {
        println!("real files: skipped (no ../shared/data/pabulib; set INSPRAAK_SHARED_DIR)");
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("pb"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("?")
            .to_owned();
        let Ok(bytes) = std::fs::read(&path) else {
            println!("{name}: cannot read");
            continue;
        };
        let (file, read, _) = time(10, Duration::from_secs(2), || pabulib::parse_bytes(&bytes));
        let file = match file {
            Ok(file) => file,
            Err(e) => {
                println!("{name}: {e}");
                continue;
            }
        };
        let rule_name = file.rule.clone().unwrap_or_default();
        let Some(rule) = Rule::parse(&rule_name) else {
            println!("{name}: unknown rule {rule_name:?}");
            continue;
        };
        let (chosen, best, _) = time(10, Duration::from_secs(5), || outcome(&file.election, rule));
        let official = chosen.iter().all(|&p| file.selected[p])
            && chosen.len() == file.selected.iter().filter(|s| **s).count();
        println!(
            "{name}: read {:.2} ms, {rule_name} {:.2} ms, official outcome: {}",
            read.as_secs_f64() * 1e3,
            best.as_secs_f64() * 1e3,
            if official { "yes" } else { "NO" }
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let mut size = "100000x200".to_owned();
    let mut subset: Option<usize> = None;
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--pabutools-voters" {
            subset = args.get(i + 1).and_then(|n| n.parse().ok());
            i += 2;
        } else {
            size.clone_from(&args[i]);
            i += 1;
        }
    }
    let parts: Vec<usize> = size.split('x').filter_map(|p| p.parse().ok()).collect();
    let [voters, projects] = parts[..] else {
        eprintln!("sizes are VOTERSxPROJECTS, not {size}");
        std::process::exit(2);
    };

    real_files();
    let made = Instant::now();
    let election = synthetic(voters, projects);
    let entries: usize = election.ballots.iter().map(Vec::len).sum();
    println!(
        "synthetic election: {voters} approval ballots ({entries} choices) over {projects} projects, \
         budget {}, built in {:.2} s",
        election.budget,
        made.elapsed().as_secs_f64()
    );

    let (greedy, best, median) = time(20, Duration::from_secs(5), || {
        outcome(&election, Rule::Greedy)
    });
    println!(
        "greedy:       {:>9.2} ms (median {:.2} ms), {} projects, cost {}",
        best.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        greedy.len(),
        election.cost_of(&greedy)
    );

    let (run, best, median) = time(5, Duration::from_secs(20), || equal_shares_run(&election));
    let start = election.budget as f64 / voters as f64;
    println!(
        "equal shares: {:>9.2} ms (median {:.2} ms), {} projects, cost {}; per voter {:.2} raised to {:.2} (about {} runs)",
        best.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3,
        run.chosen.len(),
        election.cost_of(&run.chosen),
        start,
        run.per_voter,
        (run.per_voter - start).round() as u64 + 2
    );

    let Some(python) = std::env::var("INSPRAAK_PABUTOOLS")
        .ok()
        .filter(|p| !p.is_empty())
    else {
        println!(
            "pabutools: skipped (set INSPRAAK_PABUTOOLS=/tmp/pbvenv/bin/python, a Python with pabutools)"
        );
        return;
    };
    compare(&python, &election, &size);
    if let Some(n) = subset.filter(|&n| n < voters) {
        // The same projects; the budget scaled with the electorate, so each voter's share (and
        // with it the number of "add1" raises) stays about the same.
        let mut small = election.clone();
        small.ballots.truncate(n);
        small.budget = (u128::from(election.budget) * n as u128 / voters as u128) as u64;
        let (greedy, greedy_time, _) =
            time(20, Duration::from_secs(5), || outcome(&small, Rule::Greedy));
        let (shares, shares_time, _) = time(5, Duration::from_secs(20), || {
            outcome(&small, Rule::EqualShares)
        });
        println!(
            "first {n} ballots, budget {}: ours greedy {:.2} ms ({} projects), \
             equal shares {:.2} ms ({} projects)",
            small.budget,
            greedy_time.as_secs_f64() * 1e3,
            greedy.len(),
            shares_time.as_secs_f64() * 1e3,
            shares.len()
        );
        compare(&python, &small, &format!("{n}x{projects}"));
    }
}
