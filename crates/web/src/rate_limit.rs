//! Fixed-window counters against password guessing, code guessing and sign-up floods.
//!
//! Kept in memory: a restart forgets them, which costs an attacker nothing they could not get
//! by waiting a window, and keeps the database out of the hot path of every log-in attempt.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts hits per key within a window.
#[derive(Default)]
pub struct RateLimiter {
    /// Per key: when its window began, how long it lasts, and the hits in it.
    windows: Mutex<HashMap<String, (Instant, Duration, u32)>>,
}

impl RateLimiter {
    /// Records a hit for `key`; false when it exceeds `limit` within `window`.
    pub fn allow(&self, key: &str, limit: u32, window: Duration) -> bool {
        let now = Instant::now();
        let mut windows = match self.windows.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if windows.len() > 100_000 {
            // Drop only windows that are over by their own length, so pruning never resets
            // an hourly counter early.
            windows.retain(|_, (start, length, _)| now.duration_since(*start) < *length);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, window, 0));
        if now.duration_since(entry.0) >= entry.1 {
            *entry = (now, window, 0);
        }
        entry.2 = entry.2.saturating_add(1);
        entry.2 <= limit
    }
}

/// The client's address as the socket saw it ("unknown" when the server was not started with
/// connection info). Behind a reverse proxy every client shares the proxy's address; see
/// docs/operations.md.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip().to_string())
            .unwrap_or_else(|| "unknown".to_owned());
        Ok(ClientAddr(addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_beyond_the_limit_per_key() {
        let limiter = RateLimiter::default();
        let minute = Duration::from_secs(60);
        assert!(limiter.allow("a", 2, minute));
        assert!(limiter.allow("a", 2, minute));
        assert!(!limiter.allow("a", 2, minute));
        assert!(limiter.allow("b", 2, minute));
        assert!(limiter.allow("c", 1, Duration::ZERO));
        assert!(limiter.allow("c", 1, Duration::ZERO));
    }
}
