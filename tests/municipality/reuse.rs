//! Reusing a process: a consultation's process template, downloaded on one instance and
//! uploaded on another, makes a draft with the same texts, phases, settings, statuses, polls
//! and statements, which records where it came from. Bad templates create nothing.

use crate::{ADMIN_PASSWORD, consultation, instance_with_admin};
use inspraak_tests::{Browser, TestInstance};
use sea_orm::{EntityTrait, PaginatorTrait};

/// A consultation with a custom status, a poll and a conversation; returns (id, slug).
async fn rich_consultation(admin: &mut Browser) -> (String, String) {
    let (id, slug) = consultation(admin, "Herinrichting Stationsplein", "proposals", &[]).await;
    admin
        .submit(
            &format!("/admin/consultations/{id}/edit"),
            &format!("/admin/consultations/{id}/statuses"),
            &[("status_label", "Doorgestuurd naar de wijkraad")],
        )
        .await
        .expect(303);
    admin
        .submit(
            &format!("/admin/consultations/{id}/polls/new"),
            &format!("/admin/consultations/{id}/polls"),
            &[
                ("question", "Welke bomen wil je op het plein?"),
                ("options", "Linden\nPlatanen"),
                ("results", "live"),
            ],
        )
        .await
        .expect(303);
    admin
        .submit(
            &format!("/admin/consultations/{id}/conversations/new"),
            &format!("/admin/consultations/{id}/conversations"),
            &[
                ("question", "Wat wil je met het plein?"),
                (
                    "statements",
                    "Meer groen op het plein\nMeer plekken om te zitten",
                ),
            ],
        )
        .await
        .expect(303);
    (id, slug)
}

async fn upload(
    admin: &mut Browser,
    file: Vec<u8>,
    starts_on: &str,
    slug: &str,
) -> inspraak_tests::Page {
    let csrf = admin.get("/admin/templates/import").await.csrf();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf)
        .text("starts_on", starts_on.to_owned())
        .text("slug", slug.to_owned())
        .part(
            "template",
            reqwest::multipart::Part::bytes(file).file_name("process-template.json"),
        );
    admin.post_multipart("/admin/templates/import", form).await
}

/// Publishes the draft that `made` (the answer to an upload or reuse) redirected to; returns
/// its id.
async fn publish_made(admin: &mut Browser, made: &inspraak_tests::Page) -> String {
    let id = inspraak_tests::extract_between(
        made.location.as_deref().unwrap_or(""),
        "/admin/consultations/",
        "/edit",
    )
    .expect("edit page");
    admin
        .submit(
            &format!("/admin/consultations/{id}/edit"),
            &format!("/admin/consultations/{id}/publish"),
            &[("publish", "on")],
        )
        .await
        .expect(303);
    id
}

async fn second_instance() -> (TestInstance, Browser) {
    let instance = TestInstance::start().await;
    instance.create_admin("beheer", ADMIN_PASSWORD).await;
    let mut admin = instance.browser();
    admin.login("beheer", ADMIN_PASSWORD).await.expect(303);
    (instance, admin)
}

