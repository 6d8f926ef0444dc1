//! Admins create and edit consultations with phases; the public and the API see them;
//! everyone else is refused; bad input is explained.

use super::{RESIDENT_PASSWORD, instance_with_admin};
use chrono::Duration;
use inspraak_tests::{Browser, extract_between};

fn day(offset: i64) -> String {
    (inspraak_app::clock::today() + Duration::days(offset))
        .format("%Y-%m-%d")
        .to_string()
}

/// Creates a consultation through the admin form; returns its id.
async fn create(admin: &mut Browser, title: &str, extra: &[(&str, &str)]) -> String {
    let mut fields = vec![
        ("title", title),
        ("summary", "Denk mee over de toekomst."),
        ("body", "## Plan\n\nMeer **groen**."),
    ];
    fields.extend_from_slice(extra);
    let page = admin
        .submit("/admin/consultations/new", "/admin/consultations", &fields)
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let location = page.location.expect("redirect");
    extract_between(&location, "/admin/consultations/", "/edit").expect("edit url")
}

#[tokio::test]
async fn an_admin_creates_a_consultation_with_phases_that_the_public_and_the_api_show() {
    let (instance, mut admin) = instance_with_admin().await;
    let (past_start, past_end, now_start, now_end, next_start, next_end) =
        (day(-20), day(-11), day(-10), day(5), day(6), day(20));
    let id = create(
        &mut admin,
        "Herinrichting Stationsplein",
        &[
            ("publish", "on"),
            ("phase0_kind", "information"),
            ("phase0_starts_on", &past_start),
            ("phase0_ends_on", &past_end),
            ("phase1_kind", "proposals"),
            ("phase1_title", "Ideeën voor het plein"),
            ("phase1_starts_on", &now_start),
            ("phase1_ends_on", &now_end),
            ("phase2_kind", "voting"),
            ("phase2_starts_on", &next_start),
            ("phase2_ends_on", &next_end),
            ("phase3_kind", ""),
        ],
    )
    .await;

    let mut visitor = instance.browser();
    let list = visitor.get("/consultations").await;
    list.expect(200);
    assert!(list.body.contains("Herinrichting Stationsplein"));
    let page = visitor
        .get("/consultations/herinrichting-stationsplein")
        .await;
    page.expect(200);
    assert!(page.body.contains("<html lang=\"nl\">"));
    assert!(
        page.body.contains("<h2>Plan</h2>") && page.body.contains("<strong>groen</strong>"),
        "markdown is rendered"
    );
    assert!(page.body.contains("Ideeën voor het plein"));
    assert!(
        page.body.contains("aria-current=\"step\""),
        "the current phase is marked"
    );
    let kinds = page.data_all("kind");
    assert_eq!(
        kinds,
        ["information", "proposals", "voting"],
        "phases in order"
    );
    let current = page.data_all("current");
    assert_eq!(
        current,
        ["false", "true", "false"],
        "the proposals phase runs"
    );
    let actions: Vec<usize> = page
        .data_all("actions")
        .iter()
        .map(|n| n.parse().expect("a number"))
        .collect();
    assert_eq!(
        actions,
        [1, 3, 2],
        "what residents may do in each phase is shown (comment; propose, comment, support; vote, comment)"
    );
    assert_eq!(page.data("state").as_deref(), Some("active"));

    let api = visitor.get("/api/v1/consultations").await;
    api.expect(200);
    let json = api.json();
    assert_eq!(json["total"], 1);
    let item = &json["items"][0];
    assert_eq!(item["id"], id.as_str());
    assert_eq!(item["state"], "active");
    assert_eq!(item["current_phase"]["kind"], "proposals");
    assert_eq!(item["current_phase"]["title"], "Ideeën voor het plein");

    let detail = visitor.get(&format!("/api/v1/consultations/{id}")).await;
    detail.expect(200);
    let detail = detail.json();
    let phases = detail["phases"].as_array().expect("phases");
    assert_eq!(phases.len(), 3);
    assert_eq!(phases[0]["kind"], "information");
    assert_eq!(phases[0]["starts_on"], past_start.as_str());
    assert_eq!(phases[2]["ends_on"], next_end.as_str());
    assert_eq!(detail["allowed_now"]["propose"], true);
    assert_eq!(detail["allowed_now"]["vote"], false);
    assert!(
        detail["body_html"]
            .as_str()
            .unwrap_or("")
            .contains("<strong>groen</strong>")
    );
    let by_slug = visitor
        .get("/api/v1/consultations/herinrichting-stationsplein")
        .await;
    assert_eq!(by_slug.json()["id"], id.as_str());
}

