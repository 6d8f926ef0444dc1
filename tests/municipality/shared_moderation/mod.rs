//! Shared moderation between instances under distinct host names: a province publishes a
//! recommended blocklist; one municipality subscribes with auto-apply (the domain is blocked
//! and its activities refused), another in review mode (a suggestion, blocked only once
//! accepted); removal from the list lifts what the list made but not a hand-made block. A
//! report forwarded from a copy arrives at the origin as a `Flag` by the instance actor; one
//! not forwarded stays home. Mastodon CSV import is all or nothing and round-trips (`csv`).

mod csv;
mod reports;

use super::deals::{province, token};
use super::federation::{eventually, named_with_admin};
use inspraak_tests::TestInstance;
use inspraak_tests::signing::{Sender, post_signed};
use reqwest::Method;
use serde_json::{Value, json};

/// The instance's domain blocks as `(host, manual)`, by host.
pub(super) async fn blocks(instance: &TestInstance, token: &str) -> Vec<(String, bool)> {
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
pub(super) async fn call(
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
    let page = admin_p
        .submit(
            "/admin/blocklists",
            "/admin/blocklists/recommended",
            &[("host", "not a host"), ("severity", "suspend")],
        )
        .await;
    let location = page.location.clone().unwrap_or_default();
    assert!(
        location.starts_with("/admin/blocklists?error=Geef+een+geldige"),
        "{location}"
    );
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

    // Both subscribers follow the list at the province, which tells them of each change.
    eventually("the province counts two subscribers", || {
        let mut admin = admin_p.fork();
        async move {
            let page = admin.get("/admin/blocklists").await;
            (page.data("subscribers").as_deref() == Some("2")).then_some(())
        }
    })
    .await;

    // The province takes both off its list; its `Update` makes A fetch the list again, which
    // lifts what the list made, never the hand-made block.
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
    eventually("A lifts the list's block on its own", || {
        let a = &a;
        let token_a = token_a.clone();
        async move {
            (blocks(a, &token_a).await == [("trolls.test".to_owned(), true)]).then_some(())
        }
    })
    .await;
    assert_ne!(from_host(&a, &sender, "spam.test").await, 403, "lifted");
    // Refetching by hand changes nothing more.
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
    // B ends its subscription: the province stops counting it.
    call(
        &b,
        Method::DELETE,
        &format!("/api/v1/blocklists/subscriptions/{subscription_b}"),
        &token_b,
        None,
    )
    .await
    .expect(204);
    eventually("the province counts one subscriber", || {
        let mut admin = admin_p.fork();
        async move {
            let page = admin.get("/admin/blocklists").await;
            (page.data("subscribers").as_deref() == Some("1")).then_some(())
        }
    })
    .await;

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
