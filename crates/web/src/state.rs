//! What every request handler can reach.

use crate::rate_limit::RateLimiter;
use activitypub_federation::config::FederationConfig;
use inspraak_db::Database;
use inspraak_federation::{Fed, FederationData};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Settings the web layer needs, taken from the instance configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The instance's public base URL, e.g. `https://inspraak.gemeente.nl`.
    pub public_url: Url,
    /// The municipality's name, shown in the header.
    pub instance_name: String,
    /// `municipality`, `province` or `helpdesk`.
    pub instance_kind: String,
    /// Where uploaded images are kept.
    pub media_dir: PathBuf,
    /// How long a logged-in session lasts without use.
    pub session_lifetime: Duration,
    /// Take the client address from the right-most `X-Forwarded-For` entry (behind a proxy).
    pub trust_forwarded_for: bool,
    /// Log-in attempts allowed per client address per minute.
    pub login_attempts_per_minute: u32,
    /// Verification code attempts allowed per account per hour.
    pub code_attempts_per_hour: u32,
    /// New accounts allowed per client address per hour.
    pub registrations_per_hour: u32,
    /// Distinct reports that hide an item until a moderator decides; 0 turns this off.
    pub auto_hide_after_reports: u32,
}

impl WebConfig {
    /// Cookies get `Secure` (and the `__Host-` prefix) when the instance is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// An absolute URL for a path on this instance.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.public_url.as_str().trim_end_matches('/'), path)
    }
}

/// Shared state: the use cases, the database for reads, the configuration and the rate
/// limiters.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// The contents of [`AppState`].
pub struct Inner {
    /// The use cases, with the same database and federation handles.
    pub app: inspraak_app::App,
    /// The database pool.
    pub db: Database,
    /// The web settings.
    pub config: WebConfig,
    /// Counts attempts at sensitive actions per client or account.
    pub limits: RateLimiter,
    /// The ActivityPub configuration (its app data is [`FederationData`]).
    pub federation: FederationConfig<FederationData>,
}

impl AppState {
    /// Bundles what handlers need.
    pub fn new(
        db: Database,
        config: WebConfig,
        federation: FederationConfig<FederationData>,
    ) -> Self {
        let settings = inspraak_app::AppSettings {
            public_url: config.public_url.clone(),
            media_dir: config.media_dir.clone(),
            auto_hide_after_reports: config.auto_hide_after_reports,
        };
        let app = inspraak_app::App::new(db.clone(), federation.clone(), settings);
        Self(Arc::new(Inner {
            app,
            db,
            config,
            limits: RateLimiter::default(),
            federation,
        }))
    }

    /// A request-scoped federation handle (it counts fetches made for one request).
    pub fn fed(&self) -> Fed {
        self.federation.to_request_data()
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
