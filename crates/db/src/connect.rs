//! Opening the database and bringing its schema up to date.

use crate::DbError;
use inspraak_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, DatabaseConnection};
use std::path::Path;
use std::time::Duration;

/// Which engine is behind the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    /// The embedded default: one file in the data folder.
    Sqlite,
    /// For production and several processes.
    Postgres,
}

/// A connection pool plus what engine it talks to.
#[derive(Debug, Clone)]
pub struct Database {
    /// The sea-orm pool.
    pub conn: DatabaseConnection,
    /// The engine.
    pub kind: DatabaseKind,
}

impl Database {
    /// Connects to `url`, or, when it is empty, to `inspraak.db` in `data_dir` (made if needed).
    pub async fn connect(
        url: &str,
        data_dir: &Path,
        max_connections: u32,
    ) -> Result<Self, DbError> {
        let (url, kind) = if url.is_empty() {
            std::fs::create_dir_all(data_dir).map_err(|e| {
                DbError::Connect(format!(
                    "cannot create data folder {}: {e}",
                    data_dir.display()
                ))
            })?;
            let file = data_dir.join("inspraak.db");
            (
                format!("sqlite://{}?mode=rwc", file.display()),
                DatabaseKind::Sqlite,
            )
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (url.to_owned(), DatabaseKind::Postgres)
        } else if url.starts_with("sqlite:") {
            (url.to_owned(), DatabaseKind::Sqlite)
        } else {
            return Err(DbError::Connect(
                "the URL must start with postgres://, postgresql:// or sqlite:".into(),
            ));
        };
        let mut options = ConnectOptions::new(url);
        options
            .max_connections(max_connections.max(1))
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        let conn = sea_orm::Database::connect(options)
            .await
            .map_err(|e| DbError::Connect(e.to_string()))?;
        if kind == DatabaseKind::Sqlite {
            // WAL lets readers continue while one writer commits; it is a property of the file,
            // so setting it once per start-up is enough. Foreign keys are per connection and
            // sqlx turns them on for every connection it opens.
            conn.execute_unprepared("PRAGMA journal_mode=WAL;").await?;
            conn.execute_unprepared("PRAGMA synchronous=NORMAL;")
                .await?;
        }
        Ok(Self { conn, kind })
    }

    /// Applies every pending migration.
    pub async fn migrate(&self) -> Result<(), DbError> {
        Migrator::up(&self.conn, None).await?;
        Ok(())
    }

    /// Answers when the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.conn.execute_unprepared("SELECT 1").await?;
        Ok(())
    }

    /// The SQLite journal mode (`wal` expected), or `None` on PostgreSQL.
    pub async fn sqlite_journal_mode(&self) -> Result<Option<String>, DbError> {
        if self.kind != DatabaseKind::Sqlite {
            return Ok(None);
        }
        let row = self
            .conn
            .query_one_raw(sea_orm::Statement::from_string(
                self.conn.get_database_backend(),
                "PRAGMA journal_mode;",
            ))
            .await?;
        Ok(row.map(|r| r.try_get_by_index::<String>(0)).transpose()?)
    }
}
