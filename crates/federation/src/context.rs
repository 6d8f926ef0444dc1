//! What federation code needs at hand (the database, the instance's URLs, its settings), and
//! the `activitypub_federation` configuration built around it.

use crate::FederationError;
use crate::signer::LocalActor;
use activitypub_federation::config::{Data, FederationConfig, UrlVerifier};
use activitypub_federation::error::Error as ApfError;
use activitypub_federation::resolver::ValidatingDnsResolver;
use inspraak_db::{DatabaseConnection, domain_blocks};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use url::Url;

/// Federation settings from the configuration file.
#[derive(Debug, Clone)]
pub struct FederationSettings {
    /// Test mode: allows plain http, explicit ports and loopback addresses, and resolves
    /// every `*.test` host name to 127.0.0.1. Never on in production.
    pub debug: bool,
    /// The first retry waits this long; each next one four times longer.
    pub retry_base: Duration,
    /// Retries end after this many failed attempts (the delivery is then dead).
    pub max_attempts: i32,
    /// At most this many remote hosts are delivered to at once.
    pub parallel_hosts: usize,
    /// Reports from distinct accounts that hide an item until a moderator decides.
    pub auto_hide_after_reports: u32,
    /// A deal member sends changed figures at most once per this interval.
    pub statistics_interval: Duration,
    /// Subscribed domain blocklists are fetched again this often.
    pub blocklist_refresh: Duration,
}

impl Default for FederationSettings {
    fn default() -> Self {
        Self {
            debug: false,
            retry_base: Duration::from_secs(60),
            max_attempts: 10,
            parallel_hosts: 32,
            auto_hide_after_reports: 3,
            statistics_interval: Duration::from_secs(60),
            blocklist_refresh: Duration::from_secs(3600),
        }
    }
}

/// The application data that `activitypub_federation` hands to every handler.
#[derive(Clone)]
pub struct FederationData {
    /// The database.
    pub db: DatabaseConnection,
    /// The instance's public base URL.
    pub base: Url,
    /// The instance's name.
    pub instance_name: String,
    /// `municipality`, `province` or `helpdesk`.
    pub instance_kind: String,
    /// The province the instance lies in (`instance.province`), shown on its actors.
    pub province: Option<String>,
    /// Settings.
    pub settings: FederationSettings,
    /// Woken when new deliveries are stored, so the worker starts at once.
    pub outbox_signal: Arc<Notify>,
}

impl FederationData {
    /// An absolute URL on this instance.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base.as_str().trim_end_matches('/'), path)
    }

    /// Whether this instance is the national helpdesk.
    pub fn is_helpdesk(&self) -> bool {
        self.instance_kind == "helpdesk"
    }

    /// Whether `url` is on this instance (host and port).
    pub fn is_local(&self, url: &Url) -> bool {
        url.host_str() == self.base.host_str()
            && url.port_or_known_default() == self.base.port_or_known_default()
    }
}

/// Request-scoped handle: the data plus `activitypub_federation`'s fetch counter.
pub type Fed = Data<FederationData>;

/// Builds the `activitypub_federation` configuration: Mastodon-compatible signatures, fetches
/// signed by the instance actor, domain blocks checked on every URL, and an HTTP client that
/// refuses private addresses (outside test mode) and does not follow redirects.
pub async fn build_config(
    data: FederationData,
) -> Result<FederationConfig<FederationData>, FederationError> {
    let instance = LocalActor::instance(&data).await?;
    let debug = data.settings.debug;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(10))
        .user_agent(format!(
            "Inspraak/{} (+{})",
            env!("CARGO_PKG_VERSION"),
            data.base
        ))
        .dns_resolver(Arc::new(TestAwareResolver {
            debug,
            inner: ValidatingDnsResolver::new(vec![], !debug),
        }))
        .build()
        .map_err(|e| FederationError::Config(e.to_string()))?;
    // The configuration guarantees the public URL names a host.
    let domain = crate::discovery::handle_host(&data.base);
    let verifier = BlockList {
        db: data.db.clone(),
    };
    FederationConfig::builder()
        .domain(domain)
        .app_data(data)
        .client(client.into())
        .debug(debug)
        .allow_http_urls(debug)
        .http_signature_compat(true)
        .request_timeout(Duration::from_secs(10))
        .url_verifier(Box::new(verifier))
        .signed_fetch_actor(&instance)
        .build()
        .await
        .map_err(|e| FederationError::Config(e.to_string()))
}

/// Resolves `*.test` to loopback in test mode, so several instances on one machine have
/// distinct host names; everything else goes through the validating resolver.
struct TestAwareResolver {
    debug: bool,
    inner: ValidatingDnsResolver,
}

impl Resolve for TestAwareResolver {
    fn resolve(&self, name: Name) -> Resolving {
        if self.debug && name.as_str().trim_end_matches('.').ends_with(".test") {
            let addrs: Addrs =
                Box::new(std::iter::once(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))));
            return Box::pin(async move { Ok(addrs) });
        }
        self.inner.resolve(name)
    }
}

/// Refuses URLs on blocked hosts: for incoming activities, fetches and deliveries alike.
#[derive(Clone)]
struct BlockList {
    db: DatabaseConnection,
}

#[async_trait::async_trait]
impl UrlVerifier for BlockList {
    async fn verify(&self, url: &Url) -> Result<(), ApfError> {
        let Some(host) = url.host_str() else {
            return Err(ApfError::UrlVerificationError("URL has no host"));
        };
        match domain_blocks::is_blocked(&self.db, host).await {
            Ok(false) => Ok(()),
            Ok(true) => Err(ApfError::UrlVerificationError("domain is blocked")),
            Err(err) => {
                tracing::warn!(%err, host, "domain block check failed");
                Err(ApfError::UrlVerificationError("domain block check failed"))
            }
        }
    }
}
