//! The moderator journey: report, automatic hiding, review, block, pre-moderation, audit log.

use super::{account_id, consultation, instance_with_admin, propose, resident};

#[tokio::test]
async fn reports_hide_automatically_and_moderators_decide_block_and_are_audited() {
    let (instance, mut admin) = instance_with_admin().await;
    let (_, slug) = consultation(&mut admin, "Plein", "proposals", &[]).await;
    let mut mod_browser = resident(&instance, &mut admin, "modje", false).await;
    let id = account_id(&mut admin, "modje").await;
    let token = admin.get("/admin/accounts").await.csrf();
    admin
        .post(
            &format!("/admin/accounts/{id}/role"),
            &[("csrf_token", &token), ("role", "moderator")],
        )
        .await
        .expect(303);

    let mut troll = resident(&instance, &mut admin, "troll", false).await;
    let posted = troll
        .submit(
            &format!("/consultations/{slug}"),
            &format!("/consultations/{slug}/comments"),
            &[
                ("stance", "against"),
                ("body", "Jullie zijn allemaal idioten."),
            ],
        )
        .await;
    assert_eq!(posted.status, 303);
    let comment = posted
        .location
        .as_deref()
        .unwrap_or("")
        .rsplit("#comment-")
        .next()
        .unwrap_or("")
        .to_owned();
    let page = format!("/consultations/{slug}");

    // Reports: with a reason; twice by one person counts once; the third person hides it.
    let mut reporters = Vec::new();
    for name in ["melder1", "melder2", "melder3"] {
        reporters.push(resident(&instance, &mut admin, name, false).await);
    }
    let report = format!("/report/comment/{comment}");
    let missing = reporters[0]
        .submit(&report, &report, &[("reason", "other")])
        .await;
    missing.expect(422);
    missing.expect_problem("note", "required");
    for _ in 0..2 {
        reporters[0]
            .submit(&report, &report, &[("reason", "offensive")])
            .await
            .expect(303);
    }
    reporters[1]
        .submit(
            &report,
            &report,
            &[("reason", "offensive"), ("note", "Scheldwoorden")],
        )
        .await
        .expect(303);
    assert!(
        instance.browser().get(&page).await.body.contains("idioten"),
        "two people are not enough"
    );
    let token = troll.get(&page).await.csrf();
    troll
        .post(&report, &[("csrf_token", &token), ("reason", "spam")])
        .await
        .expect(400);
    troll.get(&report).await.expect(400);
    reporters[2]
        .submit(&report, &report, &[("reason", "spam")])
        .await
        .expect(303);
    let public = instance.browser().get(&page).await;
    assert!(
        !public.body.contains("idioten"),
        "hidden after three distinct reporters"
    );
    assert_eq!(
        public
            .element(&format!("comment-{comment}"))
            .data("state")
            .as_deref(),
        Some("hidden"),
        "a note stands in its place"
    );
    let api = instance
        .browser()
        .get(&format!("/api/v1/consultations/{slug}/comments"))
        .await
        .json();
    assert_eq!(
        api.as_array().map(Vec::len),
        Some(0),
        "hidden comments are not in the public record"
    );

    // Residents have no queue; the moderator sees the item with its three reports.
    reporters[0].get("/moderation").await.expect(403);
    let queue = mod_browser.get("/moderation").await;
    queue.expect(200);
    assert!(queue.body.contains("idioten") && queue.body.contains("Scheldwoorden"));
    assert_eq!(
        queue.body.matches("<li><strong>").count(),
        3,
        "one line per report"
    );
    let item = queue.element(&format!("moderation-comment-{comment}"));
    assert_eq!(item.data("reports").as_deref(), Some("3"));
    assert_eq!(item.data("hidden").as_deref(), Some("true"));

    // Show it again, then hide it for good with a public reason.
    let shown = mod_browser
        .submit(
            "/moderation",
            &format!("/moderation/comment/{comment}/show"),
            &[],
        )
        .await;
    assert_eq!(
        shown.location.as_deref(),
        Some("/moderation?notice=decided")
    );
    assert!(instance.browser().get(&page).await.body.contains("idioten"));
    assert_eq!(
        mod_browser
            .get("/moderation")
            .await
            .element("reported")
            .data("count")
            .as_deref(),
        Some("0"),
        "reports are closed"
    );
    mod_browser
        .submit(
            "/moderation",
            &format!("/moderation/comment/{comment}/hide"),
            &[],
        )
        .await
        .expect(422);
    mod_browser
        .submit(
            "/moderation",
            &format!("/moderation/comment/{comment}/hide"),
            &[("reason", "Schelden is niet toegestaan")],
        )
        .await
        .expect(303);
    let public = instance.browser().get(&page).await;
    assert!(
        !public.body.contains("idioten") && public.body.contains("Schelden is niet toegestaan")
    );
    assert_eq!(
        public
            .element(&format!("comment-{comment}"))
            .data("state")
            .as_deref(),
        Some("hidden")
    );
    let token = troll.get(&page).await.csrf();
    troll
        .post(
            &format!("/comments/{comment}/reply"),
            &[("csrf_token", &token), ("body", "Wat?")],
        )
        .await
        .expect(409);

    // Block the author: they can read but no longer take part. Staff cannot be blocked.
    let troll_id = account_id(&mut admin, "troll").await;
    mod_browser
        .submit(
            "/moderation",
            &format!("/moderation/accounts/{troll_id}/block"),
            &[("reason", "Herhaaldelijk schelden")],
        )
        .await
        .expect(303);
    let refused = troll
        .submit(
            &page,
            &format!("/consultations/{slug}/comments"),
            &[("body", "Ik ben terug")],
        )
        .await;
    refused.expect(403);
    let token = troll.get(&page).await.csrf();
    let reason = troll
        .post_json(
            &format!("/consultations/{slug}/comments"),
            &[("csrf_token", &token), ("body", "Ik ben terug")],
        )
        .await;
    reason.expect(403);
    assert_eq!(reason.error_code(), "blocked");
    troll.get(&page).await.expect(200);
    assert!(
        mod_browser
            .get("/moderation")
            .await
            .body
            .contains("Herhaaldelijk schelden")
    );
    let admin_id = account_id(&mut admin, "beheer").await;
    mod_browser
        .submit(
            "/moderation",
            &format!("/moderation/accounts/{admin_id}/block"),
            &[("reason", "x")],
        )
        .await
        .expect(400);
    mod_browser
        .submit(
            "/moderation",
            &format!("/moderation/accounts/{troll_id}/unblock"),
            &[],
        )
        .await
        .expect(303);
    troll
        .submit(
            &page,
            &format!("/consultations/{slug}/comments"),
            &[("body", "Sorry, ik zal netjes blijven.")],
        )
        .await
        .expect(303);

    // Everything is in the audit log, which admins can download.
    let audit = admin.get("/admin/audit").await.body;
    for action in [
        "moderation.auto_hide",
        "moderation.show",
        "moderation.hide",
        "account.block",
        "account.unblock",
        "account.role",
    ] {
        assert!(audit.contains(action), "audit log lacks {action}");
    }
    mod_browser.get("/admin/audit").await.expect(403);
    let csv = admin.get("/admin/audit.csv").await;
    csv.expect(200);
    let mut reader = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().expect("header").clone();
    assert_eq!(&headers[4], "action");
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV");
    assert!(
        rows.iter()
            .any(|r| &r[4] == "account.block" && &r[7] == "Herhaaldelijk schelden")
    );
}

