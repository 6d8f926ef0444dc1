//! Signing keys: one RSA-2048 pair per hosted actor, made on first use and stored for good, so
//! remote servers that cached our public key keep verifying us after restarts.

use crate::FederationError;
use chrono::Utc;
use inspraak_db::DatabaseConnection;
use inspraak_db::actor_keys;

/// An actor's stored key pair.
#[derive(Debug, Clone)]
pub struct ActorKeys {
    /// Public key, PEM.
    pub public_pem: String,
    /// Private key, PEM (present for actors hosted here).
    pub private_pem: Option<String>,
}

/// The keys of a hosted actor, made and stored the first time they are asked for.
pub async fn for_local_actor(
    db: &DatabaseConnection,
    ap_id: &str,
) -> Result<ActorKeys, FederationError> {
    if let Some(row) = actor_keys::find(db, ap_id).await? {
        return Ok(ActorKeys {
            public_pem: row.public_key_pem,
            private_pem: row.private_key_pem,
        });
    }
    // RSA key generation takes tens of milliseconds: keep it off the async threads.
    let pair = tokio::task::spawn_blocking(
        activitypub_federation::http_signatures::generate_actor_keypair,
    )
    .await
    .map_err(|e| FederationError::Key(e.to_string()))?
    .map_err(|e| FederationError::Key(e.to_string()))?;
    let row = actor_keys::store_once(
        db,
        ap_id,
        pair.public_key,
        Some(pair.private_key),
        Utc::now(),
    )
    .await?;
    tracing::info!(actor = ap_id, "signing keys generated");
    Ok(ActorKeys {
        public_pem: row.public_key_pem,
        private_pem: row.private_key_pem,
    })
}
