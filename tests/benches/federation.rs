//! Federation benchmarks (not tests; numbers go to docs/performance.md).
//!
//! - inbox: signed `Create(Note)` replies from another instance, verified (digest, signature,
//!   origin), stored as comments with their group `Announce`, per second, on SQLite;
//! - fan-out: one proposal announced to 10,000 followers on 200 instances through their shared
//!   inboxes, delivered to 200 local sink servers; time until every sink has it;
//! - one far host: 60 proposals to one follower whose server answers after 150 ms; activities
//!   per second to that one host (bounded by the requests in flight per host).
//!
//! Run: `cargo bench -p inspraak-tests --bench federation` (release build). Environment:
//! `BENCH_INBOX` (activities, default 2000), `BENCH_CONCURRENCY` (default 16),
//! `BENCH_HOSTS` (default 200), `BENCH_FOLLOWERS` (default 10000), `BENCH_SINK_DELAY_MS`
//! (answer delay of each sink, default 0).

use axum::Router;
use axum::routing::post;
use inspraak_tests::signing::{Sender, client_for, send_with, signed_headers};
use inspraak_tests::{Browser, TestInstance};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const PASSWORD: &str = "bench-wachtwoord-1";

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!(
            "machine: {} logical CPUs",
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        );
        inbox().await;
        fan_out().await;
        one_far_host().await;
    });
}

