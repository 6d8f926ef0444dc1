//! The national helpdesk, with real instances under distinct host names: a municipality
//! registers and the helpdesk follows it back; the catalogue lists what was published before
//! and after, filters it, and counts a reuse; a guide written on the helpdesk reaches the
//! municipality's admin area, an article from an actor it does not follow does not; bad input
//! is refused and creates nothing.

use super::federation::eventually;
use super::{ADMIN_PASSWORD, consultation};
use inspraak_tests::signing::{Sender, post_signed};
use inspraak_tests::{Browser, TestInstance, extract_between};
use serde_json::{Value, json};

/// An instance under `host` with extra settings and an admin logged in.
async fn started(host: &str, settings: &[(&str, &str)]) -> (TestInstance, Browser) {
    let mut builder = TestInstance::builder().host(host);
    for (key, value) in settings {
        builder = builder.setting(key, value);
    }
    let instance = builder.start().await;
    instance.create_admin("beheer", ADMIN_PASSWORD).await;
    let mut admin = instance.browser();
    admin.login("beheer", ADMIN_PASSWORD).await.expect(303);
    (instance, admin)
}

/// A helpdesk instance.
async fn helpdesk() -> (TestInstance, Browser) {
    started("helpdesk.test", &[("INSPRAAK_INSTANCE_KIND", "helpdesk")]).await
}

/// A municipality in Zuid-Holland.
async fn municipality(host: &str) -> (TestInstance, Browser) {
    started(host, &[("INSPRAAK_INSTANCE_PROVINCE", "Zuid-Holland")]).await
}

/// The helpdesk's handle, `@helpdesk@host:port`.
fn handle_of(helpdesk: &TestInstance) -> String {
    format!("@helpdesk@{}:{}", helpdesk.host, helpdesk.port)
}

/// Registers the municipality of `admin` with `helpdesk` and waits until the helpdesk follows
/// back, as the registration page shows.
async fn register(admin: &mut Browser, helpdesk: &TestInstance) {
    let page = admin
        .submit(
            "/admin/helpdesk",
            "/admin/helpdesk",
            &[("target", &handle_of(helpdesk))],
        )
        .await;
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/helpdesk?notice=helpdesk_registered"),
        "{page:?}"
    );
    eventually("the helpdesk accepts and follows back", || {
        let mut admin = admin.fork();
        async move {
            let page = admin.get("/admin/helpdesk").await;
            (page.data("accepted").as_deref() == Some("true")
                && page.data("followed-back").as_deref() == Some("true"))
            .then_some(())
        }
    })
    .await;
}

/// The helpdesk's catalogue with this query string.
async fn catalogue(browser: &Browser, query: &str) -> Value {
    let mut browser = browser.fork();
    let page = browser.get(&format!("/api/v1/catalogue{query}")).await;
    page.expect(200);
    page.json()
}

