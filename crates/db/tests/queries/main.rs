//! The queries of `inspraak-db` that carry rules, each on a fresh database: SQLite in a
//! temporary folder, or a new PostgreSQL database when `INSPRAAK_TEST_DATABASE` names a server.

mod ballots;
mod comments;
mod conversations;
mod moderation;
mod roles;
mod supports;
mod verification;

use chrono::{DateTime, Duration, Utc};
use inspraak_db::{Database, new_id};
use inspraak_domain::Role;

/// A fresh, migrated database; the folder lives as long as the value.
pub struct TestDb {
    /// The database.
    pub db: Database,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for TestDb {
    type Target = sea_orm::DatabaseConnection;
    fn deref(&self) -> &Self::Target {
        &self.db.conn
    }
}

/// Opens a fresh database and migrates it.
pub async fn fresh() -> TestDb {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = inspraak_testdata::database::fresh_database_url().await;
    let db = Database::connect(&url, dir.path(), 4)
        .await
        .expect("open test database");
    db.migrate().await.expect("migrate");
    TestDb { db, _dir: dir }
}

/// A fixed moment, so tests do not depend on the clock.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-10T10:00:00Z")
        .expect("moment")
        .with_timezone(&Utc)
}

/// `now()` plus some seconds.
pub fn later(seconds: i64) -> DateTime<Utc> {
    now() + Duration::seconds(seconds)
}

/// Stores a local account and returns its id.
pub async fn user(db: &TestDb, username: &str, role: Role) -> String {
    inspraak_db::users::create(
        &**db,
        inspraak_db::users::NewUser {
            username: username.into(),
            display_name: format!("Inwoner {username}"),
            email: None,
            password_hash: "not-a-real-hash".into(),
            role,
            ap_id: format!("http://localhost/users/{username}"),
        },
        now(),
    )
    .await
    .expect("create user")
    .id
}

/// Stores a published consultation without phases and returns its id.
pub async fn consultation(db: &TestDb, created_by: &str, slug: &str) -> String {
    inspraak_db::consultations::create(
        &**db,
        inspraak_db::consultations::NewConsultation {
            fields: inspraak_domain::consultation::ValidConsultation {
                slug: slug.into(),
                title: format!("Consultatie {slug}"),
                summary: "Denk mee.".into(),
                body: String::new(),
                themes: Vec::new(),
            },
            body_html: String::new(),
            created_by: created_by.into(),
            ap_id: format!("http://localhost/consultations/{slug}"),
            publish: true,
            timeline: inspraak_domain::Timeline::unchecked(Vec::new()),
            settings: Default::default(),
            derived_from: None,
            ancestry: Vec::new(),
        },
        now(),
    )
    .await
    .expect("create consultation")
    .id
}

/// Stores a published proposal and returns its id.
pub async fn proposal(db: &TestDb, consultation_id: &str, author_id: &str, title: &str) -> String {
    let id = new_id();
    inspraak_db::proposals::create(
        &**db,
        inspraak_db::proposals::NewProposal {
            ap_id: format!("http://localhost/proposals/{id}"),
            id: id.clone(),
            consultation_id: consultation_id.into(),
            author_id: author_id.into(),
            fields: inspraak_domain::proposal::ValidProposal {
                title: title.into(),
                summary: "Samenvatting.".into(),
                body: String::new(),
                tags: Vec::new(),
            },
            body_html: String::new(),
            pending: false,
        },
        now(),
    )
    .await
    .expect("create proposal");
    id
}