/// An instance with an admin and a published consultation in its proposals phase.
async fn instance_with_consultation(host: &str) -> (TestInstance, Browser, String) {
    let instance = TestInstance::builder().host(host).start().await;
    instance.create_admin("beheer", PASSWORD).await;
    let mut admin = instance.browser();
    admin.login("beheer", PASSWORD).await.expect(303);
    let day = |offset: i64| {
        (inspraak_app::clock::today() + chrono::Duration::days(offset))
            .format("%Y-%m-%d")
            .to_string()
    };
    let (start, end) = (day(-5), day(5));
    let page = admin
        .submit(
            "/admin/consultations/new",
            "/admin/consultations",
            &[
                ("title", "Benchmark"),
                ("summary", "Meten."),
                ("publish", "on"),
                ("phase0_kind", "proposals"),
                ("phase0_starts_on", start.as_str()),
                ("phase0_ends_on", end.as_str()),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    (instance, admin, "benchmark".into())
}

/// A proposal by the admin; returns its ActivityPub id.
async fn proposal(instance: &TestInstance, admin: &mut Browser, slug: &str, title: &str) -> String {
    let page = admin
        .submit(
            &format!("/consultations/{slug}/proposals/new"),
            &format!("/consultations/{slug}/proposals"),
            &[
                ("title", title),
                ("summary", "Samenvatting."),
                ("body", "Tekst."),
                ("tags", ""),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let id =
        inspraak_tests::extract_between(page.location.as_deref().unwrap_or(""), "/proposals/", "?")
            .expect("proposal id");
    format!("{}/proposals/{id}", instance.base)
}

async fn inbox() {
    let total = env_number("BENCH_INBOX", 2000);
    let concurrency = env_number("BENCH_CONCURRENCY", 16) as usize;
    let (target, mut admin, slug) = instance_with_consultation("inbox-target.test").await;
    let sender_instance = TestInstance::builder()
        .host("inbox-sender.test")
        .start()
        .await;
    let sender = Arc::new(Sender::of(&sender_instance, "/organization", "/organization").await);
    let proposal = proposal(&target, &mut admin, &slug, "Doelwit").await;
    let host = format!("{}:{}", target.host, target.port);
    let sender_base = sender_instance.base.clone();
    // Bodies are made up front; signing happens per request, as a sender would.
    let bodies: Vec<Vec<u8>> = (0..total)
        .map(|n| {
            serde_json::to_vec(&json!({
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": format!("{sender_base}/activities/bench-{n}"),
                "type": "Create",
                "actor": sender.actor,
                "object": {
                    "id": format!("{sender_base}/notes/bench-{n}"),
                    "type": "Note",
                    "attributedTo": sender.actor,
                    "inReplyTo": proposal,
                    "content": format!("<p>Reactie nummer {n}</p>"),
                },
            }))
            .expect("json")
        })
        .collect();
    let client = client_for(&target);
    let target = Arc::new(target);
    // One warm-up request fetches and stores the sender's actor.
    let warm = json!({"@context": "https://www.w3.org/ns/activitystreams", "id": format!("{sender_base}/activities/warm"), "type": "Like", "actor": sender.actor, "object": proposal});
    let warm = serde_json::to_vec(&warm).expect("json");
    let headers = signed_headers(&sender, &host, "/inbox", &warm, None);
    let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = send_with(&client, &target, "/inbox", &warm, &headers).await;
    assert_eq!(status, 202, "warm-up: {body}");

    let accepted = Arc::new(AtomicU64::new(0));
    let queue = Arc::new(tokio::sync::Mutex::new(bodies.into_iter()));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (queue, client, target, sender, host, accepted) = (
            queue.clone(),
            client.clone(),
            target.clone(),
            sender.clone(),
            host.clone(),
            accepted.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let Some(body) = queue.lock().await.next() else {
                    break;
                };
                let headers = signed_headers(&sender, &host, "/inbox", &body, None);
                let headers: Vec<(&str, &str)> =
                    headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let (status, text) = send_with(&client, &target, "/inbox", &body, &headers).await;
                assert_eq!(status, 202, "{text}");
                accepted.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for worker in workers {
        worker.await.expect("worker");
    }
    let elapsed = started.elapsed();
    let n = accepted.load(Ordering::Relaxed);
    println!(
        "inbox: {n} signed Create(Note) replies verified and stored in {:.2} s = {:.0} activities/s (concurrency {concurrency}, SQLite)",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
}

/// A server that counts what arrives at its shared inbox.
async fn sink(counter: Arc<AtomicU64>, delay: Duration) -> u16 {
    let app = Router::new().route(
        "/inbox",
        post(move || {
            let counter = counter.clone();
            async move {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                counter.fetch_add(1, Ordering::Relaxed);
                axum::http::StatusCode::ACCEPTED
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    port
}

async fn fan_out() {
    let hosts = env_number("BENCH_HOSTS", 200);
    let followers = env_number("BENCH_FOLLOWERS", 10_000);
    let delay = Duration::from_millis(env_number("BENCH_SINK_DELAY_MS", 0));
    let (origin, mut admin, slug) = instance_with_consultation("fanout-origin.test").await;
    let received = Arc::new(AtomicU64::new(0));
    let mut ports = Vec::new();
    for _ in 0..hosts {
        ports.push(sink(received.clone(), delay).await);
    }
    // Followers are stored directly: 10,000 remote accounts, spread over the sink hosts,
    // each following the consultation through its server's shared inbox.
    let db = origin.database().await;
    let group = format!("{}/consultations/{slug}", origin.base);
    let started = Instant::now();
    for n in 0..followers {
        let i = (n % hosts) as usize;
        let host = format!("sink-{i}.test:{}", ports[i]);
        inspraak_db::follows::upsert(
            &db.conn,
            inspraak_db::follows::NewFollow {
                follower: format!("http://{host}/users/u{n}"),
                followed: group.clone(),
                inbox: format!("http://{host}/inbox"),
                host,
                activity_id: format!("http://sink-{i}.test/follows/{n}"),
                accepted: true,
            },
            chrono::Utc::now(),
        )
        .await
        .expect("follow");
    }
    println!(
        "fan-out: stored {followers} followers on {hosts} hosts in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    for round in 1..=3 {
        let before = received.load(Ordering::Relaxed);
        let started = Instant::now();
        proposal(&origin, &mut admin, &slug, &format!("Ronde {round}")).await;
        let recorded = started.elapsed();
        while received.load(Ordering::Relaxed) < before + hosts {
            assert!(
                started.elapsed() < Duration::from_secs(300),
                "fan-out did not finish"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let done = started.elapsed();
        println!(
            "fan-out round {round}: proposal stored with its announce and {hosts} deliveries in {:.0} ms (HTTP request included); all {hosts} shared inboxes ({followers} followers) reached after {:.0} ms = {:.0} deliveries/s (sink delay {} ms)",
            recorded.as_secs_f64() * 1000.0,
            done.as_secs_f64() * 1000.0,
            hosts as f64 / done.as_secs_f64(),
            delay.as_millis()
        );
    }
}

async fn one_far_host() {
    let delay = Duration::from_millis(150);
    let count = 60u64;
    let (origin, mut admin, slug) = instance_with_consultation("far-origin.test").await;
    let received = Arc::new(AtomicU64::new(0));
    let port = sink(received.clone(), delay).await;
    let db = origin.database().await;
    let host = format!("far-sink.test:{port}");
    inspraak_db::follows::upsert(
        &db.conn,
        inspraak_db::follows::NewFollow {
            follower: format!("http://{host}/users/u"),
            followed: format!("{}/consultations/{slug}", origin.base),
            inbox: format!("http://{host}/inbox"),
            host,
            activity_id: "http://far-sink.test/follows/1".into(),
            accepted: true,
        },
        chrono::Utc::now(),
    )
    .await
    .expect("follow");
    // Store all activities first (no delivery happens while the sink has nothing due yet
    // would be unrealistic, so they are created back to back and timed from the first).
    let started = Instant::now();
    for n in 0..count {
        proposal(&origin, &mut admin, &slug, &format!("Ver weg {n}")).await;
    }
    let created = started.elapsed();
    while received.load(Ordering::Relaxed) < count {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "delivery did not finish"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let done = started.elapsed();
    println!(
        "one far host: {count} activities (created in {:.2} s) delivered to one server answering after {} ms in {:.2} s = {:.1} activities/s",
        created.as_secs_f64(),
        delay.as_millis(),
        done.as_secs_f64(),
        count as f64 / done.as_secs_f64()
    );
}
