//! `DataIntegrityProof` with the `eddsa-jcs-2022` cryptosuite (W3C Data Integrity EdDSA
//! Cryptosuites v1.0, section 3.3), as FEP-8b32 uses it for ActivityPub objects.
//!
//! Signing a document D (a JSON object without `proof`) with options O:
//! 1. `proof` = O (`type`, `cryptosuite`, `created`, `verificationMethod`, `proofPurpose`),
//!    plus `@context` = D's `@context` when D has one;
//! 2. hashData = SHA-256(JCS(proof)) ‖ SHA-256(JCS(D)), 64 bytes, the proof's hash first;
//! 3. `proof.proofValue` = `z` + base58btc(Ed25519 signature of hashData);
//! 4. the result is D with the member `proof`.
//!
//! Verifying reverses it: the proof without `proofValue` is the proof configuration, the document
//! without `proof` is hashed, and when the proof has an `@context` the document's must start
//! with the same entries (the document is then hashed with the proof's `@context`).

use crate::base58btc;
use crate::jcs::{self, JcsError};
use crate::keys::{SigningKey, VerifyingKey};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The proof `type`.
pub const PROOF_TYPE: &str = "DataIntegrityProof";
/// The `cryptosuite`.
pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";
/// The proof purpose of a statement an actor makes: the one [`sign`] uses and [`verify`] wants.
pub const ASSERTION_METHOD: &str = "assertionMethod";

/// Why a document cannot be signed, or why its proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IntegrityError {
    /// The document is not a JSON object.
    #[error("the document is not a JSON object")]
    NotAnObject,
    /// [`sign`] was given a document that already has a `proof` (proof sets are not supported).
    #[error("the document already has a proof")]
    AlreadySigned,
    /// The document has no `proof` member.
    #[error("the document has no proof")]
    NoProof,
    /// `proof` is an array: proof sets and chains are not supported.
    #[error("the proof is a set of proofs, which is not supported")]
    ProofSet,
    /// `proof` is neither an object nor an array.
    #[error("the proof is not a JSON object")]
    ProofNotAnObject,
    /// A proof member is missing or not a string.
    #[error("the proof's {0} is missing or not a string")]
    MissingProofMember(&'static str),
    /// The proof's `type` is not `DataIntegrityProof`.
    #[error("the proof's type is {0:?}, not \"DataIntegrityProof\"")]
    WrongType(String),
    /// The proof's `cryptosuite` is not `eddsa-jcs-2022`.
    #[error("the proof's cryptosuite is {0:?}, not \"eddsa-jcs-2022\"")]
    WrongCryptosuite(String),
    /// The proof's `proofPurpose` is not the one the verifier asked for.
    #[error("the proof's purpose is {found:?}, not {expected:?}")]
    WrongProofPurpose {
        /// The purpose in the proof.
        found: String,
        /// The purpose the verifier wanted.
        expected: String,
    },
    /// `created` is not an XML Schema dateTime.
    #[error("the proof's created {0:?} is not an xsd:dateTime such as 2026-12-05T12:00:00Z")]
    BadCreated(String),
    /// `proofValue` is not `z` + base58btc of a 64-byte signature.
    #[error("the proofValue is malformed: {0}")]
    BadProofValue(String),
    /// The proof's `@context` is not the start of the document's `@context`.
    #[error("the proof's @context does not match the start of the document's @context")]
    ContextMismatch,
    /// A value in the document or proof has no canonical JSON form.
    #[error("canonicalization failed: {0}")]
    Canonicalization(#[from] JcsError),
    /// The signature is not the key's signature of this document and proof: the document was
    /// changed after signing, or another key signed it.
    #[error("the signature does not verify: the document was changed or another key signed it")]
    SignatureInvalid,
}

/// What a proof that verified says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The proof's `verificationMethod`: callers check that it is the key they expected.
    pub verification_method: String,
    /// The proof's `proofPurpose`.
    pub proof_purpose: String,
    /// The proof's `created`, when it has one.
    pub created: Option<String>,
    /// The document without its proof (with the proof's `@context`, as it was hashed).
    pub document: Value,
}

