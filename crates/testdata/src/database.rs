//! A fresh, empty database per test: SQLite in the caller's temporary folder by default, or a
//! new database on the PostgreSQL server named by `INSPRAAK_TEST_DATABASE`.

use sea_orm::{ConnectOptions, ConnectionTrait};

/// The environment variable that selects PostgreSQL for the whole run.
pub const DATABASE_ENV: &str = "INSPRAAK_TEST_DATABASE";

/// Which database this run uses: `sqlite` or `postgresql`. Panics on a value that is neither.
pub fn database_label() -> String {
    match std::env::var(DATABASE_ENV) {
        Ok(url) if url.starts_with("postgres") => "postgresql".into(),
        Ok(other) if !other.is_empty() && other != "sqlite" => {
            panic!("{DATABASE_ENV} must be `sqlite` or a postgres:// URL, not {other:?}")
        }
        _ => "sqlite".into(),
    }
}

/// A fresh database URL for one test: a new PostgreSQL database when `INSPRAAK_TEST_DATABASE`
/// names a server, else empty (the caller's data folder gets an SQLite file).
pub async fn fresh_database_url() -> String {
    match std::env::var(DATABASE_ENV) {
        Ok(url) if url.starts_with("postgres") => fresh_postgres_database(&url).await,
        _ => String::new(),
    }
}

/// Makes a fresh, empty database on the PostgreSQL server named by `admin_url` and returns
/// its URL. Panics, saying what to do, when the server cannot be reached.
pub async fn fresh_postgres_database(admin_url: &str) -> String {
    let name = format!("inspraak_test_{}", uuid::Uuid::new_v4().simple());
    let mut options = ConnectOptions::new(admin_url);
    options.max_connections(1).sqlx_logging(false);
    let admin = sea_orm::Database::connect(options)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {admin_url} ({e}); start it (scripts/test does) or unset {DATABASE_ENV}"));
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create test database");
    let _ = admin.close().await;
    let mut url = url::Url::parse(admin_url).expect("postgres URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}
