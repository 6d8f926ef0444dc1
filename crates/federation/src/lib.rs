//! Inspraak's ActivityPub federation, built on `activitypub_federation`.
//!
//! For now this crate owns what every outgoing HTTPS connection needs: one process-wide TLS
//! crypto provider. The actors, inbox, outbox and discovery documents follow in their own
//! modules (see docs/architecture.md for the plan).

/// Installs `ring` as the process's rustls crypto provider.
///
/// reqwest is built with `rustls-no-provider` so that the whole graph uses `ring` (as sqlx
/// does) instead of also compiling aws-lc; the price is that a provider must be installed
/// before the first client is built, or reqwest panics. Calling this more than once is fine.
pub fn install_crypto_provider() {
    // Err means a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Builds the HTTP client for outgoing requests: TLS via rustls, no redirects (a redirect
/// could lead a fetch to an address we would refuse), and bounded time.
pub fn http_client(user_agent: &str) -> Result<reqwest::Client, reqwest::Error> {
    install_crypto_provider();
    reqwest::Client::builder()
        .user_agent(user_agent)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(std::time::Duration::from_secs(5))
        .timeout(std::time::Duration::from_secs(10))
        .build()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_client_can_be_built_after_installing_the_provider() {
        super::install_crypto_provider();
        super::install_crypto_provider();
        assert!(super::http_client("inspraak-test").is_ok());
    }
}