/// The proof options [`sign`] uses: type, cryptosuite, created, verificationMethod,
/// proofPurpose `assertionMethod`, and the document's `@context` when it has one.
pub fn proof_options(
    document: &Value,
    verification_method: &str,
    created: &str,
) -> Result<Value, IntegrityError> {
    let object = document.as_object().ok_or(IntegrityError::NotAnObject)?;
    if !is_xsd_date_time(created) {
        return Err(IntegrityError::BadCreated(created.to_owned()));
    }
    let mut proof = Map::new();
    proof.insert("type".into(), PROOF_TYPE.into());
    proof.insert("cryptosuite".into(), CRYPTOSUITE.into());
    proof.insert("created".into(), created.into());
    proof.insert("verificationMethod".into(), verification_method.into());
    proof.insert("proofPurpose".into(), ASSERTION_METHOD.into());
    if let Some(context) = object.get("@context") {
        proof.insert("@context".into(), context.clone());
    }
    Ok(Value::Object(proof))
}

/// hashData: SHA-256 of the canonical proof configuration, then SHA-256 of the canonical
/// document (64 bytes). This is what Ed25519 signs.
pub fn hash_data(canonical_proof_config: &str, canonical_document: &str) -> [u8; 64] {
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&Sha256::digest(canonical_proof_config.as_bytes()));
    out[32..].copy_from_slice(&Sha256::digest(canonical_document.as_bytes()));
    out
}

/// `document` (a JSON object without `proof`) with an `eddsa-jcs-2022` proof by `key`, whose
/// public key is published at `verification_method` (e.g. `https://x.example/actor#ed25519-key`).
/// `created` is an xsd:dateTime such as `2026-12-05T12:00:00Z`; the purpose is `assertionMethod`.
pub fn sign(
    document: &Value,
    key: &SigningKey,
    verification_method: &str,
    created: &str,
) -> Result<Value, IntegrityError> {
    let object = document.as_object().ok_or(IntegrityError::NotAnObject)?;
    if object.contains_key("proof") {
        return Err(IntegrityError::AlreadySigned);
    }
    let mut proof = proof_options(document, verification_method, created)?;
    let data = hash_data(&jcs::canonicalize(&proof)?, &jcs::canonicalize(document)?);
    let proof_value = format!("z{}", base58btc::encode(&key.sign(&data)));
    let mut signed = object.clone();
    if let Value::Object(members) = &mut proof {
        members.insert("proofValue".into(), proof_value.into());
    }
    signed.insert("proof".into(), proof);
    Ok(Value::Object(signed))
}

/// Verifies `document`'s `eddsa-jcs-2022` proof with `key`, wanting purpose `assertionMethod`.
/// Check [`VerifiedProof::verification_method`] against the key you looked up.
pub fn verify(document: &Value, key: &VerifyingKey) -> Result<VerifiedProof, IntegrityError> {
    verify_with_purpose(document, key, ASSERTION_METHOD)
}

/// [`verify`] for another proof purpose.
pub fn verify_with_purpose(
    document: &Value,
    key: &VerifyingKey,
    purpose: &str,
) -> Result<VerifiedProof, IntegrityError> {
    let object = document.as_object().ok_or(IntegrityError::NotAnObject)?;
    let proof = match object.get("proof") {
        None => return Err(IntegrityError::NoProof),
        Some(Value::Object(proof)) => proof,
        Some(Value::Array(_)) => return Err(IntegrityError::ProofSet),
        Some(_) => return Err(IntegrityError::ProofNotAnObject),
    };
    let text = |name: &'static str| {
        proof
            .get(name)
            .and_then(Value::as_str)
            .ok_or(IntegrityError::MissingProofMember(name))
    };
    let kind = text("type")?;
    if kind != PROOF_TYPE {
        return Err(IntegrityError::WrongType(kind.to_owned()));
    }
    let suite = text("cryptosuite")?;
    if suite != CRYPTOSUITE {
        return Err(IntegrityError::WrongCryptosuite(suite.to_owned()));
    }
    let verification_method = text("verificationMethod")?.to_owned();
    let proof_purpose = text("proofPurpose")?.to_owned();
    if proof_purpose != purpose {
        return Err(IntegrityError::WrongProofPurpose {
            found: proof_purpose,
            expected: purpose.to_owned(),
        });
    }
    let created = match proof.get("created") {
        None => None,
        Some(Value::String(c)) if is_xsd_date_time(c) => Some(c.clone()),
        Some(other) => return Err(IntegrityError::BadCreated(other.to_string())),
    };
    let signature = decode_proof_value(text("proofValue")?)?;

    let mut options = proof.clone();
    options.remove("proofValue");
    let mut unsecured = object.clone();
    unsecured.remove("proof");
    if let Some(context) = options.get("@context") {
        if !context_starts_with(unsecured.get("@context"), context) {
            return Err(IntegrityError::ContextMismatch);
        }
        unsecured.insert("@context".into(), context.clone());
    }
    let unsecured = Value::Object(unsecured);
    let data = hash_data(
        &jcs::canonicalize(&Value::Object(options))?,
        &jcs::canonicalize(&unsecured)?,
    );
    if !key.verify(&data, &signature) {
        return Err(IntegrityError::SignatureInvalid);
    }
    Ok(VerifiedProof {
        verification_method,
        proof_purpose,
        created,
        document: unsecured,
    })
}

