//! One municipality instance, driven over real HTTP on loopback: accounts and resident
//! verification, consultations and their phases, permissions, bad input, and the platform
//! around them. Runs on SQLite, or on PostgreSQL when `INSPRAAK_TEST_DATABASE` is set.

mod accounts;
mod api;
mod budget_pages;
mod budgets;
mod budgets_federation;
mod concurrency;
mod consultations;
mod conversations;
pub mod deals;
mod delivery;
mod discovery;
pub mod federation;
mod fedify;
mod forwarding;
mod helpdesk;
mod inbox_security;
mod joint_votes;
mod moderation;
mod network;
mod open_data;
mod participation;
mod platform;
mod reuse;
mod shared_moderation;
mod statistics;

use inspraak_tests::{Browser, TestInstance, extract_all};

/// An admin's password in tests.
pub const ADMIN_PASSWORD: &str = "beheer-wachtwoord-1";
/// A resident's password in tests.
pub const RESIDENT_PASSWORD: &str = "inwoner-wachtwoord-1";

/// An instance with an admin, and a browser logged in as that admin.
pub async fn instance_with_admin() -> (TestInstance, Browser) {
    let instance = inspraak_tests::TestInstance::start().await;
    instance.create_admin("beheer", ADMIN_PASSWORD).await;
    let mut admin = instance.browser();
    admin.login("beheer", ADMIN_PASSWORD).await.expect(303);
    (instance, admin)
}

/// Has the admin generate `count` letter codes through the admin page; returns them.
pub async fn generate_codes(admin: &mut Browser, count: &str) -> Vec<String> {
    let page = admin
        .submit(
            "/admin/verification-codes",
            "/admin/verification-codes",
            &[
                ("batch", "Brief test"),
                ("count", count),
                ("valid_days", "30"),
                ("format", "html"),
            ],
        )
        .await;
    page.expect(200);
    extract_all(&page.body, "<code class=\"verification-code\">", "</code>")
}

/// A registered resident's browser, logged in; verified by the admin by hand when asked.
pub async fn resident(
    instance: &TestInstance,
    admin: &mut Browser,
    name: &str,
    verified: bool,
) -> Browser {
    let mut browser = instance.browser();
    browser.register(name, RESIDENT_PASSWORD).await.expect(303);
    if verified {
        let id = account_id(admin, name).await;
        let token = admin.get("/admin/accounts").await.csrf();
        admin
            .post(
                &format!("/admin/accounts/{id}/verify"),
                &[("csrf_token", &token)],
            )
            .await
            .expect(303);
    }
    browser
}

/// The account id of a username, from the admin's account list.
pub async fn account_id(admin: &mut Browser, username: &str) -> String {
    let list = admin.get(&format!("/admin/accounts?q={username}")).await;
    inspraak_tests::extract_between(&list.body, "action=\"/admin/accounts/", "/role\"")
        .expect("account row")
}

/// Creates a published consultation whose one phase of `kind` runs today; returns (id, slug).
pub async fn consultation(
    admin: &mut Browser,
    title: &str,
    kind: &str,
    extra: &[(&str, &str)],
) -> (String, String) {
    let day = |offset: i64| {
        (inspraak_app::clock::today() + chrono::Duration::days(offset))
            .format("%Y-%m-%d")
            .to_string()
    };
    let (start, end) = (day(-5), day(5));
    let mut fields = vec![
        ("title", title),
        ("summary", "Denk mee."),
        ("publish", "on"),
        ("phase0_kind", kind),
        ("phase0_starts_on", start.as_str()),
        ("phase0_ends_on", end.as_str()),
    ];
    fields.extend_from_slice(extra);
    let page = admin
        .submit("/admin/consultations/new", "/admin/consultations", &fields)
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let id = inspraak_tests::extract_between(
        page.location.as_deref().unwrap_or(""),
        "/admin/consultations/",
        "/edit",
    )
    .expect("edit url");
    let slug = admin
        .get(&format!("/api/v1/consultations/{id}"))
        .await
        .json()["slug"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    (id, slug)
}

/// Submits a proposal and returns its id.
pub async fn propose(browser: &mut Browser, slug: &str, title: &str) -> String {
    let page = browser
        .submit(
            &format!("/consultations/{slug}/proposals/new"),
            &format!("/consultations/{slug}/proposals"),
            &[
                ("title", title),
                ("summary", "Een korte samenvatting."),
                ("body", "Meer **groen**."),
                ("tags", "Groen, centrum"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    inspraak_tests::extract_between(page.location.as_deref().unwrap_or(""), "/proposals/", "?")
        .expect("proposal url")
}

/// Posts a form from `page` (for its CSRF token) to `action`.
pub async fn post_from(
    browser: &mut Browser,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> inspraak_tests::Page {
    browser.submit(page, action, fields).await
}

/// A registered, verified resident of an instance reached by `visitor`'s address.
pub async fn resident_of(visitor: &Browser, admin: &mut Browser, name: &str) -> Browser {
    let mut browser = visitor.fork();
    browser.register(name, RESIDENT_PASSWORD).await.expect(303);
    let id = account_id(admin, name).await;
    let token = admin.get("/admin/accounts").await.csrf();
    admin
        .post(
            &format!("/admin/accounts/{id}/verify"),
            &[("csrf_token", &token)],
        )
        .await
        .expect(303);
    browser
}