#[tokio::test]
async fn a_template_carries_the_process_to_another_instance_with_its_provenance() {
    let (_a, mut admin_a) = instance_with_admin().await;
    let (_id, slug) = rich_consultation(&mut admin_a).await;
    let origin = admin_a
        .get(&format!("/api/v1/consultations/{slug}"))
        .await
        .json();
    let download = admin_a
        .get(&format!("/consultations/{slug}/process-template.json"))
        .await;
    download.expect(200);
    let template = download.json();
    assert_eq!(template["format"], "inspraak-process-template");
    assert_eq!(template["version"], 1);
    assert_eq!(template["derived_from"], origin["ap_id"]);
    assert_eq!(
        template["answer_statuses"][0],
        "Doorgestuurd naar de wijkraad"
    );
    assert_eq!(template["polls"][0]["options"][1], "Platanen");
    assert_eq!(
        template["conversations"][0]["statements"][1],
        "Meer plekken om te zitten"
    );
    assert_eq!(template["phases"][0]["length_days"], 11);
    assert!(download.body.find("\"votes\"").is_none(), "no votes travel");
    let from_api = admin_a
        .get(&format!("/api/v1/consultations/{slug}/template"))
        .await;
    from_api.expect(200);
    assert_eq!(
        from_api.json(),
        template,
        "the API serves the same template"
    );

    let (b, mut admin_b) = second_instance().await;
    let made = upload(
        &mut admin_b,
        download.body.into_bytes(),
        "2027-03-01",
        "plein-b",
    )
    .await;
    made.expect(303);
    // A draft: staff see it, with where its process came from.
    let draft = admin_b.get("/consultations/plein-b").await;
    draft.expect(200);
    assert_eq!(
        draft.element("derived-from").data("derived-from"),
        origin["ap_id"].as_str().map(str::to_owned)
    );
    publish_made(&mut admin_b, &made).await;
    let copy = admin_b.get("/api/v1/consultations/plein-b").await.json();
    assert_eq!(copy["derived_from"], origin["ap_id"]);
    assert_eq!(copy["title"], origin["title"]);
    assert_eq!(copy["phases"][0]["starts_on"], "2027-03-01");
    assert_eq!(copy["phases"][0]["ends_on"], "2027-03-11");
    assert_eq!(copy["phases"][0]["kind"], origin["phases"][0]["kind"]);
    // The copy's own template has the same process, and names the copy as its origin.
    let again = admin_b
        .get("/consultations/plein-b/process-template.json")
        .await
        .json();
    assert_eq!(again["phases"], template["phases"]);
    assert_eq!(again["polls"], template["polls"]);
    assert_eq!(again["derived_from"], copy["ap_id"]);
    let polls = admin_b
        .get("/api/v1/consultations/plein-b/polls")
        .await
        .json();
    assert_eq!(polls.as_array().map(Vec::len), Some(1));
    let db = b.database().await;
    let votes = inspraak_db::entity::ballot::Entity::find()
        .count(&db.conn)
        .await
        .expect("count");
    assert_eq!(votes, 0, "no ballots are carried");
}

/// Reuses `slug` (consultation `id`) as a draft `new_slug` and publishes it; returns its id.
async fn reuse_and_publish(admin: &mut Browser, id: &str, slug: &str, new_slug: &str) -> String {
    let made = admin
        .submit(
            &format!("/consultations/{slug}"),
            &format!("/admin/consultations/{id}/reuse"),
            &[("starts_on", "2027-09-01"), ("slug", new_slug)],
        )
        .await;
    made.expect(303);
    publish_made(admin, &made).await
}

#[tokio::test]
async fn reuse_this_process_keeps_provenance_both_ways_and_the_whole_ancestry() {
    let (_a, mut admin) = instance_with_admin().await;
    let (id, slug) = rich_consultation(&mut admin).await;
    let origin = admin
        .get(&format!("/api/v1/consultations/{slug}"))
        .await
        .json();
    let second = reuse_and_publish(&mut admin, &id, &slug, "plein-twee").await;
    let copy = admin.get("/api/v1/consultations/plein-twee").await.json();
    assert_eq!(copy["derived_from"], origin["ap_id"]);
    // The origin lists its reuse, on its page and in its JSON.
    let origin_page = admin.get(&format!("/consultations/{slug}")).await;
    assert_eq!(
        origin_page.element("reused-by").data("count").as_deref(),
        Some("1")
    );
    let origin_json = admin
        .get(&format!("/api/v1/consultations/{slug}"))
        .await
        .json();
    assert_eq!(origin_json["reused_by"][0]["id"], copy["ap_id"]);
    assert!(
        origin_json["reused_by"][0]["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/consultations/plein-twee"))
    );
    // A reuse of the reuse shows the whole line back to the first.
    reuse_and_publish(&mut admin, &second, "plein-twee", "plein-drie").await;
    let third = admin.get("/api/v1/consultations/plein-drie").await.json();
    assert_eq!(third["derived_from"], copy["ap_id"]);
    assert_eq!(third["ancestry"], serde_json::json!([origin["ap_id"]]));
    let third_page = admin.get("/consultations/plein-drie").await;
    assert_eq!(
        third_page
            .element("derived-from")
            .data("ancestry")
            .as_deref(),
        Some("1")
    );
    let copy_json = admin.get("/api/v1/consultations/plein-twee").await.json();
    assert_eq!(copy_json["reused_by"][0]["id"], third["ap_id"]);
    // A missing start date is named, and nothing is made.
    let refused = admin
        .submit(
            &format!("/consultations/{slug}"),
            &format!("/admin/consultations/{id}/reuse"),
            &[("starts_on", ""), ("slug", "plein-vier")],
        )
        .await;
    refused.expect(422);
    refused.expect_problem("starts_on", "invalid_date");
    admin.get("/consultations/plein-vier").await.expect(404);
}

