//! Inspraak's schema, as forward-only migrations that run on SQLite and PostgreSQL.
//!
//! Rules (../DESIGN.md): every federated row has a unique `ap_id` and a `local` flag from the
//! first migration on; ids are opaque text (UUIDv7); timestamps are UTC.

pub use sea_orm_migration::prelude::*;

mod m20261130_000001_accounts_and_consultations;
mod m20261130_000002_participation;
mod m20261130_000003_api_tokens;
mod m20261130_000004_actor_keys;
mod m20261130_000005_federation;
mod m20261130_000006_fediverse_visibility;
mod m20261130_000007_conversations;
mod m20261130_000008_statement_fediverse_votes;
mod m20261205_000009_derived_from;
mod m20261205_000010_deals;
mod m20261205_000011_helpdesk;
mod m20261205_000012_budgets;
mod m20261205_000013_forwarding;
mod m20261205_000014_joint_votes;
mod m20261205_000015_shared_moderation;
mod m20261206_000016_analysis_changes;

/// Runs every migration in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261130_000001_accounts_and_consultations::Migration),
            Box::new(m20261130_000002_participation::Migration),
            Box::new(m20261130_000003_api_tokens::Migration),
            Box::new(m20261130_000004_actor_keys::Migration),
            Box::new(m20261130_000005_federation::Migration),
            Box::new(m20261130_000006_fediverse_visibility::Migration),
            Box::new(m20261130_000007_conversations::Migration),
            Box::new(m20261130_000008_statement_fediverse_votes::Migration),
            Box::new(m20261205_000009_derived_from::Migration),
            Box::new(m20261205_000010_deals::Migration),
            Box::new(m20261205_000011_helpdesk::Migration),
            Box::new(m20261205_000012_budgets::Migration),
            Box::new(m20261205_000013_forwarding::Migration),
            Box::new(m20261205_000014_joint_votes::Migration),
            Box::new(m20261205_000015_shared_moderation::Migration),
            Box::new(m20261206_000016_analysis_changes::Migration),
        ]
    }
}