/// The titles of the catalogue's consultations.
fn titles(catalogue: &Value) -> Vec<String> {
    let mut titles: Vec<String> = catalogue["consultations"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|c| c["title"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    titles.sort();
    titles
}

#[tokio::test]
async fn a_registered_municipality_is_in_the_catalogue_with_its_reuses() {
    let (h, mut admin_h) = helpdesk().await;
    let (a, mut admin_a) = municipality("gemeente-a.test").await;
    let (origin_id, origin_slug) = consultation(
        &mut admin_a,
        "Groen schoolplein",
        "proposals",
        &[("themes", "Groen, spelen")],
    )
    .await;

    let own = admin_a
        .get(&format!("/api/v1/consultations/{origin_slug}"))
        .await
        .json();
    assert_eq!(own["themes"], json!(["groen", "spelen"]));

    register(&mut admin_a, &h).await;
    let visitor = h.browser();
    eventually(
        "a consultation published before registration is listed",
        || {
            let visitor = visitor.fork();
            async move {
                let found = catalogue(&visitor, "").await;
                (titles(&found) == ["Groen schoolplein"]).then_some(())
            }
        },
    )
    .await;

    let (street_id, _) = consultation(
        &mut admin_a,
        "Fietsstraat Kerkstraat",
        "voting",
        &[("themes", "verkeer")],
    )
    .await;
    let found = eventually("one published after registration is listed too", || {
        let visitor = visitor.fork();
        async move {
            let found = catalogue(&visitor, "").await;
            (titles(&found).len() == 2).then_some(found)
        }
    })
    .await;
    let origin_ap = format!("{}/consultations/{origin_slug}", a.base);
    let school = found["consultations"]
        .as_array()
        .and_then(|items| items.iter().find(|c| c["id"] == origin_ap.as_str()))
        .cloned()
        .expect("the first consultation");
    assert_eq!(school["instance"], format!("{}:{}", a.host, a.port));
    assert_eq!(school["province"], "Zuid-Holland");
    assert_eq!(school["themes"], json!(["groen", "spelen"]));
    assert_eq!(school["state"], "active");
    assert_eq!(school["phase"]["kind"], "proposals");
    assert_eq!(school["organization"], "Gemeente Voorbeeld");
    assert_eq!(school["url"], origin_ap.as_str());

    // Every filter narrows the list.
    let host = format!("{}:{}", a.host, a.port);
    for (query, expected) in [
        ("?q=FIETS", vec!["Fietsstraat Kerkstraat"]),
        ("?theme=%23groen", vec!["Groen schoolplein"]),
        ("?phase=voting", vec!["Fietsstraat Kerkstraat"]),
        (
            "?phase=open",
            vec!["Fietsstraat Kerkstraat", "Groen schoolplein"],
        ),
        ("?phase=upcoming", vec![]),
        (
            "?province=zuid-holland",
            vec!["Fietsstraat Kerkstraat", "Groen schoolplein"],
        ),
        ("?province=Friesland", vec![]),
        ("?instance=elders.test", vec![]),
        (
            &format!("?instance={host}&theme=verkeer"),
            vec!["Fietsstraat Kerkstraat"],
        ),
    ] {
        assert_eq!(
            titles(&catalogue(&visitor, query).await),
            expected,
            "{query}"
        );
    }

    // New phases reach the helpdesk: the schedule travels, so it knows the state on its day.
    let later = |days: i64| {
        (inspraak_app::clock::today() + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    let (start, end) = (later(30), later(40));
    admin_a
        .submit(
            &format!("/admin/consultations/{street_id}/edit"),
            &format!("/admin/consultations/{street_id}/phases"),
            &[
                ("phase0_kind", "voting"),
                ("phase0_starts_on", &start),
                ("phase0_ends_on", &end),
            ],
        )
        .await
        .expect(303);
    eventually("the new phases reach the helpdesk", || {
        let visitor = visitor.fork();
        async move {
            let found = catalogue(&visitor, "?phase=upcoming").await;
            (titles(&found) == ["Fietsstraat Kerkstraat"]).then_some(())
        }
    })
    .await;

    // The page works without JavaScript: a GET form, results with stable attributes.
    let mut browser = h.browser();
    let page = browser.get("/catalogue?theme=groen").await;
    page.expect(200);
    assert!(page.has_id("catalogue-search"));
    assert_eq!(
        page.data_all("catalogue-consultation"),
        vec![origin_ap.clone()]
    );

    // A reuse, published, counts on its origin, with the tree on the page.
    let made = admin_a
        .submit(
            &format!("/consultations/{origin_slug}"),
            &format!("/admin/consultations/{origin_id}/reuse"),
            &[("starts_on", "2027-09-01"), ("slug", "schoolplein-twee")],
        )
        .await;
    made.expect(303);
    let copy_id = extract_between(
        made.location.as_deref().unwrap_or(""),
        "/admin/consultations/",
        "/edit",
    )
    .expect("edit page");
    admin_a
        .submit(
            &format!("/admin/consultations/{copy_id}/edit"),
            &format!("/admin/consultations/{copy_id}/publish"),
            &[("publish", "on")],
        )
        .await
        .expect(303);
    let template = eventually("the origin's reuse is counted", || {
        let visitor = visitor.fork();
        let origin_ap = origin_ap.clone();
        async move {
            let found = catalogue(&visitor, "").await;
            found["templates"]
                .as_array()
                .and_then(|t| t.iter().find(|t| t["id"] == origin_ap.as_str()))
                .filter(|t| t["reuse_count"] == 1)
                .cloned()
        }
    })
    .await;
    let copy_ap = format!("{}/consultations/schoolplein-twee", a.base);
    assert_eq!(template["reused_by"][0]["id"], copy_ap.as_str());
    let found = catalogue(&visitor, "?phase=upcoming").await;
    let copy = found["consultations"]
        .as_array()
        .and_then(|items| items.iter().find(|c| c["id"] == copy_ap.as_str()))
        .cloned()
        .expect("the copy, which starts later");
    assert_eq!(copy["derived_from"], origin_ap.as_str());
    assert_eq!(
        copy["themes"],
        json!(["groen", "spelen"]),
        "the reuse keeps the themes"
    );
    let ranked = catalogue(&visitor, "").await;
    assert_eq!(
        ranked["templates"][0]["id"],
        origin_ap.as_str(),
        "the most reused first"
    );
    let page = browser.get("/catalogue").await;
    let first = page.element("catalogue-templates");
    assert_eq!(first.data_within("reuse-count").as_deref(), Some("1"));
    assert!(page.data_all("reuse").contains(&copy_ap));

    // Both sides logged it.
    let audit = admin_a.get("/admin/audit").await;
    assert!(audit.body.contains("helpdesk.register"), "{}", audit.body);
    let audit = admin_h.get("/admin/audit").await;
    assert!(
        audit.body.contains("helpdesk.follow_back"),
        "{}",
        audit.body
    );
}

/// A `Create(Article)` by `sender`'s organization, with an id on its host.
fn article(sender: &Sender, title: &str) -> Value {
    let n = uuid::Uuid::new_v4();
    let base = sender.actor.trim_end_matches("/organization");
    json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{base}/activities/{n}"),
        "type": "Create",
        "actor": sender.actor,
        "object": {
            "id": format!("{base}/guides/{n}"),
            "type": "Article",
            "attributedTo": sender.actor,
            "name": title,
            "content": "<p>Lees dit <script>alert(1)</script></p>",
            "to": ["https://www.w3.org/ns/activitystreams#Public"],
        },
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    })
}

#[tokio::test]
async fn a_guide_reaches_registered_instances_and_articles_of_strangers_do_not() {
    let (h, mut admin_h) = helpdesk().await;
    let (a, mut admin_a) = municipality("gemeente-a.test").await;
    register(&mut admin_a, &h).await;

    let made = admin_h
        .submit(
            "/admin/guides",
            "/admin/guides",
            &[
                ("title", "Een goede vraag stellen"),
                (
                    "text",
                    "Begin **klein** en wees [open](https://example.nl).",
                ),
            ],
        )
        .await;
    made.expect(303);
    let guide_path = made.location.clone().expect("guide page");
    assert_eq!(guide_path, "/guides/een-goede-vraag-stellen");
    let served = admin_h
        .get_with_accept(&guide_path, "application/activity+json")
        .await;
    served.expect(200);
    let served = served.json();
    assert_eq!(served["type"], "Article");
    assert_eq!(served["attributedTo"], format!("{}/organization", h.base));
    assert_eq!(served["name"], "Een goede vraag stellen");
    assert!(
        served["content"]
            .as_str()
            .unwrap_or("")
            .contains("<strong>klein</strong>")
    );

    // It appears on the municipality's admin home, and its full text is shown there.
    let local_path = eventually("the guide reaches the municipality", || {
        let mut admin = admin_a.fork();
        async move {
            let home = admin.get("/admin").await;
            let found = home.element("helpdesk-guides");
            found.contains("Een goede vraag stellen").then(|| {
                format!(
                    "/guides/{}",
                    found.data_within("guide").expect("guide slug")
                )
            })
        }
    })
    .await;
    let shown = admin_a.get(&local_path).await;
    shown.expect(200);
    assert!(
        shown.body.contains("<strong>klein</strong>"),
        "{}",
        shown.body
    );
    assert_eq!(
        shown.element("guide").data("ap-id"),
        Some(format!("{}{guide_path}", h.base))
    );

    // An edit and a removal follow it there.
    let guide_id = extract_between(
        &admin_h.get("/admin/guides").await.body,
        "href=\"/admin/guides/",
        "/edit\"",
    )
    .expect("edit link");
    admin_h
        .submit(
            &format!("/admin/guides/{guide_id}/edit"),
            &format!("/admin/guides/{guide_id}"),
            &[("title", "Een heldere vraag stellen"), ("text", "Nieuw.")],
        )
        .await
        .expect(303);
    eventually("the edit reaches the municipality", || {
        let mut admin = admin_a.fork();
        let path = local_path.clone();
        async move {
            admin
                .get(&path)
                .await
                .body
                .contains("Een heldere vraag stellen")
                .then_some(())
        }
    })
    .await;
    admin_h
        .submit(
            "/admin/guides",
            &format!("/admin/guides/{guide_id}/delete"),
            &[],
        )
        .await
        .expect(303);
    eventually("the removal reaches the municipality", || {
        let mut admin = admin_a.fork();
        let path = local_path.clone();
        async move { (admin.get(&path).await.status == 404).then_some(()) }
    })
    .await;

    // An article from an organization the municipality does not follow is ignored.
    let (m, _admin_m) = municipality("gemeente-m.test").await;
    let stranger = Sender::of(&m, "/organization", "/organization").await;
    let body = serde_json::to_vec(&article(&stranger, "Vreemde handleiding")).expect("json");
    let (status, _) = post_signed(&a, "/inbox", &body, &stranger, None).await;
    assert_eq!(status, 202);
    // And one from the helpdesk itself is kept, sanitised.
    let helpdesk = Sender::of(&h, "/organization", "/organization").await;
    let body =
        serde_json::to_vec(&article(&helpdesk, "Handleiding van de helpdesk")).expect("json");
    let (status, _) = post_signed(&a, "/inbox", &body, &helpdesk, None).await;
    assert_eq!(status, 202);
    let list = a.browser().get("/guides").await;
    assert!(
        list.body.contains("Handleiding van de helpdesk"),
        "{}",
        list.body
    );
    assert!(!list.body.contains("Vreemde handleiding"), "{}", list.body);
    let kept = a
        .browser()
        .get(&format!(
            "/guides/{}",
            list.data("guide").expect("the helpdesk's guide")
        ))
        .await;
    assert!(
        !kept.body.contains("<script>alert"),
        "sanitised: {}",
        kept.body
    );
}

#[tokio::test]
async fn bad_input_to_guides_the_catalogue_and_registration_is_refused() {
    let (h, mut admin_h) = helpdesk().await;
    for (fields, field, problem) in [
        (vec![("title", ""), ("text", "Tekst")], "title", "required"),
        (vec![("title", "Tips"), ("text", "")], "text", "required"),
        (
            vec![("title", "Tips"), ("text", "<SCRIPT>alert(1)</script>")],
            "text",
            "unsafe_markup",
        ),
    ] {
        let page = admin_h
            .submit("/admin/guides", "/admin/guides", &fields)
            .await;
        page.expect(422);
        page.expect_problem(field, problem);
    }
    let long = "x".repeat(50_001);
    let page = admin_h
        .submit(
            "/admin/guides",
            "/admin/guides",
            &[("title", "Tips"), ("text", &long)],
        )
        .await;
    page.expect(422);
    page.expect_problem("text", "too_long");
    let list = admin_h.get("/admin/guides").await;
    assert!(list.data("guide").is_none(), "nothing was created");
    assert!(h.browser().get("/guides").await.data("guide").is_none());

    // The catalogue names the filter that does not fit; a malformed query is a 400.
    let mut visitor = h.browser();
    let refused = visitor
        .get(&format!("/api/v1/catalogue?q={}", "a".repeat(201)))
        .await;
    refused.expect(422);
    assert_eq!(refused.json()["fields"][0]["field"], "q");
    let refused = visitor
        .get("/api/v1/catalogue?instance=evil%20host%2F")
        .await;
    refused.expect(422);
    assert_eq!(refused.json()["fields"][0]["field"], "instance");
    visitor.get("/api/v1/catalogue?q=a&q=b").await.expect(400);
    let page = visitor
        .get(&format!("/catalogue?q={}", "a".repeat(201)))
        .await;
    page.expect(422);
    page.expect_problem("q", "too_long");

    // A municipality has no catalogue and writes no guides.
    let (a, mut admin_a) = municipality("gemeente-a.test").await;
    let missing = a.browser().get("/api/v1/catalogue").await;
    missing.expect(404);
    assert_eq!(missing.json()["error"], "not_found");
    admin_a.get("/admin/guides").await.expect(404);

    // Registering needs an organization's handle or address.
    let page = admin_a
        .submit("/admin/helpdesk", "/admin/helpdesk", &[("target", " ")])
        .await;
    page.expect(422);
    page.expect_problem("target", "required");
    // The helpdesk's instance actor is an `Application`, not an organization.
    let page = admin_a
        .submit(
            "/admin/helpdesk",
            "/admin/helpdesk",
            &[("target", &format!("{}/actor", h.base))],
        )
        .await;
    page.expect(422);
    page.expect_problem("target", "unknown_choice");
    let page = admin_a
        .submit(
            "/admin/helpdesk",
            "/admin/helpdesk",
            &[("target", "@helpdesk@nergens.test:1")],
        )
        .await;
    page.expect(400);
    assert!(page.has_id("helpdesk-failure"));
    let state = admin_a.get("/admin/helpdesk").await;
    assert!(state.has_id("helpdesk-none"), "nothing was registered");
}
