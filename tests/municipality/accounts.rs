//! Registering, logging in and out, CSRF, and proving residency.

use super::{ADMIN_PASSWORD, RESIDENT_PASSWORD, generate_codes, instance_with_admin};
use inspraak_tests::extract_between;

#[tokio::test]
async fn a_resident_registers_verifies_with_a_letter_code_and_logs_in_again() {
    let (instance, mut admin) = instance_with_admin().await;
    let codes = generate_codes(&mut admin, "3").await;
    assert_eq!(codes.len(), 3, "three codes are shown once");
    assert!(
        codes
            .iter()
            .all(|c| c.len() == 14 && c.matches('-').count() == 2),
        "{codes:?}"
    );

    let mut anna = instance.browser();
    let registered = anna.register("anna", RESIDENT_PASSWORD).await;
    assert_eq!(registered.status, 303);
    assert_eq!(
        registered.location.as_deref(),
        Some("/account?notice=welcome")
    );
    let account = anna.get("/account").await;
    account.expect(200);
    assert_eq!(
        verification(&account),
        (false, None),
        "unverified is visible to the resident"
    );

    // A typo in the code's case and separators is forgiven; the code works once.
    let typed = codes[0].to_lowercase().replace('-', " ");
    let token = account.csrf();
    let verified = anna
        .post(
            "/account/verify",
            &[("csrf_token", &token), ("code", &typed)],
        )
        .await;
    assert_eq!(
        verified.location.as_deref(),
        Some("/account?notice=verified"),
        "{}",
        verified.body
    );
    let account = anna.get("/account?notice=verified").await;
    assert!(account.has_id("notice"), "the success is announced");
    assert_eq!(
        verification(&account),
        (true, Some("letter_code".into())),
        "verified, and how"
    );

    let mut bram = instance.browser();
    bram.register("bram", RESIDENT_PASSWORD).await.expect(303);
    let reused = bram
        .submit("/account", "/account/verify", &[("code", &codes[0])])
        .await;
    reused.expect(422);
    assert_eq!(
        reused.element("code-error").data("problem").as_deref(),
        Some("code_invalid")
    );
    let malformed = bram
        .submit("/account", "/account/verify", &[("code", "12")])
        .await;
    malformed.expect(422);
    assert_eq!(
        malformed.element("code-error").data("problem").as_deref(),
        Some("code_malformed")
    );
    assert_eq!(
        verification(&bram.get("/account").await),
        (false, None),
        "refused codes change nothing"
    );

    // The admin sees who is verified, and the audit log records it.
    let accounts = admin.get("/admin/accounts?q=anna").await;
    accounts.expect(200);
    assert!(
        accounts
            .body
            .contains("data-username=\"anna\" data-verified=\"true\""),
        "{}",
        accounts.body
    );
    let batches = admin.get("/admin/verification-codes").await;
    assert!(batches.body.contains("Brief test"));
    assert!(
        admin
            .get("/admin/audit")
            .await
            .body
            .contains("account.verify_code")
    );

    // Log out, log in again: still verified.
    let token = anna.get("/account").await.csrf();
    let out = anna.post("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(
        anna.get("/account").await.location.as_deref(),
        Some("/login?next=%2Faccount")
    );
    let wrong = anna.login("anna", "not-the-password").await;
    wrong.expect(401);
    assert!(wrong.has_id("login-failed"), "the failure is explained");
    let again = anna.login("anna", RESIDENT_PASSWORD).await;
    assert_eq!(again.status, 303);
    assert!(
        verification(&anna.get("/account").await).0,
        "still verified"
    );
}