#[tokio::test]
async fn pre_moderation_keeps_contributions_private_until_approved() {
    let (instance, mut admin) = instance_with_admin().await;
    let (_, slug) = consultation(
        &mut admin,
        "Streng",
        "proposals",
        &[("premoderation", "on")],
    )
    .await;
    let mut anna = resident(&instance, &mut admin, "anna", false).await;
    let id = propose(&mut anna, &slug, "Een voorstel ter goedkeuring").await;
    let own = anna
        .get(&format!("/proposals/{id}?notice=proposal_pending"))
        .await;
    own.expect(200);
    assert_eq!(
        own.element(&format!("proposal-{id}"))
            .data("state")
            .as_deref(),
        Some("pending"),
        "the author sees it waits for a moderator"
    );
    assert!(own.has_id("notice"), "and is told so");

    let mut other = instance.browser();
    other.get(&format!("/proposals/{id}")).await.expect(404);
    assert!(
        !other
            .get(&format!("/consultations/{slug}"))
            .await
            .body
            .contains("ter goedkeuring")
    );
    assert_eq!(
        other
            .get(&format!("/api/v1/consultations/{slug}/proposals"))
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let posted = anna
        .submit(
            &format!("/consultations/{slug}"),
            &format!("/consultations/{slug}/comments"),
            &[("body", "Een reactie ter goedkeuring")],
        )
        .await;
    assert!(
        posted
            .location
            .as_deref()
            .unwrap_or("")
            .contains("comment_pending")
    );
    assert!(
        !other
            .get(&format!("/consultations/{slug}"))
            .await
            .body
            .contains("Een reactie ter goedkeuring")
    );

    let queue = admin.get("/moderation").await;
    assert!(queue.body.contains("ter goedkeuring"));
    assert_eq!(
        queue.element("pending").data("count").as_deref(),
        Some("2"),
        "the proposal and the comment wait"
    );
    assert_eq!(
        queue
            .element(&format!("moderation-proposal-{id}"))
            .data("pending")
            .as_deref(),
        Some("true")
    );
    admin
        .submit(
            "/moderation",
            &format!("/moderation/proposal/{id}/approve"),
            &[],
        )
        .await
        .expect(303);
    other.get(&format!("/proposals/{id}")).await.expect(200);
    assert!(
        other
            .get(&format!("/consultations/{slug}"))
            .await
            .body
            .contains("Een voorstel ter goedkeuring")
    );
}
