//! Object integrity proofs (FEP-8b32, `eddsa-jcs-2022`) for tallies: signing with our
//! organization's Ed25519 key, and verifying a member's tally with the key its actor
//! publishes (FEP-521a `assertionMethod`).

use crate::FederationError;
use crate::keys::AssertionKey;
use crate::protocol::objects::Multikey;
use inspraak_integrity::keys::{SigningKey, VerifyingKey};
use inspraak_integrity::proof;
use serde_json::Value;
use url::Url;

/// Signs `document` with `key`, as of `created` (an XML Schema date-time).
pub fn sign(document: &Value, key: &AssertionKey, created: &str) -> Result<Value, FederationError> {
    let signing = SigningKey::from_secret_multibase(&key.private_seed)
        .map_err(|e| FederationError::Key(e.to_string()))?;
    proof::sign(document, &signing, &key.key_id, created)
        .map_err(|e| FederationError::Key(e.to_string()))
}

/// Verifies that `document` carries a proof by `controller`'s key among `keys`: the proof's
/// `verificationMethod` must be one of them, controlled by `controller`. Returns the key that
/// verified it, or says why not.
pub fn verify(document: &Value, controller: &Url, keys: &[Multikey]) -> Result<Multikey, String> {
    let method = document
        .get("proof")
        .and_then(|p| p.get("verificationMethod"))
        .and_then(Value::as_str)
        .ok_or("the tally has no proof with a verificationMethod")?;
    let key = keys
        .iter()
        .find(|k| k.id.as_str() == method)
        .ok_or_else(|| format!("{method} is not a key the member publishes"))?;
    if &key.controller != controller {
        return Err(format!("{method} is not controlled by {controller}"));
    }
    let verifying = VerifyingKey::from_multibase(&key.public_key_multibase)
        .map_err(|e| format!("the member's key cannot be read: {e}"))?;
    proof::verify(document, &verifying)
        .map(|_| key.clone())
        .map_err(|e| e.to_string())
}

/// A new Ed25519 key: its secret (multibase, to store) and its public half as a Multikey.
pub fn generate() -> Result<(String, String), FederationError> {
    let key = SigningKey::generate().map_err(|e| FederationError::Key(e.to_string()))?;
    Ok((
        key.to_secret_multibase(),
        key.verifying_key().to_multibase(),
    ))
}
