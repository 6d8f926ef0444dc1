//! Shared moderation between instances under distinct host names: a province publishes a
//! recommended blocklist; one municipality subscribes with auto-apply (the domain is blocked
//! and its activities refused), another in review mode (a suggestion, blocked only once
//! accepted); removal from the list lifts what the list made but not a hand-made block. A
//! report forwarded from a copy arrives at the origin as a `Flag` by the instance actor; one
//! not forwarded stays home. Mastodon CSV import is all or nothing and round-trips.

use super::deals::{province, token};
use super::federation::{eventually, follow, named_with_admin};
use super::{consultation, propose, resident};
use inspraak_db::moderation;
use inspraak_tests::signing::{Sender, post_signed};
use inspraak_tests::{Browser, TestInstance, extract_between};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

/// The instance's domain blocks as `(host, manual)`, by host.
async fn blocks(instance: &TestInstance, token: &str) -> Vec<(String, bool)> {
    let page = instance
        .browser()
        .api(Method::GET, "/api/v1/domain-blocks", Some(token), None)
        .await;
    page.expect(200);
    page.json()
        .as_array()
        .map(|all| {
            all.iter()
                .map(|b| {
                    (
                        b["host"].as_str().unwrap_or_default().to_owned(),
                        b["manual"].as_bool().unwrap_or(true),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An API call by `token` on `instance`.
async fn call(
    instance: &TestInstance,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> inspraak_tests::Page {
    instance
        .browser()
        .api(method, path, Some(token), body)
        .await
}

/// The address of an instance's recommended list.
fn list_of(instance: &TestInstance) -> String {
    format!("{}/blocklists/recommended", instance.base)
}

/// A `Follow` from an actor on `host`, signed with a key the test holds.
async fn from_host(target: &TestInstance, sender: &Sender, host: &str) -> u16 {
    let actor = format!("http://{host}:1/users/troll");
    let body = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{actor}#follow-{}", uuid::Uuid::now_v7()),
        "type": "Follow",
        "actor": actor,
        "object": format!("{}/organization", target.base),
    });
    let bytes = serde_json::to_vec(&body).expect("json");
    post_signed(target, "/inbox", &bytes, sender, None).await.0
}

#[tokio::test]
async fn a_province_list_blocks_on_subscribers_in_auto_and_review_mode() {
    let (p, mut admin_p) = province("provincie.test").await;
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let (token_p, token_a) = (token(&mut admin_p).await, token(&mut admin_a).await);
    let token_b = token(&mut admin_b).await;

    // The province lists two domains: by API and on the admin page.
    let listed = call(
        &p,
        Method::POST,
        "/api/v1/blocklists/recommended",
        &token_p,
        Some(json!({"host": "Spam.test", "severity": "suspend", "comment": "spam, mostly"})),
    )
    .await;
    listed.expect(201);
    assert_eq!(listed.json()["host"], "spam.test");
    let page = admin_p
        .submit(
            "/admin/blocklists",
            "/admin/blocklists/recommended",
            &[
                ("host", "trolls.test"),
                ("severity", "silence"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/blocklists?notice=recommended_added")
    );
    // Bad input is refused and lists nothing.
    for (host, severity) in [
        ("not a host", "suspend"),
        ("provincie.test", "suspend"),
        ("ok.test", "sometimes"),
    ] {
        call(
            &p,
            Method::POST,
            "/api/v1/blocklists/recommended",
            &token_p,
            Some(json!({"host": host, "severity": severity})),
        )
        .await
        .expect(422);
    }
    // A municipality publishes no list.
    call(
        &a,
        Method::POST,
        "/api/v1/blocklists/recommended",
        &token_a,
        Some(json!({"host": "x.test", "severity": "suspend"})),
    )
    .await
    .expect(404);
    a.browser().get("/blocklists/recommended").await.expect(404);

    // The collection, as other servers read it, and the same list as Mastodon CSV.
    let served = p
        .browser()
        .get_with_accept("/blocklists/recommended", "application/activity+json")
        .await;
    served.expect(200);
    assert!(
        served.headers["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("application/activity+json")
    );
    let collection = served.json();
    assert_eq!(collection["type"], "OrderedCollection");
    assert_eq!(collection["id"], list_of(&p));
    assert_eq!(collection["totalItems"], 2);
    assert_eq!(
        collection["orderedItems"][0],
        json!({"type": "DomainBlock", "domain": "spam.test", "severity": "suspend", "summary": "spam, mostly"})
    );
    assert!(
        collection["@context"]
            .to_string()
            .contains("inspraak:DomainBlock")
    );
    let csv = p.browser().get("/blocklists/recommended.csv").await;
    csv.expect(200);
    assert!(csv.body.starts_with(
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
    ));
    assert!(
        csv.body
            .contains("spam.test,suspend,false,false,\"spam, mostly\",false\n")
    );

    // A blocks trolls.test by hand first, then subscribes with auto-apply.
    admin_a
        .submit(
            "/admin/federation",
            "/admin/federation/block",
            &[("host", "trolls.test"), ("reason", "eigen besluit")],
        )
        .await
        .expect(303);
    let sender = Sender::of(&b, "/organization", "/organization").await;
    assert_ne!(
        from_host(&a, &sender, "spam.test").await,
        403,
        "not blocked yet"
    );
    let subscribed = call(
        &a,
        Method::POST,
        "/api/v1/blocklists/subscriptions",
        &token_a,
        Some(json!({"target": list_of(&p), "mode": "auto"})),
    )
    .await;
    subscribed.expect(201);
    let subscription_a = subscribed.json()["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        subscribed.json()["entries"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(
        blocks(&a, &token_a).await,
        [
            ("spam.test".to_owned(), false),
            ("trolls.test".to_owned(), true)
        ]
    );
    assert_eq!(
        from_host(&a, &sender, "spam.test").await,
        403,
        "refused now"
    );
    assert_eq!(
        from_host(&a, &sender, "www.spam.test").await,
        403,
        "and below it"
    );
    call(
        &a,
        Method::POST,
        "/api/v1/blocklists/subscriptions",
        &token_a,
        Some(json!({"target": list_of(&p), "mode": "auto"})),
    )
    .await
    .expect(409);
    let overview = admin_a.get("/admin/blocklists").await;
    overview.expect(200);
    assert_eq!(overview.data("reachable").as_deref(), Some("true"));

    // B subscribes in review mode on its admin page: suggestions, nothing blocked yet.
    let page = admin_b
        .submit(
            "/admin/blocklists",
            "/admin/blocklists/subscriptions",
            &[("target", &list_of(&p)), ("mode", "review")],
        )
        .await;
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/blocklists?notice=subscribed"),
        "{page:?}"
    );
    let overview = admin_b.get("/admin/blocklists").await;
    let mut suggested = overview.data_all("suggestion");
    suggested.sort();
    assert_eq!(suggested, ["spam.test", "trolls.test"]);
    assert!(blocks(&b, &token_b).await.is_empty());
    let suggestions = call(
        &b,
        Method::GET,
        "/api/v1/blocklists/suggestions",
        &token_b,
        None,
    )
    .await
    .json();
    let id_of = |host: &str| {
        suggestions
            .as_array()
            .and_then(|all| all.iter().find(|s| s["host"] == host))
            .and_then(|s| s["id"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let spam_id = id_of("spam.test");
    admin_b
        .submit(
            "/admin/blocklists",
            &format!("/admin/blocklists/suggestions/{spam_id}/accept"),
            &[],
        )
        .await
        .expect(303);
    call(
        &b,
        Method::POST,
        &format!(
            "/api/v1/blocklists/suggestions/{}/dismiss",
            id_of("trolls.test")
        ),
        &token_b,
        None,
    )
    .await
    .expect(204);
    call(
        &b,
        Method::POST,
        &format!("/api/v1/blocklists/suggestions/{spam_id}/dismiss"),
        &token_b,
        None,
    )
    .await
    .expect(409);
    assert_eq!(
        blocks(&b, &token_b).await,
        [("spam.test".to_owned(), false)]
    );

    // The province takes both off its list; refetching lifts what the list made, never the
    // hand-made block.
    for host in ["spam.test", "trolls.test"] {
        call(
            &p,
            Method::DELETE,
            &format!("/api/v1/blocklists/recommended/{host}"),
            &token_p,
            None,
        )
        .await
        .expect(204);
    }
    call(
        &a,
        Method::POST,
        &format!("/api/v1/blocklists/subscriptions/{subscription_a}/refresh"),
        &token_a,
        None,
    )
    .await
    .expect(204);
    assert_eq!(
        blocks(&a, &token_a).await,
        [("trolls.test".to_owned(), true)]
    );
    assert_ne!(from_host(&a, &sender, "spam.test").await, 403, "lifted");
    let subscriptions_b = call(
        &b,
        Method::GET,
        "/api/v1/blocklists/subscriptions",
        &token_b,
        None,
    )
    .await
    .json();
    let subscription_b = subscriptions_b[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    admin_b
        .submit(
            "/admin/blocklists",
            &format!("/admin/blocklists/subscriptions/{subscription_b}/refresh"),
            &[],
        )
        .await
        .expect(303);
    assert!(blocks(&b, &token_b).await.is_empty());

    // An unreachable list is refused and nothing is stored; a list that becomes unreachable
    // is shown as such.
    let refused = call(
        &a,
        Method::POST,
        "/api/v1/blocklists/subscriptions",
        &token_a,
        Some(json!({"target": "http://nergens.test:1/blocklists/recommended", "mode": "auto"})),
    )
    .await;
    refused.expect(400);
    for target in ["", "ftp://x"] {
        let page = call(
            &a,
            Method::POST,
            "/api/v1/blocklists/subscriptions",
            &token_a,
            Some(json!({"target": target, "mode": "auto"})),
        )
        .await;
        assert!((400..500).contains(&page.status), "{target}: {page:?}");
    }
    call(
        &a,
        Method::POST,
        "/api/v1/blocklists/subscriptions",
        &token_a,
        Some(json!({"target": list_of(&p), "mode": "sometimes"})),
    )
    .await
    .expect(422);
    let subscriptions = call(
        &a,
        Method::GET,
        "/api/v1/blocklists/subscriptions",
        &token_a,
        None,
    )
    .await
    .json();
    assert_eq!(subscriptions.as_array().map(Vec::len), Some(1));
    let _stopped = p.stop().await;
    call(
        &a,
        Method::POST,
        &format!("/api/v1/blocklists/subscriptions/{subscription_a}/refresh"),
        &token_a,
        None,
    )
    .await
    .expect(400);
    let overview = admin_a.get("/admin/blocklists").await;
    assert_eq!(overview.data("reachable").as_deref(), Some("false"));
    assert_eq!(
        blocks(&a, &token_a).await,
        [("trolls.test".to_owned(), true)]
    );

    // Everything is in the audit logs.
    let audit_a = admin_a.get("/admin/audit.csv").await.body;
    for action in [
        "blocklist.subscribe",
        "blocklist.refresh",
        "federation.block",
    ] {
        assert!(audit_a.contains(action), "{action} in {audit_a}");
    }
    let audit_b = admin_b.get("/admin/audit.csv").await.body;
    for action in ["blocklist.accept", "blocklist.dismiss"] {
        assert!(audit_b.contains(action), "{action} in {audit_b}");
    }
}

/// B's copy of a proposal of A (by its title), once it arrived; returns its id on B.
async fn copy_on(b: &TestInstance, copy_path: &str, title: &str) -> String {
    let visitor = b.browser();
    eventually("the proposal arrives on B", || {
        let mut v = visitor.fork();
        let path = copy_path.to_owned();
        let title = title.to_owned();
        async move {
            let page = v.get(&path).await;
            let at = page.body.find(&title)?;
            let before = &page.body[..at];
            let start = before.rfind("<a href=\"/proposals/")?;
            extract_between(&before[start..], "<a href=\"/proposals/", "\"")
                .map(|id| id.split('#').next().unwrap_or_default().to_owned())
        }
    })
    .await
}

/// The number of `Flag`s in an instance's outbox.
async fn flags_sent(instance: &TestInstance) -> u64 {
    use inspraak_db::entity::outbox_activity::{Column, Entity};
    let db = instance.database().await;
    Entity::find()
        .filter(Column::Kind.eq("Flag"))
        .count(&db.conn)
        .await
        .expect("count")
}

/// The open reports on A, with the reporter's ActivityPub id.
async fn reporters(instance: &TestInstance) -> Vec<(String, String)> {
    let db = instance.database().await;
    let mut out = Vec::new();
    for r in moderation::open_reports(&db.conn).await.expect("reports") {
        let user = inspraak_db::users::find(&db.conn, &r.reporter_id)
            .await
            .expect("reporter");
        out.push((r.content_id, user.ap_id));
    }
    out
}

#[tokio::test]
async fn a_forwarded_report_arrives_at_the_origin_as_a_flag_from_the_instance_actor() {
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let (_, slug) = consultation(&mut admin_a, "Havenkade", "proposals", &[]).await;
    follow(&mut admin_b, &format!("{}/consultations/{slug}", a.base)).await;
    let nearby = eventually("the copy is listed on B", || {
        let mut v = b.browser();
        async move {
            let page = v.get("/nearby").await;
            extract_between(&page.body, "<a href=\"/consultations/", "\"")
        }
    })
    .await;
    let copy_path = format!("/consultations/{nearby}");
    // Wait for the follow to be accepted before publishing, so the proposals reach B.
    eventually("B's follow is accepted", || {
        let mut admin = admin_b.fork();
        async move {
            let page = admin.get("/admin/federation").await;
            (page.data("accepted").as_deref() == Some("true")).then_some(())
        }
    })
    .await;
    let mut anna = resident(&a, &mut admin_a, "anna", true).await;
    let first = propose(&mut anna, &slug, "Bankjes langs de kade").await;
    let second = propose(&mut anna, &slug, "Meer vuilnisbakken").await;
    let first_copy = copy_on(&b, &copy_path, "Bankjes langs de kade").await;
    let second_copy = copy_on(&b, &copy_path, "Meer vuilnisbakken").await;

    // A resident of B reports the first copy and forwards it; the form offers that only for
    // items from elsewhere.
    let mut bram = resident(&b, &mut admin_b, "bram", false).await;
    let form = bram.get(&format!("/report/proposal/{first_copy}")).await;
    form.expect(200);
    assert!(form.body.contains("name=\"forward\""), "{}", form.body);
    assert!(form.body.contains("gemeente-a.test"));
    bram.submit(
        &format!("/report/proposal/{first_copy}"),
        &format!("/report/proposal/{first_copy}"),
        &[
            ("reason", "spam"),
            ("note", "Reclame voor een bedrijf"),
            ("forward", "yes"),
        ],
    )
    .await
    .expect(303);
    let instance_actor = format!("{}/actor", b.base);
    eventually("A's queue has the report, by B's instance actor", || {
        let a = &a;
        let instance_actor = instance_actor.clone();
        let first = first.clone();
        async move {
            let open = reporters(a).await;
            (open == [(first, instance_actor)]).then_some(())
        }
    })
    .await;
    let queue_a = admin_a.get("/moderation").await;
    assert!(
        queue_a.body.contains("Reclame voor een bedrijf"),
        "{}",
        queue_a.body
    );
    assert!(
        !queue_a.body.contains("bram"),
        "the reporter stays anonymous"
    );
    let queue_b = admin_b.get("/moderation").await;
    assert!(
        queue_b
            .data_all("forwarded")
            .iter()
            .any(|h| h.starts_with("gemeente-a.test")),
        "{}",
        queue_b.body
    );

    // A report without forwarding stays on B.
    bram.submit(
        &format!("/report/proposal/{second_copy}"),
        &format!("/report/proposal/{second_copy}"),
        &[("reason", "off_topic")],
    )
    .await
    .expect(303);
    assert_eq!(flags_sent(&b).await, 1);
    // Our own items offer no forwarding and cannot be forwarded.
    let own = anna.get(&format!("/report/proposal/{second}")).await;
    assert!(!own.body.contains("name=\"forward\""));
    let token_a = token(&mut admin_a).await;
    call(
        &a,
        Method::POST,
        &format!("/api/v1/moderation/proposal/{second}/forward"),
        &token_a,
        Some(json!({"note": "x"})),
    )
    .await
    .expect(400);

    // A moderator of B forwards it from the queue, through the API.
    let token_b = token(&mut admin_b).await;
    let forwarded = call(
        &b,
        Method::POST,
        &format!("/api/v1/moderation/proposal/{second_copy}/forward"),
        &token_b,
        Some(json!({"note": "Hoort niet bij deze consultatie"})),
    )
    .await;
    forwarded.expect(200);
    assert!(
        forwarded.json()["host"]
            .as_str()
            .unwrap_or_default()
            .starts_with("gemeente-a.test")
    );
    assert_eq!(flags_sent(&b).await, 2);
    eventually("A's queue has the second report", || {
        let a = &a;
        async move { (reporters(a).await.len() == 2).then_some(()) }
    })
    .await;
    assert!(
        admin_b
            .get("/admin/audit.csv")
            .await
            .body
            .contains("moderation.forward")
    );
}

/// Uploads a CSV on the admin federation page.
async fn upload(admin: &mut Browser, text: &str) -> inspraak_tests::Page {
    let csrf = admin.get("/admin/federation").await.csrf();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf)
        .part(
            "file",
            reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("blocks.csv"),
        );
    admin.post_multipart("/admin/federation/import", form).await
}

#[tokio::test]
async fn mastodon_csv_import_is_all_or_nothing_and_round_trips() {
    let (a, mut admin_a) = named_with_admin("gemeente-a.test").await;
    let token_a = token(&mut admin_a).await;
    let header = "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate";
    let import = |body: String| {
        let a = &a;
        let token_a = token_a.clone();
        async move {
            a.browser()
                .api_text(Method::POST, "/api/v1/domain-blocks/import", &token_a, body)
                .await
        }
    };

    // A bad line refuses the whole file, naming the line.
    let bad = format!(
        "{header}\ngood.test,suspend,false,false,ok,false\nnot a host,suspend,false,false,,false\n"
    );
    let refused = import(bad.clone()).await;
    refused.expect(400);
    assert!(refused.body.contains("line 3"), "{}", refused.body);
    assert!(blocks(&a, &token_a).await.is_empty());
    let page = upload(&mut admin_a, &bad).await;
    let location = page.location.clone().unwrap_or_default();
    assert!(location.contains("error=line+3"), "{location}");
    assert!(blocks(&a, &token_a).await.is_empty());
    // Our own host, or too many lines, likewise.
    import(format!(
        "{header}\ngemeente-a.test,suspend,false,false,,false\n"
    ))
    .await
    .expect(400);
    let many: String = (0..=5_000)
        .map(|i| format!("s{i}.test,suspend,false,false,,false\n"))
        .collect();
    import(format!("{header}\n{many}")).await.expect(400);
    assert!(blocks(&a, &token_a).await.is_empty());

    // A good file (on the page), exported and imported again elsewhere: the same blocks.
    let good = format!(
        "{header}\nbad.test,suspend,false,false,\"spam, mostly\",false\nloud.test,silence,true,false,,false\nfine.test,noop,true,false,,false\n"
    );
    let page = upload(&mut admin_a, &good).await;
    assert_eq!(
        page.location.as_deref(),
        Some("/admin/federation?notice=blocks_imported")
    );
    assert_eq!(
        blocks(&a, &token_a).await,
        [
            ("bad.test".to_owned(), true),
            ("loud.test".to_owned(), true)
        ]
    );
    let exported = a
        .browser()
        .api(
            Method::GET,
            "/api/v1/domain-blocks.csv",
            Some(&token_a),
            None,
        )
        .await;
    exported.expect(200);
    assert_eq!(
        exported.body,
        format!(
            "{header}\nbad.test,suspend,false,false,\"spam, mostly\",false\nloud.test,silence,false,false,,false\n"
        )
    );
    let from_page = admin_a.get("/admin/federation/blocks.csv").await;
    assert_eq!(from_page.body, exported.body);
    let (b, mut admin_b) = named_with_admin("gemeente-b.test").await;
    let token_b = token(&mut admin_b).await;
    let imported = b
        .browser()
        .api_text(
            Method::POST,
            "/api/v1/domain-blocks/import",
            &token_b,
            exported.body.clone(),
        )
        .await;
    imported.expect(200);
    assert_eq!(imported.json()["imported"], 2);
    let again = b
        .browser()
        .api(
            Method::GET,
            "/api/v1/domain-blocks.csv",
            Some(&token_b),
            None,
        )
        .await;
    assert_eq!(again.body, exported.body);
    assert!(
        admin_a
            .get("/admin/audit.csv")
            .await
            .body
            .contains("blocklist.import")
    );
}
