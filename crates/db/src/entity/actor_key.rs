//! An actor's RSA key pair (PEM); the private half only for actors hosted here.

use sea_orm::entity::prelude::*;

/// A row of `actor_keys`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "actor_keys")]
pub struct Model {
    /// The actor's ActivityPub id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub ap_id: String,
    /// Public key, PEM.
    pub public_key_pem: String,
    /// Private key, PKCS#8 PEM; `None` for remote actors.
    pub private_key_pem: Option<String>,
    /// When it was made or first seen.
    pub created_at: DateTimeUtc,
}

/// No relations are navigated through sea-orm.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
