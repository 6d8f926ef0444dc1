//! One municipality instance, driven over real HTTP on loopback: accounts and resident
//! verification, consultations and their phases, permissions, bad input, and the platform
//! around them. Runs on SQLite, or on PostgreSQL when `INSPRAAK_TEST_DATABASE` is set.

mod accounts;
mod consultations;
mod platform;

use inspraak_tests::{Browser, TestInstance, extract_all};

/// An admin's password in tests.
pub const ADMIN_PASSWORD: &str = "beheer-wachtwoord-1";
/// A resident's password in tests.
pub const RESIDENT_PASSWORD: &str = "inwoner-wachtwoord-1";

/// An instance with an admin, and a browser logged in as that admin.
pub async fn instance_with_admin() -> (TestInstance, Browser) {
    let instance = inspraak_tests::spawn().await;
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
