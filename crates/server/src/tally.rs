//! `inspraak tally verify FILE.json`: checks a member's signed tally of a joint vote offline,
//! with its `eddsa-jcs-2022` proof (FEP-8b32), so anyone can audit a province's total.
//!
//! The file is either a bare tally object with a `proof` (the key comes from `--public-key`), or
//! the bundle an organizer exports, `{"tally": {...}, "key": {Multikey}}`, where the key's `id`
//! must be the proof's `verificationMethod` and its `controller` the tally's `attributedTo`.

use inspraak_integrity::{KeyError, Multikey, VerifyingKey, proof};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Largest file read: a tally is a few hundred bytes, and a hostile file is refused unread.
pub const MAX_BYTES: u64 = 1 << 20;

/// Why a file could not be checked at all (as opposed to checked and found invalid).
#[derive(Debug, thiserror::Error)]
pub enum TallyError {
    /// The file is missing or unreadable.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is larger than [`MAX_BYTES`].
    #[error("{}: the file has {size} bytes; at most {MAX_BYTES} are read", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
    },
    /// `--public-key` is not an Ed25519 `z6Mk...` key.
    #[error("--public-key: {0}")]
    PublicKey(#[from] KeyError),
}

/// The outcome of checking one tally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Why the tally is not valid; `None` when it is.
    pub reason: Option<String>,
    /// The tally's `attributedTo`, when it has one.
    pub attributed_to: Option<String>,
    /// The tally's `voters`, when it is a non-negative integer.
    pub voters: Option<u64>,
    /// The proof's `verificationMethod`, when the proof has one.
    pub verification_method: Option<String>,
    /// The counts, when they have the right shape.
    pub counts: Vec<(String, u64)>,
}

impl Report {
    /// Whether the proof verified and the tally has the right shape.
    pub fn valid(&self) -> bool {
        self.reason.is_none()
    }

    /// `{"valid", "reason", "attributedTo", "voters", "verificationMethod", "counts"}`.
    pub fn to_json(&self) -> Value {
        json!({
            "valid": self.valid(),
            "reason": self.reason,
            "attributedTo": self.attributed_to,
            "voters": self.voters,
            "verificationMethod": self.verification_method,
            "counts": self.counts.iter().map(|(name, votes)| json!({"name": name, "votes": votes})).collect::<Vec<_>>(),
        })
    }

    /// One line for a person: who signed, how many voted, the counts; or why it is invalid.
    pub fn human(&self) -> String {
        match &self.reason {
            Some(reason) => format!("invalid: {reason}"),
            None => {
                let counts: Vec<String> = self
                    .counts
                    .iter()
                    .map(|(name, votes)| format!("{name} {votes}"))
                    .collect();
                format!(
                    "valid: tally by {} (key {}), {} voters: {}",
                    self.attributed_to.as_deref().unwrap_or("?"),
                    self.verification_method.as_deref().unwrap_or("?"),
                    self.voters.unwrap_or_default(),
                    counts.join(", ")
                )
            }
        }
    }
}

/// Reads and checks `path`; `public_key` (`z6Mk...`) overrides a bundle's key.
pub fn verify_file(path: &Path, public_key: Option<&str>) -> Result<Report, TallyError> {
    let public_key = public_key.map(VerifyingKey::from_multibase).transpose()?;
    let read_error = |source| TallyError::Read {
        path: path.to_owned(),
        source,
    };
    let size = std::fs::metadata(path).map_err(read_error)?.len();
    if size > MAX_BYTES {
        return Err(TallyError::TooLarge {
            path: path.to_owned(),
            size,
        });
    }
    let bytes = std::fs::read(path).map_err(read_error)?;
    Ok(match serde_json::from_slice::<Value>(&bytes) {
        Ok(file) => verify_value(&file, public_key.as_ref()),
        Err(err) => Report {
            reason: Some(format!("the file is not JSON: {err}")),
            attributed_to: None,
            voters: None,
            verification_method: None,
            counts: Vec::new(),
        },
    })
}

/// Checks a bare tally or a bundle; `public_key` overrides a bundle's key.
pub fn verify_value(file: &Value, public_key: Option<&VerifyingKey>) -> Report {
    let (tally, bundle_key) = match file.get("tally") {
        Some(tally) => (tally, file.get("key")),
        None => (file, None),
    };
    let mut report = Report {
        reason: None,
        attributed_to: tally
            .get("attributedTo")
            .and_then(Value::as_str)
            .map(str::to_owned),
        voters: tally.get("voters").and_then(Value::as_u64),
        verification_method: tally
            .pointer("/proof/verificationMethod")
            .and_then(Value::as_str)
            .map(str::to_owned),
        counts: Vec::new(),
    };
    if let Err(reason) = check(tally, bundle_key, public_key, &mut report) {
        report.reason = Some(reason);
    }
    report
}

