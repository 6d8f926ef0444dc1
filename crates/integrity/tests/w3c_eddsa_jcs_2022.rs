//! The `eddsa-jcs-2022` test vectors of W3C "Data Integrity EdDSA Cryptosuites v1.0"
//! (appendix "Representation: eddsa-jcs-2022"; github.com/w3c/vc-di-eddsa, `TestVectors/`
//! `keyPair.json`, `unsigned.json` and `eddsa-jcs-2022/*`, at commit abb673eb, 2025-05-15),
//! step by step, then signing and verifying with the crate's API.

#![allow(clippy::unwrap_used)]

use inspraak_integrity::{IntegrityError, SigningKey, VerifyingKey, jcs, proof};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const PUBLIC_KEY: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
const SECRET_KEY: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";
const VERIFICATION_METHOD: &str = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
const CREATED: &str = "2023-02-24T23:36:38Z";

const CANONICAL_DOCUMENT: &str = r#"{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],"credentialSubject":{"alumniOf":"The School of Examples","id":"did:example:abcdefgh"},"description":"A minimum viable example of an Alumni Credential.","id":"urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33","issuer":"https://vc.example/issuers/5678","name":"Alumni Credential","type":["VerifiableCredential","AlumniCredential"],"validFrom":"2023-01-01T00:00:00Z"}"#;
const DOCUMENT_HASH: &str = "59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19";
const CANONICAL_PROOF_CONFIG: &str = r#"{"@context":["https://www.w3.org/ns/credentials/v2","https://www.w3.org/ns/credentials/examples/v2"],"created":"2023-02-24T23:36:38Z","cryptosuite":"eddsa-jcs-2022","proofPurpose":"assertionMethod","type":"DataIntegrityProof","verificationMethod":"did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"}"#;
const PROOF_CONFIG_HASH: &str = "66ab154f5c2890a140cb8388a22a160454f80575f6eae09e5a097cabe539a1db";
const SIGNATURE_HEX: &str = "407cd12654b33d718ecbb99179a1506daaa849450bf3fc523cce3e1c96f8b80351da3f253d725c6f00b07c9e5448d50b3ef78012b9ab54255116d069c6dd2808";
const PROOF_VALUE: &str =
    "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX";

fn unsigned() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2"
        ],
        "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
        "type": ["VerifiableCredential", "AlumniCredential"],
        "name": "Alumni Credential",
        "description": "A minimum viable example of an Alumni Credential.",
        "issuer": "https://vc.example/issuers/5678",
        "validFrom": "2023-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:abcdefgh",
            "alumniOf": "The School of Examples"
        }
    })
}

/// `signedJCS.json`, as published.
fn signed() -> Value {
    let mut signed = unsigned();
    signed["proof"] = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": CREATED,
        "verificationMethod": VERIFICATION_METHOD,
        "proofPurpose": "assertionMethod",
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2"
        ],
        "proofValue": PROOF_VALUE
    });
    signed
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn every_intermediate_value_matches_the_specification() {
    let key = SigningKey::from_secret_multibase(SECRET_KEY).unwrap();
    assert_eq!(key.verifying_key().to_multibase(), PUBLIC_KEY);

    let document = jcs::canonicalize(&unsigned()).unwrap();
    assert_eq!(document, CANONICAL_DOCUMENT);
    assert_eq!(hex(&Sha256::digest(&document)), DOCUMENT_HASH);

    let options = proof::proof_options(&unsigned(), VERIFICATION_METHOD, CREATED).unwrap();
    let config = jcs::canonicalize(&options).unwrap();
    assert_eq!(config, CANONICAL_PROOF_CONFIG);
    assert_eq!(hex(&Sha256::digest(&config)), PROOF_CONFIG_HASH);

    let data = proof::hash_data(&config, &document);
    assert_eq!(hex(&data), format!("{PROOF_CONFIG_HASH}{DOCUMENT_HASH}"));
    let signature = key.sign(&data);
    assert_eq!(hex(&signature), SIGNATURE_HEX);
    assert_eq!(
        format!("z{}", inspraak_integrity::base58btc::encode(&signature)),
        PROOF_VALUE
    );
}

#[test]
fn sign_gives_the_published_signed_credential() {
    let key = SigningKey::from_secret_multibase(SECRET_KEY).unwrap();
    let signed_here = proof::sign(&unsigned(), &key, VERIFICATION_METHOD, CREATED).unwrap();
    assert_eq!(signed_here, signed());
}

