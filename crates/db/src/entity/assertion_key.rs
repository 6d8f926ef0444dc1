//! An Ed25519 key one of our actors signs objects with (FEP-8b32, published per FEP-521a).

use sea_orm::entity::prelude::*;

/// A row of `assertion_keys`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assertion_keys")]
pub struct Model {
    /// The key's id (`{actor}#ed25519-key`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub key_id: String,
    /// The actor it belongs to.
    pub controller: String,
    /// The public key as a Multikey (`z6Mk…`).
    pub public_key_multibase: String,
    /// The private key (its seed, multibase); `None` for keys of others.
    pub private_seed: Option<String>,
    /// When it was made.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
