//! `inspraak conversation analyze DIR`: the opinion-mapping analysis of a conversation in the
//! pol.is openData format, for analysts.

use inspraak_consensus::{Analysis, opendata, replay};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Why a folder could not be analysed.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    /// A file is missing or unreadable.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is malformed.
    #[error("{}: line {}: {}", path.display(), error.line, error.message)]
    Format {
        /// The file.
        path: PathBuf,
        /// What and where.
        error: opendata::FormatError,
    },
}

fn read(dir: &Path, file: &str) -> Result<String, AnalyzeError> {
    let path = dir.join(file);
    std::fs::read_to_string(&path).map_err(|source| AnalyzeError::Read { path, source })
}

/// Reads and analyses the conversation in `dir`, replaying `votes.csv` in updates of
/// `tick_seconds` (0: one update). Returns the output text: JSON or a readable summary.
pub fn analyze_dir(dir: &Path, as_json: bool, tick_seconds: u64) -> Result<String, AnalyzeError> {
    let comments = read(dir, "comments.csv")?;
    let participants = read(dir, "participants-votes.csv")?;
    let votes = match read(dir, "votes.csv") {
        Ok(text) => Some(text),
        Err(AnalyzeError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            None
        }
        Err(other) => return Err(other),
    };
    let data = opendata::parse(&comments, &participants, votes.as_deref()).map_err(|error| {
        AnalyzeError::Format {
            path: dir.join(error.file),
            error,
        }
    })?;
    let tick = if votes.is_some() {
        i64::try_from(tick_seconds.saturating_mul(1000)).unwrap_or(i64::MAX)
    } else {
        0
    };
    let (analysis, _) = replay(&data.events, &data.moderated_out(), &BTreeSet::new(), tick);
    let texts: BTreeMap<u64, &str> = data
        .comments
        .iter()
        .map(|c| (c.id, c.body.as_str()))
        .collect();
    Ok(if as_json {
        serde_json::to_string_pretty(&to_json(&analysis)).unwrap_or_default()
    } else {
        summary(&analysis, &texts)
    })
}

/// The analysis as the JSON the command prints.
pub fn to_json(analysis: &Analysis) -> Value {
    let participants: BTreeMap<u64, Value> = analysis
        .participants
        .iter()
        .map(|p| (p.pid, json!(p.group)))
        .collect();
    let representatives: BTreeMap<usize, Value> = analysis
        .groups
        .iter()
        .map(|g| {
            let list: Vec<Value> = g
                .representatives
                .iter()
                .map(|(tid, r)| {
                    json!({
                        "tid": tid, "repful_for": r.side, "n_success": r.n_success,
                        "n_trials": r.n_trials, "p_success": r.p_success, "p_test": r.p_test,
                        "repness": r.repness, "repness_test": r.repness_test,
                        "best_agree": r.best_agree,
                    })
                })
                .collect();
            (g.id, Value::Array(list))
        })
        .collect();
    let consensus = |list: &[(u64, inspraak_consensus::Consensus)]| -> Vec<Value> {
        list.iter()
            .map(|(tid, c)| json!({"tid": tid, "n_success": c.n_success, "n_trials": c.n_trials, "p_success": c.p_success, "p_test": c.p_test}))
            .collect()
    };
    let gac: BTreeMap<u64, Value> = analysis
        .comments
        .iter()
        .map(|c| {
            (
                c.tid,
                json!({"agree": c.agree_consensus, "disagree": c.disagree_consensus}),
            )
        })
        .collect();
    json!({
        "group_count": analysis.groups.len(),
        "participants": participants,
        "groups": analysis.groups.iter().map(|g| json!({"id": g.id, "size": g.members.len(), "center": g.center})).collect::<Vec<_>>(),
        "representatives": representatives,
        "consensus": {"agree": consensus(&analysis.consensus_agree), "disagree": consensus(&analysis.consensus_disagree)},
        "group_aware_consensus": gac,
    })
}

/// A readable summary.
fn summary(analysis: &Analysis, texts: &BTreeMap<u64, &str>) -> String {
    let text = |tid: &u64| texts.get(tid).map_or("(no text)", |t| t.trim());
    let grouped = analysis
        .participants
        .iter()
        .filter(|p| p.group.is_some())
        .count();
    let mut out = format!(
        "{} participants, {} in {} opinion groups\n",
        analysis.participants.len(),
        grouped,
        analysis.groups.len()
    );
    for g in &analysis.groups {
        out.push_str(&format!(
            "\nGroup {} ({} participants): what sets it apart\n",
            g.id,
            g.members.len()
        ));
        for (tid, r) in &g.representatives {
            out.push_str(&format!(
                "  {:>3.0}% {:<8} #{tid}: {}\n",
                r.p_success * 100.0,
                format!("{:?}", r.side).to_lowercase(),
                text(tid)
            ));
        }
    }
    out.push_str("\nConsensus: most agree\n");
    for (tid, c) in &analysis.consensus_agree {
        out.push_str(&format!(
            "  {:>3.0}% #{tid}: {}\n",
            c.p_success * 100.0,
            text(tid)
        ));
    }
    out.push_str("\nConsensus: most disagree\n");
    for (tid, c) in &analysis.consensus_disagree {
        out.push_str(&format!(
            "  {:>3.0}% #{tid}: {}\n",
            c.p_success * 100.0,
            text(tid)
        ));
    }
    let mut ranked: Vec<_> = analysis.comments.iter().collect();
    ranked.sort_by(|a, b| b.agree_consensus.total_cmp(&a.agree_consensus));
    out.push_str("\nGroup-aware consensus (every group agrees), top 5\n");
    for c in ranked.iter().take(5) {
        out.push_str(&format!(
            "  {:.3} #{}: {}\n",
            c.agree_consensus,
            c.tid,
            text(&c.tid)
        ));
    }
    out
}
