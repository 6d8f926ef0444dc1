//! The `inspraak` binary as an operator uses it: migrate, create an admin, refuse a bad
//! setting by name, and serve the demo municipality.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn inspraak(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_inspraak"));
    command
        .env("INSPRAAK_DATA_DIR", data_dir)
        .env("DATABASE_URL", "")
        .env_remove("INSPRAAK_PUBLIC_URL")
        .env_remove("INSPRAAK_LISTEN")
        .env("INSPRAAK_LOG", "warn");
    command
}

#[test]
fn migrate_then_create_an_admin_from_standard_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = inspraak(dir.path())
        .arg("migrate")
        .output()
        .expect("run migrate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("up to date"));
    assert!(dir.path().join("inspraak.db").exists());

    let create = |password: &str| {
        let mut child = inspraak(dir.path())
            .args([
                "admin",
                "create",
                "--username",
                "beheer",
                "--display-name",
                "Team Participatie",
            ])
            .env_remove("INSPRAAK_ADMIN_PASSWORD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(format!("{password}\n").as_bytes())
            .expect("write");
        child.wait_with_output().expect("wait")
    };
    let short = create("kort");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("too_short"));
    let ok = create("een lang genoeg wachtwoord");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("admin beheer created"));
    let again = create("een lang genoeg wachtwoord");
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("taken"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

#[test]
fn an_invalid_setting_stops_start_up_and_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = inspraak(dir.path())
        .arg("serve")
        .env("INSPRAAK_PUBLIC_URL", "gemeente.example/inspraak")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("instance.public_url") && stderr.contains("INSPRAAK_PUBLIC_URL"),
        "{stderr}"
    );

    let out = inspraak(dir.path())
        .arg("serve")
        .env("INSPRAAK_LISTEN", "port 80")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("server.listen"));
}

struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serve_demo_shows_a_dutch_municipality_with_consultations_in_different_phases() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let _server = Running(
        inspraak(dir.path())
            .args(["serve", "--demo"])
            .env("INSPRAAK_LISTEN", format!("127.0.0.1:{port}"))
            .env("INSPRAAK_PUBLIC_URL", format!("http://localhost:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server"),
    );
    inspraak_server::install_crypto_provider();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await
            && response.status().is_success()
        {
            break;
        }
        assert!(Instant::now() < deadline, "the demo server did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let home = client
        .get(format!("{base}/"))
        .send()
        .await
        .expect("home")
        .text()
        .await
        .expect("body");
    assert!(home.contains("<html lang=\"nl\">"));
    assert!(home.contains("Herinrichting Stationsplein"));
    for state in ["badge-active", "badge-upcoming", "badge-finished"] {
        assert!(
            home.contains(state),
            "the demo has a consultation in state {state}"
        );
    }
    let api: serde_json::Value = client
        .get(format!("{base}/api/v1/consultations"))
        .send()
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    assert_eq!(
        api["total"], 4,
        "four published demo consultations (the fifth is a draft)"
    );
}

#[test]
fn an_analyst_analyses_an_opendata_conversation_and_bad_files_are_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seattle = inspraak_testdata::polis_dir("15-per-hour-seattle");
    let out = inspraak(dir.path())
        .args(["conversation", "analyze", "--json"])
        .arg(&seattle)
        .output()
        .expect("run analyze");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["group_count"], 2, "pol.is found two groups");
    assert_eq!(json["participants"].as_object().map(|p| p.len()), Some(339));
    assert!(
        json["consensus"]["agree"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );
    assert!(json["group_aware_consensus"]["12"]["agree"].is_number());

    let summary = inspraak(dir.path())
        .args(["conversation", "analyze", "--tick-seconds", "0"])
        .arg(&seattle)
        .output()
        .expect("run analyze");
    let text = String::from_utf8_lossy(&summary.stdout);
    assert!(
        text.contains("opinion groups") && text.contains("Consensus"),
        "{text}"
    );

    // A broken file is named with its line; a missing one is named too.
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(&broken).expect("dir");
    std::fs::copy(seattle.join("comments.csv"), broken.join("comments.csv")).expect("copy");
    std::fs::copy(
        seattle.join("participants-votes.csv"),
        broken.join("participants-votes.csv"),
    )
    .expect("copy");
    std::fs::write(
        broken.join("votes.csv"),
        "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,0,1,twee\n",
    )
    .expect("write");
    let out = inspraak(dir.path())
        .args(["conversation", "analyze"])
        .arg(&broken)
        .output()
        .expect("run analyze");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("votes.csv") && err.contains("line 3"), "{err}");
    std::fs::remove_file(broken.join("comments.csv")).expect("remove");
    let out = inspraak(dir.path())
        .args(["conversation", "analyze"])
        .arg(&broken)
        .output()
        .expect("run analyze");
    assert!(String::from_utf8_lossy(&out.stderr).contains("comments.csv"));
}