#[tokio::test]
async fn bad_templates_are_refused_with_the_field_and_create_nothing() {
    let (_a, mut admin_a) = instance_with_admin().await;
    let (_id, slug) = rich_consultation(&mut admin_a).await;
    let good = admin_a
        .get(&format!("/consultations/{slug}/process-template.json"))
        .await
        .json();
    let (b, mut admin_b) = second_instance().await;
    let with = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut t = good.clone();
        change(&mut t);
        serde_json::to_vec(&t).expect("json")
    };
    let newer = with(&|t| t["version"] = 2.into());
    upload(&mut admin_b, newer, "2027-03-01", "")
        .await
        .expect(422)
        .expect_problem("version", "unsupported_version");
    let missing = with(&|t| {
        t.as_object_mut().expect("object").remove("phases");
    });
    upload(&mut admin_b, missing, "2027-03-01", "")
        .await
        .expect(422)
        .expect_problem("template", "unreadable");
    let script = with(&|t| t["body"] = "Hallo <script>alert(1)</script>".into());
    upload(&mut admin_b, script, "2027-03-01", "")
        .await
        .expect(422)
        .expect_problem("body", "unsafe_markup");
    upload(&mut admin_b, b"{not json".to_vec(), "2027-03-01", "")
        .await
        .expect(422)
        .expect_problem("template", "unreadable");
    let huge = with(&|t| t["body"] = "a".repeat(10 * 1024 * 1024).into());
    let answer = upload(&mut admin_b, huge, "2027-03-01", "").await;
    assert!(
        answer.status == 413 || answer.status == 422,
        "status {}",
        answer.status
    );
    let db = b.database().await;
    let made = inspraak_db::entity::consultation::Entity::find()
        .count(&db.conn)
        .await
        .expect("count");
    assert_eq!(made, 0, "no consultation was made from a bad template");
}

#[tokio::test]
async fn an_origin_on_another_instance_learns_of_its_reuse() {
    use crate::federation::{eventually, named_with_admin};
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (_b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let (_id, slug) = rich_consultation(&mut admin_a).await;
    let origin = admin_a
        .get(&format!("/api/v1/consultations/{slug}"))
        .await
        .json();
    let template = admin_a
        .get(&format!("/consultations/{slug}/process-template.json"))
        .await
        .body;
    // B reuses A's process and publishes its copy: A is told, and lists it.
    let made = upload(
        &mut admin_b,
        template.clone().into_bytes(),
        "2027-03-01",
        "plein-b",
    )
    .await;
    made.expect(303);
    publish_made(&mut admin_b, &made).await;
    let copy = admin_b.get("/api/v1/consultations/plein-b").await.json();
    // The copy's Group names its origin for other servers.
    let group = admin_b
        .get_with_accept("/consultations/plein-b", "application/activity+json")
        .await
        .json();
    assert_eq!(group["derivedFrom"], origin["ap_id"]);
    let reused_by = eventually("A lists B's copy", || {
        let mut visitor = a.browser();
        let path = format!("/api/v1/consultations/{slug}");
        async move {
            let json = visitor.get(&path).await.json();
            json["reused_by"]
                .as_array()
                .filter(|r| !r.is_empty())
                .cloned()
        }
    })
    .await;
    assert_eq!(reused_by.len(), 1);
    assert_eq!(reused_by[0]["id"], copy["ap_id"]);
    assert_eq!(reused_by[0]["title"], copy["title"]);
    // A copy naming an origin on A that does not exist: publishing still works (the origin
    // cannot be fetched, so nobody is told), and A lists nothing new.
    let mut stranger = serde_json::from_str::<serde_json::Value>(&template).expect("template");
    stranger["derived_from"] = format!(
        "{}/consultations/bestaat-niet",
        origin["ap_id"]
            .as_str()
            .unwrap_or_default()
            .split("/consultations/")
            .next()
            .unwrap_or_default()
    )
    .into();
    let made = upload(
        &mut admin_b,
        serde_json::to_vec(&stranger).expect("json"),
        "2027-04-01",
        "plein-c",
    )
    .await;
    made.expect(303);
    publish_made(&mut admin_b, &made).await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let still = admin_a
        .get(&format!("/api/v1/consultations/{slug}"))
        .await
        .json();
    assert_eq!(still["reused_by"].as_array().map(Vec::len), Some(1));
}

/// A signed `Announce` of `group` by `sender`'s organization, as a reuse notice.
fn notice(sender: &inspraak_tests::signing::Sender, group: &str) -> Vec<u8> {
    let base = sender.actor.trim_end_matches("/organization");
    serde_json::to_vec(&serde_json::json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{base}/activities/{}", uuid::Uuid::new_v4()),
        "type": "Announce",
        "actor": sender.actor,
        "object": group,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
    }))
    .expect("json")
}