#[tokio::test]
async fn an_admin_edits_texts_and_phases_and_publishes_a_draft() {
    let (instance, mut admin) = instance_with_admin().await;
    let id = create(&mut admin, "Begroting 2027", &[]).await;
    let mut visitor = instance.browser();
    visitor
        .get("/consultations/begroting-2027")
        .await
        .expect(404);
    visitor
        .get(&format!("/api/v1/consultations/{id}"))
        .await
        .expect(404);
    admin.get("/consultations/begroting-2027").await.expect(200);

    let edit = format!("/admin/consultations/{id}/edit");
    let texts = admin
        .submit(
            &edit,
            &format!("/admin/consultations/{id}"),
            &[
                ("title", "Begroting 2027: waar gaat het geld heen?"),
                ("summary", "Stem mee."),
                ("body", "Tekst"),
            ],
        )
        .await;
    assert_eq!(texts.status, 303, "{}", texts.body);
    let (a, b) = (day(-1), day(10));
    let phases = admin
        .submit(
            &edit,
            &format!("/admin/consultations/{id}/phases"),
            &[
                ("phase0_kind", "voting"),
                ("phase0_custom", "on"),
                ("phase0_vote", "on"),
                ("phase0_comment", "on"),
                ("phase0_starts_on", &a),
                ("phase0_ends_on", &b),
            ],
        )
        .await;
    assert_eq!(phases.status, 303, "{}", phases.body);
    let publish = admin
        .submit(
            &edit,
            &format!("/admin/consultations/{id}/publish"),
            &[("publish", "on")],
        )
        .await;
    assert_eq!(
        publish.location.as_deref(),
        Some(format!("/admin/consultations/{id}/edit?notice=published").as_str())
    );

    let page = visitor.get("/consultations/begroting-2027").await;
    page.expect(200);
    assert!(
        page.body
            .contains("Begroting 2027: waar gaat het geld heen?")
    );
    let json = visitor
        .get(&format!("/api/v1/consultations/{id}"))
        .await
        .json();
    assert_eq!(json["allowed_now"]["vote"], true);
    assert_eq!(json["allowed_now"]["support"], false);
    assert_eq!(json["phases"][0]["rules"]["comment"], true);

    let audit = admin.get("/admin/audit").await.body;
    for action in [
        "consultation.create",
        "consultation.update",
        "consultation.phases",
        "consultation.publish",
    ] {
        assert!(audit.contains(action), "audit log lacks {action}");
    }
}

#[tokio::test]
async fn only_admins_may_manage_consultations() {
    let (instance, mut admin) = instance_with_admin().await;
    let id = create(&mut admin, "Speelplein Oosterpark", &[("publish", "on")]).await;

    let mut resident = instance.browser();
    resident
        .register("ruud", RESIDENT_PASSWORD)
        .await
        .expect(303);
    let forbidden = resident.get("/admin/consultations/new").await;
    forbidden.expect(403);
    assert_eq!(
        resident
            .get_json("/admin/consultations/new")
            .await
            .error_code(),
        "forbidden"
    );
    resident.get("/admin").await.expect(403);
    resident
        .get(&format!("/admin/consultations/{id}/edit"))
        .await
        .expect(403);
    let token = resident.get("/account").await.csrf();
    let attempt = resident
        .post(
            "/admin/consultations",
            &[
                ("csrf_token", &token),
                ("title", "Door inwoner"),
                ("summary", "x"),
            ],
        )
        .await;
    attempt.expect(403);
    let edit = resident
        .post(
            &format!("/admin/consultations/{id}"),
            &[
                ("csrf_token", &token),
                ("title", "Gekaapt"),
                ("summary", "x"),
            ],
        )
        .await;
    edit.expect(403);
    assert!(
        resident
            .get("/consultations/speelplein-oosterpark")
            .await
            .body
            .contains("Speelplein Oosterpark")
    );
    assert_eq!(
        resident.get("/api/v1/consultations").await.json()["total"],
        1,
        "nothing was created"
    );

    let mut anonymous = instance.browser();
    let redirect = anonymous.get("/admin/consultations/new").await;
    assert_eq!(redirect.status, 303);
    assert_eq!(
        redirect.location.as_deref(),
        Some("/login?next=%2Fadmin%2Fconsultations%2Fnew")
    );
}

