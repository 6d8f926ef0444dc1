//! Object integrity proofs for Inspraak (FEP-8b32) with the W3C `eddsa-jcs-2022` cryptosuite.
//!
//! Pure: no SQL, no HTTP, no clock (callers pass `created`). The pieces:
//! - [`jcs`]: RFC 8785 JSON Canonicalization Scheme, the bytes that get hashed;
//! - [`base58btc`]: the multibase `z` alphabet used for keys and signatures;
//! - [`keys`]: Ed25519 [`SigningKey`] and [`VerifyingKey`], and the FEP-521a [`Multikey`];
//! - [`proof`]: [`proof::sign`] and [`proof::verify`] of a `DataIntegrityProof`.

pub mod base58btc;
pub mod jcs;
pub mod keys;
pub mod proof;

pub use keys::{KeyError, Multikey, SigningKey, VerifyingKey};
pub use proof::{IntegrityError, VerifiedProof};