fn check(
    tally: &Value,
    bundle_key: Option<&Value>,
    public_key: Option<&VerifyingKey>,
    report: &mut Report,
) -> Result<(), String> {
    // The bundle's key is read only when no key was given on the command line.
    let (key, multikey) = match (public_key, bundle_key) {
        (Some(key), _) => (*key, None),
        (None, Some(key)) => {
            let multikey =
                Multikey::from_json(key).map_err(|e| format!("the bundle's key: {e}"))?;
            (multikey.public_key, Some(multikey))
        }
        (None, None) => {
            return Err(
                "no key: give --public-key z6Mk..., or a bundle {\"tally\": ..., \"key\": ...}"
                    .to_owned(),
            );
        }
    };
    let verified = proof::verify(tally, &key).map_err(|e| format!("proof: {e}"))?;
    if let Some(multikey) = &multikey {
        if multikey.id != verified.verification_method {
            return Err(format!(
                "the proof names key {}, but the bundle's key is {}",
                verified.verification_method, multikey.id
            ));
        }
        let attributed_to = report.attributed_to.as_deref().unwrap_or_default();
        if multikey.controller != attributed_to {
            return Err(format!(
                "the bundle's key belongs to {}, but the tally is attributed to {attributed_to:?}",
                multikey.controller
            ));
        }
    }
    report.counts = check_shape(tally)?;
    Ok(())
}

/// The counts of a well-formed tally, or what is wrong with its shape.
fn check_shape(tally: &Value) -> Result<Vec<(String, u64)>, String> {
    let shape = |problem: String| format!("the signature is valid, but the tally {problem}");
    if tally.get("type").and_then(Value::as_str) != Some("Tally") {
        return Err(shape("has no type \"Tally\"".to_owned()));
    }
    if tally.get("attributedTo").and_then(Value::as_str).is_none() {
        return Err(shape("has no attributedTo".to_owned()));
    }
    if tally.get("voters").and_then(Value::as_u64).is_none() {
        return Err(shape(
            "has no voters that is a non-negative integer".to_owned(),
        ));
    }
    let Some(counts) = tally.get("counts").and_then(Value::as_array) else {
        return Err(shape("has no counts array".to_owned()));
    };
    counts
        .iter()
        .enumerate()
        .map(|(i, count)| {
            let name = count.get("name").and_then(Value::as_str);
            let votes = count.get("votes").and_then(Value::as_u64);
            match (name, votes) {
                (Some(name), Some(votes)) => Ok((name.to_owned(), votes)),
                (None, _) => Err(shape(format!("counts[{i}] has no name string"))),
                (_, None) => Err(shape(format!(
                    "counts[{i}].votes is not a non-negative integer"
                ))),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use inspraak_integrity::SigningKey;

    const ACTOR: &str = "https://gemeente-a.example/actor";
    const KEY_ID: &str = "https://gemeente-a.example/actor#ed25519-key";

    fn signed(tally: &Value, key: &SigningKey) -> Value {
        proof::sign(tally, key, KEY_ID, "2026-12-05T12:00:00Z").unwrap()
    }

    fn tally() -> Value {
        json!({"type": "Tally", "attributedTo": ACTOR, "voters": 3,
               "counts": [{"name": "Ja", "votes": 2}, {"name": "Nee", "votes": 1}]})
    }

    #[test]
    fn shape_problems_are_named_after_a_valid_signature() {
        let key = SigningKey::generate().unwrap();
        let public = key.verifying_key();
        let check = |t: Value| verify_value(&signed(&t, &key), Some(&public)).reason;
        assert_eq!(check(tally()), None);
        let mut bad = tally();
        bad["voters"] = json!(-1);
        assert!(check(bad).unwrap().contains("voters"));
        let mut bad = tally();
        bad["counts"][1]["votes"] = json!(1.5);
        assert!(check(bad).unwrap().contains("counts[1].votes"));
        let mut bad = tally();
        bad["counts"] = json!({"Ja": 2});
        assert!(check(bad).unwrap().contains("counts array"));
    }

    #[test]
    fn a_bare_tally_needs_a_key() {
        let key = SigningKey::generate().unwrap();
        let report = verify_value(&signed(&tally(), &key), None);
        assert!(report.reason.unwrap().contains("--public-key"));
    }
}