#[tokio::test]
async fn bad_consultation_input_is_explained_and_nothing_is_stored() {
    let (instance, mut admin) = instance_with_admin().await;
    let long_title = "x".repeat(151);
    let page = admin
        .submit(
            "/admin/consultations/new",
            "/admin/consultations",
            &[
                ("title", &long_title),
                ("summary", ""),
                ("phase0_kind", "voting"),
                ("phase0_starts_on", "2026-02-30"),
                ("phase0_ends_on", "2026-03-10"),
                ("phase1_kind", "later"),
                ("phase1_starts_on", "2026-03-10"),
                ("phase1_ends_on", "2026-03-01"),
            ],
        )
        .await;
    page.expect(422);
    let problems: Vec<String> = page.problems().into_iter().map(|(_, p)| p).collect();
    page.expect_problem("title", "too_long")
        .expect_problem("summary", "required");
    for problem in ["invalid_date", "unknown_choice", "end_before_start"] {
        assert!(
            problems.iter().any(|p| p == problem),
            "{problem} is explained: {problems:?}"
        );
    }
    assert!(
        page.body.contains("value=\"2026-02-30\""),
        "typed dates come back"
    );

    let overlap = admin
        .submit(
            "/admin/consultations/new",
            "/admin/consultations",
            &[
                ("title", "Overlap"),
                ("summary", "Twee fasen tegelijk"),
                ("phase0_kind", "information"),
                ("phase0_starts_on", "2027-01-01"),
                ("phase0_ends_on", "2027-01-31"),
                ("phase1_kind", "proposals"),
                ("phase1_starts_on", "2027-01-31"),
                ("phase1_ends_on", "2027-02-28"),
            ],
        )
        .await;
    overlap.expect(422);
    assert!(
        overlap.problems().iter().any(|(_, p)| p == "overlap"),
        "{:?}",
        overlap.problems()
    );

    create(&mut admin, "Dubbel", &[("slug", "dubbel")]).await;
    let taken = admin
        .submit(
            "/admin/consultations/new",
            "/admin/consultations",
            &[("title", "Dubbel"), ("summary", "x"), ("slug", "dubbel")],
        )
        .await;
    taken.expect(422);
    taken.expect_problem("slug", "taken");
    let bad_slug = admin
        .submit(
            "/admin/consultations/new",
            "/admin/consultations",
            &[("title", "Goed"), ("summary", "x"), ("slug", "Niet Goed!")],
        )
        .await;
    bad_slug.expect(422);

    let dashboard = admin.get("/admin").await.body;
    assert!(
        !dashboard.contains("Overlap") && !dashboard.contains("xxxxxxxxxx"),
        "refused input stored nothing"
    );

    let mut visitor = instance.browser();
    visitor.get("/consultations/bestaat-niet").await.expect(404);
    let api = visitor.get("/api/v1/consultations/bestaat-niet").await;
    api.expect(404);
    assert_eq!(api.json()["error"], "not_found");
    admin
        .get("/admin/consultations/bestaat-niet/edit")
        .await
        .expect(404);
    let token = admin.get("/admin").await.csrf();
    admin
        .post(
            "/admin/consultations/bestaat-niet/phases",
            &[("csrf_token", &token)],
        )
        .await
        .expect(404);
}

#[tokio::test]
async fn a_cover_image_is_checked_by_content_stored_and_served() {
    let (instance, mut admin) = instance_with_admin().await;
    let id = create(&mut admin, "Met afbeelding", &[("publish", "on")]).await;
    let edit = format!("/admin/consultations/{id}/edit");
    let action = format!("/admin/consultations/{id}/cover");

    let token = admin.get(&edit).await.csrf();
    let fake = reqwest::multipart::Form::new()
        .text("csrf_token", token.clone())
        .text("cover_alt", "Een plein")
        .part(
            "cover",
            reqwest::multipart::Part::bytes(b"<svg onload=alert(1)>".to_vec())
                .file_name("x.png")
                .mime_str("image/png")
                .expect("mime"),
        );
    let refused = admin.post_multipart(&action, fake).await;
    refused.expect(422);
    refused.expect_problem("cover", "unknown_choice");

    let png: Vec<u8> = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0u8; 32]].concat();
    let without_token = reqwest::multipart::Form::new()
        .text("cover_alt", "Een plein")
        .part(
            "cover",
            reqwest::multipart::Part::bytes(png.clone()).file_name("plein.png"),
        );
    admin
        .post_multipart(&action, without_token)
        .await
        .expect(403);

    let real = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("cover_alt", "Het plein met bomen")
        .part(
            "cover",
            reqwest::multipart::Part::bytes(png.clone()).file_name("plein.png"),
        );
    admin.post_multipart(&action, real).await.expect(303);

    let mut visitor = instance.browser();
    let page = visitor.get("/consultations/met-afbeelding").await;
    let src =
        extract_between(&page.body, "<img class=\"cover\" src=\"", "\"").expect("cover shown");
    assert!(page.body.contains("alt=\"Het plein met bomen\""));
    let image = visitor.get(&src).await;
    image.expect(200);
    assert_eq!(
        image
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );

    // Replacing the image removes the old file.
    let token = admin.get(&edit).await.csrf();
    let replacement = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("cover_alt", "Het plein in de winter")
        .part(
            "cover",
            reqwest::multipart::Part::bytes(png).file_name("winter.png"),
        );
    admin.post_multipart(&action, replacement).await.expect(303);
    visitor.get(&src).await.expect(404);
    let page = visitor.get("/consultations/met-afbeelding").await;
    assert!(page.body.contains("alt=\"Het plein in de winter\""));

    visitor
        .get("/media/..%2F..%2Fetc%2Fpasswd")
        .await
        .expect(404);
    visitor.get("/media/not-a-uuid.png").await.expect(404);
}
