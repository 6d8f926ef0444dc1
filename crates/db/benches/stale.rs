//! How long the background analysis takes to find the conversations whose votes changed, on
//! a helpdesk-sized database: 5,000 conversations, 10 of them with new votes. Compares the
//! change-counter query (`conversations::stale`) with what it replaced: counting every
//! conversation's votes and reading its latest change and stored analysis.
//!
//! `cargo bench -p inspraak-db --bench stale` (embedded SQLite in a temporary folder).

use chrono::Utc;
use inspraak_db::conversations::{self, NewConversation};
use inspraak_db::{Database, new_id};
use inspraak_domain::Role;
use inspraak_domain::conversation::StatementVote;
use std::time::{Duration, Instant};

const CONVERSATIONS: usize = 5_000;
const ACTIVE: usize = 10;
const ROUNDS: u32 = 20;

/// The scan the change counter replaced: four queries per conversation.
async fn old_scan(db: &sea_orm::DatabaseConnection, ids: &[String]) -> usize {
    let mut stale = 0;
    for id in ids {
        let count = conversations::vote_count(db, id).await.unwrap_or(0)
            + conversations::imported_count(db, id).await.unwrap_or(0);
        if count == 0 {
            continue;
        }
        let _votes = conversations::all_votes(db, id).await.map(|v| v.len());
        if conversations::analysis(db, id)
            .await
            .ok()
            .flatten()
            .is_none()
        {
            stale += 1;
        }
    }
    stale
}

fn time<F: FnMut()>(mut f: F) -> Duration {
    let start = Instant::now();
    for _ in 0..ROUNDS {
        f();
    }
    start.elapsed() / ROUNDS
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}/bench.db?mode=rwc", dir.path().display());
    let db = runtime.block_on(async {
        let db = Database::connect(&url, dir.path(), 4).await.expect("open");
        db.migrate().await.expect("migrate");
        db
    });
    let conn = &db.conn;
    let ids = runtime.block_on(async {
        let now = Utc::now();
        let user = |name: &str, role| inspraak_db::users::NewUser {
            username: name.into(),
            display_name: name.into(),
            email: None,
            password_hash: "x".into(),
            role,
            ap_id: format!("http://localhost/users/{name}"),
        };
        let admin = inspraak_db::users::create(conn, user("beheer", Role::Admin), now)
            .await
            .expect("admin")
            .id;
        let resident = inspraak_db::users::create(conn, user("anna", Role::Resident), now)
            .await
            .expect("resident")
            .id;
        let consultation = inspraak_db::consultations::create(
            conn,
            inspraak_db::consultations::NewConsultation {
                fields: inspraak_domain::consultation::ValidConsultation {
                    slug: "helpdesk".into(),
                    title: "Helpdesk".into(),
                    summary: "Alles".into(),
                    body: String::new(),
                    themes: Vec::new(),
                },
                body_html: String::new(),
                created_by: admin.clone(),
                ap_id: "http://localhost/consultations/helpdesk".into(),
                publish: true,
                timeline: inspraak_domain::Timeline::unchecked(Vec::new()),
                settings: Default::default(),
                derived_from: None,
                ancestry: Vec::new(),
            },
            now,
        )
        .await
        .expect("consultation")
        .id;
        let mut ids = Vec::new();
        for n in 0..CONVERSATIONS {
            let id = new_id();
            conversations::create(
                conn,
                NewConversation {
                    id: id.clone(),
                    consultation_id: consultation.clone(),
                    question: format!("Vraag {n}"),
                    premoderation: false,
                    ap_id: format!("http://localhost/conversations/{id}"),
                },
                &["Ja".to_owned()],
                &admin,
                |s| format!("http://localhost/statements/{s}"),
                now,
            )
            .await
            .expect("conversation");
            let statement = conversations::statements(conn, &id)
                .await
                .expect("statements");
            // Every conversation has a vote and an analysis; ACTIVE of them have a new vote.
            conversations::vote(
                conn,
                &id,
                &statement[0].id,
                &resident,
                StatementVote::Agree,
                now,
            )
            .await
            .expect("vote");
            let changes = conversations::changes(conn, &id).await.expect("changes");
            let seen = if n < ACTIVE { changes - 1 } else { changes };
            conversations::store_analysis(conn, &id, 1, seen, "{}".into(), "{}".into(), now)
                .await
                .expect("analysis");
            ids.push(id);
        }
        ids
    });
    let found = runtime.block_on(conversations::stale(conn)).expect("stale");
    assert_eq!(
        found.len(),
        ACTIVE,
        "the counter finds exactly the active ones"
    );
    let counter = time(|| {
        runtime.block_on(conversations::stale(conn)).expect("stale");
    });
    let scan = time(|| {
        runtime.block_on(old_scan(conn, &ids));
    });
    println!(
        "{CONVERSATIONS} conversations, {ACTIVE} with new votes (SQLite, mean of {ROUNDS}):\n  change counter (conversations::stale): {:.2} ms\n  counting every conversation's votes (before): {:.1} ms ({:.0}x)",
        counter.as_secs_f64() * 1e3,
        scan.as_secs_f64() * 1e3,
        scan.as_secs_f64() / counter.as_secs_f64().max(1e-9)
    );
}
