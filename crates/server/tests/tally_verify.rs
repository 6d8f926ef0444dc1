//! `inspraak tally verify` as an auditor runs it: tallies signed here with inspraak-integrity,
//! checked by the real binary, bare and as an organizer's bundle.

use inspraak_integrity::{Multikey, SigningKey, proof};
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};

const ACTOR: &str = "https://gemeente-a.example/actor";
const KEY_ID: &str = "https://gemeente-a.example/actor#ed25519-key";

fn tally() -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v2"],
        "id": "https://gemeente-a.example/joint-votes/0190aa/tally",
        "type": "Tally",
        "attributedTo": ACTOR,
        "jointVote": "https://provincie.example/joint-votes/0190aa",
        "voters": 12,
        "counts": [{"name": "Ja", "votes": 8}, {"name": "Nee", "votes": 4}],
        "published": "2026-12-05T12:00:00Z"
    })
}

fn write(dir: &Path, name: &str, value: &Value) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(value).expect("json")).expect("write");
    path
}

fn verify(args: &[&str], file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_inspraak"))
        .args(["tally", "verify"])
        .arg(file)
        .args(args)
        .env("INSPRAAK_LOG", "warn")
        .output()
        .expect("run tally verify")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_bare_signed_tally_verifies_and_a_changed_count_does_not() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = SigningKey::generate().expect("key");
    let public = key.verifying_key().to_multibase();
    let signed = proof::sign(&tally(), &key, KEY_ID, "2026-12-05T12:00:00Z").expect("sign");
    let good = write(dir.path(), "good.json", &signed);

    let out = verify(&["--public-key", &public], &good);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let line = text(&out.stdout);
    assert!(
        line.contains("valid") && line.contains(ACTOR) && line.contains("12 voters"),
        "{line}"
    );
    assert!(line.contains("Ja 8, Nee 4"), "{line}");

    let mut changed = signed.clone();
    changed["counts"][1]["votes"] = json!(5);
    let bad = write(dir.path(), "changed.json", &changed);
    let out = verify(&["--public-key", &public], &bad);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("signature does not verify"),
        "{}",
        text(&out.stderr)
    );
    let out = verify(&["--public-key", &public, "--json"], &bad);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["valid"], false);
    assert_eq!(report["voters"], 12);
    assert!(
        report["reason"]
            .as_str()
            .is_some_and(|r| r.contains("signature"))
    );

    // Another member's key does not verify it; no key at all is named; a bad key is a usage error.
    let other = SigningKey::generate()
        .expect("key")
        .verifying_key()
        .to_multibase();
    assert_eq!(
        verify(&["--public-key", &other], &good).status.code(),
        Some(1)
    );
    let out = verify(&[], &good);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("--public-key"));
    let out = verify(&["--public-key", "z6MkNotAKey"], &good);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--public-key"));
    let out = verify(&[], &dir.path().join("missing.json"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_bundle_verifies_only_with_its_own_key_id_and_controller() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = SigningKey::generate().expect("key");
    let signed = proof::sign(&tally(), &key, KEY_ID, "2026-12-05T12:00:00Z").expect("sign");
    let multikey = Multikey {
        id: KEY_ID.to_owned(),
        controller: ACTOR.to_owned(),
        public_key: key.verifying_key(),
    };
    let bundle = json!({"tally": signed, "key": multikey.to_json()});
    let good = write(dir.path(), "bundle.json", &bundle);
    let out = verify(&["--json"], &good);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["valid"], true);
    assert_eq!(report["reason"], Value::Null);
    assert_eq!(report["attributedTo"], ACTOR);
    assert_eq!(report["voters"], 12);

    let mut other_id = bundle.clone();
    other_id["key"]["id"] = json!("https://gemeente-a.example/actor#other-key");
    let out = verify(&[], &write(dir.path(), "other-id.json", &other_id));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("#other-key"),
        "{}",
        text(&out.stderr)
    );

    let mut other_controller = bundle.clone();
    other_controller["key"]["controller"] = json!("https://gemeente-b.example/actor");
    let out = verify(
        &[],
        &write(dir.path(), "other-controller.json", &other_controller),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("gemeente-b"),
        "{}",
        text(&out.stderr)
    );

    // --public-key overrides the bundle's key.
    let stranger = SigningKey::generate()
        .expect("key")
        .verifying_key()
        .to_multibase();
    assert_eq!(
        verify(&["--public-key", &stranger], &good).status.code(),
        Some(1)
    );
}
