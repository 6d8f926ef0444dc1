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

/// The client's address, for rate limits and logs. Normally the socket's peer address.
/// Behind a reverse proxy that is the proxy's address for every client, so with
/// `server.trust_forwarded_for` the right-most `X-Forwarded-For` entry is used instead: the
/// one our own proxy appended, which a client cannot forge (entries to its left can be).
pub struct ClientAddr(pub String);

impl axum::extract::FromRequestParts<crate::AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let socket = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip().to_string());
        let forwarded = state
            .config
            .trust_forwarded_for
            .then(|| forwarded_client(&parts.headers))
            .flatten();
        Ok(ClientAddr(
            forwarded.or(socket).unwrap_or_else(|| "unknown".to_owned()),
        ))
    }
}

/// The right-most valid address in `X-Forwarded-For`, if any.
fn forwarded_client(headers: &axum::http::HeaderMap) -> Option<String> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|v| !v.is_empty())?;
    last.parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_string())
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

    #[test]
    fn the_proxy_appended_address_is_the_right_most() {
        let mut headers = axum::http::HeaderMap::new();
        headers.append(
            "x-forwarded-for",
            "6.6.6.6, 203.0.113.7".parse().expect("header"),
        );
        assert_eq!(forwarded_client(&headers).as_deref(), Some("203.0.113.7"));
        headers.append("x-forwarded-for", "2001:db8::1".parse().expect("header"));
        assert_eq!(forwarded_client(&headers).as_deref(), Some("2001:db8::1"));
        let mut bad = axum::http::HeaderMap::new();
        bad.append("x-forwarded-for", "not-an-ip".parse().expect("header"));
        assert_eq!(forwarded_client(&bad), None);
        assert_eq!(forwarded_client(&axum::http::HeaderMap::new()), None);
    }
}
