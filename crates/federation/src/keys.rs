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

/// An Ed25519 key an actor hosted here signs objects with (FEP-8b32).
#[derive(Debug, Clone)]
pub struct AssertionKey {
    /// Its id (`{actor}#ed25519-key`), named by proofs as their `verificationMethod`.
    pub key_id: String,
    /// The actor.
    pub controller: String,
    /// The public key as a Multikey.
    pub public_key_multibase: String,
    /// The private key, multibase (`z3u2…`).
    pub private_seed: String,
}

/// The Ed25519 key of a hosted actor, made and stored the first time it is asked for.
pub async fn assertion_key(
    db: &impl sea_orm::ConnectionTrait,
    actor: &url::Url,
) -> Result<AssertionKey, FederationError> {
    use inspraak_db::assertion_keys;
    let row = match assertion_keys::of_controller(db, actor.as_str()).await? {
        Some(row) => row,
        None => {
            let (seed, public) = crate::tally_proof::generate()?;
            let key_id = format!("{actor}#ed25519-key");
            let row = assertion_keys::store_once(
                db,
                &key_id,
                actor.as_str(),
                public,
                Some(seed),
                Utc::now(),
            )
            .await?;
            tracing::info!(actor = %actor, "Ed25519 assertion key generated");
            row
        }
    };
    Ok(AssertionKey {
        key_id: row.key_id,
        controller: row.controller,
        public_key_multibase: row.public_key_multibase,
        private_seed: row
            .private_seed
            .ok_or_else(|| FederationError::Key("the assertion key has no private half".into()))?,
    })
}

impl AssertionKey {
    /// The key as the actor publishes it (FEP-521a).
    pub fn multikey(&self) -> Result<crate::protocol::objects::Multikey, FederationError> {
        Ok(crate::protocol::objects::Multikey {
            id: url::Url::parse(&self.key_id)?,
            kind: Default::default(),
            controller: url::Url::parse(&self.controller)?,
            public_key_multibase: self.public_key_multibase.clone(),
        })
    }
}