#[test]
fn the_published_credential_verifies_and_a_changed_one_does_not() {
    let key = VerifyingKey::from_multibase(PUBLIC_KEY).unwrap();
    let verified = proof::verify(&signed(), &key).unwrap();
    assert_eq!(verified.verification_method, VERIFICATION_METHOD);
    assert_eq!(verified.proof_purpose, "assertionMethod");
    assert_eq!(verified.created.as_deref(), Some(CREATED));
    assert_eq!(verified.document, unsigned());

    let mut changed = signed();
    changed["credentialSubject"]["alumniOf"] = "The School of Counterexamples".into();
    assert_eq!(
        proof::verify(&changed, &key),
        Err(IntegrityError::SignatureInvalid)
    );
    let mut changed = signed();
    changed["proof"]["created"] = "2023-02-24T23:36:39Z".into();
    assert_eq!(
        proof::verify(&changed, &key),
        Err(IntegrityError::SignatureInvalid)
    );
    let other = SigningKey::generate().unwrap().verifying_key();
    assert_eq!(
        proof::verify(&signed(), &other),
        Err(IntegrityError::SignatureInvalid)
    );
}

#[test]
fn each_broken_proof_says_why() {
    let key = VerifyingKey::from_multibase(PUBLIC_KEY).unwrap();
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut document = signed();
        change(&mut document);
        proof::verify(&document, &key).unwrap_err()
    };
    assert_eq!(
        broken(&|d| {
            d.as_object_mut().unwrap().remove("proof");
        }),
        IntegrityError::NoProof
    );
    assert_eq!(
        broken(&|d| d["proof"] = json!([d["proof"].clone()])),
        IntegrityError::ProofSet
    );
    assert_eq!(
        broken(&|d| d["proof"]["type"] = "Ed25519Signature2020".into()),
        IntegrityError::WrongType("Ed25519Signature2020".into())
    );
    assert_eq!(
        broken(&|d| d["proof"]["cryptosuite"] = "eddsa-rdfc-2022".into()),
        IntegrityError::WrongCryptosuite("eddsa-rdfc-2022".into())
    );
    assert!(matches!(
        broken(&|d| d["proof"]["proofPurpose"] = "authentication".into()),
        IntegrityError::WrongProofPurpose { .. }
    ));
    assert!(matches!(
        broken(&|d| d["proof"]["created"] = "yesterday".into()),
        IntegrityError::BadCreated(_)
    ));
    assert_eq!(
        broken(&|d| {
            d["proof"].as_object_mut().unwrap().remove("proofValue");
        }),
        IntegrityError::MissingProofMember("proofValue")
    );
    for bad in [&PROOF_VALUE[1..], "z0OIl", "z2HnFSSPPBzR36zd", "u2HnFSSP"] {
        assert!(
            matches!(
                broken(&|d| d["proof"]["proofValue"] = bad.into()),
                IntegrityError::BadProofValue(_)
            ),
            "{bad}"
        );
    }
    assert_eq!(
        broken(&|d| d["@context"] = json!(["https://www.w3.org/ns/credentials/v2"])),
        IntegrityError::ContextMismatch
    );
    assert_eq!(
        broken(&|d| {
            d.as_object_mut().unwrap().remove("@context");
        }),
        IntegrityError::ContextMismatch
    );
    assert_eq!(
        proof::verify(&json!("not an object"), &key),
        Err(IntegrityError::NotAnObject)
    );
}

#[test]
fn signing_refuses_what_it_cannot_sign() {
    let key = SigningKey::from_secret_multibase(SECRET_KEY).unwrap();
    assert_eq!(
        proof::sign(&signed(), &key, VERIFICATION_METHOD, CREATED),
        Err(IntegrityError::AlreadySigned)
    );
    assert!(matches!(
        proof::sign(&unsigned(), &key, VERIFICATION_METHOD, "24-02-2023"),
        Err(IntegrityError::BadCreated(_))
    ));
    let mut huge = unsigned();
    huge["count"] = json!(u64::MAX);
    assert!(matches!(
        proof::sign(&huge, &key, VERIFICATION_METHOD, CREATED),
        Err(IntegrityError::Canonicalization(_))
    ));
}

#[test]
fn a_document_without_context_signs_without_one() {
    let key = SigningKey::generate().unwrap();
    let tally = json!({"type": "Tally", "voters": 3, "counts": [{"name": "Ja", "votes": 3}]});
    let signed = proof::sign(&tally, &key, "https://a.example/actor#ed25519-key", CREATED).unwrap();
    assert!(signed["proof"].get("@context").is_none());
    let verified = proof::verify(&signed, &key.verifying_key()).unwrap();
    assert_eq!(verified.document, tally);
    // A proof that gains an @context the document lacks is refused by name.
    let mut added = signed.clone();
    added["proof"]["@context"] = json!("https://w3id.org/security/data-integrity/v2");
    assert_eq!(
        proof::verify(&added, &key.verifying_key()),
        Err(IntegrityError::ContextMismatch)
    );
}
