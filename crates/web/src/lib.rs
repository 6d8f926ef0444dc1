//! Inspraak's web layer: server-rendered HTML pages, the JSON API under `/api/v1`, sessions,
//! CSRF protection and static assets. Everything a browser or API client touches enters here.

mod api;
mod api_budgets;
mod api_catalogue;
mod api_forwards;
mod api_joint_votes;
mod api_moderation;
mod api_network;
mod api_write;
mod csrf;
mod error;
mod form;
mod i18n;
mod open_data;
mod page;
mod participation;
mod rate_limit;
mod routes;
mod security_headers;
mod session;
mod state;

pub use api::ApiDoc;
pub use error::WebError;
pub use i18n::{Locale, Translations};
pub use session::sha256_hex;
pub use state::{AppState, WebConfig};

use axum::Router;

/// The whole application as one router, ready to serve.
pub fn router(state: AppState) -> Router {
    routes::router(state)
}
