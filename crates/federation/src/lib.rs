//! Inspraak's ActivityPub federation, built on `activitypub_federation`.
//!
//! The actors this instance hosts (the instance `Application`, the municipality's
//! `Organization`, each consultation as a `Group`, residents as `Person`) with keys generated
//! once and stored; discovery (WebFinger, NodeInfo 2.1); our items as ActivityStreams objects;
//! the persistent outbox and its delivery workers; and the inbox with its checks. See
//! docs/FEDERATION.md.

pub mod actors;
pub mod blocklists;
pub mod budgets;
pub mod context;
pub mod deals;
pub mod delivery;
pub mod discovery;
pub mod envelope;
mod error;
pub mod follow;
pub mod forwarding;
pub mod helpdesk;
pub mod inbox;
pub mod joint_votes;
pub mod keys;
pub mod objects;
pub mod protocol;
pub mod publish;
pub mod render;
pub mod reports;
pub mod reuse;
pub mod signer;
pub mod tally_proof;

pub use context::{Fed, FederationData, FederationSettings};
pub use error::FederationError;

/// The media type of ActivityPub documents.
pub const ACTIVITY_JSON: &str = activitypub_federation::FEDERATION_CONTENT_TYPE;

/// Installs `ring` as the process's rustls crypto provider.
///
/// reqwest is built with `rustls-no-provider` so that the whole graph uses `ring` (as sqlx
/// does) instead of also compiling aws-lc; the price is that a provider must be installed
/// before the first client is built, or reqwest panics. Calling this more than once is fine.
pub fn install_crypto_provider() {
    // Err means a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Whether an `Accept` header asks for ActivityPub JSON rather than a web page.
pub fn wants_activity_json(accept: &str) -> bool {
    accept.split(',').any(|part| {
        let media = part.split(';').next().unwrap_or("").trim();
        media == ACTIVITY_JSON
            || (media == "application/ld+json" && part.contains("activitystreams"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_can_be_built_after_installing_the_provider() {
        install_crypto_provider();
        install_crypto_provider();
        assert!(
            reqwest::Client::builder().build().is_ok(),
            "reqwest needs the provider installed first"
        );
    }

    #[test]
    fn content_negotiation_recognises_activitypub_clients() {
        assert!(wants_activity_json("application/activity+json"));
        assert!(wants_activity_json(
            "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\", text/html;q=0.1"
        ));
        assert!(!wants_activity_json(
            "text/html,application/xhtml+xml,*/*;q=0.8"
        ));
        assert!(!wants_activity_json("application/ld+json"));
        assert!(!wants_activity_json(""));
    }
}
