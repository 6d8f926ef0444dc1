//! Inspraak's storage: sea-orm entities and the queries and transactions the instance needs,
//! on embedded SQLite (the default) or PostgreSQL.

pub mod actor_keys;
pub mod api_tokens;
pub mod areas;
pub mod assertion_keys;
pub mod audit;
pub mod blocklists;
pub mod budgets;
pub mod comments;
mod connect;
pub mod consultations;
pub mod conversations;
pub mod deals;
pub mod domain_blocks;
pub mod entity;
mod error;
pub mod fediverse;
pub mod follows;
pub mod forwards;
pub mod guides;
pub mod joint_votes;
pub mod memberships;
pub mod moderation;
pub mod outbox;
pub mod polls;
pub mod proposals;
pub mod received;
pub mod remote_actors;
pub mod remote_content;
pub mod sessions;
pub mod statistics;
mod transaction;
pub mod users;
pub mod verification;

pub use connect::{Database, DatabaseKind};
pub use error::DbError;
pub use sea_orm::DatabaseConnection;
pub use transaction::begin_write;

/// A fresh UUIDv7 as text: opaque in URLs, yet sortable by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
