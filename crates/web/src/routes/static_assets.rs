//! Static assets under content-hashed URLs: `/static/style.<hash>.css` changes whenever the
//! stylesheet does, so it can be cached for a year and a deploy is never hidden behind a stale
//! copy. The plain `/static/style.css` stays for old links, with a short cache lifetime.

use axum::Router;
use axum::extract::Path;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// The stylesheet, compiled in.
const STYLESHEET: &str = include_str!("../../static/style.css");

/// The stylesheet's URL with the first 16 hex digits of its SHA-256.
static STYLESHEET_PATH: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(STYLESHEET.as_bytes());
    let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("/static/style.{hash}.css")
});

/// The budget ballot's live totals (an enhancement; the form works without it).
const BUDGET_SCRIPT: &str = include_str!("../../static/budget.js");

/// The script's URL with the first 16 hex digits of its SHA-256.
static BUDGET_SCRIPT_PATH: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(BUDGET_SCRIPT.as_bytes());
    let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("/static/budget.{hash}.js")
});

/// The URL the ballot page loads its script from.
pub fn budget_script_path() -> &'static str {
    &BUDGET_SCRIPT_PATH
}

/// The URL pages link the stylesheet with.
pub fn stylesheet_path() -> &'static str {
    &STYLESHEET_PATH
}

/// The asset routes.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/static/style.css",
            get(|| async { css("public, max-age=300") }),
        )
        .route("/static/{file}", get(hashed))
}

fn css(cache: &'static str) -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// The current stylesheet at its hashed URL, cached for a year. A page from before a deploy
/// may ask for an older hash: it is sent to the current one rather than left unstyled.
async fn hashed(Path(file): Path<String>) -> Response {
    if format!("/static/{file}") == stylesheet_path() {
        return css("public, max-age=31536000, immutable");
    }
    if format!("/static/{file}") == budget_script_path() {
        return (
            [
                (
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/javascript; charset=utf-8"),
                ),
                (
                    CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=31536000, immutable"),
                ),
            ],
            BUDGET_SCRIPT,
        )
            .into_response();
    }
    if file.starts_with("budget.") && file.ends_with(".js") {
        return Redirect::temporary(budget_script_path()).into_response();
    }
    if file.starts_with("style.") && file.ends_with(".css") {
        return Redirect::temporary(stylesheet_path()).into_response();
    }
    crate::WebError::NotFound("page").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_url_carries_its_content_hash() {
        let path = stylesheet_path();
        let hash = path
            .strip_prefix("/static/style.")
            .and_then(|p| p.strip_suffix(".css"))
            .expect("hashed name");
        assert_eq!(hash.len(), 16);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
        let full: String = Sha256::digest(STYLESHEET.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(full.starts_with(hash));
    }
}
