//! Ed25519 keys and their multibase forms.
//!
//! A public key is published as a FEP-521a `Multikey`: `publicKeyMultibase` is `z` (base58btc)
//! followed by the base58btc of the multicodec prefix `0xed 0x01` (ed25519-pub) and the 32 key
//! bytes, which always starts `z6Mk`. A secret key is stored as its 32-byte seed, raw or as
//! multibase with the prefix `0x80 0x26` (ed25519-priv, as the W3C test vectors write it).

use crate::base58btc::{self, Base58Error};
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde_json::{Value, json};
use thiserror::Error;

/// Multicodec varint of ed25519-pub (0xed).
pub const ED25519_PUB_PREFIX: [u8; 2] = [0xed, 0x01];
/// Multicodec varint of ed25519-priv (0x1300).
pub const ED25519_PRIV_PREFIX: [u8; 2] = [0x80, 0x26];
/// The `type` of a FEP-521a key object.
pub const MULTIKEY_TYPE: &str = "Multikey";

/// Why a key cannot be read or made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// The text does not start with the multibase base58btc prefix `z`.
    #[error("a multibase key must start with 'z' (base58btc)")]
    NotBase58Btc,
    /// The text after `z` is not base58btc.
    #[error("the key is not base58btc: {0}")]
    Base58(#[from] Base58Error),
    /// The decoded bytes start with another multicodec than the one expected.
    #[error("the key's multicodec prefix is {found}, not {expected} ({name})")]
    WrongPrefix {
        /// The first two bytes found, in hex.
        found: String,
        /// The prefix expected, in hex.
        expected: String,
        /// What the expected prefix means.
        name: &'static str,
    },
    /// The key is not 32 bytes long after its prefix.
    #[error("an Ed25519 key has 32 bytes, this one has {0}")]
    WrongLength(usize),
    /// ring refused the seed (it never should for 32 bytes).
    #[error("the Ed25519 seed was refused: {0}")]
    Rejected(String),
    /// The system's random number generator failed.
    #[error("no randomness for a new key")]
    NoRandomness,
    /// A Multikey object lacks a member or has a wrong one.
    #[error("the key object's {0}")]
    BadObject(String),
}

/// An Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerifyingKey([u8; 32]);

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VerifyingKey({})", self.to_multibase())
    }
}

impl VerifyingKey {
    /// The key from its 32 raw bytes (checked only when a signature is verified).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The 32 raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The FEP-521a `publicKeyMultibase` text, `z6Mk...`.
    pub fn to_multibase(&self) -> String {
        multibase_with_prefix(ED25519_PUB_PREFIX, &self.0)
    }

    /// Reads a `publicKeyMultibase` text, `z6Mk...`.
    pub fn from_multibase(text: &str) -> Result<Self, KeyError> {
        decode_with_prefix(text, ED25519_PUB_PREFIX, "ed25519-pub").map(Self)
    }

    /// Whether `signature` is this key's Ed25519 (RFC 8032, pure) signature of `message`.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, &self.0)
            .verify(message, signature)
            .is_ok()
    }
}

/// An Ed25519 secret key, kept as its 32-byte seed. `Debug` does not show it.
pub struct SigningKey {
    seed: [u8; 32],
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SigningKey(public {})",
            self.verifying_key().to_multibase()
        )
    }
}

impl SigningKey {
    /// The key from its 32-byte seed (RFC 8032's private key).
    pub fn from_seed(seed: [u8; 32]) -> Result<Self, KeyError> {
        let pair = Ed25519KeyPair::from_seed_unchecked(&seed)
            .map_err(|e| KeyError::Rejected(e.to_string()))?;
        Ok(Self { seed, pair })
    }

    /// The key from a seed of any slice length, refused unless it has 32 bytes.
    pub fn from_seed_slice(seed: &[u8]) -> Result<Self, KeyError> {
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| KeyError::WrongLength(seed.len()))?;
        Self::from_seed(seed)
    }

    /// A new key from the system's secure random number generator.
    pub fn generate() -> Result<Self, KeyError> {
        use ring::rand::{SecureRandom, SystemRandom};
        let mut seed = [0u8; 32];
        SystemRandom::new()
            .fill(&mut seed)
            .map_err(|_| KeyError::NoRandomness)?;
        Self::from_seed(seed)
    }

    /// The 32-byte seed, to store (keep it secret).
    pub fn seed(&self) -> &[u8; 32] {
        &self.seed
    }

    /// The seed as multibase ed25519-priv text, `z3u2...`, to store (keep it secret).
    pub fn to_secret_multibase(&self) -> String {
        multibase_with_prefix(ED25519_PRIV_PREFIX, &self.seed)
    }

    /// Reads a seed stored by [`SigningKey::to_secret_multibase`].
    pub fn from_secret_multibase(text: &str) -> Result<Self, KeyError> {
        Self::from_seed(decode_with_prefix(
            text,
            ED25519_PRIV_PREFIX,
            "ed25519-priv",
        )?)
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> VerifyingKey {
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(self.pair.public_key().as_ref());
        VerifyingKey(bytes)
    }

    /// The Ed25519 (RFC 8032, pure) signature of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let mut signature = [0u8; 64];
        signature.copy_from_slice(self.pair.sign(message).as_ref());
        signature
    }
}

