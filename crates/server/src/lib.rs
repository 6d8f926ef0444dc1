//! The `inspraak` program as a library: configuration, wiring and the running instance, so
//! the binary and the end-to-end tests start instances the same way.

pub mod config;
pub mod conversation;
pub mod demo;
pub mod tally;

use axum::Router;
use chrono::Utc;
use config::Settings;
use inspraak_db::{Database, DbError, sessions};
use inspraak_web::{AppState, WebConfig};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;

pub use inspraak_federation::install_crypto_provider;

/// Why an instance could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Database(#[from] DbError),
    /// The address could not be bound, or serving failed.
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    /// Demo content could not be created.
    #[error("demo content: {0}")]
    Demo(String),
    /// Federation could not be set up.
    #[error("federation: {0}")]
    Federation(String),
}

/// The federation settings from the configuration.
fn settings_for_federation(settings: &Settings) -> inspraak_federation::FederationSettings {
    let f = &settings.config.federation;
    inspraak_federation::FederationSettings {
        debug: f.test_mode,
        retry_base: Duration::from_secs(f.retry_after_seconds.max(1)),
        max_attempts: i32::try_from(f.max_attempts.max(1)).unwrap_or(i32::MAX),
        parallel_hosts: usize::try_from(f.parallel_hosts.max(1)).unwrap_or(1),
        auto_hide_after_reports: settings.config.moderation.auto_hide_after_reports,
        statistics_interval: Duration::from_secs(f.statistics_interval_seconds.max(1)),
        blocklist_refresh: Duration::from_secs(f.blocklist_refresh_seconds.max(60)),
    }
}

/// Opens the configured database and brings its schema up to date.
pub async fn open_database(settings: &Settings) -> Result<Database, ServerError> {
    let db = &settings.config.database;
    let database = Database::connect(&db.url, &db.data_dir, db.max_connections).await?;
    database.migrate().await?;
    Ok(database)
}

/// A bound, ready instance.
pub struct Instance {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

impl Instance {
    /// Binds `server.listen`, opens the database and runs migrations.
    pub async fn build(settings: &Settings) -> Result<Self, ServerError> {
        let listener = TcpListener::bind(settings.listen).await?;
        Self::build_on(settings, listener).await
    }

    /// Like [`Instance::build`] on a socket bound already, so a caller (a test) can learn the
    /// port before it settles the public URL.
    pub async fn build_on(settings: &Settings, listener: TcpListener) -> Result<Self, ServerError> {
        inspraak_federation::install_crypto_provider();
        let db = open_database(settings).await?;
        let security = &settings.config.security;
        let web = WebConfig {
            public_url: settings.public_url.clone(),
            instance_name: settings.config.instance.name.trim().to_owned(),
            instance_kind: settings.config.instance.kind.clone(),
            media_dir: settings.config.database.data_dir.join("media"),
            session_lifetime: Duration::from_secs(u64::from(security.session_days) * 24 * 3600),
            trust_forwarded_for: settings.config.server.trust_forwarded_for,
            login_attempts_per_minute: security.login_attempts_per_minute,
            code_attempts_per_hour: security.code_attempts_per_hour,
            registrations_per_hour: security.registrations_per_hour,
            auto_hide_after_reports: settings.config.moderation.auto_hide_after_reports,
        };
        let federation = settings_for_federation(settings);
        if federation.debug {
            tracing::warn!(
                "federation test mode is on: plain http, ports and private addresses are allowed; never use this for a public instance"
            );
        }
        let data = inspraak_federation::FederationData {
            db: db.conn.clone(),
            base: settings.public_url.clone(),
            instance_name: web.instance_name.clone(),
            instance_kind: web.instance_kind.clone(),
            province: settings
                .config
                .instance
                .province
                .as_deref()
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned),
            settings: federation,
            outbox_signal: Default::default(),
        };
        let federation = inspraak_federation::context::build_config(data)
            .await
            .map_err(|e| ServerError::Federation(e.to_string()))?;
        let state = AppState::new(db, web, federation);
        let router = inspraak_web::router(state.clone());
        Ok(Self {
            listener,
            router,
            state,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> Result<SocketAddr, ServerError> {
        Ok(self.listener.local_addr()?)
    }

    /// The use cases of this instance (for demo content that federates).
    pub fn app(&self) -> &inspraak_app::App {
        &self.state.app
    }

    /// The database this instance uses.
    pub fn database(&self) -> &Database {
        &self.state.db
    }

    /// Serves until `shutdown` completes, with housekeeping running beside it.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let housekeeping = tokio::spawn(purge_sessions_periodically(self.state.db.clone()));
        let delivery = tokio::spawn(inspraak_federation::delivery::run(
            self.state.federation.clone(),
        ));
        let analysis = tokio::spawn(inspraak_app::conversations::analysis::run(
            self.state.db.conn.clone(),
            Duration::from_secs(2),
        ));
        let figures = tokio::spawn(inspraak_app::memberships::run_figures_worker(
            self.state.app.clone(),
            self.state.federation.settings.statistics_interval,
        ));
        let tallies = tokio::spawn(inspraak_app::joint_votes::run_tally_worker(
            self.state.app.clone(),
            self.state.federation.settings.statistics_interval,
        ));
        let blocklists = tokio::spawn(inspraak_app::blocklists::run_refresh_worker(
            self.state.app.clone(),
            self.state.federation.settings.blocklist_refresh,
        ));
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        housekeeping.abort();
        delivery.abort();
        analysis.abort();
        figures.abort();
        tallies.abort();
        blocklists.abort();
        Ok(result?)
    }
}

/// Expired sessions are refused on sight, and received activity ids older than a week can no
/// longer be replayed (signatures expire after an hour); this only keeps the tables small.
async fn purge_sessions_periodically(db: Database) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        match sessions::purge_expired(&db.conn, Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "expired sessions removed"),
            Err(err) => tracing::warn!(%err, "could not remove expired sessions"),
        }
        let week_ago = Utc::now() - chrono::Duration::days(7);
        if let Err(err) = inspraak_db::received::purge_before(&db.conn, week_ago).await {
            tracing::warn!(%err, "could not remove old received activity ids");
        }
    }
}

/// Completes on Ctrl-C or SIGTERM, so the server can finish open requests before exiting.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(%err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(%err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
