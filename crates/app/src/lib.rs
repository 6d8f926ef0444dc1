//! Inspraak's use cases: what residents, staff and the instance itself do, each with its rules
//! checked, its input validated and its change stored in one transaction together with the
//! activities it federates. The web layer and the JSON API call these; they hold no rules of
//! their own. No HTTP here: failures are [`AppError`]s, which the web layer maps to statuses.

pub mod accounts;
pub mod audit;
pub mod blocklists;
pub mod budgets;
mod caller;
pub mod clock;
pub mod comments;
pub mod consultations;
pub mod conversations;
pub mod deals;
pub mod error;
pub mod federation_admin;
pub mod forwarding;
pub mod guides;
pub mod helpdesk;
pub mod joint_votes;
pub mod memberships;
pub mod moderation;
pub mod participation;
pub mod password;
pub mod polls;
pub mod proposals;
pub mod secrets;
pub mod statistics;
pub mod templates;
mod transaction;

pub use caller::Caller;
pub use error::{AppError, chain};
pub use transaction::Change;

use activitypub_federation::config::FederationConfig;
use inspraak_db::Database;
use inspraak_federation::FederationData;
use std::path::PathBuf;
use std::sync::Arc;
use url::Url;

/// What the use cases need to know about the instance.
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// The instance's public base URL, e.g. `https://inspraak.gemeente.nl`.
    pub public_url: Url,
    /// Where uploaded images are kept.
    pub media_dir: PathBuf,
    /// Distinct reports that hide an item until a moderator decides; 0 turns this off.
    pub auto_hide_after_reports: u32,
}

/// The use cases' shared handle: the database, federation and settings. Cheap to clone.
#[derive(Clone)]
pub struct App(Arc<Inner>);

/// The contents of [`App`].
pub struct Inner {
    /// The database pool.
    pub db: Database,
    /// The ActivityPub configuration (its app data is [`FederationData`]).
    pub federation: FederationConfig<FederationData>,
    /// The instance settings.
    pub settings: AppSettings,
}

impl App {
    /// Bundles what the use cases need.
    pub fn new(
        db: Database,
        federation: FederationConfig<FederationData>,
        settings: AppSettings,
    ) -> Self {
        Self(Arc::new(Inner {
            db,
            federation,
            settings,
        }))
    }

    /// An absolute URL for a path on this instance.
    pub fn url(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.settings.public_url.as_str().trim_end_matches('/'),
            path
        )
    }

    /// The database connection, for reads outside a transaction.
    pub fn conn(&self) -> &inspraak_db::DatabaseConnection {
        &self.db.conn
    }
}

impl std::ops::Deref for App {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}