/// A FEP-521a key object: `{"id", "type": "Multikey", "controller", "publicKeyMultibase"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Multikey {
    /// The key's id, e.g. `https://gemeente-a.example/actor#ed25519-key`.
    pub id: String,
    /// The actor that owns the key.
    pub controller: String,
    /// The public key.
    pub public_key: VerifyingKey,
}

impl Multikey {
    /// The object as JSON, to publish in the actor's `assertionMethod`.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "type": MULTIKEY_TYPE,
            "controller": self.controller,
            "publicKeyMultibase": self.public_key.to_multibase(),
        })
    }

    /// Reads a key object; `type` must be `Multikey` and the key an Ed25519 one.
    pub fn from_json(value: &Value) -> Result<Self, KeyError> {
        let text = |name: &str| {
            value
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| KeyError::BadObject(format!("{name} is missing or not a string")))
        };
        let kind = text("type")?;
        if kind != MULTIKEY_TYPE {
            return Err(KeyError::BadObject(format!(
                "type is {kind:?}, not {MULTIKEY_TYPE:?}"
            )));
        }
        Ok(Self {
            id: text("id")?.to_owned(),
            controller: text("controller")?.to_owned(),
            public_key: VerifyingKey::from_multibase(text("publicKeyMultibase")?)?,
        })
    }
}

fn multibase_with_prefix(prefix: [u8; 2], key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(&prefix);
    bytes.extend_from_slice(key);
    format!("z{}", base58btc::encode(&bytes))
}

fn decode_with_prefix(
    text: &str,
    prefix: [u8; 2],
    name: &'static str,
) -> Result<[u8; 32], KeyError> {
    let rest = text.strip_prefix('z').ok_or(KeyError::NotBase58Btc)?;
    let bytes = base58btc::decode(rest)?;
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    if bytes.len() < 2 || bytes[..2] != prefix {
        return Err(KeyError::WrongPrefix {
            found: hex(&bytes[..bytes.len().min(2)]),
            expected: hex(&prefix),
            name,
        });
    }
    bytes[2..]
        .try_into()
        .map_err(|_| KeyError::WrongLength(bytes.len() - 2))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    // The W3C vc-di-eddsa key pair (TestVectors/keyPair.json).
    const PUBLIC: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    const SECRET: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";

    #[test]
    fn the_w3c_key_pair_reads_and_matches() {
        let secret = SigningKey::from_secret_multibase(SECRET).unwrap();
        assert_eq!(secret.to_secret_multibase(), SECRET);
        assert_eq!(secret.verifying_key().to_multibase(), PUBLIC);
        let public = VerifyingKey::from_multibase(PUBLIC).unwrap();
        assert_eq!(public, secret.verifying_key());
        assert_eq!(public.to_multibase(), PUBLIC);
        assert!(!format!("{secret:?}").contains(SECRET));
    }

    #[test]
    fn a_new_key_signs_and_round_trips() {
        let key = SigningKey::generate().unwrap();
        let again = SigningKey::from_seed(*key.seed()).unwrap();
        assert_eq!(again.verifying_key(), key.verifying_key());
        let public = key.verifying_key().to_multibase();
        assert!(public.starts_with("z6Mk"), "{public}");
        let signature = key.sign(b"tally");
        assert!(key.verifying_key().verify(b"tally", &signature));
        assert!(!key.verifying_key().verify(b"tallY", &signature));
        assert!(!key.verifying_key().verify(b"tally", &signature[..63]));
    }

    #[test]
    fn bad_multibase_keys_say_why() {
        assert_eq!(
            VerifyingKey::from_multibase(&PUBLIC[1..]),
            Err(KeyError::NotBase58Btc)
        );
        assert!(matches!(
            VerifyingKey::from_multibase("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQl"),
            Err(KeyError::Base58(Base58Error::BadCharacter {
                character: 'l',
                ..
            }))
        ));
        assert!(matches!(
            VerifyingKey::from_multibase(SECRET),
            Err(KeyError::WrongPrefix {
                name: "ed25519-pub",
                ..
            })
        ));
        let short = format!("z{}", base58btc::encode(&[0xed, 0x01, 1, 2, 3]));
        assert_eq!(
            VerifyingKey::from_multibase(&short),
            Err(KeyError::WrongLength(3))
        );
        assert_eq!(
            SigningKey::from_seed_slice(&[0; 31]).map(|_| ()),
            Err(KeyError::WrongLength(31))
        );
    }

    #[test]
    fn multikey_objects_round_trip() {
        let key = Multikey {
            id: "https://gemeente-a.example/actor#ed25519-key".to_owned(),
            controller: "https://gemeente-a.example/actor".to_owned(),
            public_key: VerifyingKey::from_multibase(PUBLIC).unwrap(),
        };
        let json = key.to_json();
        assert_eq!(json["type"], "Multikey");
        assert_eq!(json["publicKeyMultibase"], PUBLIC);
        assert_eq!(Multikey::from_json(&json), Ok(key));
        let mut other = json.clone();
        other["type"] = "JsonWebKey".into();
        assert!(matches!(
            Multikey::from_json(&other),
            Err(KeyError::BadObject(_))
        ));
    }
}