#[tokio::test]
async fn reuse_notices_about_origins_that_are_not_ours_are_ignored() {
    use crate::federation::named_with_admin;
    use inspraak_tests::signing::{Sender, post_signed};
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (m, mut admin_m) = named_with_admin("gemeente-m.test").await;
    let (_id, slug) = rich_consultation(&mut admin_a).await;
    let template: serde_json::Value = admin_a
        .get(&format!("/consultations/{slug}/process-template.json"))
        .await
        .json();
    // M publishes two copies naming origins that are not consultations of A: one on A's host
    // that does not exist, one on a third host.
    let mut groups = Vec::new();
    for (new_slug, origin) in [
        ("plein-m", format!("{}/consultations/bestaat-niet", a.base)),
        (
            "plein-n",
            "http://gemeente-z.test/consultations/plein".to_owned(),
        ),
    ] {
        let mut t = template.clone();
        t["derived_from"] = origin.into();
        let made = upload(
            &mut admin_m,
            serde_json::to_vec(&t).expect("json"),
            "2027-03-01",
            new_slug,
        )
        .await;
        made.expect(303);
        publish_made(&mut admin_m, &made).await;
        groups.push(format!("{}/consultations/{new_slug}", m.base));
    }
    // Signed notices about them reach A's inbox: accepted (202) and ignored.
    let sender = Sender::of(&m, "/organization", "/organization").await;
    for group in &groups {
        let (status, body) =
            post_signed(&a, "/inbox", &notice(&sender, group), &sender, None).await;
        assert_eq!(status, 202, "{body}");
    }
    // A notice naming a Group on another host than the sender's is not believed either.
    let (status, _) = post_signed(
        &a,
        "/inbox",
        &notice(&sender, &format!("{}/consultations/{slug}", a.base)),
        &sender,
        None,
    )
    .await;
    assert!(status == 202 || status == 403, "status {status}");
    let db = a.database().await;
    let listed = inspraak_db::entity::consultation_reuse::Entity::find()
        .count(&db.conn)
        .await
        .expect("count");
    assert_eq!(listed, 0, "no reuse was recorded on A");
    let origin = admin_a
        .get(&format!("/api/v1/consultations/{slug}"))
        .await
        .json();
    assert_eq!(origin["reused_by"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn staff_reuse_and_publish_through_the_api_with_an_admins_token() {
    use reqwest::Method;
    let (instance, mut admin) = instance_with_admin().await;
    let (_id, slug) = rich_consultation(&mut admin).await;
    let token_for = |page: inspraak_tests::Page| {
        inspraak_tests::extract_between(&page.body, "<code class=\"verification-code\">", "</code>")
            .expect("token shown once")
    };
    let admin_token = token_for(
        admin
            .submit(
                "/account",
                "/account/tokens",
                &[("token_name", "Beheer-app")],
            )
            .await,
    );
    let mut anna = crate::resident(&instance, &mut admin, "anna", true).await;
    let resident_token = token_for(
        anna.submit(
            "/account",
            "/account/tokens",
            &[("token_name", "Buurt-app")],
        )
        .await,
    );
    let mut app = instance.browser();
    let body = serde_json::json!({"starts_on": "2027-05-01", "slug": "plein-api"});
    let refused = app
        .api(
            Method::POST,
            &format!("/api/v1/consultations/{slug}/reuse"),
            Some(&resident_token),
            Some(body.clone()),
        )
        .await;
    refused.expect(403);
    let made = app
        .api(
            Method::POST,
            &format!("/api/v1/consultations/{slug}/reuse"),
            Some(&admin_token),
            Some(body),
        )
        .await;
    made.expect(201);
    let id = made.json()["id"].as_str().expect("id").to_owned();
    app.api(Method::GET, "/api/v1/consultations/plein-api", None, None)
        .await
        .expect(404);
    app.api(
        Method::PUT,
        &format!("/api/v1/consultations/{id}/publication"),
        Some(&admin_token),
        None,
    )
    .await
    .expect(204);
    let copy = app
        .api(Method::GET, "/api/v1/consultations/plein-api", None, None)
        .await;
    copy.expect(200);
    assert!(
        copy.json()["derived_from"]
            .as_str()
            .is_some_and(|d| d.ends_with(&format!("/consultations/{slug}")))
    );
    let bad = app
        .api(Method::POST, "/api/v1/templates", Some(&admin_token), Some(serde_json::json!({"template": {"format": "inspraak-process-template", "version": 9}, "starts_on": "2027-05-01"})))
        .await;
    bad.expect(422);
    assert_eq!(bad.json()["fields"][0]["field"], "version");
}

#[tokio::test]
async fn a_process_elsewhere_is_reused_by_its_handle_or_address_alone() {
    use crate::federation::{eventually, named_with_admin};
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (_b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let (_id, slug) = rich_consultation(&mut admin_a).await;
    let origin = format!("{}/consultations/{slug}", a.base);
    // Servers get the template as a `ProcessTemplate` object at the consultation's address.
    let served = a
        .browser()
        .get_with_accept(
            &format!("/consultations/{slug}/process-template.json"),
            "application/activity+json",
        )
        .await;
    served.expect(200);
    let served = served.json();
    assert_eq!(served["type"], "ProcessTemplate");
    assert_eq!(served["attributedTo"], origin.as_str());
    assert_eq!(served["template"]["derived_from"], origin.as_str());

    // B's admin gives only A's handle: the draft has A's process and names its origin.
    let handle = format!("@{slug}@{}:{}", a.host, a.port);
    let made = admin_b
        .submit(
            "/admin/templates/import",
            "/admin/templates/reuse",
            &[
                ("source", handle.as_str()),
                ("starts_on", "2027-06-01"),
                ("slug", "plein-b"),
            ],
        )
        .await;
    made.expect(303);
    publish_made(&mut admin_b, &made).await;
    let copy = admin_b.get("/api/v1/consultations/plein-b").await.json();
    assert_eq!(copy["derived_from"], origin.as_str());
    assert_eq!(copy["title"], "Herinrichting Stationsplein");
    let polls = admin_b
        .get("/api/v1/consultations/plein-b/polls")
        .await
        .json();
    assert_eq!(
        polls.as_array().map(Vec::len),
        Some(1),
        "the poll came along"
    );
    eventually("A lists B's copy", || async {
        let json = a
            .browser()
            .get(&format!("/api/v1/consultations/{slug}"))
            .await
            .json();
        json["reused_by"]
            .as_array()
            .filter(|r| r.len() == 1)
            .map(|_| ())
    })
    .await;

    // An address that is no consultation is refused with the reason, and nothing is made.
    let before = admin_b.get("/api/v1/consultations").await.json()["total"].clone();
    for source in [format!("{}/organization", a.base), "nergens".to_owned()] {
        let refused = admin_b
            .submit(
                "/admin/templates/import",
                "/admin/templates/reuse",
                &[("source", source.as_str()), ("starts_on", "2027-06-01")],
            )
            .await;
        refused.expect(400);
        assert!(refused.has_id("reuse-remote-error"), "{source}");
    }
    assert_eq!(
        admin_b.get("/api/v1/consultations").await.json()["total"],
        before
    );
}