fn decode_proof_value(text: &str) -> Result<[u8; 64], IntegrityError> {
    let rest = text
        .strip_prefix('z')
        .ok_or_else(|| IntegrityError::BadProofValue("it does not start with 'z'".into()))?;
    let bytes =
        base58btc::decode(rest).map_err(|e| IntegrityError::BadProofValue(e.to_string()))?;
    bytes.as_slice().try_into().map_err(|_| {
        IntegrityError::BadProofValue(format!(
            "an Ed25519 signature has 64 bytes, this one {}",
            bytes.len()
        ))
    })
}

/// Whether the document's `@context` starts with the proof's entries, in order (a single
/// string counts as a list of one).
fn context_starts_with(document: Option<&Value>, proof: &Value) -> bool {
    let as_list = |v: &Value| match v {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let Some(document) = document else {
        return false;
    };
    let (document, proof) = (as_list(document), as_list(proof));
    document.len() >= proof.len() && document.iter().zip(&proof).all(|(d, p)| d == p)
}

/// Whether `s` is in the XML Schema 1.1 dateTime lexical form:
/// `-?YYYY-MM-DDThh:mm:ss(.s+)?(Z|(+|-)hh:mm)?`. Day numbers are checked only against 31.
pub fn is_xsd_date_time(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some((date, time)) = s.split_once('T') else {
        return false;
    };
    let date: Vec<&str> = date.split('-').collect();
    let [year, month, day] = date.as_slice() else {
        return false;
    };
    let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    let in_range =
        |t: &str, lo: u32, hi: u32| t.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v));
    let year_ok = year.len() >= 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && !(year.len() > 4 && year.starts_with('0'));
    let date_ok = year_ok
        && digits(month, 2)
        && digits(day, 2)
        && in_range(month, 1, 12)
        && in_range(day, 1, 31);
    if !date_ok {
        return false;
    }
    // The zone: Z, +hh:mm or -hh:mm after the seconds, or nothing.
    let (clock, zone) = if let Some(clock) = time.strip_suffix('Z') {
        (clock, None)
    } else if time.len() > 6 && matches!(time.as_bytes()[time.len() - 6], b'+' | b'-') {
        let (clock, zone) = time.split_at(time.len() - 6);
        (clock, Some(&zone[1..]))
    } else {
        (time, None)
    };
    if let Some(zone) = zone {
        let Some((h, m)) = zone.split_once(':') else {
            return false;
        };
        if !(digits(h, 2) && digits(m, 2) && in_range(h, 0, 14) && in_range(m, 0, 59)) {
            return false;
        }
    }
    let (hms, fraction) = clock.split_once('.').unwrap_or((clock, "0"));
    let hms: Vec<&str> = hms.split(':').collect();
    let [h, m, sec] = hms.as_slice() else {
        return false;
    };
    digits(h, 2)
        && digits(m, 2)
        && digits(sec, 2)
        && in_range(h, 0, 23)
        && in_range(m, 0, 59)
        && in_range(sec, 0, 59)
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xsd_date_times() {
        for good in [
            "2026-12-05T12:00:00Z",
            "2023-02-24T23:36:38Z",
            "2026-12-05T12:00:00.125Z",
            "2026-12-05T12:00:00+01:00",
            "2026-12-05T12:00:00",
            "-0044-03-15T12:00:00Z",
            "12026-01-01T00:00:00Z",
        ] {
            assert!(is_xsd_date_time(good), "{good}");
        }
        for bad in [
            "",
            "2026-12-05",
            "2026-12-05 12:00:00Z",
            "2026-13-05T12:00:00Z",
            "2026-12-00T12:00:00Z",
            "2026-12-05T24:00:01Z",
            "2026-12-05T12:00Z",
            "2026-12-05T12:00:00.Z",
            "2026-12-05T12:00:00+1:00",
            "26-12-05T12:00:00Z",
            "02026-12-05T12:00:00Z",
        ] {
            assert!(!is_xsd_date_time(bad), "{bad}");
        }
    }
}