#[tokio::test]
async fn an_admin_verifies_a_resident_by_hand_and_can_withdraw_it() {
    let (instance, mut admin) = instance_with_admin().await;
    let mut chantal = instance.browser();
    chantal
        .register("chantal", RESIDENT_PASSWORD)
        .await
        .expect(303);
    let list = admin.get("/admin/accounts?q=chantal").await;
    let id =
        extract_between(&list.body, "action=\"/admin/accounts/", "/role\"").expect("account row");
    let token = list.csrf();
    let done = admin
        .post(
            &format!("/admin/accounts/{id}/verify"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(done.status, 303);
    let account = chantal.get("/account").await;
    assert_eq!(verification(&account), (true, Some("manual".into())));

    // A resident cannot do this to themselves.
    let token = chantal.get("/account").await.csrf();
    chantal
        .post(
            &format!("/admin/accounts/{id}/unverify"),
            &[("csrf_token", &token)],
        )
        .await
        .expect(403);
    assert_eq!(
        verification(&chantal.get("/account").await),
        (true, Some("manual".into()))
    );

    let token = token_of(&mut admin).await;
    admin
        .post(
            &format!("/admin/accounts/{id}/unverify"),
            &[("csrf_token", &token)],
        )
        .await
        .expect(303);
    assert_eq!(verification(&chantal.get("/account").await), (false, None));
}

/// Whether the account page shows its owner as verified, and how (`data-` attributes).
fn verification(account: &inspraak_tests::Page) -> (bool, Option<String>) {
    let status = account.element("verification-status");
    (
        status.expect_data("verified") == "true",
        status.data("verification-method"),
    )
}

async fn token_of(browser: &mut inspraak_tests::Browser) -> String {
    browser.get("/admin/accounts").await.csrf()
}

#[tokio::test]
async fn forms_without_the_session_token_are_refused_and_change_nothing() {
    let (instance, mut admin) = instance_with_admin().await;

    // No token at all.
    let mut visitor = instance.browser();
    visitor.get("/register").await.expect(200);
    let forged = visitor
        .post(
            "/register",
            &[
                ("username", "mallory"),
                ("display_name", "M"),
                ("password", RESIDENT_PASSWORD),
                ("password_repeat", RESIDENT_PASSWORD),
            ],
        )
        .await;
    forged.expect(403);
    let reason = visitor
        .post_json(
            "/register",
            &[
                ("username", "mallory"),
                ("display_name", "M"),
                ("password", RESIDENT_PASSWORD),
                ("password_repeat", RESIDENT_PASSWORD),
            ],
        )
        .await;
    reason.expect(403);
    assert_eq!(reason.error_code(), "csrf", "refused for the missing token");

    // Another session's token.
    let mut other = instance.browser();
    let stolen = other.get("/register").await.csrf();
    let cross = visitor
        .post(
            "/register",
            &[
                ("csrf_token", &stolen),
                ("username", "mallory"),
                ("display_name", "M"),
                ("password", RESIDENT_PASSWORD),
                ("password_repeat", RESIDENT_PASSWORD),
            ],
        )
        .await;
    cross.expect(403);

    // A forged admin form from a logged-in admin's browser without the token.
    let forged_admin = admin
        .post(
            "/admin/consultations",
            &[("title", "Vervalst"), ("summary", "x")],
        )
        .await;
    forged_admin.expect(403);
    assert!(
        !admin.get("/admin").await.body.contains("Vervalst"),
        "nothing was created"
    );

    // No account was made either.
    let list = admin.get("/admin/accounts?q=mallory").await;
    assert!(!list.body.contains("@mallory"));
}

#[tokio::test]
async fn registration_explains_every_problem_and_keeps_what_was_typed() {
    let instance = inspraak_tests::TestInstance::start().await;
    let mut visitor = instance.browser();
    let page = visitor
        .submit(
            "/register",
            "/register",
            &[
                ("username", "a b"),
                ("display_name", "Anna Typfout"),
                ("email", "anna@"),
                ("password", "kort"),
                ("password_repeat", "kort"),
            ],
        )
        .await;
    page.expect(422);
    assert!(page.has_id("error-summary-title"), "an error summary");
    page.expect_problem("username", "invalid_username")
        .expect_problem("email", "invalid_email")
        .expect_problem("password", "too_short");
    assert!(
        page.body.contains("value=\"Anna Typfout\""),
        "typed values come back"
    );
    assert!(
        !page.body.contains("value=\"kort\""),
        "passwords are never echoed"
    );

    let missing = visitor.submit("/register", "/register", &[]).await;
    missing.expect(422);
    missing
        .expect_problem("username", "required")
        .expect_problem("password", "required");

    visitor
        .register("dirk", RESIDENT_PASSWORD)
        .await
        .expect(303);
    let mut second = instance.browser();
    let taken = second.register("Dirk", RESIDENT_PASSWORD).await;
    taken.expect(422);
    taken.expect_problem("username", "taken");
}

#[tokio::test]
async fn sessions_are_renewed_at_login_and_cookies_are_http_only() {
    let (instance, _) = instance_with_admin().await;
    let mut browser = instance.browser();
    let form = browser.get("/login").await;
    let cookie = form
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let before = browser
        .cookie("inspraak_session")
        .map(str::to_owned)
        .expect("anonymous session");
    browser.login("beheer", ADMIN_PASSWORD).await.expect(303);
    let after = browser
        .cookie("inspraak_session")
        .map(str::to_owned)
        .expect("session");
    assert_ne!(
        before, after,
        "a session fixed before log-in is not the one after"
    );
}

#[tokio::test]
async fn a_letter_code_works_once_even_when_typed_at_the_same_moment() {
    let (instance, mut admin) = instance_with_admin().await;
    let code = generate_codes(&mut admin, "1")
        .await
        .pop()
        .expect("one code");
    let mut residents = Vec::new();
    for i in 0..8 {
        let mut browser = instance.browser();
        browser
            .register(&format!("buur{i}"), RESIDENT_PASSWORD)
            .await
            .expect(303);
        let token = browser.get("/account").await.csrf();
        residents.push((browser, token));
    }
    let attempts = residents.into_iter().map(|(mut browser, token)| {
        let code = code.clone();
        tokio::spawn(async move {
            browser
                .post(
                    "/account/verify",
                    &[("csrf_token", &token), ("code", &code)],
                )
                .await
                .status
        })
    });
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.expect("task"));
    }
    statuses.sort_unstable();
    assert_eq!(
        statuses.iter().filter(|s| **s == 303).count(),
        1,
        "exactly one wins: {statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 422).count(),
        7,
        "the rest are refused: {statuses:?}"
    );
    let verified = admin
        .get("/admin/accounts?q=buur")
        .await
        .body
        .matches("met een code per brief")
        .count();
    assert_eq!(verified, 1);
}
